//! `HashJoinExec`: equi-join that builds a hash table on one side and streams the
//! other, either broadcast (one table shared by all tasks) or co-partitioned by key.

#[path = "join/hash_stream.rs"]
mod hash_stream;
#[path = "join/hash_table.rs"]
mod hash_table;
#[path = "join/keys.rs"]
pub(crate) mod keys;
#[path = "join/output.rs"]
pub(crate) mod output;
#[cfg(test)]
#[path = "join/test_util.rs"]
pub(crate) mod test_util;

use std::any::Any;
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result};
use ember_plan::JoinType;

use self::hash_stream::{HashJoinSpec, HashJoinStream};
use self::hash_table::JoinTable;
use self::output::{filter_schema, join_schema, left_preserved, right_preserved};
use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::PhysicalExprRef;

/// The side the hash table is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildSide {
    Left,
    Right,
}

/// How the two inputs are distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionMode {
    /// The build side is broadcast; every probe partition joins against all of it.
    Broadcast { build: BuildSide },
    /// Both sides hash-partitioned on their keys; partition `p` joins with `p`.
    Partitioned { build: BuildSide },
}

impl PartitionMode {
    pub fn build_side(&self) -> BuildSide {
        match self {
            PartitionMode::Broadcast { build } | PartitionMode::Partitioned { build } => *build,
        }
    }
}

/// Hash equi-join with an optional residual filter over `left ++ right`.
#[derive(Debug)]
pub struct HashJoinExec {
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    on: Vec<(PhysicalExprRef, PhysicalExprRef)>,
    mode: PartitionMode,
    spec: Arc<HashJoinSpec>,
    /// The broadcast hash table, built by the first task that needs it.
    shared_table: Mutex<Option<Arc<JoinTable>>>,
}

impl HashJoinExec {
    pub fn try_new(
        left: Arc<dyn ExecutionPlan>,
        right: Arc<dyn ExecutionPlan>,
        on: Vec<(PhysicalExprRef, PhysicalExprRef)>,
        filter: Option<PhysicalExprRef>,
        join_type: JoinType,
        mode: PartitionMode,
    ) -> Result<Self> {
        if on.is_empty() {
            return Err(Error::internal("HashJoinExec needs at least one equi-join key"));
        }
        if join_type == JoinType::Cross {
            return Err(Error::internal("a cross join is planned as NestedLoopJoinExec, not HashJoinExec"));
        }
        let (ls, rs) = (left.schema(), right.schema());
        let mut key_types = Vec::new();
        for (l, r) in &on {
            let (lt, rt) = (l.data_type(&ls)?, r.data_type(&rs)?);
            if lt != rt {
                return Err(Error::internal(format!("join keys `{l}` ({lt}) and `{r}` ({rt}) have different types")));
            }
            key_types.push(lt);
        }
        let build = mode.build_side();
        if output::at_most_one_match(join_type) && build == BuildSide::Left {
            return Err(Error::internal(format!("a {join_type} join probes with its left side; it cannot build it")));
        }
        if let PartitionMode::Broadcast { .. } = mode {
            let build_preserved = match build {
                BuildSide::Left => left_preserved(join_type) || matches!(join_type, JoinType::LeftSemi | JoinType::LeftAnti),
                BuildSide::Right => right_preserved(join_type),
            };
            if build_preserved {
                return Err(Error::internal(format!("cannot broadcast the {build:?} side of a {join_type} join")));
            }
        }
        let (left_on, right_on): (Vec<_>, Vec<_>) = on.iter().cloned().unzip();
        let (build_on, probe_on) = match build {
            BuildSide::Left => (left_on, right_on),
            BuildSide::Right => (right_on, left_on),
        };
        let spec = HashJoinSpec {
            join_type,
            build_side: build,
            schema: join_schema(&ls, &rs, join_type),
            filter,
            filter_schema: filter_schema(&ls, &rs),
            build_on,
            probe_on,
            key_types,
        };
        Ok(HashJoinExec { left, right, on, mode, spec: Arc::new(spec), shared_table: Mutex::new(None) })
    }

    pub fn left(&self) -> &Arc<dyn ExecutionPlan> {
        &self.left
    }

    pub fn right(&self) -> &Arc<dyn ExecutionPlan> {
        &self.right
    }

    pub fn on(&self) -> &[(PhysicalExprRef, PhysicalExprRef)] {
        &self.on
    }

    pub fn filter(&self) -> Option<&PhysicalExprRef> {
        self.spec.filter.as_ref()
    }

