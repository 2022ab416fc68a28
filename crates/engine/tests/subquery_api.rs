//! Subqueries from the DataFrame API (`scalar()`, `exists()`, `isin_subquery`) give
//! what the same SQL gives, and correlated SQL subqueries leave no subquery in EXPLAIN.

use ember::functions::{col, lit, max};
use ember::Session;

fn session() -> Session {
    let s = Session::builder().config("spark.sql.shuffle.partitions", "3").config("ember.executor.threads", "2").build().unwrap();
    s.sql("CREATE OR REPLACE TEMPORARY VIEW l AS SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, 'c'), (NULL, 'n') AS l(k, v)").unwrap();
    s.sql("CREATE OR REPLACE TEMPORARY VIEW r AS SELECT * FROM VALUES (CAST(1 AS BIGINT), 10), (3, 30), (NULL, 50) AS r(k, w)").unwrap();
    s
}

fn rows(df: &ember::DataFrame) -> Vec<String> {
    let mut r = ember::format::golden_rows(&df.collect().unwrap(), "UTC");
    r.sort();
    r
}

#[test]
fn scalar_exists_and_in_from_dataframes_match_sql() {
    let s = session();
    let l = s.table("l").unwrap();
    let r = s.table("r").unwrap();
    let top = r.select([max(col("w"))]).unwrap().scalar();
    let df = l.select([col("v"), top.alias("m")]).unwrap();
    assert_eq!(rows(&df), rows(&s.sql("SELECT v, (SELECT max(w) FROM r) AS m FROM l").unwrap()));

    let keys = r.select([col("k")]).unwrap();
    // int IN (bigint subquery): both sides are coerced, as in SQL.
    let df = l.filter(col("k").isin_subquery(&keys)).unwrap();
    assert_eq!(rows(&df), vec!["1\ta", "3\tc"]);
    // NOT IN with a NULL in the subquery keeps nothing.
    let df = l.filter(col("k").isin_subquery(&keys).not()).unwrap();
    assert!(rows(&df).is_empty());

    let none = r.filter(col("w").gt(lit(100))).unwrap();
    let df = l.filter(none.exists().not()).unwrap();
    assert_eq!(df.count().unwrap(), 4);
    let df = l.select([col("k"), none.exists().alias("e")]).unwrap();
    assert_eq!(rows(&df).iter().filter(|r| r.ends_with("false")).count(), 4);
}

#[test]
fn isin_subquery_with_two_columns_is_an_error() {
    let s = session();
    let l = s.table("l").unwrap();
    let r = s.table("r").unwrap();
    let err = l.filter(col("k").isin_subquery(&r)).and_then(|d| d.collect()).unwrap_err();
    assert_eq!(err.class(), "DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH", "{err}");
}

#[test]
fn explain_shows_joins_not_subqueries() {
    let s = session();
    let q = "EXPLAIN SELECT v FROM l WHERE EXISTS (SELECT * FROM r WHERE r.k = l.k) \
             AND k NOT IN (SELECT k FROM r WHERE w > 40) \
             AND (SELECT count(*) FROM r WHERE r.k = l.k) < 2";
    let plan = ember::format::golden_rows(&s.sql(q).unwrap().collect().unwrap(), "UTC").join("\n");
    assert!(plan.contains("LeftSemi"), "{plan}");
    assert!(plan.contains("LeftAnti"), "{plan}");
    assert!(plan.contains("LeftOuter"), "{plan}");
    assert!(!plan.contains("subquery") && !plan.contains("exists(") && !plan.contains("outer("), "{plan}");
}
