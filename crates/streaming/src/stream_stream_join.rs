//! Stream-stream joins (Spark's `StreamingSymmetricHashJoinExec`): each side keeps
//! its rows in the state store. Per shuffle partition and batch, the new left rows join
//! the right side's state, join the left state (old and new), the new right rows join
//! the left state, so every pair is produced exactly once. Rows at or before the
//! previous batch's watermark are late and dropped. After the batch, each side evicts
//! the rows no future row can match: by the watermark on a join key that carries event
//! time, or by a bound the join condition gives on its event time (`rt >= lt AND
//! rt <= lt + INTERVAL 1 HOUR` bounds both sides). An outer join emits an evicted row of
//! its preserved side with NULLs when it never matched; a left semi join emits a left
//! row at its first match.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, UInt32Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_physical::expressions::PhysicalExprRef;
use ember_physical::operators::event_time::event_time_micros;
use ember_physical::operators::join_pairs::{join_schema, left_only_batch, pair_batch, right_only_batch, PairJoin};
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::JoinType;

use crate::stateful_aggregate::StateMetrics;
use crate::state_store::StateStore;
use crate::watermark::BatchWatermarks;

/// When one side's state rows can no longer match (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateBound {
    /// A join key carrying event time: evict once it is at or before the watermark.
    Key { column: usize },
    /// An event-time column bounded below by the condition: evict once it is at or
    /// before `watermark + offset_ms`.
    Value { column: usize, offset_ms: i64 },
}

/// What the logical plan says about one stream-stream join.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JoinSpec {
    /// Each side's watermarked event-time column (late rows are dropped against it).
    pub left_time: Option<usize>,
    pub right_time: Option<usize>,
    pub left_bound: Option<StateBound>,
    pub right_bound: Option<StateBound>,
}

/// Where the two sides keep their state.
#[derive(Debug, Clone)]
pub struct JoinState {
    pub store: Arc<StateStore>,
    pub left_operator: usize,
    pub right_operator: usize,
    /// Batch id + 1.
    pub version: u64,
}

/// See the module docs.
#[derive(Debug)]
pub struct StreamingSymmetricHashJoinExec {
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    on: Vec<(PhysicalExprRef, PhysicalExprRef)>,
    filter: Option<PhysicalExprRef>,
    join_type: JoinType,
    spec: JoinSpec,
    state: JoinState,
    watermarks: Option<BatchWatermarks>,
    metrics: Arc<StateMetrics>,
    schema: SchemaRef,
}

/// A side's state schema: a row id, the side's columns, and whether the row matched.
fn state_schema(side: &SchemaRef) -> SchemaRef {
    let mut fields = vec![Arc::new(Field::new("__row_id", DataType::Int64, false))];
    fields.extend(side.fields().iter().cloned());
    fields.push(Arc::new(Field::new("__matched", DataType::Boolean, false)));
    Arc::new(Schema::new(fields))
}

/// One side's rows during a batch: ids, data and matched flags, all in one order.
struct Side {
    ids: Vec<i64>,
    data: RecordBatch,
    matched: Vec<bool>,
    /// Rows loaded from the state (the rest are this batch's).
    old: usize,
    /// `matched` as loaded, to write only what changed.
    matched_before: Vec<bool>,
}

impl Side {
    fn load(store: &StateStore, op: usize, partition: usize, version: u64, schema: &SchemaRef) -> Result<Side> {
        let sschema = state_schema(schema);
        let rows = store.load(op, partition, version - 1, 1, &sschema)?;
        let all = arrow::compute::concat_batches(&sschema, rows.iter())?;
        let n = schema.fields().len();
        let ids = all.column(0).as_any().downcast_ref::<Int64Array>().map(|a| a.values().to_vec()).unwrap_or_default();
        let matched: Vec<bool> = all.column(n + 1).as_any().downcast_ref::<BooleanArray>().map(|a| a.iter().map(|v| v.unwrap_or(false)).collect()).unwrap_or_default();
        let data = RecordBatch::try_new(schema.clone(), all.columns()[1..=n].to_vec())?;
        let old = ids.len();
        Ok(Side { ids, data, matched_before: matched.clone(), matched, old })
    }

    fn append(&mut self, rows: &RecordBatch, first_id: i64) -> Result<()> {
        self.ids.extend((0..rows.num_rows() as i64).map(|i| first_id + i));
        self.matched.extend(std::iter::repeat_n(false, rows.num_rows()));
        self.data = arrow::compute::concat_batches(&self.data.schema(), [&self.data, rows])?;
        Ok(())
    }

