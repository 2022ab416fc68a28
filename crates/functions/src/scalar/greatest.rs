//! `greatest(a, b, …)` and `least(a, b, …)`: the largest or smallest non-NULL argument
//! after widening all of them to their common type; NULL only when all are NULL.

use arrow::array::{Array, ArrayRef};
use arrow::compute::kernels::cmp;
use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::common_type_of;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{check_arity, eval_arrays};

#[derive(Debug)]
pub struct Extreme {
    name: &'static str,
    greatest: bool,
}

pub fn greatest() -> Extreme {
    Extreme { name: "greatest", greatest: true }
}

pub fn least() -> Extreme {
    Extreme { name: "least", greatest: false }
}

fn orderable(dt: &DataType) -> bool {
    !matches!(dt, DataType::Map(_, _) | DataType::List(_) | DataType::Struct(_))
}

impl ScalarFunctionImpl for Extreme {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 2, usize::MAX)?;
        let common = common_type_of(t).filter(orderable).ok_or_else(|| {
            let types: Vec<String> = t.iter().map(|d| format!("\"{}\"", catalog_string(d).to_uppercase())).collect();
            Error::new(ErrorKind::DatatypeMismatch {
                sub: "DATA_DIFF_TYPES",
                expr: format!("\"{}\"", self.name),
                message: format!("Input to `{}` should all be the same type, but it's [{}].", self.name, types.join(", ")),
            })
        })?;
        Ok(vec![common; t.len()])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity(self.name, t.len(), 2, usize::MAX)?;
        Ok(t[0].clone())
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), 2, usize::MAX)?;
        eval_arrays(args, num_rows, |a, _| {
            let mut acc: ArrayRef = a[0].clone();
            for next in &a[1..] {
                // take `next` where it beats `acc` or `acc` is NULL; a NULL `next` never wins
                let beats = if self.greatest { cmp::gt(next, &acc)? } else { cmp::lt(next, &acc)? };
                let acc_null = arrow::compute::is_null(acc.as_ref())?;
                let next_valid = arrow::compute::is_not_null(next.as_ref())?;
                let beats = match beats.nulls() {
                    Some(_) => arrow::compute::kernels::filter::prep_null_mask_filter(&beats),
                    None => beats,
                };
                let take = arrow::compute::or(&beats, &arrow::compute::and(&acc_null, &next_valid)?)?;
                acc = arrow::compute::kernels::zip::zip(&take, next, &acc)?;
            }
            Ok(acc)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};
    use std::sync::Arc;

    #[test]
    fn skips_nulls_and_widens() {
        let a = ints(&[Some(1), None, None, Some(5)]);
        let b: ArrayRef = Arc::new(arrow::array::Float64Array::from(vec![Some(2.5), Some(3.0), None, Some(f64::NAN)]));
        insta::assert_snapshot!(render(&call(&greatest(), vec![a.clone(), b.clone()]).unwrap()), @"[2.5, 3.0, NULL, NaN]");
        insta::assert_snapshot!(render(&call(&least(), vec![a, b]).unwrap()), @"[1.0, 3.0, NULL, 5.0]");
    }

    #[test]
    fn strings_and_errors() {
        let a = strs(&[Some("b"), Some("")]);
        let b = strs(&[Some("a"), None]);
        insta::assert_snapshot!(render(&call(&greatest(), vec![a.clone(), b]).unwrap()), @"[b, ]");
        assert_eq!(call(&greatest(), vec![a]).unwrap_err().class(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
    }
}
