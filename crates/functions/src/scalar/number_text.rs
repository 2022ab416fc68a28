//! `to_number(str, fmt)` / `try_to_number` and `to_char(number, fmt)` (also `to_varchar`)
//! with Spark's number formats (see [`super::number_pattern`]); the format must be a
//! literal. `to_number` returns `decimal(p, s)` of the format's digits.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Decimal128Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{is_integral, is_numeric};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::number_pattern::NumberPattern;
use super::utils::{as_strings, check_arity, eval_arrays, string_arg, unexpected_type, StringOut};

fn not_foldable(name: &str) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "NON_FOLDABLE_INPUT",
        expr: format!("\"{name}\""),
        message: "the input `format` should be a foldable \"STRING\" expression.".into(),
    })
}

/// The format of a call: `None` before the call is built, `Some(None)` for NULL.
type Fmt = Option<Option<NumberPattern>>;

fn specialize_fmt(name: &str, literals: &[Option<&ScalarValue>]) -> Result<Fmt> {
    match literals.get(1) {
        Some(Some(ScalarValue::Utf8(Some(f)))) => Ok(Some(Some(NumberPattern::parse(f)?))),
        Some(Some(ScalarValue::Utf8(None) | ScalarValue::Null)) => Ok(Some(None)),
        Some(Some(_)) | None => Ok(None),
        Some(None) => Err(not_foldable(name)),
    }
}

#[derive(Debug)]
pub struct ToNumber {
    name: &'static str,
    fmt: Fmt,
}

pub fn to_number() -> ToNumber {
    ToNumber { name: "to_number", fmt: None }
}

impl ScalarFunctionImpl for ToNumber {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 2, 2)?;
        Ok(vec![string_arg(self.name, 1, &t[0])?, string_arg(self.name, 2, &t[1])?])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match &self.fmt {
            Some(Some(p)) => DataType::Decimal128(p.precision().clamp(1, 38) as u8, p.scale().min(38) as i8),
            _ => DataType::Decimal128(10, 0),
        })
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let fmt = specialize_fmt(self.name, literals)?;
        Ok(Some(Arc::new(ToNumber { name: self.name, fmt })))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let rt = self.return_type(&[])?;
        let DataType::Decimal128(p, s) = rt else { return Err(Error::internal("to_number returns a decimal")) };
        eval_arrays(&args[..1], num_rows, |a, n| {
            let strings = as_strings(&a[0])?;
            let mut out = Vec::with_capacity(n);
            for v in strings.iter() {
                out.push(match (v, &self.fmt) {
                    (Some(v), Some(Some(pattern))) => Some(pattern.parse_number(v)?),
                    _ => None,
                });
            }
            Ok(Arc::new(Decimal128Array::from(out).with_precision_and_scale(p, s)?) as ArrayRef)
        })
    }
}

#[derive(Debug)]
pub struct ToChar {
    name: &'static str,
    fmt: Fmt,
}

pub fn to_char() -> ToChar {
    ToChar { name: "to_char", fmt: None }
}

/// The sign, absolute digits and scale of row `i`.
fn digits(a: &ArrayRef, i: usize) -> (bool, String, usize) {
    match a.data_type() {
        DataType::Decimal128(_, s) => {
            let v = a.as_primitive::<Decimal128Type>().value(i);
            (v < 0, v.unsigned_abs().to_string(), (*s).max(0) as usize)
        }
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>().value(i);
            let text = format!("{:.15}", v.abs());
            (v < 0.0, text.replace('.', ""), 15)
        }
        _ => {
            let v = a.as_primitive::<Int64Type>().value(i);
            (v < 0, v.unsigned_abs().to_string(), 0)
        }
    }
}

impl ScalarFunctionImpl for ToChar {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 2, 2)?;
        let x = match &t[0] {
            d @ DataType::Decimal128(_, _) => d.clone(),
            d if is_integral(d) || d == &DataType::Null => DataType::Int64,
            d if is_numeric(d) => DataType::Float64,
            d => return Err(unexpected_type(self.name, 1, "\"DECIMAL\"", d)),
        };
        Ok(vec![x, string_arg(self.name, 2, &t[1])?])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let fmt = specialize_fmt(self.name, literals)?;
        Ok(Some(Arc::new(ToChar { name: self.name, fmt })))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(&args[..1], num_rows, |a, n| {
            let x = match a[0].data_type() {
                DataType::Null => cast(&a[0], &DataType::Int64)?,
                _ => a[0].clone(),
            };
            let mut out = StringOut::new("to_char", n);
            for i in 0..n {
                match &self.fmt {
                    Some(Some(p)) if !x.is_null(i) => {
                        let (neg, d, scale) = digits(&x, i);
                        out.push(Some(&p.format(neg, &d, scale)))?;
                    }
                    _ => out.push(None)?,
                }
            }
            Ok(out.finish())
        })
    }
}
