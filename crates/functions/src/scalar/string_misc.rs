//! Small string functions: `reverse`, `repeat`, `instr`, `ascii`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int32Array};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;

use super::string_fn::{Param, StringFunction};
use super::utils::{as_ints, as_strings, char_len, map_strings, too_large, StringOut, MAX_STRING_BYTES};

pub fn reverse() -> StringFunction {
    StringFunction { name: "reverse", params: &[Param::Str], min_args: 1, returns: DataType::Utf8, kernel: reverse_kernel }
}

/// `repeat(str, n)`: `str` repeated `n` times ('' when `n <= 0`).
pub fn repeat() -> StringFunction {
    StringFunction { name: "repeat", params: &[Param::Str, Param::Int], min_args: 2, returns: DataType::Utf8, kernel: repeat_kernel }
}

/// `instr(str, substr)`: 1-based character position of the first occurrence, 0 if none.
pub fn instr() -> StringFunction {
    StringFunction { name: "instr", params: &[Param::Str, Param::Str], min_args: 2, returns: DataType::Int32, kernel: instr_kernel }
}

/// `ascii(str)`: the code point of the first character, 0 for ''.
pub fn ascii() -> StringFunction {
    StringFunction { name: "ascii", params: &[Param::Str], min_args: 1, returns: DataType::Int32, kernel: ascii_kernel }
}

fn reverse_kernel(a: &[ArrayRef], _: usize, _: &FunctionContext) -> Result<ArrayRef> {
    map_strings("reverse", &a[0], |s| s.chars().rev().collect())
}

fn repeat_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let s = as_strings(&a[0])?;
    let times = as_ints(&a[1])?;
    let mut out = StringOut::new("repeat", n);
    for i in 0..n {
        if s.is_null(i) || times.is_null(i) {
            out.push(None)?;
            continue;
        }
        let t = times.value(i).max(0) as usize;
        if s.value(i).len().saturating_mul(t) > MAX_STRING_BYTES {
            return Err(too_large("repeat"));
        }
        out.push(Some(&s.value(i).repeat(t)))?;
    }
    Ok(out.finish())
}

fn instr_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let s = as_strings(&a[0])?;
    let sub = as_strings(&a[1])?;
    let out: Int32Array = (0..n)
        .map(|i| {
            if s.is_null(i) || sub.is_null(i) {
                return None;
            }
            let v = s.value(i);
            Some(v.find(sub.value(i)).map(|b| char_len(&v[..b]) as i32 + 1).unwrap_or(0))
        })
        .collect();
    Ok(Arc::new(out))
}

fn ascii_kernel(a: &[ArrayRef], _: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let s = as_strings(&a[0])?;
    let out: Int32Array = s.iter().map(|v| v.map(|v| v.chars().next().map(|c| c as i32).unwrap_or(0))).collect();
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    #[test]
    fn reverse_and_ascii() {
        let s = strs(&[Some("héllo"), None, Some("")]);
        insta::assert_snapshot!(render(&call(&reverse(), vec![s.clone()]).unwrap()), @"[olléh, NULL, ]");
        insta::assert_snapshot!(render(&call(&ascii(), vec![s]).unwrap()), @"[104, NULL, 0]");
    }

    #[test]
    fn repeat_counts() {
        let s = strs(&[Some("ab"), Some("ab"), None]);
        insta::assert_snapshot!(render(&call(&repeat(), vec![s, ints(&[Some(3), Some(-1), Some(2)])]).unwrap()), @"[ababab, , NULL]");
        assert!(call(&repeat(), vec![strs(&[Some("abc")]), ints(&[Some(i32::MAX)])]).is_err());
    }

    #[test]
    fn instr_positions() {
        let s = strs(&[Some("héllo"), Some("abc"), Some("abc"), None]);
        let sub = strs(&[Some("llo"), Some("x"), Some(""), Some("a")]);
        insta::assert_snapshot!(render(&call(&instr(), vec![s, sub]).unwrap()), @"[3, 0, 1, NULL]");
    }
}
