//! DataFrame wrappers for Spark's date and time functions (year, date_add, date_format, …)
//! and interval literals for date arithmetic (`col("d").plus(interval_months(3))`).
//! Patterns use Spark's datetime pattern letters (`yyyy-MM-dd HH:mm:ss`).

use ember_plan::interval::{day_interval, day_time_interval, year_month_interval};

use super::{call_function, lit};
use crate::column::Column;

/// An `INTERVAL 'n' MONTH` literal (Spark's year-month interval).
pub fn interval_months(months: i32) -> Column {
    Column::from_expr(ember_plan::Expr::Literal(year_month_interval(months)))
}
/// An `INTERVAL 'n' DAY` literal: `date ± interval_days(n)` is a date.
pub fn interval_days(days: i32) -> Column {
    Column::from_expr(ember_plan::Expr::Literal(day_interval(days)))
}
/// An `interval day to second` literal of `micros` microseconds.
pub fn interval_micros(micros: i64) -> Column {
    Column::from_expr(ember_plan::Expr::Literal(day_time_interval(micros)))
}

/// The date `c` (a date, timestamp or `yyyy-MM-dd` string) as a date.
pub fn to_date(c: Column) -> Column {
    call_function("to_date", vec![c])
}
/// `c` parsed with a Spark pattern, as a date.
pub fn to_date_fmt(c: Column, format: &str) -> Column {
    call_function("to_date", vec![c, lit(format)])
}
pub fn to_timestamp(c: Column) -> Column {
    call_function("to_timestamp", vec![c])
}
/// `c` parsed with a Spark pattern, as a timestamp in the session time zone.
pub fn to_timestamp_fmt(c: Column, format: &str) -> Column {
    call_function("to_timestamp", vec![c, lit(format)])
}
/// `c` formatted with a Spark pattern.
pub fn date_format(c: Column, format: &str) -> Column {
    call_function("date_format", vec![c, lit(format)])
}
pub fn year(c: Column) -> Column {
    call_function("year", vec![c])
}
pub fn quarter(c: Column) -> Column {
    call_function("quarter", vec![c])
}
pub fn month(c: Column) -> Column {
    call_function("month", vec![c])
}
pub fn dayofmonth(c: Column) -> Column {
    call_function("dayofmonth", vec![c])
}
/// 1 = Sunday … 7 = Saturday.
pub fn dayofweek(c: Column) -> Column {
    call_function("dayofweek", vec![c])
}
pub fn dayofyear(c: Column) -> Column {
    call_function("dayofyear", vec![c])
}
/// The ISO-8601 week of the year.
pub fn weekofyear(c: Column) -> Column {
    call_function("weekofyear", vec![c])
}
pub fn hour(c: Column) -> Column {
    call_function("hour", vec![c])
}
pub fn minute(c: Column) -> Column {
    call_function("minute", vec![c])
}
pub fn second(c: Column) -> Column {
    call_function("second", vec![c])
}
/// `date_part(field, c)` with Spark's field names (`year`, `dow`, `doy`, `second`, …).
pub fn date_part(field: &str, c: Column) -> Column {
    call_function("date_part", vec![lit(field), c])
}
pub fn date_add(c: Column, days: i32) -> Column {
    call_function("date_add", vec![c, lit(days)])
}
pub fn date_sub(c: Column, days: i32) -> Column {
    call_function("date_sub", vec![c, lit(days)])
}
/// Days from `start` to `end`.
pub fn datediff(end: Column, start: Column) -> Column {
    call_function("datediff", vec![end, start])
}
/// `c` plus `months` months, clamped to the end of the month.
pub fn add_months(c: Column, months: i32) -> Column {
    call_function("add_months", vec![c, lit(months)])
}
/// Months between two timestamps, rounded to 8 digits when `round_off`.
pub fn months_between(end: Column, start: Column, round_off: bool) -> Column {
    call_function("months_between", vec![end, start, lit(round_off)])
}
pub fn last_day(c: Column) -> Column {
    call_function("last_day", vec![c])
}
/// The first date after `c` that falls on `day_of_week` (`"Mon"`, `"tuesday"`, …).
pub fn next_day(c: Column, day_of_week: &str) -> Column {
    call_function("next_day", vec![c, lit(day_of_week)])
}
/// A timestamp truncated to `format` (`year`, `quarter`, `month`, `week`, `day`, `hour`, …).
pub fn date_trunc(format: &str, c: Column) -> Column {
    call_function("date_trunc", vec![lit(format), c])
}
/// A date truncated to `format` (`year`, `quarter`, `month`, `week`).
pub fn trunc(c: Column, format: &str) -> Column {
    call_function("trunc", vec![c, lit(format)])
}
pub fn make_date(year: Column, month: Column, day: Column) -> Column {
    call_function("make_date", vec![year, month, day])
}
/// Seconds since the epoch of a timestamp, or of a string in `yyyy-MM-dd HH:mm:ss`.
pub fn unix_timestamp(c: Column) -> Column {
    call_function("unix_timestamp", vec![c])
}
/// Seconds since the epoch of a string parsed with a Spark pattern.
pub fn unix_timestamp_fmt(c: Column, format: &str) -> Column {
    call_function("unix_timestamp", vec![c, lit(format)])
}
/// Seconds since the epoch formatted as `yyyy-MM-dd HH:mm:ss` in the session time zone.
pub fn from_unixtime(c: Column) -> Column {
    call_function("from_unixtime", vec![c])
}
pub fn from_unixtime_fmt(c: Column, format: &str) -> Column {
    call_function("from_unixtime", vec![c, lit(format)])
}
pub fn current_date() -> Column {
    call_function("current_date", vec![])
}
pub fn current_timestamp() -> Column {
    call_function("current_timestamp", vec![])
}
