//! Streaming aggregation. Each micro-batch's physical plan is the ordinary
//! `Partial → exchange → Final` aggregate; `plan_stateful_aggregates` puts a
//! `StatefulAggregateExec` between the exchange and `Final` (Spark's
//! `StateStoreRestore`/`StateStoreSave` pair): per shuffle partition it merges the
//! batch's partial states with the states the previous batch left (a `PartialMerge`
//! aggregate), saves the result as the new state version and passes on the rows the
//! output mode asks for (all groups, the groups this batch changed, or, in append
//! mode, the groups the watermark closed), which `Final` turns into values. With an
//! event-time grouping key (a watermarked timestamp or time window), partial rows at or
//! before the previous batch's watermark are late and dropped, and groups at or before
//! this batch's watermark are evicted from the state. `plan_stateful_operators` also
//! swaps streaming deduplications for [`StreamingDeduplicateExec`]s.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};
use ember_physical::expressions::PhysicalExprRef;
use ember_physical::operators::deduplicate::DeduplicateExec;
use ember_physical::operators::event_time::event_time_micros;
use ember_physical::operators::exchange::ExchangeExec;
use ember_physical::operators::hash_aggregate::{AggregateMode, HashAggregateExec};
use ember_physical::operators::hash_join::HashJoinExec;
use ember_physical::operators::map_groups::MapGroupsExec;
use ember_physical::operators::nested_loop_join::NestedLoopJoinExec;
use ember_physical::operators::updating_sessions::merge_sessions_of;
use ember_physical::operators::memory::MemoryExec;
use ember_physical::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};

use crate::state_store::StateStore;
use crate::stateful_deduplicate::{DedupSpec, StateLocation, StreamingDeduplicateExec};
use crate::stateful_map_groups::StatefulMapGroupsExec;
use crate::stateful_specs::AggregateSpec;
use crate::stream_batch::executes_stream_batch;
use crate::stream_stream_join::{JoinSpec, JoinState, StreamingSymmetricHashJoinExec};
use crate::watermark::BatchWatermarks;

/// Which groups a stateful aggregate passes on after a batch (the output mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateOutput {
    /// Every group (`complete` mode; the watermark evicts nothing).
    All,
    /// Groups with input in this batch (`update` mode).
    Updated,
    /// Groups the watermark closed in this batch (`append` mode).
    Closed,
}

/// What one stateful operator did in the last batch (for progress).
#[derive(Debug, Default)]
pub struct StateMetrics {
    /// `stateStoreSave` or `dedupe`.
    pub operator_name: &'static str,
    pub num_rows_total: AtomicU64,
    pub num_rows_updated: AtomicU64,
    pub num_rows_removed: AtomicU64,
    pub num_rows_dropped_by_watermark: AtomicU64,
    pub memory_used_bytes: AtomicU64,
}

impl StateMetrics {
    pub fn new(operator_name: &'static str) -> Self {
        StateMetrics { operator_name, ..Default::default() }
    }

