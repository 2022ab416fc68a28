//! The buffer of a full (not top-K) sort that spills: batches are reserved from the
//! memory pool as they arrive; when the pool refuses, the buffered rows are sorted and
//! written as one sorted run to a spill file. At the end the runs (with what is still
//! buffered) are merged k-way, at most [`MAX_FAN_IN`] at a time, so a sort of any size
//! holds about `MAX_FAN_IN` batches while it merges.

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::Result;

use crate::execution_plan::{BatchIter, TaskContext};
use crate::expressions::PhysicalSortExpr;
use crate::memory_pool::MemoryReservation;
use crate::operators::sort::{sort_batch, SortKeys};
use crate::operators::sorted_merge::merge_sorted;
use crate::spill::SpillFile;

/// The most runs merged at once; more are merged into longer runs first.
pub(crate) const MAX_FAN_IN: usize = 32;

/// Buffers one partition's rows for sorting, spilling sorted runs when memory is short.
pub(crate) struct ExternalSorter {
    exprs: Vec<PhysicalSortExpr>,
    schema: SchemaRef,
    keys: SortKeys,
    ctx: TaskContext,
    reservation: MemoryReservation,
    buffered: Vec<RecordBatch>,
    runs: Vec<SpillFile>,
}

impl ExternalSorter {
    /// A sorter of rows of `schema` on `exprs`; `name` identifies the operator in the
    /// memory pool (e.g. `SortExec[3]`).
    pub(crate) fn try_new(exprs: &[PhysicalSortExpr], schema: SchemaRef, name: String, ctx: &TaskContext) -> Result<Self> {
        let keys = SortKeys::try_new(exprs, &schema)?;
        let reservation = ctx.reserve(name, true);
        Ok(ExternalSorter { exprs: exprs.to_vec(), schema, keys, ctx: ctx.clone(), reservation, buffered: Vec::new(), runs: Vec::new() })
    }

    pub(crate) fn push(&mut self, batch: RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let size = batch.get_array_memory_size();
        if self.reservation.try_grow(size).is_err() {
            self.spill()?;
            // Holding nothing else, the sort takes the one batch it needs to go on even
            // when other operators hold the pool (sorted partitions waiting to be merged):
            // a spilling sort exceeds its share by at most a batch, and never fails.
            if self.reservation.try_grow_after_spill(size).is_err() {
                self.reservation.grow(size);
            }
        }
        self.buffered.push(batch);
        Ok(())
    }

    /// The buffered rows, sorted, in one batch.
    fn sort_buffered(&mut self) -> Result<RecordBatch> {
        let all = arrow::compute::concat_batches(&self.schema, &self.buffered)?;
        self.buffered.clear();
        sort_batch(&self.keys, &all, None, &self.ctx)
    }

    /// Writes the buffered rows as one sorted run and gives their memory back.
    fn spill(&mut self) -> Result<()> {
        if self.buffered.is_empty() {
            return Ok(());
        }
        let sorted = self.sort_buffered()?;
        let run = self.ctx.spill.spill(&self.schema, slices(sorted, self.ctx.batch_size()).map(Ok))?;
        self.runs.push(run);
        self.reservation.free();
        Ok(())
    }

    /// All rows, sorted, in batches of at most `batch_size`.
    pub(crate) fn finish(mut self) -> Result<BatchIter> {
        if self.runs.is_empty() {
            let sorted = self.sort_buffered()?;
            // The reservation lives as long as the sorted rows are handed out.
            let reservation = self.reservation;
            let out = slices(sorted, self.ctx.batch_size());
            return Ok(Box::new(out.map(move |b| {
                let _held = &reservation;
                Ok(b)
            })));
        }
        self.spill()?;
        let mut runs = std::mem::take(&mut self.runs);
        while runs.len() > MAX_FAN_IN {
            let mut merged = Vec::with_capacity(runs.len().div_ceil(MAX_FAN_IN));
            let mut rest = runs.into_iter().peekable();
            while rest.peek().is_some() {
                let group: Vec<SpillFile> = rest.by_ref().take(MAX_FAN_IN).collect();
                let stream = self.merge(group)?;
                merged.push(self.ctx.spill.spill(&self.schema, stream)?);
            }
            runs = merged;
        }
        self.merge(runs)
    }

    fn merge(&self, runs: Vec<SpillFile>) -> Result<BatchIter> {
        let inputs = runs.into_iter().map(SpillFile::read).collect::<Result<Vec<_>>>()?;
        Ok(merge_sorted(SortKeys::try_new(&self.exprs, &self.schema)?, self.schema.clone(), inputs, None, &self.ctx))
    }
}

/// `batch` cut into slices of at most `size` rows (none for an empty batch).
pub(crate) fn slices(batch: RecordBatch, size: usize) -> impl Iterator<Item = RecordBatch> + Send {
    let size = size.max(1);
    (0..batch.num_rows()).step_by(size).map(move |offset| batch.slice(offset, size.min(batch.num_rows() - offset)))
}
