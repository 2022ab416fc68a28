//! Stream-stream joins: inner, left/right/full outer and left semi joins under
//! watermarks with a time-range condition, outer rows emitted when the watermark
//! evicts an unmatched row, late rows dropped, and Spark's refusals. Every expected row
//! is what Spark 4.2 gives for the same pipeline on the same files (one `AvailableNow`
//! run, `maxFilesPerTrigger` 1 on both sides).

mod api_support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use ember::streaming::Trigger;
use ember::{DataFrame, Session};

use api_support::streaming_session as session;

type Files = Vec<Vec<(&'static str, u32)>>;

/// `(key, seconds after 10:00)` per row, a file per inner list.
fn left_files() -> Files {
    vec![vec![("a", 0), ("b", 10)], vec![("a", 100), ("c", 20)], vec![("a", 300)], vec![("b", 30)], vec![("a", 600)]]
}

fn right_files() -> Files {
    vec![vec![("a", 5), ("b", 200)], vec![("a", 110), ("c", 400)], vec![("a", 290), ("b", 50)], vec![("a", 320)], vec![("z", 900)]]
}

fn write(dir: &Path, key: &str, time: &str, files: &Files) {
    std::fs::create_dir_all(dir).unwrap();
    for (i, rows) in files.iter().enumerate() {
        let text: String = rows
            .iter()
            .map(|(k, s)| format!("{{\"{key}\":\"{k}\",\"{time}\":\"2024-01-01T10:{:02}:{:02}\"}}\n", s / 60, s % 60))
            .collect();
        let path = dir.join(format!("f{i}.json"));
        std::fs::write(&path, text).unwrap();
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1000 + i as u64);
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
    }
}

/// Per batch, its rows (`a 10:00:00 a 10:00:05`), sorted.
fn run(build: impl Fn(&Session, DataFrame, DataFrame) -> ember::Result<DataFrame>) -> ember::Result<Vec<Vec<String>>> {
    let s = session();
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("l"), "lk", "lt", &left_files());
    write(&dir.path().join("r"), "rk", "rt", &right_files());
    let read = |side: &str, schema: &str| {
        s.read_stream().format("json").schema(schema).option("maxFilesPerTrigger", "1").load(dir.path().join(side).to_str().unwrap()).unwrap()
    };
    let out = build(&s, read("l", "lk STRING, lt TIMESTAMP"), read("r", "rk STRING, rt TIMESTAMP"))?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let q = out
        .write_stream()
        .option("checkpointLocation", dir.path().join("cp").to_str().unwrap())
        .trigger(Trigger::AvailableNow)
        .foreach_batch(move |df, id| {
            let mut rows: Vec<String> = api_support::rows(&df.collect()?).into_iter().map(|r| r.replace("2024-01-01 ", "").replace('\t', " ")).collect();
            rows.sort();
            sink.lock().unwrap().push((id, rows));
            Ok(())
        })
        .start()?;
    q.await_termination()?;
    let got = seen.lock().unwrap().clone();
    Ok(got.into_iter().enumerate().map(|(i, (id, rows))| {
        assert_eq!(id, i as i64);
        rows
    }).collect())
}

fn expect(batches: &[&[&str]]) -> Vec<Vec<String>> {
    batches.iter().map(|b| {
        let mut v: Vec<String> = b.iter().map(|r| r.to_string()).collect();
        v.sort();
        v
    }).collect()
}

const RANGE: &str = "lk = rk AND rt >= lt AND rt <= lt + interval 1 minute";

fn watermarked_join(how: &'static str, condition: &'static str) -> impl Fn(&Session, DataFrame, DataFrame) -> ember::Result<DataFrame> {
    move |s, l, r| {
        l.with_watermark("lt", "30 seconds")?.create_or_replace_temp_view("l")?;
        r.with_watermark("rt", "20 seconds")?.create_or_replace_temp_view("r")?;
        s.sql(&format!("SELECT * FROM l {how} JOIN r ON {condition}"))
    }
}

#[test]
fn inner_join_with_a_time_range() {
    let got = run(watermarked_join("INNER", RANGE)).unwrap();
    assert_eq!(
        got,
        expect(&[&["a 10:00:00 a 10:00:05"], &["a 10:01:40 a 10:01:50"], &["b 10:00:10 b 10:00:50"], &["a 10:05:00 a 10:05:20"], &[], &[]])
    );
}

