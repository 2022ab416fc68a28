//! `ExpandExec`: for every input batch, one output batch per projection (Spark's
//! `ExpandExec`, used by GROUPING SETS, ROLLUP and CUBE).

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::PhysicalExprRef;
use crate::operators::projection::project_batch;

#[derive(Debug)]
pub struct ExpandExec {
    /// One list of `(expression, output name)` per copy of each row.
    projections: Vec<Vec<(PhysicalExprRef, String)>>,
    input: Arc<dyn ExecutionPlan>,
    schema: SchemaRef,
}

impl ExpandExec {
    /// Every projection must produce the same columns; a column's type is its first
    /// non-NULL-typed expression's, and it is nullable if any expression is.
    pub fn try_new(projections: Vec<Vec<(PhysicalExprRef, String)>>, input: Arc<dyn ExecutionPlan>) -> Result<Self> {
        let first = projections.first().ok_or_else(|| Error::internal("ExpandExec needs at least one projection"))?;
        let in_schema = input.schema();
        let width = first.len();
        let mut types = vec![DataType::Null; width];
        let mut nullable = vec![false; width];
        for p in &projections {
            if p.len() != width {
                return Err(Error::internal(format!("ExpandExec projection of {} expressions for {width} columns", p.len())));
            }
            for (i, (e, _)) in p.iter().enumerate() {
                let t = e.data_type(&in_schema)?;
                if types[i] == DataType::Null {
                    types[i] = t;
                } else if t != types[i] && t != DataType::Null {
                    return Err(Error::internal(format!("ExpandExec column {i}: {t} vs {}", types[i])));
                }
                nullable[i] |= e.nullable(&in_schema)?;
            }
        }
        let fields: Vec<Field> = first.iter().enumerate().map(|(i, (_, n))| Field::new(n, types[i].clone(), nullable[i])).collect();
        Ok(ExpandExec { projections, input, schema: Arc::new(Schema::new(fields)) })
    }
}

impl ExecutionPlan for ExpandExec {
    fn name(&self) -> &'static str {
        "ExpandExec"
    }

    fn details(&self) -> String {
        let rows: Vec<String> = self.projections.iter().map(|p| format!("[{}]", p.iter().map(|(e, _)| e.to_string()).collect::<Vec<_>>().join(", "))).collect();
        let names: Vec<&str> = self.schema.fields().iter().map(|f| f.name().as_str()).collect();
        format!("[{}], [{}]", rows.join(", "), names.join(", "))
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(Error::internal("ExpandExec takes one child"));
        }
        Ok(Arc::new(ExpandExec::try_new(self.projections.clone(), children.remove(0))?))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.input.output_partitioning().partition_count())
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let input = ctx.execute(&self.input, partition)?;
        let projections = self.projections.clone();
        let schema = self.schema.clone();
        let ctx = ctx.clone();
        Ok(Box::new(input.flat_map(move |b| -> Vec<Result<RecordBatch>> {
            match b {
                Err(e) => vec![Err(e)],
                Ok(b) => projections.iter().map(|p| project_batch(p, &schema, &b, &ctx)).collect(),
            }
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
    use crate::expressions::{ColumnExpr, LiteralExpr};
    use crate::operators::memory::MemoryExec;
    use arrow::array::{Array, ArrayRef, Int32Array};
    use ember_plan::ScalarValue;

    fn batch(v: Vec<Option<i32>>) -> RecordBatch {
        RecordBatch::try_from_iter(vec![("a", Arc::new(Int32Array::from(v)) as ArrayRef)]).unwrap()
    }

    fn expand(parts: Vec<Vec<RecordBatch>>) -> Arc<dyn ExecutionPlan> {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)]));
        let input = Arc::new(MemoryExec::try_new(parts, schema, None).unwrap());
        let a = || -> PhysicalExprRef { Arc::new(ColumnExpr::new("a", 0)) };
        let lit = |v: ScalarValue| -> PhysicalExprRef { Arc::new(LiteralExpr(v)) };
        let projections = vec![
            vec![(a(), "a".to_string()), (lit(ScalarValue::Int64(Some(0))), "gid".to_string())],
            vec![(lit(ScalarValue::Int32(None)), "a".to_string()), (lit(ScalarValue::Int64(Some(1))), "gid".to_string())],
        ];
        Arc::new(ExpandExec::try_new(projections, input).unwrap())
    }

    #[test]
    fn one_copy_per_projection_over_partitions() {
        let p = expand(vec![vec![batch(vec![Some(1), None]), batch(vec![Some(3)])], vec![], vec![batch(vec![Some(7)])]]);
        assert_eq!(p.output_partitioning().partition_count(), 3);
        assert!(p.schema().field(0).is_nullable() && !p.schema().field(1).is_nullable());
        let out = collect_partitions_serial(&p, &TaskContext::default()).unwrap();
        insta::assert_snapshot!(render(&out), @"1/0 NULL/0 NULL/1 NULL/1 3/0 NULL/1 7/0 NULL/1");
    }

    #[test]
    fn empty_input_gives_no_rows() {
        let p = expand(vec![vec![]]);
        let out = collect_partitions_serial(&p, &TaskContext::default()).unwrap();
        assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
    }

    /// `a/gid` per row, rows separated by spaces.
    fn render(batches: &[RecordBatch]) -> String {
        use arrow::array::AsArray;
        use arrow::datatypes::{Int32Type, Int64Type};
        let mut rows = Vec::new();
        for b in batches {
            let a = b.column(0).as_primitive::<Int32Type>();
            let g = b.column(1).as_primitive::<Int64Type>();
            for i in 0..b.num_rows() {
                let av = if a.is_valid(i) { a.value(i).to_string() } else { "NULL".into() };
                rows.push(format!("{av}/{}", g.value(i)));
            }
        }
        rows.join(" ")
    }
}
