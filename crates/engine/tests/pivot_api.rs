//! `group_by(…).pivot(…).agg(…)` and `unpivot` / `melt` through the DataFrame API,
//! checked against the same queries in SQL, over several partitions.

mod api_support;
use api_support::{rows, same_as_sql, session};

use ember::functions::*;
use ember::{DataFrame, Session};

fn base(s: &Session) -> DataFrame {
    let df = s
        .sql(
            "SELECT * FROM VALUES (1, 'a', 10), (1, 'b', 20) AS t(k, c, v) \
             UNION ALL SELECT * FROM VALUES (2, 'a', 30), (2, CAST(NULL AS STRING), 40)",
        )
        .unwrap();
    df.create_or_replace_temp_view("t").unwrap();
    df
}

#[test]
fn pivot_matches_sql() {
    let s = session();
    let df = base(&s).group_by([col("k")]).pivot(col("c"), [lit("a"), lit("b")]).agg([sum(col("v"))]).unwrap().sort([col("k")]).unwrap();
    assert_eq!(df.columns(), ["k", "a", "b"]);
    let got = same_as_sql(&s, &df, "SELECT * FROM (SELECT k, c, v FROM t) PIVOT (sum(v) FOR c IN ('a', 'b')) ORDER BY k");
    assert_eq!(got, vec!["1\t10\t20", "2\t30\tNULL"]);

    let df = base(&s).group_by([col("k")]).pivot(col("c"), [lit("a")]).agg([sum(col("v")), count(col("v"))]).unwrap();
    assert_eq!(df.columns(), ["k", "a_sum(v)", "a_count(v)"]);
}

#[test]
fn unpivot_and_melt_keep_nulls() {
    let s = session();
    let df = s.sql("SELECT * FROM VALUES (1, 10, CAST(NULL AS BIGINT)) AS w(id, a, b)").unwrap();
    let out = df.unpivot([col("id")], Some(vec![col("a"), col("b")]), "name", "value").unwrap();
    assert_eq!(out.columns(), ["id", "name", "value"]);
    assert_eq!(rows(&out.collect().unwrap()), vec!["1\ta\t10", "1\tb\tNULL"]);
    let melted = df.melt([col("id")], None, "name", "value").unwrap();
    assert_eq!(rows(&melted.collect().unwrap()), rows(&out.collect().unwrap()));
}
