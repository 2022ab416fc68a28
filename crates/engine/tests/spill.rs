//! The memory budget end to end: under a small `ember.memory.limit` sorts and
//! aggregates spill and give the results of an unlimited run; what cannot spill fails
//! with `UNABLE_TO_ACQUIRE_MEMORY`; spill files are gone after a query succeeds, fails
//! or is cancelled.

use std::path::Path;

use ember::Session;

fn session(limit: Option<&str>, spill_dir: Option<&Path>) -> Session {
    let mut b = Session::builder().config("spark.sql.shuffle.partitions", "4").threads(2);
    if let Some(l) = limit {
        b = b.config("ember.memory.limit", l);
    }
    if let Some(d) = spill_dir {
        b = b.config("ember.spill.dir", d.display().to_string());
    }
    b.build().unwrap()
}

fn rows(s: &Session, sql: &str) -> Vec<String> {
    let batches = s.sql(sql).unwrap().collect().unwrap();
    ember::format::golden_rows(&batches, "UTC")
}

/// Runs `sql` unlimited and under `limit`: same rows, and the limited run spilled.
fn assert_spills_with_same_result(sql: &str, limit: &str) {
    let expected = rows(&session(None, None), sql);
    let s = session(Some(limit), None);
    assert_eq!(rows(&s, sql), expected, "{sql}");
    assert!(s.spill_metrics().files() > 0, "no spill under {limit}: {sql}");
    assert!(s.spill_metrics().bytes() > 0);
    assert_eq!(s.memory_pool().reserved(), 0, "memory still reserved after {sql}");
}

fn entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn sort_spills_and_merges() {
    let sql = "SELECT id, (id * 7919) % 10007 AS k, cast(id AS string) AS s FROM range(0, 120000) ORDER BY k DESC, id";
    assert_spills_with_same_result(sql, "1m");
    // NULL keys, many partitions, ties broken by the second key.
    let sql = "SELECT CASE WHEN id % 5 = 0 THEN NULL ELSE id % 101 END AS k, id FROM range(0, 200000, 1, 9) ORDER BY k NULLS LAST, id";
    assert_spills_with_same_result(sql, "512k");
}

#[test]
fn group_by_spills_partial_and_final_aggregates() {
    let sql = "SELECT CASE WHEN id % 10 = 0 THEN NULL ELSE id % 40000 END AS k, count(*) AS c, sum(id) AS s, avg(id) AS a, \
               min(cast(id AS string)) AS lo, max(id * 2) AS hi FROM range(0, 200000) GROUP BY 1 ORDER BY k";
    assert_spills_with_same_result(sql, "1m");
    let sql = "SELECT k, count(*) FROM (SELECT id % 30011 AS k FROM range(0, 90000)) GROUP BY k HAVING count(*) > 2 ORDER BY k";
    assert_spills_with_same_result(sql, "512k");
}

#[test]
fn empty_and_one_row_inputs_under_a_tiny_limit() {
    let s = session(Some("16k"), None);
    assert!(rows(&s, "SELECT id FROM range(0, 0) ORDER BY id").is_empty());
    assert!(rows(&s, "SELECT id % 3, count(*) FROM range(0, 0) GROUP BY 1").is_empty());
    assert_eq!(rows(&s, "SELECT id, count(*) FROM range(5, 6) GROUP BY id ORDER BY id"), ["5\t1"]);
    assert_eq!(rows(&s, "SELECT count(*) FROM range(0, 0)"), ["0"]);
}

#[test]
fn a_query_too_big_even_with_spilling_fails_with_unable_to_acquire_memory() {
    // A global DISTINCT keeps every value in one set that cannot spill.
    let s = session(Some("1m"), None);
    let e = s.sql("SELECT count(DISTINCT id) FROM range(0, 1000000)").unwrap().collect().unwrap_err();
    assert_eq!(e.class(), "UNABLE_TO_ACQUIRE_MEMORY", "{e}");
    assert_eq!(e.sqlstate(), Some("53200"));
    let msg = e.to_string();
    assert!(msg.contains("HashAggregateExec") && msg.contains("1.0 MiB") && msg.contains("SET ember.memory.limit"), "{msg}");
    assert_eq!(s.memory_pool().reserved(), 0);
    // The session goes on, and a higher limit lets the query run.
    s.sql("SET ember.memory.limit=1g").unwrap();
    assert_eq!(rows(&s, "SELECT count(DISTINCT id) FROM range(0, 1000000)"), ["1000000"]);
}

#[test]
fn spill_files_are_deleted_after_success_failure_and_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(Some("512k"), Some(dir.path()));
    // Success.
    let sorted = rows(&s, "SELECT id FROM range(0, 100000, 1, 1) ORDER BY -id");
    assert_eq!(sorted.first().map(String::as_str), Some("99999"));
    let after_success = s.spill_metrics().files();
    assert!(after_success > 0);
    assert_eq!(entries(dir.path()), 0, "spill files left after success");
    // Failure: the division by zero comes after the sort spilled runs.
    let e = s.sql("SELECT id, 10 DIV (id - 150000) AS x FROM range(0, 200000, 1, 1) ORDER BY x").unwrap().collect().unwrap_err();
    assert_eq!(e.class(), "DIVIDE_BY_ZERO", "{e}");
    assert!(s.spill_metrics().files() > after_success);
    assert_eq!(entries(dir.path()), 0, "spill files left after failure");
    // Cancel (by the statement timeout), once the sort has spilled.
    let before = s.spill_metrics().files();
    s.sql("SET ember.query.timeout=1500ms").unwrap();
    let e = s.sql("SELECT id FROM range(0, 1000000000, 1, 1) ORDER BY -id").unwrap().collect().unwrap_err();
    assert_eq!(e.class(), "OPERATION_CANCELED", "{e}");
    assert!(s.spill_metrics().files() > before, "the cancelled sort did not spill");
    assert_eq!(entries(dir.path()), 0, "spill files left after cancel");
    assert_eq!(s.memory_pool().reserved(), 0);
}

#[test]
fn joins_reserve_their_build_side_and_still_run_under_a_limit() {
    let sql = "SELECT a.id % 7 AS k, count(*) FROM range(0, 50000) a JOIN range(0, 50000) b ON a.id = b.id * 2 GROUP BY 1 ORDER BY 1";
    let expected = rows(&session(None, None), sql);
    let s = session(Some("4m"), None);
    assert_eq!(rows(&s, sql), expected);
    assert_eq!(s.memory_pool().reserved(), 0);
    assert!(s.memory_pool().peak() > 0);
}

#[test]
fn the_limit_is_a_setting() {
    let s = session(None, None);
    let limit = rows(&s, "SET ember.memory.limit");
    assert_eq!(limit.len(), 1);
    let bytes: usize = limit[0].rsplit('\t').next().unwrap().parse().unwrap();
    assert!(bytes > 0);
    s.sql("SET ember.memory.limit=2g").unwrap();
    assert_eq!(rows(&s, "SET ember.memory.limit"), ["ember.memory.limit\t2g"]);
    let e = s.sql("SET ember.memory.limit=lots").unwrap_err();
    assert_eq!(e.class(), "INVALID_CONF_VALUE.TYPE_MISMATCH");
}
