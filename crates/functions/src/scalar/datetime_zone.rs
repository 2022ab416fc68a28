//! Time zones and wall clocks: `from_utc_timestamp` / `to_utc_timestamp` (shift an
//! instant between UTC and a zone), `convert_timezone([from,] to, ts)` (a wall clock in
//! one zone to another, as `timestamp_ntz`), `to_timestamp_ntz` / `to_timestamp_ltz`, and
//! `localtimestamp()`.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, TimeUnit, TimestampMicrosecondType};
use ember_common::Result;
use ember_plan::datetime::{Zone, MICROS_PER_DAY};

use super::datetime_args::{as_micros, invalid_input, parse_timestamp_ntz, strings, timestamp_type, DatetimeFn, Env, Param};
use super::datetime_convert::{micros_with_format, now_micros, timestamps, to_timestamp};
use super::datetime_make::invalid_timezone;

fn ntz_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, None)
}

fn ntz(v: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMicrosecondArray::from(v))
}

/// Moves the instant `m` from a wall clock in `from` to the same wall clock in `to`.
fn shift(m: i64, from: Zone, to: Zone) -> Option<i64> {
    to.to_utc_micros(from.to_local(m)?)
}

/// Instants of a timestamp argument: a `timestamp_ntz` is read in the session zone.
fn instants(a: &ArrayRef, env: &Env) -> Result<Vec<Option<i64>>> {
    match a.data_type() {
        DataType::Timestamp(_, None) => {
            Ok(a.as_primitive::<TimestampMicrosecondType>().iter().map(|m| m.and_then(|m| shift(m, Zone::UTC, env.zone))).collect())
        }
        _ => as_micros(a, env),
    }
}

/// Wall clocks (micros as if in UTC) of a datetime argument, as a cast to `timestamp_ntz`.
fn wall_clocks(a: &ArrayRef, env: &Env) -> Result<Vec<Option<i64>>> {
    Ok(match a.data_type() {
        DataType::Timestamp(_, None) => a.as_primitive::<TimestampMicrosecondType>().iter().collect(),
        DataType::Timestamp(_, Some(_)) => {
            a.as_primitive::<TimestampMicrosecondType>().iter().map(|m| m.and_then(|m| shift(m, env.zone, Zone::UTC))).collect()
        }
        DataType::Date32 => a.as_primitive::<arrow::datatypes::Date32Type>().iter().map(|d| d.map(|d| d as i64 * MICROS_PER_DAY)).collect(),
        DataType::Null => vec![None; a.len()],
        _ => strings(a)?
            .into_iter()
            .map(|s| match s {
                None => Ok(None),
                Some(s) => match parse_timestamp_ntz(&s) {
                    Some(v) => Ok(Some(v)),
                    None if env.ansi => Err(invalid_input(&s, "TIMESTAMP_NTZ")),
                    None => Ok(None),
                },
            })
            .collect::<Result<_>>()?,
    })
}

fn zone_named(name: &str) -> Result<Zone> {
    Zone::parse(name).ok_or_else(|| invalid_timezone(name))
}

/// `ts` with each row's zone applied by `f(instant, zone)`.
fn with_zone(a: &[ArrayRef], env: &Env, f: fn(i64, Zone) -> Option<i64>) -> Result<ArrayRef> {
    let (ts, zones) = (instants(&a[0], env)?, strings(&a[1])?);
    let mut out = Vec::with_capacity(ts.len());
    for (t, z) in ts.into_iter().zip(zones) {
        out.push(match (t, z) {
            (Some(t), Some(z)) => f(t, zone_named(&z)?),
            _ => None,
        });
    }
    Ok(timestamps(out))
}

pub fn from_utc_timestamp() -> DatetimeFn {
    DatetimeFn::new("from_utc_timestamp", &[Param::Datetime, Param::Str], timestamp_type, |a, _, env| {
        with_zone(a, env, |t, z| shift(t, z, Zone::UTC))
    })
}

pub fn to_utc_timestamp() -> DatetimeFn {
    DatetimeFn::new("to_utc_timestamp", &[Param::Datetime, Param::Str], timestamp_type, |a, _, env| {
        with_zone(a, env, |t, z| shift(t, Zone::UTC, z))
    })
}

/// `convert_timezone([sourceTz, ]targetTz, sourceTs)`: without a source zone, the
/// session's (shown as `current_timezone()`, as Spark does).
#[derive(Debug)]
pub struct ConvertTimezone(DatetimeFn);

pub fn convert_timezone() -> ConvertTimezone {
    ConvertTimezone(
        DatetimeFn::new("convert_timezone", &[Param::Str, Param::Str, Param::Datetime], ntz_type, |a, n, env| {
            let (from, to, ts) = match a.len() {
                2 => (None, &a[0], &a[1]),
                _ => (Some(strings(&a[0])?), &a[1], &a[2]),
            };
            let (to, ts) = (strings(to)?, wall_clocks(ts, env)?);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let from = match &from {
                    Some(f) => f[i].as_deref().map(zone_named).transpose()?,
                    None => Some(env.zone),
                };
                out.push(match (from, &to[i], ts[i]) {
                    (Some(f), Some(t), Some(m)) => {
                        let to = zone_named(t)?;
                        shift(m, Zone::UTC, f).and_then(|utc| shift(utc, to, Zone::UTC))
                    }
                    _ => None,
                });
            }
            Ok(ntz(out))
        })
        .optional(2),
    )
}

impl ember_plan::ScalarFunctionImpl for ConvertTimezone {
    fn name(&self) -> &str {
        "convert_timezone"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        if t.len() == 2 {
            let mut c = self.0.coerce_types(&[t[0].clone(), t[0].clone(), t[1].clone()])?;
            c.remove(0);
            return Ok(c);
        }
        self.0.coerce_types(t)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        self.0.return_type(t)
    }
    fn invoke(&self, args: &[ember_plan::ColumnarValue], num_rows: usize, ctx: &ember_plan::FunctionContext) -> Result<ember_plan::ColumnarValue> {
        self.0.invoke(args, num_rows, ctx)
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        (args.len() == 2).then(|| format!("convert_timezone(current_timezone(), {}, {})", args[0], args[1]))
    }
}

pub fn to_timestamp_ntz() -> DatetimeFn {
    DatetimeFn::new("to_timestamp_ntz", &[Param::Datetime, Param::Str], ntz_type, |a, n, env| {
        if a.len() < 2 || !ember_plan::coercion::is_string(a[0].data_type()) {
            return Ok(ntz(wall_clocks(&a[0], env)?));
        }
        let utc = Env { zone: Zone::UTC, zone_name: "UTC".into(), ansi: env.ansi };
        Ok(ntz(micros_with_format(a, n, &utc, "to_timestamp_ntz")?))
    })
    .optional(1)
}

pub fn to_timestamp_ltz() -> DatetimeFn {
    DatetimeFn { name: "to_timestamp_ltz", ..to_timestamp() }
}

/// `localtimestamp()`: now, as a wall clock in the session zone.
pub fn localtimestamp() -> DatetimeFn {
    DatetimeFn::new("localtimestamp", &[], ntz_type, |_, _, env| Ok(ntz(vec![shift(now_micros(), env.zone, Zone::UTC)])))
        .nondeterministic()
}
