//! Event time in streaming queries: watermarks (two per batch, recorded in the
//! checkpoint), append and update aggregation with eviction, deduplication bounded by
//! the watermark, no-data batches. Every expected row below is what Spark 4.2 gives for
//! the same pipeline on the same files (one `AvailableNow` run, `maxFilesPerTrigger` 1;
//! see the PySpark runs in the commit that added this file).

mod api_support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use ember::streaming::Trigger;
use ember::DataFrame;

use api_support::streaming_session as session;

/// The files of the runs: `(key, second of 2024-01-01 10:00)` per row, one file each,
/// oldest first.
fn data() -> Vec<Vec<(&'static str, u32)>> {
    vec![
        vec![("a", 0), ("a", 7), ("b", 12)],
        vec![("a", 25), ("a", 3), ("b", 15)],
        vec![("a", 5), ("b", 14), ("a", 40)],
        vec![("a", 20), ("a", 21)],
    ]
}

fn write_files(dir: &Path, files: &[Vec<(&str, u32)>]) {
    std::fs::create_dir_all(dir).unwrap();
    for (i, rows) in files.iter().enumerate() {
        let text: String = rows.iter().map(|(k, s)| format!("{{\"k\":\"{k}\",\"ts\":\"2024-01-01T10:00:{s:02}\"}}\n")).collect();
        let path = dir.join(format!("f{i}.json"));
        std::fs::write(&path, text).unwrap();
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1000 + i as u64);
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
    }
}

/// One run's output: per batch id, its rows sorted.
struct Run {
    batches: Vec<(i64, Vec<String>)>,
    progress: Vec<ember::streaming::StreamingQueryProgress>,
    checkpoint: tempfile::TempDir,
}

fn run(files: &[Vec<(&str, u32)>], mode: &str, build: impl Fn(DataFrame) -> ember::Result<DataFrame>) -> Run {
    let s = session();
    let dir = tempfile::tempdir().unwrap();
    write_files(&dir.path().join("in"), files);
    let checkpoint = tempfile::tempdir().unwrap();
    let events = s
        .read_stream()
        .format("json")
        .schema("k STRING, ts TIMESTAMP")
        .option("maxFilesPerTrigger", "1")
        .load(dir.path().join("in").to_str().unwrap())
        .unwrap();
    let out = build(events).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let q = out
        .write_stream()
        .output_mode(mode)
        .option("checkpointLocation", checkpoint.path().to_str().unwrap())
        .trigger(Trigger::AvailableNow)
        .foreach_batch(move |df, id| {
            let mut rows: Vec<String> = api_support::rows(&df.collect()?).into_iter().map(|r| r.replace('\t', " ")).collect();
            rows.sort();
            sink.lock().unwrap().push((id, rows));
            Ok(())
        })
        .start()
        .unwrap();
    q.await_termination().unwrap();
    let batches = seen.lock().unwrap().clone();
    Run { batches, progress: q.recent_progress(), checkpoint }
}

impl Run {
    fn rows(&self) -> Vec<Vec<String>> {
        self.batches.iter().enumerate().map(|(i, (id, rows))| {
            assert_eq!(*id, i as i64);
            rows.clone()
        }).collect()
    }

