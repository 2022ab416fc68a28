//! `replace(str, search[, replace])`: replaces every occurrence; an empty search string
//! leaves the input unchanged; the replacement defaults to ''.

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;

use super::string_fn::{Param, StringFunction};
use super::utils::{as_strings, StringOut};

pub fn replace() -> StringFunction {
    StringFunction {
        name: "replace",
        params: &[Param::Str, Param::Str, Param::Str],
        min_args: 2,
        returns: DataType::Utf8,
        kernel: replace_kernel,
    }
}

fn replace_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let s = as_strings(&a[0])?;
    let search = as_strings(&a[1])?;
    let with = match a.get(2) {
        Some(w) => Some(as_strings(w)?),
        None => None,
    };
    let mut out = StringOut::new("replace", n);
    for i in 0..n {
        let w = match &with {
            Some(w) if w.is_null(i) => None,
            Some(w) => Some(w.value(i)),
            None => Some(""),
        };
        match (s.is_valid(i) && search.is_valid(i), w) {
            (true, Some(w)) => {
                let (v, p) = (s.value(i), search.value(i));
                if p.is_empty() {
                    out.push(Some(v))?;
                } else {
                    out.push(Some(&v.replace(p, w)))?;
                }
            }
            _ => out.push(None)?,
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};

    #[test]
    fn replaces() {
        let s = strs(&[Some("ABCabc"), Some("abc"), None, Some("abc")]);
        let p = strs(&[Some("abc"), Some(""), Some("a"), Some("b")]);
        insta::assert_snapshot!(render(&call(&replace(), vec![s.clone(), p.clone()]).unwrap()), @"[ABC, abc, NULL, ac]");
        let w = strs(&[Some("DEF"), Some("x"), Some("x"), None]);
        insta::assert_snapshot!(render(&call(&replace(), vec![s, p, w]).unwrap()), @"[ABCDEF, abc, NULL, NULL]");
    }
}
