//! `ScalarValue`: one typed value, used for literals, folded constants and statistics.

use std::fmt;
use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::*;
use ember_common::interval_type::{day_time_micros, IntervalType};
use ember_common::{Error, Result};

use crate::format::{format_date, format_decimal, format_f32, format_f64, format_timestamp_micros};

/// A single value of a SQL type. `None` inside a variant is a typed NULL.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarValue {
    /// An untyped NULL literal (Spark's `void`).
    Null,
    Boolean(Option<bool>),
    Int8(Option<i8>),
    Int16(Option<i16>),
    Int32(Option<i32>),
    Int64(Option<i64>),
    Float32(Option<f32>),
    Float64(Option<f64>),
    /// value, precision, scale
    Decimal128(Option<i128>, u8, i8),
    Utf8(Option<String>),
    Binary(Option<Vec<u8>>),
    /// days since the epoch
    Date32(Option<i32>),
    /// microseconds since the epoch, and the time zone (None for timestamp_ntz)
    TimestampMicros(Option<i64>, Option<Arc<str>>),
    /// an ANSI interval: months (year-month types) or microseconds (day-time types),
    /// and its Spark type (see [`ember_common::interval_type`] for the Arrow storage)
    Interval(Option<i64>, IntervalType),
    /// any other (nested) value: an array of length one
    Nested(ArrayRef),
}

impl ScalarValue {
    /// The Arrow type of the value.
    pub fn data_type(&self) -> DataType {
        match self {
            ScalarValue::Null => DataType::Null,
            ScalarValue::Boolean(_) => DataType::Boolean,
            ScalarValue::Int8(_) => DataType::Int8,
            ScalarValue::Int16(_) => DataType::Int16,
            ScalarValue::Int32(_) => DataType::Int32,
            ScalarValue::Int64(_) => DataType::Int64,
            ScalarValue::Float32(_) => DataType::Float32,
            ScalarValue::Float64(_) => DataType::Float64,
            ScalarValue::Decimal128(_, p, s) => DataType::Decimal128(*p, *s),
            ScalarValue::Utf8(_) => DataType::Utf8,
            ScalarValue::Binary(_) => DataType::Binary,
            ScalarValue::Date32(_) => DataType::Date32,
            ScalarValue::TimestampMicros(_, tz) => DataType::Timestamp(TimeUnit::Microsecond, tz.clone()),
            ScalarValue::Interval(_, t) => t.arrow_type(),
            ScalarValue::Nested(a) => a.data_type().clone(),
        }
    }

    pub fn is_null(&self) -> bool {
        match self {
            ScalarValue::Null => true,
            ScalarValue::Boolean(v) => v.is_none(),
            ScalarValue::Int8(v) => v.is_none(),
            ScalarValue::Int16(v) => v.is_none(),
            ScalarValue::Int32(v) => v.is_none(),
            ScalarValue::Int64(v) => v.is_none(),
            ScalarValue::Float32(v) => v.is_none(),
            ScalarValue::Float64(v) => v.is_none(),
            ScalarValue::Decimal128(v, _, _) => v.is_none(),
            ScalarValue::Utf8(v) => v.is_none(),
            ScalarValue::Binary(v) => v.is_none(),
            ScalarValue::Date32(v) => v.is_none(),
            ScalarValue::TimestampMicros(v, _) => v.is_none(),
            ScalarValue::Interval(v, _) => v.is_none(),
            ScalarValue::Nested(a) => a.is_null(0),
        }
    }

    /// A NULL of the given type.
    pub fn null_of(dt: &DataType) -> Result<ScalarValue> {
        Ok(match dt {
            DataType::Null => ScalarValue::Null,
            DataType::Boolean => ScalarValue::Boolean(None),
            DataType::Int8 => ScalarValue::Int8(None),
            DataType::Int16 => ScalarValue::Int16(None),
            DataType::Int32 => ScalarValue::Int32(None),
            DataType::Int64 => ScalarValue::Int64(None),
            DataType::Float32 => ScalarValue::Float32(None),
            DataType::Float64 => ScalarValue::Float64(None),
            DataType::Decimal128(p, s) => ScalarValue::Decimal128(None, *p, *s),
            DataType::Utf8 => ScalarValue::Utf8(None),
            DataType::Binary => ScalarValue::Binary(None),
            DataType::Date32 => ScalarValue::Date32(None),
            DataType::Timestamp(TimeUnit::Microsecond, tz) => ScalarValue::TimestampMicros(None, tz.clone()),
            other => match IntervalType::default_for(other) {
                Some(t) => ScalarValue::Interval(None, t),
                None => ScalarValue::Nested(new_null_array(other, 1)),
            },
        })
    }

