//! Calendar functions on dates and timestamps: `date_add`, `date_sub`, `datediff`,
//! `add_months`, `months_between` (Spark's 31-day month fraction, rounded to 8 digits
//! unless `roundOff` is false), `last_day`, `next_day`, `date_trunc(fmt, ts)`,
//! `trunc(date, fmt)` and `make_date`. Invalid formats give NULL; invalid day names and
//! dates are errors under ANSI and NULL otherwise, as in Spark.

use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, Float64Array, Int32Array, TimestampMicrosecondArray};
use arrow::datatypes::DataType;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Weekday};
use ember_common::{Error, ErrorKind};
use ember_plan::datetime::{
    add_months_to_date, date_of_days, days_of_date, last_day_of_month, micros_of_day,
    MICROS_PER_SECOND,
};

use super::datetime_args::{
    as_days, as_micros, bools, ints, strings, timestamp_type, zone_of, DatetimeFn, Param,
};

fn date_type() -> DataType {
    DataType::Date32
}

fn int_type() -> DataType {
    DataType::Int32
}

fn double_type() -> DataType {
    DataType::Float64
}

fn dates(v: Vec<Option<i32>>) -> ArrayRef {
    Arc::new(Date32Array::from(v))
}

pub fn date_add() -> DatetimeFn {
    DatetimeFn::new(
        "date_add",
        &[Param::Datetime, Param::Int],
        date_type,
        |a, _, env| {
            let (d, n) = (as_days(&a[0], env)?, ints(&a[1]));
            Ok(dates(
                d.iter()
                    .zip(&n)
                    .map(|(d, n)| d.zip(*n).and_then(|(d, n)| d.checked_add(n)))
                    .collect(),
            ))
        },
    )
}

pub fn date_sub() -> DatetimeFn {
    DatetimeFn::new(
        "date_sub",
        &[Param::Datetime, Param::Int],
        date_type,
        |a, _, env| {
            let (d, n) = (as_days(&a[0], env)?, ints(&a[1]));
            Ok(dates(
                d.iter()
                    .zip(&n)
                    .map(|(d, n)| d.zip(*n).and_then(|(d, n)| d.checked_sub(n)))
                    .collect(),
            ))
        },
    )
}

pub fn datediff() -> DatetimeFn {
    DatetimeFn::new(
        "datediff",
        &[Param::Datetime, Param::Datetime],
        int_type,
        |a, _, env| {
            let (e, s) = (as_days(&a[0], env)?, as_days(&a[1], env)?);
            Ok(Arc::new(
                e.iter()
                    .zip(&s)
                    .map(|(e, s)| e.zip(*s).and_then(|(e, s)| e.checked_sub(s)))
                    .collect::<Int32Array>(),
            ))
        },
    )
}

pub fn add_months() -> DatetimeFn {
    DatetimeFn::new(
        "add_months",
        &[Param::Datetime, Param::Int],
        date_type,
        |a, _, env| {
            let (d, n) = (as_days(&a[0], env)?, ints(&a[1]));
            let out = d.iter().zip(&n).map(|(d, n)| {
                let (d, n) = d.zip(*n)?;
                Some(days_of_date(add_months_to_date(date_of_days(d)?, n)?))
            });
            Ok(dates(out.collect()))
        },
    )
}

fn is_last_day(d: NaiveDate) -> bool {
    last_day_of_month(d.year(), d.month()) == Some(d)
}

/// Spark's `DateTimeUtils.monthsBetween`.
fn months_between_local(t1: NaiveDateTime, t2: NaiveDateTime, round_off: bool) -> f64 {
    let (d1, d2) = (t1.date(), t2.date());
    let month_diff = (d1.year() * 12 + d1.month() as i32) - (d2.year() * 12 + d2.month() as i32);
    if d1.day() == d2.day() || (is_last_day(d1) && is_last_day(d2)) {
        return month_diff as f64;
    }
    let secs1 = micros_of_day(&t1) / MICROS_PER_SECOND;
    let secs2 = micros_of_day(&t2) / MICROS_PER_SECOND;
    let secs_diff = (d1.day() as i64 - d2.day() as i64) * 86_400 + secs1 - secs2;
    let diff = month_diff as f64 + secs_diff as f64 / (31.0 * 86_400.0);
    if round_off {
        // Java's Math.round: floor(x + 0.5)
        (diff * 1e8 + 0.5).floor() / 1e8
    } else {
        diff
    }
}

