//! EXPLAIN of the TPC-H queries with subqueries (Q2, Q4, Q11, Q15, Q16, Q17, Q18, Q20,
//! Q21, Q22): correlated subqueries are gone from the physical plan (joins instead),
//! and no inner join group is planned as a cross (nested-loop) join.

use std::path::PathBuf;
use std::sync::OnceLock;

use ember::Session;
use ember_tpch::generate::generate;
use ember_tpch::queries::query_text;
use ember_tpch::run::register_tables;
use ember_tpch::{queries_dir, Format};

fn session() -> Session {
    // The tests of this file run in parallel: one of them generates the data.
    static DATA: OnceLock<PathBuf> = OnceLock::new();
    let dir = DATA.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch/sf0.01");
        generate(0.01, &dir, Format::Parquet).expect("generate SF 0.01");
        dir
    });
    let session = Session::builder().config("spark.sql.shuffle.partitions", "4").build().expect("session");
    register_tables(&session, dir, Format::Parquet).expect("register");
    session
}

fn explain(session: &Session, n: u32) -> String {
    let sql = query_text(&queries_dir(), n).expect("query text");
    let sql = sql.trim().trim_end_matches(';');
    let df = session.sql(&format!("EXPLAIN {sql}")).unwrap_or_else(|e| panic!("Q{n}: {e}"));
    ember::format::golden_rows(&df.collect().expect("explain"), "UTC").join("\n")
}

#[test]
fn no_correlated_subquery_left_in_physical_plans() {
    let session = session();
    for n in [2, 4, 17, 20, 21, 22] {
        let plan = explain(&session, n);
        for marker in ["outer(", "exists(", "listquery(", "Subquery"] {
            assert!(!plan.contains(marker), "Q{n} still has {marker}:\n{plan}");
        }
        assert!(plan.contains("HashJoinExec"), "Q{n} has no hash join:\n{plan}");
        // Correlated scalar subqueries: only uncorrelated ones (Q22's average) remain,
        // run once before the query.
        if n != 22 {
            assert!(!plan.contains("scalarsubquery("), "Q{n}:\n{plan}");
        }
    }
}

#[test]
fn semi_and_anti_joins_replace_exists_and_in() {
    let session = session();
    assert!(explain(&session, 4).contains("LeftSemi"));
    assert!(explain(&session, 18).contains("LeftSemi"));
    let q21 = explain(&session, 21);
    assert!(q21.contains("LeftSemi") && q21.contains("LeftAnti"), "{q21}");
    assert!(explain(&session, 22).contains("LeftAnti"));
    assert!(explain(&session, 16).contains("LeftAnti"));
}

#[test]
fn joins_are_ordered_without_cross_joins() {
    let session = session();
    for n in 1..=22u32 {
        let plan = explain(&session, n);
        // Q16's NOT IN over nullable columns and Q22's uncorrelated scalar are the only
        // nested-loop joins, both over a tiny right side.
        if plan.contains("NestedLoopJoinExec") {
            assert!(n == 16, "Q{n} has a nested-loop join:\n{plan}");
        }
    }
}
