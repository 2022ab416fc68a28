//! Arbitrary state in streaming queries (Spark's `FlatMapGroupsWithStateExec`): per
//! shuffle partition and batch, the function runs once for each group with new rows
//! (late rows dropped against the watermark), with the state the group left, then once
//! for each group whose timeout passed (processing time: the batch's timestamp; event
//! time: the watermark) with no rows. The state (JSON) and its timeout are kept in the
//! state store under the group's key.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};
use ember_physical::operators::map_groups::{checked_output, group_rows};
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::group_state::{GroupFunction, GroupStateData, GroupStateTimeout};

use crate::stateful_aggregate::{split_by_event_time, StateMetrics};
use crate::stateful_deduplicate::StateLocation;
use crate::watermark::BatchWatermarks;

/// See the module docs.
#[derive(Debug)]
pub struct StatefulMapGroupsExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<usize>,
    func: GroupFunction,
    timeout: GroupStateTimeout,
    schema: SchemaRef,
    /// The input's watermarked event-time column (late rows are dropped against it).
    event_time: Option<usize>,
    state: StateLocation,
    watermarks: Option<BatchWatermarks>,
    batch_timestamp_ms: i64,
    metrics: Arc<StateMetrics>,
    state_schema: SchemaRef,
}

/// A group's stored state: its key row, state JSON and timeout.
struct Stored {
    key: RecordBatch,
    value: Option<String>,
    timeout_at_ms: Option<i64>,
}

