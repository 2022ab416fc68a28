//! NULL-aware helpers Spark rewrites at analysis: `equal_null(a, b)` (`a <=> b`),
//! `nullifzero(x)` (`nullif(x, 0)`) and `zeroifnull(x)` (`coalesce(x, 0)`).

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, Int32Array};
use arrow::compute::kernels::cmp;
use arrow::compute::{cast, is_not_null, nullif};
use arrow::compute::kernels::zip::zip;
use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{common_type, comparison_type, is_numeric};

use super::typed_fn::TypedFunction;
use super::utils::unexpected_type;

/// `equal_null(a, b)`: true when both are NULL or both equal; never NULL.
pub fn equal_null() -> TypedFunction {
    TypedFunction {
        name: "equal_null",
        min_args: 2,
        max_args: 2,
        coerce: |name, t| match comparison_type(&t[0], &t[1]) {
            Some(c) => Ok(vec![c.clone(), c]),
            None => Err(Error::new(ErrorKind::DatatypeMismatch {
                sub: "DATA_DIFF_TYPES",
                expr: format!("\"{name}\""),
                message: format!(
                    "Input to `{name}` should all be the same type, but it's [\"{}\", \"{}\"].",
                    catalog_string(&t[0]).to_uppercase(),
                    catalog_string(&t[1]).to_uppercase()
                ),
            })),
        },
        returns: |_| Ok(DataType::Boolean),
        kernel: |_, a, n, _| {
            if a[0].data_type() == &DataType::Null {
                let other_null = a[1].data_type() == &DataType::Null;
                let both_null: arrow::array::BooleanArray = (0..n).map(|i| Some(other_null || a[1].is_null(i))).collect();
                return Ok(Arc::new(both_null));
            }
            Ok(Arc::new(cmp::not_distinct(&a[0], &a[1])?))
        },
    }
}

fn numeric_only(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    match &t[0] {
        DataType::Null => Ok(vec![DataType::Int32]),
        d if is_numeric(d) => Ok(vec![d.clone()]),
        d if ember_plan::coercion::is_string(d) => Ok(vec![DataType::Float64]),
        d => Err(unexpected_type(name, 1, "\"NUMERIC\"", d)),
    }
}

fn zero_of(dt: &DataType, n: usize) -> Result<ArrayRef> {
    Ok(cast(&(Arc::new(Int32Array::from(vec![0; n])) as ArrayRef), dt)?)
}

/// `nullifzero(x)`: NULL where `x` is 0. A string keeps its type and is compared as a
/// BIGINT (malformed: an error under ANSI, else not zero).
pub fn nullifzero() -> TypedFunction {
    TypedFunction {
        name: "nullifzero",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            DataType::Null => Ok(vec![DataType::Null]),
            d if ember_plan::coercion::is_string(d) => Ok(vec![DataType::Utf8]),
            _ => numeric_only(name, t),
        },
        returns: |t| Ok(t[0].clone()),
        kernel: |_, a, n, ctx| {
            if a[0].data_type() == &DataType::Null {
                return Ok(a[0].clone());
            }
            let compared = match a[0].data_type() {
                DataType::Utf8 => {
                    let options = arrow::compute::CastOptions { safe: !ctx.ansi, ..Default::default() };
                    arrow::compute::cast_with_options(&a[0], &DataType::Int64, &options).map_err(|_| {
                        let s = super::utils::as_strings(&a[0]).ok();
                        let bad = s.and_then(|s| s.iter().flatten().find(|v| v.trim().parse::<i64>().is_err()).map(str::to_string));
                        super::datetime_args::invalid_input(&bad.unwrap_or_default(), "BIGINT")
                    })?
                }
                _ => a[0].clone(),
            };
            let zero = zero_of(compared.data_type(), n)?;
            let is_zero = arrow::compute::kernels::boolean::and_kleene(&cmp::eq(&compared, &zero)?, &is_not_null(&compared)?)?;
            Ok(nullif(&a[0], &is_zero)?)
        },
    }
}

/// `zeroifnull(x)`: 0 where `x` is NULL, in the common type of `x` and INT.
pub fn zeroifnull() -> TypedFunction {
    TypedFunction {
        name: "zeroifnull",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| {
            if ember_plan::coercion::is_string(&t[0]) {
                // ANSI Spark widens a string meeting the INT 0 to BIGINT
                return Ok(vec![DataType::Int64]);
            }
            let c = numeric_only(name, t)?;
            Ok(vec![common_type(&c[0], &DataType::Int32).unwrap_or(c[0].clone())])
        },
        returns: |t| Ok(t[0].clone()),
        kernel: |_, a, n, _| {
            if a[0].data_type() == &DataType::Null {
                return Ok(new_null_array(&DataType::Int32, n));
            }
            let zero = zero_of(a[0].data_type(), n)?;
            Ok(zip(&is_not_null(&a[0])?, &a[0], &zero)?)
        },
    }
}
