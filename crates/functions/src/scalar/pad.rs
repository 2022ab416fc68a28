//! `lpad(str, len[, pad])` and `rpad(str, len[, pad])`: pad with `pad` (default ' ') to
//! `len` characters, or cut to `len` when longer; `len <= 0` gives ''.

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;

use super::string_fn::{Param, StringFunction};
use super::utils::{as_ints, as_strings, char_len, char_offset, too_large, StringOut, MAX_STRING_BYTES};

pub fn lpad() -> StringFunction {
    StringFunction { name: "lpad", params: &[Param::Str, Param::Int, Param::Str], min_args: 2, returns: DataType::Utf8, kernel: lpad_kernel }
}

pub fn rpad() -> StringFunction {
    StringFunction { name: "rpad", params: &[Param::Str, Param::Int, Param::Str], min_args: 2, returns: DataType::Utf8, kernel: rpad_kernel }
}

fn lpad_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    kernel("lpad", a, n, true)
}

fn rpad_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    kernel("rpad", a, n, false)
}

/// Pads `s` to `len` characters with `pad` (Spark's `UTF8String.lpad/rpad`).
fn pad_one(name: &'static str, s: &str, len: i32, pad: &str, left: bool) -> Result<String> {
    if len <= 0 {
        return Ok(String::new());
    }
    let len = len as usize;
    let have = char_len(s);
    if have >= len || pad.is_empty() {
        return Ok(s[..char_offset(s, len)].to_string());
    }
    let missing = len - have;
    let pad_chars = char_len(pad);
    // bytes needed, bounded before allocating
    let approx = (missing / pad_chars + 1).saturating_mul(pad.len()).saturating_add(s.len());
    if approx > MAX_STRING_BYTES {
        return Err(too_large(name));
    }
    let mut fill = pad.repeat(missing / pad_chars);
    let rest = missing % pad_chars;
    fill.push_str(&pad[..char_offset(pad, rest)]);
    Ok(if left { fill + s } else { s.to_string() + &fill })
}

fn kernel(name: &'static str, a: &[ArrayRef], n: usize, left: bool) -> Result<ArrayRef> {
    let s = as_strings(&a[0])?;
    let len = as_ints(&a[1])?;
    let pad = match a.get(2) {
        Some(p) => Some(as_strings(p)?),
        None => None,
    };
    let mut out = StringOut::new(name, n);
    for i in 0..n {
        let p = match &pad {
            Some(p) if p.is_null(i) => None,
            Some(p) => Some(p.value(i)),
            None => Some(" "),
        };
        match (s.is_valid(i) && len.is_valid(i), p) {
            (true, Some(p)) => out.push(Some(&pad_one(name, s.value(i), len.value(i), p, left)?))?,
            _ => out.push(None)?,
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    #[test]
    fn pads_and_cuts() {
        let s = strs(&[Some("hi"), Some("hi"), Some("hello"), Some("hi"), None]);
        let l = ints(&[Some(5), Some(-1), Some(3), Some(5), Some(3)]);
        let p = strs(&[Some("??"), Some("?"), Some("?"), Some(""), Some("?")]);
        insta::assert_snapshot!(render(&call(&lpad(), vec![s.clone(), l.clone(), p.clone()]).unwrap()), @"[???hi, , hel, hi, NULL]");
        insta::assert_snapshot!(render(&call(&rpad(), vec![s.clone(), l.clone(), p]).unwrap()), @"[hi???, , hel, hi, NULL]");
        insta::assert_snapshot!(render(&call(&lpad(), vec![s, l]).unwrap()), @"[   hi, , hel,    hi, NULL]");
    }

    #[test]
    fn huge_padding_is_an_error() {
        let e = call(&lpad(), vec![strs(&[Some("a")]), ints(&[Some(i32::MAX)]), strs(&[Some("abc")])]);
        assert!(e.is_err());
    }
}
