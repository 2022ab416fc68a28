//! Statements nested thousands deep (parentheses, subqueries, CTE chains, unions,
//! joins, nested types, type strings, JSON values, DataFrame call chains) return an
//! error, never overflow the stack: each runs on a thread with the default 2 MiB
//! stack of spawned threads and on one with the 8 MiB of a main thread. Statements
//! just below the limits run (or fail with an ordinary error) on 2 MiB too.

use std::thread;

use ember::Session;

const DEEP: usize = 3000;

/// Statements nested `n` deep.
fn statements(n: usize) -> Vec<(&'static str, String)> {
    let r = |s: &str, k: usize| s.repeat(k);
    vec![
        ("parentheses", format!("SELECT {}1{}", r("(", n), r(")", n))),
        ("derived tables", format!("SELECT * FROM {}(SELECT 1 AS a) t{}", r("(SELECT * FROM ", n), r(") t", n))),
        ("scalar subqueries", format!("SELECT {}1{}", r("(SELECT ", n), r(")", n))),
        ("IN subqueries", format!("SELECT 1 WHERE 1 IN {}(SELECT 1){}", r("(SELECT 1 WHERE 1 IN ", n), r(")", n))),
        ("EXISTS subqueries", format!("SELECT 1 WHERE {}true{}", r("EXISTS (SELECT 1 WHERE ", n), r(")", n))),
        (
            "CTE chain",
            format!(
                "WITH t0 AS (SELECT 1 AS a){} SELECT * FROM t{}",
                (1..n).map(|i| format!(", t{i} AS (SELECT a + 1 AS a FROM t{})", i - 1)).collect::<String>(),
                n - 1
            ),
        ),
        (
            "CTE chain through scalar subqueries",
            format!(
                "WITH t0 AS (SELECT 1 AS a){} SELECT * FROM t{}",
                (1..n).map(|i| format!(", t{i} AS (SELECT (SELECT max(a) FROM t{}) AS a)", i - 1)).collect::<String>(),
                n - 1
            ),
        ),
        ("UNION ALL chain", vec!["SELECT 1 AS a"; n].join(" UNION ALL ")),
        ("UNION chain", (0..n).map(|i| format!("SELECT {i} AS a")).collect::<Vec<_>>().join(" UNION ")),
        ("EXCEPT chain", (0..n).map(|i| format!("SELECT {i} AS a")).collect::<Vec<_>>().join(" EXCEPT ")),
        ("parenthesized unions", format!("{}SELECT 1 AS a{}", r("(", n), r(") UNION ALL (SELECT 1)", n))),
        ("join chain", format!("SELECT * FROM {}", (0..n).map(|i| format!("(SELECT 1 AS a{i}) t{i}")).collect::<Vec<_>>().join(" JOIN "))),
        ("comma join chain", format!("SELECT count(*) FROM {}", (0..n).map(|i| format!("range(1) t{i}")).collect::<Vec<_>>().join(", "))),
        ("nested joins", format!("SELECT * FROM {}range(1) t{}", r("(range(1) JOIN ", n), r(")", n))),
        ("plus chain", format!("SELECT {}", vec!["1"; n].join(" + "))),
        ("AND chain", format!("SELECT * FROM range(3) WHERE {}", (0..n).map(|i| format!("id <> {i}")).collect::<Vec<_>>().join(" AND "))),
        ("string concat chain", format!("SELECT {}", vec!["'a'"; n].join(" || "))),
        ("NOT chain", format!("SELECT {}true", r("NOT ", n))),
        ("minus chain", format!("SELECT {}1", r("- ", n))),
        ("function calls", format!("SELECT {}1{}", r("abs(", n), r(")", n))),
        ("array constructors", format!("SELECT {}1{}", r("array(", n), r(")", n))),
        ("CASE", format!("SELECT {}1{}", r("CASE WHEN true THEN ", n), r(" END", n))),
        ("array type", format!("SELECT CAST(NULL AS {}int{})", r("array<", n), r(">", n))),
        ("struct type", format!("SELECT CAST(NULL AS {}int{})", r("struct<a:", n), r(">", n))),
        ("map type", format!("SELECT CAST(NULL AS {}int{})", r("map<int,", n), r(">", n))),
        ("from_json type string", format!("SELECT from_json('[]', '{}int{}')", r("array<", n), r(">", n))),
        ("from_json DDL schema", format!("SELECT from_json('{{}}', 'a {}int{}')", r("struct<a:", n), r(">", n))),
        ("JSON value", format!("SELECT from_json('{}1{}', 'array<int>')", r("[", n), r("]", n))),
        ("schema_of_json", format!("SELECT schema_of_json('{}1{}')", r("[", n), r("]", n))),
        ("JSON object", format!("SELECT schema_of_json('{}1{}')", r("{\"a\":", n), r("}", n))),
        ("get_json_object", format!("SELECT get_json_object('{}1{}', '$.a')", r("{\"a\":", n), r("}", n))),
        ("CREATE VIEW", format!("CREATE TEMPORARY VIEW deep AS SELECT {}1{}", r("(", n), r(")", n))),
        ("EXPLAIN", format!("EXPLAIN EXTENDED SELECT * FROM {}", (0..n).map(|i| format!("(SELECT 1 AS a{i}) t{i}")).collect::<Vec<_>>().join(" JOIN "))),
    ]
}

