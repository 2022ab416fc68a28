//! SQL tables: CREATE TABLE (columns, CTAS, PARTITIONED BY, LOCATION, OPTIONS),
//! INSERT INTO / OVERWRITE with static and dynamic partitions, persistence across
//! sessions in `spark.sql.warehouse.dir`, DROP TABLE of managed and external tables.

use std::path::Path;

use arrow::array::AsArray;
use ember::Session;

fn session(warehouse: &Path) -> Session {
    Session::builder()
        .config("spark.sql.warehouse.dir", warehouse.to_string_lossy())
        .config("spark.sql.shuffle.partitions", "3")
        .threads(2)
        .build()
        .unwrap()
}

/// Rows as strings, sorted (via the golden value format).
fn rows(s: &Session, sql: &str) -> Vec<String> {
    let df = s.sql(sql).unwrap();
    let mut r = ember::format::golden_rows(&df.collect().unwrap(), "UTC");
    r.sort();
    r
}

fn run(s: &Session, sql: &str) {
    s.sql(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .collect()
        .unwrap();
}

#[test]
fn tables_persist_across_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let s = session(&wh);
    run(
        &s,
        "CREATE TABLE people (id INT, name STRING, score DECIMAL(5,2)) USING parquet",
    );
    run(
        &s,
        "INSERT INTO people VALUES (1, 'ada', 9.5), (2, 'alan', NULL)",
    );
    run(&s, "INSERT INTO default.people SELECT 3, 'grace', 7");
    assert!(
        wh.join("people").is_dir(),
        "managed data lives under the warehouse"
    );
    let s2 = session(&wh);
    assert_eq!(
        rows(&s2, "SELECT * FROM people"),
        vec!["1\tada\t9.50", "2\talan\tNULL", "3\tgrace\t7.00"]
    );
    // spark-sql prints only the table names of SHOW TABLES.
    assert_eq!(rows(&s2, "SHOW TABLES"), vec!["people"]);
    run(&s2, "DROP TABLE people");
    assert!(
        !wh.join("people").exists(),
        "DROP deletes a managed table's data"
    );
    assert!(session(&wh).sql("SELECT * FROM people").is_err());
}

#[test]
fn partitioned_tables_with_static_and_dynamic_inserts() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(&dir.path().join("wh"));
    run(&s, "CREATE TABLE sales (region STRING, amount INT, day DATE) USING json PARTITIONED BY (region)");
    // Partition columns go last.
    assert_eq!(
        s.table("sales").unwrap().columns(),
        vec!["amount", "day", "region"]
    );
    run(
        &s,
        "INSERT INTO sales PARTITION (region = 'north') VALUES (10, DATE'2024-01-01')",
    );
    run(&s, "INSERT INTO sales PARTITION (region) VALUES (20, DATE'2024-01-02', 'south'), (30, NULL, NULL), (40, NULL, 'a/b')");
    let loc = dir.path().join("wh/sales");
    let mut dirs: Vec<String> = std::fs::read_dir(&loc)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    dirs.sort();
    assert_eq!(
        dirs,
        vec![
            "_SUCCESS",
            "region=__HIVE_DEFAULT_PARTITION__",
            "region=a%2Fb",
            "region=north",
            "region=south"
        ]
    );
    assert_eq!(
        rows(&s, "SELECT * FROM sales"),
        vec![
            "10\t2024-01-01\tnorth",
            "20\t2024-01-02\tsouth",
            "30\tNULL\tNULL",
            "40\tNULL\ta/b"
        ]
    );
    // INSERT OVERWRITE of one static partition keeps the others.
    run(
        &s,
        "INSERT OVERWRITE sales PARTITION (region = 'north') SELECT 11, DATE'2024-02-01'",
    );
    assert_eq!(
        rows(&s, "SELECT amount FROM sales WHERE region = 'north'"),
        vec!["11"]
    );
    assert_eq!(rows(&s, "SELECT count(*) FROM sales"), vec!["4"]);
    // With partitionOverwriteMode=dynamic only the partitions written are replaced.
    run(&s, "SET spark.sql.sources.partitionOverwriteMode=dynamic");
    run(
        &s,
        "INSERT OVERWRITE sales PARTITION (region) SELECT 12, NULL, 'north'",
    );
    assert_eq!(
        rows(
            &s,
            "SELECT region, amount FROM sales WHERE region IN ('north', 'south') ORDER BY region"
        ),
        vec!["north\t12", "south\t20"]
    );
    run(&s, "SET spark.sql.sources.partitionOverwriteMode=static");
    // INSERT OVERWRITE without a static value replaces the whole table.
    run(&s, "INSERT OVERWRITE sales SELECT 1, NULL, 'east'");
    assert_eq!(rows(&s, "SELECT * FROM sales"), vec!["1\tNULL\teast"]);
}

