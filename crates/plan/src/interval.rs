//! Spark's ANSI interval types in plans. The Arrow storage of each type and the start and
//! end fields Arrow cannot hold are described in [`ember_common::interval_type`]; here
//! are the Arrow types typing rules test for, and interval literals.
//!
//! Typing decides on Arrow types alone (`date ± interval day` is a date because
//! `interval day` has its own Arrow type); the start and end fields of an expression's
//! interval type come from [`crate::Expr::interval_type`].

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, DurationMicrosecondArray, IntervalDayTimeArray, IntervalYearMonthArray};
use arrow::datatypes::{DataType, DurationMicrosecondType, IntervalDayTime, IntervalDayTimeType, IntervalUnit, IntervalYearMonthType, TimeUnit};
use ember_common::interval_type::day_time_micros;
pub use ember_common::interval_type::{IntervalField, IntervalType, MICROS_PER_DAY};
use ember_common::{Error, Result};

use crate::ScalarValue;

pub const YEAR_MONTH: DataType = DataType::Interval(IntervalUnit::YearMonth);
pub const DAY: DataType = DataType::Interval(IntervalUnit::DayTime);
pub const DAY_TIME: DataType = DataType::Duration(TimeUnit::Microsecond);

pub fn is_year_month(dt: &DataType) -> bool {
    dt == &YEAR_MONTH
}

/// Spark's `interval day` or any other day-time interval type.
pub fn is_day_time(dt: &DataType) -> bool {
    dt == &DAY || dt == &DAY_TIME
}

pub fn is_interval(dt: &DataType) -> bool {
    is_year_month(dt) || is_day_time(dt)
}

/// The values of an interval array as Spark holds them: months (year-month types) or
/// microseconds (day-time types); `None` for arrays of other types.
pub fn interval_values(a: &dyn Array) -> Option<Vec<Option<i64>>> {
    let valid = |i: usize| a.is_valid(i);
    Some(match a.data_type() {
        DataType::Interval(IntervalUnit::YearMonth) => {
            let p = a.as_primitive::<IntervalYearMonthType>();
            (0..a.len()).map(|i| valid(i).then(|| p.value(i) as i64)).collect()
        }
        DataType::Interval(IntervalUnit::DayTime) => {
            let p = a.as_primitive::<IntervalDayTimeType>();
            (0..a.len())
                .map(|i| valid(i).then(|| day_time_micros(p.value(i).days, p.value(i).milliseconds)))
                .collect()
        }
        DataType::Duration(TimeUnit::Microsecond) => {
            let p = a.as_primitive::<DurationMicrosecondType>();
            (0..a.len()).map(|i| valid(i).then(|| p.value(i))).collect()
        }
        _ => return None,
    })
}

/// An array of type `t` (in its Arrow storage) from months or microseconds; a value the
/// storage cannot hold (more months than an `i32`) is an internal error, as callers
/// check their ranges first.
pub fn interval_array(values: Vec<Option<i64>>, t: IntervalType) -> Result<ArrayRef> {
    let narrow = |x: i64| i32::try_from(x).map_err(|_| Error::internal(format!("interval value {x} out of range for {t}")));
    Ok(match t.arrow_type() {
        DataType::Interval(IntervalUnit::YearMonth) => Arc::new(
            values.into_iter().map(|v| v.map(narrow).transpose()).collect::<Result<IntervalYearMonthArray>>()?,
        ),
        DataType::Interval(IntervalUnit::DayTime) => Arc::new(
            values
                .into_iter()
                .map(|v| v.map(|m| narrow(m / MICROS_PER_DAY).map(|d| IntervalDayTime::new(d, 0))).transpose())
                .collect::<Result<IntervalDayTimeArray>>()?,
        ),
        _ => Arc::new(DurationMicrosecondArray::from(values)),
    })
}

/// `INTERVAL_ARITHMETIC_OVERFLOW`: interval arithmetic out of the type's range, which
/// Spark raises whatever the ANSI setting; `try_fn` names the `try_` function that
/// returns NULL instead, where there is one (`try_add`).
pub fn interval_overflow(try_fn: Option<&str>) -> Error {
    let (sub, advice) = match try_fn {
        Some(f) => ("WITH_SUGGESTION", format!("Use `{f}` to tolerate overflow and return NULL instead.")),
        None => ("WITHOUT_SUGGESTION", "Try devising appropriate values for the interval parameters.".to_string()),
    };
    Error::new(ember_common::ErrorKind::Other {
        class: format!("INTERVAL_ARITHMETIC_OVERFLOW.{sub}"),
        sqlstate: Some("22015".into()),
        message: format!("Integer overflow while operating with intervals. {advice}"),
    })
}

/// An `interval year to month` literal of `months` months.
pub fn year_month_interval(months: i32) -> ScalarValue {
    ScalarValue::Interval(Some(months as i64), IntervalType::YEAR_TO_MONTH)
}

/// An `interval day` literal of `days` days.
pub fn day_interval(days: i32) -> ScalarValue {
    ScalarValue::Interval(Some(day_time_micros(days, 0)), IntervalType::DAY)
}

/// An `interval day to second` literal of `micros` microseconds.
pub fn day_time_interval(micros: i64) -> ScalarValue {
    ScalarValue::Interval(Some(micros), IntervalType::DAY_TO_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_show_their_type() {
        assert_eq!(year_month_interval(3).to_string(), "INTERVAL '0-3' YEAR TO MONTH");
        assert_eq!(day_interval(90).to_string(), "INTERVAL '90' DAY");
        assert_eq!(day_interval(90).data_type(), DAY);
        assert_eq!(day_time_interval(93_784_500_000).to_string(), "INTERVAL '1 02:03:04.5' DAY TO SECOND");
    }
}
