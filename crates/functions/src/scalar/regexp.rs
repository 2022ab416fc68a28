//! Regular expressions: `rlike`/`regexp`/`regexp_like` (also the `RLIKE` operator),
//! `regexp_extract(str, regexp[, idx])` and `regexp_replace(str, regexp, rep[, pos])`.
//! Patterns use the `regex` crate (Java's syntax minus backreferences and lookaround);
//! replacements follow Java's `Matcher.appendReplacement` (`$1`, `${name}`, `\$`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::FunctionContext;
use regex::{Captures, Regex};

use super::string_fn::{Param, StringFunction};
use super::utils::{as_ints, as_strings, char_offset, StringOut};

pub fn rlike() -> StringFunction {
    StringFunction { name: "rlike", params: &[Param::Str, Param::Str], min_args: 2, returns: DataType::Boolean, kernel: rlike_kernel }
}

pub fn regexp_extract() -> StringFunction {
    StringFunction {
        name: "regexp_extract",
        params: &[Param::Str, Param::Str, Param::Int],
        min_args: 2,
        returns: DataType::Utf8,
        kernel: extract_kernel,
    }
}

pub fn regexp_replace() -> StringFunction {
    StringFunction {
        name: "regexp_replace",
        params: &[Param::Str, Param::Str, Param::Str, Param::Int],
        min_args: 3,
        returns: DataType::Utf8,
        kernel: replace_kernel,
    }
}

/// INVALID_PARAMETER_VALUE.`sub` for parameter `param` of `func`.
pub(super) fn invalid_parameter(sub: &str, param: &str, func: &str, detail: String) -> Error {
    Error::new(ErrorKind::Other {
        class: format!("INVALID_PARAMETER_VALUE.{sub}"),
        sqlstate: Some("22023".into()),
        message: format!("The value of parameter(s) `{param}` in `{func}` is invalid: {detail}"),
    })
}

/// Compiles patterns, reusing the last one (patterns are almost always constant).
pub(crate) struct PatternCache {
    func: &'static str,
    last: Option<(String, Regex)>,
}

impl PatternCache {
    pub(crate) fn new(func: &'static str) -> Self {
        PatternCache { func, last: None }
    }

    pub(crate) fn get(&mut self, pattern: &str) -> Result<&Regex> {
        let stale = !matches!(&self.last, Some((p, _)) if p == pattern);
        if stale {
            let re = Regex::new(pattern).map_err(|e| invalid_parameter("PATTERN", "regexp", self.func, format!("'{pattern}': {e}")))?;
            self.last = Some((pattern.to_string(), re));
        }
        match &self.last {
            Some((_, re)) => Ok(re),
            None => Err(Error::internal("regex cache is empty")),
        }
    }
}

fn rlike_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let (s, p) = (as_strings(&a[0])?, as_strings(&a[1])?);
    let mut cache = PatternCache::new("rlike");
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if s.is_null(i) || p.is_null(i) {
            out.push(None);
        } else {
            out.push(Some(cache.get(p.value(i))?.is_match(s.value(i))));
        }
    }
    Ok(Arc::new(BooleanArray::from(out)))
}

fn extract_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let (s, p) = (as_strings(&a[0])?, as_strings(&a[1])?);
    let idx = match a.get(2) {
        Some(x) => Some(as_ints(x)?),
        None => None,
    };
    let mut cache = PatternCache::new("regexp_extract");
    let mut out = StringOut::new("regexp_extract", n);
    for i in 0..n {
        let group = match &idx {
            Some(x) if x.is_null(i) => None,
            Some(x) => Some(x.value(i)),
            None => Some(1),
        };
        let (Some(group), false, false) = (group, s.is_null(i), p.is_null(i)) else {
            out.push(None)?;
            continue;
        };
        let re = cache.get(p.value(i))?;
        let groups = re.captures_len() - 1;
        if group < 0 || group as usize > groups {
            return Err(invalid_parameter(
                "REGEX_GROUP_INDEX",
                "idx",
                "regexp_extract",
                format!("Expects group index between 0 and {groups}, but got {group}."),
            ));
        }
        // no match, or a group that took no part in it, gives ''
        let found = re.captures(s.value(i)).and_then(|c| c.get(group as usize)).map(|m| m.as_str()).unwrap_or("");
        out.push(Some(found))?;
    }
    Ok(out.finish())
}

/// A piece of a Java replacement string.
#[derive(Debug, PartialEq)]
enum Piece {
    Text(String),
    Group(usize),
    Named(String),
}

/// Parses `rep` as `Matcher.appendReplacement` does for a pattern with `groups` groups.
fn parse_replacement(rep: &str, groups: usize) -> Result<Vec<Piece>> {
    let bad = |why: &str| invalid_parameter("PATTERN", "rep", "regexp_replace", format!("'{rep}': {why}"));
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = rep.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => text.push(e),
                None => return Err(bad("character to be escaped is missing")),
            },
            '$' => {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                match chars.peek() {
                    Some('{') => {
                        chars.next();
                        let mut name = String::new();
                        loop {
                            match chars.next() {
                                Some('}') => break,
                                Some(ch) if ch.is_ascii_alphanumeric() => name.push(ch),
                                _ => return Err(bad("named capturing group is missing trailing '}'")),
                            }
                        }
                        if name.is_empty() || name.starts_with(|ch: char| ch.is_ascii_digit()) {
                            return Err(bad("named capturing group has 0 length name"));
                        }
                        pieces.push(Piece::Named(name));
                    }
                    Some(d) if d.is_ascii_digit() => {
                        let mut g = d.to_digit(10).unwrap_or(0) as usize;
                        chars.next();
                        if g > groups {
                            return Err(bad(&format!("No group {g}")));
                        }
                        // more digits while the number still names a group
                        while let Some(next) = chars.peek().and_then(|ch| ch.to_digit(10)) {
                            let longer = g * 10 + next as usize;
                            if longer > groups {
                                break;
                            }
                            g = longer;
                            chars.next();
                        }
                        pieces.push(Piece::Group(g));
                    }
                    _ => return Err(bad("Illegal group reference")),
                }
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

fn expand(pieces: &[Piece], caps: &Captures, out: &mut String) -> Result<()> {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Group(g) => out.push_str(caps.get(*g).map(|m| m.as_str()).unwrap_or("")),
            Piece::Named(name) => match caps.name(name) {
                Some(m) => out.push_str(m.as_str()),
                None if caps.get(0).is_some() => {
                    return Err(invalid_parameter("PATTERN", "rep", "regexp_replace", format!("No group with name {{{name}}}")))
                }
                None => {}
            },
        }
    }
    Ok(())
}

