//! `timestampadd(unit, n, ts)` and `timestampdiff(unit, start, end)` (also spelled
//! `dateadd`/`date_add` and `datediff`/`date_diff` with a unit first; the binder turns
//! the unit keyword into the first, string argument). Units up to HOUR count exact
//! microseconds; DAY and longer work on the wall clock in the session zone, as
//! `java.time.LocalDateTime` does.

use std::sync::Arc;

use arrow::array::{Int64Array, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, TimeUnit};
use chrono::{Datelike, Duration, NaiveDateTime};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{is_numeric, is_string};
use ember_plan::datetime::{add_months_to_date, invalid_datetime_unit, Zone, DATETIME_UNITS};

use super::datetime_args::{as_micros, longs, strings, zone_of, Env};
use super::typed_fn::TypedFunction;
use super::utils::{string_arg, unexpected_type};

fn unit_micros(unit: &str) -> Option<i64> {
    Some(match unit {
        "MICROSECOND" => 1,
        "MILLISECOND" => 1000,
        "SECOND" => 1_000_000,
        "MINUTE" => 60_000_000,
        "HOUR" => 3_600_000_000,
        _ => return None,
    })
}

fn datetime_arg(name: &str, i: usize, d: &DataType) -> Result<DataType> {
    match d {
        DataType::Date32 | DataType::Null => Ok(super::datetime_args::timestamp_type()),
        DataType::Timestamp(_, _) => Ok(d.clone()),
        d if is_string(d) => Ok(super::datetime_args::timestamp_type()),
        d => Err(unexpected_type(name, i, "\"TIMESTAMP\"", d)),
    }
}

fn add(unit: &str, n: i64, m: i64, zone: Zone) -> Option<i64> {
    if let Some(u) = unit_micros(unit) {
        return m.checked_add(n.checked_mul(u)?);
    }
    let local = zone.to_local(m)?;
    let shifted = match unit {
        "DAY" | "DAYOFYEAR" => local.checked_add_signed(Duration::try_days(n)?)?,
        "WEEK" => local.checked_add_signed(Duration::try_days(n.checked_mul(7)?)?)?,
        _ => {
            let months = match unit {
                "MONTH" => n,
                "QUARTER" => n.checked_mul(3)?,
                _ => n.checked_mul(12)?,
            };
            add_months_to_date(local.date(), i32::try_from(months).ok()?)?.and_time(local.time())
        }
    };
    zone.to_utc_micros(shifted)
}

/// `LocalDateTime.until(end, unit)` for the date-based units.
fn until(s: NaiveDateTime, e: NaiveDateTime, unit: &str) -> i64 {
    let mut end_date = e.date();
    if end_date > s.date() && e.time() < s.time() {
        end_date = end_date.pred_opt().unwrap_or(end_date);
    } else if end_date < s.date() && e.time() > s.time() {
        end_date = end_date.succ_opt().unwrap_or(end_date);
    }
    let start = s.date();
    match unit {
        "DAY" | "DAYOFYEAR" => (end_date - start).num_days(),
        "WEEK" => (end_date - start).num_days() / 7,
        _ => {
            let packed = |d: chrono::NaiveDate| (d.year() as i64 * 12 + d.month0() as i64) * 32 + d.day() as i64;
            let months = (packed(end_date) - packed(start)) / 32;
            match unit {
                "MONTH" => months,
                "QUARTER" => months / 3,
                _ => months / 12,
            }
        }
    }
}

fn diff(unit: &str, s: i64, e: i64, zone: Zone) -> Option<i64> {
    if let Some(u) = unit_micros(unit) {
        return Some(e.checked_sub(s)? / u);
    }
    Some(until(zone.to_local(s)?, zone.to_local(e)?, unit))
}

fn unit_of(func: &str, u: &Option<String>) -> Result<Option<String>> {
    match u {
        None => Ok(None),
        Some(u) => {
            let up = u.to_ascii_uppercase();
            if DATETIME_UNITS.contains(&up.as_str()) {
                Ok(Some(up))
            } else {
                Err(invalid_datetime_unit(func, u))
            }
        }
    }
}

pub fn timestampadd() -> TypedFunction {
    TypedFunction {
        name: "timestampadd",
        min_args: 3,
        max_args: 3,
        coerce: |name, t| {
            let n = match &t[1] {
                d if is_numeric(d) || is_string(d) || d == &DataType::Null => DataType::Int64,
                d => return Err(unexpected_type(name, 2, "\"BIGINT\"", d)),
            };
            Ok(vec![string_arg(name, 1, &t[0])?, n, datetime_arg(name, 3, &t[2])?])
        },
        returns: |t| Ok(t[2].clone()),
        kernel: |name, a, n, ctx| {
            let env = Env::of(ctx);
            let (units, counts, ts) = (strings(&a[0])?, longs(&a[1]), as_micros(&a[2], &env)?);
            let zone = zone_of(&a[2], &env);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let unit = unit_of(name, &units[i])?;
                out.push(match (unit, counts[i], ts[i]) {
                    (Some(u), Some(c), Some(m)) => Some(add(&u, c, m, zone).ok_or_else(|| {
                        Error::new(ErrorKind::ArithmeticOverflow { op: "timestampadd".into(), message: "long overflow".into() })
                    })?),
                    _ => None,
                });
            }
            let arr = TimestampMicrosecondArray::from(out);
            Ok(match a[2].data_type() {
                DataType::Timestamp(TimeUnit::Microsecond, None) => Arc::new(arr),
                _ => Arc::new(arr.with_timezone("UTC")),
            })
        },
    }
}

pub fn timestampdiff() -> TypedFunction {
    TypedFunction {
        name: "timestampdiff",
        min_args: 3,
        max_args: 3,
        coerce: |name, t| {
            let (s, e) = (datetime_arg(name, 2, &t[1])?, datetime_arg(name, 3, &t[2])?);
            // both sides in one type: a timestamp_ntz meets a timestamp as a timestamp
            let common = if s == e { s } else { super::datetime_args::timestamp_type() };
            Ok(vec![string_arg(name, 1, &t[0])?, common.clone(), common])
        },
        returns: |_| Ok(DataType::Int64),
        kernel: |name, a, n, ctx| {
            let env = Env::of(ctx);
            let (units, s, e) = (strings(&a[0])?, as_micros(&a[1], &env)?, as_micros(&a[2], &env)?);
            let zone = zone_of(&a[1], &env);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let unit = unit_of(name, &units[i])?;
                out.push(match (unit, s[i], e[i]) {
                    (Some(u), Some(s), Some(e)) => diff(&u, s, e, zone),
                    _ => None,
                });
            }
            Ok(Arc::new(Int64Array::from(out)))
        },
    }
}
