//! The `rate` and `rate-micro-batch` sources: rows `(timestamp, value)` with `value`
//! counting up from 0. `rate` produces `rowsPerSecond` rows for each second since the
//! query started (its start time kept in `sources/<i>/0`), `rate-micro-batch` exactly
//! `rowsPerBatch` rows per batch with timestamps `startTimestamp +
//! batch × advanceMillisPerBatch`, independent of the clock.

use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{Int64Array, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_datasource::ReadOptions;
use ember_physical::operators::memory::MemTable;
use ember_plan::TableSource;
use serde_json::json;

use crate::checkpoint::MetadataLog;
use crate::source::{Offset, ReadLimit, Source};

/// `timestamp TIMESTAMP, value BIGINT` in the session time zone.
pub fn rate_schema(time_zone: &str) -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("timestamp", DataType::Timestamp(TimeUnit::Microsecond, Some(time_zone.into())), true),
        Field::new("value", DataType::Int64, true),
    ]))
}

fn option_i64(options: &ReadOptions, key: &str, default: i64, min: i64) -> Result<i64> {
    match options.get(key) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n >= min => Ok(n),
            _ => Err(Error::invalid_argument(format!("Invalid value '{v}' for option '{key}', must be an integer >= {min}"))),
        },
    }
}

/// Rows `[first, first + n)` with their timestamps, split into `partitions` pieces.
fn rows(schema: &SchemaRef, values: std::ops::Range<i64>, ts_of: impl Fn(i64) -> i64, partitions: usize) -> Result<MemTable> {
    let n = (values.end - values.start).max(0) as usize;
    let parts = partitions.max(1);
    let mut out = Vec::with_capacity(parts);
    for p in 0..parts {
        let lo = values.start + (n * p / parts) as i64;
        let hi = values.start + (n * (p + 1) / parts) as i64;
        if hi <= lo {
            out.push(vec![]);
            continue;
        }
        let v = Int64Array::from_iter_values(lo..hi);
        let tz = match schema.field(0).data_type() {
            DataType::Timestamp(_, tz) => tz.clone(),
            _ => None,
        };
        let t = TimestampMicrosecondArray::from_iter_values((lo..hi).map(&ts_of)).with_timezone_opt(tz);
        out.push(vec![RecordBatch::try_new(schema.clone(), vec![Arc::new(t), Arc::new(v)])?]);
    }
    MemTable::try_new(schema.clone(), out)
}

/// `rate-micro-batch`.
#[derive(Debug)]
pub struct RateMicroBatchSource {
    schema: SchemaRef,
    rows_per_batch: i64,
    start_timestamp_ms: i64,
    advance_ms_per_batch: i64,
    partitions: usize,
}

impl RateMicroBatchSource {
    pub fn try_new(options: &ReadOptions, time_zone: &str, default_partitions: usize) -> Result<Self> {
        if options.get("rowsperbatch").is_none() {
            return Err(Error::invalid_argument("rowsPerBatch must be specified for the rate-micro-batch source"));
        }
        Ok(RateMicroBatchSource {
            schema: rate_schema(time_zone),
            rows_per_batch: option_i64(options, "rowsperbatch", 1, 1)?,
            start_timestamp_ms: option_i64(options, "starttimestamp", 0, 0)?,
            advance_ms_per_batch: option_i64(options, "advancemillisperbatch", 1000, 0)?,
            partitions: option_i64(options, "numpartitions", default_partitions as i64, 1)? as usize,
        })
    }
}

impl RateMicroBatchSource {
    /// `(rows produced, timestamp of the next batch)` at an offset
    /// (`{"offset":6,"timestamp":2000}`, Spark's format); the start before any batch.
    fn position(&self, o: Option<&Offset>) -> (i64, i64) {
        match o {
            Some(o) => (
                o.0.get("offset").and_then(|v| v.as_i64()).unwrap_or(0),
                o.0.get("timestamp").and_then(|v| v.as_i64()).unwrap_or(self.start_timestamp_ms),
            ),
            None => (0, self.start_timestamp_ms),
        }
    }
}

