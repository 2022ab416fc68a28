//! Shared plumbing for scalar functions: argument-count and type errors, Spark's
//! implicit casts to string and int, scalar/array dispatch and a string builder that
//! errors instead of overflowing Arrow's 2 GiB offsets.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int32Array, StringArray, StringBuilder};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{is_numeric, is_string};
use ember_plan::{ColumnarValue, ScalarValue};

/// The largest string one value or one batch may hold (Arrow's i32 offsets).
pub const MAX_STRING_BYTES: usize = i32::MAX as usize;

/// WRONG_NUM_ARGS unless `min <= found <= max`. `expected` reads "2", "[1, 2]" or "> 0".
pub fn check_arity(name: &str, found: usize, min: usize, max: usize) -> Result<()> {
    if found >= min && found <= max {
        return Ok(());
    }
    let expected = if min == max {
        min.to_string()
    } else if max == usize::MAX {
        format!("> {}", min.saturating_sub(1))
    } else {
        format!("[{}]", (min..=max).map(|n| n.to_string()).collect::<Vec<_>>().join(", "))
    };
    Err(Error::new(ErrorKind::WrongNumArgs { name: name.to_string(), expected, found }))
}

/// DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE for parameter `param` (1-based) of `name`.
pub fn unexpected_type(name: &str, param: usize, required: &str, actual: &DataType) -> Error {
    let ordinal = match param {
        1 => "first".to_string(),
        2 => "second".to_string(),
        3 => "third".to_string(),
        n => format!("{n}th"),
    };
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "UNEXPECTED_INPUT_TYPE",
        expr: format!("\"{name}\""),
        message: format!(
            "The {ordinal} parameter requires the {required} type, however the argument has the type \"{}\".",
            catalog_string(actual).to_uppercase()
        ),
    })
}

/// True for the atomic types Spark implicitly casts to string.
pub fn castable_to_string(dt: &DataType) -> bool {
    is_string(dt)
        || is_numeric(dt)
        || matches!(dt, DataType::Null | DataType::Boolean | DataType::Binary | DataType::Date32 | DataType::Timestamp(_, _))
}

/// Coerces parameter `param` to string, or errors.
pub fn string_arg(name: &str, param: usize, dt: &DataType) -> Result<DataType> {
    if castable_to_string(dt) {
        Ok(DataType::Utf8)
    } else {
        Err(unexpected_type(name, param, "\"STRING\"", dt))
    }
}

/// Coerces parameter `param` to int (numbers and strings cast, as Spark's ANSI coercion does).
pub fn int_arg(name: &str, param: usize, dt: &DataType) -> Result<DataType> {
    if is_numeric(dt) || is_string(dt) || dt == &DataType::Null {
        Ok(DataType::Int32)
    } else {
        Err(unexpected_type(name, param, "\"INT\"", dt))
    }
}

/// Coerces parameter `param` to boolean (NULL and strings cast).
pub fn bool_arg(name: &str, param: usize, dt: &DataType) -> Result<DataType> {
    if matches!(dt, DataType::Boolean | DataType::Null) || is_string(dt) {
        Ok(DataType::Boolean)
    } else {
        Err(unexpected_type(name, param, "\"BOOLEAN\"", dt))
    }
}

