//! Finding parts of strings: `contains`, `startswith`, `endswith` (strings or binary),
//! `find_in_set`, `substring_index`, `split_part`, `elt`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int32Array};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::FunctionContext;

use super::string_fn::{Param, StringFunction};
use super::typed_fn::TypedFunction;
use super::utils::{as_ints, as_strings, int_arg, string_arg, StringOut};

/// Both binary: compared as bytes; otherwise as strings.
fn string_or_binary_pair(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    let binary = |d: &DataType| matches!(d, DataType::Binary | DataType::Null);
    if binary(&t[0]) && binary(&t[1]) && t.contains(&DataType::Binary) {
        return Ok(vec![DataType::Binary, DataType::Binary]);
    }
    Ok(vec![string_arg(name, 1, &t[0])?, string_arg(name, 2, &t[1])?])
}

fn byte_test(a: &[ArrayRef], test: fn(&[u8], &[u8]) -> bool) -> Result<ArrayRef> {
    let out: BooleanArray = if a[0].data_type() == &DataType::Binary {
        let (l, r) = (a[0].as_binary::<i32>(), a[1].as_binary::<i32>());
        l.iter().zip(r.iter()).map(|(l, r)| Some(test(l?, r?))).collect()
    } else {
        let (l, r) = (as_strings(&a[0])?, as_strings(&a[1])?);
        l.iter().zip(r.iter()).map(|(l, r)| Some(test(l?.as_bytes(), r?.as_bytes()))).collect()
    };
    Ok(Arc::new(out))
}

fn predicate(name: &'static str, kernel: super::typed_fn::Kernel) -> TypedFunction {
    TypedFunction { name, min_args: 2, max_args: 2, coerce: string_or_binary_pair, returns: |_| Ok(DataType::Boolean), kernel }
}

/// `contains(left, right)`: whether `right` occurs in `left`.
pub fn contains() -> TypedFunction {
    predicate("contains", |_, a, _, _| byte_test(a, |l, r| r.is_empty() || l.windows(r.len()).any(|w| w == r)))
}

pub fn startswith() -> TypedFunction {
    predicate("startswith", |_, a, _, _| byte_test(a, |l, r| l.starts_with(r)))
}

pub fn endswith() -> TypedFunction {
    predicate("endswith", |_, a, _, _| byte_test(a, |l, r| l.ends_with(r)))
}

/// `find_in_set(s, list)`: the 1-based position of `s` in the comma-separated `list`;
/// 0 when absent or when `s` holds a comma.
pub fn find_in_set() -> StringFunction {
    StringFunction {
        name: "find_in_set",
        params: &[Param::Str, Param::Str],
        min_args: 2,
        returns: DataType::Int32,
        kernel: |a, _, _| {
            let (s, list) = (as_strings(&a[0])?, as_strings(&a[1])?);
            let out: Int32Array = s
                .iter()
                .zip(list.iter())
                .map(|(s, list)| {
                    let (s, list) = (s?, list?);
                    if s.contains(',') {
                        return Some(0);
                    }
                    Some(list.split(',').position(|x| x == s).map_or(0, |p| p as i32 + 1))
                })
                .collect();
            Ok(Arc::new(out))
        },
    }
}

/// `substring_index(s, delim, count)`: `s` before the `count`-th `delim` (from the
/// end when `count` is negative); '' for a zero count or an empty delimiter.
pub fn substring_index() -> StringFunction {
    StringFunction {
        name: "substring_index",
        params: &[Param::Str, Param::Str, Param::Int],
        min_args: 3,
        returns: DataType::Utf8,
        kernel: |a, n, _| {
            let (s, d, c) = (as_strings(&a[0])?, as_strings(&a[1])?, as_ints(&a[2])?);
            let mut out = StringOut::new("substring_index", n);
            for i in 0..n {
                if s.is_null(i) || d.is_null(i) || c.is_null(i) {
                    out.push(None)?;
                    continue;
                }
                out.push(Some(substring_index_of(s.value(i), d.value(i), c.value(i))))?;
            }
            Ok(out.finish())
        },
    }
}

