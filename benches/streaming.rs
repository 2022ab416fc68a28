//! Streaming benchmark: (1) micro-batch overhead — the time of a batch over one row
//! (the loop, offset and commit logs, planning, the sink); (2) end-to-end latency
//! p50/p99 of rows added at 100,000 rows/s with the default trigger, from the moment
//! a row is added to the moment its batch reached `foreach_batch`; (3) file-source
//! throughput — JSON files to a parquet sink, rows per second.
//!
//! `cargo bench -p ember --bench streaming -- [seconds_of_load (default 5)]`

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arrow::array::Int64Array;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use ember::streaming::{MemoryStream, Trigger};
use ember::{Result, Session};

fn micros_now(origin: Instant) -> i64 {
    origin.elapsed().as_micros() as i64
}

fn session() -> Result<Session> {
    Session::builder().config("spark.sql.shuffle.partitions", "2").threads(2).build()
}

fn overhead(dir: &std::path::Path) -> Result<f64> {
    let s = session()?;
    let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Int64, true)]));
    let input = MemoryStream::new(schema.clone());
    let q = s
        .read_stream()
        .memory(&input)?
        .write_stream()
        .format("memory")
        .query_name("overhead")
        .option("checkpointLocation", dir.join("cp_overhead").to_string_lossy())
        .start()?;
    let one = RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![1]))])?;
    let n = 200;
    let start = Instant::now();
    for _ in 0..n {
        input.add_batch(one.clone())?;
        q.process_all_available()?;
    }
    let per_batch: f64 = q.recent_progress().iter().map(|p| p.batch_duration as f64).sum::<f64>() / q.recent_progress().len().max(1) as f64;
    let wall = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
    q.stop()?;
    println!("micro-batch overhead: {per_batch:.2} ms per batch (triggerExecution), {wall:.2} ms per add + process_all_available");
    Ok(per_batch)
}

fn latency(seconds: u64) -> Result<(f64, f64)> {
    let s = session()?;
    let schema = Arc::new(Schema::new(vec![Field::new("added_us", DataType::Int64, true)]));
    let input = MemoryStream::new(schema.clone());
    let origin = Instant::now();
    let lat: Arc<Mutex<Vec<i64>>> = Arc::default();
    let sink = lat.clone();
    let q = s
        .read_stream()
        .memory(&input)?
        .write_stream()
        .foreach_batch(move |batch, _| {
            let now = micros_now(origin);
            let mut l = sink.lock().map_err(|_| ember::Error::internal("lock"))?;
            for b in batch.collect()? {
                let col = b.column(0).as_any().downcast_ref::<Int64Array>().ok_or_else(|| ember::Error::internal("type"))?;
                l.extend(col.values().iter().map(|t| now - t));
            }
            Ok(())
        })
        .start()?;
    // 100,000 rows/s as 1,000 rows every 10 ms.
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut next = Instant::now();
    let mut added = 0usize;
    while Instant::now() < end {
        let t = micros_now(origin);
        input.add_batch(RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![t; 1000]))])?)?;
        added += 1000;
        next += Duration::from_millis(10);
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    q.process_all_available()?;
    q.stop()?;
    let mut l = lat.lock().map_err(|_| ember::Error::internal("lock"))?.clone();
    l.sort_unstable();
    let pct = |p: f64| l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0;
    let (p50, p99) = (pct(0.5), pct(0.99));
    println!("latency at 100,000 rows/s: {added} rows, {} received, p50 {p50:.1} ms, p99 {p99:.1} ms", l.len());
    Ok((p50, p99))
}

fn throughput(dir: &std::path::Path) -> Result<f64> {
    let inp = dir.join("in");
    std::fs::create_dir_all(&inp)?;
    let (files, rows_per_file) = (20, 50_000);
    for f in 0..files {
        let mut text = String::with_capacity(rows_per_file * 40);
        for i in 0..rows_per_file {
            text.push_str(&format!("{{\"id\":{},\"k\":\"k{}\",\"v\":{}.5}}\n", f * rows_per_file + i, i % 100, i));
        }
        std::fs::write(inp.join(format!("{f:03}.json")), text)?;
    }
    let s = session()?;
    let start = Instant::now();
    let q = s
        .read_stream()
        .schema("id BIGINT, k STRING, v DOUBLE")
        .option("maxFilesPerTrigger", 4)
        .json(&inp.to_string_lossy())?
        .write_stream()
        .format("parquet")
        .option("path", dir.join("out").to_string_lossy())
        .option("checkpointLocation", dir.join("cp_files").to_string_lossy())
        .trigger(Trigger::AvailableNow)
        .start()?;
    q.await_termination()?;
    let secs = start.elapsed().as_secs_f64();
    let rows = (files * rows_per_file) as f64;
    let read = s.read().parquet(&dir.join("out").to_string_lossy())?.count()?;
    assert_eq!(read as f64, rows, "every row written once");
    println!("file source → parquet sink: {rows} rows in {secs:.2} s = {:.0} rows/s", rows / secs);
    Ok(rows / secs)
}

fn main() -> Result<()> {
    let seconds = std::env::args().skip(1).find(|a| !a.starts_with('-')).and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("ember-streaming-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = (|| {
        overhead(&dir)?;
        latency(seconds)?;
        throughput(&dir)?;
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
