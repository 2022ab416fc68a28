//! Conversions between strings, numbers and datetimes: `to_date`, `to_timestamp` (with
//! and without a Spark pattern), `date_format`, `unix_timestamp`, `to_unix_timestamp`,
//! `from_unixtime`, and the clock: `current_date`, `current_timestamp`, `now`.
//! Unparseable input is NULL without ANSI and an error with it; a bad pattern is always
//! an error. Local times are read and written in the session time zone.

use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, Int64Array, TimestampMicrosecondArray};
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::datetime::{Zone, MICROS_PER_SECOND};
use ember_plan::ScalarValue;

use super::datetime_args::{
    as_days, as_micros, longs, strings, timestamp_type, zone_of, DatetimeFn, Env, Param,
};
use super::datetime_pattern::Pattern;
use super::utils::StringOut;

const DEFAULT_FORMAT: &str = "yyyy-MM-dd HH:mm:ss";

/// Compiles each row's pattern, reusing the last one while it repeats.
struct Patterns {
    last: Option<(String, Pattern)>,
}

impl Patterns {
    fn new() -> Self {
        Patterns { last: None }
    }

    fn get(&mut self, fmt: &str) -> Result<&Pattern> {
        if self.last.as_ref().map(|(f, _)| f.as_str()) != Some(fmt) {
            self.last = Some((fmt.to_string(), Pattern::compile(fmt)?));
        }
        match &self.last {
            Some((_, p)) => Ok(p),
            None => Err(Error::internal("pattern cache is empty")),
        }
    }
}

fn cannot_parse(text: &str, func: &str) -> Error {
    Error::new(ErrorKind::Other {
        class: "CANNOT_PARSE_TIMESTAMP".into(),
        sqlstate: Some("22007".into()),
        message: format!(
            "Text '{text}' could not be parsed with the given pattern. Use `try_{func}` to tolerate invalid input string and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error."
        ),
    })
}

/// Parses `text` with `pattern` to UTC micros: a parsed offset wins over the session zone.
fn parse_with(pattern: &Pattern, text: &str, zone: Zone) -> Option<i64> {
    let (local, offset) = pattern.parse(text)?;
    match offset {
        Some(secs) => {
            let utc = local.checked_sub_signed(chrono::Duration::seconds(secs as i64))?;
            Zone::UTC.to_utc_micros(utc)
        }
        None => zone.to_utc_micros(local),
    }
}

/// Micros of every row: strings parsed with the row's pattern (or cast without one),
/// dates and timestamps as they are.
pub(super) fn micros_with_format(a: &[ArrayRef], n: usize, env: &Env, func: &str) -> Result<Vec<Option<i64>>> {
    if a.len() < 2 || !ember_plan::coercion::is_string(a[0].data_type()) {
        return as_micros(&a[0], env);
    }
    let (texts, fmts) = (strings(&a[0])?, strings(&a[1])?);
    let mut patterns = Patterns::new();
    let mut out = Vec::with_capacity(n);
    for (t, f) in texts.iter().zip(&fmts) {
        let (Some(t), Some(f)) = (t, f) else {
            out.push(None);
            continue;
        };
        let p = patterns.get(f)?;
        match parse_with(p, t, env.zone) {
            Some(v) => out.push(Some(v)),
            None if env.ansi => return Err(cannot_parse(t, func)),
            None => out.push(None),
        }
    }
    Ok(out)
}

pub(super) fn timestamps(v: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMicrosecondArray::from(v).with_timezone("UTC"))
}

pub fn to_timestamp() -> DatetimeFn {
    DatetimeFn::new(
        "to_timestamp",
        &[Param::Datetime, Param::Str],
        timestamp_type,
        |a, n, env| Ok(timestamps(micros_with_format(a, n, env, "to_timestamp")?)),
    )
    .optional(1)
}

pub fn to_date() -> DatetimeFn {
    DatetimeFn::new(
        "to_date",
        &[Param::Datetime, Param::Str],
        || DataType::Date32,
        |a, n, env| {
            if a.len() < 2 || !ember_plan::coercion::is_string(a[0].data_type()) {
                return Ok(Arc::new(Date32Array::from(as_days(&a[0], env)?)));
            }
            let micros = micros_with_format(a, n, env, "to_date")?;
            Ok(Arc::new(
                micros
                    .iter()
                    .map(|m| m.and_then(|m| env.zone.micros_to_days(m)))
                    .collect::<Date32Array>(),
            ))
        },
    )
    .optional(1)
}

/// Formats UTC micros with each row's pattern in `zone`.
fn format_rows(
    name: &'static str,
    micros: &[Option<i64>],
    fmts: &[Option<String>],
    zone: Zone,
    zone_name: &str,
) -> Result<ArrayRef> {
    let mut out = StringOut::new(name, micros.len());
    let mut patterns = Patterns::new();
    for (m, f) in micros.iter().zip(fmts) {
        let (Some(m), Some(f)) = (m, f) else {
            out.push(None)?;
            continue;
        };
        let p = patterns.get(f)?;
        match zone.to_local(*m) {
            Some(local) => {
                let utc = chrono::DateTime::from_timestamp_micros(*m)
                    .map(|t| t.naive_utc())
                    .unwrap_or(local);
                let offset = (local - utc).num_seconds() as i32;
                out.push(Some(&p.format(&local, offset, zone_name)))?
            }
            None => out.push(None)?,
        }
    }
    Ok(out.finish())
}

