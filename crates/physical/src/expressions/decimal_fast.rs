//! Decimal `+ - *` in 128-bit integers: the common case (TPC-H's prices and
//! discounts) needs no 256-bit arithmetic. Each row is computed exactly with checked
//! i128 operations and rounded HALF_UP to the result scale; if any row would overflow
//! 128 bits or the result precision, the caller falls back to the exact 256-bit path,
//! which raises Spark's errors (ANSI) or gives NULL.

use std::sync::Arc;

use arrow::array::{Array, AsArray, Decimal128Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Decimal128Type};
use ember_common::Result;
use ember_plan::{ColumnarValue, Operator, ScalarValue};

/// `10^n` for `n` in `0..=38`.
fn pow10(n: u8) -> i128 {
    10i128.pow(n as u32)
}

/// `x * y`, with a single 64×64→128-bit multiply when both fit 64 bits (the usual
/// case), else a checked 128-bit multiply.
#[inline(always)]
fn mul(x: i128, y: i128) -> Option<i128> {
    match (i64::try_from(x), i64::try_from(y)) {
        (Ok(a), Ok(b)) => Some(a as i128 * b as i128),
        _ => x.checked_mul(y),
    }
}

/// One side of the operation: an array's values or a scalar repeated.
enum Side<'a> {
    Array(&'a Decimal128Array),
    Scalar(i128),
}

impl Side<'_> {
    #[inline(always)]
    fn value(&self, i: usize) -> i128 {
        match self {
            Side::Array(a) => a.values()[i],
            Side::Scalar(v) => *v,
        }
    }
    fn nulls(&self) -> Option<&NullBuffer> {
        match self {
            Side::Array(a) => a.nulls(),
            Side::Scalar(_) => None,
        }
    }
}

fn side(v: &ColumnarValue) -> Option<(Side<'_>, Option<usize>)> {
    match v {
        ColumnarValue::Array(a) => Some((Side::Array(a.as_primitive_opt::<Decimal128Type>()?), Some(a.len()))),
        ColumnarValue::Scalar(ScalarValue::Decimal128(Some(x), _, _)) => Some((Side::Scalar(*x), None)),
        _ => None,
    }
}

/// `l op r` as `result_type` when every row fits 128 bits and the result precision;
/// `None` when the caller must use the exact path (including for two scalars).
pub(crate) fn try_decimal_i128(op: Operator, l: &ColumnarValue, r: &ColumnarValue, result_type: &DataType) -> Result<Option<ColumnarValue>> {
    let (DataType::Decimal128(_, s1), DataType::Decimal128(_, s2), DataType::Decimal128(po, so)) = (l.data_type(), r.data_type(), result_type.clone())
    else {
        return Ok(None);
    };
    if !matches!(op, Operator::Plus | Operator::Minus | Operator::Multiply) || s1 < 0 || s2 < 0 || so < 0 {
        return Ok(None);
    }
    let (Some((a, la)), Some((b, lb))) = (side(l), side(r)) else { return Ok(None) };
    let Some(n) = la.or(lb) else { return Ok(None) };
    let (s1, s2, so) = (s1 as u8, s2 as u8, so as u8);
    let (raw_scale, ml, mr) = match op {
        Operator::Multiply => (s1 + s2, 1, 1),
        _ => {
            let s = s1.max(s2);
            (s, pow10(s - s1), pow10(s - s2))
        }
    };
    if raw_scale < so || raw_scale > 76 || po > 38 {
        return Ok(None);
    }
    let shift = raw_scale - so;
    if shift > 38 {
        return Ok(None);
    }
    let div = pow10(shift);
    let limit = pow10(po);
    let nulls = NullBuffer::union(a.nulls(), b.nulls());
    if shift == 0 {
        if let Some(out) = unchecked_if_in_bounds(op, &a, &b, n, ml, mr, limit) {
            let array = Decimal128Array::new(out.into(), nulls).with_precision_and_scale(po, so as i8)?;
            return Ok(Some(ColumnarValue::Array(Arc::new(array))));
        }
    }
    let has_nulls = nulls.as_ref().is_some_and(|m| m.null_count() > 0);
    let mut out: Vec<i128> = Vec::with_capacity(n);
    for i in 0..n {
        if has_nulls && nulls.as_ref().is_some_and(|m| m.is_null(i)) {
            out.push(0);
            continue;
        }
        let (x, y) = (a.value(i), b.value(i));
        let raw = match op {
            Operator::Multiply => mul(x, y),
            Operator::Plus => x.checked_mul(ml).and_then(|x| y.checked_mul(mr).and_then(|y| x.checked_add(y))),
            _ => x.checked_mul(ml).and_then(|x| y.checked_mul(mr).and_then(|y| x.checked_sub(y))),
        };
        let Some(raw) = raw else { return Ok(None) };
        let v = if shift == 0 {
            raw
        } else {
            let (q, rem) = (raw / div, raw % div);
            if rem.unsigned_abs() * 2 >= div as u128 {
                q + raw.signum()
            } else {
                q
            }
        };
        if v.unsigned_abs() >= limit as u128 {
            return Ok(None);
        }
        out.push(v);
    }
    let array = Decimal128Array::new(out.into(), nulls).with_precision_and_scale(po, so as i8)?;
    Ok(Some(ColumnarValue::Array(Arc::new(array))))
}

