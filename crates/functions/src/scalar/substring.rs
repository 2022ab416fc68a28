//! `substring`/`substr` (Spark's 1-based positions, negative from the end), `left`, `right`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::string_fn::{Param, StringFunction};
use super::utils::{as_ints, as_strings, char_len, char_offset, check_arity, eval_arrays, int_arg, string_arg, StringOut};

/// The character range `[start, end)` Spark's `substringSQL(pos, len)` selects from a
/// value of `n` characters (empty when `start >= end`).
pub fn spark_range(n: usize, pos: i32, len: i32) -> (usize, usize) {
    let n = n as i64;
    let pos = pos as i64;
    let start = if pos > 0 { pos - 1 } else if pos < 0 { n + pos } else { 0 };
    let end = (start + len as i64).min(n);
    let start = start.max(0);
    if start >= end {
        (0, 0)
    } else {
        (start as usize, end as usize)
    }
}

fn substr_str(s: &str, pos: i32, len: i32) -> &str {
    let (start, end) = spark_range(char_len(s), pos, len);
    if start >= end {
        return "";
    }
    let b = char_offset(s, start);
    let e = b + char_offset(&s[b..], end - start);
    &s[b..e]
}

#[derive(Debug)]
pub struct Substring;

impl ScalarFunctionImpl for Substring {
    fn name(&self) -> &str {
        "substring"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("substring", t.len(), 2, 3)?;
        let first = if t[0] == DataType::Binary { DataType::Binary } else { string_arg("substring", 1, &t[0])? };
        let mut out = vec![first];
        for (i, dt) in t.iter().enumerate().skip(1) {
            out.push(int_arg("substring", i + 1, dt)?);
        }
        Ok(out)
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(if t.first() == Some(&DataType::Binary) { DataType::Binary } else { DataType::Utf8 })
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("substring", args.len(), 2, 3)?;
        eval_arrays(args, num_rows, |a, n| {
            let pos = as_ints(&a[1])?;
            let len = match a.get(2) {
                Some(l) => Some(as_ints(l)?),
                None => None,
            };
            let len_at = |i: usize| match &len {
                Some(l) if l.is_null(i) => None,
                Some(l) => Some(l.value(i)),
                None => Some(i32::MAX),
            };
            if a[0].data_type() == &DataType::Binary {
                let s = a[0].as_binary::<i32>();
                let mut out = BinaryBuilder::with_capacity(n, 0);
                for i in 0..n {
                    match (s.is_valid(i) && pos.is_valid(i), len_at(i)) {
                        (true, Some(l)) => {
                            let v = s.value(i);
                            let (b, e) = spark_range(v.len(), pos.value(i), l);
                            out.append_value(&v[b..e]);
                        }
                        _ => out.append_null(),
                    }
                }
                return Ok(Arc::new(out.finish()) as ArrayRef);
            }
            let s = as_strings(&a[0])?;
            let mut out = StringOut::new("substring", n);
            for i in 0..n {
                match (s.is_valid(i) && pos.is_valid(i), len_at(i)) {
                    (true, Some(l)) => out.push(Some(substr_str(s.value(i), pos.value(i), l)))?,
                    _ => out.push(None)?,
                }
            }
            Ok(out.finish())
        })
    }
}

/// `left(str, len)`: the first `len` characters ('' when `len <= 0`).
pub fn left() -> StringFunction {
    StringFunction { name: "left", params: &[Param::Str, Param::Int], min_args: 2, returns: DataType::Utf8, kernel: left_kernel }
}

/// `right(str, len)`: the last `len` characters ('' when `len <= 0`).
pub fn right() -> StringFunction {
    StringFunction { name: "right", params: &[Param::Str, Param::Int], min_args: 2, returns: DataType::Utf8, kernel: right_kernel }
}

fn left_right(name: &'static str, a: &[ArrayRef], n: usize, pick: fn(&str, i32) -> &str) -> Result<ArrayRef> {
    let s = as_strings(&a[0])?;
    let len = as_ints(&a[1])?;
    let mut out = StringOut::new(name, n);
    for i in 0..n {
        if s.is_valid(i) && len.is_valid(i) {
            let l = len.value(i);
            out.push(Some(if l <= 0 { "" } else { pick(s.value(i), l) }))?;
        } else {
            out.push(None)?;
        }
    }
    Ok(out.finish())
}

fn left_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    left_right("left", a, n, |s, l| substr_str(s, 1, l))
}

fn right_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    left_right("right", a, n, |s, l| substr_str(s, l.saturating_neg(), i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    fn sub(s: &str, pos: i32, len: Option<i32>) -> String {
        let mut args = vec![strs(&[Some(s)]), ints(&[Some(pos)])];
        if let Some(l) = len {
            args.push(ints(&[Some(l)]));
        }
        render(&call(&Substring, args).unwrap())
    }

    #[test]
    fn spark_positions() {
        assert_eq!(sub("Spark SQL", 5, None), "[k SQL]");
        assert_eq!(sub("Spark SQL", -3, None), "[SQL]");
        assert_eq!(sub("Spark SQL", 5, Some(1)), "[k]");
        assert_eq!(sub("Spark SQL", 0, Some(2)), "[Sp]");
        assert_eq!(sub("Spark SQL", 1, Some(2)), "[Sp]");
        assert_eq!(sub("Spark SQL", 100, Some(2)), "[]");
        assert_eq!(sub("Spark SQL", -100, Some(2)), "[]");
        assert_eq!(sub("Spark SQL", -100, Some(93)), "[Sp]");
        assert_eq!(sub("Spark SQL", 2, Some(-1)), "[]");
        assert_eq!(sub("héllo", 2, Some(3)), "[éll]");
        assert_eq!(sub("abc", i32::MIN, Some(i32::MAX)), "[ab]");
    }

    #[test]
    fn scalar_arguments_give_a_scalar() {
        use ember_plan::ScalarValue;
        let args = [ColumnarValue::Scalar(ScalarValue::from("Spark")), ColumnarValue::Scalar(ScalarValue::Int32(Some(-3)))];
        let out = Substring.invoke(&args, 10, &FunctionContext::default()).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Utf8(Some(s))) if s == "ark"));
        // a column mixed with scalars
        let args = [ColumnarValue::Array(strs(&[Some("abc"), None])), ColumnarValue::Scalar(ScalarValue::Int32(Some(2)))];
        let out = Substring.invoke(&args, 2, &FunctionContext::default()).unwrap().into_array(2).unwrap();
        insta::assert_snapshot!(render(&out), @"[bc, NULL]");
    }

    #[test]
    fn nulls() {
        let out = call(&Substring, vec![strs(&[None, Some("abc"), Some("abc")]), ints(&[Some(1), None, Some(1)]), ints(&[Some(1), Some(1), None])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[NULL, NULL, NULL]");
    }

    #[test]
    fn binary() {
        let b: ArrayRef = Arc::new(arrow::array::BinaryArray::from(vec![Some(&b"abcd"[..])]));
        let out = call(&Substring, vec![b, ints(&[Some(-2)])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[6364]");
    }

    #[test]
    fn left_and_right() {
        let s = strs(&[Some("Spark"), Some("Spark"), Some("Spark"), None]);
        let l = ints(&[Some(3), Some(0), Some(10), Some(1)]);
        insta::assert_snapshot!(render(&call(&left(), vec![s.clone(), l.clone()]).unwrap()), @"[Spa, , Spark, NULL]");
        insta::assert_snapshot!(render(&call(&right(), vec![s, l]).unwrap()), @"[ark, , Spark, NULL]");
    }
}
