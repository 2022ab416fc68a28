//! Plumbing shared by the datetime functions: Spark's default string → date and
//! string → timestamp parsing (the `CAST` syntax), datetime arguments read as days or
//! microseconds in the session time zone, and the `DatetimeFn` shape most of the
//! functions share (argument kinds, a fixed result type, an array evaluator).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Float64Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType,
};
use chrono::{NaiveDate, NaiveTime};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{is_integral, is_numeric, is_string};
use ember_plan::datetime::{days_of_date, Zone, MICROS_PER_SECOND};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::utils::{as_strings, check_arity, eval_arrays, string_arg, unexpected_type};

/// What a function's settings make of its input: the session zone and ANSI mode.
pub struct Env {
    pub zone: Zone,
    pub zone_name: String,
    pub ansi: bool,
}

impl Env {
    pub fn of(ctx: &FunctionContext) -> Env {
        Env {
            zone: Zone::of(&ctx.time_zone),
            zone_name: ctx.time_zone.to_string(),
            ansi: ctx.ansi,
        }
    }
}

/// The timestamp type datetime functions return (`TIMESTAMP`; values are UTC instants).
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")))
}

/// How a parameter is coerced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    /// a date, timestamp or string, read in `invoke` as days or micros
    Datetime,
    Int,
    Long,
    Double,
    Str,
    Bool,
}

fn coerce_param(name: &str, i: usize, p: Param, dt: &DataType) -> Result<DataType> {
    let ok = |t: DataType| Ok(t);
    match p {
        Param::Datetime => match dt {
            DataType::Date32 | DataType::Timestamp(_, _) | DataType::Null => ok(dt.clone()),
            d if is_string(d) => ok(DataType::Utf8),
            d => Err(unexpected_type(name, i + 1, "\"DATE\" or \"TIMESTAMP\"", d)),
        },
        Param::Int | Param::Long | Param::Double => {
            // ANSI implicit casts: integers widen, strings cast; decimals do not narrow to ints
            let accepted = if p == Param::Double {
                is_numeric(dt)
            } else {
                is_integral(dt)
            };
            if accepted || is_string(dt) || dt == &DataType::Null {
                ok(match p {
                    Param::Int => DataType::Int32,
                    Param::Long => DataType::Int64,
                    _ => DataType::Float64,
                })
            } else {
                let req = match p {
                    Param::Int => "\"INT\"",
                    Param::Long => "\"BIGINT\"",
                    _ => "\"DOUBLE\"",
                };
                Err(unexpected_type(name, i + 1, req, dt))
            }
        }
        Param::Str => string_arg(name, i + 1, dt),
        Param::Bool => match dt {
            DataType::Boolean | DataType::Null => ok(DataType::Boolean),
            d => Err(unexpected_type(name, i + 1, "\"BOOLEAN\"", d)),
        },
    }
}

type Eval = fn(&[ArrayRef], usize, &Env) -> Result<ArrayRef>;

/// A datetime function with typed parameters (the last `params.len() - min_args` optional)
/// and a fixed result type.
#[derive(Debug)]
pub struct DatetimeFn {
    pub name: &'static str,
    pub params: &'static [Param],
    pub min_args: usize,
    pub ret: fn() -> DataType,
    pub eval: Eval,
    pub deterministic: bool,
    /// the omitted optional arguments Spark fills in (and shows in column names)
    pub implicit: fn(usize) -> Vec<ScalarValue>,
}

fn no_implicit(_given: usize) -> Vec<ScalarValue> {
    Vec::new()
}

impl DatetimeFn {
    pub const fn new(
        name: &'static str,
        params: &'static [Param],
        ret: fn() -> DataType,
        eval: Eval,
    ) -> Self {
        DatetimeFn {
            name,
            params,
            min_args: params.len(),
            ret,
            eval,
            deterministic: true,
            implicit: no_implicit,
        }
    }

    pub const fn with_implicit(mut self, implicit: fn(usize) -> Vec<ScalarValue>) -> Self {
        self.implicit = implicit;
        self
    }

    pub const fn optional(mut self, min_args: usize) -> Self {
        self.min_args = min_args;
        self
    }

    pub const fn nondeterministic(mut self) -> Self {
        self.deterministic = false;
        self
    }
}