impl StatefulMapGroupsExec {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        input: Arc<dyn ExecutionPlan>,
        keys: Vec<usize>,
        func: GroupFunction,
        timeout: GroupStateTimeout,
        schema: SchemaRef,
        event_time: Option<usize>,
        state: StateLocation,
        watermarks: Option<BatchWatermarks>,
        batch_timestamp_ms: i64,
        metrics: Arc<StateMetrics>,
    ) -> Self {
        let in_schema = input.schema();
        let mut fields: Vec<Field> = keys.iter().map(|&k| in_schema.field(k).clone()).collect();
        fields.push(Field::new("__state", DataType::Utf8, true));
        fields.push(Field::new("__timeout_ms", DataType::Int64, true));
        let state_schema = Arc::new(Schema::new(fields));
        StatefulMapGroupsExec { input, keys, func, timeout, schema, event_time, state, watermarks, batch_timestamp_ms, metrics, state_schema }
    }

    fn state_rows(&self, groups: &[&Stored]) -> Result<RecordBatch> {
        let n = self.keys.len();
        let key_schema = Arc::new(Schema::new(self.state_schema.fields()[..n].to_vec()));
        let keys: Vec<&RecordBatch> = groups.iter().map(|g| &g.key).collect();
        let keys = arrow::compute::concat_batches(&key_schema, keys)?;
        let mut cols: Vec<ArrayRef> = keys.columns().to_vec();
        cols.push(Arc::new(groups.iter().map(|g| g.value.clone()).collect::<StringArray>()));
        cols.push(Arc::new(groups.iter().map(|g| g.timeout_at_ms).collect::<Int64Array>()));
        Ok(RecordBatch::try_new(self.state_schema.clone(), cols)?)
    }

    fn call(&self, key: &RecordBatch, rows: &RecordBatch, stored: &mut Stored, timed_out: bool, out: &mut Vec<RecordBatch>) -> Result<()> {
        let mut data = GroupStateData {
            value: stored.value.take(),
            // Each call sets the timeout anew (Spark resets it on every call).
            timeout_at_ms: None,
            has_timed_out: timed_out,
            timeout: self.timeout,
            batch_timestamp_ms: self.batch_timestamp_ms,
            watermark_ms: self.watermarks.map(|w| w.eviction_ms),
        };
        out.extend(checked_output(&self.schema, self.func.0.call(key, rows, &mut data)?)?);
        stored.value = data.value;
        stored.timeout_at_ms = data.timeout_at_ms;
        Ok(())
    }

    fn run(&self, partition: usize, ctx: &TaskContext) -> Result<Vec<RecordBatch>> {
        let n = self.keys.len();
        let in_schema = self.input.schema();
        let previous = self.state.store.load(self.state.operator_id, partition, self.state.version - 1, n, &self.state_schema)?;
        let previous = arrow::compute::concat_batches(&self.state_schema, previous.iter())?;
        let converter = RowConverter::new(self.state_schema.fields()[..n].iter().map(|f| SortField::new(f.data_type().clone())).collect())?;
        let encoded = converter.convert_columns(&previous.columns()[..n])?;
        let values = previous.column(n).as_string::<i32>().clone();
        let timeouts = previous.column(n + 1).as_primitive::<arrow::datatypes::Int64Type>().clone();
        let key_schema = Arc::new(Schema::new(self.state_schema.fields()[..n].to_vec()));
        let mut groups: BTreeMap<Vec<u8>, Stored> = BTreeMap::new();
        for i in 0..previous.num_rows() {
            let key = RecordBatch::try_new(key_schema.clone(), previous.columns()[..n].iter().map(|c| c.slice(i, 1)).collect())?;
            let value = values.is_valid(i).then(|| values.value(i).to_string());
            let timeout_at_ms = timeouts.is_valid(i).then(|| timeouts.value(i));
            groups.insert(encoded.row(i).as_ref().to_vec(), Stored { key, value, timeout_at_ms });
        }
        let had: std::collections::HashSet<Vec<u8>> = groups.keys().cloned().collect();

        let mut batches = Vec::new();
        for b in ctx.execute(&self.input, partition)? {
            batches.push(b?);
        }
        let mut dropped = 0;
        if let (Some(t), Some(w)) = (self.event_time, self.watermarks) {
            let (kept, late) = split_by_event_time(&batches, t, w.late_events_micros())?;
            dropped = late.iter().map(|b| b.num_rows()).sum();
            batches = kept;
        }
        let rows = arrow::compute::concat_batches(&in_schema, &batches)?;
        let mut out = Vec::new();
        let mut touched = std::collections::HashSet::new();
        for (key, enc, group) in group_rows(&rows, &self.keys)? {
            let key = RecordBatch::try_new(key_schema.clone(), key.columns().to_vec())?;
            let stored = groups.entry(enc.clone()).or_insert(Stored { key: key.clone(), value: None, timeout_at_ms: None });
            self.call(&key, &group, stored, false, &mut out)?;
            touched.insert(enc);
        }
        // Groups whose timeout passed, without new rows.
        let threshold = match self.timeout {
            GroupStateTimeout::ProcessingTimeTimeout => Some(self.batch_timestamp_ms),
            GroupStateTimeout::EventTimeTimeout => self.watermarks.map(|w| w.eviction_ms),
            GroupStateTimeout::NoTimeout => None,
        };
        if let Some(threshold) = threshold {
            let empty = RecordBatch::new_empty(in_schema.clone());
            for (enc, stored) in groups.iter_mut() {
                if !touched.contains(enc) && stored.value.is_some() && stored.timeout_at_ms.is_some_and(|t| t < threshold) {
                    let key = stored.key.clone();
                    self.call(&key, &empty, stored, true, &mut out)?;
                    touched.insert(enc.clone());
                }
            }
        }
        let kept: Vec<&Stored> = groups.values().filter(|g| g.value.is_some()).collect();
        let changed: Vec<&Stored> = groups.iter().filter(|(k, g)| touched.contains(*k) && g.value.is_some()).map(|(_, g)| g).collect();
        let removed: Vec<&Stored> = groups.iter().filter(|(k, g)| had.contains(*k) && g.value.is_none()).map(|(_, g)| g).collect();
        let state = self.state_rows(&kept)?;
        let (total, updated, removed_count, bytes) = (state.num_rows(), changed.len(), removed.len(), state.get_array_memory_size());
        self.state.store.commit(self.state.operator_id, partition, self.state.version, &self.state_schema, vec![state], &[self.state_rows(&changed)?], &[self.state_rows(&removed)?])?;
        self.metrics.record(total, updated, removed_count, dropped, bytes);
        Ok(out.into_iter().filter(|b| b.num_rows() > 0).collect())
    }
}

impl ExecutionPlan for StatefulMapGroupsExec {
    fn name(&self) -> &'static str {
        "FlatMapGroupsWithStateExec"
    }

    fn details(&self) -> String {
        format!("{:?}, operator={}, version={}", self.timeout, self.state.operator_id, self.state.version)
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("FlatMapGroupsWithStateExec takes one child"))?;
        Ok(Arc::new(StatefulMapGroupsExec::new(
            input,
            self.keys.clone(),
            self.func.clone(),
            self.timeout,
            self.schema.clone(),
            self.event_time,
            self.state.clone(),
            self.watermarks,
            self.batch_timestamp_ms,
            self.metrics.clone(),
        )))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.input.output_partitioning().partition_count())
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let out = self.run(partition, ctx)?;
        Ok(Box::new(out.into_iter().map(Ok)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
