//! Casts to, from and between ANSI interval types, as Spark's `Cast` does them:
//!
//! - interval → string: the SQL literal (`INTERVAL '1 02' DAY TO HOUR`);
//! - string → interval: the value alone or a literal of the same type
//!   (`ember_plan::interval_parse`); a bad string fails whatever the ANSI setting, only
//!   `try_cast` gives NULL;
//! - integral or decimal ↔ interval: a number of the type's last field (`CAST(5 AS
//!   INTERVAL DAY TO HOUR)` is 5 hours; seconds keep their fraction), out of range
//!   `CAST_OVERFLOW`;
//! - interval → interval of the same class: truncated toward zero to the target's last field.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, Int16Array, Int32Array, Int64Array, Int8Array};
use arrow::datatypes::{DataType, Decimal128Type, Int16Type, Int32Type, Int64Type, Int8Type};
use ember_common::interval_type::{IntervalField, IntervalType};
use ember_common::types::sql_type_name;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::interval::{interval_array, interval_values};
use ember_plan::interval_parse::cast_string_to_interval;
use ember_plan::ScalarValue;

/// How `array` (of Spark type `from` when an interval) becomes `to` (of Spark type
/// `to_interval` when an interval), or `None` when no interval takes part.
pub(crate) fn cast_interval(
    array: &ArrayRef,
    from: Option<IntervalType>,
    to: &DataType,
    to_interval: Option<IntervalType>,
    try_cast: bool,
    strict: bool,
) -> Result<Option<ArrayRef>> {
    if array.data_type() == &DataType::Null {
        return Ok(None);
    }
    let from = from.or_else(|| IntervalType::default_for(array.data_type()));
    let to_interval = to_interval.or_else(|| IntervalType::default_for(to));
    Ok(Some(match (from, to_interval) {
        (Some(f), Some(t)) => between(array, f, t)?,
        (Some(f), None) if matches!(to, DataType::Utf8) => {
            let values = values_of(array)?;
            Arc::new(values.iter().map(|v| v.map(|v| f.format_ansi(v))).collect::<arrow::array::StringArray>())
        }
        (Some(f), None) => to_number(array, f, to, strict)?,
        (None, Some(t)) if matches!(array.data_type(), DataType::Utf8) => {
            let strings = array.as_string::<i32>();
            let mut out = Vec::with_capacity(strings.len());
            for s in strings.iter() {
                out.push(match s.map(|s| cast_string_to_interval(s, t)).transpose() {
                    Ok(v) => v,
                    Err(_) if try_cast => None,
                    Err(e) => return Err(e),
                });
            }
            interval_array(out, t)?
        }
        (None, Some(t)) => from_number(array, t, strict)?,
        (None, None) => return Ok(None),
    }))
}

fn values_of(array: &ArrayRef) -> Result<Vec<Option<i64>>> {
    interval_values(array.as_ref()).ok_or_else(|| Error::internal(format!("interval cast of {}", array.data_type())))
}

/// The precision of a type's values: months per year or month, microseconds per day,
/// hour or minute; one microsecond when the type ends with seconds.
fn unit_of(t: IntervalType) -> i64 {
    match t.end() {
        IntervalField::Year => 12,
        IntervalField::Month | IntervalField::Second => 1,
        f => f.micros(),
    }
}

fn between(array: &ArrayRef, f: IntervalType, t: IntervalType) -> Result<ArrayRef> {
    if f.is_year_month() != t.is_year_month() {
        return Err(Error::new(ErrorKind::CannotCast { from: f.catalog_string().to_uppercase(), to: t.catalog_string().to_uppercase() }));
    }
    let unit = unit_of(t);
    let values = values_of(array)?.into_iter().map(|v| v.map(|v| v - v % unit)).collect();
    interval_array(values, t)
}

