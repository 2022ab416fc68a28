//! EXPLAIN over file scans: pushed filters and pruned columns appear at the scans, and
//! stage boundaries at the exchanges.

use ember::Session;

fn explain(session: &Session, sql: &str) -> String {
    let df = session.sql(sql).expect("explain runs");
    let batches = df.collect().expect("collect");
    ember::format::golden_rows(&batches, "UTC").join("\n")
}

#[test]
fn join_with_filters_shows_scan_columns_and_filters() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data");
    let session = Session::builder()
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .build()
        .unwrap();
    session
        .sql(&format!("CREATE TEMPORARY VIEW people USING csv OPTIONS (path '{root}/people.csv', header 'true', inferSchema 'true')"))
        .unwrap();
    session.sql(&format!("CREATE TEMPORARY VIEW orders USING json OPTIONS (path '{root}/orders.json')")).unwrap();
    let plan = explain(
        &session,
        "EXPLAIN EXTENDED SELECT p.city, sum(o.amount) FROM people p JOIN orders o ON p.id = o.person_id \
         WHERE o.amount > 10 AND p.age < 50 GROUP BY p.city",
    );
    assert!(plan.contains("== Optimized Logical Plan =="), "{plan}");
    // Pruned columns and pushed filters at both scans.
    assert!(plan.contains("CsvScanExec [id, age, city]"), "{plan}");
    assert!(plan.contains("PushedFilters: [(age < 50)]"), "{plan}");
    assert!(plan.contains("JsonScanExec [amount, person_id]"), "{plan}");
    assert!(plan.contains("PushedFilters: [(amount > 10.0)]"), "{plan}");
    assert!(plan.contains("hashpartitioning"), "shuffle join expected: {plan}");
    assert!(plan.contains("[stage 1 → stage"), "stage boundaries expected: {plan}");
}
