//! One partition of a hash join: streams probe batches against a built [`JoinTable`],
//! emitting matched pairs in batches of at most `batch_size` rows, unmatched probe
//! rows after each probe batch and unmatched build rows at the end.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::UInt32Array;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::JoinType;

use super::hash_table::{JoinTable, NONE};
use super::keys::{evaluate_keys, keys_valid};
use super::output::{
    at_most_one_match, filter_pairs, left_only_batch, left_preserved, pair_batch, record_left_match, right_only_batch, right_preserved,
    row_count_u32, split_batch,
};
use super::BuildSide;
use crate::execution_plan::{BatchIter, TaskContext};
use crate::expressions::PhysicalExprRef;

/// What every partition of one hash join shares.
#[derive(Debug)]
pub(crate) struct HashJoinSpec {
    pub(crate) join_type: JoinType,
    pub(crate) build_side: BuildSide,
    pub(crate) schema: SchemaRef,
    pub(crate) filter: Option<PhysicalExprRef>,
    pub(crate) filter_schema: SchemaRef,
    pub(crate) build_on: Vec<PhysicalExprRef>,
    pub(crate) probe_on: Vec<PhysicalExprRef>,
    pub(crate) key_types: Vec<DataType>,
}

impl HashJoinSpec {
    fn probe_is_left(&self) -> bool {
        self.build_side == BuildSide::Right
    }

    fn is_semi_or_anti(&self) -> bool {
        matches!(self.join_type, JoinType::LeftSemi | JoinType::LeftAnti)
    }

    /// Unmatched probe rows are emitted (null-extended).
    fn probe_preserved(&self) -> bool {
        if self.probe_is_left() {
            left_preserved(self.join_type)
        } else {
            right_preserved(self.join_type)
        }
    }

    /// Which build rows matched must be remembered until the end of the partition.
    pub(crate) fn tracks_build_rows(&self) -> bool {
        match self.build_side {
            BuildSide::Left => left_preserved(self.join_type) || self.is_semi_or_anti(),
            BuildSide::Right => right_preserved(self.join_type),
        }
    }
}

struct ProbeBatch {
    batch: RecordBatch,
    /// First matching build row per probe row ([`NONE`]: none).
    heads: Vec<u32>,
    row: usize,
    /// Next build row of the current probe row's chain; `None`: the row is not started.
    cursor: Option<u32>,
    matched: Vec<bool>,
}

pub(crate) struct HashJoinStream {
    spec: Arc<HashJoinSpec>,
    table: Arc<JoinTable>,
    probe: Option<BatchIter>,
    ctx: TaskContext,
    current: Option<ProbeBatch>,
    visited: Vec<bool>,
    pending: VecDeque<RecordBatch>,
    finished: bool,
}

impl HashJoinStream {
    pub(crate) fn new(spec: Arc<HashJoinSpec>, table: Arc<JoinTable>, probe: BatchIter, ctx: TaskContext) -> Self {
        let visited = if spec.tracks_build_rows() { vec![false; table.num_rows()] } else { Vec::new() };
        HashJoinStream { spec, table, probe: Some(probe), ctx, current: None, visited, pending: VecDeque::new(), finished: false }
    }

