//! Timestamps and dates as counts since the epoch and back: `timestamp_seconds`,
//! `timestamp_millis`, `timestamp_micros`, `unix_seconds`, `unix_millis`,
//! `unix_micros`, `unix_date`, `date_from_unix_date`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Date32Array, Int32Array, Int64Array, TimestampMicrosecondArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Date32Type, Decimal128Type, Float64Type, Int64Type, TimestampMicrosecondType};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{is_integral, is_numeric};

use super::datetime_args::timestamp_type;
use super::typed_fn::TypedFunction;
use super::utils::{int_arg, unexpected_type};

fn overflow() -> Error {
    Error::new(ErrorKind::ArithmeticOverflow { op: "multiply".into(), message: "long overflow".into() })
}

fn timestamps(v: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMicrosecondArray::from(v).with_timezone("UTC"))
}

fn integral_only(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    match &t[0] {
        d if is_integral(d) || d == &DataType::Null => Ok(vec![DataType::Int64]),
        d => Err(unexpected_type(name, 1, "\"INTEGRAL\"", d)),
    }
}

fn scaled(a: &ArrayRef, factor: i64) -> Result<ArrayRef> {
    let v = cast(a, &DataType::Int64)?;
    let out = v
        .as_primitive::<Int64Type>()
        .iter()
        .map(|x| x.map(|x| x.checked_mul(factor).ok_or_else(overflow)).transpose())
        .collect::<Result<Vec<_>>>()?;
    Ok(timestamps(out))
}

/// `timestamp_seconds(n)`: integers exactly; decimals and doubles to the microsecond
/// (truncated); NaN and infinities NULL.
pub fn timestamp_seconds() -> TypedFunction {
    TypedFunction {
        name: "timestamp_seconds",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            d if is_integral(d) || d == &DataType::Null => Ok(vec![DataType::Int64]),
            DataType::Float32 => Ok(vec![DataType::Float64]),
            d if is_numeric(d) => Ok(vec![d.clone()]),
            d => Err(unexpected_type(name, 1, "\"NUMERIC\"", d)),
        },
        returns: |_| Ok(timestamp_type()),
        kernel: |_, a, _, _| match a[0].data_type() {
            DataType::Float64 => Ok(timestamps(
                a[0].as_primitive::<Float64Type>().iter().map(|d| d.filter(|d| d.is_finite()).map(|d| (d * 1e6) as i64)).collect(),
            )),
            DataType::Decimal128(_, s) => {
                let scale = 10i128.checked_pow(*s as u32).unwrap_or(i128::MAX);
                let out = a[0]
                    .as_primitive::<Decimal128Type>()
                    .iter()
                    .map(|d| d.map(|d| i64::try_from(d.saturating_mul(1_000_000) / scale).map_err(|_| overflow())).transpose())
                    .collect::<Result<Vec<_>>>()?;
                Ok(timestamps(out))
            }
            _ => scaled(&a[0], 1_000_000),
        },
    }
}

pub fn timestamp_millis() -> TypedFunction {
    TypedFunction { name: "timestamp_millis", min_args: 1, max_args: 1, coerce: integral_only, returns: |_| Ok(timestamp_type()), kernel: |_, a, _, _| scaled(&a[0], 1000) }
}

pub fn timestamp_micros() -> TypedFunction {
    TypedFunction { name: "timestamp_micros", min_args: 1, max_args: 1, coerce: integral_only, returns: |_| Ok(timestamp_type()), kernel: |_, a, _, _| scaled(&a[0], 1) }
}

fn timestamp_only(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    match &t[0] {
        DataType::Timestamp(_, Some(_)) | DataType::Null => Ok(vec![timestamp_type()]),
        d => Err(unexpected_type(name, 1, "\"TIMESTAMP\"", d)),
    }
}

/// Microseconds since the epoch divided by `unit`, rounded down.
fn since_epoch(a: &ArrayRef, unit: i64) -> ArrayRef {
    let out: Int64Array = a.as_primitive::<TimestampMicrosecondType>().iter().map(|m| m.map(|m| m.div_euclid(unit))).collect();
    Arc::new(out)
}

pub fn unix_seconds() -> TypedFunction {
    TypedFunction { name: "unix_seconds", min_args: 1, max_args: 1, coerce: timestamp_only, returns: |_| Ok(DataType::Int64), kernel: |_, a, _, _| Ok(since_epoch(&a[0], 1_000_000)) }
}

pub fn unix_millis() -> TypedFunction {
    TypedFunction { name: "unix_millis", min_args: 1, max_args: 1, coerce: timestamp_only, returns: |_| Ok(DataType::Int64), kernel: |_, a, _, _| Ok(since_epoch(&a[0], 1000)) }
}

pub fn unix_micros() -> TypedFunction {
    TypedFunction { name: "unix_micros", min_args: 1, max_args: 1, coerce: timestamp_only, returns: |_| Ok(DataType::Int64), kernel: |_, a, _, _| Ok(since_epoch(&a[0], 1)) }
}

/// `unix_date(d)`: days since 1970-01-01.
pub fn unix_date() -> TypedFunction {
    TypedFunction {
        name: "unix_date",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            DataType::Date32 | DataType::Null => Ok(vec![DataType::Date32]),
            d => Err(unexpected_type(name, 1, "\"DATE\"", d)),
        },
        returns: |_| Ok(DataType::Int32),
        kernel: |_, a, _, _| {
            let out: Int32Array = a[0].as_primitive::<Date32Type>().iter().collect();
            Ok(Arc::new(out))
        },
    }
}

/// `date_from_unix_date(n)`: the date `n` days after 1970-01-01.
pub fn date_from_unix_date() -> TypedFunction {
    TypedFunction {
        name: "date_from_unix_date",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| Ok(vec![int_arg(name, 1, &t[0])?]),
        returns: |_| Ok(DataType::Date32),
        kernel: |_, a, _, _| {
            let out: Date32Array = cast(&a[0], &DataType::Int32)?.as_primitive::<arrow::datatypes::Int32Type>().iter().collect();
            Ok(Arc::new(out))
        },
    }
}
