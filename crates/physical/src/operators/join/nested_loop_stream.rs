//! One partition of a nested-loop join: every left row of a batch against the whole
//! (collected) right side, in chunks of at most `batch_size` candidate pairs.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::UInt32Array;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::JoinType;

use crate::execution_plan::{BatchIter, TaskContext};
use crate::expressions::PhysicalExprRef;
use crate::operators::hash_join::output::{
    filter_pairs, left_only_batch, pair_batch, record_left_match, right_only_batch, row_count_u32, split_batch,
};

#[derive(Debug)]
pub(crate) struct NestedLoopSpec {
    pub(crate) join_type: JoinType,
    pub(crate) schema: SchemaRef,
    pub(crate) filter: Option<PhysicalExprRef>,
    pub(crate) filter_schema: SchemaRef,
}

struct LeftBatch {
    batch: RecordBatch,
    row: usize,
    right_offset: usize,
    matched: Vec<bool>,
}

pub(crate) struct NestedLoopStream {
    spec: Arc<NestedLoopSpec>,
    right: Arc<RecordBatch>,
    left: Option<BatchIter>,
    ctx: TaskContext,
    current: Option<LeftBatch>,
    /// Right rows that matched (only for right/full outer joins).
    right_matched: Vec<bool>,
    pending: VecDeque<RecordBatch>,
    finished: bool,
}

impl NestedLoopStream {
    pub(crate) fn new(spec: Arc<NestedLoopSpec>, right: Arc<RecordBatch>, left: BatchIter, ctx: TaskContext) -> Result<Self> {
        row_count_u32(right.num_rows())?;
        let tracks_right = matches!(spec.join_type, JoinType::RightOuter | JoinType::FullOuter);
        let right_matched = if tracks_right { vec![false; right.num_rows()] } else { Vec::new() };
        Ok(NestedLoopStream { spec, right, left: Some(left), ctx, current: None, right_matched, pending: VecDeque::new(), finished: false })
    }

    fn is_semi_or_anti(&self) -> bool {
        matches!(self.spec.join_type, JoinType::LeftSemi | JoinType::LeftAnti)
    }

    fn step(&mut self) -> Result<bool> {
        if let Some(lb) = &self.current {
            if lb.row < lb.batch.num_rows() {
                self.join_some()?;
            } else if let Some(lb) = self.current.take() {
                self.finish_left_batch(lb)?;
            }
            return Ok(true);
        }
        if let Some(left) = &mut self.left {
            match left.next() {
                Some(batch) => {
                    let batch = batch?;
                    row_count_u32(batch.num_rows())?;
                    let matched = vec![false; batch.num_rows()];
                    self.current = Some(LeftBatch { batch, row: 0, right_offset: 0, matched });
                }
                None => self.left = None,
            }
            return Ok(true);
        }
        if !self.finished {
            self.finished = true;
            let idx: UInt32Array = (0..self.right_matched.len() as u32).filter(|&r| !self.right_matched[r as usize]).collect();
            if !idx.is_empty() {
                let out = right_only_batch(&self.spec.schema, &self.right, &idx)?;
                self.pending.extend(split_batch(out, self.ctx.batch_size()));
            }
            return Ok(true);
        }
        Ok(false)
    }

    fn join_some(&mut self) -> Result<()> {
        let semi_or_anti = self.is_semi_or_anti();
        let Some(lb) = self.current.as_mut() else { return Ok(()) };
        let m = self.right.num_rows();
        if m == 0 || (semi_or_anti && self.spec.filter.is_none()) {
            // Without a condition every right row matches: all or nothing.
            lb.matched.iter_mut().for_each(|x| *x = m > 0);
            lb.row = lb.batch.num_rows();
            return Ok(());
        }
        let limit = self.ctx.batch_size().max(1);
        let (mut li, mut ri) = (Vec::new(), Vec::new());
        while lb.row < lb.batch.num_rows() && li.len() < limit {
            let take = (m - lb.right_offset).min(limit - li.len());
            li.extend(std::iter::repeat_n(lb.row as u32, take));
            ri.extend(lb.right_offset as u32..(lb.right_offset + take) as u32);
            lb.right_offset += take;
            if lb.right_offset == m {
                lb.row += 1;
                lb.right_offset = 0;
            }
        }
        let (li, ri) = (UInt32Array::from(li), UInt32Array::from(ri));
        let keep = match &self.spec.filter {
            Some(f) => Some(filter_pairs(f, &self.spec.filter_schema, &lb.batch, &li, &self.right, &ri, &self.ctx)?),
            None => None,
        };
        let (mut kl, mut kr) = (Vec::new(), Vec::new());
        for k in 0..li.len() {
            if keep.as_ref().is_some_and(|m| !m[k]) {
                continue;
            }
            let (l, r) = (li.value(k), ri.value(k));
            if !record_left_match(self.spec.join_type, &mut lb.matched, l as usize)? {
                continue;
            }
            if let Some(v) = self.right_matched.get_mut(r as usize) {
                *v = true;
            }
            kl.push(l);
            kr.push(r);
        }
        if semi_or_anti || kl.is_empty() {
            return Ok(());
        }
        let out = pair_batch(&self.spec.schema, &lb.batch, &UInt32Array::from(kl), &self.right, &UInt32Array::from(kr))?;
        self.pending.push_back(out);
        Ok(())
    }

    fn finish_left_batch(&mut self, lb: LeftBatch) -> Result<()> {
        let want = match self.spec.join_type {
            JoinType::LeftSemi => true,
            JoinType::LeftAnti | JoinType::LeftOuter | JoinType::FullOuter | JoinType::LeftSingle | JoinType::LeftExistence => false,
            _ => return Ok(()),
        };
        let idx: UInt32Array = (0..lb.batch.num_rows() as u32).filter(|&r| lb.matched[r as usize] == want).collect();
        if !idx.is_empty() {
            let out = left_only_batch(&self.spec.schema, &lb.batch, &idx)?;
            self.pending.extend(split_batch(out, self.ctx.batch_size()));
        }
        Ok(())
    }
}

impl Iterator for NestedLoopStream {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some(b) = self.pending.pop_front() {
                return Some(Ok(b));
            }
            match self.ctx.check_cancelled().and_then(|()| self.step()) {
                Ok(true) => continue,
                Ok(false) => return None,
                Err(e) => {
                    (self.left, self.current, self.finished) = (None, None, true);
                    return Some(Err(e));
                }
            }
        }
    }
}
