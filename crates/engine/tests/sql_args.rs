//! `Session::sql_with_args`: parameter markers (`:name`, `?`) bound to values passed
//! with the SQL, as PySpark's `spark.sql(query, args)`.

use ember::{QueryArgs, Session};
use ember_plan::ScalarValue;

fn session() -> Session {
    let s = Session::builder().config("spark.sql.shuffle.partitions", "2").config("ember.executor.threads", "2").build().unwrap();
    s.sql("CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, NULL) AS t(k, v)").unwrap();
    s
}

fn rows(df: &ember::DataFrame) -> Vec<String> {
    ember::format::golden_rows(&df.collect().unwrap(), "UTC")
}

#[test]
fn named_markers_take_their_values() {
    let s = session();
    let args = QueryArgs::Named(vec![("lo".into(), ScalarValue::Int32(Some(2))), ("tag".into(), ScalarValue::Utf8(Some("x".into())))]);
    let df = s.sql_with_args("SELECT k, :tag AS tag FROM t WHERE k >= :lo ORDER BY k", args).unwrap();
    assert_eq!(rows(&df), vec!["2\tx", "3\tx"]);
    // A NULL value is a typed-less NULL literal, as in Spark.
    let args = QueryArgs::Named(vec![("v".into(), ScalarValue::Null)]);
    let df = s.sql_with_args("SELECT count(*) FROM t WHERE v = :v", args).unwrap();
    assert_eq!(rows(&df), vec!["0"]);
}

#[test]
fn positional_markers_follow_the_text_order() {
    let s = session();
    // The select list is bound after WHERE, but `?` markers count in text order.
    let args = QueryArgs::Positional(vec![ScalarValue::Utf8(Some("first".into())), ScalarValue::Int32(Some(1))]);
    let df = s.sql_with_args("SELECT ? AS s, k FROM t WHERE k > ? ORDER BY k", args).unwrap();
    assert_eq!(rows(&df), vec!["first\t2", "first\t3"]);
}

#[test]
fn unbound_markers_are_spark_errors() {
    let s = session();
    let err = s.sql_with_args("SELECT :missing", QueryArgs::Named(vec![])).unwrap_err();
    assert_eq!(err.class(), "UNBOUND_SQL_PARAMETER");
    let err = s.sql("SELECT :x").unwrap_err();
    assert_eq!(err.class(), "UNBOUND_SQL_PARAMETER");
    let err = s.sql_with_args("SELECT ?, ?", QueryArgs::Positional(vec![ScalarValue::Int32(Some(1))])).unwrap_err();
    assert_eq!(err.class(), "UNBOUND_SQL_PARAMETER");
    // Named values do not bind positional markers.
    let err = s.sql_with_args("SELECT ?", QueryArgs::Named(vec![("a".into(), ScalarValue::Int32(Some(1)))])).unwrap_err();
    assert_eq!(err.class(), "UNBOUND_SQL_PARAMETER");
}
