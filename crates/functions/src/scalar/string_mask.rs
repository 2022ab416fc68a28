//! `quote(s)` (single-quoted, `'` escaped with a backslash) and `mask(s[, upper, lower, digit,
//! other])`: letters and digits replaced by the given characters (`X`, `x`, `n`; other
//! characters kept unless `other` is given; a NULL replacement keeps that class).

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::string_fn::{Param, StringFunction};
use super::utils::{check_arity, eval_arrays, map_strings, string_arg};

pub fn quote() -> StringFunction {
    StringFunction {
        name: "quote",
        params: &[Param::Str],
        min_args: 1,
        returns: DataType::Utf8,
        kernel: |a, _, _| map_strings("quote", &a[0], |s| format!("'{}'", s.replace('\'', "\\'"))),
    }
}

const MASK_PARAMS: [&str; 4] = ["upperChar", "lowerChar", "digitChar", "otherChar"];

/// `mask`: the replacement characters are fixed when the call is built (literals).
#[derive(Debug, Default)]
pub struct Mask {
    chars: [Option<char>; 4],
}

pub fn mask() -> Mask {
    Mask { chars: [Some('X'), Some('x'), Some('n'), None] }
}

impl ScalarFunctionImpl for Mask {
    fn name(&self) -> &str {
        "mask"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("mask", t.len(), 1, 5)?;
        t.iter().enumerate().map(|(i, d)| string_arg("mask", i + 1, d)).collect()
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn implicit_args(&self, given: usize) -> Vec<ScalarValue> {
        let defaults = [ScalarValue::from("X"), ScalarValue::from("x"), ScalarValue::from("n"), ScalarValue::Null];
        defaults.into_iter().skip(given.saturating_sub(1)).collect()
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let mut chars = [None; 4];
        for (i, lit) in literals.iter().skip(1).take(4).enumerate() {
            chars[i] = match lit {
                Some(ScalarValue::Null | ScalarValue::Utf8(None)) => None,
                Some(ScalarValue::Utf8(Some(s))) => {
                    let mut it = s.chars();
                    match (it.next(), it.next()) {
                        (Some(c), None) => Some(c),
                        _ => {
                            return Err(Error::new(ErrorKind::DatatypeMismatch {
                                sub: "INPUT_SIZE_NOT_ONE",
                                expr: "\"mask\"".into(),
                                message: format!("Length of {} should be 1.", MASK_PARAMS[i]),
                            }))
                        }
                    }
                }
                _ => {
                    return Err(Error::new(ErrorKind::DatatypeMismatch {
                        sub: "NON_FOLDABLE_INPUT",
                        expr: "\"mask\"".into(),
                        message: format!("the input `{}` should be a foldable \"STRING\" expression.", MASK_PARAMS[i]),
                    }))
                }
            };
        }
        Ok(Some(Arc::new(Mask { chars })))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let [up, low, digit, other] = self.chars;
        eval_arrays(&args[..1], num_rows, |a, _| {
            map_strings("mask", &a[0], |s| {
                s.chars()
                    .map(|c| {
                        let r = if c.is_uppercase() {
                            up
                        } else if c.is_lowercase() {
                            low
                        } else if c.is_ascii_digit() {
                            digit
                        } else {
                            other
                        };
                        r.unwrap_or(c)
                    })
                    .collect()
            })
        })
    }
}
