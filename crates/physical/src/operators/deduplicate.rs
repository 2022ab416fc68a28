//! `DeduplicateExec`: keeps the first row of each distinct key within its partition
//! (Spark's `dropDuplicates(cols)`); the planner hash-partitions the input on the keys
//! first, so each key is decided in one place. Key equality treats NULLs as equal.

use std::any::Any;
use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{ColumnExpr, PhysicalExprRef};

/// Rows of one partition whose keys were seen before, across batches.
pub struct SeenKeys {
    converter: RowConverter,
    keys: Vec<usize>,
    seen: HashSet<Box<[u8]>>,
}

impl SeenKeys {
    pub fn new(schema: &SchemaRef, keys: &[usize]) -> Result<Self> {
        let fields = keys.iter().map(|&k| SortField::new(schema.field(k).data_type().clone())).collect();
        Ok(SeenKeys { converter: RowConverter::new(fields)?, keys: keys.to_vec(), seen: HashSet::new() })
    }

    /// Marks keys as seen, given as their columns (in key order).
    pub fn insert_keys(&mut self, key_columns: &[ArrayRef]) -> Result<()> {
        let rows = self.converter.convert_columns(key_columns)?;
        for r in rows.iter() {
            self.seen.insert(r.as_ref().into());
        }
        Ok(())
    }

    /// Which rows of `batch` (among those `candidates` allows) carry a key not seen
    /// before; their keys are then seen.
    pub fn first_seen(&mut self, batch: &RecordBatch, candidates: Option<&BooleanArray>) -> Result<BooleanArray> {
        let rows = self.rows(batch)?;
        Ok(rows
            .iter()
            .enumerate()
            .map(|(i, r)| candidates.is_none_or(|c| c.is_valid(i) && c.value(i)) && self.seen.insert(r.as_ref().into()))
            .map(Some)
            .collect())
    }

    fn rows(&self, batch: &RecordBatch) -> Result<arrow_row::Rows> {
        let cols: Vec<ArrayRef> = self.keys.iter().map(|&k| batch.column(k).clone()).collect();
        Ok(self.converter.convert_columns(&cols)?)
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// See the module docs.
#[derive(Debug)]
pub struct DeduplicateExec {
    input: Arc<dyn ExecutionPlan>,
    /// Key column indices.
    keys: Vec<usize>,
}

impl DeduplicateExec {
    pub fn new(input: Arc<dyn ExecutionPlan>, keys: Vec<usize>) -> Self {
        DeduplicateExec { input, keys }
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }

    pub fn keys(&self) -> &[usize] {
        &self.keys
    }

    /// The key columns as expressions.
    pub fn key_exprs(&self) -> Vec<PhysicalExprRef> {
        let schema = self.input.schema();
        self.keys.iter().map(|&k| Arc::new(ColumnExpr::new(schema.field(k).name(), k)) as PhysicalExprRef).collect()
    }
}

impl ExecutionPlan for DeduplicateExec {
    fn name(&self) -> &'static str {
        "DeduplicateExec"
    }

    fn details(&self) -> String {
        let schema = self.input.schema();
        format!("[{}]", self.keys.iter().map(|&k| schema.field(k).name().as_str()).collect::<Vec<_>>().join(", "))
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("DeduplicateExec takes one child"))?;
        Ok(Arc::new(DeduplicateExec { input, keys: self.keys.clone() }))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        if self.keys.is_empty() {
            vec![Distribution::SinglePartition]
        } else {
            vec![Distribution::HashPartitioned(self.key_exprs())]
        }
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let mut seen = SeenKeys::new(&self.input.schema(), &self.keys)?;
        let input = ctx.execute(&self.input, partition)?;
        Ok(Box::new(input.map(move |b| {
            let b = b?;
            let mask = seen.first_seen(&b, None)?;
            Ok(arrow::compute::filter_record_batch(&b, &mask)?)
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operators::memory::MemoryExec;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    fn batch(k: Vec<Option<&str>>, v: Vec<i64>) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("v", DataType::Int64, false)]));
        RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(k)), Arc::new(Int64Array::from(v))]).unwrap()
    }

    fn run(parts: Vec<Vec<RecordBatch>>) -> Vec<(Option<String>, i64)> {
        let schema = batch(vec![], vec![]).schema();
        let mem = Arc::new(MemoryExec::try_new(parts, schema, None).unwrap());
        let exec = Arc::new(DeduplicateExec::new(mem.clone(), vec![0]));
        let ctx = TaskContext::default();
        let mut out = vec![];
        for p in 0..mem.output_partitioning().partition_count() {
            for b in exec.execute(p, &ctx).unwrap() {
                let b = b.unwrap();
                let k = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
                let v = b.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
                out.extend((0..b.num_rows()).map(|i| (k.is_valid(i).then(|| k.value(i).to_string()), v.value(i))));
            }
        }
        out
    }

    #[test]
    fn keeps_the_first_row_per_key_across_batches_with_null_keys_equal() {
        let out = run(vec![vec![batch(vec![Some("a"), None, Some("a")], vec![1, 2, 3]), batch(vec![None, Some("b"), Some("a")], vec![4, 5, 6])]]);
        assert_eq!(out, [(Some("a".into()), 1), (None, 2), (Some("b".into()), 5)]);
    }

    #[test]
    fn empty_and_one_row_inputs() {
        assert!(run(vec![vec![]]).is_empty());
        assert_eq!(run(vec![vec![batch(vec![Some("x")], vec![9])]]), [(Some("x".into()), 9)]);
    }
}
