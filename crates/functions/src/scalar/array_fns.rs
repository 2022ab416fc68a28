//! Array functions over whole elements: `sort_array`, `array_sort`, `array_distinct`,
//! `array_union`, `array_intersect`, `array_except`, `array_max`, `array_min`,
//! `array_position`, `array_remove`, `array_join`, `slice`, `flatten`, `sequence`,
//! `arrays_zip`.

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{make_comparator, Array, ArrayRef, AsArray, Int64Array, ListArray};
use arrow::compute::{concat, SortOptions};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::coercion::{common_type, is_integral};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::collection_util::{
    array_arg, cast_to, common_elem, elem_and_value, elem_keys, error, list_of, list_type, row_range, take_lists,
};
use super::utils::{
    as_bools, as_ints, as_strings, bool_arg, castable_to_string, check_arity, eval_arrays, int_arg, string_arg, unexpected_type, StringOut,
};

/// The rows of a list argument as element positions into its values (`None` = NULL).
fn rows_of(l: &ListArray) -> Vec<Option<Vec<usize>>> {
    (0..l.len()).map(|i| if l.is_null(i) { None } else { Some(row_range(l, i).collect()) }).collect()
}

/// How Spark shows `array_sort`'s default comparator (ascending, NULLs last).
const ARRAY_SORT_DEFAULT_COMPARATOR: &str = "lambdafunction((IF(((namedlambdavariable() IS NULL) AND (namedlambdavariable() IS NULL)), 0, (IF((namedlambdavariable() IS NULL), 1, (IF((namedlambdavariable() IS NULL), -1, (IF((namedlambdavariable() < namedlambdavariable()), -1, (IF((namedlambdavariable() > namedlambdavariable()), 1, 0)))))))))), namedlambdavariable(), namedlambdavariable())";

/// `sort_array(arr[, asc])` (NULLs first ascending, last descending) and `array_sort(arr)`
/// (ascending, NULLs last).
#[derive(Debug)]
pub struct SortArray {
    name: &'static str,
}

pub fn sort_array() -> SortArray {
    SortArray { name: "sort_array" }
}
pub fn array_sort() -> SortArray {
    SortArray { name: "array_sort" }
}

impl ScalarFunctionImpl for SortArray {
    fn name(&self) -> &str {
        self.name
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let max = if self.name == "sort_array" { 2 } else { 1 };
        check_arity(self.name, t.len(), 1, max)?;
        let mut out = vec![list_type(array_arg(self.name, 1, &t[0])?)];
        if let Some(b) = t.get(1) {
            out.push(bool_arg(self.name, 2, b)?);
        }
        Ok(out)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    /// Spark's `array_sort(a)` is `array_sort(a, <default comparator>)` and shows it.
    fn display_call(&self, args: &[String]) -> Option<String> {
        (self.name == "array_sort" && args.len() == 1).then(|| format!("array_sort({}, {ARRAY_SORT_DEFAULT_COMPARATOR})", args[0]))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, _| {
            let l = list_of(&a[0])?;
            let asc = match a.get(1) {
                Some(b) => Some(as_bools(b)?),
                None => None,
            };
            let values = l.values().clone();
            let mut rows = rows_of(&l);
            for (i, r) in rows.iter_mut().enumerate() {
                let Some(r) = r else { continue };
                let ascending = match &asc {
                    Some(b) if b.is_null(i) => {
                        return Err(error(
                            "DATATYPE_MISMATCH.UNEXPECTED_NULL",
                            "42K09",
                            "The `ascendingOrder` of `sort_array` must not be null.",
                        ))
                    }
                    Some(b) => b.value(i),
                    None => true,
                };
                let nulls_first = if self.name == "sort_array" { ascending } else { false };
                let cmp = make_comparator(values.as_ref(), values.as_ref(), SortOptions { descending: !ascending, nulls_first })?;
                r.sort_by(|&x, &y| cmp(x, y));
            }
            take_lists(&values, &rows)
        })
    }
}

/// `array_distinct(arr)`: the first occurrence of each value (one NULL at most).
#[derive(Debug)]
pub struct ArrayDistinct;