impl Side<'_> {
    /// The largest absolute value (NULL slots included: they only make the bound looser).
    fn max_abs(&self) -> u128 {
        match self {
            Side::Array(a) => a.values().iter().fold(0u128, |m, v| m.max(v.unsigned_abs())),
            Side::Scalar(v) => v.unsigned_abs(),
        }
    }
}

/// The rows of `a op b` without per-row checks, when the operands' largest absolute
/// values prove that no row can overflow `limit` (the result precision); `None` when
/// they do not. Only for results at the operands' raw scale (no rounding).
fn unchecked_if_in_bounds(op: Operator, a: &Side<'_>, b: &Side<'_>, n: usize, ml: i128, mr: i128, limit: i128) -> Option<Vec<i128>> {
    let (ma, mb) = (a.max_abs(), b.max_abs());
    let bound = match op {
        Operator::Multiply if ma <= i64::MAX as u128 && mb <= i64::MAX as u128 => ma.checked_mul(mb)?,
        Operator::Plus | Operator::Minus => ma.checked_mul(ml as u128)?.checked_add(mb.checked_mul(mr as u128)?)?,
        _ => return None,
    };
    if bound >= limit as u128 {
        return None;
    }
    Some(match op {
        // Both operands fit 64 bits: one widening multiply per row.
        Operator::Multiply => zip_with(a, b, n, |x, y| (x as i64 as i128) * (y as i64 as i128)),
        Operator::Plus => zip_with(a, b, n, |x, y| x * ml + y * mr),
        _ => zip_with(a, b, n, |x, y| x * ml - y * mr),
    })
}

/// `f(a[i], b[i])` for every row, with a loop specialized per array/scalar shape.
#[inline(always)]
fn zip_with(a: &Side<'_>, b: &Side<'_>, n: usize, f: impl Fn(i128, i128) -> i128) -> Vec<i128> {
    match (a, b) {
        (Side::Array(x), Side::Array(y)) => x.values().iter().zip(y.values().iter()).map(|(&x, &y)| f(x, y)).collect(),
        (Side::Array(x), Side::Scalar(y)) => x.values().iter().map(|&x| f(x, *y)).collect(),
        (Side::Scalar(x), Side::Array(y)) => y.values().iter().map(|&y| f(*x, y)).collect(),
        (Side::Scalar(x), Side::Scalar(y)) => vec![f(*x, *y); n],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(values: Vec<Option<i128>>, p: u8, s: i8) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(Decimal128Array::from(values).with_precision_and_scale(p, s).unwrap()))
    }

    fn values(v: ColumnarValue) -> Vec<Option<i128>> {
        let a = v.into_array(0).unwrap();
        a.as_primitive::<Decimal128Type>().iter().collect()
    }

    #[test]
    fn multiplies_adds_and_rounds_half_up() {
        // 1.25 * 2.50 = 3.1250 (scale 4)
        let out = try_decimal_i128(Operator::Multiply, &dec(vec![Some(125), None, Some(-125)], 5, 2), &dec(vec![Some(250), Some(1), Some(250)], 5, 2), &DataType::Decimal128(11, 4)).unwrap().unwrap();
        assert_eq!(values(out), vec![Some(31250), None, Some(-31250)]);
        // rounded to scale 3: 3.125 exactly; 0.0125*... check HALF_UP away from zero
        let out = try_decimal_i128(Operator::Multiply, &dec(vec![Some(5)], 3, 2), &dec(vec![Some(5)], 3, 2), &DataType::Decimal128(7, 3)).unwrap().unwrap();
        assert_eq!(values(out), vec![Some(3)]); // 0.0025 → 0.003
        let out = try_decimal_i128(Operator::Minus, &ColumnarValue::Scalar(ScalarValue::Decimal128(Some(1), 10, 0)), &dec(vec![Some(5), Some(100)], 15, 2), &DataType::Decimal128(16, 2)).unwrap().unwrap();
        assert_eq!(values(out), vec![Some(95), Some(0)]);
    }

    #[test]
    fn overflow_falls_back_to_the_exact_path() {
        let big = 10i128.pow(37);
        assert!(try_decimal_i128(Operator::Multiply, &dec(vec![Some(big)], 38, 0), &dec(vec![Some(big)], 38, 0), &DataType::Decimal128(38, 0)).unwrap().is_none());
        assert!(try_decimal_i128(Operator::Plus, &dec(vec![Some(99)], 2, 0), &dec(vec![Some(1)], 2, 0), &DataType::Decimal128(2, 0)).unwrap().is_none());
    }
}
