//! `ProjectionExec`: evaluates expressions for every row, with given output names.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{evaluate_to_array, ColumnExpr, PhysicalExprRef};

#[derive(Debug)]
pub struct ProjectionExec {
    exprs: Vec<(PhysicalExprRef, String)>,
    input: Arc<dyn ExecutionPlan>,
    schema: SchemaRef,
}

impl ProjectionExec {
    pub fn try_new(exprs: Vec<(PhysicalExprRef, String)>, input: Arc<dyn ExecutionPlan>) -> Result<Self> {
        let in_schema = input.schema();
        let fields = exprs
            .iter()
            .map(|(e, name)| Ok(Field::new(name, e.data_type(&in_schema)?, e.nullable(&in_schema)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(ProjectionExec { exprs, input, schema: Arc::new(Schema::new(fields)) })
    }

    pub fn exprs(&self) -> &[(PhysicalExprRef, String)] {
        &self.exprs
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }
}

/// Evaluates `exprs` over `batch` into a batch of `schema`.
pub fn project_batch(exprs: &[(PhysicalExprRef, String)], schema: &SchemaRef, batch: &RecordBatch, ctx: &TaskContext) -> Result<RecordBatch> {
    let columns = exprs.iter().map(|(e, _)| evaluate_to_array(e.as_ref(), batch, ctx)).collect::<Result<Vec<_>>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(schema.clone(), columns, &options)?)
}

impl ExecutionPlan for ProjectionExec {
    fn name(&self) -> &'static str {
        "ProjectionExec"
    }

    fn details(&self) -> String {
        let items: Vec<String> = self
            .exprs
            .iter()
            .map(|(e, n)| {
                let shown = e.to_string();
                match e.as_any().downcast_ref::<ColumnExpr>() {
                    Some(c) if &c.name == n => shown,
                    _ => format!("{shown} AS {n}"),
                }
            })
            .collect();
        format!("[{}]", items.join(", "))
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(Error::internal("ProjectionExec takes one child"));
        }
        Ok(Arc::new(ProjectionExec::try_new(self.exprs.clone(), children.remove(0))?))
    }

    /// Hash partitioning survives when every key column is projected unchanged.
    fn output_partitioning(&self) -> Partitioning {
        match self.input.output_partitioning() {
            Partitioning::Hash(keys, n) => {
                let mut mapped: Vec<PhysicalExprRef> = Vec::with_capacity(keys.len());
                for k in &keys {
                    let Some(kc) = k.as_any().downcast_ref::<ColumnExpr>() else {
                        return Partitioning::Unknown(n);
                    };
                    let found = self.exprs.iter().enumerate().find_map(|(j, (e, name))| {
                        e.as_any().downcast_ref::<ColumnExpr>().filter(|c| c.index == kc.index).map(|_| ColumnExpr::new(name.clone(), j))
                    });
                    match found {
                        Some(c) => mapped.push(Arc::new(c)),
                        None => return Partitioning::Unknown(n),
                    }
                }
                Partitioning::Hash(mapped, n)
            }
            other => other,
        }
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let input = ctx.execute(&self.input, partition)?;
        let exprs = self.exprs.clone();
        let schema = self.schema.clone();
        let ctx = ctx.for_partition(partition);
        Ok(Box::new(input.map(move |b| b.and_then(|b| project_batch(&exprs, &schema, &b, &ctx)))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use crate::expressions::{BinaryExpr, LiteralExpr};
    use crate::operators::memory::MemoryExec;
    use arrow::array::{ArrayRef, AsArray, Int32Array};
    use arrow::datatypes::{DataType, Int32Type};
    use ember_plan::{Operator, ScalarValue};

    fn int_batch(v: Vec<Option<i32>>) -> RecordBatch {
        RecordBatch::try_from_iter(vec![("a", Arc::new(Int32Array::from(v)) as ArrayRef)]).unwrap()
    }

    #[test]
    fn evaluates_with_names_over_partitions() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)]));
        let parts = vec![vec![int_batch(vec![Some(1), None]), int_batch(vec![Some(3)])], vec![], vec![int_batch(vec![Some(10)])]];
        let input = Arc::new(MemoryExec::try_new(parts, schema, None).unwrap());
        let a: PhysicalExprRef = Arc::new(ColumnExpr::new("a", 0));
        let plus: PhysicalExprRef = Arc::new(BinaryExpr::new(a.clone(), Operator::Plus, Arc::new(LiteralExpr(ScalarValue::Int32(Some(1)))), DataType::Int32));
        let one: PhysicalExprRef = Arc::new(LiteralExpr(ScalarValue::Int32(Some(1))));
        let p: Arc<dyn ExecutionPlan> = Arc::new(ProjectionExec::try_new(vec![(a, "a".into()), (plus, "b".into()), (one, "one".into())], input).unwrap());
        insta::assert_snapshot!(crate::display_plan(&p), @r"
        ProjectionExec [a#0, (a#0 + 1) AS b, 1 AS one]
        +- MemoryExec [a], partitions=3
        ");
        assert!(p.schema().field(1).is_nullable() && !p.schema().field(2).is_nullable());
        let out = collect_partitions_serial(&p, &TaskContext::default()).unwrap();
        let b: Vec<Option<i32>> = out.iter().flat_map(|x| x.column(1).as_primitive::<Int32Type>().iter().collect::<Vec<_>>()).collect();
        assert_eq!(b, vec![Some(2), None, Some(4), Some(11)]);
    }

    #[test]
    fn zero_columns_keep_row_count() {
        let schema = int_batch(vec![]).schema();
        let input = Arc::new(MemoryExec::try_new(vec![vec![int_batch(vec![Some(1), Some(2)])]], schema, None).unwrap());
        let p: Arc<dyn ExecutionPlan> = Arc::new(ProjectionExec::try_new(vec![], input).unwrap());
        let out = collect_partitions_serial(&p, &TaskContext::default()).unwrap();
        assert_eq!(out[0].num_rows(), 2);
    }
}
