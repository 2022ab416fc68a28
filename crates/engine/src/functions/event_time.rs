//! DataFrame wrappers for event-time windows: `window` (tumbling and sliding),
//! `session_window` and `window_time`, as in Spark's `functions`. Durations are Spark
//! interval strings (`"10 minutes"`, `"1 hour 30 minutes"`); months are refused.

use super::{call_function, lit};
use crate::column::Column;

/// The event-time window of `time` (a `window` column `struct<start, end>`): tumbling
/// windows of `window_duration`, or sliding ones every `slide_duration` (one row per
/// window that holds the time), offset by `start_time` from 1970-01-01 00:00:00 UTC.
///
/// ```
/// use ember::functions::{col, count, window};
/// let w = window(col("ts"), "10 minutes", Some("5 minutes"), None);
/// ```
pub fn window(time: impl Into<Column>, window_duration: &str, slide_duration: Option<&str>, start_time: Option<&str>) -> Column {
    let slide = slide_duration.unwrap_or(window_duration);
    let mut args = vec![time.into(), lit(window_duration), lit(slide)];
    if let Some(start) = start_time {
        args.push(lit(start));
    }
    call_function("window", args)
}

/// A session gap: a duration string (`"5 minutes"`, a literal as in PySpark's
/// `session_window(ts, "5 minutes")`) or a column giving each row's gap.
pub trait SessionGap {
    fn into_gap(self) -> Column;
}

impl SessionGap for &str {
    fn into_gap(self) -> Column {
        lit(self)
    }
}

impl SessionGap for String {
    fn into_gap(self) -> Column {
        lit(self.as_str())
    }
}

impl SessionGap for Column {
    fn into_gap(self) -> Column {
        self
    }
}

/// The session window of `time` (a `session_window` column `struct<start, end>`): each
/// row's session lasts `gap` (`"5 minutes"`, or a string column giving each row's
/// gap); sessions of one group key merge in an aggregation.
///
/// ```
/// use ember::functions::{col, session_window};
/// let fixed = session_window(col("ts"), "5 minutes");
/// let per_row = session_window(col("ts"), col("gap"));
/// ```
pub fn session_window(time: impl Into<Column>, gap: impl SessionGap) -> Column {
    call_function("session_window", vec![time.into(), gap.into_gap()])
}

/// The time of a window: its end minus one microsecond.
pub fn window_time(window: impl Into<Column>) -> Column {
    call_function("window_time", vec![window.into()])
}
