//! Streaming deduplication (Spark's `StreamingDeduplicateExec` and
//! `StreamingDeduplicateWithinWatermarkExec`): per shuffle partition, a row passes when
//! its key is neither in the state nor seen earlier in the batch, and its key joins the
//! state. With a watermark, rows at or before the previous batch's watermark are late
//! and dropped, and keys leave the state once this batch's watermark reaches their event
//! time (`dropDuplicates` with an event-time key) or their first row's event time plus
//! the delay (`dropDuplicatesWithinWatermark`).

use std::any::Any;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_physical::operators::deduplicate::SeenKeys;
use ember_physical::operators::event_time::event_time_micros;
use ember_physical::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};

use crate::state_store::StateStore;
use crate::stateful_aggregate::{split_by_event_time, StateMetrics};
use crate::watermark::BatchWatermarks;

/// What the logical plan says about one deduplication.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DedupSpec {
    /// The input's event-time column: among the keys for `dropDuplicates`, any column
    /// for `dropDuplicatesWithinWatermark`.
    pub event_time: Option<usize>,
    /// `dropDuplicatesWithinWatermark`'s delay (ms).
    pub within_watermark_delay_ms: Option<i64>,
}

/// Where an operator keeps its state and which version a batch writes.
#[derive(Debug, Clone)]
pub struct StateLocation {
    pub store: Arc<StateStore>,
    pub operator_id: usize,
    /// Batch id + 1.
    pub version: u64,
}

/// See the module docs.
#[derive(Debug)]
pub struct StreamingDeduplicateExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<usize>,
    spec: DedupSpec,
    state: StateLocation,
    watermarks: Option<BatchWatermarks>,
    metrics: Arc<StateMetrics>,
    /// The key columns, then (within the watermark) `expiresAtMicros`.
    state_schema: SchemaRef,
}

impl StreamingDeduplicateExec {
    pub fn new(
        input: Arc<dyn ExecutionPlan>,
        keys: Vec<usize>,
        spec: DedupSpec,
        state: StateLocation,
        watermarks: Option<BatchWatermarks>,
        metrics: Arc<StateMetrics>,
    ) -> Self {
        let schema = input.schema();
        let mut fields: Vec<Field> = keys.iter().map(|&k| schema.field(k).clone()).collect();
        if spec.within_watermark_delay_ms.is_some() {
            fields.push(Field::new("expiresAtMicros", DataType::Int64, true));
        }
        let state_schema = Arc::new(Schema::new(fields));
        StreamingDeduplicateExec { input, keys, spec, state, watermarks, metrics, state_schema }
    }

    /// The state column whose value decides eviction, if any.
    fn eviction_column(&self) -> Option<usize> {
        match (self.spec.within_watermark_delay_ms, self.spec.event_time) {
            (Some(_), _) => Some(self.keys.len()),
            (None, Some(t)) => self.keys.iter().position(|&k| k == t),
            _ => None,
        }
    }

    fn run(&self, partition: usize, ctx: &TaskContext) -> Result<Vec<RecordBatch>> {
        let schema = self.input.schema();
        let nkeys = self.keys.len();
        let previous = self.state.store.load(self.state.operator_id, partition, self.state.version - 1, nkeys, &self.state_schema)?;
        let mut seen = SeenKeys::new(&schema, &self.keys)?;
        for b in previous.iter() {
            seen.insert_keys(&b.columns()[..nkeys])?;
        }
        let late_column = self.watermarks.and(self.spec.event_time);
        let mut out = Vec::new();
        let mut added = Vec::new();
        let mut dropped = 0;
        for b in ctx.execute(&self.input, partition)? {
            let mut b = b?;
            if b.num_rows() == 0 {
                continue;
            }
            if let (Some(t), Some(w)) = (late_column, self.watermarks) {
                let (kept, late) = split_by_event_time(std::slice::from_ref(&b), t, w.late_events_micros())?;
                dropped += late.iter().map(|l| l.num_rows()).sum::<usize>();
                b = match kept.len() {
                    0 => continue,
                    _ => arrow::compute::concat_batches(&schema, &kept)?,
                };
            }
            let first = seen.first_seen(&b, None)?;
            let fresh = arrow::compute::filter_record_batch(&b, &first)?;
            if fresh.num_rows() == 0 {
                continue;
            }
            let mut cols: Vec<ArrayRef> = self.keys.iter().map(|&k| fresh.column(k).clone()).collect();
            if let (Some(delay), Some(t)) = (self.spec.within_watermark_delay_ms, self.spec.event_time) {
                let times = event_time_micros(fresh.column(t))?;
                let expires: Int64Array = times.iter().map(|v| v.map(|v| v.saturating_add(delay.saturating_mul(1000)))).collect();
                cols.push(Arc::new(expires));
            }
            added.push(RecordBatch::try_new(self.state_schema.clone(), cols)?);
            out.push(fresh);
        }
        let mut all = previous.as_ref().clone();
        all.extend(added.iter().cloned());
        let (state, removed) = match (self.eviction_column(), self.watermarks) {
            (Some(c), Some(w)) => split_by_event_time(&all, c, w.eviction_micros())?,
            _ => (all, vec![]),
        };
        let total: usize = state.iter().map(|b| b.num_rows()).sum();
        let bytes: usize = state.iter().map(|b| b.get_array_memory_size()).sum();
        let updated: usize = added.iter().map(|b| b.num_rows()).sum();
        self.state.store.commit(self.state.operator_id, partition, self.state.version, &self.state_schema, state, &added, &removed)?;
        self.metrics.record(total, updated, removed.iter().map(|b| b.num_rows()).sum(), dropped, bytes);
        Ok(out)
    }
}

impl ExecutionPlan for StreamingDeduplicateExec {
    fn name(&self) -> &'static str {
        "StreamingDeduplicateExec"
    }

    fn details(&self) -> String {
        let schema = self.input.schema();
        let keys = self.keys.iter().map(|&k| schema.field(k).name().as_str()).collect::<Vec<_>>().join(", ");
        format!("[{keys}], operator={}, version={}", self.state.operator_id, self.state.version)
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("StreamingDeduplicateExec takes one child"))?;
        Ok(Arc::new(StreamingDeduplicateExec {
            input,
            keys: self.keys.clone(),
            spec: self.spec,
            state: self.state.clone(),
            watermarks: self.watermarks,
            metrics: self.metrics.clone(),
            state_schema: self.state_schema.clone(),
        }))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![Distribution::Unspecified]
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let out = self.run(partition, ctx)?;
        Ok(Box::new(out.into_iter().map(Ok)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
