//! Caching: `df.cache()` / `persist()` / `unpersist()`, `CACHE TABLE`, `CACHE TABLE …
//! AS SELECT`, `UNCACHE TABLE`, `CLEAR CACHE`. Later plans containing a cached plan
//! read its batches (`InMemoryTableScan` in EXPLAIN) and give the same rows.

use arrow::array::AsArray;
use ember::Session;

fn session() -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", "3")
        .threads(2)
        .build()
        .unwrap()
}

fn explain(s: &Session, sql: &str) -> String {
    let b = s.sql(&format!("EXPLAIN {sql}")).unwrap().collect().unwrap();
    b[0].column(0).as_string::<i32>().value(0).to_string()
}

fn rows(df: &ember::DataFrame) -> Vec<String> {
    let mut r = ember::format::golden_rows(&df.collect().unwrap(), "UTC");
    r.sort();
    r
}

#[test]
fn dataframe_cache_is_used_by_later_plans() {
    let s = session();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("src").to_string_lossy().to_string();
    s.sql("SELECT id, id % 3 AS k FROM range(0, 30, 1, 4)")
        .unwrap()
        .write()
        .parquet(&path)
        .unwrap();
    let df = s.read().parquet(&path).unwrap();
    let cached = df.cache().unwrap();
    assert!(cached.is_cached().unwrap());
    let agg = cached
        .group_by([ember::functions::col("k")])
        .agg([ember::functions::count(ember::functions::col("id")).alias("n")])
        .unwrap();
    let plan = agg.explain_string(false).unwrap();
    assert!(plan.contains("InMemoryTableScan"), "{plan}");
    let before = rows(&agg);
    assert_eq!(before, vec!["0\t10", "1\t10", "2\t10"]);
    // The data is now held in memory: deleting the files does not change the answer.
    std::fs::remove_dir_all(&path).unwrap();
    assert_eq!(rows(&agg), before);
    assert_eq!(
        cached
            .filter(ember::functions::col("id").lt(ember::functions::lit(5)))
            .unwrap()
            .count()
            .unwrap(),
        5
    );
    cached.unpersist().unwrap();
    assert!(!cached.is_cached().unwrap());
    // Planning may already fail (the files are gone); if it does not, no cache is used.
    assert!(agg
        .explain_string(false)
        .map(|p| !p.contains("InMemoryTableScan"))
        .unwrap_or(true));
    assert!(
        agg.collect().is_err(),
        "without the cache the files are read again"
    );
}

#[test]
fn cache_table_statements() {
    let s = session();
    s.sql("CREATE TEMPORARY VIEW v AS SELECT id, id * 2 AS twice FROM range(10)")
        .unwrap();
    s.sql("CACHE TABLE v").unwrap();
    assert!(explain(&s, "SELECT sum(twice) FROM v").contains("InMemoryTableScan"));
    assert_eq!(
        rows(&s.sql("SELECT sum(twice) FROM v").unwrap()),
        vec!["90"]
    );
    s.sql("UNCACHE TABLE v").unwrap();
    assert!(!explain(&s, "SELECT sum(twice) FROM v").contains("InMemoryTableScan"));
    s.sql("UNCACHE TABLE IF EXISTS nothing_here").unwrap();
    assert_eq!(
        s.sql("UNCACHE TABLE nothing_here").unwrap_err().class(),
        "TABLE_OR_VIEW_NOT_FOUND"
    );
    // CACHE TABLE … AS SELECT creates the view and caches it; CLEAR CACHE forgets all.
    s.sql("CACHE TABLE c AS SELECT id FROM range(4) WHERE id > 0")
        .unwrap();
    assert!(explain(&s, "SELECT * FROM c").contains("InMemoryTableScan"));
    assert_eq!(
        rows(&s.sql("SELECT * FROM c").unwrap()),
        vec!["1", "2", "3"]
    );
    s.sql("CACHE LAZY TABLE v").unwrap();
    s.sql("CLEAR CACHE").unwrap();
    assert!(!explain(&s, "SELECT * FROM c").contains("InMemoryTableScan"));
    assert!(!explain(&s, "SELECT * FROM v").contains("InMemoryTableScan"));
}

#[test]
fn cached_empty_and_many_partition_results() {
    let s = session();
    let empty = s
        .sql("SELECT id FROM range(10) WHERE id < 0")
        .unwrap()
        .cache()
        .unwrap();
    assert_eq!(empty.count().unwrap(), 0);
    let many = s.range(0, 10_000, 1, Some(7)).unwrap().cache().unwrap();
    assert_eq!(many.count().unwrap(), 10_000);
    let evens = many
        .filter(ember::functions::col("id").geq(ember::functions::lit(9_998)))
        .unwrap();
    assert_eq!(rows(&evens), vec!["9998", "9999"]);
    // A NULL-bearing cached result.
    let nulls = s
        .sql("SELECT IF(id % 2 = 0, NULL, id) AS x FROM range(4)")
        .unwrap()
        .cache()
        .unwrap();
    assert_eq!(rows(&nulls), vec!["1", "3", "NULL", "NULL"]);
}
