//! `FilterExec`: keeps the rows where the predicate is true (NULL counts as false).

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, AsArray, BooleanArray};
use arrow::compute::{filter_record_batch, prep_null_mask_filter};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::ColumnarValue;

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::PhysicalExprRef;

#[derive(Debug)]
pub struct FilterExec {
    predicate: PhysicalExprRef,
    input: Arc<dyn ExecutionPlan>,
}

impl FilterExec {
    /// Fails if the predicate is not boolean over the input schema.
    pub fn try_new(predicate: PhysicalExprRef, input: Arc<dyn ExecutionPlan>) -> Result<Self> {
        let t = predicate.data_type(&input.schema())?;
        if !matches!(t, DataType::Boolean | DataType::Null) {
            return Err(Error::internal(format!("filter predicate {predicate} has type {t}, not boolean")));
        }
        Ok(FilterExec { predicate, input })
    }

    pub fn predicate(&self) -> &PhysicalExprRef {
        &self.predicate
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }
}

/// Applies `predicate` to one batch.
pub fn filter_batch(predicate: &PhysicalExprRef, batch: &RecordBatch, ctx: &TaskContext) -> Result<RecordBatch> {
    let mask = match predicate.evaluate(batch, ctx)? {
        ColumnarValue::Scalar(s) => {
            return Ok(if s.as_bool() == Some(true) { batch.clone() } else { batch.slice(0, 0) });
        }
        ColumnarValue::Array(a) => match a.data_type() {
            DataType::Boolean => a.as_boolean().clone(),
            _ => BooleanArray::new_null(a.len()),
        },
    };
    let mask = if mask.null_count() > 0 { prep_null_mask_filter(&mask) } else { mask };
    if mask.true_count() == mask.len() {
        return Ok(batch.clone());
    }
    Ok(filter_record_batch(batch, &mask)?)
}

impl ExecutionPlan for FilterExec {
    fn name(&self) -> &'static str {
        "FilterExec"
    }

    fn details(&self) -> String {
        self.predicate.to_string()
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(Error::internal("FilterExec takes one child"));
        }
        Ok(Arc::new(FilterExec::try_new(self.predicate.clone(), children.remove(0))?))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let input = ctx.execute(&self.input, partition)?;
        let predicate = self.predicate.clone();
        let ctx = ctx.for_partition(partition);
        Ok(Box::new(input.filter_map(move |b| match b.and_then(|b| filter_batch(&predicate, &b, &ctx)) {
            Ok(b) if b.num_rows() == 0 => None,
            other => Some(other),
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use crate::expressions::{BinaryExpr, ColumnExpr, LiteralExpr};
    use crate::operators::memory::MemoryExec;
    use arrow::array::{ArrayRef, Int32Array};
    use ember_plan::{Operator, ScalarValue};

    fn int_batch(v: Vec<Option<i32>>) -> RecordBatch {
        RecordBatch::try_from_iter(vec![("a", Arc::new(Int32Array::from(v)) as ArrayRef)]).unwrap()
    }

    fn gt(n: i32) -> PhysicalExprRef {
        Arc::new(BinaryExpr::new(Arc::new(ColumnExpr::new("a", 0)), Operator::Gt, Arc::new(LiteralExpr(ScalarValue::Int32(Some(n)))), DataType::Boolean))
    }

    fn run(parts: Vec<Vec<RecordBatch>>, pred: PhysicalExprRef) -> Vec<i32> {
        let schema = int_batch(vec![]).schema();
        let input = Arc::new(MemoryExec::try_new(parts, schema, None).unwrap());
        let plan: Arc<dyn ExecutionPlan> = Arc::new(FilterExec::try_new(pred, input).unwrap());
        let out = collect_partitions_serial(&plan, &TaskContext::default()).unwrap();
        out.iter().flat_map(|b| b.column(0).as_primitive::<arrow::datatypes::Int32Type>().values().to_vec()).collect()
    }

    #[test]
    fn keeps_true_rows_only() {
        let parts = vec![vec![int_batch(vec![Some(1), None, Some(5)]), int_batch(vec![Some(7)])], vec![int_batch(vec![Some(3)])], vec![]];
        assert_eq!(run(parts.clone(), gt(2)), vec![5, 7, 3]);
        assert_eq!(run(vec![vec![int_batch(vec![Some(9)])]], gt(2)), vec![9]);
        assert_eq!(run(vec![vec![]], gt(2)), Vec::<i32>::new());
        let null_pred: PhysicalExprRef = Arc::new(LiteralExpr(ScalarValue::Boolean(None)));
        assert_eq!(run(parts, null_pred), Vec::<i32>::new());
    }

    #[test]
    fn rejects_non_boolean_predicate() {
        let schema = int_batch(vec![]).schema();
        let input = Arc::new(MemoryExec::try_new(vec![vec![]], schema, None).unwrap());
        assert!(FilterExec::try_new(Arc::new(ColumnExpr::new("a", 0)), input).is_err());
    }
}
