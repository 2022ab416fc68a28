//! `UnionExec`: `UNION ALL`; its partitions are the inputs' partitions, in order.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};

/// Inputs must have the same column types (the planner casts them); the output uses
/// the first input's names.
#[derive(Debug)]
pub struct UnionExec {
    inputs: Vec<Arc<dyn ExecutionPlan>>,
    schema: SchemaRef,
}

impl UnionExec {
    /// An empty input list gives a union with no columns and one empty partition.
    pub fn new(inputs: Vec<Arc<dyn ExecutionPlan>>) -> Self {
        let schema = inputs.first().map(|i| i.schema()).unwrap_or_else(|| Arc::new(arrow::datatypes::Schema::empty()));
        // Nullable if any input's column is.
        let fields: Vec<arrow::datatypes::Field> = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let nullable = inputs.iter().any(|inp| inp.schema().fields().get(i).is_some_and(|g| g.is_nullable()));
                f.as_ref().clone().with_nullable(nullable)
            })
            .collect();
        UnionExec { inputs, schema: Arc::new(arrow::datatypes::Schema::new(fields)) }
    }

    /// Which input and which of its partitions output partition `p` reads.
    fn locate(&self, mut p: usize) -> Option<(usize, usize)> {
        for (i, input) in self.inputs.iter().enumerate() {
            let n = input.output_partitioning().partition_count();
            if p < n {
                return Some((i, p));
            }
            p -= n;
        }
        None
    }
}

impl ExecutionPlan for UnionExec {
    fn name(&self) -> &'static str {
        "UnionExec"
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        self.inputs.iter().collect()
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != self.inputs.len() {
            return Err(Error::internal("UnionExec: wrong number of children"));
        }
        Ok(Arc::new(UnionExec::new(children)))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.inputs.iter().map(|i| i.output_partitioning().partition_count()).sum::<usize>().max(1))
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let Some((i, p)) = self.locate(partition) else {
            if self.inputs.iter().all(|i| i.output_partitioning().partition_count() == 0) && partition == 0 {
                return Ok(Box::new(std::iter::empty()));
            }
            return Err(Error::internal(format!("UnionExec has no partition {partition}")));
        };
        let schema = self.schema.clone();
        // Re-label batches with the union's schema (names of the first input).
        Ok(Box::new(ctx.execute(&self.inputs[i], p)?.map(move |b| {
            b.and_then(|b| {
                let options = arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
                Ok(RecordBatch::try_new_with_options(schema.clone(), b.columns().to_vec(), &options)?)
            })
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
    use crate::operators::memory::MemoryExec;
    use arrow::array::{ArrayRef, AsArray, Int32Array};
    use arrow::datatypes::Int32Type;

    fn mem(name: &str, parts: Vec<Vec<i32>>) -> Arc<dyn ExecutionPlan> {
        let batches: Vec<Vec<RecordBatch>> = parts
            .into_iter()
            .map(|p| if p.is_empty() { vec![] } else { vec![RecordBatch::try_from_iter(vec![(name, Arc::new(Int32Array::from(p)) as ArrayRef)]).unwrap()] })
            .collect();
        let schema = Arc::new(arrow::datatypes::Schema::new(vec![arrow::datatypes::Field::new(name, arrow::datatypes::DataType::Int32, false)]));
        Arc::new(MemoryExec::try_new(batches, schema, None).unwrap())
    }

    #[test]
    fn concatenates_partitions() {
        let u: Arc<dyn ExecutionPlan> = Arc::new(UnionExec::new(vec![mem("a", vec![vec![1], vec![]]), mem("b", vec![vec![2, 3]])]));
        assert_eq!(u.output_partitioning().partition_count(), 3);
        let out = collect_partitions_serial(&u, &TaskContext::default()).unwrap();
        assert!(out.iter().all(|b| b.schema().field(0).name() == "a"));
        let v: Vec<i32> = out.iter().flat_map(|b| b.column(0).as_primitive::<Int32Type>().values().to_vec()).collect();
        assert_eq!(v, vec![1, 2, 3]);
        assert!(u.execute(3, &TaskContext::default()).is_err());
    }
}
