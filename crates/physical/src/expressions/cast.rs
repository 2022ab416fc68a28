//! `CastExpr`: arrow's cast kernel plus Spark's rules: ANSI errors naming the value
//! (`CAST_INVALID_INPUT`, `CAST_OVERFLOW`), NULL for `try_cast` or ANSI off, Spark's
//! string→boolean spellings, whitespace trimming, and Java double formatting. Casts
//! involving ANSI intervals are in `cast_interval.rs`.

use std::fmt;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, StringArray};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Float32Type, Float64Type, Schema, TimeUnit, TimestampMicrosecondType};
use arrow::record_batch::RecordBatch;
use ember_common::interval_type::IntervalType;
use ember_common::types::sql_type_name;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::format::{format_f32, format_f64, format_timestamp_micros};
use ember_plan::{ColumnarValue, ScalarValue};

use super::datum::apply_unary;
use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone)]
pub struct CastExpr {
    pub arg: PhysicalExprRef,
    pub to: DataType,
    /// `try_cast`: failures give NULL even under ANSI
    pub try_cast: bool,
    /// The Spark interval types of the operand and the result when they are intervals
    /// (`None`: the default of the Arrow type).
    pub from_interval: Option<IntervalType>,
    pub to_interval: Option<IntervalType>,
}

impl CastExpr {
    pub fn new(arg: PhysicalExprRef, to: DataType, try_cast: bool) -> Self {
        CastExpr { arg, to, try_cast, from_interval: None, to_interval: None }
    }

    /// The same cast between these Spark interval types.
    pub fn with_interval_types(self, from: Option<IntervalType>, to: Option<IntervalType>) -> Self {
        CastExpr { from_interval: from, to_interval: to, ..self }
    }
}

impl fmt::Display for CastExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kw = if self.try_cast { "try_cast" } else { "cast" };
        let to = match self.to_interval {
            Some(t) => t.catalog_string(),
            None => ember_common::types::catalog_string(&self.to),
        };
        write!(f, "{kw}({} as {to})", self.arg)
    }
}

impl PhysicalExpr for CastExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.to.clone())
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        Ok(self.try_cast || self.arg.nullable(input_schema)? || !matches!(self.to, DataType::Utf8))
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let v = self.arg.evaluate(batch, ctx)?;
        let same_interval = self.from_interval.or_else(|| IntervalType::default_for(&self.to))
            == self.to_interval.or_else(|| IntervalType::default_for(&self.to));
        if v.data_type() == self.to && same_interval {
            return Ok(v);
        }
        let strict = ctx.functions.ansi && !self.try_cast;
        let zone = ctx.functions.time_zone.clone();
        apply_unary(&v, |a| {
            match super::cast_interval::cast_interval(a, self.from_interval, &self.to, self.to_interval, self.try_cast, strict)? {
                Some(out) => Ok(out),
                None => cast_array(&in_session_zone(a, &self.to, &zone), &self.to, strict),
            }
        })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A `TIMESTAMP` (with local time zone) converts to strings and dates in the session
/// time zone, whatever zone its type was labelled with when the plan was built.
fn in_session_zone(a: &ArrayRef, to: &DataType, zone: &Arc<str>) -> ArrayRef {
    match (a.data_type(), to) {
        (DataType::Timestamp(TimeUnit::Microsecond, Some(tz)), t) if tz != zone && !matches!(t, DataType::Timestamp(_, _)) => {
            Arc::new(a.as_primitive::<TimestampMicrosecondType>().clone().with_timezone(zone.clone()))
        }
        _ => a.clone(),
    }
}