    /// An array of `n` copies of the value.
    pub fn to_array(&self, n: usize) -> Result<ArrayRef> {
        Ok(match self {
            ScalarValue::Null => new_null_array(&DataType::Null, n),
            ScalarValue::Boolean(v) => Arc::new(BooleanArray::from(vec![*v; n])),
            ScalarValue::Int8(v) => Arc::new(Int8Array::from(vec![*v; n])),
            ScalarValue::Int16(v) => Arc::new(Int16Array::from(vec![*v; n])),
            ScalarValue::Int32(v) => Arc::new(Int32Array::from(vec![*v; n])),
            ScalarValue::Int64(v) => Arc::new(Int64Array::from(vec![*v; n])),
            ScalarValue::Float32(v) => Arc::new(Float32Array::from(vec![*v; n])),
            ScalarValue::Float64(v) => Arc::new(Float64Array::from(vec![*v; n])),
            ScalarValue::Decimal128(v, p, s) => {
                Arc::new(Decimal128Array::from(vec![*v; n]).with_precision_and_scale(*p, *s)?)
            }
            ScalarValue::Utf8(v) => match v {
                Some(s) => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(s.as_str(), n))),
                None => new_null_array(&DataType::Utf8, n),
            },
            ScalarValue::Binary(v) => match v {
                Some(b) => Arc::new(BinaryArray::from_iter_values(std::iter::repeat_n(b.as_slice(), n))),
                None => new_null_array(&DataType::Binary, n),
            },
            ScalarValue::Date32(v) => Arc::new(Date32Array::from(vec![*v; n])),
            ScalarValue::TimestampMicros(v, tz) => {
                Arc::new(TimestampMicrosecondArray::from(vec![*v; n]).with_timezone_opt(tz.clone()))
            }
            ScalarValue::Interval(v, t) => crate::interval::interval_array(vec![*v; n], *t)?,
            ScalarValue::Nested(a) => {
                let idx = UInt32Array::from(vec![0u32; n]);
                arrow::compute::take(a.as_ref(), &idx, None)?
            }
        })
    }

    /// The value at `index` of `array`.
    pub fn try_from_array(array: &dyn Array, index: usize) -> Result<ScalarValue> {
        if index >= array.len() {
            return Err(Error::internal(format!("index {index} out of bounds for array of {}", array.len())));
        }
        let dt = array.data_type();
        if array.is_null(index) {
            return ScalarValue::null_of(dt);
        }
        Ok(match dt {
            DataType::Null => ScalarValue::Null,
            DataType::Boolean => ScalarValue::Boolean(Some(array.as_boolean().value(index))),
            DataType::Int8 => ScalarValue::Int8(Some(array.as_primitive::<Int8Type>().value(index))),
            DataType::Int16 => ScalarValue::Int16(Some(array.as_primitive::<Int16Type>().value(index))),
            DataType::Int32 => ScalarValue::Int32(Some(array.as_primitive::<Int32Type>().value(index))),
            DataType::Int64 => ScalarValue::Int64(Some(array.as_primitive::<Int64Type>().value(index))),
            DataType::Float32 => ScalarValue::Float32(Some(array.as_primitive::<Float32Type>().value(index))),
            DataType::Float64 => ScalarValue::Float64(Some(array.as_primitive::<Float64Type>().value(index))),
            DataType::Decimal128(p, s) => {
                ScalarValue::Decimal128(Some(array.as_primitive::<Decimal128Type>().value(index)), *p, *s)
            }
            DataType::Utf8 => ScalarValue::Utf8(Some(array.as_string::<i32>().value(index).to_string())),
            DataType::LargeUtf8 => ScalarValue::Utf8(Some(array.as_string::<i64>().value(index).to_string())),
            DataType::Utf8View => ScalarValue::Utf8(Some(array.as_string_view().value(index).to_string())),
            DataType::Binary => ScalarValue::Binary(Some(array.as_binary::<i32>().value(index).to_vec())),
            DataType::Date32 => ScalarValue::Date32(Some(array.as_primitive::<Date32Type>().value(index))),
            DataType::Timestamp(TimeUnit::Microsecond, tz) => ScalarValue::TimestampMicros(
                Some(array.as_primitive::<TimestampMicrosecondType>().value(index)),
                tz.clone(),
            ),
            DataType::Interval(IntervalUnit::YearMonth) => ScalarValue::Interval(
                Some(array.as_primitive::<IntervalYearMonthType>().value(index) as i64),
                IntervalType::YEAR_TO_MONTH,
            ),
            DataType::Interval(IntervalUnit::DayTime) => {
                let v = array.as_primitive::<IntervalDayTimeType>().value(index);
                ScalarValue::Interval(Some(day_time_micros(v.days, v.milliseconds)), IntervalType::DAY)
            }
            DataType::Duration(TimeUnit::Microsecond) => ScalarValue::Interval(
                Some(array.as_primitive::<DurationMicrosecondType>().value(index)),
                IntervalType::DAY_TO_SECOND,
            ),
            _ => ScalarValue::Nested(array.slice(index, 1)),
        })
    }

    /// The same interval value typed as `t` (literals keep their Spark type when a value
    /// is read back from an array, which only knows the Arrow type); other values, and
    /// types of another Arrow storage, are returned unchanged.
    pub fn with_interval_type(self, t: IntervalType) -> ScalarValue {
        match self {
            ScalarValue::Interval(v, old) if old.arrow_type() == t.arrow_type() => ScalarValue::Interval(v, t),
            other => other,
        }
    }

    /// Casts the value with arrow's cast kernel (errors on invalid input).
    pub fn cast_to(&self, dt: &DataType) -> Result<ScalarValue> {
        if &self.data_type() == dt {
            return Ok(self.clone());
        }
        let arr = self.to_array(1)?;
        let opts = arrow::compute::CastOptions { safe: false, ..Default::default() };
        let out = arrow::compute::cast_with_options(&arr, dt, &opts)?;
        ScalarValue::try_from_array(out.as_ref(), 0)
    }

    /// The value as an i64, for integral types.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            ScalarValue::Int8(v) => v.map(|v| v as i64),
            ScalarValue::Int16(v) => v.map(|v| v as i64),
            ScalarValue::Int32(v) => v.map(|v| v as i64),
            ScalarValue::Int64(v) => *v,
            _ => None,
        }
    }

    /// The value as a bool, for boolean values.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ScalarValue::Boolean(v) => *v,
            _ => None,
        }
    }

    /// The string payload, for string values.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ScalarValue::Utf8(v) => v.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for ScalarValue {
    /// Spark's rendering of a literal inside an expression name (`1`, `1.5`, `abc`, `NULL`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            return write!(f, "NULL");
        }
        match self {
            ScalarValue::Boolean(Some(v)) => write!(f, "{v}"),
            ScalarValue::Int8(Some(v)) => write!(f, "{v}"),
            ScalarValue::Int16(Some(v)) => write!(f, "{v}"),
            ScalarValue::Int32(Some(v)) => write!(f, "{v}"),
            ScalarValue::Int64(Some(v)) => write!(f, "{v}"),
            ScalarValue::Float32(Some(v)) => write!(f, "{}", format_f32(*v)),
            ScalarValue::Float64(Some(v)) => write!(f, "{}", format_f64(*v)),
            ScalarValue::Decimal128(Some(v), _, s) => write!(f, "{}", format_decimal(*v, *s)),
            ScalarValue::Utf8(Some(v)) => write!(f, "{v}"),
            ScalarValue::Binary(Some(v)) => write!(f, "X'{}'", v.iter().map(|b| format!("{b:02X}")).collect::<String>()),
            ScalarValue::Date32(Some(v)) => write!(f, "DATE '{}'", format_date(*v)),
            ScalarValue::TimestampMicros(Some(v), tz) => {
                let kw = if tz.is_some() { "TIMESTAMP" } else { "TIMESTAMP_NTZ" };
                // a TIMESTAMP literal shows its wall clock in the zone it was written in
                let offset = tz.as_deref().and_then(|z| {
                    let local = crate::datetime::Zone::of(z).to_local(*v)?;
                    let utc = chrono::DateTime::from_timestamp_micros(*v)?.naive_utc();
                    Some((local - utc).num_seconds() as i32)
                });
                write!(f, "{kw} '{}'", format_timestamp_micros(*v, offset))
            }
            ScalarValue::Interval(Some(v), t) => write!(f, "{}", t.format_ansi(*v)),
            ScalarValue::Nested(a) => write!(f, "{:?}", a),
            _ => write!(f, "NULL"),
        }
    }
}

