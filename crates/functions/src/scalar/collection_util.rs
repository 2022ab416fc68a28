//! Shared plumbing for array, map and struct functions: list views of arguments
//! (a NULL literal reads as an all-NULL array), building lists from element indices,
//! element equality keys, and the errors these functions raise.

use std::ops::Range;
use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, AsArray, ListArray, MapArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{cast, take};
use arrow::datatypes::{DataType, Field};
use arrow_row::{RowConverter, Rows, SortField};
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{common_type, common_type_without_string_promotion};

use super::utils::unexpected_type;

/// The element type of an array type (`NULL` for a NULL literal), or `None`.
pub fn elem_type(t: &DataType) -> Option<DataType> {
    match t {
        DataType::List(f) | DataType::LargeList(f) => Some(f.data_type().clone()),
        DataType::Null => Some(DataType::Null),
        _ => None,
    }
}

/// `array<elem>` as Ember builds it (nullable elements named `item`).
pub fn list_type(elem: DataType) -> DataType {
    DataType::new_list(elem, true)
}

/// The element type of parameter `param`, or the "requires ARRAY" error.
pub fn array_arg(name: &str, param: usize, t: &DataType) -> Result<DataType> {
    elem_type(t).ok_or_else(|| unexpected_type(name, param, "\"ARRAY\"", t))
}

/// `(key, value)` types of a map type, or `None`.
pub use ember_plan::lambda::map_kv as map_types;
/// `map<key, value>` as Ember builds it (`entries` of non-null `key` and nullable `value`).
pub use ember_plan::lambda::map_of as map_type;

/// The array as a `ListArray`; a NULL-typed array becomes all-NULL lists of NULL.
pub fn list_of(a: &ArrayRef) -> Result<ListArray> {
    match a.data_type() {
        DataType::List(_) => Ok(a.as_list::<i32>().clone()),
        DataType::LargeList(f) => Ok(cast(a, &list_type(f.data_type().clone()))?.as_list::<i32>().clone()),
        DataType::Null => Ok(ListArray::new_null(Arc::new(Field::new_list_field(DataType::Null, true)), a.len())),
        other => Err(Error::internal(format!("array expected, got {other}"))),
    }
}

/// The array as a `MapArray`, or `None` for a NULL-typed array.
pub fn map_of(a: &ArrayRef) -> Result<Option<MapArray>> {
    match a.data_type() {
        DataType::Map(_, _) => Ok(Some(a.as_map().clone())),
        DataType::Null => Ok(None),
        other => Err(Error::internal(format!("map expected, got {other}"))),
    }
}

/// The element positions of row `i` in `l.values()`.
pub fn row_range(l: &ListArray, i: usize) -> Range<usize> {
    let o = l.value_offsets();
    o[i] as usize..o[i + 1] as usize
}

/// `values` cast to `to` unless it already has that type.
pub fn cast_to(values: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    if values.data_type() == to {
        Ok(values.clone())
    } else {
        Ok(cast(values, to)?)
    }
}

/// One list per row of the elements of `values` at the given positions; `None` is a
/// NULL list.
pub fn take_lists(values: &ArrayRef, rows: &[Option<Vec<usize>>]) -> Result<ArrayRef> {
    let mut idx: Vec<u32> = Vec::new();
    let mut lens = Vec::with_capacity(rows.len());
    for r in rows {
        let r = r.as_deref().unwrap_or(&[]);
        lens.push(r.len());
        for &i in r {
            idx.push(u32::try_from(i).map_err(|_| Error::internal("array too large"))?);
        }
    }
    let taken = take(values.as_ref(), &UInt32Array::from(idx), None)?;
    let nulls = NullBuffer::from(rows.iter().map(|r| r.is_some()).collect::<Vec<_>>());
    let nulls = if nulls.null_count() > 0 { Some(nulls) } else { None };
    let field = Arc::new(Field::new_list_field(taken.data_type().clone(), true));
    Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::from_lengths(lens), taken, nulls)?))
}

/// All-NULL output of type `t`.
pub fn nulls_of(t: &DataType, n: usize) -> ArrayRef {
    new_null_array(t, n)
}

/// Equality keys for the elements of `values` (Spark compares elements by value; the
/// keys hash and compare like the values, NaN equal to NaN).
pub fn elem_keys(values: &ArrayRef) -> Result<Rows> {
    let conv = RowConverter::new(vec![SortField::new(values.data_type().clone())])?;
    Ok(conv.convert_columns(std::slice::from_ref(values))?)
}

/// The common element type of two array types, or DATA_DIFF_TYPES-like mismatch.
pub fn common_elem(name: &str, a: &DataType, b: &DataType) -> Result<DataType> {
    let (ea, eb) = (array_arg(name, 1, a)?, array_arg(name, 2, b)?);
    common_type(&ea, &eb).ok_or_else(|| binary_array_diff_types(name, a, b))
}