fn substring_index_of<'a>(s: &'a str, delim: &str, count: i32) -> &'a str {
    if delim.is_empty() || count == 0 {
        return "";
    }
    if count > 0 {
        match s.match_indices(delim).nth(count as usize - 1) {
            Some((pos, _)) => &s[..pos],
            None => s,
        }
    } else {
        match s.rmatch_indices(delim).nth(count.unsigned_abs() as usize - 1) {
            Some((pos, _)) => &s[pos + delim.len()..],
            None => s,
        }
    }
}

/// `split_part(s, delim, n)`: the `n`-th part of `s` split on `delim` (from the end
/// when negative); '' past the end; the index 0 is an error.
pub fn split_part() -> StringFunction {
    StringFunction {
        name: "split_part",
        params: &[Param::Str, Param::Str, Param::Int],
        min_args: 3,
        returns: DataType::Utf8,
        kernel: |a, n, _| {
            let (s, d, p) = (as_strings(&a[0])?, as_strings(&a[1])?, as_ints(&a[2])?);
            let mut out = StringOut::new("split_part", n);
            for i in 0..n {
                if s.is_null(i) || d.is_null(i) || p.is_null(i) {
                    out.push(None)?;
                    continue;
                }
                let (s, d, idx) = (s.value(i), d.value(i), p.value(i));
                if idx == 0 {
                    return Err(ember_common::Error::spark("INVALID_INDEX_OF_ZERO", &[]));
                }
                let parts: Vec<&str> = if d.is_empty() { vec![s] } else { s.split(d).collect() };
                let at = if idx > 0 { Some(idx as usize - 1) } else { parts.len().checked_sub(idx.unsigned_abs() as usize) };
                out.push(Some(at.and_then(|k| parts.get(k).copied()).unwrap_or("")))?;
            }
            Ok(out.finish())
        },
    }
}

/// `elt(n, s1, s2, …)`: the `n`-th string; out of range is INVALID_ARRAY_INDEX under
/// ANSI mode, NULL otherwise.
pub fn elt() -> TypedFunction {
    TypedFunction {
        name: "elt",
        min_args: 2,
        max_args: usize::MAX,
        coerce: |name, t| {
            let mut out = vec![int_arg(name, 1, &t[0])?];
            for (i, d) in t.iter().enumerate().skip(1) {
                out.push(string_arg(name, i + 1, d)?);
            }
            Ok(out)
        },
        returns: |_| Ok(DataType::Utf8),
        kernel: elt_kernel,
    }
}

fn elt_kernel(_: &str, a: &[ArrayRef], n: usize, ctx: &FunctionContext) -> Result<ArrayRef> {
    let index = as_ints(&a[0])?;
    let inputs = a[1..].iter().map(as_strings).collect::<Result<Vec<_>>>()?;
    let mut out = StringOut::new("elt", n);
    for i in 0..n {
        if index.is_null(i) {
            out.push(None)?;
            continue;
        }
        let k = index.value(i);
        match usize::try_from(k).ok().and_then(|k| k.checked_sub(1)).and_then(|k| inputs.get(k)) {
            Some(col) => out.push((!col.is_null(i)).then(|| col.value(i)))?,
            None if ctx.ansi => {
                return Err(ember_common::Error::spark(
                    "INVALID_ARRAY_INDEX",
                    &[("indexValue", &k.to_string()), ("arraySize", &inputs.len().to_string())],
                ))
            }
            None => out.push(None)?,
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::substring_index_of;

    #[test]
    fn substring_index_both_ways() {
        assert_eq!(substring_index_of("www.apache.org", ".", 2), "www.apache");
        assert_eq!(substring_index_of("www.apache.org", ".", -2), "apache.org");
        assert_eq!(substring_index_of("www.apache.org", "x", 1), "www.apache.org");
        assert_eq!(substring_index_of("a", "", 1), "");
    }
}
