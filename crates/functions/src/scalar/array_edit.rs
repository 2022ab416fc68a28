//! Array functions that add, drop or count elements: `array_append`, `array_prepend`,
//! `array_insert`, `array_compact`, `array_size`, `array_repeat`, `arrays_overlap`.
//! Each builds its result with one `take` over the arguments' values.

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, BooleanArray, Int32Array};
use arrow::compute::concat;
use arrow::datatypes::DataType;
use ember_common::{Error, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::collection_util::{array_arg, cast_to, common_elem_strict, elem_keys, elem_and_value, list_of, list_type, row_range, take_lists};
use super::utils::{as_ints, check_arity, eval_arrays, int_arg};

/// Where a new element goes in `array_append` / `array_prepend`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    Front,
    Back,
}

/// `array_append(arr, v)` / `array_prepend(arr, v)`: a NULL array gives NULL; a NULL
/// value is added as a NULL element.
#[derive(Debug)]
pub struct ArrayAddEnd {
    name: &'static str,
    end: End,
}

pub fn array_append() -> ArrayAddEnd {
    ArrayAddEnd { name: "array_append", end: End::Back }
}
pub fn array_prepend() -> ArrayAddEnd {
    ArrayAddEnd { name: "array_prepend", end: End::Front }
}

impl ScalarFunctionImpl for ArrayAddEnd {
    fn name(&self) -> &str {
        self.name
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 2, 2)?;
        let e = elem_and_value(self.name, &t[0], &t[1])?;
        Ok(vec![list_type(e.clone()), e])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let values = l.values().clone();
            let base = values.len();
            let all = concat(&[values.as_ref(), cast_to(&a[1], values.data_type())?.as_ref()])?;
            let rows: Vec<Option<Vec<usize>>> = (0..n)
                .map(|i| {
                    (!l.is_null(i)).then(|| {
                        let mut r: Vec<usize> = row_range(&l, i).collect();
                        match self.end {
                            End::Back => r.push(base + i),
                            End::Front => r.insert(0, base + i),
                        }
                        r
                    })
                })
                .collect();
            take_lists(&all, &rows)
        })
    }
}

/// `array_insert(arr, pos, v)`: `v` at 1-based `pos`; a negative `pos` counts from the
/// end (-1 appends); past either end the gap fills with NULLs. `pos` 0 is an error.
#[derive(Debug)]
pub struct ArrayInsert;

impl ScalarFunctionImpl for ArrayInsert {
    fn name(&self) -> &str {
        "array_insert"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_insert", t.len(), 3, 3)?;
        if t[1] == DataType::Null {
            return Err(super::utils::unexpected_type("array_insert", 2, "\"INT\"", &t[1]));
        }
        let pos = int_arg("array_insert", 2, &t[1])?;
        let e = elem_and_value("array_insert", &t[0], &t[2])?;
        Ok(vec![list_type(e.clone()), pos, e])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let pos = as_ints(&a[1])?;
            let values = l.values().clone();
            let t = values.data_type().clone();
            let (base, null_at) = (values.len(), values.len() + n);
            let all = concat(&[values.as_ref(), cast_to(&a[2], &t)?.as_ref(), new_null_array(&t, 1).as_ref()])?;
            let mut rows = Vec::with_capacity(n);
            let mut total = 0i64;
            for i in 0..n {
                if l.is_null(i) || pos.is_null(i) {
                    rows.push(None);
                    continue;
                }
                let p = pos.value(i) as i64;
                if p == 0 {
                    return Err(Error::spark("INVALID_INDEX_OF_ZERO", &[]));
                }
                let elems: Vec<usize> = row_range(&l, i).collect();
                let len = elems.len() as i64;
                let at = if p > 0 { p - 1 } else { len + p + 1 };
                let new_len = if at >= 0 { len.max(at) + 1 } else { len - at + 1 };
                total += new_len;
                if new_len > MAX_ARRAY_LENGTH || total > i32::MAX as i64 {
                    return Err(Error::spark(
                        "COLLECTION_SIZE_LIMIT_EXCEEDED.FUNCTION",
                        &[("numberOfElements", &new_len.to_string()), ("maxRoundedArrayLength", "2147483632"), ("functionName", "`array_insert`")],
                    ));
                }
                let mut r = Vec::with_capacity(new_len as usize);
                if at < 0 {
                    // before the start: the value, then NULLs up to the old first element
                    r.push(base + i);
                    r.extend(std::iter::repeat_n(null_at, (-at) as usize));
                    r.extend_from_slice(&elems);
                } else if at <= len {
                    let at = at as usize;
                    r.extend_from_slice(&elems[..at]);
                    r.push(base + i);
                    r.extend_from_slice(&elems[at..]);
                } else {
                    r.extend_from_slice(&elems);
                    r.extend(std::iter::repeat_n(null_at, (at - len) as usize));
                    r.push(base + i);
                }
                rows.push(Some(r));
            }
            take_lists(&all, &rows)
        })
    }
}