/// Casts with Spark's semantics; `strict` (ANSI and not `try_cast`) turns values that
/// cannot be converted into errors, otherwise they become NULL.
pub fn cast_array(array: &ArrayRef, to: &DataType, strict: bool) -> Result<ArrayRef> {
    let from = array.data_type();
    if from == to {
        return Ok(array.clone());
    }
    if from == &DataType::Null {
        return Ok(arrow::array::new_null_array(to, array.len()));
    }
    let is_string = matches!(from, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    let out: ArrayRef = match (from, to) {
        (_, DataType::Boolean) if is_string => string_to_boolean(array)?,
        (DataType::Float64, DataType::Utf8) => {
            Arc::new(array.as_primitive::<Float64Type>().iter().map(|v| v.map(format_f64)).collect::<StringArray>())
        }
        (DataType::Float32, DataType::Utf8) => {
            Arc::new(array.as_primitive::<Float32Type>().iter().map(|v| v.map(format_f32)).collect::<StringArray>())
        }
        (DataType::Timestamp(TimeUnit::Microsecond, tz), DataType::Utf8) => timestamp_to_string(array, tz.as_deref())?,
        _ if IntervalType::default_for(from).is_some() || IntervalType::default_for(to).is_some() => {
            match super::cast_interval::cast_interval(array, None, to, None, !strict, strict)? {
                Some(out) => out,
                None => return Err(Error::new(ErrorKind::CannotCast { from: sql_type_name(from), to: sql_type_name(to) })),
            }
        }
        _ if is_string => {
            let cleaned = clean_number_strings(array, to, strict)?;
            cast_with_options(&cleaned, to, &CastOptions { safe: true, ..Default::default() })?
        }
        _ => cast_with_options(array, to, &CastOptions { safe: true, ..Default::default() })
            .map_err(|_| Error::new(ErrorKind::CannotCast { from: sql_type_name(from), to: sql_type_name(to) }))?,
    };
    if strict && out.null_count() > array.null_count() {
        if let Some(i) = (0..array.len()).find(|&i| array.is_valid(i) && out.is_null(i)) {
            return Err(cast_error(array.as_ref(), i, to));
        }
    }
    Ok(out)
}

fn cast_error(array: &dyn Array, i: usize, to: &DataType) -> Error {
    let from = array.data_type();
    let value = ScalarValue::try_from_array(array, i).map(|v| v.to_string()).unwrap_or_default();
    let numeric = ember_plan::coercion::is_numeric(from);
    if let (true, DataType::Decimal128(p, s)) = (numeric, to) {
        return Error::new(ErrorKind::NumericValueOutOfRange {
            message: format!(
                "{value} cannot be represented as Decimal({p}, {s}). If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and return NULL instead."
            ),
        });
    }
    if numeric {
        let suffix = match from {
            DataType::Int64 => "L",
            DataType::Int16 => "S",
            DataType::Int8 => "Y",
            DataType::Float64 => "D",
            DataType::Float32 => "F",
            DataType::Decimal128(_, _) => "BD",
            _ => "",
        };
        return Error::new(ErrorKind::CastOverflow { value: format!("{value}{suffix}"), from: sql_type_name(from), to: sql_type_name(to) });
    }
    Error::new(ErrorKind::CastInvalidInput { value, from: sql_type_name(from), to: sql_type_name(to) })
}

/// Spark's string→boolean: t, true, y, yes, 1 / f, false, n, no, 0 (any case, trimmed).
fn string_to_boolean(array: &ArrayRef) -> Result<ArrayRef> {
    let strings = cast_with_options(array, &DataType::Utf8, &CastOptions::default())?;
    let out: BooleanArray = strings
        .as_string::<i32>()
        .iter()
        .map(|v| {
            v.and_then(|s| match s.trim().to_ascii_lowercase().as_str() {
                "t" | "true" | "y" | "yes" | "1" => Some(true),
                "f" | "false" | "n" | "no" | "0" => Some(false),
                _ => None,
            })
        })
        .collect();
    Ok(Arc::new(out))
}

/// Trims whitespace before parsing numbers and dates; with ANSI off, a fractional
/// part is dropped for integral targets (`'1.9'` → 1), as Spark does.
fn clean_number_strings(array: &ArrayRef, to: &DataType, strict: bool) -> Result<ArrayRef> {
    if matches!(to, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Binary) {
        return Ok(array.clone());
    }
    let strings = cast_with_options(array, &DataType::Utf8, &CastOptions::default())?;
    let strings = strings.as_string::<i32>();
    let integral = ember_plan::coercion::is_integral(to);
    let needs = |s: &str| s.trim() != s || (!strict && integral && s.contains('.'));
    if !strings.iter().flatten().any(needs) {
        return Ok(Arc::new(strings.clone()));
    }
    let out: StringArray = strings
        .iter()
        .map(|v| {
            v.map(|s| {
                let t = s.trim();
                if !strict && integral {
                    if let Some((int, frac)) = t.split_once('.') {
                        let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
                        let body = int.strip_prefix(['+', '-']).unwrap_or(int);
                        if digits(body) && digits(frac) && !(body.is_empty() && frac.is_empty()) {
                            return if body.is_empty() { "0".to_string() } else { int.to_string() };
                        }
                    }
                }
                t.to_string()
            })
        })
        .collect();
    Ok(Arc::new(out))
}

/// `yyyy-MM-dd HH:mm:ss[.ffffff]` in the value's time zone.
fn timestamp_to_string(array: &ArrayRef, tz: Option<&str>) -> Result<ArrayRef> {
    let ts = array.as_primitive::<TimestampMicrosecondType>();
    let zone: Option<arrow::array::timezone::Tz> = match tz {
        Some(z) if !z.eq_ignore_ascii_case("UTC") && z != "+00:00" => z.parse().ok(),
        _ => None,
    };
    let out: StringArray = ts
        .iter()
        .map(|v| {
            v.map(|micros| {
                let local = match zone {
                    Some(z) => arrow::array::temporal_conversions::as_datetime_with_timezone::<TimestampMicrosecondType>(micros, z)
                        .map(|d| d.naive_local().and_utc().timestamp_micros())
                        .unwrap_or(micros),
                    None => micros,
                };
                format_timestamp_micros(local, None)
            })
        })
        .collect();
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Decimal128Array, Float64Array, Int64Array};

    fn strings(v: Vec<Option<&str>>) -> ArrayRef {
        Arc::new(StringArray::from(v))
    }

    fn show(a: &ArrayRef) -> String {
        (0..a.len()).map(|i| ScalarValue::try_from_array(a.as_ref(), i).unwrap().to_string()).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn string_to_int_trims_and_errors_under_ansi() {
        let a = strings(vec![Some(" 12 "), None, Some("7")]);
        assert_eq!(show(&cast_array(&a, &DataType::Int32, true).unwrap()), "12,NULL,7");
        let bad = strings(vec![Some("1"), Some("abc")]);
        let e = cast_array(&bad, &DataType::Int32, true).unwrap_err();
        assert_eq!(e.class(), "CAST_INVALID_INPUT");
        assert!(e.to_string().contains("The value 'abc' of the type \"STRING\" cannot be cast to \"INT\""), "{e}");
        assert_eq!(show(&cast_array(&bad, &DataType::Int32, false).unwrap()), "1,NULL");
        assert_eq!(show(&cast_array(&strings(vec![Some("1.9")]), &DataType::Int32, false).unwrap()), "1");
    }

    #[test]
    fn string_to_boolean_spellings() {
        let a = strings(vec![Some("YES"), Some(" f "), Some("1"), Some("maybe"), None]);
        assert_eq!(show(&cast_array(&a, &DataType::Boolean, false).unwrap()), "true,false,true,NULL,NULL");
        assert_eq!(cast_array(&a, &DataType::Boolean, true).unwrap_err().class(), "CAST_INVALID_INPUT");
    }

    #[test]
    fn numeric_overflow_and_truncation() {
        let a: ArrayRef = Arc::new(Int64Array::from(vec![3_000_000_000i64]));
        let e = cast_array(&a, &DataType::Int32, true).unwrap_err();
        assert_eq!(e.class(), "CAST_OVERFLOW");
        assert!(e.to_string().contains("3000000000L"), "{e}");
        let d: ArrayRef = Arc::new(Decimal128Array::from(vec![-199i128]).with_precision_and_scale(5, 2).unwrap());
        assert_eq!(show(&cast_array(&d, &DataType::Int32, true).unwrap()), "-1");
        let f: ArrayRef = Arc::new(Float64Array::from(vec![1.0, 1e10, 0.1]));
        assert_eq!(show(&cast_array(&f, &DataType::Utf8, true).unwrap()), "1.0,1.0E10,0.1");
        let e = cast_array(&f, &DataType::Decimal128(3, 1), true).unwrap_err();
        assert_eq!(e.class(), "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION");
    }

    #[test]
    fn booleans_and_empty() {
        let b: ArrayRef = Arc::new(BooleanArray::from(vec![true, false]));
        assert_eq!(show(&cast_array(&b, &DataType::Utf8, true).unwrap()), "true,false");
        let empty = strings(vec![]);
        assert_eq!(cast_array(&empty, &DataType::Int64, true).unwrap().len(), 0);
    }
}