#[test]
fn outer_joins_emit_unmatched_rows_when_the_watermark_evicts_them() {
    let left = run(watermarked_join("LEFT OUTER", RANGE)).unwrap();
    assert_eq!(
        left,
        expect(&[
            &["a 10:00:00 a 10:00:05"],
            &["a 10:01:40 a 10:01:50"],
            &["b 10:00:10 b 10:00:50"],
            &["a 10:05:00 a 10:05:20", "c 10:00:20 NULL NULL"],
            &[],
            &[],
        ])
    );
    let right = run(watermarked_join("RIGHT OUTER", RANGE)).unwrap();
    assert_eq!(
        right,
        expect(&[
            &["a 10:00:00 a 10:00:05"],
            &["a 10:01:40 a 10:01:50"],
            &["b 10:00:10 b 10:00:50"],
            &["NULL NULL b 10:03:20", "a 10:05:00 a 10:05:20"],
            &[],
            &["NULL NULL a 10:04:50", "NULL NULL c 10:06:40"],
        ])
    );
    let full = run(watermarked_join("FULL OUTER", RANGE)).unwrap();
    assert_eq!(
        full,
        expect(&[
            &["a 10:00:00 a 10:00:05"],
            &["a 10:01:40 a 10:01:50"],
            &["b 10:00:10 b 10:00:50"],
            &["NULL NULL b 10:03:20", "a 10:05:00 a 10:05:20", "c 10:00:20 NULL NULL"],
            &[],
            &["NULL NULL a 10:04:50", "NULL NULL c 10:06:40"],
        ])
    );
    let between = run(watermarked_join("LEFT OUTER", "lk = rk AND rt BETWEEN lt - interval 10 seconds AND lt + interval 1 minute")).unwrap();
    assert_eq!(
        between,
        expect(&[
            &["a 10:00:00 a 10:00:05"],
            &["a 10:01:40 a 10:01:50"],
            &["a 10:05:00 a 10:04:50", "b 10:00:10 b 10:00:50"],
            &["a 10:05:00 a 10:05:20", "c 10:00:20 NULL NULL"],
            &[],
            &[],
        ])
    );
}

#[test]
fn left_semi_join_emits_a_left_row_at_its_first_match() {
    let got = run(watermarked_join("LEFT SEMI", RANGE)).unwrap();
    assert_eq!(got, expect(&[&["a 10:00:00"], &["a 10:01:40"], &["b 10:00:10"], &["a 10:05:00"], &[], &[]]));
}

#[test]
fn without_watermarks_the_state_keeps_every_row() {
    let got = run(|s, l, r| {
        l.create_or_replace_temp_view("l")?;
        r.create_or_replace_temp_view("r")?;
        s.sql(&format!("SELECT * FROM l JOIN r ON {RANGE}"))
    })
    .unwrap();
    // the late b 10:00:30 still joins: nothing is late without a watermark
    assert_eq!(
        got,
        expect(&[&["a 10:00:00 a 10:00:05"], &["a 10:01:40 a 10:01:50"], &["b 10:00:10 b 10:00:50"], &["a 10:05:00 a 10:05:20", "b 10:00:30 b 10:00:50"], &[]])
    );
}

#[test]
fn joins_spark_refuses() {
    let err = |how: &'static str, cond: &'static str| run(watermarked_join(how, cond)).unwrap_err();
    let e = err("LEFT OUTER", "lk = rk");
    assert_eq!(e.class(), "_LEGACY_ERROR_TEMP_3102");
    assert!(e.message().contains("Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys"), "{}", e.message());
    // a bound on the right side's time only cannot evict the left side's state
    assert!(err("LEFT OUTER", "lk = rk AND rt >= lt").message().contains("Stream-stream LeftOuter join"));
    assert!(err("FULL OUTER", "lk = rk AND rt >= lt").message().contains("Stream-stream FullOuter join"));
    assert!(err("LEFT ANTI", RANGE).message().contains("LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported"));
}

#[test]
fn a_window_in_the_join_keys_bounds_both_states() {
    let got = run(|s, l, r| {
        l.with_watermark("lt", "30 seconds")?.create_or_replace_temp_view("l0")?;
        r.with_watermark("rt", "20 seconds")?.create_or_replace_temp_view("r0")?;
        s.sql("SELECT lk, window(lt, '1 minute') AS w FROM l0")?.create_or_replace_temp_view("l")?;
        s.sql("SELECT rk, window(rt, '1 minute') AS w2 FROM r0")?.create_or_replace_temp_view("r")?;
        s.sql("SELECT lk, w.start AS ls, rk, w2.start AS rs FROM l LEFT OUTER JOIN r ON lk = rk AND w = w2")
    })
    .unwrap();
    assert_eq!(
        got,
        expect(&[
            &["a 10:00:00 a 10:00:00"],
            &["a 10:01:00 a 10:01:00"],
            &["b 10:00:00 b 10:00:00", "c 10:00:00 NULL NULL"],
            &["a 10:05:00 a 10:05:00"],
            &[],
            &[],
        ])
    );
}
