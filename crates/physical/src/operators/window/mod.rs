//! `WindowExec`: computes window functions that share PARTITION BY and ORDER BY keys
//! over input already distributed by the partition keys and sorted by partition +
//! order keys (the planner puts an exchange and a `SortExec` below it). Each task
//! reads its partition, finds window partitions and peer groups, evaluates every
//! function over the whole partition and appends one column per function.

mod aggregate;
mod builtin;
mod frame;

use std::any::Any;
use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::compute::partition;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, BuiltinWindowFunction, WindowFrame};

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{evaluate_to_array, PhysicalExprRef, PhysicalSortExpr};
use crate::operators::hash_join::keys::normalize_floats;
use frame::{frame_ranges, Layout};

/// What one window expression computes.
#[derive(Debug, Clone)]
pub enum WindowFunctionExec {
    /// An aggregate over the frame; `arg_types` are the coerced argument types.
    Aggregate { func: Arc<dyn AggregateFunctionImpl>, arg_types: Vec<DataType> },
    /// `ntile(n)`: `param` is n; `lag` / `lead`: the signed row offset;
    /// `nth_value`: n.
    Builtin { func: BuiltinWindowFunction, param: i64 },
}

/// One window expression of a `WindowExec`.
#[derive(Debug, Clone)]
pub struct WindowExpr {
    pub func: WindowFunctionExec,
    /// Arguments, cast to what the function needs (lag/lead: input, default).
    pub args: Vec<PhysicalExprRef>,
    pub frame: WindowFrame,
    pub ignore_nulls: bool,
    pub name: String,
    pub return_type: DataType,
    pub nullable: bool,
}

/// Window functions over one partitioning and ordering.
#[derive(Debug)]
pub struct WindowExec {
    input: Arc<dyn ExecutionPlan>,
    partition_by: Vec<PhysicalExprRef>,
    order_by: Vec<PhysicalSortExpr>,
    exprs: Vec<WindowExpr>,
    schema: SchemaRef,
}

impl WindowExec {
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        partition_by: Vec<PhysicalExprRef>,
        order_by: Vec<PhysicalSortExpr>,
        exprs: Vec<WindowExpr>,
    ) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields: Vec<Arc<Field>> = in_schema.fields().iter().cloned().collect();
        fields.extend(exprs.iter().map(|e| Arc::new(Field::new(&e.name, e.return_type.clone(), e.nullable))));
        let schema = Arc::new(Schema::new_with_metadata(fields, in_schema.metadata().clone()));
        Ok(WindowExec { input, partition_by, order_by, exprs, schema })
    }

    /// The distribution the input needs: all rows of a window partition in one task.
    pub fn distribution(partition_by: &[PhysicalExprRef]) -> Distribution {
        if partition_by.is_empty() {
            Distribution::SinglePartition
        } else {
            Distribution::HashPartitioned(partition_by.to_vec())
        }
    }
}

impl ExecutionPlan for WindowExec {
    fn name(&self) -> &'static str {
        "WindowExec"
    }

    fn details(&self) -> String {
        let names = self.exprs.iter().map(|e| e.name.clone()).collect::<Vec<_>>().join(", ");
        let parts = self.partition_by.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ");
        let order = self.order_by.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ");
        format!("[{names}], [{parts}], [{order}]")
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("WindowExec takes one child"))?;
        Ok(Arc::new(WindowExec::try_new(input, self.partition_by.clone(), self.order_by.clone(), self.exprs.clone())?))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![WindowExec::distribution(&self.partition_by)]
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let mut batches = Vec::new();
        for b in ctx.execute(&self.input, partition)? {
            let b = b?;
            if b.num_rows() > 0 {
                batches.push(b);
            }
        }
        if batches.is_empty() {
            return Ok(Box::new(std::iter::empty()));
        }
        let input = arrow::compute::concat_batches(&self.input.schema(), &batches)?;
        drop(batches);
        let out = self.compute(&input, ctx)?;
        let size = ctx.batch_size().max(1);
        let n = out.num_rows();
        Ok(Box::new((0..n).step_by(size).map(move |start| Ok(out.slice(start, size.min(n - start))))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl WindowExec {
    /// Every window column over one sorted, non-empty task partition.
    fn compute(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<RecordBatch> {
        let n = batch.num_rows();
        let eval = |e: &PhysicalExprRef| evaluate_to_array(e.as_ref(), batch, ctx);
        // -0.0 / 0.0 and NaNs are equal keys, as in the sort below this operator.
        let part_keys = self.partition_by.iter().map(|e| eval(e).map(normalize_floats)).collect::<Result<Vec<_>>>()?;
        let order_keys = self.order_by.iter().map(|o| eval(&o.expr).map(normalize_floats)).collect::<Result<Vec<_>>>()?;
        let partitions = if part_keys.is_empty() { std::iter::once(0..n).collect() } else { partition(&part_keys)?.ranges() };
        let mut all_keys = part_keys;
        all_keys.extend(order_keys.iter().cloned());
        let peers = if all_keys.is_empty() { std::iter::once(0..n).collect() } else { partition(&all_keys)?.ranges() };
        let layout = Layout::new(partitions, &peers, n);
        let first_order = order_keys.first().zip(self.order_by.first()).map(|(k, o)| (k, o.options.descending));
        let mut columns = batch.columns().to_vec();
        for e in &self.exprs {
            ctx.check_cancelled()?;
            let args = e.args.iter().map(eval).collect::<Result<Vec<_>>>()?;
            let col = self.evaluate(e, &args, &layout, first_order, ctx)?;
            let col = if col.data_type() != &e.return_type { arrow::compute::cast(&col, &e.return_type)? } else { col };
            columns.push(col);
        }
        Ok(RecordBatch::try_new(self.schema.clone(), columns)?)
    }

    fn evaluate(
        &self,
        e: &WindowExpr,
        args: &[ArrayRef],
        layout: &Layout,
        order: Option<(&ArrayRef, bool)>,
        ctx: &TaskContext,
    ) -> Result<ArrayRef> {
        use BuiltinWindowFunction as B;
        let first_arg = || args.first().ok_or_else(|| Error::internal(format!("{} without arguments", e.name)));
        match &e.func {
            WindowFunctionExec::Aggregate { func, arg_types } => {
                let frames = frame_ranges(&e.frame, layout, order)?;
                aggregate::aggregate_frames(func, arg_types, args, None, &frames, layout, &ctx.functions)
            }
            WindowFunctionExec::Builtin { func, param } => match func {
                B::RowNumber | B::Rank | B::DenseRank | B::PercentRank | B::CumeDist | B::Ntile => {
                    builtin::ranking(*func, layout, Some(*param))
                }
                B::Lag | B::Lead => builtin::offset_value(first_arg()?, args.get(1), *param, e.ignore_nulls, layout),
                B::FirstValue | B::LastValue | B::NthValue => {
                    let frames = frame_ranges(&e.frame, layout, order)?;
                    builtin::frame_value(first_arg()?, &frames, *func, (*param).max(1) as usize, e.ignore_nulls)
                }
            },
        }
    }
}

#[cfg(test)]
mod tests;
