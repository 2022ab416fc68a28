//! Event-time windows through the DataFrame API: `window` (tumbling and sliding),
//! `session_window` (static and per-row gaps) and `window_time` build the same plans as
//! their SQL spellings and give Spark's rows (checked against Spark 4.2.1 in the
//! `eventtime/` golden scripts), whatever the partitioning.

use arrow::record_batch::RecordBatch;
use ember::functions::*;
use ember::{DataFrame, Session};

fn session(partitions: &str) -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", partitions)
        .config("ember.executor.threads", "2")
        .build()
        .unwrap()
}

fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let mut r = ember::format::golden_rows(batches, "UTC");
    r.sort();
    r
}

fn events(s: &Session) -> DataFrame {
    s.sql(
        "SELECT * FROM VALUES (TIMESTAMP'2024-01-01 00:00:00', 'a', 1, '5 seconds'), (TIMESTAMP'2024-01-01 00:00:04', 'a', 2, '5 seconds'), \
         (TIMESTAMP'2024-01-01 00:00:09', 'a', 3, '5 seconds'), (TIMESTAMP'2024-01-01 00:00:20', 'a', 4, '1 second'), \
         (TIMESTAMP'2024-01-01 00:00:02', 'b', 5, '0 seconds'), (CAST(NULL AS TIMESTAMP), 'b', 7, '5 seconds'), \
         (TIMESTAMP'2024-01-01 00:00:01', 'b', 8, '10 seconds') AS t(ts, k, v, gap)",
    )
    .unwrap()
}

fn same_as_sql(s: &Session, df: DataFrame, sql: &str) -> Vec<String> {
    events(s).create_or_replace_temp_view("t").unwrap();
    let api = rows(&df.collect().unwrap());
    let expected = rows(&s.sql(sql).unwrap().collect().unwrap());
    assert_eq!(api, expected, "{sql}");
    api
}

#[test]
fn tumbling_window_counts_per_key() {
    for partitions in ["1", "3"] {
        let s = session(partitions);
        let df = events(&s)
            .group_by([window(col("ts"), "10 seconds", None, None), col("k")])
            .agg([count(lit(1)).alias("n"), sum(col("v")).alias("s")])
            .unwrap();
        let got = same_as_sql(&s, df, "SELECT window(ts, '10 seconds'), k, count(1) AS n, sum(v) AS s FROM t GROUP BY 1, 2");
        assert_eq!(
            got,
            vec![
                "{\"start\":2024-01-01 00:00:00,\"end\":2024-01-01 00:00:10}\ta\t3\t6",
                "{\"start\":2024-01-01 00:00:00,\"end\":2024-01-01 00:00:10}\tb\t2\t13",
                "{\"start\":2024-01-01 00:00:20,\"end\":2024-01-01 00:00:30}\ta\t1\t4",
            ]
        );
    }
}

#[test]
fn sliding_window_with_start_time_and_window_time() {
    let s = session("2");
    let df = events(&s)
        .filter(col("k").eq(lit("a")))
        .unwrap()
        .select([window(col("ts"), "10 seconds", Some("5 seconds"), Some("2 seconds")).alias("w"), col("v")])
        .unwrap()
        .select([col("w").get_field("start"), window_time(col("w")), col("v")])
        .unwrap();
    let got = same_as_sql(
        &s,
        df,
        "SELECT w.start, window_time(w), v FROM (SELECT window(ts, '10 seconds', '5 seconds', '2 seconds') AS w, v FROM t WHERE k = 'a')",
    );
    assert_eq!(got.len(), 8, "{got:?}");
    assert!(got.contains(&"2023-12-31 23:59:57\t2024-01-01 00:00:06.999999\t1".to_string()), "{got:?}");
}

#[test]
fn session_windows_merge_per_key() {
    for partitions in ["1", "3"] {
        let s = session(partitions);
        let df = events(&s)
            .group_by([col("k"), session_window(col("ts"), col("gap"))])
            .agg([count(lit(1)).alias("n")])
            .unwrap();
        let got = same_as_sql(&s, df, "SELECT k, session_window(ts, gap), count(1) AS n FROM t GROUP BY 1, 2");
        assert_eq!(
            got,
            vec![
                "a\t{\"start\":2024-01-01 00:00:00,\"end\":2024-01-01 00:00:14}\t3",
                "a\t{\"start\":2024-01-01 00:00:20,\"end\":2024-01-01 00:00:21}\t1",
                "b\t{\"start\":2024-01-01 00:00:01,\"end\":2024-01-01 00:00:11}\t1",
            ]
        );
        let df = events(&s).group_by([session_window(col("ts"), lit("5 seconds"))]).agg([count(lit(1)).alias("n")]).unwrap();
        let got = same_as_sql(&s, df, "SELECT session_window(ts, '5 seconds'), count(1) AS n FROM t GROUP BY 1");
        assert_eq!(
            got,
            vec![
                "{\"start\":2024-01-01 00:00:00,\"end\":2024-01-01 00:00:14}\t5",
                "{\"start\":2024-01-01 00:00:20,\"end\":2024-01-01 00:00:25}\t1",
            ]
        );
    }
}

#[test]
fn bad_durations_fail_with_sparks_errors() {
    let s = session("1");
    let err = |df: ember::Result<DataFrame>| match df.and_then(|d| d.collect()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.class().to_string(),
    };
    assert_eq!(err(events(&s).select([window(col("ts"), "1 month", None, None)])), "_LEGACY_ERROR_TEMP_3231");
    assert_eq!(err(events(&s).select([window(col("ts"), "nope", None, None)])), "CANNOT_PARSE_INTERVAL");
    assert_eq!(err(events(&s).select([window(col("ts"), "5 seconds", Some("10 seconds"), None)])), "DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION");
    assert_eq!(
        err(events(&s).select([window(col("ts"), "5 seconds", None, None), session_window(col("ts"), lit("5 seconds"))])),
        "_LEGACY_ERROR_TEMP_1039"
    );
    assert_eq!(err(events(&s).select([session_window(col("ts"), lit(5))])), "_LEGACY_ERROR_TEMP_1040");
}