impl ScalarFunctionImpl for DatetimeFn {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), self.min_args, self.params.len())?;
        t.iter()
            .zip(self.params)
            .enumerate()
            .map(|(i, (dt, p))| coerce_param(self.name, i, *p, dt))
            .collect()
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok((self.ret)())
    }

    fn invoke(
        &self,
        args: &[ColumnarValue],
        num_rows: usize,
        ctx: &FunctionContext,
    ) -> Result<ColumnarValue> {
        let env = Env::of(ctx);
        if args.is_empty() {
            let one = (self.eval)(&[], 1, &env)?;
            return Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
                one.as_ref(),
                0,
            )?));
        }
        eval_arrays(args, num_rows, |a, n| (self.eval)(a, n, &env))
    }

    fn is_deterministic(&self) -> bool {
        self.deterministic
    }

    fn implicit_args(&self, given: usize) -> Vec<ScalarValue> {
        (self.implicit)(given)
    }
}

/// The CAST_INVALID_INPUT error for a string that is no `to` value.
pub fn invalid_input(value: &str, to: &str) -> Error {
    Error::new(ErrorKind::CastInvalidInput {
        value: value.to_string(),
        from: "STRING".into(),
        to: to.into(),
    })
}

fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `[+-]yyyy[-[m]m[-[d]d]]`: the date part of Spark's string → date cast.
fn parse_date_part(s: &str) -> Option<NaiveDate> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let mut it = body.splitn(3, '-');
    let y = digits(it.next()?, 4, 7)? as i32;
    let m = match it.next() {
        Some(m) => digits(m, 1, 2)?,
        None => 1,
    };
    let d = match it.next() {
        Some(d) => digits(d, 1, 2)?,
        None => 1,
    };
    NaiveDate::from_ymd_opt(if neg { -y } else { y }, m, d)
}

/// Spark's string → date cast: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, optionally followed
/// by ` …` or `T…`; surrounding whitespace is ignored.
pub fn parse_date(s: &str) -> Option<i32> {
    let t = s.trim();
    let end = t.find([' ', 'T']).unwrap_or(t.len());
    parse_date_part(&t[..end]).map(days_of_date)
}

/// A zone suffix: `Z`, `+08:00`, `-0530`, `UTC`, `GMT+8`, `America/Los_Angeles`.
fn parse_zone_suffix(s: &str) -> Option<Zone> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") {
        return Some(Zone::UTC);
    }
    Zone::parse(s)
}

