//! `HashAggregateExec`: grouped and global aggregation in Spark's two phases
//! (`Partial` → exchange → `Final`) or in one (`Single`, used for DISTINCT aggregates).

#[path = "aggregate/group_values.rs"]
pub(crate) mod group_values;
#[path = "aggregate/spill.rs"]
mod spill;
#[path = "aggregate/stream.rs"]
mod stream;

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use ember_common::{Error, Result};
use ember_plan::AggregateFunctionImpl;

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{ColumnExpr, PhysicalExprRef};

/// Which phase of an aggregation an operator runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateMode {
    /// Raw rows in, per-group partial states out (before the exchange).
    Partial,
    /// Partial states in (group columns first, then state columns), final values out.
    Final,
    /// Raw rows in, final values out (input already distributed by the keys).
    Single,
    /// Partial states in, merged partial states out (Spark's `PartialMerge`): streaming
    /// aggregation merges a batch's states with the states kept from earlier batches.
    PartialMerge,
}

impl AggregateMode {
    /// Does this mode read partial states (rather than raw rows)?
    pub fn merges_states(self) -> bool {
        matches!(self, AggregateMode::Final | AggregateMode::PartialMerge)
    }

    /// Does this mode output partial states (rather than final values)?
    pub fn outputs_states(self) -> bool {
        matches!(self, AggregateMode::Partial | AggregateMode::PartialMerge)
    }
}

impl fmt::Display for AggregateMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AggregateMode::Partial => "Partial",
            AggregateMode::Final => "Final",
            AggregateMode::Single => "Single",
            AggregateMode::PartialMerge => "PartialMerge",
        })
    }
}

/// One aggregate call, e.g. `sum(DISTINCT b) FILTER (WHERE c > 0)`.
#[derive(Debug, Clone)]
pub struct AggregateExpr {
    pub func: Arc<dyn AggregateFunctionImpl>,
    /// Arguments over the raw input (unused in `Final` mode).
    pub args: Vec<PhysicalExprRef>,
    /// Coerced argument types (what `state_fields` and `create_accumulator` get).
    pub arg_types: Vec<DataType>,
    pub distinct: bool,
    pub filter: Option<PhysicalExprRef>,
    /// Output column name, e.g. `sum(b)`.
    pub name: String,
    pub return_type: DataType,
}

/// What a partition's aggregation needs, shared by all partition tasks.
#[derive(Debug)]
pub(crate) struct AggregateSpec {
    pub(crate) mode: AggregateMode,
    pub(crate) group_exprs: Vec<(PhysicalExprRef, String)>,
    pub(crate) group_types: Vec<DataType>,
    pub(crate) aggr_exprs: Vec<AggregateExpr>,
    /// Number of partial-state columns per aggregate.
    pub(crate) state_counts: Vec<usize>,
    pub(crate) schema: SchemaRef,
}

/// Hash aggregation; see the module docs for the modes.
#[derive(Debug)]
pub struct HashAggregateExec {
    spec: Arc<AggregateSpec>,
    input: Arc<dyn ExecutionPlan>,
}

impl HashAggregateExec {
    pub fn try_new(
        mode: AggregateMode,
        group_exprs: Vec<(PhysicalExprRef, String)>,
        aggr_exprs: Vec<AggregateExpr>,
        input: Arc<dyn ExecutionPlan>,
    ) -> Result<Self> {
        let input_schema = input.schema();
        let mut fields = Vec::new();
        let mut group_types = Vec::new();
        for (e, name) in &group_exprs {
            let t = e.data_type(&input_schema)?;
            fields.push(Field::new(name, t.clone(), e.nullable(&input_schema)?));
            group_types.push(t);
        }
        let mut state_counts = Vec::new();
        for a in &aggr_exprs {
            if a.distinct && mode != AggregateMode::Single {
                return Err(Error::internal(format!("DISTINCT aggregate {} planned in {mode} mode", a.name)));
            }
            let states = a.func.state_fields(&a.arg_types)?;
            state_counts.push(states.len());
            if mode.outputs_states() {
                for s in states {
                    fields.push(Field::new(format!("{}[{}]", a.name, s.name()), s.data_type().clone(), true));
                }
            } else {
                fields.push(Field::new(&a.name, a.return_type.clone(), a.func.nullable()));
            }
        }
        if mode.merges_states() {
            let expected = group_exprs.len() + state_counts.iter().sum::<usize>();
            if input_schema.fields().len() != expected {
                return Err(Error::internal(format!(
                    "final aggregate expects {expected} input columns (keys, then states) but its input has {}",
                    input_schema.fields().len()
                )));
            }
        }
        let schema = Arc::new(Schema::new(fields));
        let spec = AggregateSpec { mode, group_exprs, group_types, aggr_exprs, state_counts, schema };
        Ok(HashAggregateExec { spec: Arc::new(spec), input })
    }

    pub fn mode(&self) -> AggregateMode {
        self.spec.mode
    }

    pub fn group_exprs(&self) -> &[(PhysicalExprRef, String)] {
        &self.spec.group_exprs
    }

    pub fn aggr_exprs(&self) -> &[AggregateExpr] {
        &self.spec.aggr_exprs
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }
}

impl ExecutionPlan for HashAggregateExec {
    fn name(&self) -> &'static str {
        "HashAggregateExec"
    }

    fn details(&self) -> String {
        let keys = self.spec.group_exprs.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ");
        let funcs = self.spec.aggr_exprs.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
        format!("mode={}, keys=[{keys}], functions=[{funcs}]", self.spec.mode)
    }

    fn schema(&self) -> SchemaRef {
        self.spec.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("HashAggregateExec takes one child"))?;
        Ok(Arc::new(HashAggregateExec { spec: self.spec.clone(), input }))
    }

    /// The input's partitioning, re-expressed over the output's group columns: rows of
    /// a group stay in the partition they came from.
    fn output_partitioning(&self) -> Partitioning {
        match self.input.output_partitioning() {
            Partitioning::Single => Partitioning::Single,
            Partitioning::Hash(exprs, n) => {
                let mapped = exprs
                    .iter()
                    .map(|e| {
                        let key = e.to_string();
                        let i = self.spec.group_exprs.iter().position(|(g, _)| g.to_string() == key)?;
                        Some(Arc::new(ColumnExpr::new(self.spec.group_exprs[i].1.clone(), i)) as PhysicalExprRef)
                    })
                    .collect::<Option<Vec<_>>>();
                match mapped {
                    Some(m) if !m.is_empty() => Partitioning::Hash(m, n),
                    _ => Partitioning::Unknown(n),
                }
            }
            other => Partitioning::Unknown(other.partition_count()),
        }
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![match self.spec.mode {
            AggregateMode::Partial => Distribution::Unspecified,
            _ if self.spec.group_exprs.is_empty() => Distribution::SinglePartition,
            _ => Distribution::HashPartitioned(self.spec.group_exprs.iter().map(|(e, _)| e.clone()).collect()),
        }]
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let input = ctx.execute(&self.input, partition)?;
        Ok(Box::new(stream::AggregateStream::new(self.spec.clone(), input, ctx.clone(), partition)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
#[path = "aggregate/tests.rs"]
mod tests;