    pub fn join_type(&self) -> JoinType {
        self.spec.join_type
    }

    pub fn mode(&self) -> PartitionMode {
        self.mode
    }

    fn build_child(&self) -> &Arc<dyn ExecutionPlan> {
        match self.spec.build_side {
            BuildSide::Left => &self.left,
            BuildSide::Right => &self.right,
        }
    }

    fn probe_child(&self) -> &Arc<dyn ExecutionPlan> {
        match self.spec.build_side {
            BuildSide::Left => &self.right,
            BuildSide::Right => &self.left,
        }
    }

    fn build_table(&self, partition: usize, ctx: &TaskContext) -> Result<Arc<JoinTable>> {
        let child = self.build_child();
        let input = ctx.execute(child, partition)?;
        let reservation = ctx.reserve(format!("HashJoinExec build[partition {partition}]"), false);
        Ok(Arc::new(JoinTable::build(input, &child.schema(), &self.spec.build_on, &self.spec.key_types, ctx, reservation)?))
    }

    /// Builds the broadcast table once; later tasks reuse it.
    fn broadcast_table(&self, ctx: &TaskContext) -> Result<Arc<JoinTable>> {
        let mut guard = self.shared_table.lock().map_err(|_| Error::internal("a task building a broadcast hash table panicked"))?;
        if let Some(table) = guard.as_ref() {
            return Ok(table.clone());
        }
        let table = self.build_table(0, ctx)?;
        *guard = Some(table.clone());
        Ok(table)
    }
}

impl ExecutionPlan for HashJoinExec {
    fn name(&self) -> &'static str {
        "HashJoinExec"
    }

    fn details(&self) -> String {
        let on = self.on.iter().map(|(l, r)| format!("({l}, {r})")).collect::<Vec<_>>().join(", ");
        let mode = match self.mode {
            PartitionMode::Broadcast { build } => format!("Broadcast(build={build:?})"),
            PartitionMode::Partitioned { build } => format!("Partitioned(build={build:?})"),
        };
        let filter = self.spec.filter.as_ref().map(|f| format!(", filter={f}")).unwrap_or_default();
        format!("{}, mode={mode}, on=[{on}]{filter}", self.spec.join_type)
    }

    fn schema(&self) -> SchemaRef {
        self.spec.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.left, &self.right]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [left, right]: [Arc<dyn ExecutionPlan>; 2] =
            children.try_into().map_err(|_| Error::internal("HashJoinExec takes two children"))?;
        let join = HashJoinExec::try_new(left, right, self.on.clone(), self.spec.filter.clone(), self.spec.join_type, self.mode)?;
        Ok(Arc::new(join))
    }

    fn output_partitioning(&self) -> Partitioning {
        let probe = self.probe_child().output_partitioning();
        let n = probe.partition_count();
        // Left rows stay in their partition, unless right-only rows join them there or
        // the left side is the broadcast one.
        let keeps_left = match self.mode {
            PartitionMode::Broadcast { build } => build == BuildSide::Right,
            PartitionMode::Partitioned { .. } => !right_preserved(self.spec.join_type),
        };
        match probe {
            // The left side is asked once: asking each side for its partitioning recurses
            // through it, so asking twice doubles the work at every join below.
            _ if keeps_left && self.spec.build_side == BuildSide::Right => probe,
            _ if keeps_left => self.left.output_partitioning(),
            Partitioning::Single => Partitioning::Single,
            _ => Partitioning::Unknown(n),
        }
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        match self.mode {
            PartitionMode::Broadcast { build: BuildSide::Left } => vec![Distribution::Broadcast, Distribution::Unspecified],
            PartitionMode::Broadcast { build: BuildSide::Right } => vec![Distribution::Unspecified, Distribution::Broadcast],
            PartitionMode::Partitioned { .. } => {
                let (l, r): (Vec<_>, Vec<_>) = self.on.iter().cloned().unzip();
                vec![Distribution::HashPartitioned(l), Distribution::HashPartitioned(r)]
            }
        }
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let table = match self.mode {
            PartitionMode::Broadcast { .. } => self.broadcast_table(ctx)?,
            PartitionMode::Partitioned { .. } => self.build_table(partition, ctx)?,
        };
        let probe = ctx.execute(self.probe_child(), partition)?;
        Ok(Box::new(HashJoinStream::new(self.spec.clone(), table, probe, ctx.clone())))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
#[path = "join/hash_join_tests.rs"]
mod tests;