impl Source for RateMicroBatchSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        format!(
            "RatePerMicroBatchStream[rowsPerBatch={}, numPartitions={}, startTimestamp={}, advanceMsPerBatch={}]",
            self.rows_per_batch, self.partitions, self.start_timestamp_ms, self.advance_ms_per_batch
        )
    }

    fn latest_offset(&self, start: Option<&Offset>, _limit: ReadLimit) -> Result<Option<Offset>> {
        // Every batch has new rows, whatever the clock says.
        let (rows, ts) = self.position(start);
        Ok(Some(Offset(json!({ "offset": rows + self.rows_per_batch, "timestamp": ts + self.advance_ms_per_batch }))))
    }

    fn get_batch(&self, start: Option<&Offset>, end: &Offset) -> Result<Arc<dyn TableSource>> {
        let (from, start_ts) = self.position(start);
        let (to, _) = self.position(Some(end));
        let (rpb, adv) = (self.rows_per_batch, self.advance_ms_per_batch);
        // The rows of a batch carry the timestamp the batch starts at.
        let ts = move |v: i64| (start_ts + ((v - from) / rpb) * adv) * 1000;
        Ok(Arc::new(rows(&self.schema, from..to, ts, self.partitions)?))
    }
}

/// `rate`.
#[derive(Debug)]
pub struct RateSource {
    schema: SchemaRef,
    rows_per_second: i64,
    ramp_up_seconds: i64,
    partitions: usize,
    start_ms: i64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl RateSource {
    /// `log_dir` (`<checkpoint>/sources/<i>`) keeps the start time, so a restarted
    /// query continues the same sequence.
    pub fn try_new(options: &ReadOptions, time_zone: &str, default_partitions: usize, log_dir: PathBuf) -> Result<Self> {
        let ramp_up_seconds = match options.get("rampuptime") {
            None => 0,
            Some(v) => crate::file_source::parse_duration_ms(v)? / 1000,
        };
        let log = MetadataLog::new(log_dir);
        let start_ms = match log.get(0)? {
            Some(text) => text.lines().nth(1).and_then(|l| l.trim().parse::<i64>().ok()).unwrap_or_else(now_ms),
            None => {
                let t = now_ms();
                log.add(0, &format!("v1\n{t}"))?;
                t
            }
        };
        Ok(RateSource {
            schema: rate_schema(time_zone),
            rows_per_second: option_i64(options, "rowspersecond", 1, 1)?,
            ramp_up_seconds,
            partitions: option_i64(options, "numpartitions", default_partitions as i64, 1)? as usize,
            start_ms,
        })
    }

    /// Rows produced by the end of second `sec` (with a linear ramp-up).
    fn value_at(&self, sec: i64) -> i64 {
        let (r, ramp) = (self.rows_per_second, self.ramp_up_seconds);
        if ramp <= 0 || sec >= ramp {
            let ramped = if ramp > 0 { r * (ramp + 1) / 2 } else { 0 };
            ramped + (sec - ramp.max(0)) * r
        } else {
            r * sec * (sec + 1) / (2 * ramp)
        }
    }
}

impl Source for RateSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        format!("RateStreamV2[rowsPerSecond={}, rampUpTimeSeconds={}, numPartitions={}]", self.rows_per_second, self.ramp_up_seconds, self.partitions)
    }

    fn latest_offset(&self, start: Option<&Offset>, _limit: ReadLimit) -> Result<Option<Offset>> {
        let elapsed = (now_ms() - self.start_ms) / 1000;
        let start = start.and_then(|o| o.as_i64()).unwrap_or(0);
        Ok((elapsed > start).then(|| Offset(json!(elapsed))))
    }

    fn get_batch(&self, start: Option<&Offset>, end: &Offset) -> Result<Arc<dyn TableSource>> {
        let from = start.and_then(|o| o.as_i64()).unwrap_or(0);
        let to = end.as_i64().unwrap_or(from);
        let (lo, hi) = (self.value_at(from), self.value_at(to));
        let (start_ms, rps) = (self.start_ms, self.rows_per_second.max(1));
        // Spread each second's rows evenly over it.
        let ts = move |v: i64| (start_ms + v * 1000 / rps) * 1000;
        Ok(Arc::new(rows(&self.schema, lo..hi, ts, self.partitions)?))
    }
}