impl ScalarFunctionImpl for ArrayDistinct {
    fn name(&self) -> &str {
        "array_distinct"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_distinct", t.len(), 1, 1)?;
        Ok(vec![list_type(array_arg("array_distinct", 1, &t[0])?)])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, _| {
            let l = list_of(&a[0])?;
            let values = l.values().clone();
            let keys = elem_keys(&values)?;
            let rows: Vec<Option<Vec<usize>>> = rows_of(&l)
                .into_iter()
                .map(|r| {
                    r.map(|r| {
                        let mut seen = hashbrown::HashSet::new();
                        r.into_iter().filter(|&j| seen.insert(keys.row(j))).collect()
                    })
                })
                .collect();
            take_lists(&values, &rows)
        })
    }
}

/// Which set operation an [`ArraySetOp`] performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Intersect,
    Except,
}

/// `array_union`, `array_intersect`, `array_except`: distinct results in first-seen order.
#[derive(Debug)]
pub struct ArraySetOp {
    op: SetOp,
}

pub fn array_union() -> ArraySetOp {
    ArraySetOp { op: SetOp::Union }
}
pub fn array_intersect() -> ArraySetOp {
    ArraySetOp { op: SetOp::Intersect }
}
pub fn array_except() -> ArraySetOp {
    ArraySetOp { op: SetOp::Except }
}

impl ScalarFunctionImpl for ArraySetOp {
    fn name(&self) -> &str {
        match self.op {
            SetOp::Union => "array_union",
            SetOp::Intersect => "array_intersect",
            SetOp::Except => "array_except",
        }
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 2, 2)?;
        let e = common_elem(self.name(), &t[0], &t[1])?;
        Ok(vec![list_type(e.clone()), list_type(e)])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let (l, r) = (list_of(&a[0])?, list_of(&a[1])?);
            let elem = match common_type(l.values().data_type(), r.values().data_type()) {
                Some(e) => e,
                None => return Err(ember_common::Error::internal("array set operation over different element types")),
            };
            let base = l.values().len();
            let values = concat(&[cast_to(l.values(), &elem)?.as_ref(), cast_to(r.values(), &elem)?.as_ref()])?;
            let keys = elem_keys(&values)?;
            let mut rows = Vec::with_capacity(n);
            for i in 0..n {
                if l.is_null(i) || r.is_null(i) {
                    rows.push(None);
                    continue;
                }
                let left = row_range(&l, i);
                let right = row_range(&r, i);
                let mut out = Vec::new();
                let mut seen = hashbrown::HashSet::new();
                match self.op {
                    SetOp::Union => {
                        for j in left.chain(right.map(|j| j + base)) {
                            if seen.insert(keys.row(j)) {
                                out.push(j);
                            }
                        }
                    }
                    SetOp::Intersect | SetOp::Except => {
                        let other: hashbrown::HashSet<_> = right.map(|j| keys.row(j + base)).collect();
                        for j in left {
                            let k = keys.row(j);
                            if other.contains(&k) == (self.op == SetOp::Intersect) && seen.insert(k) {
                                out.push(j);
                            }
                        }
                    }
                }
                rows.push(Some(out));
            }
            take_lists(&values, &rows)
        })
    }
}

/// `array_max(arr)` / `array_min(arr)`: the largest / smallest non-NULL element.
#[derive(Debug)]
pub struct ArrayExtreme {
    max: bool,
}

pub fn array_max() -> ArrayExtreme {
    ArrayExtreme { max: true }
}
pub fn array_min() -> ArrayExtreme {
    ArrayExtreme { max: false }
}

impl ScalarFunctionImpl for ArrayExtreme {
    fn name(&self) -> &str {
        if self.max {
            "array_max"
        } else {
            "array_min"
        }
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        Ok(vec![list_type(array_arg(self.name(), 1, &t[0])?)])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        array_arg(self.name(), 1, &t[0])
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let values = l.values().clone();
            let cmp = make_comparator(values.as_ref(), values.as_ref(), SortOptions::default())?;
            let mut idx: Vec<Option<u32>> = Vec::with_capacity(n);
            for i in 0..n {
                let mut best: Option<usize> = None;
                if !l.is_null(i) {
                    for j in row_range(&l, i) {
                        if values.is_null(j) {
                            continue;
                        }
                        best = match best {
                            Some(b) if (cmp(j, b) == Ordering::Greater) != self.max || cmp(j, b) == Ordering::Equal => Some(b),
                            _ => Some(j),
                        };
                    }
                }
                idx.push(best.map(|b| b as u32));
            }
            Ok(arrow::compute::take(values.as_ref(), &arrow::array::UInt32Array::from(idx), None)?)
        })
    }
}

