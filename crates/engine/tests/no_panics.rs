//! User input never panics the engine: malformed SQL, odd expressions and bad files
//! all come back as errors (or results), never as a panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ember::Session;

const INPUTS: &[&str] = &[
    "", ";", "SELECT", "SELECT (", "SELECT )", "SELECT 1 +", "SELECT * FROM", "FROM t", "SELECT 1 FROM (SELECT 2",
    "SELECT 'unterminated", "SELECT `unterminated", "SELECT /* unterminated", "SELECT 1e999999", "SELECT 99999999999999999999999999999999999999999",
    "SELECT 1.0000000000000000000000000000000000000001", "SELECT CAST(1 AS DECIMAL(99, 2))", "SELECT CAST(1 AS DECIMAL(5, 9))",
    "SELECT CAST('x' AS nosuchtype)", "SELECT substring('abc', 2147483647, 2147483647)", "SELECT substring('abc', -2147483648, 5)",
    "SELECT repeat('x', -1)", "SELECT lpad('x', 2147483647, 'y')", "SELECT split('a', '[')", "SELECT split('a', '')",
    "SELECT 'a' LIKE '\\\\'", "SELECT 'a' LIKE 'a' ESCAPE 'xy'", "SELECT -9223372036854775808L - 1", "SELECT abs(-2147483648)",
    "SELECT 9223372036854775807L * 2", "SELECT CAST(1e300 AS INT)", "SELECT CAST('nan' AS DOUBLE)", "SELECT 1 % 0.0",
    "SELECT * FROM VALUES (1), ('a')", "SELECT * FROM VALUES (1, 2), (3)", "SELECT * FROM VALUES ()",
    "SELECT count(*) FROM VALUES (1) GROUP BY 0", "SELECT 1 ORDER BY 0", "SELECT 1 LIMIT 99999999999999999999",
    "SELECT explode(NULL)", "SELECT explode(array())", "SELECT posexplode(NULL)", "SELECT coalesce()", "SELECT concat()",
    "SELECT DATE '2024-02-30'", "SELECT TIMESTAMP 'yesterday'", "SELECT DATE '99999-01-01'", "SELECT X'ZZ'",
    "SELECT a FROM (SELECT 1 AS a, 2 AS a)", "SELECT * FROM csv.`/definitely/not/here.csv`",
    "SELECT * FROM parquet.`sql-tests/data/bad_number.csv`", "SELECT * FROM json.`sql-tests/data/bad.json`",
    "SELECT * FROM csv.`sql-tests/data/empty.csv`", "CREATE TEMPORARY VIEW v USING xml OPTIONS (path 'x')",
    "CREATE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/bad_number.csv', header 'maybe')",
    "SET", "SET =", "SET spark.sql.shuffle.partitions=-5", "SET ember.execution.batchSize=0", "EXPLAIN", "EXPLAIN EXTENDED SELECT nope",
    "DESCRIBE", "SHOW", "DROP VIEW", "SELECT 1; SELECT 2", "WITH a AS (SELECT 1) SELECT * FROM a, a",
    "SELECT * FROM (VALUES (1)) t JOIN (VALUES (1)) t ON true", "SELECT sum(x) OVER () FROM VALUES (1) AS t(x)",
    "SELECT 1 IN ()", "SELECT NULL IN (NULL)", "SELECT CASE END", "SELECT 1 BETWEEN", "SELECT * EXCEPT (a) FROM VALUES (1) AS t(a)",
    "SELECT x -> x", "SELECT transform(array(1), x -> y)", "SELECT transform(array(1), () -> 1)", "SELECT transform(NULL, x -> x)",
    "SELECT aggregate(array(1), NULL, (a, x) -> a)", "SELECT aggregate(array(1), 0, (a, x) -> NULL)",
    "SELECT array_sort(array(1, 2), (a, b) -> 1)", "SELECT array_sort(array(1, 2, 3), (a, b) -> CAST(rand() * 3 - 1 AS INT))",
    "SELECT transform_keys(map(1, 2), (k, v) -> NULL)", "SELECT map_zip_with(map(1, 2), map('a', 2), (k, a, b) -> a)",
    "SELECT zip_with(array(), NULL, (x, y) -> x)", "SELECT filter(array(1), x -> NULL)", "SELECT exists(array(1))",
    "SELECT transform(array(1), x -> transform(array(2), x -> transform(array(3), x -> x)))", "SELECT stack(2147483647, 1)",
    "SELECT array_insert(array(1), -2147483648, 1)", "SELECT array_repeat(1, 2147483647)", "SELECT str_to_map('a:1', '[', ':')",
    "SELECT * FROM explode(1)", "SELECT * FROM stack()", "SELECT from_csv('1', 'nope')", "SELECT schema_of_json('[')",
    "SELECT percentile_cont(2) WITHIN GROUP (ORDER BY 1)", "SELECT listagg(1, 2) WITHIN GROUP (ORDER BY 1)",
    "SELECT histogram_numeric(1, 0)", "SELECT mode(map(1, 2))",
];

#[test]
fn bad_sql_and_bad_files_return_errors_not_panics() {
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).expect("repository root");
    let session = Session::builder().config("spark.sql.shuffle.partitions", "2").build().unwrap();
    let mut deep = String::from("SELECT ");
    deep.push_str(&"(".repeat(5000));
    deep.push('1');
    deep.push_str(&")".repeat(5000));
    let long_chain = format!("SELECT {}", vec!["1"; 3000].join(" + "));
    let inputs: Vec<String> = INPUTS.iter().map(|s| s.to_string()).chain([deep, long_chain]).collect();
    for sql in &inputs {
        let outcome = catch_unwind(AssertUnwindSafe(|| session.sql(sql).and_then(|df| df.collect()).map(|_| ())));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let class = e.class();
                assert!(!class.is_empty(), "error without a class for {sql:?}");
                assert_ne!(class, "INTERNAL_ERROR", "internal error for {sql:?}: {e}");
            }
            Err(_) => panic!("the engine panicked on {sql:?}"),
        }
    }
}

#[test]
fn malformed_csv_reports_file_and_line() {
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).expect("repository root");
    let session = Session::builder().build().unwrap();
    let err = session
        .read()
        .option("header", "true")
        .option("mode", "FAILFAST")
        .schema_ddl("id INT, amount DOUBLE, day DATE")
        .csv("sql-tests/data/bad_number.csv")
        .and_then(|df| df.collect())
        .unwrap_err();
    // Spark's class for any failure while reading a file; the malformed record is its cause
    assert_eq!(err.class(), "FAILED_READ_FILE.NO_HINT");
    assert_eq!(err.cause().map(|c| c.class()).as_deref(), Some("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION"));
    let text = err.to_string();
    assert!(text.contains("sql-tests/data/bad_number.csv") && text.contains("line 3"), "{text}");
}
