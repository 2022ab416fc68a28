//! Conditional functions: `coalesce`, `nvl`/`ifnull`, `nvl2`, `nullif`, `if`.

use arrow::array::{Array, ArrayRef};
use arrow::compute::kernels::cmp;
use arrow::compute::{cast, cast_with_options, is_not_null, nullif, prep_null_mask_filter, CastOptions};
use arrow::compute::kernels::zip::zip;
use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{common_type_of, comparison_type};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{as_bools, bool_arg, check_arity, eval_arrays};

/// The common type of `types`, or DATA_DIFF_TYPES naming `name`.
pub fn common_or_error(name: &str, types: &[DataType]) -> Result<DataType> {
    common_type_of(types).ok_or_else(|| {
        Error::new(ErrorKind::DatatypeMismatch {
            sub: "DATA_DIFF_TYPES",
            expr: format!("\"{name}\""),
            message: format!(
                "Input to `{name}` should all be the same type, but it's [{}].",
                types.iter().map(|t| format!("\"{}\"", catalog_string(t).to_uppercase())).collect::<Vec<_>>().join(", ")
            ),
        })
    })
}

fn cast_to(a: &ArrayRef, dt: &DataType) -> Result<ArrayRef> {
    if a.data_type() == dt {
        Ok(a.clone())
    } else {
        Ok(cast(a, dt)?)
    }
}

/// `coalesce(a, …)`; `nvl(a, b)` is the two-argument form.
#[derive(Debug)]
pub struct Coalesce {
    name: &'static str,
    exact: Option<usize>,
}

impl Coalesce {
    pub fn variadic() -> Self {
        Coalesce { name: "coalesce", exact: None }
    }

    pub fn nvl() -> Self {
        Coalesce { name: "nvl", exact: Some(2) }
    }

    fn arity(&self, n: usize) -> Result<()> {
        match self.exact {
            Some(k) => check_arity(self.name, n, k, k),
            None => check_arity(self.name, n, 1, usize::MAX),
        }
    }
}

impl ScalarFunctionImpl for Coalesce {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        self.arity(t.len())?;
        let common = common_or_error(self.name, t)?;
        Ok(vec![common; t.len()])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        common_or_error(self.name, t)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        self.arity(args.len())?;
        eval_arrays(args, num_rows, |a, _| {
            let types: Vec<DataType> = a.iter().map(|x| x.data_type().clone()).collect();
            let rt = common_or_error(self.name, &types)?;
            let mut result = cast_to(&a[a.len() - 1], &rt)?;
            for x in a[..a.len() - 1].iter().rev() {
                let x = cast_to(x, &rt)?;
                result = zip(&is_not_null(x.as_ref())?, &x, &result)?;
            }
            Ok(result)
        })
    }
}

/// `nvl2(a, b, c)`: `b` if `a` is not NULL, else `c`.
#[derive(Debug)]
pub struct Nvl2;

impl ScalarFunctionImpl for Nvl2 {
    fn name(&self) -> &str {
        "nvl2"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("nvl2", t.len(), 3, 3)?;
        let common = common_or_error("nvl2", &t[1..])?;
        Ok(vec![t[0].clone(), common.clone(), common])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity("nvl2", t.len(), 3, 3)?;
        common_or_error("nvl2", &t[1..])
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("nvl2", args.len(), 3, 3)?;
        eval_arrays(args, num_rows, |a, _| {
            let rt = common_or_error("nvl2", &[a[1].data_type().clone(), a[2].data_type().clone()])?;
            Ok(zip(&is_not_null(a[0].as_ref())?, &cast_to(&a[1], &rt)?, &cast_to(&a[2], &rt)?)?)
        })
    }
}

/// `if(cond, a, b)`: `a` where `cond` is true, else `b` (a NULL condition picks `b`).
#[derive(Debug)]
pub struct If;

impl ScalarFunctionImpl for If {
    fn name(&self) -> &str {
        "if"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("if", t.len(), 3, 3)?;
        let common = common_or_error("if", &t[1..])?;
        Ok(vec![bool_arg("if", 1, &t[0])?, common.clone(), common])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity("if", t.len(), 3, 3)?;
        common_or_error("if", &t[1..])
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("if", args.len(), 3, 3)?;
        eval_arrays(args, num_rows, |a, _| {
            let rt = common_or_error("if", &[a[1].data_type().clone(), a[2].data_type().clone()])?;
            let cond = as_bools(&a[0])?;
            // a NULL condition counts as false
            let mask = if cond.nulls().is_some() { prep_null_mask_filter(&cond) } else { cond };
            Ok(zip(&mask, &cast_to(&a[1], &rt)?, &cast_to(&a[2], &rt)?)?)
        })
    }
}