    /// Per batch: (numRowsTotal, numRowsUpdated, numRowsRemoved, numRowsDroppedByWatermark)
    /// summed over the state operators, and the progress's watermark.
    fn state(&self) -> Vec<(i64, i64, i64, i64, String)> {
        self.progress
            .iter()
            .map(|p| {
                let s = &p.state_operators;
                (
                    s.iter().map(|o| o.num_rows_total).sum(),
                    s.iter().map(|o| o.num_rows_updated).sum(),
                    s.iter().map(|o| o.num_rows_removed).sum(),
                    s.iter().map(|o| o.num_rows_dropped_by_watermark).sum(),
                    p.event_time.get("watermark").cloned().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// `batchWatermarkMs` of each `offsets/N` and `nextBatchWatermarkMs` of each `commits/N`.
    fn logged_watermarks(&self) -> Vec<(i64, i64)> {
        let read = |dir: &str, n: usize, key: &str| -> i64 {
            let text = std::fs::read_to_string(self.checkpoint.path().join(dir).join(n.to_string())).unwrap();
            let meta: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
            meta[key].as_i64().unwrap()
        };
        (0..self.batches.len()).map(|n| (read("offsets", n, "batchWatermarkMs"), read("commits", n, "nextBatchWatermarkMs"))).collect()
    }
}

const T0: i64 = 1_704_103_200_000; // 2024-01-01 10:00:00 UTC in ms

fn wm(second: &str) -> String {
    format!("2024-01-01T10:00:{second}.000Z")
}

#[test]
fn append_aggregation_on_event_time_emits_closed_groups_once() {
    let r = run(&data(), "append", |df| df.with_watermark("ts", "10 seconds")?.group_by(["ts"]).count());
    let ts = |s: &str, n: i64| format!("2024-01-01 10:00:{s} {n}");
    assert_eq!(
        r.rows(),
        vec![
            vec![],
            vec![ts("00", 1)],
            vec![ts("03", 1), ts("05", 1), ts("07", 1), ts("12", 1), ts("14", 1), ts("15", 1)],
            vec![ts("20", 1), ts("21", 1), ts("25", 1)],
        ]
    );
    assert_eq!(
        r.state(),
        vec![
            (3, 3, 0, 0, "1970-01-01T00:00:00.000Z".to_string()),
            (5, 3, 1, 0, wm("02")),
            (2, 3, 6, 0, wm("15")),
            (1, 2, 3, 0, wm("30")),
        ]
    );
    let s = 1000;
    assert_eq!(r.logged_watermarks(), vec![(0, T0 + 2 * s), (T0 + 2 * s, T0 + 15 * s), (T0 + 15 * s, T0 + 30 * s), (T0 + 30 * s, T0 + 30 * s)]);
    let p = &r.progress[0];
    assert_eq!(p.event_time.get("max").map(String::as_str), Some("2024-01-01T10:00:12.000Z"));
    assert_eq!(p.event_time.get("avg").map(String::as_str), Some("2024-01-01T10:00:06.333Z"));
    assert_eq!(p.event_time.get("min").map(String::as_str), Some("2024-01-01T10:00:00.000Z"));
}

#[test]
fn window_aggregation_in_append_and_update_modes() {
    let by_window = |df: DataFrame| -> ember::Result<DataFrame> {
        df.with_watermark("ts", "10 seconds")?
            .group_by([ember::functions::window(ember::col("ts"), "10 seconds", None, None), ember::col("k")])
            .count()?
            .select_expr(&["window.start", "window.end", "k", "count"])
    };
    let w = |start: u32, end: u32, k: &str, n: i64| format!("2024-01-01 10:00:{start:02} 2024-01-01 10:00:{end:02} {k} {n}");
    let append = run(&data(), "append", by_window);
    assert_eq!(append.rows(), vec![vec![], vec![], vec![w(0, 10, "a", 4)], vec![w(10, 20, "b", 3), w(20, 30, "a", 3)]]);
    assert_eq!(append.state().iter().map(|s| (s.0, s.1, s.2, s.3)).collect::<Vec<_>>(), vec![(2, 2, 0, 0), (3, 3, 0, 0), (3, 3, 1, 0), (1, 1, 2, 0)]);
    let update = run(&data(), "update", by_window);
    assert_eq!(
        update.rows(),
        vec![
            vec![w(0, 10, "a", 2), w(10, 20, "b", 1)],
            vec![w(0, 10, "a", 3), w(10, 20, "b", 2), w(20, 30, "a", 1)],
            vec![w(0, 10, "a", 4), w(10, 20, "b", 3), w(40, 50, "a", 1)],
            vec![w(20, 30, "a", 3)],
        ]
    );
}

#[test]
fn sliding_window_aggregation_in_append_mode() {
    let sliding = |df: DataFrame| -> ember::Result<DataFrame> {
        df.with_watermark("ts", "10 seconds")?
            .group_by([ember::functions::window(ember::col("ts"), "10 seconds", Some("5 seconds"), None), ember::col("k")])
            .count()?
            .select_expr(&["window.start", "window.end", "k", "count"])
    };
    let w = |start: &str, end: &str, k: &str, n: i64| format!("2024-01-01 {start} 2024-01-01 {end} {k} {n}");
    let r = run(&data(), "append", sliding);
    assert_eq!(
        r.rows(),
        vec![
            vec![],
            vec![],
            vec![w("09:59:55", "10:00:05", "a", 2), w("10:00:00", "10:00:10", "a", 4), w("10:00:05", "10:00:15", "a", 2), w("10:00:05", "10:00:15", "b", 2)],
            vec![w("10:00:10", "10:00:20", "b", 3), w("10:00:15", "10:00:25", "a", 2), w("10:00:15", "10:00:25", "b", 1), w("10:00:20", "10:00:30", "a", 3)],
        ]
    );
    assert_eq!(r.state().iter().map(|s| (s.0, s.1, s.2)).collect::<Vec<_>>(), vec![(5, 5, 0), (8, 6, 0), (6, 6, 4), (3, 2, 4)]);
}

#[test]
fn session_windows_merge_across_batches_and_close_with_the_watermark() {
    let by_session = |df: DataFrame| -> ember::Result<DataFrame> {
        df.with_watermark("ts", "10 seconds")?
            .group_by([ember::functions::session_window(ember::col("ts"), "5 seconds"), ember::col("k")])
            .count()?
            .select_expr(&["session_window.start", "session_window.end", "k", "count"])
    };
    let w = |start: u32, end: u32, k: &str, n: i64| format!("2024-01-01 10:00:{start:02} 2024-01-01 10:00:{end:02} {k} {n}");
    let append = run(&data(), "append", by_session);
    // a's sessions [0,5) and [7,12) of batch 0 merge with [3,8) and [5,10) of later batches
    assert_eq!(append.rows(), vec![vec![], vec![], vec![w(0, 12, "a", 4)], vec![w(12, 20, "b", 3), w(20, 30, "a", 3)]]);
    assert_eq!(append.state().iter().map(|s| s.0).collect::<Vec<_>>(), vec![3, 3, 3, 1]);
    let s = session();
    let dir = tempfile::tempdir().unwrap();
    let stream = s.read_stream().format("json").schema("k STRING, ts TIMESTAMP").load(dir.path().to_str().unwrap()).unwrap();
    let e = by_session(stream).unwrap().write_stream().format("memory").query_name("s").output_mode("update").start().unwrap_err();
    assert_eq!(e.class(), "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION");
    assert!(e.message().contains("session window streaming aggregations"), "{}", e.message());
}

#[test]
fn update_aggregation_drops_rows_at_the_previous_watermark_and_evicts() {
    let files = vec![vec![("a", 12)], vec![("a", 13)], vec![("a", 2), ("b", 3)]];
    let r = run(&files, "update", |df| df.with_watermark("ts", "10 seconds")?.group_by(["k", "ts"]).count());
    assert_eq!(r.rows(), vec![vec!["a 2024-01-01 10:00:12 1".to_string()], vec!["a 2024-01-01 10:00:13 1".to_string()], vec!["b 2024-01-01 10:00:03 1".to_string()]]);
    // the row exactly at the previous watermark (10:00:02) is late; 10:00:03 is not
    assert_eq!(r.state().iter().map(|s| (s.0, s.1, s.2, s.3)).collect::<Vec<_>>(), vec![(1, 1, 0, 0), (2, 1, 0, 0), (2, 1, 1, 1)]);
}

#[test]
fn deduplication_on_an_event_time_key_forgets_keys_behind_the_watermark() {
    let mut files = data();
    files.push(vec![("a", 25), ("a", 40), ("a", 41)]);
    let r = run(&files, "append", |df| df.with_watermark("ts", "10 seconds")?.drop_duplicates(["k", "ts"]));
    let row = |k: &str, s: &str| format!("{k} 2024-01-01 10:00:{s}");
    assert_eq!(
        r.rows(),
        vec![
            vec![row("a", "00"), row("a", "07"), row("b", "12")],
            vec![row("a", "03"), row("a", "25"), row("b", "15")],
            vec![row("a", "05"), row("a", "40"), row("b", "14")],
            vec![row("a", "20"), row("a", "21")],
            vec![row("a", "41")],
            vec![],
        ]
    );
    assert_eq!(
        r.state().iter().map(|s| (s.0, s.1, s.2, s.3)).collect::<Vec<_>>(),
        vec![(3, 3, 0, 0), (5, 3, 1, 0), (2, 3, 6, 0), (1, 2, 3, 0), (2, 1, 0, 1), (2, 0, 0, 0)]
    );
    // batch 5 ran without new data because batch 4 moved the watermark
    assert_eq!(r.progress[5].num_input_rows, 0);
    assert_eq!(r.state()[5].4, wm("31"));
    assert_eq!(r.progress[5].event_time.len(), 1, "{:?}", r.progress[5].event_time);
}

#[test]
fn deduplication_within_watermark_keeps_a_key_for_the_delay_after_its_first_row() {
    let mut files = data();
    files.push(vec![("a", 25), ("a", 40), ("a", 41)]);
    let r = run(&files, "append", |df| df.with_watermark("ts", "10 seconds")?.drop_duplicates_within_watermark(["k"]));
    let row = |k: &str, s: &str| format!("{k} 2024-01-01 10:00:{s}");
    assert_eq!(r.rows(), vec![vec![row("a", "00"), row("b", "12")], vec![], vec![], vec![row("a", "20")], vec![row("a", "40")], vec![]]);
    assert_eq!(
        r.state().iter().map(|s| (s.0, s.1, s.2, s.3)).collect::<Vec<_>>(),
        vec![(2, 2, 0, 0), (2, 0, 0, 0), (1, 0, 1, 0), (0, 1, 2, 0), (1, 1, 0, 1), (1, 0, 0, 0)]
    );
}

#[test]
fn a_restarted_query_keeps_its_watermark_and_state() {
    let s = session();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let checkpoint = dir.path().join("cp");
    let all = data();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let start = |files: &[Vec<(&str, u32)>]| {
        write_files(&input, files);
        let events = s.read_stream().format("json").schema("k STRING, ts TIMESTAMP").option("maxFilesPerTrigger", "1").load(input.to_str().unwrap()).unwrap();
        let sink = seen.clone();
        let q = events
            .with_watermark("ts", "10 seconds")
            .unwrap()
            .group_by(["ts"])
            .count()
            .unwrap()
            .write_stream()
            .output_mode("append")
            .option("checkpointLocation", checkpoint.to_str().unwrap())
            .trigger(Trigger::AvailableNow)
            .foreach_batch(move |df, id| {
                let mut rows: Vec<String> = api_support::rows(&df.collect()?).into_iter().map(|r| r.replace('\t', " ")).collect();
                rows.sort();
                sink.lock().unwrap().push((id, rows));
                Ok(())
            })
            .start()
            .unwrap();
        q.await_termination().unwrap();
    };
    start(&all[..2]);
    // the second run sees all four files; the first two were taken already
    start(&all);
    let got = seen.lock().unwrap().clone();
    // As Spark: the first run ends with a batch without data that emits what the
    // watermark (10:00:15) closed; the second run drops 10:00:05 and 10:00:14 as late
    // against the restored watermark and emits 10:00:25 from the restored state.
    let ts = |s: &str| format!("2024-01-01 10:00:{s} 1");
    let expected: Vec<(i64, Vec<String>)> = vec![
        (0, vec![]),
        (1, vec![ts("00")]),
        (2, vec![ts("03"), ts("07"), ts("12"), ts("15")]),
        (3, vec![]),
        (4, vec![ts("20"), ts("21"), ts("25")]),
    ];
    assert_eq!(got, expected);
}

#[test]
fn deduplication_then_aggregation_in_update_mode() {
    // Spark allows a deduplication under an aggregation outside append mode.
    let r = run(&data(), "update", |df| df.with_watermark("ts", "10 seconds")?.drop_duplicates(["k", "ts"])?.group_by(["k"]).count());
    let v = |rows: &[&str]| rows.iter().map(|r| r.to_string()).collect::<Vec<_>>();
    assert_eq!(r.rows(), vec![v(&["a 2", "b 1"]), v(&["a 4", "b 2"]), v(&["a 6", "b 3"]), v(&["a 8"])]);
    assert_eq!(r.progress[3].state_operators.len(), 2);
}

#[test]
fn event_time_misuse_gives_sparks_errors() {
    let s = session();
    let dir = tempfile::tempdir().unwrap();
    let stream = s.read_stream().format("json").schema("k STRING, ts TIMESTAMP, n INT").load(dir.path().to_str().unwrap()).unwrap();
    let class = |r: ember::Result<DataFrame>| r.err().map(|e| e.class()).unwrap_or_default();
    assert_eq!(class(stream.with_watermark("k", "10 seconds")), "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE");
    assert_eq!(class(stream.with_watermark("n", "10 seconds")), "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE");
    assert_eq!(class(stream.with_watermark("ts", "ten seconds")), "CANNOT_PARSE_INTERVAL");
    assert!(stream.with_watermark("ts", "-10 seconds").unwrap_err().message().contains("should not be negative"));
    assert!(class(stream.with_watermark("zz", "10 seconds")).starts_with("UNRESOLVED_COLUMN"));
    assert_eq!(class(stream.drop_duplicates(["zz"])), "UNRESOLVED_COLUMN_AMONG_FIELD_NAMES");
    // a month counts 31 days
    let marked = stream.with_watermark("ts", "1 day 2 hours").unwrap();
    let field = marked.schema().field_with_name("ts").unwrap().clone();
    assert_eq!(field.metadata().get("spark.watermarkDelayMs").map(String::as_str), Some("93600000"));

    let batch = s.sql("SELECT 'a' AS k, TIMESTAMP'2024-01-01 00:00:00' AS ts").unwrap();
    assert_eq!(class(batch.drop_duplicates_within_watermark(["k"])), "_LEGACY_ERROR_TEMP_3102");
    assert_eq!(api_support::rows(&batch.with_watermark("ts", "1 second").unwrap().collect().unwrap()).len(), 1);

    let start = |df: DataFrame, mode: &str| df.write_stream().format("memory").query_name("q").output_mode(mode).start().err().map(|e| (e.class(), e.message())).unwrap_or_default();
    let (c, m) = start(stream.drop_duplicates_within_watermark(["k"]).unwrap(), "append");
    assert_eq!(c, "_LEGACY_ERROR_TEMP_3102");
    assert!(m.contains("dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark"), "{m}");
    let keyed_without_time = stream.with_watermark("ts", "1 second").unwrap().group_by(["k"]).count().unwrap();
    assert_eq!(start(keyed_without_time, "append").0, "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION");
    assert_eq!(start(stream.drop_duplicates(["k"]).unwrap(), "complete").0, "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION");
}

#[test]
fn batch_drop_duplicates_keeps_one_row_per_key() {
    let s = session();
    let df = s.sql("SELECT * FROM VALUES ('a', 1), ('b', 2), ('a', 3), (NULL, 4), (NULL, 5), ('c', 6) AS t(k, v)").unwrap();
    let mut keys: Vec<String> = api_support::rows(&df.drop_duplicates(["k"]).unwrap().select(["k"]).unwrap().collect().unwrap());
    keys.sort();
    assert_eq!(keys, ["NULL", "a", "b", "c"]);
    // every column (as distinct()) when none is named
    let all = df.drop_duplicates(Vec::<&str>::new()).unwrap().count().unwrap();
    assert_eq!(all, 6);
    let empty = s.sql("SELECT * FROM VALUES ('a', 1) AS t(k, v) WHERE v > 5").unwrap();
    assert_eq!(empty.drop_duplicates(["k"]).unwrap().count().unwrap(), 0);
    // the kept row of a key is one of its rows
    let rows = api_support::rows(&df.drop_duplicates(["k"]).unwrap().collect().unwrap());
    assert!(rows.iter().any(|r| r == "a\t1" || r == "a\t3"), "{rows:?}");
}
