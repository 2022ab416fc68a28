//! Operand and result types of arithmetic on dates, timestamps and ANSI intervals
//! (Spark's `ResolveBinaryArithmetic`): `date ± interval`, `timestamp ± interval`,
//! `date - date` (an `interval day`), `timestamp - timestamp`, `interval ± interval`,
//! `interval * number` and `interval / number`. Interval types: see [`crate::interval`].
//! The SQL binder writes `datetime ± interval` as [`Operator::DatetimeAdd`] and
//! [`Operator::DatetimeSub`] (typed by [`datetime_operator_signature`]), `date ± int`
//! and `date ± interval day` as `date_add` / `date_sub` calls, as Spark's analyzer does.

use arrow::datatypes::{DataType, TimeUnit};
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::coercion::{is_integral, is_numeric, is_string, BinarySignature};
use crate::interval::{is_day_time, is_interval, is_year_month, DAY, DAY_TIME, YEAR_MONTH};
use crate::operator::Operator;

fn sig(left: &DataType, right: &DataType, result: DataType) -> Option<BinarySignature> {
    Some(BinarySignature {
        left: left.clone(),
        right: right.clone(),
        result,
    })
}

fn is_timestamp(dt: &DataType) -> bool {
    matches!(dt, DataType::Timestamp(_, _))
}

/// The timestamp type of `date ± interval day to second` (a `TIMESTAMP`; the value is
/// computed in the session time zone).
fn date_time_result() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// The signature of `datetime op interval` for [`Operator::DatetimeAdd`] and
/// [`Operator::DatetimeSub`] (Spark's `TimeAdd`, `DateAddYMInterval`,
/// `TimestampAddYMInterval`): a NULL interval is an `interval day to second`; anything
/// but a date or timestamp on the left is Spark's `TimeAdd` type error.
pub fn datetime_operator_signature(left: &DataType, right: &DataType, expr: &str) -> Result<BinarySignature> {
    use DataType as D;
    let right = if right == &D::Null { &DAY_TIME } else { right };
    let result = match (left, right) {
        (D::Date32, i) if is_year_month(i) || i == &DAY => Some(D::Date32),
        (D::Date32, i) if i == &DAY_TIME => Some(date_time_result()),
        (t, i) if is_timestamp(t) && is_interval(i) => Some(t.clone()),
        _ => None,
    };
    match result {
        Some(result) => Ok(BinarySignature { left: left.clone(), right: right.clone(), result }),
        None => Err(Error::new(ErrorKind::DatatypeMismatch {
            sub: "UNEXPECTED_INPUT_TYPE",
            expr: format!("\"{expr}\""),
            message: format!(
                "The first parameter requires the \"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" type, however the operand has the type \"{}\".",
                catalog_string(left).to_uppercase()
            ),
        })),
    }
}

/// The signature of `left op right` when a date, timestamp or interval takes part in
/// `+ - * /`; `None` leaves the operator to the numeric rules (which report errors).
pub fn datetime_signature(
    left: &DataType,
    op: Operator,
    right: &DataType,
) -> Option<BinarySignature> {
    use DataType as D;
    use Operator::*;
    let (l, r) = (left, right);
    match op {
        Plus | Minus => {
            match (l, r) {
                // intervals with NULL take the interval's type
                (D::Null, i) if is_interval(i) => sig(i, i, i.clone()),
                (i, D::Null) if is_interval(i) => sig(i, i, i.clone()),
                // Spark's SubtractDates and SubtractTimestamps with a NULL or a date string
                (D::Date32, D::Null) | (D::Null, D::Date32) if op == Minus => sig(&D::Date32, &D::Date32, DAY),
                (D::Date32, s) | (s, D::Date32) if op == Minus && is_string(s) => sig(&D::Date32, &D::Date32, DAY),
                (t, D::Null) | (D::Null, t) if op == Minus && is_timestamp(t) => sig(t, t, DAY_TIME),
                // DateAdd with a NULL day count (the DataFrame API's `date + NULL`)
                (D::Date32, D::Null) => sig(l, &D::Int32, D::Date32),
                (D::Date32, i) if is_year_month(i) || i == &DAY => sig(l, r, D::Date32),
                (i, D::Date32) if op == Plus && (is_year_month(i) || i == &DAY) => {
                    sig(l, r, D::Date32)
                }
                (D::Date32, i) if i == &DAY_TIME => sig(l, r, date_time_result()),
                (i, D::Date32) if op == Plus && i == &DAY_TIME => sig(l, r, date_time_result()),
                (t, i) if is_timestamp(t) && is_interval(i) => sig(l, r, t.clone()),
                (i, t) if op == Plus && is_timestamp(t) && is_interval(i) => sig(l, r, t.clone()),
                (D::Date32, D::Date32) if op == Minus => sig(l, r, DAY),
                (a, b)
                    if op == Minus
                        && (is_timestamp(a) || is_timestamp(b))
                        && matches!(a, D::Date32 | D::Timestamp(_, _))
                        && matches!(b, D::Date32 | D::Timestamp(_, _)) =>
                {
                    sig(l, r, DAY_TIME)
                }
                (a, b) if is_year_month(a) && is_year_month(b) => sig(l, r, YEAR_MONTH),
                (a, b) if a == &DAY && b == &DAY => sig(l, r, DAY),
                (a, b) if is_day_time(a) && is_day_time(b) => sig(l, r, DAY_TIME),
                _ => None,
            }
        }
        Multiply | Divide => {
            let number = |n: &DataType| -> Option<DataType> {
                if is_integral(n) {
                    Some(D::Int64)
                } else if is_numeric(n) || is_string(n) || n == &D::Null {
                    Some(D::Float64)
                } else {
                    None
                }
            };
            let class = |i: &DataType| {
                if is_year_month(i) {
                    YEAR_MONTH
                } else {
                    DAY_TIME
                }
            };
            match (l, r) {
                (i, n) if is_interval(i) => sig(l, &number(n)?, class(i)),
                (n, i) if op == Multiply && is_interval(i) => sig(&number(n)?, r, class(i)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_result_types() {
        let res = |l: &DataType, op, r: &DataType| datetime_signature(l, op, r).map(|s| s.result);
        assert_eq!(
            res(&DataType::Date32, Operator::Minus, &DAY),
            Some(DataType::Date32)
        );
        assert_eq!(
            res(&DataType::Date32, Operator::Plus, &YEAR_MONTH),
            Some(DataType::Date32)
        );
        assert_eq!(
            res(&DataType::Date32, Operator::Minus, &DataType::Date32),
            Some(DAY)
        );
        assert_eq!(
            res(&YEAR_MONTH, Operator::Multiply, &DataType::Int32),
            Some(YEAR_MONTH)
        );
        assert_eq!(
            res(&DAY, Operator::Multiply, &DataType::Int32),
            Some(DAY_TIME)
        );
        assert_eq!(
            res(&DataType::Int32, Operator::Plus, &DataType::Int32),
            None
        );
    }
}
