//! Math and string functions through the DataFrame API: each wrapper builds the same
//! plan as its SQL spelling, so names, types and values agree with `SELECT`.

use arrow::record_batch::RecordBatch;
use ember::functions::*;
use ember::{DataFrame, Session};

fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "3").config("ember.executor.threads", "2").build().unwrap()
}

fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let mut r = ember::format::golden_rows(batches, "UTC");
    r.sort();
    r
}

fn numbers(s: &Session) -> DataFrame {
    s.sql("SELECT * FROM VALUES (1, CAST(2.345 AS DECIMAL(6, 3)), -2.5D, 'a-1'), (2, CAST(-7.5 AS DECIMAL(6, 3)), NULL, 'b-22'), (3, NULL, 9.0D, NULL) AS t(id, d, x, s)")
        .unwrap()
}

#[test]
fn math_wrappers_match_sql() {
    let s = session();
    let df = numbers(&s);
    let api = df
        .select([
            col("id"),
            round(col("d"), 1),
            bround(col("x"), 0),
            floor(col("x")),
            ceil(col("d")),
            pow(col("id"), lit(2)),
            pmod(lit(-7), col("id")),
            greatest([col("id"), col("x")]),
            least([col("id"), col("x")]),
            sqrt(col("x")),
        ])
        .unwrap();
    df.create_or_replace_temp_view("t").unwrap();
    let sql = s
        .sql("SELECT id, round(d, 1), bround(x, 0), floor(x), ceil(d), power(id, 2), pmod(-7, id), greatest(id, x), least(id, x), sqrt(x) FROM t")
        .unwrap();
    assert_eq!(api.schema_string(), sql.schema_string());
    assert_eq!(
        api.schema_string(),
        "root
 |-- id: integer (nullable = true)
 |-- round(d, 1): decimal(5,1) (nullable = true)
 |-- bround(x, 0): double (nullable = true)
 |-- FLOOR(x): long (nullable = true)
 |-- CEIL(d): decimal(4,0) (nullable = true)
 |-- POWER(id, 2): double (nullable = true)
 |-- pmod(-7, id): integer (nullable = true)
 |-- greatest(id, x): double (nullable = true)
 |-- least(id, x): double (nullable = true)
 |-- SQRT(x): double (nullable = true)
"
    );
    let got = rows(&api.collect().unwrap());
    assert_eq!(got, rows(&sql.collect().unwrap()));
    assert_eq!(
        got,
        vec![
            "1\t2.3\t-2.0\t-3\t3\t1.0\t0\t1.0\t-2.5\tNaN",
            "2\t-7.5\tNULL\tNULL\t-7\t4.0\t1\t2.0\t2.0\tNULL",
            "3\tNULL\t9.0\t9\tNULL\t9.0\t2\t9.0\t3.0\t3.0",
        ]
    );
}

#[test]
fn string_wrappers_match_sql() {
    let s = session();
    let df = numbers(&s);
    let api = df
        .select([
            regexp_extract(col("s"), "([a-z])-(\\d+)", 2),
            regexp_replace(col("s"), "\\d", "#"),
            rlike(col("s"), "^b"),
            locate("-", col("s"), 1),
            translate(col("s"), "ab", "AB"),
            format_string("%s=%05.1f", [col("s"), col("x")]),
            sha2(col("s"), 256),
            hex(col("id")),
        ])
        .unwrap();
    assert_eq!(
        api.columns(),
        vec![
            "regexp_extract(s, ([a-z])-(\\d+), 2)",
            "regexp_replace(s, \\d, #, 1)",
            "RLIKE(s, ^b)",
            "locate(-, s, 1)",
            "translate(s, ab, AB)",
            "format_string(%s=%05.1f, s, x)",
            "sha2(s, 256)",
            "hex(id)",
        ]
    );
    assert_eq!(
        rows(&api.collect().unwrap()),
        vec![
            "1\ta-#\tfalse\t2\tA-1\ta-1=-02.5\t2f8fe63a6224321de5d0a24cf30067d37a358706b1ed38b015282ab68dc69ae9\t1",
            "22\tb-##\ttrue\t2\tB-22\tb-22= null\t1fc109c3311126a6b6b26ea4ab953989a6850b9104f5f6b1b4a4bdea8636a894\t2",
            "NULL\tNULL\tNULL\tNULL\tNULL\tnull=009.0\tNULL\t3",
        ]
    );
}

#[test]
fn bad_arguments_fail_when_the_plan_is_built() {
    let s = session();
    let df = numbers(&s);
    let e = df.select([regexp_extract(col("s"), "(", 1)]).and_then(|d| d.collect()).unwrap_err();
    assert_eq!(e.class(), "INVALID_PARAMETER_VALUE.PATTERN", "{e}");
    let e = df.select([greatest([col("id")])]).unwrap_err();
    assert_eq!(e.class(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "{e}");
}
