//! `locate(substr, str[, pos])` (and `position`): the 1-based character position of
//! the first `substr` in `str` at or after `pos`, 0 when absent or `pos < 1`. A NULL
//! `pos` gives 0 and an empty `substr` is found at 1, as in Spark.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int32Array};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;

use super::string_fn::{Param, StringFunction};
use super::utils::{as_ints, as_strings, char_len, char_offset};

pub fn locate() -> StringFunction {
    StringFunction {
        name: "locate",
        params: &[Param::Str, Param::Str, Param::Int],
        min_args: 2,
        returns: DataType::Int32,
        kernel: locate_kernel,
    }
}

/// Spark's `UTF8String.indexOf(sub, start) + 1`.
fn locate_one(sub: &str, s: &str, pos: i32) -> i32 {
    if pos < 1 {
        return 0;
    }
    if sub.is_empty() {
        return 1;
    }
    let start = pos as usize - 1;
    if start > char_len(s) {
        return 0;
    }
    let from = char_offset(s, start);
    match s[from..].find(sub) {
        Some(b) => (start + char_len(&s[from..from + b]) + 1) as i32,
        None => 0,
    }
}

fn locate_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let (sub, s) = (as_strings(&a[0])?, as_strings(&a[1])?);
    let pos = match a.get(2) {
        Some(p) => Some(as_ints(p)?),
        None => None,
    };
    let out: Int32Array = (0..n)
        .map(|i| {
            let p = match &pos {
                Some(p) if p.is_null(i) => return Some(0),
                Some(p) => p.value(i),
                None => 1,
            };
            if sub.is_null(i) || s.is_null(i) {
                None
            } else {
                Some(locate_one(sub.value(i), s.value(i), p))
            }
        })
        .collect();
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    #[test]
    fn positions() {
        let sub = strs(&[Some("b"), Some("b"), Some("b"), Some(""), Some("b"), None, Some("é")]);
        let s = strs(&[Some("abcb"), Some("abcb"), Some("abcb"), Some("abc"), Some("abc"), Some("abc"), Some("héé")]);
        insta::assert_snapshot!(render(&call(&locate(), vec![sub.clone(), s.clone()]).unwrap()), @"[2, 2, 2, 1, 2, NULL, 2]");
        let pos = ints(&[Some(3), Some(0), None, Some(9), Some(9), Some(1), Some(3)]);
        insta::assert_snapshot!(render(&call(&locate(), vec![sub, s, pos]).unwrap()), @"[4, 0, 0, 1, 0, NULL, 3]");
    }
}
