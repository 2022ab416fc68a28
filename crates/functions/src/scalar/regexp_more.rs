//! More regular expressions: `regexp_extract_all(str, regexp[, idx])` (every match's
//! group), `regexp_count` (the number of matches), `regexp_substr` (the first match,
//! NULL when none or empty) and `regexp_instr(str, regexp[, idx])` (1-based position of
//! the first match, 0 when none).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int32Array, ListBuilder, StringBuilder};
use arrow::datatypes::DataType;
use ember_common::Result;
use regex::Regex;

use super::regexp::{invalid_parameter, PatternCache};
use super::string_fn::{Param, StringFunction};
use super::utils::{as_ints, as_strings, char_len, StringOut};

fn check_group(re: &Regex, group: i32, func: &str) -> Result<usize> {
    let groups = re.captures_len() - 1;
    if group < 0 || group as usize > groups {
        return Err(invalid_parameter("REGEX_GROUP_INDEX", "idx", func, format!("Expects group index between 0 and {groups}, but got {group}.")));
    }
    Ok(group as usize)
}

/// For every row with no NULL: the subject, the compiled pattern and the group.
fn each_row(
    a: &[ArrayRef],
    n: usize,
    func: &'static str,
    default_group: i32,
    mut row: impl FnMut(Option<(&str, &Regex, usize)>) -> Result<()>,
) -> Result<()> {
    let (s, p) = (as_strings(&a[0])?, as_strings(&a[1])?);
    let idx = a.get(2).map(as_ints).transpose()?;
    let mut cache = PatternCache::new(func);
    for i in 0..n {
        let group = match &idx {
            Some(x) if x.is_null(i) => None,
            Some(x) => Some(x.value(i)),
            None => Some(default_group),
        };
        let (Some(group), false, false) = (group, s.is_null(i), p.is_null(i)) else {
            row(None)?;
            continue;
        };
        let re = cache.get(p.value(i))?;
        let g = check_group(re, group, func)?;
        row(Some((s.value(i), re, g)))?;
    }
    Ok(())
}

pub fn regexp_extract_all() -> StringFunction {
    StringFunction {
        name: "regexp_extract_all",
        params: &[Param::Str, Param::Str, Param::Int],
        min_args: 2,
        returns: DataType::new_list(DataType::Utf8, true),
        kernel: |a, n, _| {
            let mut out = ListBuilder::new(StringBuilder::new());
            each_row(a, n, "regexp_extract_all", 1, |r| {
                match r {
                    None => out.append(false),
                    Some((s, re, g)) => {
                        for c in re.captures_iter(s) {
                            out.values().append_value(c.get(g).map_or("", |m| m.as_str()));
                        }
                        out.append(true);
                    }
                }
                Ok(())
            })?;
            Ok(Arc::new(out.finish()))
        },
    }
}

pub fn regexp_count() -> StringFunction {
    StringFunction {
        name: "regexp_count",
        params: &[Param::Str, Param::Str],
        min_args: 2,
        returns: DataType::Int32,
        kernel: |a, n, _| {
            let mut out = Vec::with_capacity(n);
            each_row(a, n, "regexp_extract_all", 0, |r| {
                out.push(r.map(|(s, re, _)| re.find_iter(s).count() as i32));
                Ok(())
            })?;
            Ok(Arc::new(Int32Array::from(out)))
        },
    }
}

pub fn regexp_substr() -> StringFunction {
    StringFunction {
        name: "regexp_substr",
        params: &[Param::Str, Param::Str],
        min_args: 2,
        returns: DataType::Utf8,
        kernel: |a, n, _| {
            let mut out = StringOut::new("regexp_substr", n);
            each_row(a, n, "regexp_substr", 0, |r| out.push(r.and_then(|(s, re, _)| re.find(s)).map(|m| m.as_str()).filter(|m| !m.is_empty())))?;
            Ok(out.finish())
        },
    }
}

pub fn regexp_instr() -> StringFunction {
    StringFunction {
        name: "regexp_instr",
        params: &[Param::Str, Param::Str, Param::Int],
        min_args: 2,
        returns: DataType::Int32,
        kernel: |a, n, _| {
            let mut out = Vec::with_capacity(n);
            each_row(a, n, "regexp_instr", 0, |r| {
                // Spark checks the group index but reports where the whole match starts
                out.push(r.map(|(s, re, _)| match re.find(s) {
                    Some(m) => char_len(&s[..m.start()]) as i32 + 1,
                    None => 0,
                }));
                Ok(())
            })?;
            Ok(Arc::new(Int32Array::from(out)))
        },
    }
}
