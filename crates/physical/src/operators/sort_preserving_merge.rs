//! `SortPreservingMergeExec`: k-way merge of sorted input partitions into one sorted
//! partition (see `sorted_merge`).

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::PhysicalSortExpr;
use crate::operators::sort::{sort_details, SortKeys};
use crate::operators::sorted_merge::merge_sorted;

/// Merges sorted partitions into one, optionally stopping after `fetch` rows.
#[derive(Debug)]
pub struct SortPreservingMergeExec {
    exprs: Vec<PhysicalSortExpr>,
    input: Arc<dyn ExecutionPlan>,
    fetch: Option<usize>,
}

impl SortPreservingMergeExec {
    pub fn new(exprs: Vec<PhysicalSortExpr>, input: Arc<dyn ExecutionPlan>, fetch: Option<usize>) -> Self {
        SortPreservingMergeExec { exprs, input, fetch }
    }

    pub fn exprs(&self) -> &[PhysicalSortExpr] {
        &self.exprs
    }

    pub fn fetch(&self) -> Option<usize> {
        self.fetch
    }
}

impl ExecutionPlan for SortPreservingMergeExec {
    fn name(&self) -> &'static str {
        "SortPreservingMergeExec"
    }

    fn details(&self) -> String {
        sort_details(&self.exprs, self.fetch)
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] =
            children.try_into().map_err(|_| Error::internal("SortPreservingMergeExec takes one child"))?;
        Ok(Arc::new(SortPreservingMergeExec::new(self.exprs.clone(), input, self.fetch)))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Single
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![Distribution::Unspecified]
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if partition != 0 {
            return Err(Error::internal(format!("SortPreservingMergeExec has one partition, asked for {partition}")));
        }
        let mut remaining = self.fetch.unwrap_or(usize::MAX);
        let n = self.input.output_partitioning().partition_count();
        if n == 1 {
            // One sorted partition: already in order, only `fetch` applies.
            let input = ctx.execute(&self.input, 0)?;
            return Ok(Box::new(input.map_while(move |b| match b {
                Ok(_) if remaining == 0 => None,
                Ok(b) => {
                    let len = b.num_rows().min(remaining);
                    remaining -= len;
                    Some(Ok(b.slice(0, len)))
                }
                Err(e) => Some(Err(e)),
            })));
        }
        let keys = SortKeys::try_new(&self.exprs, &self.input.schema())?;
        let inputs = (0..n).map(|p| ctx.execute(&self.input, p)).collect::<Result<Vec<_>>>()?;
        Ok(merge_sorted(keys, self.input.schema(), inputs, self.fetch, ctx))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::record_batch::RecordBatch;
    use crate::operators::hash_join::test_util::*;
    use arrow::compute::SortOptions;

    fn merge(parts: Vec<Vec<RecordBatch>>, descending: bool, fetch: Option<usize>, batch_size: usize) -> Vec<String> {
        let schema = int_batch(&[("a", vec![]), ("b", vec![])]).schema();
        let key = PhysicalSortExpr { expr: col("a", 0), options: SortOptions { descending, nulls_first: !descending } };
        let exec = SortPreservingMergeExec::new(vec![key], TestMemoryExec::arc(schema, parts), fetch);
        assert!(matches!(exec.output_partitioning(), Partitioning::Single));
        let batches = exec.execute(0, &ctx_with_batch_size(batch_size)).unwrap().collect::<Result<Vec<_>>>().unwrap();
        assert!(batches.iter().all(|b| b.num_rows() <= batch_size));
        rows(&batches)
    }

    fn ab(a: Vec<Option<i64>>, b: i64) -> RecordBatch {
        let n = a.len();
        int_batch(&[("a", a), ("b", vec![Some(b); n])])
    }

    #[test]
    fn merges_partitions_with_nulls_and_ties_in_partition_order() {
        let parts = vec![
            vec![ab(vec![None, Some(1)], 0), ab(vec![], 0), ab(vec![Some(4), Some(9)], 0)],
            vec![],
            vec![ab(vec![Some(1), Some(2), Some(3)], 2)],
            vec![ab(vec![None], 3), ab(vec![Some(5)], 3)],
        ];
        let expected = ["NULL, 0", "NULL, 3", "1, 0", "1, 2", "2, 2", "3, 2", "4, 0", "5, 3", "9, 0"];
        assert_eq!(merge(parts.clone(), false, None, 2), expected);
        assert_eq!(merge(parts.clone(), false, None, 100), expected);
        assert_eq!(merge(parts, false, Some(3), 2), ["NULL, 0", "NULL, 3", "1, 0"]);
    }

    #[test]
    fn merges_descending() {
        let parts = vec![vec![ab(vec![Some(9), Some(2), None], 0)], vec![ab(vec![Some(5), Some(4)], 1)]];
        assert_eq!(merge(parts, true, None, 3), ["9, 0", "5, 1", "4, 1", "2, 0", "NULL, 0"]);
    }

    #[test]
    fn single_partition_passes_through_with_fetch() {
        let parts = vec![vec![ab(vec![Some(1), Some(2)], 0), ab(vec![Some(3)], 0)]];
        assert_eq!(merge(parts.clone(), false, Some(2), 10), ["1, 0", "2, 0"]);
        assert_eq!(merge(parts, false, None, 10), ["1, 0", "2, 0", "3, 0"]);
    }

    #[test]
    fn empty_inputs_and_one_row() {
        assert!(merge(vec![vec![], vec![]], false, None, 4).is_empty());
        assert!(merge(vec![vec![], vec![ab(vec![Some(1)], 1)]], false, Some(0), 4).is_empty());
        assert_eq!(merge(vec![vec![], vec![ab(vec![Some(1)], 1)]], false, None, 4), ["1, 1"]);
    }
}