/// `array_position(arr, v)`: the 1-based position of the first `v`, 0 if absent.
#[derive(Debug)]
pub struct ArrayPosition;

impl ScalarFunctionImpl for ArrayPosition {
    fn name(&self) -> &str {
        "array_position"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_position", t.len(), 2, 2)?;
        let e = elem_and_value("array_position", &t[0], &t[1])?;
        Ok(vec![list_type(e.clone()), e])
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let values = l.values().clone();
            let needle = cast_to(&a[1], values.data_type())?;
            let cmp = make_comparator(values.as_ref(), needle.as_ref(), SortOptions::default())?;
            let out: Int64Array = (0..n)
                .map(|i| {
                    if l.is_null(i) || needle.is_null(i) {
                        return None;
                    }
                    let r = row_range(&l, i);
                    let start = r.start;
                    Some(
                        r.into_iter()
                            .find(|&j| !values.is_null(j) && cmp(j, i) == Ordering::Equal)
                            .map(|j| (j - start + 1) as i64)
                            .unwrap_or(0),
                    )
                })
                .collect();
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

/// `array_remove(arr, v)`: the array without the elements equal to `v`.
#[derive(Debug)]
pub struct ArrayRemove;

impl ScalarFunctionImpl for ArrayRemove {
    fn name(&self) -> &str {
        "array_remove"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_remove", t.len(), 2, 2)?;
        let e = elem_and_value("array_remove", &t[0], &t[1])?;
        Ok(vec![list_type(e.clone()), e])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let values = l.values().clone();
            let needle = cast_to(&a[1], values.data_type())?;
            let cmp = make_comparator(values.as_ref(), needle.as_ref(), SortOptions::default())?;
            let rows: Vec<Option<Vec<usize>>> = (0..n)
                .map(|i| {
                    if l.is_null(i) || needle.is_null(i) {
                        return None;
                    }
                    Some(row_range(&l, i).filter(|&j| values.is_null(j) || cmp(j, i) != Ordering::Equal).collect())
                })
                .collect();
            take_lists(&values, &rows)
        })
    }
}

/// `array_join(arr, sep[, null_replacement])`: the elements as text joined by `sep`;
/// NULL elements are skipped unless a replacement is given.
#[derive(Debug)]
pub struct ArrayJoin;

impl ScalarFunctionImpl for ArrayJoin {
    fn name(&self) -> &str {
        "array_join"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("array_join", t.len(), 2, 3)?;
        let e = array_arg("array_join", 1, &t[0])?;
        if !castable_to_string(&e) {
            return Err(unexpected_type("array_join", 1, "\"ARRAY<STRING>\"", &t[0]));
        }
        let mut out = vec![list_type(DataType::Utf8), string_arg("array_join", 2, &t[1])?];
        if let Some(r) = t.get(2) {
            out.push(string_arg("array_join", 3, r)?);
        }
        Ok(out)
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let values = as_strings(&cast_to(l.values(), &DataType::Utf8)?)?;
            let sep = as_strings(&a[1])?;
            let repl = match a.get(2) {
                Some(r) => Some(as_strings(r)?),
                None => None,
            };
            let mut out = StringOut::new("array_join", n);
            for i in 0..n {
                if l.is_null(i) || sep.is_null(i) || repl.as_ref().is_some_and(|r| r.is_null(i)) {
                    out.push(None)?;
                    continue;
                }
                let mut parts: Vec<&str> = Vec::new();
                for j in row_range(&l, i) {
                    if values.is_null(j) {
                        if let Some(r) = &repl {
                            parts.push(r.value(i));
                        }
                    } else {
                        parts.push(values.value(j));
                    }
                }
                out.push(Some(&parts.join(sep.value(i))))?;
            }
            Ok(out.finish())
        })
    }
}

/// `slice(arr, start, length)`: `length` elements from 1-based `start` (negative counts
/// from the end).
#[derive(Debug)]
pub struct Slice;

