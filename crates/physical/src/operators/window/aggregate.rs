//! Aggregates over window frames with the aggregate's own group accumulators.
//!
//! Whole-partition frames: one group per partition, one pass. Any other frame: a
//! segment tree of partial states (level 0: one state per row; each level above
//! merges pairs), then every row merges the O(log n) nodes covering its frame, left
//! to right (so order-sensitive aggregates such as `first` stay right). All of it is
//! vectorized: one `update_batch` for the rows, one `merge_batch` per level and per
//! block of output rows.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, UInt32Array};
use arrow::datatypes::DataType;
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext};

use super::frame::Layout;

/// Output rows merged per block (bounds the size of the index arrays).
const MERGE_BLOCK_ROWS: usize = 1 << 20;

/// `func(args)` over each row's frame `[lo, hi)`; rows where `filter` is not true
/// are left out.
pub(crate) fn aggregate_frames(
    func: &Arc<dyn AggregateFunctionImpl>,
    arg_types: &[DataType],
    args: &[ArrayRef],
    filter: Option<&BooleanArray>,
    frames: &[(usize, usize)],
    layout: &Layout,
    ctx: &FunctionContext,
) -> Result<ArrayRef> {
    let n = frames.len();
    let whole = frames.iter().zip(&layout.partition_of).all(|(&(lo, hi), &p)| {
        let r = &layout.partitions[p];
        lo == r.start && hi == r.end
    });
    if whole {
        let mut acc = func.create_accumulator(arg_types, ctx)?;
        acc.update_batch(args, &layout.partition_of, filter, layout.partitions.len())?;
        let per_partition = acc.evaluate()?;
        let idx: UInt32Array = layout.partition_of.iter().map(|&p| p as u32).collect();
        return Ok(arrow::compute::take(per_partition.as_ref(), &idx, None)?);
    }
    let tree = SegmentTree::build(func, arg_types, args, filter, n, ctx)?;
    let block = (MERGE_BLOCK_ROWS / (2 * tree.levels.max(1))).max(1);
    let mut parts = Vec::new();
    for start in (0..n).step_by(block) {
        let end = (start + block).min(n);
        parts.push(tree.query(func, arg_types, &frames[start..end], ctx)?);
    }
    if parts.is_empty() {
        let mut acc = func.create_accumulator(arg_types, ctx)?;
        return acc.evaluate();
    }
    let refs: Vec<&dyn arrow::array::Array> = parts.iter().map(|a| a.as_ref()).collect();
    Ok(arrow::compute::concat(&refs)?)
}

/// Partial states of every tree node, all levels concatenated per state column.
struct SegmentTree {
    states: Vec<ArrayRef>,
    /// Offset of each level's first node in `states`, and the level's node count.
    level_offsets: Vec<(usize, usize)>,
    levels: usize,
}

impl SegmentTree {
    fn build(
        func: &Arc<dyn AggregateFunctionImpl>,
        arg_types: &[DataType],
        args: &[ArrayRef],
        filter: Option<&BooleanArray>,
        n: usize,
        ctx: &FunctionContext,
    ) -> Result<Self> {
        let mut acc = func.create_accumulator(arg_types, ctx)?;
        let rows: Vec<usize> = (0..n).collect();
        acc.update_batch(args, &rows, filter, n)?;
        let mut level = acc.state()?;
        let mut levels = vec![level.clone()];
        let mut len = n;
        while len > 1 {
            let next = len.div_ceil(2);
            let groups: Vec<usize> = (0..len).map(|i| i / 2).collect();
            let mut acc = func.create_accumulator(arg_types, ctx)?;
            acc.merge_batch(&level, &groups, next)?;
            level = acc.state()?;
            levels.push(level.clone());
            len = next;
        }
        let mut level_offsets = Vec::with_capacity(levels.len());
        let mut offset = 0;
        for l in &levels {
            let count = l.first().map(|a| a.len()).unwrap_or(0);
            level_offsets.push((offset, count));
            offset += count;
        }
        let width = levels.first().map(|l| l.len()).unwrap_or(0);
        let mut states = Vec::with_capacity(width);
        for c in 0..width {
            let cols: Vec<&dyn arrow::array::Array> = levels.iter().map(|l| l[c].as_ref()).collect();
            states.push(arrow::compute::concat(&cols)?);
        }
        Ok(SegmentTree { states, levels: levels.len(), level_offsets })
    }

    /// The aggregate over each frame of `frames`.
    fn query(
        &self,
        func: &Arc<dyn AggregateFunctionImpl>,
        arg_types: &[DataType],
        frames: &[(usize, usize)],
        ctx: &FunctionContext,
    ) -> Result<ArrayRef> {
        let mut nodes: Vec<u32> = Vec::new();
        let mut groups: Vec<usize> = Vec::new();
        let mut right: Vec<u32> = Vec::new();
        for (g, &(lo, hi)) in frames.iter().enumerate() {
            let (mut l, mut r, mut level) = (lo, hi, 0);
            right.clear();
            while l < r {
                let (offset, count) = *self.level_offsets.get(level).ok_or_else(|| Error::internal("segment tree level out of range"))?;
                if l & 1 == 1 {
                    debug_assert!(l < count);
                    nodes.push((offset + l) as u32);
                    groups.push(g);
                    l += 1;
                }
                if r & 1 == 1 {
                    r -= 1;
                    right.push((offset + r) as u32);
                }
                l >>= 1;
                r >>= 1;
                level += 1;
            }
            for &node in right.iter().rev() {
                nodes.push(node);
                groups.push(g);
            }
        }
        let idx = UInt32Array::from(nodes);
        let taken = self.states.iter().map(|s| Ok(arrow::compute::take(s.as_ref(), &idx, None)?)).collect::<Result<Vec<_>>>()?;
        let mut acc = func.create_accumulator(arg_types, ctx)?;
        acc.merge_batch(&taken, &groups, frames.len())?;
        acc.evaluate()
    }
}