pub fn months_between() -> DatetimeFn {
    DatetimeFn::new(
        "months_between",
        &[Param::Datetime, Param::Datetime, Param::Bool],
        double_type,
        |a, n, env| {
            let (z1, z2) = (zone_of(&a[0], env), zone_of(&a[1], env));
            let (t1, t2) = (as_micros(&a[0], env)?, as_micros(&a[1], env)?);
            let round: Vec<Option<bool>> = if a.len() > 2 {
                bools(&a[2])
            } else {
                vec![Some(true); n]
            };
            let out = (0..n).map(|i| {
                let (x, y, r) = (t1[i]?, t2[i]?, round[i]?);
                Some(months_between_local(z1.to_local(x)?, z2.to_local(y)?, r))
            });
            Ok(Arc::new(out.collect::<Float64Array>()))
        },
    )
    .optional(2)
    .with_implicit(|given| {
        if given == 2 {
            vec![ember_plan::ScalarValue::Boolean(Some(true))]
        } else {
            Vec::new()
        }
    })
}

pub fn last_day() -> DatetimeFn {
    DatetimeFn::new("last_day", &[Param::Datetime], date_type, |a, _, env| {
        let d = as_days(&a[0], env)?;
        let out = d.iter().map(|d| {
            let d = date_of_days((*d)?)?;
            Some(days_of_date(last_day_of_month(d.year(), d.month())?))
        });
        Ok(dates(out.collect()))
    })
}

fn day_of_week(name: &str) -> Option<Weekday> {
    let n = name.trim().to_ascii_uppercase();
    Some(match n.as_str() {
        "MO" | "MON" | "MONDAY" => Weekday::Mon,
        "TU" | "TUE" | "TUESDAY" => Weekday::Tue,
        "WE" | "WED" | "WEDNESDAY" => Weekday::Wed,
        "TH" | "THU" | "THURSDAY" => Weekday::Thu,
        "FR" | "FRI" | "FRIDAY" => Weekday::Fri,
        "SA" | "SAT" | "SATURDAY" => Weekday::Sat,
        "SU" | "SUN" | "SUNDAY" => Weekday::Sun,
        _ => return None,
    })
}

pub fn next_day() -> DatetimeFn {
    DatetimeFn::new(
        "next_day",
        &[Param::Datetime, Param::Str],
        date_type,
        |a, n, env| {
            let (d, names) = (as_days(&a[0], env)?, strings(&a[1])?);
            let mut out = Vec::with_capacity(n);
            for (d, name) in d.iter().zip(&names) {
                let (Some(d), Some(name)) = (d, name) else {
                    out.push(None);
                    continue;
                };
                let Some(target) = day_of_week(name) else {
                    if env.ansi {
                        return Err(Error::new(ErrorKind::Other {
                            class: "ILLEGAL_DAY_OF_WEEK".into(),
                            sqlstate: Some("22009".into()),
                            message: format!("Illegal input for day of week: {name}."),
                        }));
                    }
                    out.push(None);
                    continue;
                };
                let from = date_of_days(*d).map(|x| x.weekday().num_days_from_monday() as i32);
                out.push(from.map(|f| {
                    let ahead = (target.num_days_from_monday() as i32 - f).rem_euclid(7);
                    d + if ahead == 0 { 7 } else { ahead }
                }));
            }
            Ok(dates(out))
        },
    )
}

/// A truncation level of `date_trunc` / `trunc`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Level {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
}

fn level(fmt: &str) -> Option<Level> {
    Some(match fmt.trim().to_ascii_uppercase().as_str() {
        "YEAR" | "YYYY" | "YY" => Level::Year,
        "QUARTER" => Level::Quarter,
        "MONTH" | "MM" | "MON" => Level::Month,
        "WEEK" => Level::Week,
        "DAY" | "DD" => Level::Day,
        "HOUR" => Level::Hour,
        "MINUTE" => Level::Minute,
        "SECOND" => Level::Second,
        "MILLISECOND" => Level::Millisecond,
        "MICROSECOND" => Level::Microsecond,
        _ => return None,
    })
}

fn trunc_date(d: NaiveDate, l: Level) -> Option<NaiveDate> {
    Some(match l {
        Level::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1)?,
        Level::Quarter => NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1)?,
        Level::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?,
        Level::Week => {
            d.checked_sub_signed(Duration::days(d.weekday().num_days_from_monday() as i64))?
        }
        _ => d,
    })
}

fn trunc_local(t: NaiveDateTime, l: Level) -> Option<NaiveDateTime> {
    if l <= Level::Day {
        return trunc_date(t.date(), l)?.and_hms_opt(0, 0, 0);
    }
    let nanos = t.nanosecond();
    let time = match l {
        Level::Hour => t.date().and_hms_opt(t.hour(), 0, 0)?,
        Level::Minute => t.date().and_hms_opt(t.hour(), t.minute(), 0)?,
        Level::Second => t.date().and_hms_opt(t.hour(), t.minute(), t.second())?,
        Level::Millisecond => t.date().and_hms_nano_opt(
            t.hour(),
            t.minute(),
            t.second(),
            nanos / 1_000_000 * 1_000_000,
        )?,
        _ => t,
    };
    Some(time)
}