impl ScalarFunctionImpl for Slice {
    fn name(&self) -> &str {
        "slice"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("slice", t.len(), 3, 3)?;
        Ok(vec![list_type(array_arg("slice", 1, &t[0])?), int_arg("slice", 2, &t[1])?, int_arg("slice", 3, &t[2])?])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let (starts, lens) = (as_ints(&a[1])?, as_ints(&a[2])?);
            let mut rows = Vec::with_capacity(n);
            for i in 0..n {
                if l.is_null(i) || starts.is_null(i) || lens.is_null(i) {
                    rows.push(None);
                    continue;
                }
                let (start, len) = (starts.value(i) as i64, lens.value(i) as i64);
                if start == 0 {
                    return Err(error(
                        "INVALID_PARAMETER_VALUE.START",
                        "22023",
                        "The value of parameter(s) `start` in `slice` is invalid: Expects a positive or a negative value for `start`, but got 0.",
                    ));
                }
                if len < 0 {
                    return Err(error(
                        "INVALID_PARAMETER_VALUE.LENGTH",
                        "22023",
                        format!("The value of parameter(s) `length` in `slice` is invalid: Expects `length` greater than or equal to 0, but got {len}."),
                    ));
                }
                let r = row_range(&l, i);
                let size = r.len() as i64;
                let from = if start > 0 { start - 1 } else { size + start };
                if from < 0 || from >= size {
                    rows.push(Some(vec![]));
                    continue;
                }
                let to = (from + len).min(size);
                rows.push(Some(((r.start as i64 + from) as usize..(r.start as i64 + to) as usize).collect()));
            }
            take_lists(l.values(), &rows)
        })
    }
}

/// `flatten(array<array<T>>)`: the inner arrays concatenated; NULL if any is NULL.
#[derive(Debug)]
pub struct Flatten;

impl ScalarFunctionImpl for Flatten {
    fn name(&self) -> &str {
        "flatten"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("flatten", t.len(), 1, 1)?;
        let outer = array_arg("flatten", 1, &t[0])?;
        match super::collection_util::elem_type(&outer) {
            Some(inner) => Ok(vec![list_type(list_type(inner))]),
            None => Err(unexpected_type("flatten", 1, "\"ARRAY\" of \"ARRAY\"", &t[0])),
        }
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        array_arg("flatten", 1, &t[0])
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let outer = list_of(&a[0])?;
            let inner = list_of(outer.values())?;
            let values = inner.values().clone();
            let rows: Vec<Option<Vec<usize>>> = (0..n)
                .map(|i| {
                    if outer.is_null(i) {
                        return None;
                    }
                    let mut out = Vec::new();
                    for k in row_range(&outer, i) {
                        if inner.is_null(k) {
                            return None;
                        }
                        out.extend(row_range(&inner, k));
                    }
                    Some(out)
                })
                .collect();
            take_lists(&values, &rows)
        })
    }
}

/// Spark's limit on the number of elements of one array.
const MAX_ARRAY_LENGTH: i64 = i32::MAX as i64 - 15;

/// `sequence(start, stop[, step])` over integers: `start`, `start + step`, … up to `stop`.
#[derive(Debug)]
pub struct Sequence;