    fn state_rows(&self, mask: &[bool]) -> Result<RecordBatch> {
        let idx: UInt32Array = mask.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i as u32).collect();
        let mut cols: Vec<ArrayRef> = vec![Arc::new(Int64Array::from(idx.values().iter().map(|&i| self.ids[i as usize]).collect::<Vec<_>>()))];
        for c in self.data.columns() {
            cols.push(arrow::compute::take(c.as_ref(), &idx, None)?);
        }
        cols.push(Arc::new(BooleanArray::from(idx.values().iter().map(|&i| self.matched[i as usize]).collect::<Vec<_>>())));
        Ok(RecordBatch::try_new(state_schema(&self.data.schema()), cols)?)
    }
}

/// Rows of `rows` whose event time (column `column`) is after `micros` (NULL times stay).
fn after(rows: &RecordBatch, column: usize, micros: i64) -> Result<Vec<bool>> {
    Ok(event_time_micros(rows.column(column))?.iter().map(|t| t.is_none_or(|t| t > micros)).collect())
}

fn take_rows(rows: &RecordBatch, mask: &[bool]) -> Result<RecordBatch> {
    Ok(arrow::compute::filter_record_batch(rows, &BooleanArray::from(mask.to_vec()))?)
}

fn indices(mask: impl Iterator<Item = bool>) -> UInt32Array {
    mask.enumerate().filter(|(_, k)| *k).map(|(i, _)| i as u32).collect()
}

impl StreamingSymmetricHashJoinExec {
    #[allow(clippy::too_many_arguments)]
    pub fn try_new(
        left: Arc<dyn ExecutionPlan>,
        right: Arc<dyn ExecutionPlan>,
        on: Vec<(PhysicalExprRef, PhysicalExprRef)>,
        filter: Option<PhysicalExprRef>,
        join_type: JoinType,
        spec: JoinSpec,
        state: JoinState,
        watermarks: Option<BatchWatermarks>,
        metrics: Arc<StateMetrics>,
    ) -> Result<Self> {
        let schema = join_schema(&left.schema(), &right.schema(), join_type);
        Ok(StreamingSymmetricHashJoinExec { left, right, on, filter, join_type, spec, state, watermarks, metrics, schema })
    }

    /// The new rows of one side, late ones dropped.
    fn new_rows(&self, input: &Arc<dyn ExecutionPlan>, time: Option<usize>, partition: usize, ctx: &TaskContext) -> Result<(RecordBatch, usize)> {
        let schema = input.schema();
        let mut batches = Vec::new();
        for b in ctx.execute(input, partition)? {
            batches.push(b?);
        }
        let all = arrow::compute::concat_batches(&schema, &batches)?;
        match (time, self.watermarks) {
            (Some(t), Some(w)) => {
                let keep = after(&all, t, w.late_events_micros())?;
                let dropped = keep.iter().filter(|k| !**k).count();
                Ok((take_rows(&all, &keep)?, dropped))
            }
            _ => Ok((all, 0)),
        }
    }

    /// Which rows of `side` are at or before its eviction point (none without a bound).
    fn closed(&self, side: &RecordBatch, bound: Option<StateBound>) -> Result<Vec<bool>> {
        let (Some(bound), Some(w)) = (bound, self.watermarks) else { return Ok(vec![false; side.num_rows()]) };
        let (column, micros) = match bound {
            StateBound::Key { column } => (column, w.eviction_micros()),
            StateBound::Value { column, offset_ms } => (column, w.eviction_ms.saturating_add(offset_ms).saturating_mul(1000)),
        };
        Ok(after(side, column, micros)?.into_iter().map(|a| !a).collect())
    }