fn replace_one(re: &Regex, s: &str, pieces: &[Piece], pos: usize) -> Result<String> {
    let start = char_offset(s, pos);
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..start]);
    let mut last = start;
    let mut at = start;
    while at <= s.len() {
        let Some(caps) = re.captures_at(s, at) else { break };
        let m = caps.get(0).ok_or_else(|| Error::internal("match without group 0"))?;
        out.push_str(&s[last..m.start()]);
        expand(pieces, &caps, &mut out)?;
        last = m.end();
        at = if m.end() == m.start() {
            // an empty match: step over one character
            match s[m.end()..].chars().next() {
                Some(c) => m.end() + c.len_utf8(),
                None => s.len() + 1,
            }
        } else {
            m.end()
        };
    }
    if last <= s.len() {
        out.push_str(&s[last..]);
    }
    Ok(out)
}

fn replace_kernel(a: &[ArrayRef], n: usize, _: &FunctionContext) -> Result<ArrayRef> {
    let (s, p, r) = (as_strings(&a[0])?, as_strings(&a[1])?, as_strings(&a[2])?);
    let pos = match a.get(3) {
        Some(x) => Some(as_ints(x)?),
        None => None,
    };
    let mut cache = PatternCache::new("regexp_replace");
    let mut parsed: Option<(String, usize, Vec<Piece>)> = None;
    let mut out = StringOut::new("regexp_replace", n);
    for i in 0..n {
        let position = match &pos {
            Some(x) if x.is_null(i) => None,
            Some(x) => Some(x.value(i)),
            None => Some(1),
        };
        let Some(position) = position else {
            out.push(None)?;
            continue;
        };
        if position <= 0 {
            return Err(Error::new(ErrorKind::DatatypeMismatch {
                sub: "VALUE_OUT_OF_RANGE",
                expr: "\"regexp_replace\"".into(),
                message: format!("The `position` must be between (0, {}] (current value = {position}).", i32::MAX),
            }));
        }
        if s.is_null(i) || p.is_null(i) || r.is_null(i) {
            out.push(None)?;
            continue;
        }
        let re = cache.get(p.value(i))?;
        let groups = re.captures_len() - 1;
        let rep = r.value(i);
        let fresh = !matches!(&parsed, Some((text, g, _)) if text == rep && *g == groups);
        if fresh {
            parsed = Some((rep.to_string(), groups, parse_replacement(rep, groups)?));
        }
        let pieces = match &parsed {
            Some((_, _, pieces)) => pieces,
            None => return Err(Error::internal("replacement not parsed")),
        };
        out.push(Some(&replace_one(re, s.value(i), pieces, position as usize - 1)?))?;
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    #[test]
    fn rlike_finds_anywhere() {
        let s = strs(&[Some("abc123"), Some("abc"), None, Some("")]);
        let p = strs(&[Some("\\d+"), Some("^b"), Some("a"), Some("")]);
        insta::assert_snapshot!(render(&call(&rlike(), vec![s, p]).unwrap()), @"[true, false, NULL, true]");
        let e = call(&rlike(), vec![strs(&[Some("a")]), strs(&[Some("(")])]).unwrap_err();
        assert_eq!(e.class(), "INVALID_PARAMETER_VALUE.PATTERN");
    }

    #[test]
    fn extract_groups() {
        let s = strs(&[Some("100-200"), Some("foo"), Some("a-"), None]);
        let p = strs(&[Some("(\\d+)-(\\d+)"); 4]);
        insta::assert_snapshot!(render(&call(&regexp_extract(), vec![s.clone(), p.clone()]).unwrap()), @"[100, , , NULL]");
        insta::assert_snapshot!(render(&call(&regexp_extract(), vec![s.clone(), p.clone(), ints(&[Some(2), Some(0), Some(0), Some(1)])]).unwrap()), @"[200, , , NULL]");
        let e = call(&regexp_extract(), vec![s, p, ints(&[Some(3); 4])]).unwrap_err();
        assert_eq!(e.class(), "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX");
    }

    #[test]
    fn replace_with_java_references() {
        let s = strs(&[Some("100-200"), Some("abc"), None]);
        let p = strs(&[Some("(\\d+)-(\\d+)"), Some(""), Some("x")]);
        let r = strs(&[Some("$2-$1 \\$"), Some("_"), Some("y")]);
        insta::assert_snapshot!(render(&call(&regexp_replace(), vec![s, p, r]).unwrap()), @"[200-100 $, _a_b_c_, NULL]");
        let s = strs(&[Some("aaaa")]);
        let out = call(&regexp_replace(), vec![s, strs(&[Some("a")]), strs(&[Some("b")]), ints(&[Some(3)])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[aabb]");
        assert_eq!(parse_replacement("$12", 1).unwrap(), vec![Piece::Group(1), Piece::Text("2".into())]);
        assert!(parse_replacement("$2", 1).is_err());
    }
}
