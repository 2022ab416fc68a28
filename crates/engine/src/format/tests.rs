//! Snapshot tests for every rendering: each type, nested values, NULLs, empty results,
//! truncation, several batches.

use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::*;
use ember_common::{Error, ErrorKind, Span};

use super::*;

fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(cols).unwrap()
}

fn ints() -> ArrayRef {
    Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1), Some(2)]),
        Some(vec![Some(3), None]),
        None,
        Some(vec![]),
    ]))
}

fn strings_list() -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    b.values().append_value("a");
    b.values().append_null();
    b.append(true);
    Arc::new(b.finish())
}

fn map() -> ArrayRef {
    let mut b = MapBuilder::new(None, StringBuilder::new(), Int32Builder::new());
    b.keys().append_value("b");
    b.values().append_value(2);
    b.keys().append_value("a");
    b.values().append_null();
    b.append(true).unwrap();
    Arc::new(b.finish())
}

fn structs() -> ArrayRef {
    Arc::new(StructArray::from(vec![
        (Arc::new(Field::new("a", DataType::Int32, true)), Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef),
        (Arc::new(Field::new("b", DataType::Utf8, true)), Arc::new(StringArray::from(vec![Some("x"), None])) as ArrayRef),
    ]))
}

fn all(array: &dyn Array, tz: &str) -> String {
    (0..array.len()).map(|i| golden_value(array, i, tz)).collect::<Vec<_>>().join(" | ")
}

fn pretty(array: &dyn Array) -> String {
    let f = ValueFormatter::new(Style::Pretty, "UTC");
    (0..array.len()).map(|i| f.format(array, i)).collect::<Vec<_>>().join(" | ")
}

#[test]
fn golden_scalars() {
    insta::assert_snapshot!(all(&BooleanArray::from(vec![Some(true), Some(false), None]), "UTC"), @"true | false | NULL");
    insta::assert_snapshot!(all(&Int8Array::from(vec![Some(-128), None]), "UTC"), @"-128 | NULL");
    insta::assert_snapshot!(all(&Int64Array::from(vec![i64::MAX, 0]), "UTC"), @"9223372036854775807 | 0");
    insta::assert_snapshot!(all(&Float64Array::from(vec![1.0, 1e10, 0.1, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e-5]), "UTC"), @"1.0 | 1.0E10 | 0.1 | -0.0 | NaN | Infinity | -Infinity | 1.0E-5");
    insta::assert_snapshot!(all(&Float32Array::from(vec![1.5f32, 0.1]), "UTC"), @"1.5 | 0.1");
    let d = Decimal128Array::from(vec![Some(12345), Some(-5), Some(0), None]).with_precision_and_scale(10, 2).unwrap();
    insta::assert_snapshot!(all(&d, "UTC"), @"123.45 | -0.05 | 0.00 | NULL");
    let d = Decimal256Array::from(vec![i256::from_i128(-12345)]).with_precision_and_scale(40, 3).unwrap();
    insta::assert_snapshot!(all(&d, "UTC"), @"-12.345");
    insta::assert_snapshot!(all(&StringArray::from(vec![Some("a b"), Some(""), None]), "UTC"), @"a b |  | NULL");
    insta::assert_snapshot!(all(&StringViewArray::from(vec!["view"]), "UTC"), @"view");
    insta::assert_snapshot!(all(&BinaryArray::from(vec![b"Spark".as_ref(), "é".as_bytes(), &[0xff]]), "UTC"), @"Spark | é | �");
    insta::assert_snapshot!(all(&Date32Array::from(vec![0, 19723, -1]), "UTC"), @"1970-01-01 | 2024-01-01 | 1969-12-31");
    insta::assert_snapshot!(all(&NullArray::new(2), "UTC"), @"NULL | NULL");
}

