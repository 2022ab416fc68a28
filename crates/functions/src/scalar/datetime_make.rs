//! Timestamps from their fields: `make_timestamp`, `make_timestamp_ltz` (in the session
//! or a given zone) and `make_timestamp_ntz` (a wall clock). Seconds are a
//! `decimal(16,6)`; 60 seconds with no fraction is the next minute, as in Spark.
//! Invalid fields are errors under ANSI and NULL otherwise; the `try_` forms are NULL.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Decimal128Type, TimeUnit};
use chrono::NaiveDateTime;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::datetime::Zone;
use ember_plan::FunctionContext;

use super::datetime_args::{ints, timestamp_type};
use super::datetime_calendar::{make_one, out_of_bounds};
use super::typed_fn::TypedFunction;
use super::utils::{as_strings, int_arg, string_arg, unexpected_type};

/// The seconds argument's type.
const SECONDS: DataType = DataType::Decimal128(16, 6);

/// Spark's INVALID_TIMEZONE error.
pub fn invalid_timezone(zone: &str) -> Error {
    Error::new(ErrorKind::Other {
        class: "INVALID_TIMEZONE".into(),
        sqlstate: Some("22009".into()),
        message: format!("The timezone: {zone} is invalid. The timezone must be either a region-based zone ID or a zone offset. Region IDs must have the form 'area/city', such as 'America/Los_Angeles'. Zone offsets must be in the format '(+|-)HH', '(+|-)HH:mm’ or '(+|-)HH:mm:ss', e.g '-08' , '+01:00' or '-13:33:33', and must be in the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms for '+00:00'.")
    })
}

fn coerce(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    let mut out = Vec::with_capacity(t.len());
    for (i, d) in t.iter().enumerate() {
        out.push(match i {
            0..=4 => int_arg(name, i + 1, d)?,
            5 if ember_plan::coercion::is_numeric(d) || ember_plan::coercion::is_string(d) || d == &DataType::Null => SECONDS,
            5 => return Err(unexpected_type(name, 6, "\"DECIMAL(16,6)\"", d)),
            _ => string_arg(name, i + 1, d)?,
        });
    }
    Ok(out)
}

/// The local date-time of the fields, or the error Spark raises for them.
fn local_of(f: [i32; 5], sec_micros: i128) -> Result<NaiveDateTime> {
    let [y, mo, d, h, mi] = f;
    let date = make_one(y, mo, d).map_err(out_of_bounds)?;
    if !(0..24).contains(&h) {
        return Err(out_of_bounds(format!("Invalid value for HourOfDay (valid values 0 - 23): {h}")));
    }
    if !(0..60).contains(&mi) {
        return Err(out_of_bounds(format!("Invalid value for MinuteOfHour (valid values 0 - 59): {mi}")));
    }
    let (secs, micros) = (sec_micros.div_euclid(1_000_000), sec_micros.rem_euclid(1_000_000));
    if !(0..=60).contains(&secs) || (secs == 60 && micros != 0) {
        let full = ember_plan::ScalarValue::Decimal128(Some(sec_micros), 16, 6).to_string();
        let shown = full.trim_end_matches('0').trim_end_matches('.');
        return Err(Error::new(ErrorKind::Other {
            class: "INVALID_FRACTION_OF_SECOND".into(),
            sqlstate: Some("22023".into()),
            message: format!("Valid range for seconds is [0, 60] (inclusive), but the provided value is {shown}. To avoid this error, use `try_make_timestamp`, which returns NULL on error."),
        }));
    }
    let base = date.and_hms_opt(h as u32, mi as u32, 0).ok_or_else(|| Error::internal("valid time"))?;
    base.checked_add_signed(chrono::Duration::microseconds((secs * 1_000_000 + micros) as i64))
        .ok_or_else(|| out_of_bounds(format!("Invalid date '{y}-{mo}-{d}'")))
}

/// The kernel: `ntz` gives wall-clock micros; otherwise the instant in the given zone
/// (argument 7) or the session zone.
fn build(a: &[ArrayRef], n: usize, ctx: &FunctionContext, ntz: bool) -> Result<ArrayRef> {
    let fields: Vec<Vec<Option<i32>>> = a[..5].iter().map(ints).collect();
    let secs = a[5].as_primitive::<Decimal128Type>();
    let zones = if a.len() > 6 { Some(as_strings(&a[6])?) } else { None };
    let session = Zone::of(&ctx.time_zone);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let f: Option<Vec<i32>> = fields.iter().map(|c| c[i]).collect();
        let (Some(f), false) = (f, secs.is_null(i)) else {
            out.push(None);
            continue;
        };
        // an unknown zone is an error whatever the ANSI setting, as in Spark
        let zone = match &zones {
            Some(z) if z.is_null(i) => {
                out.push(None);
                continue;
            }
            Some(z) => Zone::parse(z.value(i)).ok_or_else(|| invalid_timezone(z.value(i)))?,
            None => session,
        };
        let value = (|| {
            let local = local_of([f[0], f[1], f[2], f[3], f[4]], secs.value(i))?;
            let zone = if ntz { Zone::UTC } else { zone };
            zone.to_utc_micros(local).ok_or_else(|| out_of_bounds(format!("Invalid timestamp {local}")))
        })();
        match value {
            Ok(v) => out.push(Some(v)),
            Err(e) if ctx.ansi => return Err(e),
            Err(_) => out.push(None),
        }
    }
    let arr = TimestampMicrosecondArray::from(out);
    Ok(Arc::new(if ntz { arr } else { arr.with_timezone("UTC") }))
}

pub fn make_timestamp() -> TypedFunction {
    TypedFunction { name: "make_timestamp", min_args: 6, max_args: 7, coerce, returns: |_| Ok(timestamp_type()), kernel: |_, a, n, c| build(a, n, c, false) }
}

pub fn make_timestamp_ltz() -> TypedFunction {
    TypedFunction { name: "make_timestamp_ltz", min_args: 6, max_args: 7, coerce, returns: |_| Ok(timestamp_type()), kernel: |_, a, n, c| build(a, n, c, false) }
}

pub fn make_timestamp_ntz() -> TypedFunction {
    TypedFunction {
        name: "make_timestamp_ntz",
        min_args: 6,
        max_args: 6,
        coerce,
        returns: |_| Ok(DataType::Timestamp(TimeUnit::Microsecond, None)),
        kernel: |_, a, n, c| build(a, n, c, true),
    }
}