impl From<i32> for ScalarValue {
    fn from(v: i32) -> Self {
        ScalarValue::Int32(Some(v))
    }
}
impl From<i64> for ScalarValue {
    fn from(v: i64) -> Self {
        ScalarValue::Int64(Some(v))
    }
}
impl From<f64> for ScalarValue {
    fn from(v: f64) -> Self {
        ScalarValue::Float64(Some(v))
    }
}
impl From<bool> for ScalarValue {
    fn from(v: bool) -> Self {
        ScalarValue::Boolean(Some(v))
    }
}
impl From<&str> for ScalarValue {
    fn from(v: &str) -> Self {
        ScalarValue::Utf8(Some(v.to_string()))
    }
}
impl From<String> for ScalarValue {
    fn from(v: String) -> Self {
        ScalarValue::Utf8(Some(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_arrays() {
        for v in [
            ScalarValue::Int32(Some(7)),
            ScalarValue::Utf8(Some("x".into())),
            ScalarValue::Decimal128(Some(1234), 10, 2),
            ScalarValue::Date32(None),
        ] {
            let a = v.to_array(3).unwrap();
            assert_eq!(a.len(), 3);
            assert_eq!(ScalarValue::try_from_array(a.as_ref(), 2).unwrap(), v);
        }
    }

    #[test]
    fn displays_like_spark() {
        assert_eq!(ScalarValue::Decimal128(Some(150), 3, 2).to_string(), "1.50");
        assert_eq!(ScalarValue::Float64(Some(1e10)).to_string(), "1.0E10");
        assert_eq!(ScalarValue::Int32(None).to_string(), "NULL");
    }
}