#[test]
fn ctas_external_locations_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(&dir.path().join("wh"));
    let ext = dir.path().join("ext").to_string_lossy().to_string();
    run(&s, &format!("CREATE TABLE e USING csv OPTIONS (header 'true') LOCATION '{ext}' AS SELECT id, CAST(id * 2 AS STRING) AS twice FROM range(5)"));
    assert_eq!(rows(&s, "SELECT sum(id), max(twice) FROM e"), vec!["10\t8"]);
    let header = std::fs::read_dir(&ext)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        .unwrap();
    assert!(std::fs::read_to_string(header.path())
        .unwrap()
        .starts_with("id,twice\n"));
    // DROP of an external table keeps its files; re-creating over them infers the schema.
    run(&s, "DROP TABLE e");
    assert!(Path::new(&ext).join("_SUCCESS").exists());
    run(&s, &format!("CREATE TABLE e2 USING csv OPTIONS (header 'true', inferSchema 'true') LOCATION '{ext}'"));
    assert_eq!(rows(&s, "SELECT count(*) FROM e2"), vec!["5"]);
    let err = s.sql("CREATE TABLE e2 (a INT)").unwrap_err();
    assert_eq!(err.class(), "TABLE_OR_VIEW_ALREADY_EXISTS");
    run(&s, "CREATE TABLE IF NOT EXISTS e2 (a INT)");
    // Store assignment: by position, ANSI casts; incompatible types and arity fail.
    run(&s, "CREATE TABLE n (a SMALLINT, b STRING)");
    run(&s, "INSERT INTO n SELECT 7, 8");
    assert_eq!(rows(&s, "SELECT a + 1, b || '!' FROM n"), vec!["8\t8!"]);
    assert_eq!(
        s.sql("INSERT INTO n SELECT 100000, 'x'")
            .unwrap_err()
            .class(),
        "CAST_OVERFLOW"
    );
    assert_eq!(
        s.sql("INSERT INTO n SELECT 'x', 'y'").unwrap_err().class(),
        "INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST"
    );
    assert_eq!(
        s.sql("INSERT INTO n SELECT 1").unwrap_err().class(),
        "INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS"
    );
    assert_eq!(
        rows(&s, "SELECT count(*) FROM n"),
        vec!["1"],
        "failed inserts leave nothing behind"
    );
    let df = s.sql("SHOW CREATE TABLE n").unwrap().collect().unwrap();
    assert_eq!(
        df[0].column(0).as_string::<i32>().value(0),
        "CREATE TABLE spark_catalog.default.n (\n  a SMALLINT,\n  b STRING COLLATE UTF8_BINARY)\nUSING parquet\n"
    );
}

#[test]
fn dataframe_save_as_table_and_insert_into() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(&dir.path().join("wh"));
    let df = s
        .sql("SELECT id, CAST(id % 2 AS STRING) AS p FROM range(4)")
        .unwrap();
    df.write()
        .format("json")
        .partition_by(["p"])
        .save_as_table("saved")
        .unwrap();
    assert_eq!(
        rows(&s, "SELECT p, count(*) FROM saved GROUP BY p"),
        vec!["0\t2", "1\t2"]
    );
    assert_eq!(
        df.write().save_as_table("saved").unwrap_err().class(),
        "TABLE_OR_VIEW_ALREADY_EXISTS"
    );
    df.write().mode("ignore").save_as_table("saved").unwrap();
    // append matches columns by name.
    s.sql("SELECT '1' AS p, 10 AS id")
        .unwrap()
        .write()
        .mode("append")
        .save_as_table("saved")
        .unwrap();
    assert_eq!(
        rows(&s, "SELECT max(id), count(*) FROM saved"),
        vec!["10\t5"]
    );
    // insertInto matches by position.
    s.sql("SELECT 20, '0'")
        .unwrap()
        .write()
        .insert_into("saved")
        .unwrap();
    assert_eq!(
        rows(&s, "SELECT id FROM saved WHERE p = '0' ORDER BY id"),
        vec!["0", "2", "20"]
    );
    s.sql("SELECT 7 AS id, 'x' AS p")
        .unwrap()
        .write()
        .mode("overwrite")
        .save_as_table("saved")
        .unwrap();
    assert_eq!(rows(&s, "SELECT * FROM saved"), vec!["7\tx"]);
    s.sql("SELECT 8, 'y'")
        .unwrap()
        .write()
        .mode("overwrite")
        .insert_into("saved")
        .unwrap();
    assert_eq!(rows(&s, "SELECT * FROM saved"), vec!["8\ty"]);
    assert_eq!(
        s.range(0, 1, 1, None)
            .unwrap()
            .write()
            .insert_into("nope")
            .unwrap_err()
            .class(),
        "TABLE_OR_VIEW_NOT_FOUND"
    );
}
