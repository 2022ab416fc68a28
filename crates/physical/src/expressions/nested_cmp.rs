//! Comparisons of arrays, structs and maps (`array(1, 2) = array(1, 2)`), which Arrow's
//! comparison kernels do not support: row by row with Arrow's ordering of nested values
//! (elements compared in order, NULL elements equal to each other and first).

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{make_comparator, Array, ArrayRef, BooleanArray};
use arrow::compute::SortOptions;
use ember_common::{Error, Result};
use ember_plan::{ColumnarValue, Operator, ScalarValue};

/// `l op r` for nested values; a scalar side is broadcast.
pub(crate) fn nested_comparison(op: Operator, l: &ColumnarValue, r: &ColumnarValue) -> Result<ColumnarValue> {
    let n = match (l, r) {
        (ColumnarValue::Array(a), _) | (_, ColumnarValue::Array(a)) => a.len(),
        _ => 1,
    };
    let (a, b): (ArrayRef, ArrayRef) = (l.clone().into_array(n)?, r.clone().into_array(n)?);
    let cmp = make_comparator(a.as_ref(), b.as_ref(), SortOptions::default())?;
    let out: BooleanArray = (0..n)
        .map(|i| {
            let (an, bn) = (a.is_null(i), b.is_null(i));
            if op == Operator::NullSafeEq {
                return Ok(Some(if an || bn { an && bn } else { cmp(i, i) == Ordering::Equal }));
            }
            if an || bn {
                return Ok(None);
            }
            let o = cmp(i, i);
            Ok(Some(match op {
                Operator::Eq => o == Ordering::Equal,
                Operator::NotEq => o != Ordering::Equal,
                Operator::Lt => o == Ordering::Less,
                Operator::LtEq => o != Ordering::Greater,
                Operator::Gt => o == Ordering::Greater,
                Operator::GtEq => o != Ordering::Less,
                other => return Err(Error::internal(format!("{other} is not a comparison"))),
            }))
        })
        .collect::<Result<_>>()?;
    let out: ArrayRef = Arc::new(out);
    if matches!((l, r), (ColumnarValue::Scalar(_), ColumnarValue::Scalar(_))) {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(out.as_ref(), 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}
