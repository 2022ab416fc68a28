//! `EventTimeWatermarkExec` (Spark's operator of the same name): passes its input on
//! unchanged and records the minimum, maximum and mean event time it saw, from which
//! the streaming engine moves the watermark after each micro-batch. Also the shared
//! reading of an event-time column (a timestamp, or a time window's `end`).

use std::any::Any;
use std::sync::{Arc, Mutex};

use arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use arrow::datatypes::{DataType, SchemaRef, TimeUnit, TimestampMicrosecondType};
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};

/// The event times (microseconds since the epoch) of a timestamp column, of the `end`
/// of a time-window struct column, or of a BIGINT column of microseconds; NULL where
/// the row has none.
pub fn event_time_micros(column: &ArrayRef) -> Result<Int64Array> {
    let ts = match column.data_type() {
        DataType::Struct(fields) if fields.len() == 2 => {
            let s = column.as_struct();
            let end = s.column(1).clone();
            // A NULL window has no end.
            match s.nulls() {
                Some(n) if n.null_count() > 0 => {
                    let nulls = arrow::buffer::NullBuffer::union(Some(n), end.nulls());
                    arrow::array::make_array(end.to_data().into_builder().nulls(nulls).build()?)
                }
                _ => end,
            }
        }
        _ => column.clone(),
    };
    let micros = match ts.data_type() {
        DataType::Int64 => return Ok(ts.as_primitive::<arrow::datatypes::Int64Type>().clone()),
        DataType::Timestamp(TimeUnit::Microsecond, _) => ts,
        DataType::Timestamp(_, tz) => arrow::compute::cast(&ts, &DataType::Timestamp(TimeUnit::Microsecond, tz.clone()))?,
        other => return Err(Error::internal(format!("event time of type {other} is not a timestamp"))),
    };
    Ok(micros.as_primitive::<TimestampMicrosecondType>().reinterpret_cast::<arrow::datatypes::Int64Type>())
}

/// Event times seen by one watermark operator in one micro-batch (milliseconds, as
/// Spark's `EventTimeStats`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventTimeStats {
    pub min_ms: i64,
    pub max_ms: i64,
    pub avg_ms: f64,
    pub count: u64,
}

impl EventTimeStats {
    fn merge(self, other: EventTimeStats) -> EventTimeStats {
        let count = self.count + other.count;
        EventTimeStats {
            min_ms: self.min_ms.min(other.min_ms),
            max_ms: self.max_ms.max(other.max_ms),
            avg_ms: self.avg_ms + (other.avg_ms - self.avg_ms) * other.count as f64 / count as f64,
            count,
        }
    }
}

/// Passes rows on and records their event times; see the module docs.
#[derive(Debug)]
pub struct EventTimeWatermarkExec {
    input: Arc<dyn ExecutionPlan>,
    /// The event-time column's index in the input.
    column: usize,
    delay_ms: i64,
    stats: Arc<Mutex<Option<EventTimeStats>>>,
}

impl EventTimeWatermarkExec {
    pub fn new(input: Arc<dyn ExecutionPlan>, column: usize, delay_ms: i64) -> Self {
        EventTimeWatermarkExec { input, column, delay_ms, stats: Arc::new(Mutex::new(None)) }
    }

    pub fn delay_ms(&self) -> i64 {
        self.delay_ms
    }

    /// What the operator has seen so far (`None`: no rows with an event time).
    pub fn stats(&self) -> Option<EventTimeStats> {
        self.stats.lock().ok().and_then(|s| *s)
    }
}

/// The stats of one batch's event times (NULLs are skipped).
fn batch_stats(micros: &Int64Array) -> Option<EventTimeStats> {
    let count = (micros.len() - micros.null_count()) as u64;
    if count == 0 {
        return None;
    }
    // Spark divides each microsecond value by 1000 (truncating).
    let mut out = EventTimeStats { min_ms: i64::MAX, max_ms: i64::MIN, avg_ms: 0.0, count: 0 };
    let mut sum: i128 = 0;
    for v in micros.iter().flatten() {
        let ms = v / 1000;
        out.min_ms = out.min_ms.min(ms);
        out.max_ms = out.max_ms.max(ms);
        sum += ms as i128;
    }
    out.count = count;
    out.avg_ms = sum as f64 / count as f64;
    Some(out)
}

impl ExecutionPlan for EventTimeWatermarkExec {
    fn name(&self) -> &'static str {
        "EventTimeWatermarkExec"
    }

    fn details(&self) -> String {
        format!("{}, {} ms", self.input.schema().field(self.column).name(), self.delay_ms)
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("EventTimeWatermarkExec takes one child"))?;
        Ok(Arc::new(EventTimeWatermarkExec { input, column: self.column, delay_ms: self.delay_ms, stats: self.stats.clone() }))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let stats = self.stats.clone();
        let column = self.column;
        let input = ctx.execute(&self.input, partition)?;
        Ok(Box::new(input.map(move |b| {
            let b = b?;
            if let Some(s) = batch_stats(&event_time_micros(b.column(column))?) {
                let mut guard = stats.lock().map_err(|_| Error::internal("event time stats poisoned"))?;
                *guard = Some(match *guard {
                    Some(old) => old.merge(s),
                    None => s,
                });
            }
            Ok(b)
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operators::memory::MemoryExec;
    use arrow::array::TimestampMicrosecondArray;
    use arrow::datatypes::{Field, Schema};
    use arrow::record_batch::RecordBatch;

    fn batch(values: Vec<Option<i64>>) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), true)]));
        RecordBatch::try_new(schema, vec![Arc::new(TimestampMicrosecondArray::from(values).with_timezone("UTC"))]).unwrap()
    }

    #[test]
    fn records_min_max_mean_over_partitions_and_skips_nulls() {
        let b1 = batch(vec![Some(0), Some(7_000_000), None]);
        let b2 = batch(vec![Some(12_000_999)]);
        let empty = batch(vec![]);
        let schema = b1.schema();
        let mem = Arc::new(MemoryExec::try_new(vec![vec![b1, empty.clone()], vec![b2], vec![empty]], schema, None).unwrap());
        let exec = Arc::new(EventTimeWatermarkExec::new(mem, 0, 10_000));
        let ctx = TaskContext::default();
        assert_eq!(exec.stats(), None);
        let mut rows = 0;
        for p in 0..3 {
            for b in exec.execute(p, &ctx).unwrap() {
                rows += b.unwrap().num_rows();
            }
        }
        assert_eq!(rows, 4);
        let s = exec.stats().unwrap();
        assert_eq!((s.min_ms, s.max_ms, s.count), (0, 12_000, 3));
        assert!((s.avg_ms - 19_000.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn window_struct_event_time_is_its_end() {
        let ts = |v: Vec<i64>| Arc::new(TimestampMicrosecondArray::from(v)) as ArrayRef;
        let fields = vec![Field::new("start", DataType::Timestamp(TimeUnit::Microsecond, None), true), Field::new("end", DataType::Timestamp(TimeUnit::Microsecond, None), true)];
        let s = arrow::array::StructArray::new(fields.into(), vec![ts(vec![0, 10]), ts(vec![10, 20])], Some(vec![true, false].into()));
        let micros = event_time_micros(&(Arc::new(s) as ArrayRef)).unwrap();
        assert_eq!(micros.iter().collect::<Vec<_>>(), [Some(10), None]);
    }
}