pub fn date_trunc() -> DatetimeFn {
    DatetimeFn::new(
        "date_trunc",
        &[Param::Str, Param::Datetime],
        timestamp_type,
        |a, _, env| {
            let (fmts, ts) = (strings(&a[0])?, as_micros(&a[1], env)?);
            let zone = zone_of(&a[1], env);
            let out = fmts.iter().zip(&ts).map(|(f, t)| {
                let l = level(f.as_deref()?)?;
                zone.to_utc_micros(trunc_local(zone.to_local((*t)?)?, l)?)
            });
            Ok(Arc::new(
                out.collect::<TimestampMicrosecondArray>()
                    .with_timezone("UTC"),
            ))
        },
    )
}

pub fn trunc() -> DatetimeFn {
    DatetimeFn::new(
        "trunc",
        &[Param::Datetime, Param::Str],
        date_type,
        |a, _, env| {
            let (d, fmts) = (as_days(&a[0], env)?, strings(&a[1])?);
            let out = d.iter().zip(&fmts).map(|(d, f)| {
                let l = level(f.as_deref()?).filter(|l| *l <= Level::Week)?;
                Some(days_of_date(trunc_date(date_of_days((*d)?)?, l)?))
            });
            Ok(dates(out.collect()))
        },
    )
}

const MONTH_NAMES: [&str; 12] = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];

pub(super) fn out_of_bounds(message: String) -> Error {
    Error::new(ErrorKind::Other {
        class: "DATETIME_FIELD_OUT_OF_BOUNDS.WITH_SUGGESTION".into(),
        sqlstate: Some("22023".into()),
        message: format!("{message}. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error."),
    })
}

pub(super) fn make_one(y: i32, m: i32, d: i32) -> std::result::Result<NaiveDate, String> {
    if !(1..=12).contains(&m) {
        return Err(format!(
            "Invalid value for MonthOfYear (valid values 1 - 12): {m}"
        ));
    }
    if !(1..=31).contains(&d) {
        return Err(format!(
            "Invalid value for DayOfMonth (valid values 1 - 28/31): {d}"
        ));
    }
    NaiveDate::from_ymd_opt(y, m as u32, d as u32).ok_or_else(|| {
        if m == 2 && d == 29 {
            format!("Invalid date 'February 29' as '{y}' is not a leap year")
        } else {
            format!("Invalid date '{} {d}'", MONTH_NAMES[(m - 1) as usize])
        }
    })
}

pub fn make_date() -> DatetimeFn {
    DatetimeFn::new(
        "make_date",
        &[Param::Int, Param::Int, Param::Int],
        date_type,
        |a, n, env| {
            let (y, m, d) = (ints(&a[0]), ints(&a[1]), ints(&a[2]));
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let (Some(y), Some(m), Some(d)) = (y[i], m[i], d[i]) else {
                    out.push(None);
                    continue;
                };
                match make_one(y, m, d) {
                    Ok(date) => out.push(Some(days_of_date(date))),
                    Err(msg) if env.ansi => return Err(out_of_bounds(msg)),
                    Err(_) => out.push(None),
                }
            }
            Ok(dates(out))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn months_between_matches_spark() {
        assert_eq!(
            months_between_local(t("1997-02-28 10:30:00"), t("1996-10-30 00:00:00"), true),
            3.94959677
        );
        assert_eq!(
            months_between_local(t("2024-03-31 00:00:00"), t("2024-02-29 00:00:00"), true),
            1.0
        );
        assert_eq!(
            months_between_local(t("2024-01-15 00:00:00"), t("2024-01-15 12:00:00"), true),
            0.0
        );
    }

    #[test]
    fn truncation_and_days() {
        let d = NaiveDate::from_ymd_opt(2024, 8, 15).unwrap();
        assert_eq!(
            trunc_date(d, Level::Quarter),
            NaiveDate::from_ymd_opt(2024, 7, 1)
        );
        assert_eq!(
            trunc_date(d, Level::Week),
            NaiveDate::from_ymd_opt(2024, 8, 12)
        );
        assert_eq!(day_of_week("tu"), Some(Weekday::Tue));
        assert!(make_one(2023, 2, 29).is_err());
        assert!(make_one(2024, 13, 1).unwrap_err().contains("MonthOfYear"));
    }
}
