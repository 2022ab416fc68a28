//! Array functions: the `array(…)` constructor, `array_contains` and `size`.

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{make_comparator, new_empty_array, Array, ArrayRef, AsArray, BooleanArray, Int32Array, ListArray};
use arrow::buffer::OffsetBuffer;
use arrow::compute::{cast, interleave, SortOptions};
use arrow::datatypes::{DataType, Field};
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::conditional::common_or_error;
use super::utils::{check_arity, eval_arrays, unexpected_type};

/// `array(a, b, …)`: one array per row holding the arguments (cast to their common type).
#[derive(Debug)]
pub struct MakeArray;

impl ScalarFunctionImpl for MakeArray {
    fn name(&self) -> &str {
        "array"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        if t.is_empty() {
            return Ok(vec![]);
        }
        let common = common_or_error("array", t)?;
        Ok(vec![common; t.len()])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let elem = if t.is_empty() { DataType::Null } else { common_or_error("array", t)? };
        Ok(DataType::new_list(elem, true))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let k = a.len();
            let types: Vec<DataType> = a.iter().map(|x| x.data_type().clone()).collect();
            let elem = if k == 0 { DataType::Null } else { common_or_error("array", &types)? };
            let values = if k == 0 {
                new_empty_array(&DataType::Null)
            } else {
                let cast_args = a
                    .iter()
                    .map(|x| if x.data_type() == &elem { Ok(x.clone()) } else { cast(x, &elem) })
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                let refs: Vec<&dyn Array> = cast_args.iter().map(|x| x.as_ref()).collect();
                let indices: Vec<(usize, usize)> = (0..n).flat_map(|r| (0..k).map(move |c| (c, r))).collect();
                interleave(&refs, &indices)?
            };
            let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(k, n));
            let field = Arc::new(Field::new_list_field(elem, true));
            Ok(Arc::new(ListArray::try_new(field, offsets, values, None)?) as ArrayRef)
        })
    }
}

/// `array_contains(arr, v)`: true if found; NULL if not found but `arr` holds a NULL.
#[derive(Debug)]
pub struct ArrayContains;

impl ScalarFunctionImpl for ArrayContains {
    fn name(&self) -> &str {
        "array_contains"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_contains", t.len(), 2, 2)?;
        if !matches!(&t[0], DataType::List(_) | DataType::Null) {
            return Err(unexpected_type("array_contains", 1, "\"ARRAY\"", &t[0]));
        }
        let common = super::collection_util::elem_and_value("array_contains", &t[0], &t[1])?;
        Ok(vec![DataType::new_list(common.clone(), true), common])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("array_contains", args.len(), 2, 2)?;
        eval_arrays(args, num_rows, |a, n| {
            let list = match a[0].data_type() {
                DataType::List(_) => a[0].as_list::<i32>().clone(),
                _ => cast(&a[0], &DataType::new_list(a[1].data_type().clone(), true))?.as_list::<i32>().clone(),
            };
            let values = list.values();
            let needle = if values.data_type() == a[1].data_type() { a[1].clone() } else { cast(&a[1], values.data_type())? };
            let cmp = make_comparator(values.as_ref(), needle.as_ref(), SortOptions::default())?;
            let offs = list.value_offsets();
            let out: BooleanArray = (0..n)
                .map(|i| {
                    if list.is_null(i) || needle.is_null(i) {
                        return None;
                    }
                    let mut saw_null = false;
                    for j in offs[i] as usize..offs[i + 1] as usize {
                        if values.is_null(j) {
                            saw_null = true;
                        } else if cmp(j, i) == Ordering::Equal {
                            return Some(true);
                        }
                    }
                    if saw_null {
                        None
                    } else {
                        Some(false)
                    }
                })
                .collect();
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

/// `size(arr | map)`: the number of elements; NULL input gives NULL under ANSI and -1
/// otherwise (`spark.sql.legacy.sizeOfNull` applies only without ANSI).
#[derive(Debug)]
pub struct Size;

impl ScalarFunctionImpl for Size {
    fn name(&self) -> &str {
        "size"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("size", t.len(), 1, 1)?;
        match &t[0] {
            d @ (DataType::List(_) | DataType::LargeList(_) | DataType::Map(_, _) | DataType::Null) => Ok(vec![d.clone()]),
            other => Err(unexpected_type("size", 1, "(\"ARRAY\" or \"MAP\")", other)),
        }
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("size", args.len(), 1, 1)?;
        eval_arrays(args, num_rows, |a, n| {
            let null = if ctx.ansi { None } else { Some(-1) };
            let lens: Vec<Option<i32>> = match a[0].data_type() {
                DataType::List(_) => {
                    let l = a[0].as_list::<i32>();
                    (0..n).map(|i| if l.is_null(i) { null } else { Some(l.value_length(i)) }).collect()
                }
                DataType::LargeList(_) => {
                    let l = a[0].as_list::<i64>();
                    (0..n).map(|i| if l.is_null(i) { null } else { Some(l.value_length(i) as i32) }).collect()
                }
                DataType::Map(_, _) => {
                    let m = a[0].as_map();
                    (0..n).map(|i| if m.is_null(i) { null } else { Some(m.value_length(i)) }).collect()
                }
                _ => vec![null; n],
            };
            Ok(Arc::new(Int32Array::from(lens)) as ArrayRef)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, call_ctx, ints, render, strs};
    use arrow::datatypes::Int32Type;

    #[test]
    fn builds_arrays() {
        // ANSI widening: an int meeting a string is BIGINT.
        let out = call(&MakeArray, vec![ints(&[Some(1), None]), strs(&[Some("7"), Some("8")])]).unwrap();
        assert_eq!(out.data_type(), &DataType::new_list(DataType::Int64, true));
        insta::assert_snapshot!(render(&out), @"[[1, 7], [NULL, 8]]");
        let empty = MakeArray.invoke(&[], 2, &FunctionContext::default()).unwrap().into_array(2).unwrap();
        insta::assert_snapshot!(render(&empty), @"[[], []]");
    }

    #[test]
    fn contains_with_nulls() {
        let l: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), Some(2)]),
            Some(vec![Some(1), None]),
            Some(vec![Some(1), None]),
            None,
            Some(vec![]),
        ]));
        let v = ints(&[Some(2), Some(1), Some(3), Some(1), Some(1)]);
        insta::assert_snapshot!(render(&call(&ArrayContains, vec![l, v]).unwrap()), @"[true, true, NULL, NULL, false]");
    }

    #[test]
    fn size_of_null_depends_on_ansi() {
        let l: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None]), None]));
        insta::assert_snapshot!(render(&call(&Size, vec![l.clone()]).unwrap()), @"[2, NULL]");
        let ctx = FunctionContext { ansi: false, ..Default::default() };
        insta::assert_snapshot!(render(&call_ctx(&Size, vec![l], &ctx).unwrap()), @"[2, -1]");
        assert!(Size.coerce_types(&[DataType::Utf8]).is_err());
    }
}