impl ScalarFunctionImpl for Sequence {
    fn name(&self) -> &str {
        "sequence"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("sequence", t.len(), 2, 3)?;
        let mut common = DataType::Null;
        for (i, x) in t.iter().enumerate() {
            if !(is_integral(x) || x == &DataType::Null) {
                return Err(unexpected_type("sequence", i + 1, "\"INTEGRAL\"", x));
            }
            common = common_type(&common, x).unwrap_or(DataType::Int64);
        }
        if common == DataType::Null {
            common = DataType::Int32;
        }
        Ok(vec![common; t.len()])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(list_type(t[0].clone()))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let out_type = a[0].data_type().clone();
            let ints: Vec<Int64Array> =
                a.iter().map(|x| Ok(cast_to(x, &DataType::Int64)?.as_primitive().clone())).collect::<Result<_>>()?;
            let mut values: Vec<i64> = Vec::new();
            let mut rows = Vec::with_capacity(n);
            for i in 0..n {
                if ints.iter().any(|x| x.is_null(i)) {
                    rows.push(None);
                    continue;
                }
                let (start, stop) = (ints[0].value(i), ints[1].value(i));
                let step = match ints.get(2) {
                    Some(s) => s.value(i),
                    None if start <= stop => 1,
                    None => -1,
                };
                let ok = (step > 0 && start <= stop) || (step < 0 && start >= stop) || (step == 0 && start == stop);
                if !ok {
                    return Err(error(
                        "INVALID_SEQUENCE_BOUNDARIES",
                        "22023",
                        format!("Illegal sequence boundaries: {start} to {stop} by {step}."),
                    ));
                }
                let count = if step == 0 { 1 } else { (stop as i128 - start as i128) / step as i128 + 1 };
                if count > MAX_ARRAY_LENGTH as i128 || values.len() as i128 + count > MAX_ARRAY_LENGTH as i128 {
                    return Err(error(
                        "COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER",
                        "54000",
                        format!("Can't create array with {count} elements which exceeding the array size limit {MAX_ARRAY_LENGTH}, the value of parameter(s) `count` is invalid."),
                    ));
                }
                let first = values.len();
                let mut v = start as i128;
                for _ in 0..count {
                    values.push(v as i64);
                    v += step as i128;
                }
                rows.push(Some((first..values.len()).collect()));
            }
            let values: ArrayRef = cast_to(&(Arc::new(Int64Array::from(values)) as ArrayRef), &out_type)?;
            take_lists(&values, &rows)
        })
    }
}

/// `arrays_zip(a, b, …)`: one struct per position, fields named after the arguments
/// (the binder passes `'name', array` pairs, like `struct`); shorter arrays give NULLs.
#[derive(Debug)]
pub struct ArraysZip {
    names: Vec<String>,
}

pub fn arrays_zip() -> ArraysZip {
    ArraysZip { names: vec![] }
}

impl ArraysZip {
    fn fields(&self, t: &[DataType]) -> Result<arrow::datatypes::Fields> {
        if t.len() != self.names.len() * 2 {
            return Err(error("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT", "42K09", "`arrays_zip` expects its arguments as name, array pairs."));
        }
        let mut fields = Vec::with_capacity(self.names.len());
        for (i, name) in self.names.iter().enumerate() {
            let e = array_arg("arrays_zip", i + 1, &t[2 * i + 1])?;
            fields.push(arrow::datatypes::Field::new(name, e, true));
        }
        Ok(fields.into())
    }
}

