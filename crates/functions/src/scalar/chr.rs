//! `chr(n)` / `char(n)`: the character with code `n % 256` ('' for negative `n`).

use arrow::array::{ArrayRef, AsArray};
use arrow::datatypes::{DataType, Int64Type};
use ember_common::Result;
use ember_plan::coercion::{is_numeric, is_string};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{check_arity, eval_arrays, unexpected_type, StringOut};

#[derive(Debug)]
pub struct Chr;

fn chr_one(n: i64) -> String {
    if n < 0 {
        String::new()
    } else {
        char::from((n & 0xFF) as u8).to_string()
    }
}

impl ScalarFunctionImpl for Chr {
    fn name(&self) -> &str {
        "chr"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("chr", t.len(), 1, 1)?;
        match &t[0] {
            d if is_numeric(d) || is_string(d) || d == &DataType::Null => Ok(vec![DataType::Int64]),
            d => Err(unexpected_type("chr", 1, "\"BIGINT\"", d)),
        }
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("chr", args.len(), 1, 1)?;
        eval_arrays(args, num_rows, |a, n| {
            let x = arrow::compute::cast(&a[0], &DataType::Int64)?;
            let mut out = StringOut::new("chr", n);
            for v in x.as_primitive::<Int64Type>().iter() {
                out.push(v.map(chr_one).as_deref())?;
            }
            Ok(out.finish() as ArrayRef)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render};

    #[test]
    fn codes_wrap_at_256() {
        insta::assert_snapshot!(render(&call(&Chr, vec![ints(&[Some(65), Some(321), Some(-1), None, Some(233)])]).unwrap()), @"[A, A, , NULL, é]");
    }
}
