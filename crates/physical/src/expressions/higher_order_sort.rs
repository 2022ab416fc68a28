//! `array_sort(a, (l, r) -> …)`: a stable merge sort per row whose comparisons come from
//! the comparator evaluated over all element pairs of many rows at once (rows longer
//! than [`MATRIX_MAX`] ask the comparator pair by pair).

use std::cmp::Ordering;

use arrow::array::{Array, ArrayRef, AsArray, Int32Array, UInt32Array};
use arrow::compute::take;
use arrow::datatypes::{DataType, Int32Type};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::ScalarValue;

use super::higher_order::list_from;
use super::lambda::{Flat, LambdaExpr};
use crate::execution_plan::TaskContext;

/// Rows up to this long get all their pairs compared in one evaluation.
const MATRIX_MAX: usize = 1024;
/// Pairs evaluated at once, at most (unless one row needs more).
const PAIRS_PER_CHUNK: usize = 1 << 20;

/// Sorts every array of `arr` with the comparator `cmp`.
pub fn sort(cmp: &LambdaExpr, batch: &RecordBatch, arr: &ArrayRef, ctx: &TaskContext) -> Result<ArrayRef> {
    let flat = Flat::of_list(arr)?;
    let values = &flat.values;
    let mut order: Vec<u32> = Vec::with_capacity(values.len());
    let mut r = 0;
    while r < flat.len() {
        let (mut left, mut right, mut rows) = (Vec::new(), Vec::new(), Vec::new());
        let mut chunk: Vec<(usize, Option<usize>)> = Vec::new();
        while r < flat.len() && (left.len() < PAIRS_PER_CHUNK || chunk.is_empty()) {
            let range = flat.range(r);
            if range.len() > MATRIX_MAX {
                chunk.push((r, None));
            } else {
                chunk.push((r, Some(left.len())));
                for a in range.clone() {
                    for b in range.clone() {
                        left.push(a as u32);
                        right.push(b as u32);
                        rows.push(r as u32);
                    }
                }
            }
            r += 1;
        }
        let matrix = if left.is_empty() {
            Int32Array::from(Vec::<i32>::new())
        } else {
            let l = take(values.as_ref(), &UInt32Array::from(left), None)?;
            let rt = take(values.as_ref(), &UInt32Array::from(right), None)?;
            let out = super::higher_order::typed(&cmp.eval(batch, &UInt32Array::from(rows), &[l, rt], ctx)?, &DataType::Int32);
            out.as_primitive_opt::<Int32Type>().ok_or_else(|| Error::internal("comparator result is not an int"))?.clone()
        };
        for (row, base) in chunk {
            let range = flat.range(row);
            let m = range.len();
            let mut idx: Vec<usize> = (0..m).collect();
            let null_err = |a: usize, b: usize| {
                let show = |i: usize| ScalarValue::try_from_array(values.as_ref(), range.start + i).map(|v| v.to_string()).unwrap_or_default();
                Error::spark("COMPARATOR_RETURNS_NULL", &[("firstValue", &show(a)), ("secondValue", &show(b))])
            };
            match base {
                Some(base) => merge_sort(&mut idx, &mut |a, b| {
                    let j = base + a * m + b;
                    if matrix.is_null(j) {
                        return Err(null_err(a, b));
                    }
                    Ok(matrix.value(j).cmp(&0))
                })?,
                None => merge_sort(&mut idx, &mut |a, b| {
                    let (x, y) = (values.slice(range.start + a, 1), values.slice(range.start + b, 1));
                    let out = super::higher_order::typed(&cmp.eval(batch, &UInt32Array::from(vec![row as u32]), &[x, y], ctx)?, &DataType::Int32);
                    let c = out.as_primitive_opt::<Int32Type>().ok_or_else(|| Error::internal("comparator result is not an int"))?;
                    if c.is_null(0) {
                        return Err(null_err(a, b));
                    }
                    Ok(c.value(0).cmp(&0))
                })?,
            }
            order.extend(idx.iter().map(|&i| (range.start + i) as u32));
        }
    }
    let sorted = take(values.as_ref(), &UInt32Array::from(order), None)?;
    list_from(sorted, flat.offsets, flat.nulls)
}

/// A stable top-down merge sort that never panics, whatever the comparator answers.
fn merge_sort(v: &mut Vec<usize>, cmp: &mut dyn FnMut(usize, usize) -> Result<Ordering>) -> Result<()> {
    if v.len() < 2 {
        return Ok(());
    }
    let mut right = v.split_off(v.len() / 2);
    merge_sort(v, cmp)?;
    merge_sort(&mut right, cmp)?;
    let left = std::mem::take(v);
    let (mut i, mut j) = (0, 0);
    v.reserve(left.len() + right.len());
    while i < left.len() && j < right.len() {
        if cmp(right[j], left[i])? == Ordering::Less {
            v.push(right[j]);
            j += 1;
        } else {
            v.push(left[i]);
            i += 1;
        }
    }
    v.extend_from_slice(&left[i..]);
    v.extend_from_slice(&right[j..]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_sort_is_stable_and_survives_bad_comparators() {
        let keys = [3, 1, 3, 2, 1];
        let mut v: Vec<usize> = (0..5).collect();
        merge_sort(&mut v, &mut |a, b| Ok(keys[a].cmp(&keys[b]))).unwrap();
        assert_eq!(v, vec![1, 4, 3, 0, 2]);
        let mut v: Vec<usize> = (0..50).collect();
        merge_sort(&mut v, &mut |_, _| Ok(Ordering::Less)).unwrap();
        assert_eq!(v.len(), 50);
    }
}
