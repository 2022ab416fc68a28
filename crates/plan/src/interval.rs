//! Spark's ANSI interval types over Arrow, chosen once for the whole engine:
//!
//! | Spark type                         | Arrow type                    | value              |
//! |------------------------------------|-------------------------------|--------------------|
//! | `interval year to month` (and `interval year`, `interval month`) | `Interval(YearMonth)` | months (i32) |
//! | `interval day`                     | `Interval(DayTime)`, 0 ms     | days               |
//! | `interval day to second` (and every other day-time range) | `Duration(Microsecond)` | microseconds (i64) |
//!
//! Arrow types carry no start/end fields, so year-month values always display as Spark
//! displays its default `YearMonthIntervalType()` (`INTERVAL '0-3' YEAR TO MONTH`) and
//! day-time values other than whole days as `DayTimeIntervalType()`
//! (`INTERVAL '1 02:00:00' DAY TO SECOND`). Whole-day intervals keep their own type because
//! Spark's `date ± interval day` is a date, while `date ± interval day to second` is a timestamp.

use std::sync::Arc;

use arrow::array::{DurationMicrosecondArray, IntervalDayTimeArray, IntervalYearMonthArray};
use arrow::datatypes::{DataType, IntervalDayTime, IntervalUnit, TimeUnit};

use crate::ScalarValue;

pub const YEAR_MONTH: DataType = DataType::Interval(IntervalUnit::YearMonth);
pub const DAY: DataType = DataType::Interval(IntervalUnit::DayTime);
pub const DAY_TIME: DataType = DataType::Duration(TimeUnit::Microsecond);

pub const MICROS_PER_DAY: i64 = 86_400_000_000;

pub fn is_year_month(dt: &DataType) -> bool {
    dt == &YEAR_MONTH
}

/// Spark's `interval day` or `interval day to second`.
pub fn is_day_time(dt: &DataType) -> bool {
    dt == &DAY || dt == &DAY_TIME
}

pub fn is_interval(dt: &DataType) -> bool {
    is_year_month(dt) || is_day_time(dt)
}

/// A year-month interval literal of `months` months.
pub fn year_month_interval(months: i32) -> ScalarValue {
    ScalarValue::Nested(Arc::new(IntervalYearMonthArray::from(vec![months])))
}

/// An `interval day` literal of `days` days.
pub fn day_interval(days: i32) -> ScalarValue {
    ScalarValue::Nested(Arc::new(IntervalDayTimeArray::from(vec![
        IntervalDayTime::new(days, 0),
    ])))
}

/// An `interval day to second` literal of `micros` microseconds.
pub fn day_time_interval(micros: i64) -> ScalarValue {
    ScalarValue::Nested(Arc::new(DurationMicrosecondArray::from(vec![micros])))
}

/// Micros as `ss[.ffffff]` with trailing zeros dropped (Java's `stripTrailingZeros`).
fn seconds_string(micros: u64) -> String {
    let (secs, frac) = (micros / 1_000_000, micros % 1_000_000);
    if frac == 0 {
        format!("{secs:02}")
    } else {
        format!("{secs:02}.{}", format!("{frac:06}").trim_end_matches('0'))
    }
}

/// Spark's `INTERVAL '1-2' YEAR TO MONTH`.
pub fn format_year_month(months: i32) -> String {
    let sign = if months < 0 { "-" } else { "" };
    let m = months.unsigned_abs();
    format!("INTERVAL '{sign}{}-{}' YEAR TO MONTH", m / 12, m % 12)
}

/// Spark's `INTERVAL '90' DAY`.
pub fn format_day(days: i32) -> String {
    format!("INTERVAL '{days}' DAY")
}

/// Spark's `INTERVAL '1 02:03:04.5' DAY TO SECOND`.
pub fn format_day_time(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    let (days, rest) = (m / MICROS_PER_DAY as u64, m % MICROS_PER_DAY as u64);
    format!(
        "INTERVAL '{sign}{days} {:02}:{:02}:{}' DAY TO SECOND",
        rest / 3_600_000_000,
        rest / 60_000_000 % 60,
        seconds_string(rest % 60_000_000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_spark() {
        assert_eq!(format_year_month(14), "INTERVAL '1-2' YEAR TO MONTH");
        assert_eq!(format_year_month(-3), "INTERVAL '-0-3' YEAR TO MONTH");
        assert_eq!(format_day(-90), "INTERVAL '-90' DAY");
        assert_eq!(
            format_day_time(93_784_500_000),
            "INTERVAL '1 02:03:04.5' DAY TO SECOND"
        );
        assert_eq!(
            year_month_interval(3).to_string(),
            "INTERVAL '0-3' YEAR TO MONTH"
        );
        assert_eq!(day_interval(90).data_type(), DAY);
    }
}
