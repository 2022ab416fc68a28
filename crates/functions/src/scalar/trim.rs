//! `trim`, `ltrim`, `rtrim`: strip spaces (only ' ', as Spark does) or, with a second
//! argument, any of the given characters: `trim(BOTH 'x' FROM s)` is `trim(s, 'x')`.

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;

use super::string_fn::{Param, StringFunction};
use super::utils::{as_strings, StringOut};

#[derive(Clone, Copy)]
enum Side {
    Both,
    Leading,
    Trailing,
}

pub fn trim() -> StringFunction {
    StringFunction { name: "trim", params: &[Param::Str, Param::Str], min_args: 1, returns: DataType::Utf8, kernel: trim_kernel }
}

pub fn ltrim() -> StringFunction {
    StringFunction { name: "ltrim", params: &[Param::Str, Param::Str], min_args: 1, returns: DataType::Utf8, kernel: ltrim_kernel }
}

pub fn rtrim() -> StringFunction {
    StringFunction { name: "rtrim", params: &[Param::Str, Param::Str], min_args: 1, returns: DataType::Utf8, kernel: rtrim_kernel }
}

/// `btrim(s[, chars])`: `trim` under the name Spark also has.
pub fn btrim() -> StringFunction {
    StringFunction { name: "btrim", params: &[Param::Str, Param::Str], min_args: 1, returns: DataType::Utf8, kernel: |a, n, _| kernel("btrim", a, n, Side::Both) }
}

fn trim_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    kernel("trim", a, n, Side::Both)
}

fn ltrim_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    kernel("ltrim", a, n, Side::Leading)
}

fn rtrim_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    kernel("rtrim", a, n, Side::Trailing)
}

fn strip(s: &str, side: Side, pred: impl Fn(char) -> bool + Copy) -> &str {
    match side {
        Side::Both => s.trim_matches(pred),
        Side::Leading => s.trim_start_matches(pred),
        Side::Trailing => s.trim_end_matches(pred),
    }
}

fn kernel(name: &'static str, a: &[ArrayRef], n: usize, side: Side) -> Result<ArrayRef> {
    let s = as_strings(&a[0])?;
    let chars = match a.get(1) {
        Some(c) => Some(as_strings(c)?),
        None => None,
    };
    let mut out = StringOut::new(name, n);
    for i in 0..n {
        if s.is_null(i) {
            out.push(None)?;
            continue;
        }
        match &chars {
            None => out.push(Some(strip(s.value(i), side, |c| c == ' ')))?,
            Some(c) if c.is_null(i) => out.push(None)?,
            Some(c) => {
                let set = c.value(i);
                out.push(Some(strip(s.value(i), side, |ch| set.contains(ch))))?
            }
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};

    #[test]
    fn trims_spaces_only() {
        let s = strs(&[Some("  a b \t "), None, Some("")]);
        insta::assert_snapshot!(render(&call(&trim(), vec![s.clone()]).unwrap()), @"[a b 	, NULL, ]");
        insta::assert_snapshot!(render(&call(&ltrim(), vec![s.clone()]).unwrap()), @"[a b 	 , NULL, ]");
        insta::assert_snapshot!(render(&call(&rtrim(), vec![s]).unwrap()), @"[  a b 	, NULL, ]");
    }

    #[test]
    fn trims_given_characters() {
        let s = strs(&[Some("xyaxbyx"), Some("abc"), Some("abc")]);
        let c = strs(&[Some("xy"), None, Some("")]);
        insta::assert_snapshot!(render(&call(&trim(), vec![s.clone(), c.clone()]).unwrap()), @"[axb, NULL, abc]");
        insta::assert_snapshot!(render(&call(&ltrim(), vec![s.clone(), c.clone()]).unwrap()), @"[axbyx, NULL, abc]");
        insta::assert_snapshot!(render(&call(&rtrim(), vec![s, c]).unwrap()), @"[xyaxb, NULL, abc]");
    }
}