/// Runs `f` on the arguments as arrays. When every argument is a scalar, `f` sees
/// one-row arrays and the result is a scalar again.
pub fn eval_arrays(
    args: &[ColumnarValue],
    num_rows: usize,
    f: impl FnOnce(&[ArrayRef], usize) -> Result<ArrayRef>,
) -> Result<ColumnarValue> {
    let all_scalar = !args.is_empty() && args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
    let n = if all_scalar { 1 } else { num_rows };
    let arrays = args.iter().map(|a| a.clone().into_array(n)).collect::<Result<Vec<_>>>()?;
    if let Some(bad) = arrays.iter().find(|a| a.len() != n) {
        return Err(Error::internal(format!("function argument has {} rows, expected {n}", bad.len())));
    }
    let out = f(&arrays, n)?;
    if all_scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(out.as_ref(), 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}

fn cast_strict(a: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    let opts = CastOptions { safe: false, ..Default::default() };
    Ok(cast_with_options(a, to, &opts)?)
}

/// The array as Utf8 (casting other string encodings and NULL arrays).
pub fn as_strings(a: &ArrayRef) -> Result<StringArray> {
    match a.data_type() {
        DataType::Utf8 => Ok(a.as_string::<i32>().clone()),
        _ => Ok(cast_strict(a, &DataType::Utf8)?.as_string::<i32>().clone()),
    }
}

/// The array as Int32 (casting other numbers; an overflow is an error).
pub fn as_ints(a: &ArrayRef) -> Result<Int32Array> {
    match a.data_type() {
        DataType::Int32 => Ok(a.as_primitive().clone()),
        _ => Ok(cast_strict(a, &DataType::Int32)?.as_primitive().clone()),
    }
}

/// The array as Boolean.
pub fn as_bools(a: &ArrayRef) -> Result<BooleanArray> {
    match a.data_type() {
        DataType::Boolean => Ok(a.as_boolean().clone()),
        _ => Ok(cast_strict(a, &DataType::Boolean)?.as_boolean().clone()),
    }
}

/// The error for a result string above [`MAX_STRING_BYTES`].
pub fn too_large(name: &str) -> Error {
    Error::invalid_argument(format!(
        "The result of function `{name}` exceeds the maximum string size of {MAX_STRING_BYTES} bytes."
    ))
}

/// A string column builder that errors instead of panicking on offset overflow.
pub struct StringOut {
    name: &'static str,
    builder: StringBuilder,
    bytes: usize,
}

impl StringOut {
    pub fn new(name: &'static str, rows: usize) -> Self {
        StringOut { name, builder: StringBuilder::with_capacity(rows, 0), bytes: 0 }
    }

    pub fn push(&mut self, v: Option<&str>) -> Result<()> {
        match v {
            Some(s) => {
                self.bytes += s.len();
                if self.bytes > MAX_STRING_BYTES {
                    return Err(too_large(self.name));
                }
                self.builder.append_value(s);
            }
            None => self.builder.append_null(),
        }
        Ok(())
    }

    pub fn finish(mut self) -> ArrayRef {
        Arc::new(self.builder.finish())
    }
}

/// Maps every non-NULL string of `a` through `f`; NULL stays NULL.
pub fn map_strings(name: &'static str, a: &ArrayRef, mut f: impl FnMut(&str) -> String) -> Result<ArrayRef> {
    let s = as_strings(a)?;
    let mut out = StringOut::new(name, s.len());
    for v in s.iter() {
        match v {
            Some(v) => out.push(Some(&f(v)))?,
            None => out.push(None)?,
        }
    }
    Ok(out.finish())
}

/// The byte offset of character `n` in `s` (or `s.len()` past the end).
pub fn char_offset(s: &str, n: usize) -> usize {
    if s.is_ascii() {
        return n.min(s.len());
    }
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}

/// The number of characters of `s`.
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

#[cfg(test)]
pub mod test_util {
    //! Helpers for calling functions in tests.
    use super::*;
    use ember_plan::{FunctionContext, ScalarFunctionImpl};

    /// Coerces, casts and invokes `f` over array arguments; renders the result.
    pub fn call(f: &dyn ScalarFunctionImpl, args: Vec<ArrayRef>) -> Result<ArrayRef> {
        call_ctx(f, args, &FunctionContext::default())
    }

    pub fn call_ctx(f: &dyn ScalarFunctionImpl, args: Vec<ArrayRef>, ctx: &FunctionContext) -> Result<ArrayRef> {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type().clone()).collect();
        let coerced = f.coerce_types(&types)?;
        let rt = f.return_type(&coerced)?;
        let n = args.first().map(|a| a.len()).unwrap_or(1);
        let cast: Vec<ColumnarValue> = args
            .iter()
            .zip(&coerced)
            .map(|(a, t)| Ok(ColumnarValue::Array(cast_strict(a, t)?)))
            .collect::<Result<_>>()?;
        let out = f.invoke(&cast, n, ctx)?.into_array(n)?;
        assert_eq!(out.data_type(), &rt, "return_type disagrees with invoke");
        Ok(out)
    }

    /// Renders an array as `[a, NULL, …]` using Arrow's display.
    pub fn render(a: &ArrayRef) -> String {
        let opts = arrow::util::display::FormatOptions::default().with_null("NULL");
        let f = arrow::util::display::ArrayFormatter::try_new(a.as_ref(), &opts).expect("formatter");
        let items: Vec<String> = (0..a.len()).map(|i| f.value(i).to_string()).collect();
        format!("[{}]", items.join(", "))
    }

    pub fn strs(v: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    pub fn ints(v: &[Option<i32>]) -> ArrayRef {
        Arc::new(Int32Array::from(v.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_messages() {
        let e = check_arity("substring", 4, 2, 3).unwrap_err();
        assert_eq!(e.class(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
        assert!(e.message().contains("requires [2, 3] parameters"), "{e}");
        let e = check_arity("coalesce", 0, 1, usize::MAX).unwrap_err();
        assert!(e.message().contains("requires > 0 parameters"), "{e}");
        assert!(check_arity("upper", 1, 1, 1).is_ok());
    }

    #[test]
    fn char_offsets() {
        assert_eq!(char_offset("héllo", 2), 3);
        assert_eq!(char_offset("abc", 10), 3);
        assert_eq!(char_len("héllo"), 5);
    }

    #[test]
    fn scalar_in_scalar_out() {
        let args = [ColumnarValue::Scalar(ScalarValue::from("x"))];
        let out = eval_arrays(&args, 5, |a, n| {
            assert_eq!(n, 1);
            Ok(a[0].clone())
        })
        .unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Utf8(Some(_)))));
    }
}