/// An interval as a number of its last field (seconds with their fraction).
fn to_number(array: &ArrayRef, f: IntervalType, to: &DataType, strict: bool) -> Result<ArrayRef> {
    let values = values_of(array)?;
    let (unit, scale) = match f.end() {
        IntervalField::Second => (1, 6),
        _ => (unit_of(f), 0),
    };
    // (a type ending with seconds counts microseconds: scale 6)
    let overflow = |v: i64| {
        Error::new(ErrorKind::CastOverflow {
            value: f.format_ansi(v),
            from: f.catalog_string().to_uppercase(),
            to: sql_type_name(to),
        })
    };
    let mut out: Vec<Option<i128>> = Vec::with_capacity(values.len());
    let (min, max): (i128, i128) = match to {
        DataType::Int8 => (i8::MIN as i128, i8::MAX as i128),
        DataType::Int16 => (i16::MIN as i128, i16::MAX as i128),
        DataType::Int32 => (i32::MIN as i128, i32::MAX as i128),
        DataType::Int64 => (i64::MIN as i128, i64::MAX as i128),
        DataType::Decimal128(p, _) => (-(10i128.pow(*p as u32) - 1), 10i128.pow(*p as u32) - 1),
        other => return Err(Error::new(ErrorKind::CannotCast { from: f.catalog_string().to_uppercase(), to: sql_type_name(other) })),
    };
    for v in values {
        let Some(v) = v else {
            out.push(None);
            continue;
        };
        // the value in the target's unscaled units: whole units, or a decimal of scale s
        let n: i128 = match to {
            DataType::Decimal128(_, s) => rescale(v as i128 / unit as i128, scale, *s as i32),
            _ => v as i128 / unit as i128 / 10i128.pow(scale as u32),
        };
        if n < min || n > max {
            if strict {
                return Err(overflow(v));
            }
            out.push(None);
        } else {
            out.push(Some(n));
        }
    }
    Ok(match to {
        DataType::Int8 => Arc::new(out.iter().map(|v| v.map(|v| v as i8)).collect::<Int8Array>()),
        DataType::Int16 => Arc::new(out.iter().map(|v| v.map(|v| v as i16)).collect::<Int16Array>()),
        DataType::Int32 => Arc::new(out.iter().map(|v| v.map(|v| v as i32)).collect::<Int32Array>()),
        DataType::Int64 => Arc::new(out.iter().map(|v| v.map(|v| v as i64)).collect::<Int64Array>()),
        DataType::Decimal128(p, s) => Arc::new(out.into_iter().collect::<Decimal128Array>().with_precision_and_scale(*p, *s)?),
        _ => return Err(Error::internal("interval to number")),
    })
}

/// `v` of scale `from` at scale `to`, truncating digits that do not fit.
fn rescale(v: i128, from: i32, to: i32) -> i128 {
    if to >= from {
        v.saturating_mul(10i128.pow((to - from) as u32))
    } else {
        v / 10i128.pow((from - to) as u32)
    }
}