    /// Does one unit of work; false when the partition is done.
    fn step(&mut self) -> Result<bool> {
        if let Some(pb) = &self.current {
            if pb.row < pb.batch.num_rows() {
                self.probe_some()?;
            } else if let Some(pb) = self.current.take() {
                self.finish_probe_batch(pb)?;
            }
            return Ok(true);
        }
        if let Some(probe) = &mut self.probe {
            match probe.next() {
                Some(batch) => self.current = Some(self.prepare(batch?)?),
                None => self.probe = None,
            }
            return Ok(true);
        }
        if !self.finished {
            self.finished = true;
            self.finish_build()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn prepare(&self, batch: RecordBatch) -> Result<ProbeBatch> {
        row_count_u32(batch.num_rows())?;
        let cols = evaluate_keys(&self.spec.probe_on, &self.spec.key_types, &batch, &self.ctx)?;
        let valid = keys_valid(&cols);
        let heads = self.table.probe(&cols, valid.as_ref())?;
        let matched = vec![false; batch.num_rows()];
        Ok(ProbeBatch { batch, heads, row: 0, cursor: None, matched })
    }

    /// Gathers up to `batch_size` candidate pairs, filters them and records matches.
    fn probe_some(&mut self) -> Result<()> {
        let Some(pb) = self.current.as_mut() else { return Ok(()) };
        let spec = &self.spec;
        let table = &self.table;
        let limit = self.ctx.batch_size().max(1);
        let n = pb.batch.num_rows();
        let exists_only = spec.is_semi_or_anti() && spec.filter.is_none();
        if exists_only && spec.probe_is_left() {
            // A semi or anti join streaming its left side only asks whether a match exists.
            for r in pb.row..n {
                pb.matched[r] = pb.heads[r] != NONE;
            }
            pb.row = n;
            return Ok(());
        }
        let (mut pi, mut bi) = (Vec::new(), Vec::new());
        if table.is_unique() && !exists_only {
            // At most one match per probe row: no chains to follow.
            let end = n.min(pb.row + limit);
            pi.reserve(end - pb.row);
            bi.reserve(end - pb.row);
            for r in pb.row..end {
                let h = pb.heads[r];
                if h != NONE {
                    pi.push(r as u32);
                    bi.push(h);
                }
            }
            pb.row = end;
        } else {
            while pb.row < n && pi.len() < limit {
                let r = pb.row;
                let mut cursor = pb.cursor.unwrap_or(pb.heads[r]);
                if exists_only && cursor != NONE && self.visited[cursor as usize] {
                    // The whole chain was marked when this key was first probed.
                    cursor = NONE;
                }
                while cursor != NONE && pi.len() < limit {
                    if exists_only {
                        self.visited[cursor as usize] = true;
                    } else {
                        pi.push(r as u32);
                        bi.push(cursor);
                    }
                    cursor = table.next_match(cursor);
                }
                if cursor == NONE {
                    pb.row += 1;
                    pb.cursor = None;
                } else {
                    pb.cursor = Some(cursor);
                }
            }
        }
        if pi.is_empty() {
            return Ok(());
        }
        let (pi, bi) = (UInt32Array::from(pi), UInt32Array::from(bi));
        let (left, li, right, ri) =
            if spec.probe_is_left() { (&pb.batch, &pi, &table.batch, &bi) } else { (&table.batch, &bi, &pb.batch, &pi) };
        let track_build = !self.visited.is_empty();
        let one_match = spec.probe_is_left() && at_most_one_match(spec.join_type);
        if spec.filter.is_none() && !one_match {
            for &p in pi.values() {
                pb.matched[p as usize] = true;
            }
            if track_build {
                for &b in bi.values() {
                    self.visited[b as usize] = true;
                }
            }
            if !spec.is_semi_or_anti() {
                self.pending.push_back(pair_batch(&spec.schema, left, li, right, ri)?);
            }
            return Ok(());
        }
        let keep = match &spec.filter {
            Some(f) => Some(filter_pairs(f, &spec.filter_schema, left, li, right, ri, &self.ctx)?),
            None => None,
        };
        let (mut kept_p, mut kept_b) = (Vec::new(), Vec::new());
        for k in 0..pi.len() {
            if keep.as_ref().is_some_and(|m| !m[k]) {
                continue;
            }
            let (p, b) = (pi.value(k), bi.value(k));
            if one_match {
                if !record_left_match(spec.join_type, &mut pb.matched, p as usize)? {
                    continue;
                }
            } else {
                pb.matched[p as usize] = true;
            }
            if track_build {
                self.visited[b as usize] = true;
            }
            kept_p.push(p);
            kept_b.push(b);
        }
        if spec.is_semi_or_anti() || kept_p.is_empty() {
            return Ok(());
        }
        let out = if kept_p.len() == pi.len() {
            pair_batch(&spec.schema, left, li, right, ri)?
        } else {
            let (kp, kb) = (UInt32Array::from(kept_p), UInt32Array::from(kept_b));
            let (li, ri) = if spec.probe_is_left() { (&kp, &kb) } else { (&kb, &kp) };
            pair_batch(&spec.schema, left, li, right, ri)?
        };
        self.pending.push_back(out);
        Ok(())
    }

    /// Unmatched probe rows (outer), or matched / unmatched left rows (semi / anti).
    fn finish_probe_batch(&mut self, pb: ProbeBatch) -> Result<()> {
        let spec = &self.spec;
        let want = match spec.join_type {
            JoinType::LeftSemi if spec.probe_is_left() => true,
            JoinType::LeftAnti if spec.probe_is_left() => false,
            _ if spec.probe_preserved() => false,
            _ => return Ok(()),
        };
        let idx: UInt32Array = (0..pb.batch.num_rows() as u32).filter(|&r| pb.matched[r as usize] == want).collect();
        if idx.is_empty() {
            return Ok(());
        }
        let out = if spec.probe_is_left() {
            left_only_batch(&spec.schema, &pb.batch, &idx)?
        } else {
            right_only_batch(&spec.schema, &pb.batch, &idx)?
        };
        self.pending.extend(split_batch(out, self.ctx.batch_size()));
        Ok(())
    }

    /// Build rows decided only at the end: unmatched (outer, anti) or matched (semi).
    fn finish_build(&mut self) -> Result<()> {
        if self.visited.is_empty() {
            return Ok(());
        }
        let want = self.spec.join_type == JoinType::LeftSemi;
        let idx: UInt32Array = (0..self.visited.len() as u32).filter(|&r| self.visited[r as usize] == want).collect();
        self.visited = Vec::new();
        if idx.is_empty() {
            return Ok(());
        }
        let out = match self.spec.build_side {
            BuildSide::Left => left_only_batch(&self.spec.schema, &self.table.batch, &idx)?,
            BuildSide::Right => right_only_batch(&self.spec.schema, &self.table.batch, &idx)?,
        };
        self.pending.extend(split_batch(out, self.ctx.batch_size()));
        Ok(())
    }
}

impl Iterator for HashJoinStream {
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
                    (self.probe, self.current, self.finished) = (None, None, true);
                    self.visited = Vec::new();
                    return Some(Err(e));
                }
            }
        }
    }
}