/// Runs `sql` (and collects it) on a thread with `stack` bytes: Ok or an error, but
/// the thread must come back (a stack overflow aborts the whole test binary).
fn run_on_stack(session: &Session, sql: String, stack: usize) -> Result<(), String> {
    let s = session.clone();
    thread::Builder::new()
        .stack_size(stack)
        .spawn(move || s.sql(&sql).and_then(|df| df.collect()).map(|_| ()).map_err(|e| e.class()))
        .expect("spawn")
        .join()
        .expect("the statement panicked")
}

fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "2").threads(2).build().unwrap()
}

#[test]
fn thousands_deep_fail_with_an_error() {
    let s = session();
    for stack in [2 << 20, 8 << 20] {
        for (what, sql) in statements(DEEP) {
            match run_on_stack(&s, sql, stack) {
                Err(class) => assert_ne!(class, "INTERNAL_ERROR", "{what}"),
                Ok(()) => {} // handled without recursion per level
            }
        }
    }
}

#[test]
fn below_the_limits_runs_on_a_small_stack() {
    let s = session();
    for n in [30, 100] {
        for (what, sql) in statements(n) {
            if let Err(class) = run_on_stack(&s, sql, 2 << 20) {
                assert_ne!(class, "INTERNAL_ERROR", "{what} at {n}");
            }
        }
    }
}

#[test]
fn deep_dataframe_chains_fail_with_an_error() {
    let s = session();
    let mut df = s.range(0, 10, 1, Some(1)).unwrap();
    for _ in 0..DEEP {
        df = df.filter_sql("id >= 0").unwrap().limit(100).unwrap();
    }
    let r = thread::Builder::new().stack_size(2 << 20).spawn(move || df.collect().map(|_| ()).map_err(|e| e.class())).unwrap().join().unwrap();
    assert_eq!(r.unwrap_err(), "FAILED_TO_PARSE_TOO_COMPLEX");
}

#[test]
fn the_error_is_spark_s_too_complex() {
    let s = session();
    for sql in [
        format!("SELECT {}1{}", "(".repeat(DEEP), ")".repeat(DEEP)),
        format!("SELECT {}", vec!["1"; DEEP].join(" + ")),
        format!("SELECT from_json('[]', '{}int{}')", "array<".repeat(DEEP), ">".repeat(DEEP)),
        format!("SELECT * FROM {}", (0..DEEP).map(|i| format!("range(1) t{i}")).collect::<Vec<_>>().join(", ")),
    ] {
        let e = s.sql(&sql).and_then(|df| df.collect()).unwrap_err();
        assert_eq!(e.class(), "FAILED_TO_PARSE_TOO_COMPLEX", "{e}");
        assert_eq!(e.sqlstate(), Some("54001"));
    }
}
