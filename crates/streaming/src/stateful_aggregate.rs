//! Streaming aggregation. Each micro-batch's physical plan is the ordinary
//! `Partial → exchange → Final` aggregate; `plan_stateful_aggregates` puts a
//! `StatefulAggregateExec` between the exchange and `Final` (Spark's
//! `StateStoreRestore`/`StateStoreSave` pair): per shuffle partition it merges the
//! batch's partial states with the states the previous batch left (a `PartialMerge`
//! aggregate), saves the result as the new state version and passes on the rows the
//! output mode asks for (all groups, the groups this batch changed, or the groups it
//! created), which `Final` turns into values.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};
use ember_physical::operators::hash_aggregate::{AggregateMode, HashAggregateExec};
use ember_physical::operators::exchange::ExchangeExec;
use ember_physical::operators::memory::MemoryExec;
use ember_physical::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};

use crate::state_store::StateStore;

/// Which groups a stateful aggregate passes on after a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateOutput {
    /// Every group (`complete` mode).
    All,
    /// Groups with input in this batch (`update` mode).
    Updated,
    /// Groups first seen in this batch (deduplication in `append` mode).
    New,
}

/// Rows kept and changed by one stateful operator in the last batch (for progress).
#[derive(Debug, Default)]
pub struct StateMetrics {
    pub num_rows_total: AtomicU64,
    pub num_rows_updated: AtomicU64,
    pub memory_used_bytes: AtomicU64,
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
        let keys = self.merge_template.group_exprs().len();
        let previous = self.store.load(self.operator_id, partition, self.version - 1, keys, &schema)?;
        let mut all = previous.as_ref().clone();
        all.extend(new_rows.iter().cloned());
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
        let total: usize = merged.iter().map(|b| b.num_rows()).sum();
        let bytes: usize = merged.iter().map(|b| b.get_array_memory_size()).sum();
        // The groups this batch touched: the delta the store writes.
        let updated = if keys == 0 { merged.clone() } else { filter_by_keys(&merged, keys, &new_rows, true)? };
        self.store.commit(self.operator_id, partition, self.version, &schema, merged.clone(), &updated)?;
        let out = match self.output {
            StateOutput::All => merged,
            StateOutput::Updated => updated,
            StateOutput::New if keys == 0 => merged,
            StateOutput::New => filter_by_keys(&updated, keys, &previous, false)?,
        };
        self.metrics.num_rows_total.fetch_add(total as u64, Ordering::Relaxed);
        self.metrics.num_rows_updated.fetch_add(out.iter().map(|b| b.num_rows() as u64).sum(), Ordering::Relaxed);
        self.metrics.memory_used_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
        Ok(out)
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

/// What a batch's plan needs to keep state: the store, the version it writes and
/// which rows to pass on.
#[derive(Debug, Clone)]
pub struct StatefulPlanning {
    pub store: Arc<StateStore>,
    pub batch_id: u64,
    pub output: StateOutput,
    /// Shuffle partitions of every state store (pinned for the query's lifetime):
    /// a group must land in the same store in every batch.
    pub partitions: usize,
}

/// Puts a `StatefulAggregateExec` under every `Final` aggregate of `plan` (operators
/// numbered in plan order, so a restarted query finds its state); returns the new plan
/// and each operator's metrics.
pub fn plan_stateful_aggregates(
    plan: Arc<dyn ExecutionPlan>,
    planning: &StatefulPlanning,
) -> Result<(Arc<dyn ExecutionPlan>, Vec<Arc<StateMetrics>>)> {
    let mut metrics = Vec::new();
    let plan = rewrite(plan, planning, &mut metrics)?;
    Ok((plan, metrics))
}

/// `input` hash-partitioned on the aggregate's keys into exactly `partitions`
/// partitions (one partition for a global aggregate), whatever the batch's size made
/// the planner choose (Spark's `statefulOperator.useStrictDistribution`).
fn strict_distribution(input: Arc<dyn ExecutionPlan>, agg: &HashAggregateExec, partitions: usize) -> Arc<dyn ExecutionPlan> {
    let keys: Vec<String> = agg.group_exprs().iter().map(|(e, _)| e.to_string()).collect();
    let wanted = if keys.is_empty() { Partitioning::Single } else { Partitioning::Hash(agg.group_exprs().iter().map(|(e, _)| e.clone()).collect(), partitions) };
    let ok = match (&input.output_partitioning(), &wanted) {
        (Partitioning::Single, Partitioning::Single) => true,
        (Partitioning::Hash(have, n), Partitioning::Hash(_, m)) => n == m && have.iter().map(|e| e.to_string()).collect::<Vec<_>>() == keys,
        _ => false,
    };
    if ok {
        input
    } else {
        Arc::new(ExchangeExec::new(input, wanted))
    }
}

fn rewrite(plan: Arc<dyn ExecutionPlan>, planning: &StatefulPlanning, metrics: &mut Vec<Arc<StateMetrics>>) -> Result<Arc<dyn ExecutionPlan>> {
    if let Some(agg) = plan.as_any().downcast_ref::<HashAggregateExec>() {
        match agg.mode() {
            AggregateMode::Final => {
                let input = strict_distribution(rewrite(agg.input().clone(), planning, metrics)?, agg, planning.partitions);
                let template = Arc::new(HashAggregateExec::try_new(
                    AggregateMode::Final,
                    agg.group_exprs().to_vec(),
                    agg.aggr_exprs().to_vec(),
                    input.clone(),
                )?);
                let m = Arc::new(StateMetrics::default());
                let stateful = Arc::new(StatefulAggregateExec {
                    input,
                    merge_template: template,
                    store: planning.store.clone(),
                    operator_id: metrics.len(),
                    version: planning.batch_id + 1,
                    output: planning.output,
                    metrics: m.clone(),
                });
                metrics.push(m);
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
    let children = plan.children().into_iter().cloned().collect::<Vec<_>>();
    if children.is_empty() {
        return Ok(plan);
    }
    let new_children = children.into_iter().map(|c| rewrite(c, planning, metrics)).collect::<Result<Vec<_>>>()?;
    plan.with_new_children(new_children)
}
