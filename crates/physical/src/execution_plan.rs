//! The physical operator contract: a small, synchronous, pull-based trait, Spark's
//! RDD `compute(split)`: `execute(partition)` returns an iterator of Arrow batches.

use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{Config, Result};
use ember_plan::FunctionContext;

use crate::cancel::{cancellable, CancelToken};
use crate::expressions::PhysicalExprRef;
use crate::memory_pool::{MemoryPool, MemoryReservation};
use crate::spill::SpillManager;

/// The batches one partition of an operator produces.
pub type BatchIter = Box<dyn Iterator<Item = Result<RecordBatch>> + Send>;

/// How an operator's output rows are spread over partitions.
#[derive(Debug, Clone)]
pub enum Partitioning {
    /// `n` partitions with no known relation between rows and partitions.
    Unknown(usize),
    /// Rows with equal values of `exprs` are in the same partition (hash mod `n`).
    Hash(Vec<PhysicalExprRef>, usize),
    /// Rows dealt round-robin over `n` partitions.
    RoundRobin(usize),
    /// One partition holding everything.
    Single,
    /// Every partition sees all rows (the output of a broadcast exchange).
    Broadcast,
}

impl Partitioning {
    /// Number of output partitions.
    pub fn partition_count(&self) -> usize {
        match self {
            Partitioning::Unknown(n) | Partitioning::Hash(_, n) | Partitioning::RoundRobin(n) => *n,
            Partitioning::Single | Partitioning::Broadcast => 1,
        }
    }
}

/// What an operator needs of an input's partitioning.
#[derive(Debug, Clone)]
pub enum Distribution {
    /// Anything goes.
    Unspecified,
    /// All rows in one partition.
    SinglePartition,
    /// Rows with equal values of these expressions in the same partition.
    HashPartitioned(Vec<PhysicalExprRef>),
    /// The whole input available to every task (the build side of a broadcast join).
    Broadcast,
}

/// What a task knows while it runs: the session settings of its query and the
/// query's resources: its cancellation token, the session's memory pool operators
/// reserve from, and the query's spill files.
#[derive(Debug, Clone)]
pub struct TaskContext {
    pub config: Arc<Config>,
    pub functions: FunctionContext,
    pub cancel: CancelToken,
    pub memory: Arc<MemoryPool>,
    pub spill: Arc<SpillManager>,
}

impl TaskContext {
    /// The context of a query that cannot be cancelled except through `ctx.cancel`,
    /// with a memory pool of its own (`ember.memory.limit`).
    pub fn new(config: Arc<Config>) -> Self {
        Self::with_cancel(config, CancelToken::default())
    }

    /// The context of a query cancelled through `cancel`, with a memory pool of its own.
    pub fn with_cancel(config: Arc<Config>, cancel: CancelToken) -> Self {
        let pool = MemoryPool::new(config.memory_limit());
        Self::with_resources(config, cancel, pool)
    }

    /// The context of a query cancelled through `cancel` that reserves memory from
    /// `memory` (the session's pool); it spills under `ember.spill.dir`.
    pub fn with_resources(config: Arc<Config>, cancel: CancelToken, memory: Arc<MemoryPool>) -> Self {
        let functions = FunctionContext {
            ansi: config.ansi_enabled(),
            time_zone: Arc::from(config.time_zone().as_str()),
            ..FunctionContext::default()
        };
        let spill = Arc::new(SpillManager::new(config.spill_dir()));
        TaskContext { config, functions, cancel, memory, spill }
    }

    /// A reservation from the query's pool for the operator `name`.
    pub fn reserve(&self, name: impl Into<String>, spillable: bool) -> MemoryReservation {
        self.memory.register(name, spillable)
    }

    /// Runs partition `partition` of `plan` with a cancellation check before every
    /// batch. Operators call their children through this, so every pipeline, including
    /// loops that drain an input (hash table builds, sorts), stops within a batch.
    pub fn execute(&self, plan: &Arc<dyn ExecutionPlan>, partition: usize) -> Result<BatchIter> {
        self.cancel.check()?;
        Ok(cancellable(plan.execute(partition, self)?, self.cancel.clone()))
    }

    /// `OPERATION_CANCELED` once the query is cancelled (for long loops that do not
    /// pull batches).
    pub fn check_cancelled(&self) -> Result<()> {
        self.cancel.check()
    }

    /// This context for the task computing `partition`: functions see the partition and
    /// keep their per-task state apart (`rand`, `monotonically_increasing_id`).
    pub fn for_partition(&self, partition: usize) -> TaskContext {
        TaskContext { functions: self.functions.for_partition(partition), ..self.clone() }
    }

    pub fn batch_size(&self) -> usize {
        self.config.batch_size()
    }
}

impl Default for TaskContext {
    fn default() -> Self {
        TaskContext::new(Arc::new(Config::default()))
    }
}

/// A physical operator. Implementations are named `…Exec`.
pub trait ExecutionPlan: Send + Sync + Debug {
    /// Operator name for EXPLAIN, e.g. `FilterExec`.
    fn name(&self) -> &'static str;

    /// Details for EXPLAIN after the name, e.g. the predicate of a filter.
    fn details(&self) -> String {
        String::new()
    }

    fn schema(&self) -> SchemaRef;

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>>;

    /// The same operator over new children (same count and order as `children`).
    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>>;

    fn output_partitioning(&self) -> Partitioning;

    /// What each child must provide; exchanges are inserted where it does not.
    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![Distribution::Unspecified; self.children().len()]
    }

    /// Runs one partition.
    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter>;

    fn as_any(&self) -> &dyn Any;
}

/// Renders a physical plan as a tree for EXPLAIN (stage boundaries are marked by the
/// exchange lines, which show their stage ids once the stage builder ran).
pub fn display_plan(plan: &Arc<dyn ExecutionPlan>) -> String {
    let mut out = String::new();
    ember_plan::display::render_tree(
        plan,
        &mut out,
        "",
        "",
        &|p: &Arc<dyn ExecutionPlan>| {
            let d = p.details();
            if d.is_empty() {
                p.name().to_string()
            } else {
                format!("{} {}", p.name(), d)
            }
        },
        &|p: &Arc<dyn ExecutionPlan>| p.children(),
    );
    out
}

/// Runs every partition of `plan` on the current thread and concatenates the batches
/// (for tests and for operators that must see a whole input).
pub fn collect_partitions_serial(plan: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Result<Vec<RecordBatch>> {
    let mut out = Vec::new();
    for p in 0..plan.output_partitioning().partition_count() {
        for b in ctx.execute(plan, p)? {
            out.push(b?);
        }
    }
    Ok(out)
}
