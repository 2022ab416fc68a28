//! `upper`/`ucase`, `lower`/`lcase` and `initcap`.

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;

use super::string_fn::{Param, StringFunction};
use super::utils::map_strings;

pub fn upper() -> StringFunction {
    StringFunction { name: "upper", params: &[Param::Str], min_args: 1, returns: DataType::Utf8, kernel: upper_kernel }
}

pub fn lower() -> StringFunction {
    StringFunction { name: "lower", params: &[Param::Str], min_args: 1, returns: DataType::Utf8, kernel: lower_kernel }
}

/// Lower-cases the string, then upper-cases the first letter and each letter after a space.
pub fn initcap() -> StringFunction {
    StringFunction { name: "initcap", params: &[Param::Str], min_args: 1, returns: DataType::Utf8, kernel: initcap_kernel }
}

fn upper_kernel(args: &[ArrayRef], _: usize, _: &FunctionContext) -> Result<ArrayRef> {
    map_strings("upper", &args[0], |s| s.to_uppercase())
}

fn lower_kernel(args: &[ArrayRef], _: usize, _: &FunctionContext) -> Result<ArrayRef> {
    map_strings("lower", &args[0], |s| s.to_lowercase())
}

fn initcap_kernel(args: &[ArrayRef], _: usize, _: &FunctionContext) -> Result<ArrayRef> {
    map_strings("initcap", &args[0], |s| {
        let mut out = String::with_capacity(s.len());
        let mut after_space = true;
        for c in s.to_lowercase().chars() {
            if after_space {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            after_space = c == ' ';
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};

    #[test]
    fn cases() {
        let input = strs(&[Some("hEllo wOrld"), None, Some(""), Some("straße")]);
        insta::assert_snapshot!(render(&call(&upper(), vec![input.clone()]).unwrap()), @"[HELLO WORLD, NULL, , STRASSE]");
        insta::assert_snapshot!(render(&call(&lower(), vec![input.clone()]).unwrap()), @"[hello world, NULL, , straße]");
        insta::assert_snapshot!(render(&call(&initcap(), vec![input]).unwrap()), @"[Hello World, NULL, , Straße]");
    }

    #[test]
    fn numbers_are_cast_to_string() {
        let out = call(&upper(), vec![std::sync::Arc::new(arrow::array::Int32Array::from(vec![12]))]).unwrap();
        insta::assert_snapshot!(render(&out), @"[12]");
    }

    #[test]
    fn wrong_arity() {
        use ember_plan::ScalarFunctionImpl;
        let e = upper().coerce_types(&[DataType::Utf8, DataType::Utf8]).unwrap_err();
        assert_eq!(e.class(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
        let e = upper().coerce_types(&[DataType::new_list(DataType::Int32, true)]).unwrap_err();
        assert_eq!(e.class(), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
    }
}
