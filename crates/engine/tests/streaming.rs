//! Structured Streaming end to end: sources, sinks, output modes, triggers, the
//! checkpoint and restarts (exactly once), progress, and Spark's refusals.

mod api_support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use api_support::session;
use arrow::array::{Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use ember::streaming::{MemoryStream, OutputMode, Trigger};
use ember::{col, Session};

/// Rows as `a, 1` lines.
fn rows(batches: &[RecordBatch]) -> Vec<String> {
    api_support::rows(batches).into_iter().map(|r| r.replace('\t', ", ")).collect()
}

fn kv_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("v", DataType::Int64, true)]))
}

fn kv(rows: &[(&str, i64)]) -> RecordBatch {
    RecordBatch::try_new(
        kv_schema(),
        vec![
            Arc::new(StringArray::from(rows.iter().map(|r| r.0).collect::<Vec<_>>())),
            Arc::new(Int64Array::from(rows.iter().map(|r| r.1).collect::<Vec<_>>())),
        ],
    )
    .unwrap()
}

fn sorted(s: &Session, sql: &str) -> Vec<String> {
    let mut r = rows(&s.sql(sql).unwrap().collect().unwrap());
    r.sort();
    r
}

/// Writes a JSON-lines file into `dir` atomically (written beside, then renamed in).
fn put_json(dir: &Path, name: &str, lines: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    let tmp = dir.parent().unwrap().join(format!(".{name}.tmp"));
    std::fs::write(&tmp, lines.join("\n") + "\n").unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

#[test]
fn memory_source_aggregates_in_complete_and_update_modes() {
    let s = session();
    let input = MemoryStream::new(kv_schema());
    let df = s.read_stream().memory(&input).unwrap();
    assert!(df.is_streaming());
    df.create_or_replace_temp_view("events").unwrap();
    let counts = s.sql("SELECT k, count(*) AS n, sum(v) AS total FROM events GROUP BY k").unwrap();
    let complete = counts.write_stream().format("memory").query_name("complete_counts").output_mode("complete").start().unwrap();
    let updates = counts.write_stream().format("memory").query_name("updated_counts").output_mode(OutputMode::Update).start().unwrap();

    input.add_batch(kv(&[("a", 1), ("b", 2), ("a", 3)])).unwrap();
    complete.process_all_available().unwrap();
    updates.process_all_available().unwrap();
    assert_eq!(sorted(&s, "SELECT * FROM complete_counts"), ["a, 2, 4", "b, 1, 2"]);

    input.add_batch(kv(&[("a", 10), ("c", 5)])).unwrap();
    complete.process_all_available().unwrap();
    updates.process_all_available().unwrap();
    assert_eq!(sorted(&s, "SELECT * FROM complete_counts"), ["a, 3, 14", "b, 1, 2", "c, 1, 5"]);
    // update mode appends only the groups each batch changed
    assert_eq!(sorted(&s, "SELECT * FROM updated_counts"), ["a, 2, 4", "a, 3, 14", "b, 1, 2", "c, 1, 5"]);

    let p = complete.last_progress().unwrap();
    assert_eq!((p.batch_id, p.num_input_rows), (1, 2));
    assert_eq!(p.state_operators[0].num_rows_total, 3);
    assert!(p.input_rows_per_second > 0.0, "measured since the previous batch");
    assert_eq!(p.sink.description, "MemorySink");
    assert!(p.json().contains("\"batchId\":1"), "{}", p.json());
    assert_eq!(s.streams().active().len(), 2);
    complete.stop().unwrap();
    updates.stop().unwrap();
    assert!(!complete.is_active());
    assert!(s.streams().active().is_empty());
}

#[test]
fn global_aggregate_and_dataframe_api_and_deduplication() {
    let s = session();
    let input = MemoryStream::new(kv_schema());
    let df = s.read_stream().memory(&input).unwrap();
    let total = df.group_by(Vec::<ember::Column>::new()).agg([ember::functions::sum(col("v")).alias("s")]).unwrap();
    let q = total.write_stream().format("memory").query_name("total").output_mode("complete").start().unwrap();
    let distinct = df.select([col("k")]).unwrap().distinct().unwrap();
    let d = distinct.write_stream().format("memory").query_name("keys").start().unwrap();
    for batch in [kv(&[("a", 1), ("a", 2)]), kv(&[("b", 3), ("a", 4)]), kv(&[("b", 5)])] {
        input.add_batch(batch).unwrap();
        q.process_all_available().unwrap();
        d.process_all_available().unwrap();
    }
    assert_eq!(sorted(&s, "SELECT * FROM total"), ["15"]);
    // each key once, in the batch that first saw it
    assert_eq!(sorted(&s, "SELECT * FROM keys"), ["a", "b"]);
    q.stop().unwrap();
    d.stop().unwrap();
}

#[test]
fn file_source_to_parquet_sink_is_exactly_once_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let (inp, out, cp) = (dir.path().join("in"), dir.path().join("out"), dir.path().join("cp"));
    let s = session();
    let start = |s: &Session| {
        let df = s.read_stream().format("json").schema("k STRING, v BIGINT").load(inp.to_str().unwrap()).unwrap();
        df.filter(col("v").gt(ember::lit(0i64)))
            .unwrap()
            .write_stream()
            .format("parquet")
            .option("checkpointLocation", cp.to_str().unwrap())
            .option("path", out.to_str().unwrap())
            .start()
            .unwrap()
    };
    put_json(&inp, "1.json", &[r#"{"k":"a","v":1}"#, r#"{"k":"b","v":-2}"#]);
    let q = start(&s);
    q.process_all_available().unwrap();
    put_json(&inp, "2.json", &[r#"{"k":"c","v":3}"#]);
    q.process_all_available().unwrap();
    let p = q.last_progress().unwrap();
    assert_eq!(p.sources[0].end_offset.as_deref(), Some(r#"{"logOffset":1}"#));
    assert_eq!(p.sink.num_output_rows, -1);
    q.stop().unwrap();
    let read = |s: &Session| {
        let mut r = rows(&s.read().parquet(out.to_str().unwrap()).unwrap().collect().unwrap());
        r.sort();
        r
    };
    assert_eq!(read(&s), ["a, 1", "c, 3"]);
    // the checkpoint has Spark's layout
    for f in ["metadata", "offsets/0", "offsets/1", "commits/1", "sources/0/0", "sources/0/1"] {
        assert!(cp.join(f).exists(), "{f}");
    }
    assert!(std::fs::read_to_string(cp.join("offsets/1")).unwrap().starts_with("v1\n{\"batchTimestampMs\""));
    assert!(std::fs::read_to_string(out.join("_spark_metadata/0")).unwrap().starts_with("v1\n{\"action\":\"add\""));

    // A stray file (as a killed batch leaves) is not read: the log lists the output.
    std::fs::copy(out.join(std::fs::read_dir(&out).unwrap().filter_map(|e| e.ok()).find(|e| e.file_name().to_string_lossy().ends_with(".parquet")).unwrap().file_name()), out.join("part-stray.parquet")).unwrap();
    assert_eq!(read(&s), ["a, 1", "c, 3"]);

    // Batch 1 planned but not committed: a restart runs it again, with the same files,
    // and the sink (which did commit it) does not write it twice.
    std::fs::remove_file(cp.join("commits/1")).unwrap();
    put_json(&inp, "3.json", &[r#"{"k":"d","v":4}"#]);
    let q = start(&s);
    q.process_all_available().unwrap();
    q.stop().unwrap();
    assert_eq!(read(&s), ["a, 1", "c, 3", "d, 4"]);
    assert!(cp.join("commits/2").exists());
}

#[test]
fn aggregation_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (inp, cp) = (dir.path().join("in"), dir.path().join("cp"));
    let seen: Arc<Mutex<Vec<(i64, Vec<String>)>>> = Arc::default();
    let run = |files: &[(&str, &[&str])]| {
        let s = session();
        for (name, lines) in files {
            put_json(&inp, name, lines);
        }
        let df = s.read_stream().schema("k STRING, v BIGINT").json(inp.to_str().unwrap()).unwrap();
        let seen = seen.clone();
        let q = df
            .group_by([col("k")])
            .count()
            .unwrap()
            .write_stream()
            .output_mode("complete")
            .option("checkpointLocation", cp.to_str().unwrap())
            .foreach_batch(move |batch, id| {
                let mut r = rows(&batch.collect()?);
                r.sort();
                seen.lock().unwrap().push((id, r));
                Ok(())
            })
            .trigger(Trigger::AvailableNow)
            .start()
            .unwrap();
        q.await_termination().unwrap();
    };
    run(&[("1.json", &[r#"{"k":"a","v":1}"#, r#"{"k":"b","v":1}"#])]);
    run(&[("2.json", &[r#"{"k":"a","v":1}"#])]);
    run(&[]);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, vec![(0, vec!["a, 1".to_string(), "b, 1".to_string()]), (1, vec!["a, 2".to_string(), "b, 1".to_string()])]);
}

#[test]
fn triggers_respect_rate_limits() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    for i in 0..5 {
        put_json(&inp, &format!("{i}.json"), &[&format!(r#"{{"k":"x","v":{i}}}"#)]);
    }
    let s = session();
    let start = |trigger: Trigger, name: &str| {
        s.read_stream()
            .schema("k STRING, v BIGINT")
            .option("maxFilesPerTrigger", "2")
            .json(inp.to_str().unwrap())
            .unwrap()
            .write_stream()
            .format("memory")
            .query_name(name)
            .option("checkpointLocation", dir.path().join(name).to_str().unwrap())
            .trigger(trigger)
            .start()
            .unwrap()
    };
    let q = start(Trigger::AvailableNow, "all_now");
    q.await_termination().unwrap();
    assert_eq!(q.recent_progress().iter().map(|p| p.num_input_rows).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!(sorted(&s, "SELECT count(*) FROM all_now"), ["5"]);
    let q = start(Trigger::Once, "once");
    q.await_termination().unwrap();
    assert_eq!(q.recent_progress().len(), 1);
    assert_eq!(sorted(&s, "SELECT count(*) FROM once"), ["5"], "Once ignores maxFilesPerTrigger");
    let q = start(Trigger::ProcessingTime("100 milliseconds".into()), "timed");
    q.process_all_available().unwrap();
    q.stop().unwrap();
    assert_eq!(sorted(&s, "SELECT count(*) FROM timed"), ["5"]);
}

#[test]
fn rate_micro_batch_source_is_deterministic() {
    let s = Session::builder().config("spark.sql.session.timeZone", "UTC").build().unwrap();
    let df = s
        .read_stream()
        .format("rate-micro-batch")
        .option("rowsPerBatch", "3")
        .option("numPartitions", "2")
        .option("startTimestamp", "1000")
        .option("advanceMillisPerBatch", "500")
        .load("")
        .unwrap();
    assert_eq!(df.columns(), ["timestamp", "value"]);
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = got.clone();
    let q = df
        .write_stream()
        .foreach_batch(move |b, id| {
            if id < 2 {
                sink.lock().unwrap().extend(rows(&b.collect()?).into_iter().map(|r| format!("{id}: {r}")));
            }
            Ok(())
        })
        .start()
        .unwrap();
    while q.recent_progress().len() < 2 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    q.stop().unwrap();
    let mut got = got.lock().unwrap().clone();
    got.sort();
    assert_eq!(
        got,
        [
            "0: 1970-01-01 00:00:01, 0",
            "0: 1970-01-01 00:00:01, 1",
            "0: 1970-01-01 00:00:01, 2",
            "1: 1970-01-01 00:00:01.5, 3",
            "1: 1970-01-01 00:00:01.5, 4",
            "1: 1970-01-01 00:00:01.5, 5"
        ]
    );
    let p = q.recent_progress();
    assert_eq!(p[1].sources[0].end_offset.as_deref(), Some(r#"{"offset":6,"timestamp":2000}"#));
}

#[test]
fn unsupported_queries_fail_at_start_with_sparks_errors() {
    let s = session();
    let input = MemoryStream::new(kv_schema());
    let df = s.read_stream().memory(&input).unwrap();
    let err = |r: ember::Result<ember::streaming::StreamingQuery>| match r {
        Ok(q) => {
            q.stop().unwrap();
            panic!("expected an error")
        }
        Err(e) => (e.class(), e.message()),
    };
    let agg = df.group_by([col("k")]).count().unwrap();
    let (class, msg) = err(agg.write_stream().format("memory").query_name("a").start());
    assert_eq!(class, "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION");
    assert!(msg.contains("Invalid streaming output mode: append. This output mode is not supported for streaming aggregations without watermark"), "{msg}");
    let (class, msg) = err(df.write_stream().format("memory").query_name("b").output_mode("complete").start());
    assert_eq!(class, "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION");
    assert!(msg.contains("no streaming aggregations"), "{msg}");
    let (class, msg) = err(df.order_by([col("k").asc()]).unwrap().write_stream().format("memory").query_name("c").start());
    assert_eq!(class, "_LEGACY_ERROR_TEMP_3102");
    assert!(msg.starts_with("Sorting is not supported on streaming DataFrames/Datasets"), "{msg}");
    let (class, _) = err(agg.write_stream().format("parquet").option("path", "/tmp/x").option("checkpointLocation", "/tmp/y").output_mode("complete").start());
    assert_eq!(class, "STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE");
    let (class, _) = err(df.write_stream().output_mode("sometimes").start());
    assert_eq!(class, "STREAMING_OUTPUT_MODE.INVALID");
    let (class, _) = err(s.sql("SELECT 1").unwrap().write_stream().format("console").start());
    assert_eq!(class, "WRITE_STREAM_NOT_ALLOWED");
    let e = df.collect().unwrap_err();
    assert_eq!(e.class(), "_LEGACY_ERROR_TEMP_3102");
    assert!(e.message().starts_with("Queries with streaming sources must be executed with writeStream.start()"));
    let e = s.read_stream().format("json").load("/tmp/none").unwrap_err();
    assert!(e.message().contains("Schema must be specified"), "{e}");
}

#[test]
fn a_failing_batch_stops_the_query_with_stream_failed() {
    let s = session();
    let input = MemoryStream::new(kv_schema());
    let df = s.read_stream().memory(&input).unwrap();
    let q = df.write_stream().foreach_batch(|_, _| Err(ember::Error::invalid_argument("boom"))).start().unwrap();
    input.add_batch(kv(&[("a", 1)])).unwrap();
    let e = q.await_termination().unwrap_err();
    assert_eq!(e.class(), "STREAM_FAILED");
    assert!(e.message().contains("boom"), "{e}");
    assert!(q.exception().is_some());
    assert!(!q.is_active());

    // A panic in user code ends the query with INTERNAL_ERROR; the process lives on.
    let q = df.write_stream().foreach_batch(|_, _| panic!("user bug")).start().unwrap();
    input.add_batch(kv(&[("b", 2)])).unwrap();
    let e = q.await_termination().unwrap_err();
    assert_eq!(e.cause().map(|c| c.class()).as_deref(), Some("INTERNAL_ERROR"), "{e}");
    assert!(e.message().contains("user bug"), "{e}");
}

#[test]
fn listeners_see_start_progress_idle_and_termination() {
    use ember::streaming::{QueryIdleEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener, StreamingQueryProgress};
    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);
    impl StreamingQueryListener for Log {
        fn on_query_started(&self, e: &QueryStartedEvent) {
            self.0.lock().unwrap().push(format!("started {}", e.name.clone().unwrap_or_default()));
        }
        fn on_query_progress(&self, p: &StreamingQueryProgress) {
            self.0.lock().unwrap().push(format!("progress {} rows={}", p.batch_id, p.num_input_rows));
        }
        fn on_query_idle(&self, _: &QueryIdleEvent) {
            let mut l = self.0.lock().unwrap();
            if l.last().map(String::as_str) != Some("idle") {
                l.push("idle".into());
            }
        }
        fn on_query_terminated(&self, e: &QueryTerminatedEvent) {
            self.0.lock().unwrap().push(format!("terminated {:?}", e.exception));
        }
    }
    let s = session();
    let log = Arc::new(Log::default());
    s.streams().add_listener(log.clone());
    let input = MemoryStream::new(kv_schema());
    let q = s.read_stream().memory(&input).unwrap().write_stream().format("memory").query_name("l").start().unwrap();
    input.add_batch(kv(&[("a", 1)])).unwrap();
    q.process_all_available().unwrap();
    q.stop().unwrap();
    let got = log.0.lock().unwrap().clone();
    assert_eq!(got.first().map(String::as_str), Some("started l"));
    assert!(got.contains(&"progress 0 rows=1".to_string()), "{got:?}");
    assert_eq!(got.last().map(String::as_str), Some("terminated None"));
}

#[test]
fn socket_and_text_sources_count_words() {
    use std::io::Write;
    let s = session();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.write_all(b"apache spark\nspark ember\n").unwrap();
        conn
    });
    let lines = s.read_stream().format("socket").option("host", "127.0.0.1").option("port", port).load("").unwrap();
    assert_eq!(lines.columns(), ["value"]);
    let words = lines.select([ember::functions::explode(ember::functions::split(col("value"), " ")).alias("word")]).unwrap();
    let counts = words.group_by([col("word")]).count().unwrap();
    let q = counts.write_stream().format("memory").query_name("words").output_mode("complete").start().unwrap();
    let _conn = server.join().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while sorted(&s, "SELECT * FROM words").len() < 3 && std::time::Instant::now() < deadline {
        q.process_all_available().unwrap();
    }
    q.stop().unwrap();
    assert_eq!(sorted(&s, "SELECT * FROM words"), ["apache, 1", "ember, 1", "spark, 2"]);

    let dir = tempfile::tempdir().unwrap();
    put_json(&dir.path().join("in"), "a.txt", &["one two", "two"]);
    let text = s.read_stream().text(dir.path().join("in").to_str().unwrap()).unwrap();
    let q = text.write_stream().format("memory").query_name("lines").trigger(Trigger::AvailableNow).start().unwrap();
    q.await_termination().unwrap();
    assert_eq!(sorted(&s, "SELECT * FROM lines"), ["one two", "two"]);
}

#[test]
fn clean_source_archives_or_deletes_processed_files() {
    let dir = tempfile::tempdir().unwrap();
    let (inp, archive) = (dir.path().join("in"), dir.path().join("archive"));
    put_json(&inp, "a.json", &[r#"{"k":"a","v":1}"#]);
    put_json(&inp, "b.json", &[r#"{"k":"b","v":2}"#]);
    let s = session();
    let q = s
        .read_stream()
        .schema("k STRING, v BIGINT")
        .option("cleanSource", "archive")
        .option("sourceArchiveDir", archive.to_str().unwrap())
        .option("maxFilesPerTrigger", 1)
        .json(inp.to_str().unwrap())
        .unwrap()
        .write_stream()
        .format("memory")
        .query_name("cleaned")
        .trigger(Trigger::AvailableNow)
        .start()
        .unwrap();
    q.await_termination().unwrap();
    assert_eq!(sorted(&s, "SELECT * FROM cleaned"), ["a, 1", "b, 2"]);
    assert!(!inp.join("a.json").exists() && !inp.join("b.json").exists());
    let archived = archive.join(inp.join("a.json").to_str().unwrap().trim_start_matches('/'));
    assert!(archived.exists(), "{archived:?}");
    let e = s.read_stream().schema("k STRING").option("cleanSource", "archive").json(inp.to_str().unwrap()).unwrap()
        .write_stream().format("memory").query_name("bad").start().unwrap_err();
    assert!(e.message().contains("sourceArchiveDir"), "{e}");
}

#[test]
fn stream_test_dsl_checks_restarts_and_failures() {
    use ember::streaming::testing::{StreamAction::*, StreamTest};
    let s = session();
    let update = StreamTest::new(&s, kv_schema(), OutputMode::Update, |df| df.group_by([col("k")]).agg([ember::functions::sum(col("v")).alias("s")]));
    update.run(vec![
        AddData(kv(&[("a", 1), ("b", 2)])),
        CheckLastBatch(vec!["a, 1", "b, 2"]),
        AddData(kv(&[("a", 5)])),
        CheckLastBatch(vec!["a, 6"]),
        StopStream,
        AddData(kv(&[("b", 1), ("c", 0)])),
        StartStream,
        CheckLastBatch(vec!["b, 3", "c, 0"]),
        CheckAnswer(vec!["a, 1", "a, 6", "b, 2", "b, 3", "c, 0"]),
        CheckBatches(1),
    ]);
    let failing = StreamTest::new(&s, kv_schema(), OutputMode::Append, |df| df.select([(col("v") / ember::lit(0i64)).alias("x")]));
    failing.run(vec![AddData(kv(&[("a", 1)])), ExpectFailure("DIVIDE_BY_ZERO")]);
    let result = std::panic::catch_unwind(|| {
        let t = StreamTest::new(&session(), kv_schema(), OutputMode::Append, Ok);
        t.run(vec![AddData(kv(&[("a", 1)])), CheckAnswer(vec!["a, 2"])]);
    });
    let dump = *result.unwrap_err().downcast::<String>().unwrap();
    assert!(dump.contains("=> CheckAnswer([\"a, 2\"])") && dump.contains("sink rows") && dump.contains("  a, 1"), "{dump}");
}
