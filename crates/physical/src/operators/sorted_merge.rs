//! K-way merge of sorted inputs into one sorted stream: arrow-row keys, a binary heap
//! of cursors (ties go to the earlier input, so merging runs of a stable sort is
//! stable) and `interleave` to build each output batch. Used by
//! `SortPreservingMergeExec` (sorted partitions) and by the external sort (sorted runs
//! read back from spill files).

use arrow::array::ArrayRef;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::Rows;
use ember_common::Result;

use crate::execution_plan::{BatchIter, TaskContext};
use crate::operators::sort::SortKeys;

/// Merges `inputs`, each sorted on `keys`, stopping after `fetch` rows.
pub(crate) fn merge_sorted(keys: SortKeys, schema: SchemaRef, inputs: Vec<BatchIter>, fetch: Option<usize>, ctx: &TaskContext) -> BatchIter {
    let mut merge = Merge {
        keys,
        ctx: ctx.clone(),
        schema,
        cursors: Vec::new(),
        heap: Vec::new(),
        staged: Vec::new(),
        remaining: fetch.unwrap_or(usize::MAX),
    };
    let mut inputs = Some(inputs);
    Box::new(std::iter::from_fn(move || {
        if let Some(inputs) = inputs.take() {
            if let Err(e) = merge.start(inputs) {
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
    }))
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
