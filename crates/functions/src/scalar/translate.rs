//! `translate(input, from, to)`: replaces each character of `from` in `input` by the
//! character at the same place in `to`, deleting it when `to` is shorter; the first
//! occurrence of a repeated `from` character wins.

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;
use hashbrown::HashMap;

use super::string_fn::{Param, StringFunction};
use super::utils::{as_strings, StringOut};

pub fn translate() -> StringFunction {
    StringFunction {
        name: "translate",
        params: &[Param::Str, Param::Str, Param::Str],
        min_args: 3,
        returns: DataType::Utf8,
        kernel: translate_kernel,
    }
}

/// `from` char → replacement (`None` deletes).
fn dictionary(from: &str, to: &str) -> HashMap<char, Option<char>> {
    let mut to = to.chars();
    let mut dict = HashMap::new();
    for c in from.chars() {
        let r = to.next();
        dict.entry(c).or_insert(r);
    }
    dict
}

fn translate_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let (s, from, to) = (as_strings(&a[0])?, as_strings(&a[1])?, as_strings(&a[2])?);
    let mut out = StringOut::new("translate", n);
    let mut cached: Option<(String, String, HashMap<char, Option<char>>)> = None;
    for i in 0..n {
        if s.is_null(i) || from.is_null(i) || to.is_null(i) {
            out.push(None)?;
            continue;
        }
        let (f, t) = (from.value(i), to.value(i));
        if !matches!(&cached, Some((cf, ct, _)) if cf == f && ct == t) {
            cached = Some((f.to_string(), t.to_string(), dictionary(f, t)));
        }
        let Some((_, _, dict)) = &cached else { continue };
        let translated: String = s.value(i).chars().filter_map(|c| dict.get(&c).copied().unwrap_or(Some(c))).collect();
        out.push(Some(&translated))?;
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};

    #[test]
    fn maps_and_deletes() {
        let s = strs(&[Some("AaBbCc"), Some("abcabc"), None, Some("")]);
        let from = strs(&[Some("abc"), Some("aab"), Some("a"), Some("a")]);
        let to = strs(&[Some("123"), Some("xyz"), Some("b"), Some("b")]);
        insta::assert_snapshot!(render(&call(&translate(), vec![s, from, to]).unwrap()), @"[A1B2C3, xzcxzc, NULL, ]");
        let out = call(&translate(), vec![strs(&[Some("abc")]), strs(&[Some("bc")]), strs(&[Some("")])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[a]");
    }
}