#[test]
fn golden_timestamps_use_the_session_zone() {
    let ts = TimestampMicrosecondArray::from(vec![Some(1_704_067_200_500_000), Some(0), None]).with_timezone("UTC");
    insta::assert_snapshot!(all(&ts, "UTC"), @"2024-01-01 00:00:00.5 | 1970-01-01 00:00:00 | NULL");
    insta::assert_snapshot!(all(&ts, "America/Los_Angeles"), @"2023-12-31 16:00:00.5 | 1969-12-31 16:00:00 | NULL");
    insta::assert_snapshot!(all(&ts, "+05:30"), @"2024-01-01 05:30:00.5 | 1970-01-01 05:30:00 | NULL");
    let ntz = TimestampMicrosecondArray::from(vec![1_704_067_200_123_456]);
    insta::assert_snapshot!(all(&ntz, "America/Los_Angeles"), @"2024-01-01 00:00:00.123456");
    let ns = TimestampNanosecondArray::from(vec![1_000_000_001]).with_timezone("UTC");
    insta::assert_snapshot!(all(&ns, "UTC"), @"1970-01-01 00:00:01");
}

#[test]
fn golden_nested() {
    insta::assert_snapshot!(all(ints().as_ref(), "UTC"), @"[1,2] | [3,null] | NULL | []");
    insta::assert_snapshot!(all(strings_list().as_ref(), "UTC"), @r#"["a",null]"#);
    insta::assert_snapshot!(all(map().as_ref(), "UTC"), @r#"{"a":null,"b":2}"#);
    insta::assert_snapshot!(all(structs().as_ref(), "UTC"), @r#"{"a":1,"b":"x"} | {"a":null,"b":null}"#);
    let dict = DictionaryArray::<Int32Type>::from_iter([Some("x"), None, Some("x")]);
    insta::assert_snapshot!(all(&dict, "UTC"), @"x | NULL | x");
}

#[test]
fn pretty_values() {
    insta::assert_snapshot!(pretty(ints().as_ref()), @"[1, 2] | [3, NULL] | NULL | []");
    insta::assert_snapshot!(pretty(strings_list().as_ref()), @"[a, NULL]");
    insta::assert_snapshot!(pretty(map().as_ref()), @"{b -> 2, a -> NULL}");
    insta::assert_snapshot!(pretty(structs().as_ref()), @"{1, x} | {NULL, NULL}");
    insta::assert_snapshot!(pretty(&BinaryArray::from(vec![b"\x01\xab".as_ref()])), @"[01 AB]");
    insta::assert_snapshot!(pretty(&DurationMicrosecondArray::from(vec![93_784_000_000])), @"INTERVAL '1 02:03:04' DAY TO SECOND");
}

#[test]
fn schema_strings() {
    let s = Schema::new(vec![
        Field::new("a", DataType::Int32, true),
        Field::new("b", DataType::Utf8, true),
        Field::new("c", DataType::Decimal128(10, 2), true),
    ]);
    insta::assert_snapshot!(catalog_schema(&s), @"struct<a:int,b:string,c:decimal(10,2)>");
    insta::assert_snapshot!(catalog_schema(&Schema::empty()), @"struct<>");
}

fn sample() -> (SchemaRef, Vec<RecordBatch>) {
    let b1 = batch(vec![
        ("id", Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef),
        ("name", Arc::new(StringArray::from(vec![Some("alice"), None])) as ArrayRef),
    ]);
    let b2 = batch(vec![
        ("id", Arc::new(Int32Array::from(vec![3])) as ArrayRef),
        ("name", Arc::new(StringArray::from(vec!["a rather long name, longer than twenty"])) as ArrayRef),
    ]);
    (b1.schema(), vec![b1, b2])
}

#[test]
fn golden_blocks() {
    let (schema, batches) = sample();
    insta::assert_snapshot!(golden_block(1, &Ok((schema.clone(), batches)), "UTC"), @r#"
    @@ STATEMENT 1
    @@ SCHEMA struct<id:int,name:string>
    1	alice
    NULL	NULL
    3	a rather long name, longer than twenty
    @@ END
    "#);
    insta::assert_snapshot!(golden_block(2, &Ok((schema, vec![])), "UTC"), @r#"
    @@ STATEMENT 2
    @@ SCHEMA struct<id:int,name:string>
    @@ END
    "#);
    let err = Error::new(ErrorKind::UnresolvedColumn { name: "nmae".into(), suggestions: vec!["name".into()] })
        .with_span(Span::new(1, 8, 1, 12))
        .with_sql("SELECT nmae FROM people");
    insta::assert_snapshot!(golden_block(3, &Err(err), "UTC"), @r#"
    @@ STATEMENT 3
    @@ ERROR UNRESOLVED_COLUMN.WITH_SUGGESTION 42703
    A column, variable, or function parameter with name `nmae` cannot be resolved. Did you mean one of the following? [`name`].
    LINE 1: SELECT nmae FROM people
                   ^^^^
    @@ END
    "#);
    let err = Error::new(ErrorKind::Io(std::io::Error::other("boom")));
    insta::assert_snapshot!(golden_block(4, &Err(err), "UTC"), @r#"
    @@ STATEMENT 4
    @@ ERROR IO_ERROR -
    I/O error: boom
    @@ END
    "#);
}

#[test]
fn show_tables_prints_names_only() {
    let (_, batches) = sample();
    assert_eq!(statement_rows("SELECT * FROM t", &batches, "UTC")[0], "1\talice");
    assert_eq!(statement_rows("-- listing\nshow  tables", &batches, "UTC"), ["alice", "NULL", "a rather long name, longer than twenty"]);
    assert_eq!(statement_rows("SHOW VIEWS", &batches, "UTC")[0], "alice");
}

#[test]
fn show_default() {
    let (schema, batches) = sample();
    insta::assert_snapshot!(show_string(&batches, &schema, 20, 20, false), @r#"
    +----+--------------------+
    |  id|                name|
    +----+--------------------+
    |   1|               alice|
    |NULL|                NULL|
    |   3|a rather long nam...|
    +----+--------------------+
    "#);
    insta::assert_snapshot!(show_string(&batches, &schema, 2, 20, false), @r#"
    +----+-----+
    |  id| name|
    +----+-----+
    |   1|alice|
    |NULL| NULL|
    +----+-----+
    only showing top 2 rows
    "#);
    insta::assert_snapshot!(show_string(&batches, &schema, 1, 0, false), @r#"
    +---+-----+
    |id |name |
    +---+-----+
    |1  |alice|
    +---+-----+
    only showing top 1 row
    "#);
    insta::assert_snapshot!(show_string(&batches, &schema, 20, 3, false), @r#"
    +---+----+
    | id|name|
    +---+----+
    |  1| ali|
    |NUL| NUL|
    |  3| a r|
    +---+----+
    "#);
}

#[test]
fn show_vertical_and_empty() {
    let (schema, batches) = sample();
    insta::assert_snapshot!(show_string(&batches, &schema, 20, 20, true), @r#"
    -RECORD 0--------------------
     id   | 1                    
     name | alice                
    -RECORD 1--------------------
     id   | NULL                 
     name | NULL                 
    -RECORD 2--------------------
     id   | 3                    
     name | a rather long nam...
    "#);
    insta::assert_snapshot!(show_string(&[], &schema, 20, 20, false), @r#"
    +---+----+
    | id|name|
    +---+----+
    +---+----+
    "#);
    insta::assert_snapshot!(show_string(&[], &schema, 20, 20, true), @"(0 rows)");
    let nested = batch(vec![("arr", ints()), ("tab\tname", Arc::new(StringArray::from(vec!["a\nb", "x", "y", "z"])) as ArrayRef)]);
    insta::assert_snapshot!(show_string(&[nested.clone()], &nested.schema(), 20, 20, false), @r#"
    +---------+---------+
    |      arr|tab\tname|
    +---------+---------+
    |   [1, 2]|     a\nb|
    |[3, NULL]|        x|
    |     NULL|        y|
    |       []|        z|
    +---------+---------+
    "#);
}

#[test]
fn cli_formats() {
    let (schema, batches) = sample();
    insta::assert_snapshot!(table_string(&batches, &schema, "UTC"), @r#"
    +------+----------------------------------------+
    | id   | name                                   |
    +------+----------------------------------------+
    |    1 | alice                                  |
    | NULL | NULL                                   |
    |    3 | a rather long name, longer than twenty |
    +------+----------------------------------------+
    "#);
    insta::assert_snapshot!(table_string(&[], &schema, "UTC"), @r#"
    +----+------+
    | id | name |
    +----+------+
    +----+------+
    "#);
    insta::assert_snapshot!(csv_string(&batches, &schema, "UTC"), @r#"
    id,name
    1,alice
    ,
    3,"a rather long name, longer than twenty"
    "#);
    let quoted = batch(vec![("q", Arc::new(StringArray::from(vec!["say \"hi\"", "two\nlines", "tab\there"])) as ArrayRef)]);
    insta::assert_snapshot!(csv_string(&[quoted.clone()], &quoted.schema(), "UTC"), @r#"
    q
    "say ""hi"""
    "two
    lines"
    tab	here
    "#);
    insta::assert_snapshot!(tsv_string(&[quoted.clone()], &quoted.schema(), "UTC"), @r#"
    q
    say "hi"
    two\nlines
    tab\there
    "#);
    insta::assert_snapshot!(tsv_string(&batches, &schema, "UTC"), @r#"
    id	name
    1	alice
    NULL	NULL
    3	a rather long name, longer than twenty
    "#);
    insta::assert_snapshot!(json_lines(&batches, &schema, "UTC"), @r#"
    {"id":1,"name":"alice"}
    {"id":null,"name":null}
    {"id":3,"name":"a rather long name, longer than twenty"}
    "#);
    let mixed = batch(vec![
        ("l", ints()),
        ("d", Arc::new(Decimal128Array::from(vec![150, -1, 0, 7]).with_precision_and_scale(5, 2).unwrap()) as ArrayRef),
        ("f", Arc::new(Float64Array::from(vec![1.5, f64::NAN, 1e20, -0.25])) as ArrayRef),
        ("dt", Arc::new(Date32Array::from(vec![0, 1, 2, 3])) as ArrayRef),
    ]);
    insta::assert_snapshot!(json_lines(&[mixed.clone()], &mixed.schema(), "UTC"), @r#"
    {"l":[1,2],"d":1.50,"f":1.5,"dt":"1970-01-01"}
    {"l":[3,null],"d":-0.01,"f":"NaN","dt":"1970-01-02"}
    {"l":null,"d":0.00,"f":1.0E20,"dt":"1970-01-03"}
    {"l":[],"d":0.07,"f":-0.25,"dt":"1970-01-04"}
    "#);
    let nested = batch(vec![("m", map()), ("s", structs().slice(0, 1))]);
    insta::assert_snapshot!(json_lines(&[nested.clone()], &nested.schema(), "UTC"), @r#"{"m":{"b":2,"a":null},"s":{"a":1,"b":"x"}}"#);
}

#[test]
fn show_timestamps_in_the_session_zone() {
    let b = batch(vec![
        ("ts", Arc::new(TimestampMicrosecondArray::from(vec![0]).with_timezone("UTC")) as ArrayRef),
        ("d", Arc::new(Float64Array::from(vec![1e-4])) as ArrayRef),
    ]);
    insta::assert_snapshot!(show_string_with_zone(&[b.clone()], &b.schema(), 20, 20, false, "+08:00"), @r#"
    +-------------------+------+
    |                 ts|     d|
    +-------------------+------+
    |1970-01-01 08:00:00|1.0E-4|
    +-------------------+------+
    "#);
}
