//! `SortPreservingMergeExec`: k-way merge of sorted input partitions into one sorted
//! partition (arrow-row keys, a binary heap of cursors, `interleave` to build output).

use std::any::Any;
use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::Rows;
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::PhysicalSortExpr;
use crate::operators::sort::{sort_details, SortKeys};

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
        let mut inputs = (0..n).map(|p| ctx.execute(&self.input, p)).collect::<Result<Vec<_>>>()?;
        let mut merge = Merge {
            keys,
            ctx: ctx.clone(),
            schema: self.input.schema(),
            cursors: Vec::new(),
            heap: Vec::new(),
            staged: Vec::new(),
            remaining,
        };
        let mut started = false;
        Ok(Box::new(std::iter::from_fn(move || {
            if !started {
                started = true;
                if let Err(e) = merge.start(std::mem::take(&mut inputs)) {
                    merge.remaining = 0;
                    return Some(Err(e));
                }
            }
            match merge.next_batch() {
                Ok(Some(b)) => Some(Ok(b)),
                Ok(None) => None,
                Err(e) => {
                    merge.remaining = 0;
                    Some(Err(e))
                }
            }
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One input partition's position: its current batch and that batch's encoded keys.
struct Cursor {
    input: BatchIter,
    batch: RecordBatch,
    rows: Rows,
    pos: usize,
    /// Index of `batch` in `Merge::staged`.
    staged: usize,
}

struct Merge {
    keys: SortKeys,
    ctx: TaskContext,
    schema: SchemaRef,
    cursors: Vec<Cursor>,
    /// Min-heap of cursor indices, ordered by current row then cursor index.
    heap: Vec<usize>,
    /// Batches the pending output rows point into.
    staged: Vec<RecordBatch>,
    remaining: usize,
}

impl Merge {
    fn start(&mut self, inputs: Vec<BatchIter>) -> Result<()> {
        for mut input in inputs {
            if let Some((batch, rows)) = next_non_empty(&mut input, &self.keys, &self.ctx)? {
                self.staged.push(batch.clone());
                self.cursors.push(Cursor { input, batch, rows, pos: 0, staged: self.staged.len() - 1 });
            }
        }
        self.heap = (0..self.cursors.len()).collect();
        for i in (0..self.heap.len() / 2).rev() {
            self.sift_down(i);
        }
        Ok(())
    }

    fn less(&self, a: usize, b: usize) -> bool {
        let (ca, cb) = (&self.cursors[a], &self.cursors[b]);
        ca.rows.row(ca.pos).cmp(&cb.rows.row(cb.pos)).then(a.cmp(&b)).is_lt()
    }

    fn sift_down(&mut self, mut i: usize) {
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut smallest = i;
            if l < self.heap.len() && self.less(self.heap[l], self.heap[smallest]) {
                smallest = l;
            }
            if r < self.heap.len() && self.less(self.heap[r], self.heap[smallest]) {
                smallest = r;
            }
            if smallest == i {
                return;
            }
            self.heap.swap(i, smallest);
            i = smallest;
        }
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let target = self.ctx.batch_size().max(1).min(self.remaining);
        let mut indices: Vec<(usize, usize)> = Vec::with_capacity(target);
        while indices.len() < target {
            let Some(&top) = self.heap.first() else { break };
            let c = &mut self.cursors[top];
            indices.push((c.staged, c.pos));
            c.pos += 1;
            if c.pos == c.batch.num_rows() {
                match next_non_empty(&mut c.input, &self.keys, &self.ctx)? {
                    Some((batch, rows)) => {
                        self.staged.push(batch.clone());
                        (c.batch, c.rows, c.pos, c.staged) = (batch, rows, 0, self.staged.len() - 1);
                    }
                    None => {
                        let last = self.heap.len() - 1;
                        self.heap.swap(0, last);
                        self.heap.pop();
                    }
                }
            }
            self.sift_down(0);
        }
        if indices.is_empty() {
            return Ok(None);
        }
        self.remaining -= indices.len();
        let columns = (0..self.schema.fields().len())
            .map(|col| {
                let arrays = self.staged.iter().map(|b| b.column(col).as_ref()).collect::<Vec<_>>();
                Ok(arrow::compute::interleave(&arrays, &indices)?)
            })
            .collect::<Result<Vec<ArrayRef>>>()?;
        let out = RecordBatch::try_new(self.schema.clone(), columns)?;
        // Keep only the batches live cursors still point into.
        self.staged.clear();
        for &i in &self.heap {
            self.staged.push(self.cursors[i].batch.clone());
            self.cursors[i].staged = self.staged.len() - 1;
        }
        Ok(Some(out))
    }
}

fn next_non_empty(input: &mut BatchIter, keys: &SortKeys, ctx: &TaskContext) -> Result<Option<(RecordBatch, Rows)>> {
    for batch in input.by_ref() {
        let batch = batch?;
        if batch.num_rows() > 0 {
            let rows = keys.encode(&batch, ctx)?;
            return Ok(Some((batch, rows)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
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
