//! `length` (`char_length`, `character_length`): characters of a string, bytes of a binary.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int32Array};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{as_strings, char_len, check_arity, eval_arrays, string_arg};

#[derive(Debug)]
pub struct Length;

impl ScalarFunctionImpl for Length {
    fn name(&self) -> &str {
        "length"
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("length", arg_types.len(), 1, 1)?;
        match &arg_types[0] {
            DataType::Binary => Ok(vec![DataType::Binary]),
            t => Ok(vec![string_arg("length", 1, t)?]),
        }
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("length", args.len(), 1, 1)?;
        eval_arrays(args, num_rows, |a, _| {
            let out: Int32Array = match a[0].data_type() {
                DataType::Binary => a[0].as_binary::<i32>().iter().map(|v| v.map(|b| b.len() as i32)).collect(),
                _ => as_strings(&a[0])?.iter().map(|v| v.map(|s| char_len(s) as i32)).collect(),
            };
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};
    use arrow::array::BinaryArray;

    #[test]
    fn counts_characters() {
        let out = call(&Length, vec![strs(&[Some("héllo"), None, Some("")])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[5, NULL, 0]");
    }

    #[test]
    fn counts_bytes_of_binary() {
        let b: ArrayRef = Arc::new(BinaryArray::from(vec![Some("hé".as_bytes()), None]));
        insta::assert_snapshot!(render(&call(&Length, vec![b]).unwrap()), @"[3, NULL]");
    }
}
