//! Decimal arithmetic on unscaled i128 values for the aggregates: precision checks and
//! Spark's HALF_UP division and rescaling.

use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind};
use ember_plan::coercion::adjust_precision_scale;

/// 10^n for n <= 38.
pub fn pow10(n: u32) -> i128 {
    POW10[n.min(38) as usize] as i128
}

/// True if `v` has at most `precision` digits.
pub fn fits(v: i128, precision: u8) -> bool {
    v.unsigned_abs() < POW10[precision.min(38) as usize]
}

/// `10^n` for `n` in `0..=38`: `fits` runs once per aggregated row.
const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// The ARITHMETIC_OVERFLOW Spark raises when a decimal sum overflows.
pub fn sum_overflow() -> Error {
    Error::new(ErrorKind::ArithmeticOverflow { op: "sum".into(), message: "Overflow in sum of decimals".into() })
}

/// `n / d` with `extra` more decimal digits, rounded HALF_UP; `None` on overflow.
pub fn div_half_up(n: i128, d: i128, extra: u32) -> Option<i128> {
    if d == 0 {
        return None;
    }
    let negative = (n < 0) != (d < 0);
    let (a, d) = (n.unsigned_abs(), d.unsigned_abs());
    let mut q = a / d;
    let mut r = a % d;
    for _ in 0..extra {
        q = q.checked_mul(10)?;
        r = r.checked_mul(10)?;
        q = q.checked_add(r / d)?;
        r %= d;
    }
    if r.checked_mul(2)? >= d {
        q = q.checked_add(1)?;
    }
    let q = i128::try_from(q).ok()?;
    Some(if negative { -q } else { q })
}

/// Changes the scale of `v` from `from` to `to`, rounding HALF_UP; `None` on overflow.
pub fn rescale(v: i128, from: i8, to: i8) -> Option<i128> {
    if to >= from {
        v.checked_mul(pow10((to - from) as u32))
    } else {
        div_half_up(v, pow10((from - to) as u32), 0)
    }
}

/// Spark's decimal average: `sum` (scale `s`, type precision `sum_p`) divided by
/// `count` as `decimal(20,0)`, rounded to the division's scale, then cast to
/// `decimal(rp, rs)`. `None` when the result does not fit.
pub fn avg(sum: i128, count: i64, sum_p: u8, s: i8, rp: u8, rs: i8) -> Option<i128> {
    let (p1, s1) = (sum_p as i32, s as i32);
    let scale = 6.max(s1 + 20 + 1);
    let precision = p1 - s1 + scale;
    let (dp, ds) = match adjust_precision_scale(precision, scale) {
        DataType::Decimal128(p, s) => (p, s),
        _ => return None,
    };
    let extra = (ds as i32 - s1).max(0) as u32;
    let q = div_half_up(sum, count as i128, extra)?;
    if !fits(q, dp) {
        return None;
    }
    let out = rescale(q, ds, rs)?;
    fits(out, rp).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_half_up() {
        assert_eq!(div_half_up(5, 2, 0), Some(3));
        assert_eq!(div_half_up(-5, 2, 0), Some(-3));
        assert_eq!(div_half_up(1, 3, 4), Some(3333));
        assert_eq!(div_half_up(2, 3, 4), Some(6667));
        assert_eq!(rescale(12345, 3, 1), Some(123));
        assert_eq!(rescale(12355, 3, 1), Some(124));
        assert_eq!(rescale(-12355, 3, 1), Some(-124));
        assert_eq!(rescale(12, 1, 3), Some(1200));
    }

    #[test]
    fn precision_checks() {
        assert!(fits(99999, 5));
        assert!(!fits(-100000, 5));
        assert!(!fits(10i128.pow(38), 38));
    }

    #[test]
    fn spark_average() {
        // avg of 1.00, 2.00 (decimal(3,2)) = 1.500000 as decimal(7,6)
        assert_eq!(avg(300, 2, 13, 2, 7, 6), Some(1_500_000));
        // 1/3 with decimal(10,0) input → decimal(14,4)
        assert_eq!(avg(1, 3, 20, 0, 14, 4), Some(3333));
        assert_eq!(avg(2, 3, 20, 0, 14, 4), Some(6667));
    }
}
