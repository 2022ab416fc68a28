//! `isnull(x)` and `isnotnull(x)`: never NULL themselves.

use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::compute::{is_not_null, is_null};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{check_arity, eval_arrays};

#[derive(Debug)]
pub struct IsNull {
    negated: bool,
}

impl IsNull {
    /// `isnull` when `negated` is false, `isnotnull` otherwise.
    pub fn new(negated: bool) -> Self {
        IsNull { negated }
    }
}

impl ScalarFunctionImpl for IsNull {
    fn name(&self) -> &str {
        if self.negated {
            "isnotnull"
        } else {
            "isnull"
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        Ok(t.to_vec())
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name(), args.len(), 1, 1)?;
        eval_arrays(args, num_rows, |a, _| {
            let out = if self.negated { is_not_null(a[0].as_ref())? } else { is_null(a[0].as_ref())? };
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};
    use arrow::array::NullArray;

    #[test]
    fn null_checks() {
        let a = strs(&[Some("a"), None]);
        insta::assert_snapshot!(render(&call(&IsNull::new(false), vec![a.clone()]).unwrap()), @"[false, true]");
        insta::assert_snapshot!(render(&call(&IsNull::new(true), vec![a]).unwrap()), @"[true, false]");
        let n: ArrayRef = Arc::new(NullArray::new(1));
        insta::assert_snapshot!(render(&call(&IsNull::new(false), vec![n]).unwrap()), @"[true]");
    }
}