/// `nullif(a, b)`: NULL if `a = b`, else `a` (typed as `a`).
#[derive(Debug)]
pub struct NullIf;

fn nullif_compare_type(a: &DataType, b: &DataType) -> Result<DataType> {
    comparison_type(a, b).ok_or_else(|| {
        Error::new(ErrorKind::DatatypeMismatch {
            sub: "BINARY_OP_DIFF_TYPES",
            expr: "\"nullif\"".into(),
            message: format!(
                "the left and right operands of the binary operator have incompatible types (\"{}\" and \"{}\").",
                catalog_string(a).to_uppercase(),
                catalog_string(b).to_uppercase()
            ),
        })
    })
}

impl ScalarFunctionImpl for NullIf {
    fn name(&self) -> &str {
        "nullif"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("nullif", t.len(), 2, 2)?;
        nullif_compare_type(&t[0], &t[1])?;
        Ok(t.to_vec())
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity("nullif", t.len(), 2, 2)?;
        Ok(t[0].clone())
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("nullif", args.len(), 2, 2)?;
        eval_arrays(args, num_rows, |a, _| {
            let ct = nullif_compare_type(a[0].data_type(), a[1].data_type())?;
            if ct == DataType::Null {
                return Ok(a[0].clone());
            }
            let opts = CastOptions { safe: !ctx.ansi, ..Default::default() };
            let l = cast_with_options(&a[0], &ct, &opts)?;
            let r = cast_with_options(&a[1], &ct, &opts)?;
            let eq = cmp::eq(&l, &r)?;
            Ok(nullif(a[0].as_ref(), &eq)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};
    use arrow::array::{BooleanArray, Int64Array, NullArray};
    use std::sync::Arc;

    #[test]
    fn coalesce_picks_first_non_null() {
        let a = ints(&[None, Some(1), None]);
        let b: ArrayRef = Arc::new(Int64Array::from(vec![Some(10), Some(20), None]));
        let out = call(&Coalesce::variadic(), vec![a, b]).unwrap();
        assert_eq!(out.data_type(), &DataType::Int64);
        insta::assert_snapshot!(render(&out), @"[10, 1, NULL]");
    }

    #[test]
    fn coalesce_arity_and_types() {
        let e = Coalesce::variadic().coerce_types(&[]).unwrap_err();
        assert_eq!(e.class(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
        let e = Coalesce::nvl().coerce_types(&[DataType::Int32]).unwrap_err();
        assert!(e.message().contains("requires 2 parameters"), "{e}");
        let e = Coalesce::variadic().coerce_types(&[DataType::Int32, DataType::new_list(DataType::Int32, true)]).unwrap_err();
        assert_eq!(e.class(), "DATATYPE_MISMATCH.DATA_DIFF_TYPES");
        let nulls: ArrayRef = Arc::new(NullArray::new(2));
        let out = call(&Coalesce::variadic(), vec![nulls.clone(), nulls]).unwrap();
        assert_eq!(out.null_count() + out.logical_null_count(), 2);
    }

    #[test]
    fn nvl2_and_if() {
        let a = strs(&[Some("x"), None, Some("y")]);
        let out = call(&Nvl2, vec![a, ints(&[Some(1), Some(2), Some(3)]), ints(&[Some(7), Some(8), Some(9)])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[1, 8, 3]");
        let c: ArrayRef = Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)]));
        let out = call(&If, vec![c, strs(&[Some("10"), Some("11"), Some("12")]), ints(&[Some(1), Some(2), None])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[10, 2, NULL]");
    }

    #[test]
    fn nullif_compares_after_coercion() {
        let a = ints(&[Some(1), Some(2), None, Some(4)]);
        let b = strs(&[Some("1"), Some("3"), Some("1"), None]);
        let out = call(&NullIf, vec![a, b]).unwrap();
        assert_eq!(out.data_type(), &DataType::Int32);
        insta::assert_snapshot!(render(&out), @"[NULL, 2, NULL, 4]");
    }
}
