//! Helpers shared by physical expressions: applying arrow kernels to
//! `ColumnarValue`s (keeping scalar ⊕ scalar scalar) and building NULL results.

use arrow::array::{Array, ArrayRef, Datum, Scalar};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, ScalarValue};

/// Applies a binary kernel; two scalars give a scalar.
pub(crate) fn apply_binary(
    l: &ColumnarValue,
    r: &ColumnarValue,
    f: impl Fn(&dyn Datum, &dyn Datum) -> Result<ArrayRef>,
) -> Result<ColumnarValue> {
    Ok(match (l, r) {
        (ColumnarValue::Scalar(a), ColumnarValue::Scalar(b)) => {
            let out = f(&a.to_array(1)?, &b.to_array(1)?)?;
            ColumnarValue::Scalar(ScalarValue::try_from_array(out.as_ref(), 0)?)
        }
        (ColumnarValue::Array(a), ColumnarValue::Scalar(b)) => ColumnarValue::Array(f(a, &Scalar::new(b.to_array(1)?))?),
        (ColumnarValue::Scalar(a), ColumnarValue::Array(b)) => ColumnarValue::Array(f(&Scalar::new(a.to_array(1)?), b)?),
        (ColumnarValue::Array(a), ColumnarValue::Array(b)) => ColumnarValue::Array(f(a, b)?),
    })
}

/// Applies a unary kernel; a scalar gives a scalar.
pub(crate) fn apply_unary(v: &ColumnarValue, f: impl Fn(&ArrayRef) -> Result<ArrayRef>) -> Result<ColumnarValue> {
    Ok(match v {
        ColumnarValue::Scalar(s) => {
            let out = f(&s.to_array(1)?)?;
            ColumnarValue::Scalar(ScalarValue::try_from_array(out.as_ref(), 0)?)
        }
        ColumnarValue::Array(a) => ColumnarValue::Array(f(a)?),
    })
}

/// An all-NULL result of type `dt`, shaped like the inputs (scalar if all are scalars).
pub(crate) fn null_result(inputs: &[&ColumnarValue], dt: &DataType) -> Result<ColumnarValue> {
    match inputs.iter().find_map(|v| match v {
        ColumnarValue::Array(a) => Some(a.len()),
        ColumnarValue::Scalar(_) => None,
    }) {
        Some(n) => Ok(ColumnarValue::Array(arrow::array::new_null_array(dt, n))),
        None => Ok(ColumnarValue::Scalar(ScalarValue::null_of(dt)?)),
    }
}

/// True if the value is a NULL scalar or has the `void` type.
pub(crate) fn is_null_value(v: &ColumnarValue) -> bool {
    match v {
        ColumnarValue::Scalar(s) => s.is_null(),
        ColumnarValue::Array(a) => a.data_type() == &DataType::Null,
    }
}

/// Number of rows of the first array input, if any.
pub(crate) fn array_len(inputs: &[&ColumnarValue]) -> Option<usize> {
    inputs.iter().find_map(|v| match v {
        ColumnarValue::Array(a) => Some(a.len()),
        ColumnarValue::Scalar(_) => None,
    })
}