    pub(crate) fn record(&self, total: usize, updated: usize, removed: usize, dropped: usize, bytes: usize) {
        self.num_rows_total.fetch_add(total as u64, Ordering::Relaxed);
        self.num_rows_updated.fetch_add(updated as u64, Ordering::Relaxed);
        self.num_rows_removed.fetch_add(removed as u64, Ordering::Relaxed);
        self.num_rows_dropped_by_watermark.fetch_add(dropped as u64, Ordering::Relaxed);
        self.memory_used_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// Splits `rows` by their event time (column `column`, a timestamp or time window) into
/// those after `micros` and those at or before it; rows without an event time stay in
/// the first part.
pub fn split_by_event_time(rows: &[RecordBatch], column: usize, micros: i64) -> Result<(Vec<RecordBatch>, Vec<RecordBatch>)> {
    let mut after = Vec::new();
    let mut closed = Vec::new();
    for b in rows {
        let times = event_time_micros(b.column(column))?;
        let is_closed: BooleanArray = times.iter().map(|t| Some(t.is_some_and(|t| t <= micros))).collect();
        let keep = arrow::compute::not(&is_closed)?;
        for (mask, out) in [(&keep, &mut after), (&is_closed, &mut closed)] {
            let part = arrow::compute::filter_record_batch(b, mask)?;
            if part.num_rows() > 0 {
                out.push(part);
            }
        }
    }
    Ok((after, closed))
}

/// The `start` fields of a session-window struct column.
fn session_starts(column: &ArrayRef) -> Result<ArrayRef> {
    use arrow::array::AsArray;
    Ok(column.as_struct_opt().ok_or_else(|| Error::internal("a session window that is not a struct"))?.column(0).clone())
}

fn count(rows: &[RecordBatch]) -> usize {
    rows.iter().map(|b| b.num_rows()).sum()
}

/// The state step of one streaming aggregation; see the module docs.
#[derive(Debug)]
pub struct StatefulAggregateExec {
    input: Arc<dyn ExecutionPlan>,
    /// The merge aggregate's template: `Final`'s keys and functions.
    merge_template: Arc<HashAggregateExec>,
    store: Arc<StateStore>,
    operator_id: usize,
    /// The version this batch writes (batch id + 1).
    version: u64,
    output: StateOutput,
    /// The grouping key that carries the event time, when there is one.
    event_time_key: Option<usize>,
    /// That key is a session window (merged with the stored sessions of its group).
    session: bool,
    watermarks: Option<BatchWatermarks>,
    metrics: Arc<StateMetrics>,
}

impl StatefulAggregateExec {
    pub fn metrics(&self) -> &Arc<StateMetrics> {
        &self.metrics
    }

    fn run(&self, partition: usize, ctx: &TaskContext) -> Result<Vec<RecordBatch>> {
        let schema = self.input.schema();
        let mut new_rows = Vec::new();
        for b in ctx.execute(&self.input, partition)? {
            let b = b?;
            if b.num_rows() > 0 {
                new_rows.push(b);
            }
        }
        // Event time decides only outside complete mode, which keeps every group.
        let watermark = match (self.event_time_key, self.watermarks, self.output) {
            (Some(k), Some(w), StateOutput::Updated | StateOutput::Closed) => Some((k, w)),
            _ => None,
        };
        let mut dropped = 0;
        if let Some((k, w)) = watermark {
            let (kept, late) = split_by_event_time(&new_rows, k, w.late_events_micros())?;
            dropped = count(&late);
            new_rows = kept;
        }
        let keys = self.merge_template.group_exprs().len();
        let previous = self.store.load(self.operator_id, partition, self.version - 1, keys, &schema)?;
        let mut all = previous.as_ref().clone();
        all.extend(new_rows.iter().cloned());
        // Session windows: stored and new sessions of a group merge when they overlap;
        // the stored rows whose session grew leave the state under their old key.
        let mut superseded = Vec::new();
        if let (true, Some(k)) = (self.session, self.event_time_key) {
            if !all.is_empty() {
                let combined = arrow::compute::concat_batches(&schema, &all)?;
                let others: Vec<usize> = (0..keys).filter(|&i| i != k).collect();
                let merged = merge_sessions_of(&combined, &others, k)?;
                let old = count(&previous);
                let old_rows = combined.slice(0, old);
                let moved: BooleanArray = {
                    let before = event_time_micros(old_rows.column(k))?;
                    let after = merged.slice(0, old);
                    let starts_before = event_time_micros(&session_starts(old_rows.column(k))?)?;
                    let starts_after = event_time_micros(&session_starts(after.column(k))?)?;
                    let ends_after = event_time_micros(after.column(k))?;
                    (0..old).map(|i| Some(before.value(i) != ends_after.value(i) || starts_before.value(i) != starts_after.value(i))).collect()
                };
                superseded = vec![arrow::compute::filter_record_batch(&old_rows, &moved)?];
                new_rows = vec![merged.slice(old, merged.num_rows() - old)];
                all = vec![merged];
            }
        }
        let merged = if all.is_empty() {
            vec![]
        } else {
            let mem = Arc::new(MemoryExec::try_new(vec![all], schema.clone(), None)?);
            let merge = HashAggregateExec::try_new(
                AggregateMode::PartialMerge,
                self.merge_template.group_exprs().to_vec(),
                self.merge_template.aggr_exprs().to_vec(),
                mem,
            )?;
            let mut out = Vec::new();
            for b in merge.execute(0, ctx)? {
                let b = b?;
                if b.num_rows() > 0 {
                    out.push(RecordBatch::try_new(schema.clone(), b.columns().to_vec())?);
                }
            }
            out
        };
        // The groups this batch touched.
        let updated = if keys == 0 { merged.clone() } else { filter_by_keys(&merged, keys, &new_rows, true)? };
        // The groups the watermark closed leave the state.
        let (state, closed) = match watermark {
            Some((k, w)) => split_by_event_time(&merged, k, w.eviction_micros())?,
            None => (merged, vec![]),
        };
        let total = count(&state);
        let bytes: usize = state.iter().map(|b| b.get_array_memory_size()).sum();
        let changed = if closed.is_empty() { updated.clone() } else { filter_by_keys(&updated, keys, &closed, false)? };
        let mut removed = closed.clone();
        removed.extend(superseded);
        self.store.commit(self.operator_id, partition, self.version, &schema, state.clone(), &changed, &removed)?;
        self.metrics.record(total, count(&updated), count(&closed), dropped, bytes);
        Ok(match self.output {
            StateOutput::All => state,
            StateOutput::Updated => updated,
            StateOutput::Closed => closed,
        })
    }
}

/// The rows of `rows` whose first `keys` columns appear (`keep_present`) or do not
/// appear in `other`.
fn filter_by_keys(rows: &[RecordBatch], keys: usize, other: &[RecordBatch], keep_present: bool) -> Result<Vec<RecordBatch>> {
    let Some(first) = rows.first() else { return Ok(vec![]) };
    let fields = first.schema().fields()[..keys].iter().map(|f| SortField::new(f.data_type().clone())).collect();
    let converter = RowConverter::new(fields)?;
    let mut present = std::collections::HashSet::new();
    for b in other {
        let cols: Vec<ArrayRef> = b.columns()[..keys].to_vec();
        let converted = converter.convert_columns(&cols)?;
        for r in converted.iter() {
            present.insert(r.as_ref().to_vec());
        }
    }
    let mut out = Vec::new();
    for b in rows {
        let cols: Vec<ArrayRef> = b.columns()[..keys].to_vec();
        let converted = converter.convert_columns(&cols)?;
        let mask = BooleanArray::from(converted.iter().map(|r| present.contains(r.as_ref()) == keep_present).collect::<Vec<_>>());
        let kept = arrow::compute::filter_record_batch(b, &mask)?;
        if kept.num_rows() > 0 {
            out.push(kept);
        }
    }
    Ok(out)
}

impl ExecutionPlan for StatefulAggregateExec {
    fn name(&self) -> &'static str {
        "StatefulAggregateExec"
    }

    fn details(&self) -> String {
        format!("operator={}, version={}, output={:?}", self.operator_id, self.version, self.output)
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("StatefulAggregateExec takes one child"))?;
        Ok(Arc::new(StatefulAggregateExec {
            input,
            merge_template: self.merge_template.clone(),
            store: self.store.clone(),
            operator_id: self.operator_id,
            version: self.version,
            output: self.output,
            event_time_key: self.event_time_key,
            session: self.session,
            watermarks: self.watermarks,
            metrics: self.metrics.clone(),
        }))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        self.merge_template.required_input_distribution()
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let out = self.run(partition, ctx)?;
        Ok(Box::new(out.into_iter().map(Ok)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What a batch's plan needs to keep state: the store, the version it writes, the
/// output mode, the watermarks and what the logical plan says about each stateful
/// operator over the stream (in the order a post-order walk meets them).
#[derive(Debug, Clone)]
pub struct StatefulPlanning {
    pub store: Arc<StateStore>,
    pub batch_id: u64,
    pub output: StateOutput,
    /// Shuffle partitions of every state store (pinned for the query's lifetime):
    /// a group must land in the same store in every batch.
    pub partitions: usize,
    /// `None` when the query has no watermark.
    pub watermarks: Option<BatchWatermarks>,
    /// Per streaming aggregation: its event-time key.
    pub aggregates: Vec<AggregateSpec>,
    /// Per streaming deduplication.
    pub deduplications: Vec<DedupSpec>,
    /// Per join of two streams.
    pub joins: Vec<JoinSpec>,
    /// Per `flat_map_groups_with_state`: the input's watermarked event-time column.
    pub map_groups: Vec<Option<usize>>,
    /// The batch's processing time (ms), for processing-time timeouts.
    pub batch_timestamp_ms: i64,
}

/// Puts a `StatefulAggregateExec` under every `Final` aggregate over the stream and
/// swaps every deduplication over the stream for a stateful one (operators numbered in
/// post-order, so a restarted query finds its state); returns the new plan and each
/// operator's metrics.
pub fn plan_stateful_operators(
    plan: Arc<dyn ExecutionPlan>,
    planning: &StatefulPlanning,
) -> Result<(Arc<dyn ExecutionPlan>, Vec<Arc<StateMetrics>>)> {
    let mut walk = Walk { planning, metrics: Vec::new(), aggregates: 0, deduplications: 0, joins: 0, map_groups: 0, next_operator: 0 };
    let plan = walk.rewrite(plan)?;
    Ok((plan, walk.metrics))
}

/// `input` hash-partitioned on `keys` into exactly `partitions` partitions (one
/// partition without keys), whatever the batch's size made the planner choose (Spark's
/// `statefulOperator.useStrictDistribution`).
pub(crate) fn strict_distribution(input: Arc<dyn ExecutionPlan>, keys: Vec<PhysicalExprRef>, partitions: usize) -> Arc<dyn ExecutionPlan> {
    let names: Vec<String> = keys.iter().map(|e| e.to_string()).collect();
    let wanted = if keys.is_empty() { Partitioning::Single } else { Partitioning::Hash(keys, partitions) };
    let ok = match (&input.output_partitioning(), &wanted) {
        (Partitioning::Single, Partitioning::Single) => true,
        (Partitioning::Hash(have, n), Partitioning::Hash(_, m)) => n == m && have.iter().map(|e| e.to_string()).collect::<Vec<_>>() == names,
        _ => false,
    };
    if ok {
        input
    } else {
        Arc::new(ExchangeExec::new(input, wanted))
    }
}

struct Walk<'a> {
    planning: &'a StatefulPlanning,
    metrics: Vec<Arc<StateMetrics>>,
    aggregates: usize,
    deduplications: usize,
    joins: usize,
    map_groups: usize,
    next_operator: usize,
}

/// A join child without the exchange the batch planner put on top of it (the
/// stateful join partitions both sides itself).
fn without_exchange(plan: &Arc<dyn ExecutionPlan>) -> Arc<dyn ExecutionPlan> {
    match plan.as_any().downcast_ref::<ExchangeExec>() {
        Some(e) => e.input().clone(),
        None => plan.clone(),
    }
}

impl Walk<'_> {
    /// The next state-store operator id.
    fn operator(&mut self) -> usize {
        self.next_operator += 1;
        self.next_operator - 1
    }

    /// A stream-stream join's stateful replacement (`None` when `plan` is not one).
    fn stream_join(&mut self, plan: &Arc<dyn ExecutionPlan>) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let parts = if let Some(h) = plan.as_any().downcast_ref::<HashJoinExec>() {
            (h.left().clone(), h.right().clone(), h.on().to_vec(), h.filter().cloned(), h.join_type())
        } else if let Some(n) = plan.as_any().downcast_ref::<NestedLoopJoinExec>() {
            (n.left().clone(), n.right().clone(), vec![], n.filter().cloned(), n.join_type())
        } else {
            return Ok(None);
        };
        let (left, right, on, filter, join_type) = parts;
        if !executes_stream_batch(&left) || !executes_stream_batch(&right) {
            return Ok(None);
        }
        let left = self.rewrite(without_exchange(&left))?;
        let right = self.rewrite(without_exchange(&right))?;
        let partitions = self.planning.partitions;
        let left = strict_distribution(left, on.iter().map(|(l, _)| l.clone()).collect(), partitions);
        let right = strict_distribution(right, on.iter().map(|(_, r)| r.clone()).collect(), partitions);
        let spec = self.planning.joins.get(self.joins).copied().unwrap_or_default();
        self.joins += 1;
        let state = JoinState { store: self.planning.store.clone(), left_operator: self.operator(), right_operator: self.operator(), version: self.planning.batch_id + 1 };
        let m = Arc::new(StateMetrics::new("symmetricHashJoin"));
        self.metrics.push(m.clone());
        let join = StreamingSymmetricHashJoinExec::try_new(left, right, on, filter, join_type, spec, state, self.planning.watermarks, m)?;
        Ok(Some(Arc::new(join)))
    }

    fn rewrite(&mut self, plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
        let streaming = executes_stream_batch(&plan);
        if let (true, Some(agg)) = (streaming, plan.as_any().downcast_ref::<HashAggregateExec>()) {
            match agg.mode() {
                AggregateMode::Final => {
                    let spec = self.planning.aggregates.get(self.aggregates).copied().unwrap_or_default();
                    // Sessions of a key merge across batches: their state is placed by
                    // the other keys only.
                    let keys = agg
                        .group_exprs()
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !(spec.session && spec.event_time_key == Some(*i)))
                        .map(|(_, (e, _))| e.clone())
                        .collect();
                    let input = strict_distribution(self.rewrite(agg.input().clone())?, keys, self.planning.partitions);
                    let template = Arc::new(HashAggregateExec::try_new(
                        AggregateMode::Final,
                        agg.group_exprs().to_vec(),
                        agg.aggr_exprs().to_vec(),
                        input.clone(),
                    )?);
                    self.aggregates += 1;
                    let m = Arc::new(StateMetrics::new("stateStoreSave"));
                    let stateful = Arc::new(StatefulAggregateExec {
                        input,
                        merge_template: template,
                        store: self.planning.store.clone(),
                        operator_id: self.operator(),
                        version: self.planning.batch_id + 1,
                        output: self.planning.output,
                        event_time_key: spec.event_time_key,
                        session: spec.session,
                        watermarks: self.planning.watermarks,
                        metrics: m.clone(),
                    });
                    self.metrics.push(m);
                    return plan.clone().with_new_children(vec![stateful]);
                }
                AggregateMode::Single => {
                    return Err(Error::legacy(
                        "_LEGACY_ERROR_TEMP_STREAMING",
                        "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead.",
                    ))
                }
                _ => {}
            }
        }
        if let (true, Some(dedup)) = (streaming, plan.as_any().downcast_ref::<DeduplicateExec>()) {
            let input = strict_distribution(self.rewrite(dedup.input().clone())?, dedup.key_exprs(), self.planning.partitions);
            let spec = self.planning.deduplications.get(self.deduplications).cloned().unwrap_or_default();
            self.deduplications += 1;
            let m = Arc::new(StateMetrics::new("dedupe"));
            let operator_id = self.operator();
            let exec = StreamingDeduplicateExec::new(
                input,
                dedup.keys().to_vec(),
                spec,
                StateLocation { store: self.planning.store.clone(), operator_id, version: self.planning.batch_id + 1 },
                self.planning.watermarks,
                m.clone(),
            );
            self.metrics.push(m);
            return Ok(Arc::new(exec));
        }
        if let (true, Some(g)) = (streaming, plan.as_any().downcast_ref::<MapGroupsExec>()) {
            let input = strict_distribution(self.rewrite(g.input().clone())?, g.key_exprs(), self.planning.partitions);
            let event_time = self.planning.map_groups.get(self.map_groups).copied().flatten();
            self.map_groups += 1;
            let m = Arc::new(StateMetrics::new("flatMapGroupsWithState"));
            let operator_id = self.operator();
            let exec = StatefulMapGroupsExec::new(
                input,
                g.keys().to_vec(),
                g.func().clone(),
                g.timeout(),
                g.schema(),
                event_time,
                StateLocation { store: self.planning.store.clone(), operator_id, version: self.planning.batch_id + 1 },
                self.planning.watermarks,
                self.planning.batch_timestamp_ms,
                m.clone(),
            );
            self.metrics.push(m);
            return Ok(Arc::new(exec));
        }
        if let Some(join) = self.stream_join(&plan)? {
            return Ok(join);
        }
        let children = plan.children().into_iter().cloned().collect::<Vec<_>>();
        if children.is_empty() {
            return Ok(plan);
        }
        let new_children = children.into_iter().map(|c| self.rewrite(c)).collect::<Result<Vec<_>>>()?;
        plan.with_new_children(new_children)
    }
}