/// `[h]h[:[m]m[:[s]s[.fraction]]]` as micros of the day, and the rest of the string.
fn parse_time_part(s: &str) -> Option<(i64, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(s.len());
    let (time, rest) = s.split_at(end);
    let (hms, frac) = match time.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (time, None),
    };
    let mut parts = hms.split(':');
    let h = digits(parts.next()?, 1, 2)?;
    let m = match parts.next() {
        Some(m) => digits(m, 1, 2)?,
        None => 0,
    };
    let sec = match parts.next() {
        Some(x) => digits(x, 1, 2)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let micros = match frac {
        Some(f) if f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            let f6 = format!("{f:0<6}");
            f6[..6].parse::<i64>().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    NaiveTime::from_hms_opt(h, m, sec)?;
    Some((
        (h as i64 * 3600 + m as i64 * 60 + sec as i64) * MICROS_PER_SECOND + micros,
        rest,
    ))
}

/// Spark's string → timestamp cast: a date, then ` ` or `T` and a time, then an
/// optional zone; without a zone the local time is in `zone`.
pub fn parse_timestamp(s: &str, zone: Zone) -> Option<i64> {
    let (local, own) = parse_local_timestamp(s)?;
    own.unwrap_or(zone).to_utc_micros(local)
}

/// Spark's string → timestamp_ntz cast: the wall clock, as micros; a zone suffix is
/// checked but ignored.
pub fn parse_timestamp_ntz(s: &str) -> Option<i64> {
    Zone::UTC.to_utc_micros(parse_local_timestamp(s)?.0)
}

/// The local date-time of a timestamp string and its zone suffix, if any.
fn parse_local_timestamp(s: &str) -> Option<(chrono::NaiveDateTime, Option<Zone>)> {
    let t = s.trim();
    let split = t.find([' ', 'T']);
    let (date_s, rest) = match split {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    let date = parse_date_part(date_s)?;
    let (time_micros, zone_s) = if rest.is_empty() {
        (0, "")
    } else {
        parse_time_part(rest)?
    };
    let zone = if zone_s.trim().is_empty() {
        None
    } else {
        Some(parse_zone_suffix(zone_s)?)
    };
    let local = date
        .and_hms_opt(0, 0, 0)?
        .checked_add_signed(chrono::Duration::microseconds(time_micros))?;
    Some((local, zone))
}

/// Every row of a datetime argument as days since the epoch (timestamps take their
/// local date in the session zone; strings are cast, NULL or an error when malformed).
pub fn as_days(a: &ArrayRef, env: &Env) -> Result<Vec<Option<i32>>> {
    Ok(match a.data_type() {
        DataType::Date32 => a.as_primitive::<Date32Type>().iter().collect(),
        DataType::Timestamp(_, tz) => {
            let zone = if tz.is_some() { env.zone } else { Zone::UTC };
            a.as_primitive::<TimestampMicrosecondType>()
                .iter()
                .map(|v| v.and_then(|m| zone.micros_to_days(m)))
                .collect()
        }
        DataType::Null => vec![None; a.len()],
        _ => {
            let s = as_strings(a)?;
            s.iter()
                .map(|v| match v {
                    None => Ok(None),
                    Some(v) => match parse_date(v) {
                        Some(d) => Ok(Some(d)),
                        None if env.ansi => Err(invalid_input(v, "DATE")),
                        None => Ok(None),
                    },
                })
                .collect::<Result<_>>()?
        }
    })
}

/// Every row of a datetime argument as UTC micros (dates at midnight in the session zone).
pub fn as_micros(a: &ArrayRef, env: &Env) -> Result<Vec<Option<i64>>> {
    Ok(match a.data_type() {
        DataType::Date32 => a
            .as_primitive::<Date32Type>()
            .iter()
            .map(|v| v.and_then(|d| env.zone.date_to_micros(d)))
            .collect(),
        DataType::Timestamp(_, _) => a
            .as_primitive::<TimestampMicrosecondType>()
            .iter()
            .collect(),
        DataType::Null => vec![None; a.len()],
        _ => {
            let s = as_strings(a)?;
            s.iter()
                .map(|v| match v {
                    None => Ok(None),
                    Some(v) => match parse_timestamp(v, env.zone) {
                        Some(d) => Ok(Some(d)),
                        None if env.ansi => Err(invalid_input(v, "TIMESTAMP")),
                        None => Ok(None),
                    },
                })
                .collect::<Result<_>>()?
        }
    })
}

/// The zone a timestamp argument's wall clock is read in (UTC for `timestamp_ntz`).
pub fn zone_of(a: &ArrayRef, env: &Env) -> Zone {
    match a.data_type() {
        DataType::Timestamp(_, None) => Zone::UTC,
        _ => env.zone,
    }
}

pub fn ints(a: &ArrayRef) -> Vec<Option<i32>> {
    match a.data_type() {
        DataType::Int32 => a.as_primitive::<Int32Type>().iter().collect(),
        _ => vec![None; a.len()],
    }
}

pub fn longs(a: &ArrayRef) -> Vec<Option<i64>> {
    match a.data_type() {
        DataType::Int64 => a.as_primitive::<Int64Type>().iter().collect(),
        _ => vec![None; a.len()],
    }
}

pub fn doubles(a: &ArrayRef) -> Vec<Option<f64>> {
    match a.data_type() {
        DataType::Float64 => a.as_primitive::<Float64Type>().iter().collect(),
        _ => vec![None; a.len()],
    }
}

pub fn bools(a: &ArrayRef) -> Vec<Option<bool>> {
    match a.data_type() {
        DataType::Boolean => a.as_boolean().iter().collect(),
        _ => vec![None; a.len()],
    }
}

pub fn strings(a: &ArrayRef) -> Result<Vec<Option<String>>> {
    if a.data_type() == &DataType::Null {
        return Ok(vec![None; a.len()]);
    }
    Ok(as_strings(a)?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_cast_syntax() {
        assert_eq!(parse_date("2024-01-31"), Some(19753));
        assert_eq!(parse_date(" 2024-1-5 "), Some(19727));
        assert_eq!(parse_date("2024-01-31 10:00:00"), Some(19753));
        assert_eq!(parse_date("2024"), Some(19723));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("abc"), None);
        assert_eq!(
            parse_timestamp("1970-01-01 00:00:01.5", Zone::UTC),
            Some(1_500_000)
        );
        assert_eq!(
            parse_timestamp("1970-01-01T01:00:00+01:00", Zone::UTC),
            Some(0)
        );
        assert_eq!(
            parse_timestamp("1970-01-01 00:00:00", Zone::of("+02:00")),
            Some(-7_200_000_000)
        );
        assert_eq!(parse_timestamp("1970-01-01 25:00:00", Zone::UTC), None);
    }
}
