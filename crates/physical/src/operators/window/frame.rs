//! Window frames as row ranges: for every row of a sorted batch, the half-open range
//! `[lo, hi)` of rows its frame covers, for ROWS frames (row offsets) and RANGE frames
//! (peers, or offsets on the value of the single ORDER BY key, NULLs being peers of
//! each other only).

use std::ops::Range;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type};
use ember_common::{Error, Result};
use ember_plan::{ScalarValue, WindowFrame, WindowFrameBound, WindowFrameUnits};

/// The partitions and peer groups of a sorted batch.
pub(crate) struct Layout {
    /// Window partitions, in row order.
    pub partitions: Vec<Range<usize>>,
    /// For each row, its peer group (rows equal on partition and order keys).
    pub peer_start: Vec<usize>,
    pub peer_end: Vec<usize>,
    /// For each row, the index of its partition in `partitions`.
    pub partition_of: Vec<usize>,
}

impl Layout {
    pub fn new(partitions: Vec<Range<usize>>, peers: &[Range<usize>], n: usize) -> Self {
        let mut peer_start = vec![0; n];
        let mut peer_end = vec![0; n];
        for p in peers {
            for i in p.clone() {
                peer_start[i] = p.start;
                peer_end[i] = p.end;
            }
        }
        let mut partition_of = vec![0; n];
        for (k, p) in partitions.iter().enumerate() {
            for i in p.clone() {
                partition_of[i] = k;
            }
        }
        Layout { partitions, peer_start, peer_end, partition_of }
    }
}

/// Offsets on the ORDER BY key, turned into a domain where keys ascend.
enum Keys {
    Int(Vec<Option<i128>>),
    Float(Vec<Option<f64>>),
}

/// `[lo, hi)` for every row (`lo == hi` for an empty frame).
pub(crate) fn frame_ranges(frame: &WindowFrame, layout: &Layout, order_key: Option<(&ArrayRef, bool)>) -> Result<Vec<(usize, usize)>> {
    let n = layout.partition_of.len();
    let keys = match (frame.units, frame.has_offsets(), order_key) {
        (WindowFrameUnits::Range, true, Some((k, descending))) => Some(range_keys(k, descending)?),
        (WindowFrameUnits::Range, true, None) => return Err(Error::internal("RANGE frame with offsets needs one ORDER BY key")),
        _ => None,
    };
    let mut out = Vec::with_capacity(n);
    for p in &layout.partitions {
        // Rows with a non-NULL key: value offsets only reach those.
        let valued = match &keys {
            Some(k) => valued_segment(k, p.clone()),
            None => p.clone(),
        };
        for i in p.clone() {
            let lo = bound(&frame.start, frame.units, i, p, layout, &keys, &valued, true)?;
            let hi = bound(&frame.end, frame.units, i, p, layout, &keys, &valued, false)?;
            out.push((lo, hi.max(lo)));
        }
    }
    Ok(out)
}

/// Row offset of a ROWS bound.
fn row_offset(v: &ScalarValue) -> Result<i64> {
    match v {
        ScalarValue::Int8(Some(x)) => Ok(*x as i64),
        ScalarValue::Int16(Some(x)) => Ok(*x as i64),
        ScalarValue::Int32(Some(x)) => Ok(*x as i64),
        ScalarValue::Int64(Some(x)) => Ok(*x),
        other => Err(Error::internal(format!("ROWS frame offset {other} is not an integer"))),
    }
}

