//! `flat_map_groups_with_state`: a typed state per group across micro-batches, event-time
//! timeouts fired by the watermark (in a batch without new data), processing-time
//! timeout rules, and the batch form (each group once, without state).

mod api_support;

use std::sync::Arc;

use arrow::array::{Array, AsArray, Int64Array, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use ember::streaming::{GroupState, GroupStateTimeout, MemoryStream, OutputMode};
use ember::{col, Session};

fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "2").config("spark.sql.session.timeZone", "UTC").build().unwrap()
}

fn events_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), true)]))
}

/// Rows `(key, seconds)`.
fn events(rows: &[(&str, i64)]) -> RecordBatch {
    RecordBatch::try_new(
        events_schema(),
        vec![
            Arc::new(StringArray::from(rows.iter().map(|r| r.0).collect::<Vec<_>>())),
            Arc::new(TimestampMicrosecondArray::from(rows.iter().map(|r| r.1 * 1_000_000).collect::<Vec<_>>()).with_timezone("UTC")),
        ],
    )
    .unwrap()
}

fn output(key: &RecordBatch, n: i64) -> ember::Result<Vec<RecordBatch>> {
    let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("n", DataType::Int64, true)]));
    Ok(vec![RecordBatch::try_new(schema, vec![key.column(0).clone(), Arc::new(Int64Array::from(vec![n]))])?])
}

fn sorted_rows(s: &Session, sql: &str) -> Vec<String> {
    let mut r = api_support::rows(&s.sql(sql).unwrap().collect().unwrap());
    r.sort();
    r
}

#[test]
fn running_counts_keep_their_state_across_batches() {
    let s = session();
    let input = MemoryStream::new(events_schema());
    let counts = s
        .read_stream()
        .memory(&input)
        .unwrap()
        .group_by([col("k")])
        .flat_map_groups_with_state("k STRING, n BIGINT", GroupStateTimeout::NoTimeout, |key, rows, state: &mut GroupState<i64>| {
            let n = state.get().copied().unwrap_or(0) + rows.num_rows() as i64;
            state.update(n);
            output(key, n)
        })
        .unwrap();
    let q = counts.write_stream().format("memory").query_name("running").output_mode(OutputMode::Update).start().unwrap();
    input.add_batch(events(&[("a", 1), ("b", 2), ("a", 3)])).unwrap();
    q.process_all_available().unwrap();
    input.add_batch(events(&[("a", 4), ("c", 5)])).unwrap();
    q.process_all_available().unwrap();
    assert_eq!(sorted_rows(&s, "SELECT * FROM running"), ["a\t2", "a\t3", "b\t1", "c\t1"]);
    let p = q.last_progress().unwrap();
    assert_eq!(p.state_operators[0].operator_name, "flatMapGroupsWithState");
    assert_eq!(p.state_operators[0].num_rows_total, 3);
    q.stop().unwrap();
}

#[test]
fn event_time_timeouts_fire_when_the_watermark_passes() {
    let s = session();
    let input = MemoryStream::new(events_schema());
    let sessions = s
        .read_stream()
        .memory(&input)
        .unwrap()
        .with_watermark("ts", "10 seconds")
        .unwrap()
        .group_by([col("k")])
        .flat_map_groups_with_state("k STRING, n BIGINT", GroupStateTimeout::EventTimeTimeout, |key, rows, state: &mut GroupState<i64>| {
            if state.has_timed_out() {
                let n = state.get().copied().unwrap_or(0);
                state.remove();
                return output(key, n);
            }
            let n = state.get().copied().unwrap_or(0) + rows.num_rows() as i64;
            state.update(n);
            // the group's latest event time plus 5 seconds
            let ts = rows.column(1).as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
            let latest = (0..ts.len()).filter(|&i| ts.is_valid(i)).map(|i| ts.value(i) / 1000).max().unwrap_or(0);
            state.set_timeout_timestamp(latest + 5_000)?;
            Ok(vec![])
        })
        .unwrap();
    let q = sessions.write_stream().format("memory").query_name("closed").output_mode(OutputMode::Update).start().unwrap();
    input.add_batch(events(&[("a", 100), ("a", 105), ("b", 103)])).unwrap();
    q.process_all_available().unwrap();
    assert!(sorted_rows(&s, "SELECT * FROM closed").is_empty());
    // max event time 130 s: the watermark moves to 120 s, past a's timeout (110 s) and b's (108 s)
    input.add_batch(events(&[("c", 130)])).unwrap();
    q.process_all_available().unwrap();
    assert_eq!(sorted_rows(&s, "SELECT * FROM closed"), ["a\t2", "b\t1"]);
    let p = q.last_progress().unwrap();
    assert_eq!(p.num_input_rows, 0, "a batch without new data fired the timeouts");
    assert_eq!(p.state_operators[0].num_rows_total, 1);
    q.stop().unwrap();
}

