//! The non-aggregate window functions over a sorted batch: ranking (`row_number`,
//! `rank`, `dense_rank`, `percent_rank`, `cume_dist`, `ntile`), offsets (`lag`,
//! `lead`) and frame values (`first_value`, `last_value`, `nth_value`), each with
//! IGNORE NULLS where Spark has it.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, Int32Array, UInt32Array};
use arrow::compute::kernels::zip::zip;
use ember_common::{Error, Result};
use ember_plan::BuiltinWindowFunction;

use super::frame::Layout;

/// Row indices as take() indices (None = NULL).
fn take_rows(values: &ArrayRef, rows: Vec<Option<usize>>) -> Result<ArrayRef> {
    let idx: UInt32Array = rows.into_iter().map(|r| r.map(|x| x as u32)).collect();
    Ok(arrow::compute::take(values.as_ref(), &idx, None)?)
}

/// Positions of the non-NULL values, and for each row the count of them before it.
struct NonNulls {
    positions: Vec<usize>,
    before: Vec<usize>,
}

impl NonNulls {
    fn of(values: &ArrayRef) -> Self {
        let n = values.len();
        let mut positions = Vec::new();
        let mut before = Vec::with_capacity(n + 1);
        for i in 0..n {
            before.push(positions.len());
            if values.is_valid(i) {
                positions.push(i);
            }
        }
        before.push(positions.len());
        NonNulls { positions, before }
    }
}

/// Ranking functions: computed from positions and peer groups only.
pub(crate) fn ranking(f: BuiltinWindowFunction, layout: &Layout, buckets: Option<i64>) -> Result<ArrayRef> {
    use BuiltinWindowFunction as B;
    let n = layout.partition_of.len();
    let part = |i: usize| &layout.partitions[layout.partition_of[i]];
    let to_i32 = |v: usize| i32::try_from(v).map_err(|_| Error::unsupported("more than 2^31 rows in one window partition"));
    Ok(match f {
        B::RowNumber => Arc::new((0..n).map(|i| to_i32(i - part(i).start + 1)).collect::<Result<Int32Array>>()?),
        B::Rank => Arc::new((0..n).map(|i| to_i32(layout.peer_start[i] - part(i).start + 1)).collect::<Result<Int32Array>>()?),
        B::DenseRank => {
            let mut out = Vec::with_capacity(n);
            let mut rank = 0usize;
            for i in 0..n {
                if i == part(i).start {
                    rank = 0;
                }
                if i == layout.peer_start[i] {
                    rank += 1;
                }
                out.push(to_i32(rank)?);
            }
            Arc::new(Int32Array::from(out))
        }
        B::PercentRank => Arc::new(
            (0..n)
                .map(|i| {
                    let p = part(i);
                    if p.len() <= 1 {
                        0.0
                    } else {
                        (layout.peer_start[i] - p.start) as f64 / (p.len() - 1) as f64
                    }
                })
                .collect::<Float64Array>(),
        ),
        B::CumeDist => {
            Arc::new((0..n).map(|i| (layout.peer_end[i] - part(i).start) as f64 / part(i).len() as f64).collect::<Float64Array>())
        }
        B::Ntile => {
            let b = buckets.ok_or_else(|| Error::internal("ntile without buckets"))?.max(1) as usize;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let p = part(i);
                let (size, r) = (p.len() / b, p.len() % b);
                let k = i - p.start;
                let big = r * (size + 1);
                let bucket = if k < big { k / (size + 1) } else { r + (k - big) / size.max(1) };
                out.push(to_i32(bucket + 1)?);
            }
            Arc::new(Int32Array::from(out))
        }
        other => return Err(Error::internal(format!("{} is not a ranking function", other.name()))),
    })
}

/// `lag` / `lead`: the value `offset` rows away (negative: before) in the partition,
/// else `default`; with IGNORE NULLS, the `|offset|`-th non-NULL value that way.
pub(crate) fn offset_value(
    values: &ArrayRef,
    default: Option<&ArrayRef>,
    offset: i64,
    ignore_nulls: bool,
    layout: &Layout,
) -> Result<ArrayRef> {
    let n = values.len();
    let nn = ignore_nulls.then(|| NonNulls::of(values));
    let mut rows = Vec::with_capacity(n);
    let mut use_default = Vec::with_capacity(n);
    for i in 0..n {
        let p = &layout.partitions[layout.partition_of[i]];
        let target: Option<usize> = match &nn {
            _ if offset == 0 => Some(i),
            None => {
                let j = i as i64 + offset;
                (j >= p.start as i64 && j < p.end as i64).then_some(j as usize)
            }
            Some(nn) => {
                let k = if offset > 0 { nn.before[i + 1] as i64 + offset - 1 } else { nn.before[i] as i64 + offset };
                usize::try_from(k).ok().and_then(|k| nn.positions.get(k).copied()).filter(|j| p.contains(j))
            }
        };
        use_default.push(target.is_none());
        rows.push(target);
    }
    let taken = take_rows(values, rows)?;
    match default {
        Some(d) if d.null_count() < d.len() => Ok(zip(&BooleanArray::from(use_default), d, &taken)?),
        _ => Ok(taken),
    }
}

/// `first_value` / `last_value` / `nth_value(n)` over each row's frame `[lo, hi)`.
pub(crate) fn frame_value(
    values: &ArrayRef,
    frames: &[(usize, usize)],
    kind: BuiltinWindowFunction,
    nth: usize,
    ignore_nulls: bool,
) -> Result<ArrayRef> {
    use BuiltinWindowFunction as B;
    let nn = ignore_nulls.then(|| NonNulls::of(values));
    let rows = frames
        .iter()
        .map(|&(lo, hi)| {
            if lo >= hi {
                return None;
            }
            let pick = match (&nn, kind) {
                (None, B::LastValue) => hi - 1,
                (None, _) => lo + nth.saturating_sub(1),
                (Some(nn), B::LastValue) => {
                    let c = nn.before[hi];
                    if c == 0 {
                        return None;
                    }
                    nn.positions[c - 1]
                }
                (Some(nn), _) => *nn.positions.get(nn.before[lo] + nth.saturating_sub(1))?,
            };
            (pick >= lo && pick < hi).then_some(pick)
        })
        .collect();
    take_rows(values, rows)
}