impl ScalarFunctionImpl for ArraysZip {
    fn name(&self) -> &str {
        "arrays_zip"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let fields = self.fields(t)?;
        let mut out = Vec::with_capacity(t.len());
        for f in fields.iter() {
            out.push(DataType::Utf8);
            out.push(list_type(f.data_type().clone()));
        }
        Ok(out)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(list_type(DataType::Struct(self.fields(t)?)))
    }
    fn specialize(&self, literals: &[Option<&ember_plan::ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let mut names = Vec::with_capacity(literals.len() / 2);
        for l in literals.iter().step_by(2) {
            match l {
                Some(ember_plan::ScalarValue::Utf8(Some(s))) => names.push(s.clone()),
                _ => {
                    return Err(error(
                        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                        "42K09",
                        "`arrays_zip` expects its arguments as name, array pairs.",
                    ))
                }
            }
        }
        Ok(Some(Arc::new(ArraysZip { names })))
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        let arrays: Vec<&str> = args.iter().skip(1).step_by(2).map(|s| s.as_str()).collect();
        Some(format!("arrays_zip({})", arrays.join(", ")))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let fields = self.fields(&types)?;
        eval_arrays(args, num_rows, |a, n| {
            let lists: Vec<ListArray> = a.iter().skip(1).step_by(2).map(list_of).collect::<Result<_>>()?;
            let mut per_field: Vec<Vec<Option<u32>>> = vec![Vec::new(); lists.len()];
            let mut lens = Vec::with_capacity(n);
            let mut valid = Vec::with_capacity(n);
            for i in 0..n {
                if lists.iter().any(|l| l.is_null(i)) {
                    lens.push(0);
                    valid.push(false);
                    continue;
                }
                let len = lists.iter().map(|l| row_range(l, i).len()).max().unwrap_or(0);
                for (k, l) in lists.iter().enumerate() {
                    let r = row_range(l, i);
                    per_field[k].extend((0..len).map(|j| if j < r.len() { Some((r.start + j) as u32) } else { None }));
                }
                lens.push(len);
                valid.push(true);
            }
            let columns = lists
                .iter()
                .zip(per_field)
                .map(|(l, idx)| Ok(arrow::compute::take(l.values().as_ref(), &arrow::array::UInt32Array::from(idx), None)?))
                .collect::<Result<Vec<ArrayRef>>>()?;
            let total: usize = lens.iter().sum();
            let st = arrow::array::StructArray::try_new_with_length(fields.clone(), columns, None, total)?;
            let field = Arc::new(arrow::datatypes::Field::new_list_field(st.data_type().clone(), true));
            let nulls = arrow::buffer::NullBuffer::from(valid);
            Ok(Arc::new(ListArray::try_new(field, arrow::buffer::OffsetBuffer::from_lengths(lens), Arc::new(st), Some(nulls))?) as ArrayRef)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render};
    use arrow::datatypes::Int32Type;

    fn lists(v: Vec<Option<Vec<Option<i32>>>>) -> ArrayRef {
        Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(v))
    }

    #[test]
    fn sorts_with_nulls() {
        let l = lists(vec![Some(vec![Some(3), None, Some(1)]), None, Some(vec![])]);
        insta::assert_snapshot!(render(&call(&sort_array(), vec![l.clone()]).unwrap()), @"[[NULL, 1, 3], NULL, []]");
        insta::assert_snapshot!(render(&call(&array_sort(), vec![l]).unwrap()), @"[[1, 3, NULL], NULL, []]");
    }

    #[test]
    fn set_operations() {
        let a = lists(vec![Some(vec![Some(1), Some(2), Some(2), None]), Some(vec![Some(1)]), None]);
        let b = lists(vec![Some(vec![Some(2), Some(3), None]), Some(vec![]), Some(vec![Some(1)])]);
        insta::assert_snapshot!(render(&call(&array_union(), vec![a.clone(), b.clone()]).unwrap()), @"[[1, 2, NULL, 3], [1], NULL]");
        insta::assert_snapshot!(render(&call(&array_intersect(), vec![a.clone(), b.clone()]).unwrap()), @"[[2, NULL], [], NULL]");
        insta::assert_snapshot!(render(&call(&array_except(), vec![a.clone(), b]).unwrap()), @"[[1], [1], NULL]");
        insta::assert_snapshot!(render(&call(&ArrayDistinct, vec![a]).unwrap()), @"[[1, 2, NULL], [1], NULL]");
    }

    #[test]
    fn positions_and_slices() {
        let a = lists(vec![Some(vec![Some(1), Some(2), None, Some(2)]), None]);
        insta::assert_snapshot!(render(&call(&ArrayPosition, vec![a.clone(), ints(&[Some(2), Some(2)])]).unwrap()), @"[2, NULL]");
        insta::assert_snapshot!(render(&call(&ArrayRemove, vec![a.clone(), ints(&[Some(2), Some(2)])]).unwrap()), @"[[1, NULL], NULL]");
        insta::assert_snapshot!(render(&call(&Slice, vec![a.clone(), ints(&[Some(-2), Some(1)]), ints(&[Some(5), Some(1)])]).unwrap()), @"[[NULL, 2], NULL]");
        assert!(call(&Slice, vec![a.clone(), ints(&[Some(0), Some(1)]), ints(&[Some(1), Some(1)])]).is_err());
        insta::assert_snapshot!(render(&call(&array_max(), vec![a.clone()]).unwrap()), @"[2, NULL]");
        insta::assert_snapshot!(render(&call(&array_min(), vec![a]).unwrap()), @"[1, NULL]");
    }

    #[test]
    fn sequences() {
        let out = call(&Sequence, vec![ints(&[Some(1), Some(5), None]), ints(&[Some(3), Some(1), Some(1)])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[[1, 2, 3], [5, 4, 3, 2, 1], NULL]");
        assert!(call(&Sequence, vec![ints(&[Some(1)]), ints(&[Some(3)]), ints(&[Some(-1)])]).is_err());
    }
}