/// `array_compact(arr)`: the array without NULL elements.
#[derive(Debug)]
pub struct ArrayCompact;

impl ScalarFunctionImpl for ArrayCompact {
    fn name(&self) -> &str {
        "array_compact"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_compact", t.len(), 1, 1)?;
        Ok(vec![list_type(array_arg("array_compact", 1, &t[0])?)])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let values = l.values().clone();
            let rows: Vec<Option<Vec<usize>>> =
                (0..n).map(|i| (!l.is_null(i)).then(|| row_range(&l, i).filter(|&j| !values.is_null(j)).collect())).collect();
            take_lists(&values, &rows)
        })
    }
}

/// `array_size(arr)`: the number of elements, NULL for a NULL array.
#[derive(Debug)]
pub struct ArraySize;

impl ScalarFunctionImpl for ArraySize {
    fn name(&self) -> &str {
        "array_size"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_size", t.len(), 1, 1)?;
        Ok(vec![list_type(array_arg("array_size", 1, &t[0])?)])
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let out: Int32Array = (0..n).map(|i| (!l.is_null(i)).then(|| row_range(&l, i).len() as i32)).collect();
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

/// `array_repeat(v, n)`: `v` repeated `n` times (none for `n` ≤ 0); NULL `n` gives NULL.
#[derive(Debug)]
pub struct ArrayRepeat;

/// Spark's largest array (`ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH`).
const MAX_ARRAY_LENGTH: i64 = 2147483632;

impl ScalarFunctionImpl for ArrayRepeat {
    fn name(&self) -> &str {
        "array_repeat"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_repeat", t.len(), 2, 2)?;
        if super::utils::castable_to_string(&t[1]) && ember_plan::coercion::is_string(&t[1]) {
            return Err(super::utils::unexpected_type("array_repeat", 2, "\"INT\"", &t[1]));
        }
        Ok(vec![t[0].clone(), int_arg("array_repeat", 2, &t[1])?])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(list_type(t[0].clone()))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let counts = as_ints(&a[1])?;
            let total: i64 = (0..n).filter(|&i| !counts.is_null(i)).map(|i| counts.value(i).max(0) as i64).sum();
            if total > MAX_ARRAY_LENGTH {
                return Err(Error::spark(
                    "COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER",
                    &[("numberOfElements", &total.to_string()), ("maxRoundedArrayLength", "2147483632"), ("functionName", "`array_repeat`"), ("parameter", "`count`")],
                ));
            }
            let rows: Vec<Option<Vec<usize>>> =
                (0..n).map(|i| (!counts.is_null(i)).then(|| vec![i; counts.value(i).max(0) as usize])).collect();
            take_lists(&a[0], &rows)
        })
    }
}

/// `arrays_overlap(a, b)`: true if the arrays share a non-NULL element; else NULL when
/// both are non-empty and either holds a NULL; else false.
#[derive(Debug)]
pub struct ArraysOverlap;

impl ScalarFunctionImpl for ArraysOverlap {
    fn name(&self) -> &str {
        "arrays_overlap"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("arrays_overlap", t.len(), 2, 2)?;
        let e = common_elem_strict("arrays_overlap", &t[0], &t[1])?;
        Ok(vec![list_type(e.clone()), list_type(e)])
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let (la, lb) = (list_of(&a[0])?, list_of(&a[1])?);
            let (va, vb) = (la.values().clone(), lb.values().clone());
            let base = va.len();
            let both = concat(&[va.as_ref(), vb.as_ref()])?;
            let keys = elem_keys(&both)?;
            let mut seen = hashbrown::HashSet::new();
            let out: BooleanArray = (0..n)
                .map(|i| {
                    if la.is_null(i) || lb.is_null(i) {
                        return None;
                    }
                    let (ra, rb) = (row_range(&la, i), row_range(&lb, i));
                    if ra.is_empty() || rb.is_empty() {
                        return Some(false);
                    }
                    seen.clear();
                    let mut has_null = false;
                    for j in ra {
                        if va.is_null(j) {
                            has_null = true;
                        } else {
                            seen.insert(keys.row(j));
                        }
                    }
                    for j in rb {
                        if vb.is_null(j) {
                            has_null = true;
                        } else if seen.contains(&keys.row(base + j)) {
                            return Some(true);
                        }
                    }
                    if has_null {
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