#[test]
fn timeouts_need_their_mode_and_batch_queries_run_each_group_once() {
    let s = session();
    let df = s.sql("SELECT * FROM VALUES ('a', 1), ('b', 2), ('a', 3) AS t(k, v)").unwrap();
    let out = df
        .group_by([col("k")])
        .flat_map_groups_with_state("k STRING, n BIGINT", GroupStateTimeout::NoTimeout, |key, rows, state: &mut GroupState<i64>| {
            assert!(!state.exists(), "a batch query has no state");
            let e = state.set_timeout_duration("1 minute").unwrap_err();
            assert!(e.message().contains("Cannot set timeout duration without enabling processing time timeout"));
            assert!(state.set_timeout_timestamp(0).is_err());
            assert!(state.current_watermark_ms().is_err());
            output(key, rows.num_rows() as i64)
        })
        .unwrap();
    let mut rows = api_support::rows(&out.collect().unwrap());
    rows.sort();
    assert_eq!(rows, ["a\t2", "b\t1"]);
    // the declared schema is checked against what the function returns
    let bad = df.group_by([col("k")]).flat_map_groups_with_state("k STRING, n STRING", GroupStateTimeout::NoTimeout, |key, _rows, _s: &mut GroupState<i64>| output(key, 1)).unwrap();
    assert!(bad.collect().is_err());
    assert!(df.group_by([col("k")]).flat_map_groups_with_state("k STRING, n BIGINT BIGINT", GroupStateTimeout::NoTimeout, |key, _r, _s: &mut GroupState<i64>| output(key, 1)).is_err());
}

#[test]
fn processing_time_timeouts_fire_on_a_later_trigger_without_data() {
    let s = session();
    let input = MemoryStream::new(events_schema());
    let idle = s
        .read_stream()
        .memory(&input)
        .unwrap()
        .group_by([col("k")])
        .flat_map_groups_with_state("k STRING, n BIGINT", GroupStateTimeout::ProcessingTimeTimeout, |key, rows, state: &mut GroupState<i64>| {
            if state.has_timed_out() {
                let n = state.get().copied().unwrap_or(0);
                state.remove();
                return output(key, n);
            }
            state.update(state.get().copied().unwrap_or(0) + rows.num_rows() as i64);
            state.set_timeout_duration("300 milliseconds")?;
            Ok(vec![])
        })
        .unwrap();
    let q = idle
        .write_stream()
        .format("memory")
        .query_name("idle")
        .output_mode(OutputMode::Update)
        .trigger(ember::streaming::Trigger::ProcessingTime("100 milliseconds".into()))
        .start()
        .unwrap();
    input.add_batch(events(&[("a", 1), ("a", 2)])).unwrap();
    q.process_all_available().unwrap();
    // No new rows: a later trigger runs a batch without data that times `a` out.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while sorted_rows(&s, "SELECT * FROM idle").is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(sorted_rows(&s, "SELECT * FROM idle"), ["a\t2"]);
    q.stop().unwrap();
}