/// An integral or decimal number of the type's last field (truncated to whole units,
/// except seconds, which keep microseconds).
fn from_number(array: &ArrayRef, t: IntervalType, strict: bool) -> Result<ArrayRef> {
    // the numbers as unscaled values of some scale
    let (numbers, scale): (Vec<Option<i128>>, i32) = match array.data_type() {
        DataType::Int8 => (array.as_primitive::<Int8Type>().iter().map(|v| v.map(i128::from)).collect(), 0),
        DataType::Int16 => (array.as_primitive::<Int16Type>().iter().map(|v| v.map(i128::from)).collect(), 0),
        DataType::Int32 => (array.as_primitive::<Int32Type>().iter().map(|v| v.map(i128::from)).collect(), 0),
        DataType::Int64 => (array.as_primitive::<Int64Type>().iter().map(|v| v.map(i128::from)).collect(), 0),
        DataType::Decimal128(_, s) => (array.as_primitive::<Decimal128Type>().iter().collect(), *s as i32),
        other => {
            return Err(Error::new(ErrorKind::CannotCast { from: sql_type_name(other), to: t.catalog_string().to_uppercase() }))
        }
    };
    let (max, min) = if t.is_year_month() { (i32::MAX as i128, i32::MIN as i128) } else { (i64::MAX as i128, i64::MIN as i128) };
    let mut out = Vec::with_capacity(numbers.len());
    for (i, n) in numbers.into_iter().enumerate() {
        let Some(n) = n else {
            out.push(None);
            continue;
        };
        let value = match t.end() {
            IntervalField::Second => Some(rescale(n, scale, 6)),
            _ => rescale(n, scale, 0).checked_mul(unit_of(t) as i128),
        };
        match value.filter(|v| (min..=max).contains(v)) {
            Some(v) => out.push(Some(v as i64)),
            None if strict => {
                let shown = ScalarValue::try_from_array(array.as_ref(), i).map(|v| v.to_string()).unwrap_or_default();
                let suffix = match array.data_type() {
                    DataType::Int64 => "L",
                    DataType::Int16 => "S",
                    DataType::Int8 => "Y",
                    DataType::Decimal128(_, _) => "BD",
                    _ => "",
                };
                return Err(Error::new(ErrorKind::CastOverflow {
                    value: format!("{shown}{suffix}"),
                    from: sql_type_name(array.data_type()),
                    to: t.catalog_string().to_uppercase(),
                }));
            }
            None => out.push(None),
        }
    }
    interval_array(out, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::StringArray;
    use ember_common::interval_type::IntervalField::*;

    fn t(s: IntervalField, e: IntervalField) -> IntervalType {
        IntervalType::new(s, e).unwrap()
    }

    fn show(a: &ArrayRef, ty: Option<IntervalType>) -> String {
        let strings = cast_interval(a, ty, &DataType::Utf8, None, false, true).unwrap().unwrap_or_else(|| a.clone());
        let s = arrow::compute::cast(&strings, &DataType::Utf8).unwrap();
        s.as_string::<i32>().iter().map(|v| v.unwrap_or("NULL").to_string()).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn strings_and_numbers_to_intervals() {
        let s: ArrayRef = Arc::new(StringArray::from(vec![Some("1 02"), None, Some("INTERVAL '-1 02' DAY TO HOUR")]));
        let dh = t(Day, Hour);
        let a = cast_interval(&s, None, &dh.arrow_type(), Some(dh), false, true).unwrap().unwrap();
        assert_eq!(show(&a, Some(dh)), "INTERVAL '1 02' DAY TO HOUR,NULL,INTERVAL '-1 02' DAY TO HOUR");
        let bad: ArrayRef = Arc::new(StringArray::from(vec!["x"]));
        assert!(cast_interval(&bad, None, &dh.arrow_type(), Some(dh), false, false).is_err());
        let none = cast_interval(&bad, None, &dh.arrow_type(), Some(dh), true, false).unwrap().unwrap();
        assert!(none.is_null(0));
        let five: ArrayRef = Arc::new(Int32Array::from(vec![5]));
        let a = cast_interval(&five, None, &dh.arrow_type(), Some(dh), false, true).unwrap().unwrap();
        assert_eq!(show(&a, Some(dh)), "INTERVAL '0 05' DAY TO HOUR");
        let dec: ArrayRef = Arc::new(Decimal128Array::from(vec![15i128]).with_precision_and_scale(2, 1).unwrap());
        let h = t(Hour, Hour);
        let a = cast_interval(&dec, None, &h.arrow_type(), Some(h), false, true).unwrap().unwrap();
        assert_eq!(show(&a, Some(h)), "INTERVAL '01' HOUR");
        let big: ArrayRef = Arc::new(Int64Array::from(vec![i64::MAX]));
        let d = t(Day, Day);
        let e = cast_interval(&big, None, &d.arrow_type(), Some(d), false, true).unwrap_err();
        assert_eq!(e.class(), "CAST_OVERFLOW");
        assert!(e.to_string().contains("9223372036854775807L"), "{e}");
    }

    #[test]
    fn intervals_to_numbers_and_other_fields() {
        let ds = t(Day, Second);
        let a = interval_array(vec![Some(-93_784_500_000)], ds).unwrap();
        let h = t(Hour, Hour);
        let hours = cast_interval(&a, Some(ds), &h.arrow_type(), Some(h), false, true).unwrap().unwrap();
        assert_eq!(show(&hours, Some(h)), "INTERVAL '-26' HOUR");
        let secs = cast_interval(&a, Some(ds), &DataType::Decimal128(12, 3), None, false, true).unwrap().unwrap();
        assert_eq!(show(&secs, None), "-93784.500");
        let tiny = interval_array(vec![Some(300 * 86_400_000_000)], t(Day, Day)).unwrap();
        let e = cast_interval(&tiny, Some(t(Day, Day)), &DataType::Int8, None, false, true).unwrap_err();
        assert!(e.to_string().contains("INTERVAL '300' DAY"), "{e}");
        let ym = interval_array(vec![Some(-17)], t(Year, Month)).unwrap();
        let y = cast_interval(&ym, Some(t(Year, Month)), &DataType::Interval(arrow::datatypes::IntervalUnit::YearMonth), Some(t(Year, Year)), false, true)
            .unwrap()
            .unwrap();
        assert_eq!(show(&y, Some(t(Year, Year))), "INTERVAL '-1' YEAR");
    }
}
