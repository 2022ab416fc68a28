//! The DataFrame API end to end: each transformation and action on the sample data,
//! checked against the same query written in SQL where one exists.

use arrow::record_batch::RecordBatch;
use ember::functions::{avg, col, count, count_distinct, explode, lit, max, min, split, sum, upper, when};
use ember::{DataFrame, Session};

fn session() -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", "3")
        .config("ember.executor.threads", "2")
        .build()
        .unwrap()
}

fn data(file: &str) -> String {
    format!("{}/../../data/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn people(s: &Session) -> DataFrame {
    s.read().option("header", "true").option("inferSchema", "true").csv(&data("people.csv")).unwrap()
}

/// Rows as golden lines, sorted unless `ordered`.
fn rows(batches: &[RecordBatch], ordered: bool) -> Vec<String> {
    let mut r = ember::format::golden_rows(batches, "UTC");
    if !ordered {
        r.sort();
    }
    r
}

#[test]
fn select_filter_with_column_rename_drop() {
    let s = session();
    let df = people(&s)
        .filter(col("age").geq(lit(45)))
        .unwrap()
        .with_column("name_upper", upper(col("name")))
        .unwrap()
        .with_column("age", col("age") + lit(1))
        .unwrap()
        .with_column_renamed("salary", "pay")
        .unwrap()
        .drop(&["id", "city", "missing_is_ignored"])
        .unwrap();
    assert_eq!(df.columns(), vec!["name", "age", "pay", "name_upper"]);
    assert_eq!(
        rows(&df.collect().unwrap(), false),
        vec!["Bob\t46\t4100.0\tBOB", "Eva\t53\t7300.75\tEVA", "Joao\t61\t8000.0\tJOAO"]
    );
}

#[test]
fn group_by_agg_matches_sql() {
    let s = session();
    let p = people(&s);
    p.create_or_replace_temp_view("people").unwrap();
    let df = p
        .group_by([col("city")])
        .agg([count(lit(1)).alias("n"), avg(col("age")).alias("avg_age"), max(col("salary")), min(col("name"))])
        .unwrap()
        .order_by([col("n").desc(), col("city").asc()])
        .unwrap();
    let sql = s
        .sql("SELECT city, count(*) AS n, avg(age) AS avg_age, max(salary), min(name) FROM people GROUP BY city ORDER BY n DESC, city")
        .unwrap();
    assert_eq!(df.columns(), sql.columns());
    assert_eq!(rows(&df.collect().unwrap(), true), rows(&sql.collect().unwrap(), true));
    assert_eq!(rows(&df.collect().unwrap(), true)[0], "Lisbon\t4\t40.25\t8000.0\tAlice");
    // Spark's shortcuts on grouped data.
    let counted = p.group_by(["city"]).count().unwrap();
    assert_eq!(counted.columns(), vec!["city", "count"]);
    assert_eq!(counted.count().unwrap(), 4);
    let summed = p.group_by(["city"]).sum(&["salary"]).unwrap();
    assert_eq!(summed.columns(), vec!["city", "sum(salary)"]);
}

#[test]
fn global_aggregates_and_distinct_counts() {
    let s = session();
    let p = people(&s);
    let out = p.agg([sum(col("salary")), count_distinct([col("city")]), count(col("*"))]).unwrap();
    assert_eq!(rows(&out.collect().unwrap(), true), vec!["47801.6\t4\t10"]);
    let via_select = p.select([max(col("age"))]).unwrap();
    assert_eq!(rows(&via_select.collect().unwrap(), true), vec!["60"]);
}

#[test]
fn joins_and_join_types() {
    let s = session();
    let p = people(&s).alias("p").unwrap();
    let o = s.read().json(&data("orders.json")).unwrap().alias("o").unwrap();
    let inner = p.join(&o, col("p.id").eq(col("o.person_id")), "inner").unwrap();
    assert_eq!(inner.count().unwrap(), 6);
    let left = p.join(&o, col("p.id").eq(col("o.person_id")), "left_outer").unwrap();
    assert_eq!(left.count().unwrap(), 11);
    let full = p.join(&o, col("p.id").eq(col("o.person_id")), "full").unwrap();
    assert_eq!(full.count().unwrap(), 12);
    let semi = p.join(&o, col("p.id").eq(col("o.person_id")), "left_semi").unwrap();
    assert_eq!(semi.count().unwrap(), 5);
    let anti = p.join(&o, col("p.id").eq(col("o.person_id")), "anti").unwrap();
    assert_eq!(anti.count().unwrap(), 5);
    let err = p.join(&o, col("p.id").eq(col("o.person_id")), "sideways").unwrap_err();
    assert_eq!(err.class(), "UNSUPPORTED_JOIN_TYPE");
    let crossed = p.cross_join(&o).unwrap();
    assert_eq!(crossed.count().unwrap(), 70);
}

#[test]
fn join_using_keeps_one_key_column() {
    let s = session();
    let a = s.sql("SELECT * FROM VALUES (1, 'x'), (2, 'y') AS a(k, va)").unwrap();
    let b = s.sql("SELECT * FROM VALUES (2, 'z'), (3, 'w') AS b(k, vb)").unwrap();
    let j = a.join_using(&b, &["k"], "full").unwrap();
    assert_eq!(j.columns(), vec!["k", "va", "vb"]);
    assert_eq!(rows(&j.collect().unwrap(), false), vec!["1\tx\tNULL", "2\ty\tz", "3\tNULL\tw"]);
}

#[test]
fn order_limit_distinct_union_offset() {
    let s = session();
    let p = people(&s);
    let top = p.order_by([col("salary").desc_nulls_last()]).unwrap().limit(2).unwrap().select(["name"]).unwrap();
    assert_eq!(rows(&top.collect().unwrap(), true), vec!["Joao", "Eva"]);
    let cities = p.select(["city"]).unwrap().distinct().unwrap();
    assert_eq!(cities.count().unwrap(), 4);
    let both = cities.union(&cities).unwrap();
    assert_eq!(both.count().unwrap(), 8);
    assert_eq!(both.distinct().unwrap().count().unwrap(), 4);
    let skipped = p.order_by([col("id")]).unwrap().offset(8).unwrap().select(["id"]).unwrap();
    assert_eq!(rows(&skipped.collect().unwrap(), true), vec!["9", "10"]);
}

#[test]
fn when_otherwise_cast_between_in_like() {
    let s = session();
    let p = people(&s);
    let df = p
        .select([
            col("name"),
            when(col("age").lt(lit(30)), lit("young")).when(col("age").lt(lit(50)), lit("mid")).otherwise(lit("senior")).alias("band"),
            col("age").cast("string").alias("age_s"),
            col("age").between(lit(30), lit(40)).alias("thirties"),
            col("city").is_in(["Faro", "Braga"]).alias("south"),
            col("name").like("%o%").alias("has_o"),
        ])
        .unwrap()
        .filter(col("name").is_in(["Alice", "Diego", "Hugo"]))
        .unwrap();
    assert_eq!(
        rows(&df.collect().unwrap(), false),
        vec!["Alice\tmid\t34\ttrue\tfalse\tfalse", "Diego\tsenior\tNULL\tNULL\ttrue\ttrue", "Hugo\tyoung\t23\tfalse\ttrue\ttrue"]
    );
}

#[test]
fn word_count_sql_and_dataframe_agree() {
    let s = session();
    let lines = s.read().option("header", "true").csv(&data("lines.csv")).unwrap();
    lines.create_or_replace_temp_view("lines").unwrap();
    let df = lines
        .select([explode(split(col("line"), " ")).alias("word")])
        .unwrap()
        .group_by([col("word")])
        .agg([count(lit(1)).alias("n")])
        .unwrap()
        .order_by([col("n").desc(), col("word").asc()])
        .unwrap();
    let sql = s
        .sql("SELECT word, count(*) AS n FROM (SELECT explode(split(line, ' ')) AS word FROM lines) GROUP BY word ORDER BY n DESC, word")
        .unwrap();
    let a = rows(&df.collect().unwrap(), true);
    assert_eq!(a, rows(&sql.collect().unwrap(), true));
    assert_eq!(a[0], "the\t5");
}

#[test]
fn show_print_schema_and_explain() {
    let s = session();
    let p = people(&s);
    let shown = p.select(["id", "name"]).unwrap().show_string(3, 20).unwrap();
    assert_eq!(
        shown,
        "+---+-----+\n| id| name|\n+---+-----+\n|  1|Alice|\n|  2|  Bob|\n|  3|Carla|\n+---+-----+\nonly showing top 3 rows\n"
    );
    assert_eq!(
        p.schema_string(),
        "root\n |-- id: integer (nullable = true)\n |-- name: string (nullable = true)\n |-- age: integer (nullable = true)\n |-- city: string (nullable = true)\n |-- salary: double (nullable = true)\n"
    );
    let plan = p.filter(col("age").gt(lit(40))).unwrap().explain_string(true).unwrap();
    assert!(plan.contains("== Parsed Logical Plan ==") && plan.contains("== Physical Plan =="), "{plan}");
    assert!(plan.contains("PushedFilters: [(age > 40)]"), "{plan}");
}

#[test]
fn select_expr_and_filter_sql_strings() {
    let s = session();
    let p = people(&s);
    let df = p.select_expr(&["name", "age * 2 AS double_age"]).unwrap().filter_sql("double_age > 100").unwrap();
    assert_eq!(rows(&df.collect().unwrap(), false), vec!["Eva\t104", "Joao\t120"]);
    let err = p.filter_sql("agee > 1").unwrap_err();
    assert_eq!(err.class(), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    assert!(err.to_string().contains("`age`"), "{err}");
}

#[test]
fn errors_from_dataframe_calls() {
    let s = session();
    let p = people(&s);
    assert_eq!(p.select(["nope"]).unwrap_err().class(), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    assert_eq!(p.filter(col("name")).unwrap_err().class(), "DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN");
    assert_eq!(p.select([col("age").cast("integr")]).unwrap_err().class(), "UNSUPPORTED_DATATYPE");
    assert_eq!(
        p.select([ember::functions::call_function("no_such_fn", vec![col("age")])]).unwrap_err().class(),
        "UNRESOLVED_ROUTINE"
    );
    assert_eq!(s.table("nope").unwrap_err().class(), "TABLE_OR_VIEW_NOT_FOUND");
}

#[test]
fn create_dataframe_from_arrow_and_temp_views() {
    use std::sync::Arc;

    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("v", DataType::Int64, true)]));
    let b1 = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(StringArray::from(vec![Some("a"), Some("b")])), Arc::new(Int64Array::from(vec![Some(1), None]))],
    )
    .unwrap();
    let b2 = RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(vec![Some("a")])), Arc::new(Int64Array::from(vec![Some(5)]))]).unwrap();
    let s = session();
    let df = s.create_dataframe(vec![b1, b2]).unwrap();
    df.create_temp_view("kv").unwrap();
    assert_eq!(df.create_temp_view("kv").unwrap_err().class(), "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS");
    let out = s.sql("SELECT k, sum(v) FROM kv GROUP BY k").unwrap();
    assert_eq!(rows(&out.collect().unwrap(), false), vec!["a\t6", "b\tNULL"]);
    assert_eq!(s.table("kv").unwrap().count().unwrap(), 3);
}

#[test]
fn range_dataframes() {
    let s = session();
    let r = s.range(0, 100, 7, Some(3)).unwrap();
    assert_eq!(r.columns(), vec!["id"]);
    assert_eq!(r.count().unwrap(), 15);
    let evens = r.filter((col("id") % lit(2)).eq(lit(0))).unwrap().agg([sum(col("id"))]).unwrap();
    assert_eq!(rows(&evens.collect().unwrap(), true), vec!["392"]);
    assert_eq!(s.range(5, 0, -1, None).unwrap().count().unwrap(), 5);
    assert_eq!(s.range(0, 1, 0, None).unwrap_err().class(), "INVALID_PARAMETER_VALUE");
}
