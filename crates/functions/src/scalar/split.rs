//! `split(str, regex[, limit])`: Java's `String.split` as Spark calls it (a limit <= 0
//! means no limit and trailing empty strings are kept).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, ListBuilder, StringBuilder};
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};
use regex::Regex;

use super::utils::{as_ints, as_strings, check_arity, eval_arrays, int_arg, string_arg};

#[derive(Debug)]
pub struct Split;

fn compile(pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| {
        Error::new(ErrorKind::Other {
            class: "INVALID_PARAMETER_VALUE.PATTERN".into(),
            sqlstate: Some("22023".into()),
            message: format!(
                "The value of parameter(s) `regexp` in `split` is invalid: '{pattern}' is not a valid regular expression ({}).",
                e.to_string().lines().last().unwrap_or("")
            ),
        })
    })
}

/// Java's `Pattern.split(s, limit)` with Spark's tweaks (limit 0 keeps trailing empties,
/// an empty pattern splits into characters).
pub fn java_split<'a>(s: &'a str, re: &Regex, pattern_empty: bool, limit: i32) -> Vec<&'a str> {
    if pattern_empty && !s.is_empty() {
        let chars = s.chars().count();
        let take = if limit <= 0 || limit as usize > chars { chars } else { limit as usize };
        let mut out = Vec::with_capacity(take);
        let mut rest = s;
        for _ in 0..take - 1 {
            let w = rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0);
            out.push(&rest[..w]);
            rest = &rest[w..];
        }
        out.push(rest);
        return out;
    }
    let limited = limit > 0;
    let mut out = Vec::new();
    let mut index = 0;
    for m in re.find_iter(s) {
        if limited && out.len() >= (limit - 1) as usize {
            break;
        }
        if index == 0 && m.start() == 0 && m.start() == m.end() {
            // no leading empty string for a zero-width match at the start
            continue;
        }
        out.push(&s[index..m.start()]);
        index = m.end();
    }
    if index == 0 {
        return vec![s];
    }
    out.push(&s[index..]);
    out
}

impl ScalarFunctionImpl for Split {
    fn name(&self) -> &str {
        "split"
    }

    /// `split(s, p)` is Spark's `split(s, p, -1)`.
    fn implicit_args(&self, given: usize) -> Vec<ember_plan::ScalarValue> {
        if given == 2 { vec![ember_plan::ScalarValue::Int32(Some(-1))] } else { Vec::new() }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("split", t.len(), 2, 3)?;
        let mut out = vec![string_arg("split", 1, &t[0])?, string_arg("split", 2, &t[1])?];
        if let Some(l) = t.get(2) {
            out.push(int_arg("split", 3, l)?);
        }
        Ok(out)
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::new_list(DataType::Utf8, true))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("split", args.len(), 2, 3)?;
        eval_arrays(args, num_rows, |a, n| {
            let s = as_strings(&a[0])?;
            let p = as_strings(&a[1])?;
            let limit = match a.get(2) {
                Some(l) => Some(as_ints(l)?),
                None => None,
            };
            let mut out = ListBuilder::new(StringBuilder::new());
            let mut cached: Option<(String, Regex)> = None;
            for i in 0..n {
                let lim = match &limit {
                    Some(l) if l.is_null(i) => None,
                    Some(l) => Some(l.value(i)),
                    None => Some(-1),
                };
                let (Some(lim), true, true) = (lim, s.is_valid(i), p.is_valid(i)) else {
                    out.append_null();
                    continue;
                };
                let pat = p.value(i);
                if cached.as_ref().map(|(k, _)| k.as_str()) != Some(pat) {
                    cached = Some((pat.to_string(), compile(pat)?));
                }
                let re = match &cached {
                    Some((_, re)) => re,
                    None => return Err(Error::internal("split: regex cache empty")),
                };
                for part in java_split(s.value(i), re, pat.is_empty(), lim) {
                    out.values().append_value(part);
                }
                out.append(true);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    fn split(s: &str, p: &str, limit: Option<i32>) -> String {
        let mut args = vec![strs(&[Some(s)]), strs(&[Some(p)])];
        if let Some(l) = limit {
            args.push(ints(&[Some(l)]));
        }
        render(&call(&Split, args).unwrap())
    }

    #[test]
    fn java_semantics() {
        assert_eq!(split("oneAtwoBthreeC", "[ABC]", None), "[[one, two, three, ]]");
        assert_eq!(split("oneAtwoBthreeC", "[ABC]", Some(2)), "[[one, twoBthreeC]]");
        assert_eq!(split("oneAtwoBthreeC", "[ABC]", Some(-1)), "[[one, two, three, ]]");
        assert_eq!(split("oneAtwoBthreeC", "[ABC]", Some(0)), "[[one, two, three, ]]");
        assert_eq!(split("a,b,,", ",", None), "[[a, b, , ]]");
        assert_eq!(split(",a", ",", None), "[[, a]]");
        assert_eq!(split("abc", "", None), "[[a, b, c]]");
        assert_eq!(split("abc", "", Some(2)), "[[a, bc]]");
        assert_eq!(split("", ",", None), "[[]]");
        let one_empty = call(&Split, vec![strs(&[Some("")]), strs(&[Some(",")])]).unwrap();
        assert_eq!(arrow::array::AsArray::as_list::<i32>(&one_empty).value_length(0), 1);
        assert_eq!(split("abc", "x", None), "[[abc]]");
        assert_eq!(split("a1b22c", "\\d+", Some(1)), "[[a1b22c]]");
    }

    #[test]
    fn nulls_and_bad_patterns() {
        let out = call(&Split, vec![strs(&[None, Some("a")]), strs(&[Some(","), None])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[NULL, NULL]");
        let e = call(&Split, vec![strs(&[Some("a")]), strs(&[Some("(")])]).unwrap_err();
        assert_eq!(e.class(), "INVALID_PARAMETER_VALUE.PATTERN");
    }
}
