//! Names of days and months: `dayname(d)` (`Mon`, …) and `monthname(d)` (`Jan`, …), as
//! Spark's `EEE` and `MMM` patterns print them.

use std::sync::Arc;

use arrow::array::StringArray;
use arrow::datatypes::DataType;
use chrono::Datelike;
use ember_plan::datetime::date_of_days;

use super::datetime_args::{as_days, DatetimeFn, Param};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

pub fn dayname() -> DatetimeFn {
    DatetimeFn::new("dayname", &[Param::Datetime], || DataType::Utf8, |a, _, env| {
        let out: StringArray = as_days(&a[0], env)?
            .into_iter()
            .map(|d| d.and_then(date_of_days).map(|d| DAYS[d.weekday().num_days_from_monday() as usize]))
            .collect();
        Ok(Arc::new(out))
    })
}

pub fn monthname() -> DatetimeFn {
    DatetimeFn::new("monthname", &[Param::Datetime], || DataType::Utf8, |a, _, env| {
        let out: StringArray = as_days(&a[0], env)?
            .into_iter()
            .map(|d| d.and_then(date_of_days).map(|d| MONTHS[d.month0() as usize]))
            .collect();
        Ok(Arc::new(out))
    })
}
