//! User-raised errors: `raise_error(message)` and `assert_true(cond[, message])`, both
//! of type `void` (NULL) and failing with USER_RAISED_EXCEPTION for a row that raises
//! (`assert_true` for a condition that is false or NULL). The binder supplies
//! `assert_true`'s default message, `'<cond>' is not true!`, as Spark shows it.

use arrow::array::{new_null_array, Array};
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{as_bools, as_strings, bool_arg, check_arity, string_arg};

fn raised(message: &str) -> Error {
    Error::new(ErrorKind::Other { class: "USER_RAISED_EXCEPTION".into(), sqlstate: Some("P0001".into()), message: message.to_string() })
}

#[derive(Debug)]
pub struct RaiseError;

impl ScalarFunctionImpl for RaiseError {
    fn name(&self) -> &str {
        "raise_error"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("raise_error", t.len(), 1, 1)?;
        Ok(vec![string_arg("raise_error", 1, &t[0])?])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Null)
    }

    fn is_deterministic(&self) -> bool {
        false
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        if num_rows > 0 {
            let m = as_strings(&args[0].clone().into_array(num_rows)?)?;
            return Err(raised(if m.is_null(0) { "null" } else { m.value(0) }));
        }
        Ok(ColumnarValue::Array(new_null_array(&DataType::Null, 0)))
    }

    fn display_call(&self, args: &[String]) -> Option<String> {
        Some(format!("raise_error(USER_RAISED_EXCEPTION, map(errorMessage, {}))", args.first()?))
    }
}

#[derive(Debug)]
pub struct AssertTrue;

impl ScalarFunctionImpl for AssertTrue {
    fn name(&self) -> &str {
        "assert_true"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("assert_true", t.len(), 1, 2)?;
        let mut out = vec![bool_arg("assert_true", 1, &t[0])?];
        if let Some(m) = t.get(1) {
            out.push(string_arg("assert_true", 2, m)?);
        }
        Ok(out)
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Null)
    }

    fn is_deterministic(&self) -> bool {
        false
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let cond = as_bools(&args[0].clone().into_array(num_rows)?)?;
        let messages = args.get(1).map(|m| m.clone().into_array(num_rows).and_then(|a| as_strings(&a))).transpose()?;
        for i in 0..num_rows {
            if cond.is_null(i) || !cond.value(i) {
                let message = match &messages {
                    Some(m) if !m.is_null(i) => m.value(i).to_string(),
                    Some(_) => "null".to_string(),
                    None => "assertion is not true!".to_string(),
                };
                return Err(raised(&message));
            }
        }
        Ok(ColumnarValue::Array(new_null_array(&DataType::Null, num_rows)))
    }
}