pub fn date_format() -> DatetimeFn {
    DatetimeFn::new(
        "date_format",
        &[Param::Datetime, Param::Str],
        || DataType::Utf8,
        |a, _, env| {
            let micros = as_micros(&a[0], env)?;
            let fmts = strings(&a[1])?;
            let zone = zone_of(&a[0], env);
            let name = if a[0].data_type()
                == &DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, None)
            {
                "UTC"
            } else {
                env.zone_name.as_str()
            };
            format_rows("date_format", &micros, &fmts, zone, name)
        },
    )
}

fn seconds_of(micros: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(
        micros
            .into_iter()
            .map(|m| m.map(|m| m.div_euclid(MICROS_PER_SECOND)))
            .collect::<Int64Array>(),
    )
}

fn unix_seconds(a: &[ArrayRef], n: usize, env: &Env, func: &str) -> Result<ArrayRef> {
    if a.is_empty() {
        return Ok(seconds_of(vec![Some(now_micros())]));
    }
    if a.len() == 1 && ember_plan::coercion::is_string(a[0].data_type()) {
        let fmt: ArrayRef = Arc::new(arrow::array::StringArray::from(vec![DEFAULT_FORMAT; n]));
        return Ok(seconds_of(micros_with_format(
            &[a[0].clone(), fmt],
            n,
            env,
            func,
        )?));
    }
    Ok(seconds_of(micros_with_format(a, n, env, func)?))
}

pub fn unix_timestamp() -> DatetimeFn {
    DatetimeFn::new(
        "unix_timestamp",
        &[Param::Datetime, Param::Str],
        || DataType::Int64,
        |a, n, env| unix_seconds(a, n, env, "to_unix_timestamp"),
    )
    .optional(0)
    .nondeterministic()
    .with_implicit(default_format_after_one)
}

/// `f(x)` is shown and run as `f(x, 'yyyy-MM-dd HH:mm:ss')`, as Spark does.
fn default_format_after_one(given: usize) -> Vec<ScalarValue> {
    if given == 1 {
        vec![ScalarValue::Utf8(Some(DEFAULT_FORMAT.to_string()))]
    } else {
        Vec::new()
    }
}

pub fn to_unix_timestamp() -> DatetimeFn {
    DatetimeFn::new(
        "to_unix_timestamp",
        &[Param::Datetime, Param::Str],
        || DataType::Int64,
        |a, n, env| unix_seconds(a, n, env, "to_unix_timestamp"),
    )
    .optional(1)
    .with_implicit(default_format_after_one)
}

pub fn from_unixtime() -> DatetimeFn {
    DatetimeFn::new(
        "from_unixtime",
        &[Param::Long, Param::Str],
        || DataType::Utf8,
        |a, n, env| {
            let secs = longs(&a[0]);
            let micros: Vec<Option<i64>> = secs
                .iter()
                .map(|s| s.and_then(|s| s.checked_mul(MICROS_PER_SECOND)))
                .collect();
            let fmts = if a.len() > 1 {
                strings(&a[1])?
            } else {
                vec![Some(DEFAULT_FORMAT.to_string()); n]
            };
            format_rows("from_unixtime", &micros, &fmts, env.zone, &env.zone_name)
        },
    )
    .optional(1)
    .with_implicit(default_format_after_one)
}

pub(super) fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

pub fn current_timestamp() -> DatetimeFn {
    DatetimeFn::new("current_timestamp", &[], timestamp_type, |_, _, _| {
        Ok(timestamps(vec![Some(now_micros())]))
    })
    .nondeterministic()
}

pub fn now() -> DatetimeFn {
    DatetimeFn::new("now", &[], timestamp_type, |_, _, _| {
        Ok(timestamps(vec![Some(now_micros())]))
    })
    .nondeterministic()
}

pub fn current_date() -> DatetimeFn {
    DatetimeFn::new(
        "current_date",
        &[],
        || DataType::Date32,
        |_, _, env| {
            Ok(Arc::new(Date32Array::from(vec![env
                .zone
                .micros_to_days(now_micros())])))
        },
    )
    .nondeterministic()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, call_ctx, render, strs};
    use ember_plan::FunctionContext;

    #[test]
    fn parse_and_format_round_trip() {
        let out = call(
            &to_timestamp(),
            vec![
                strs(&[Some("31/12/2023 23:59"), Some("bad"), None]),
                strs(&[Some("dd/MM/yyyy HH:mm"); 3]),
            ],
        );
        assert_eq!(out.unwrap_err().class(), "CANNOT_PARSE_TIMESTAMP");
        let lenient = FunctionContext {
            ansi: false,
            ..Default::default()
        };
        let out = call_ctx(
            &to_date(),
            vec![
                strs(&[Some("31/12/2023"), Some("bad"), None]),
                strs(&[Some("dd/MM/yyyy"); 3]),
            ],
            &lenient,
        )
        .unwrap();
        assert_eq!(render(&out), "[2023-12-31, NULL, NULL]");
        let s = call(
            &date_format(),
            vec![
                strs(&[Some("2024-01-05 13:04:09")]),
                strs(&[Some("EEEE d MMM yyyy hh a")]),
            ],
        )
        .unwrap();
        assert_eq!(render(&s), "[Friday 5 Jan 2024 01 PM]");
    }
}