    fn run(&self, partition: usize, ctx: &TaskContext) -> Result<Vec<RecordBatch>> {
        let (ls, rs) = (self.left.schema(), self.right.schema());
        let st = &self.state;
        let mut left = Side::load(&st.store, st.left_operator, partition, st.version, &ls)?;
        let mut right = Side::load(&st.store, st.right_operator, partition, st.version, &rs)?;
        let (new_left, dropped_left) = self.new_rows(&self.left, self.spec.left_time, partition, ctx)?;
        let (new_right, dropped_right) = self.new_rows(&self.right, self.spec.right_time, partition, ctx)?;
        let pairs = PairJoin::try_new(&ls, &rs, &self.on, self.filter.clone())?;
        let semi = self.join_type == JoinType::LeftSemi;
        let emits_pairs = !semi;
        let mut out = Vec::new();
        let first_id = (st.version as i64) << 32;

        // 1. New left rows with the right side's state.
        let (li, ri) = pairs.pairs(&new_left, &right.data, ctx)?;
        let mut new_left_matched = vec![false; new_left.num_rows()];
        for (l, r) in li.values().iter().zip(ri.values()) {
            new_left_matched[*l as usize] = true;
            right.matched[*r as usize] = true;
        }
        if emits_pairs && !li.is_empty() {
            out.push(pair_batch(&self.schema, &new_left, &li, &right.data, &ri)?);
        }
        if semi {
            let first = indices(new_left_matched.iter().copied());
            if !first.is_empty() {
                out.push(left_only_batch(&self.schema, &new_left, &first)?);
            }
        }
        let left_old = left.old;
        left.append(&new_left, first_id)?;
        for (i, m) in new_left_matched.iter().enumerate() {
            left.matched[left_old + i] = *m;
        }
        // 2. New right rows with the left side (its state and this batch's rows).
        let before: Vec<bool> = left.matched.clone();
        let (li, ri) = pairs.pairs(&left.data, &new_right, ctx)?;
        let mut new_right_matched = vec![false; new_right.num_rows()];
        for (l, r) in li.values().iter().zip(ri.values()) {
            left.matched[*l as usize] = true;
            new_right_matched[*r as usize] = true;
        }
        if emits_pairs && !li.is_empty() {
            out.push(pair_batch(&self.schema, &left.data, &li, &new_right, &ri)?);
        }
        if semi {
            let first = indices(left.matched.iter().zip(&before).map(|(now, was)| *now && !*was));
            if !first.is_empty() {
                out.push(left_only_batch(&self.schema, &left.data, &first)?);
            }
        }
        let right_old = right.old;
        right.append(&new_right, first_id)?;
        for (i, m) in new_right_matched.iter().enumerate() {
            right.matched[right_old + i] = *m;
        }

        // 3. Eviction; new rows already past it never enter the state.
        let mut removed_total = 0;
        let mut total = 0;
        let mut added = 0;
        let mut bytes = 0;
        for (is_left, side) in [(true, &left), (false, &right)] {
            let bound = if is_left { self.spec.left_bound } else { self.spec.right_bound };
            let closed = self.closed(&side.data, bound)?;
            let keep: Vec<bool> = closed.iter().map(|c| !c).collect();
            let evicted: Vec<bool> = closed.iter().enumerate().map(|(i, c)| *c && i < side.old).collect();
            let preserved = match self.join_type {
                JoinType::LeftOuter => is_left,
                JoinType::RightOuter => !is_left,
                JoinType::FullOuter => true,
                _ => false,
            };
            if preserved {
                let unmatched = indices(evicted.iter().zip(&side.matched).map(|(e, m)| *e && !*m));
                if !unmatched.is_empty() {
                    out.push(if is_left { left_only_batch(&self.schema, &side.data, &unmatched)? } else { right_only_batch(&self.schema, &side.data, &unmatched)? });
                }
            }
            let changed: Vec<bool> = (0..side.ids.len()).map(|i| keep[i] && (i >= side.old || side.matched[i] != side.matched_before[i])).collect();
            let state = side.state_rows(&keep)?;
            total += state.num_rows();
            added += (side.old..side.ids.len()).filter(|&i| keep[i]).count();
            removed_total += evicted.iter().filter(|e| **e).count();
            bytes += state.get_array_memory_size();
            let op = if is_left { st.left_operator } else { st.right_operator };
            st.store.commit(op, partition, st.version, &state.schema(), vec![state.clone()], &[side.state_rows(&changed)?], &[side.state_rows(&evicted)?])?;
        }
        self.metrics.record(total, added, removed_total, dropped_left + dropped_right, bytes);
        Ok(out.into_iter().filter(|b| b.num_rows() > 0).collect())
    }
}

impl ExecutionPlan for StreamingSymmetricHashJoinExec {
    fn name(&self) -> &'static str {
        "StreamingSymmetricHashJoinExec"
    }

    fn details(&self) -> String {
        let on = self.on.iter().map(|(l, r)| format!("{l} = {r}")).collect::<Vec<_>>().join(", ");
        format!("{}, [{on}], version={}", self.join_type, self.state.version)
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.left, &self.right]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [left, right]: [Arc<dyn ExecutionPlan>; 2] = children.try_into().map_err(|_| Error::internal("StreamingSymmetricHashJoinExec takes two children"))?;
        Ok(Arc::new(StreamingSymmetricHashJoinExec {
            left,
            right,
            on: self.on.clone(),
            filter: self.filter.clone(),
            join_type: self.join_type,
            spec: self.spec,
            state: self.state.clone(),
            watermarks: self.watermarks,
            metrics: self.metrics.clone(),
            schema: self.schema.clone(),
        }))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.left.output_partitioning().partition_count())
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let out = self.run(partition, ctx)?;
        Ok(Box::new(out.into_iter().map(Ok)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