/// [`common_elem`] without promoting numbers to strings (`arrays_overlap`).
pub fn common_elem_strict(name: &str, a: &DataType, b: &DataType) -> Result<DataType> {
    let (ea, eb) = (array_arg(name, 1, a)?, array_arg(name, 2, b)?);
    common_type_without_string_promotion(&ea, &eb).ok_or_else(|| binary_array_diff_types(name, a, b))
}

fn binary_array_diff_types(name: &str, a: &DataType, b: &DataType) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "BINARY_ARRAY_DIFF_TYPES",
        expr: format!("\"{name}\""),
        message: format!(
            "Input to function `{name}` should have been two \"ARRAY\" with same element type, but it's [\"{}\", \"{}\"].",
            catalog_string(a).to_uppercase(),
            catalog_string(b).to_uppercase()
        ),
    })
}

/// The common type of an array's elements and a value (`array_contains`, `array_position`, …).
pub fn elem_and_value(name: &str, arr: &DataType, v: &DataType) -> Result<DataType> {
    let e = array_arg(name, 1, arr)?;
    common_type_without_string_promotion(&e, v).ok_or_else(|| {
        Error::new(ErrorKind::DatatypeMismatch {
            sub: "ARRAY_FUNCTION_DIFF_TYPES",
            expr: format!("\"{name}\""),
            message: format!(
                "Input to `{name}` should have been \"ARRAY\" followed by a value with same element type, but it's [\"{}\", \"{}\"].",
                catalog_string(arr).to_uppercase(),
                catalog_string(v).to_uppercase()
            ),
        })
    })
}

/// An error of class `class` with SQLSTATE `state`.
pub fn error(class: &str, state: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Other { class: class.into(), sqlstate: Some(state.into()), message: message.into() })
}

/// Spark's NULL_MAP_KEY.
pub fn null_map_key() -> Error {
    error("NULL_MAP_KEY", "2200E", "Cannot use null as map key.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuiltinRegistry;
    use arrow::array::new_empty_array;
    use ember_plan::{ColumnarValue, FunctionContext, FunctionRegistry, ScalarValue};

    /// Every collection and JSON function takes zero-row batches of complex types, and
    /// its result has the type it declares.
    #[test]
    fn empty_batches_of_complex_types() {
        let list = list_type(DataType::Int32);
        let map = map_type(DataType::Utf8, DataType::Int32);
        let strukt = DataType::Struct(vec![Field::new("a", DataType::Int32, true)].into());
        let signatures: Vec<Vec<DataType>> = vec![
            vec![list.clone()],
            vec![list.clone(), DataType::Int32],
            vec![list.clone(), list.clone()],
            vec![list.clone(), DataType::Int32, DataType::Int32],
            vec![list.clone(), DataType::Utf8],
            vec![map.clone()],
            vec![map.clone(), DataType::Utf8],
            vec![strukt.clone()],
            vec![DataType::Utf8, DataType::Utf8],
            vec![DataType::Int32, DataType::Int32],
            vec![DataType::Utf8, strukt],
            vec![list_type(list)],
            vec![DataType::Null],
        ];
        let r = BuiltinRegistry::new();
        let mut calls = 0;
        for name in r.names() {
            let Some(f) = r.scalar(&name) else { continue };
            if !["array", "map", "struct", "json", "element", "get", "size", "slice", "flatten", "sequence", "sort"]
                .iter()
                .any(|p| name.contains(p))
            {
                continue;
            }
            for sig in &signatures {
                let Ok(coerced) = f.coerce_types(sig) else { continue };
                let Ok(rt) = f.return_type(&coerced) else { continue };
                let args: Vec<ColumnarValue> = coerced.iter().map(|t| ColumnarValue::Array(new_empty_array(t))).collect();
                let out = f.invoke(&args, 0, &FunctionContext::default()).unwrap().into_array(0).unwrap();
                assert_eq!(out.len(), 0, "{name}");
                assert_eq!(out.data_type(), &rt, "{name} {sig:?}");
                calls += 1;
            }
        }
        assert!(calls > 30, "{calls}");
        // a one-row call with scalars gives a scalar
        let f = r.scalar("map_keys").unwrap();
        let m = crate::scalar::map_fns::build_map(
            Arc::new(arrow::array::StringArray::from(vec!["k"])),
            Arc::new(arrow::array::Int32Array::from(vec![1])),
            &[Some(1)],
        )
        .unwrap();
        let out = f.invoke(&[ColumnarValue::Scalar(ScalarValue::Nested(m))], 5, &FunctionContext::default()).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(_)));
    }
}