/// One end of row `i`'s frame: `start` gives the first row, otherwise one past the last.
#[allow(clippy::too_many_arguments)]
fn bound(
    b: &WindowFrameBound,
    units: WindowFrameUnits,
    i: usize,
    p: &Range<usize>,
    layout: &Layout,
    keys: &Option<Keys>,
    valued: &Range<usize>,
    start: bool,
) -> Result<usize> {
    let clamp = |x: i128| x.clamp(p.start as i128, p.end as i128) as usize;
    Ok(match (b, units) {
        (WindowFrameBound::UnboundedPreceding, _) => p.start,
        (WindowFrameBound::UnboundedFollowing, _) => p.end,
        (WindowFrameBound::CurrentRow, WindowFrameUnits::Rows) => {
            if start {
                i
            } else {
                i + 1
            }
        }
        (WindowFrameBound::CurrentRow, WindowFrameUnits::Range) => {
            if start {
                layout.peer_start[i]
            } else {
                layout.peer_end[i]
            }
        }
        (WindowFrameBound::Preceding(v) | WindowFrameBound::Following(v), WindowFrameUnits::Rows) => {
            let mut off = row_offset(v)? as i128;
            if matches!(b, WindowFrameBound::Preceding(_)) {
                off = -off;
            }
            clamp(i as i128 + off + if start { 0 } else { 1 })
        }
        (WindowFrameBound::Preceding(_) | WindowFrameBound::Following(_), WindowFrameUnits::Range) => {
            let preceding = matches!(b, WindowFrameBound::Preceding(_));
            match keys {
                Some(Keys::Int(k)) => match k[i] {
                    None => peer_bound(layout, i, start),
                    Some(v) => {
                        let off = int_offset(b)?;
                        let target = if preceding { v.saturating_sub(off) } else { v.saturating_add(off) };
                        search(valued, |j| k[j].unwrap_or(i128::MIN), target, start)
                    }
                },
                Some(Keys::Float(k)) => match k[i] {
                    None => peer_bound(layout, i, start),
                    Some(v) => {
                        let off = float_offset(b);
                        let target = if preceding { v - off } else { v + off };
                        search_f(valued, |j| k[j].unwrap_or(f64::NEG_INFINITY), target, start)
                    }
                },
                None => return Err(Error::internal("RANGE offsets without keys")),
            }
        }
    })
}

fn peer_bound(layout: &Layout, i: usize, start: bool) -> usize {
    if start {
        layout.peer_start[i]
    } else {
        layout.peer_end[i]
    }
}

/// The first row in `r` whose key is `>= target` (start) or `> target` (end).
fn search(r: &Range<usize>, key: impl Fn(usize) -> i128, target: i128, start: bool) -> usize {
    let (mut lo, mut hi) = (r.start, r.end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let k = key(mid);
        let before = if start { k < target } else { k <= target };
        if before {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn search_f(r: &Range<usize>, key: impl Fn(usize) -> f64, target: f64, start: bool) -> usize {
    let (mut lo, mut hi) = (r.start, r.end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let k = key(mid);
        let before = if start { k < target } else { k <= target };
        if before {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The rows of `p` whose key is not NULL (they are contiguous: NULLs sort first or last).
fn valued_segment(keys: &Keys, p: Range<usize>) -> Range<usize> {
    let is_some = |j: usize| match keys {
        Keys::Int(k) => k[j].is_some(),
        Keys::Float(k) => k[j].is_some(),
    };
    let mut s = p.start;
    while s < p.end && !is_some(s) {
        s += 1;
    }
    let mut e = p.end;
    while e > s && !is_some(e - 1) {
        e -= 1;
    }
    s..e
}

/// The size of an offset on an integral (or date) key, rounded as a cast would.
fn int_offset(b: &WindowFrameBound) -> Result<i128> {
    let f = b.signed_offset().ok_or_else(|| Error::internal(format!("frame offset {b} is not numeric")))?;
    Ok(f.abs().round() as i128)
}

fn float_offset(b: &WindowFrameBound) -> f64 {
    b.signed_offset().map(f64::abs).unwrap_or(0.0)
}

/// The ORDER BY key in an ascending numeric domain (negated for DESC); decimal and
/// floating keys are compared as doubles.
fn range_keys(k: &ArrayRef, descending: bool) -> Result<Keys> {
    let sign: i128 = if descending { -1 } else { 1 };
    macro_rules! ints {
        ($t:ty) => {{
            let a = k.as_primitive::<$t>();
            Keys::Int((0..a.len()).map(|i| a.is_valid(i).then(|| sign * a.value(i) as i128)).collect())
        }};
    }
    Ok(match k.data_type() {
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::Date32 => ints!(Date32Type),
        DataType::Decimal128(_, s) => {
            let a = k.as_primitive::<Decimal128Type>();
            let factor = 10f64.powi(*s as i32);
            Keys::Float((0..a.len()).map(|i| a.is_valid(i).then(|| sign as f64 * a.value(i) as f64 / factor)).collect())
        }
        DataType::Float32 => {
            let a = k.as_primitive::<Float32Type>();
            Keys::Float((0..a.len()).map(|i| a.is_valid(i).then(|| sign as f64 * a.value(i) as f64)).collect())
        }
        DataType::Float64 => {
            let a = k.as_primitive::<Float64Type>();
            Keys::Float((0..a.len()).map(|i| a.is_valid(i).then(|| sign as f64 * a.value(i))).collect())
        }
        other => return Err(Error::unsupported(format!("RANGE frames with value offsets over {other}"))),
    })
}
