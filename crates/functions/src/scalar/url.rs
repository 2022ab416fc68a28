//! URLs: `url_encode` / `url_decode` (Java's `URLEncoder` / `URLDecoder` in UTF-8) and
//! `parse_url(url, part[, key])` (the parts of `java.net.URI`). A malformed input is an
//! error (CANNOT_DECODE_URL, INVALID_URL) under ANSI for `parse_url` and always for
//! `url_decode`; the `try_` forms give NULL.

use arrow::array::Array;
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind};

use super::string_fn::{Param, StringFunction};
use super::utils::{as_strings, map_strings, StringOut};

fn error(class: &str, sqlstate: &str, message: String) -> Error {
    Error::new(ErrorKind::Other { class: class.into(), sqlstate: Some(sqlstate.into()), message })
}

/// `URLEncoder.encode(s, "UTF-8")`: letters, digits and `.-*_` stay, a space is `+`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `URLDecoder.decode(s, "UTF-8")`, or `None` for a bad `%` escape.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let (h, l) = (bytes.get(i + 1).copied().and_then(hex)?, bytes.get(i + 2).copied().and_then(hex)?);
                out.push(h * 16 + l);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

pub fn url_encode() -> StringFunction {
    StringFunction {
        name: "url_encode",
        params: &[Param::Str],
        min_args: 1,
        returns: DataType::Utf8,
        kernel: |a, _, _| map_strings("url_encode", &a[0], encode),
    }
}

pub fn url_decode() -> StringFunction {
    StringFunction {
        name: "url_decode",
        params: &[Param::Str],
        min_args: 1,
        returns: DataType::Utf8,
        kernel: |a, n, _| {
            let s = as_strings(&a[0])?;
            let mut out = StringOut::new("url_decode", n);
            for v in s.iter() {
                match v {
                    None => out.push(None)?,
                    Some(v) => match decode(v) {
                        Some(d) => out.push(Some(&d))?,
                        None => return Err(error("CANNOT_DECODE_URL", "22546", format!("The provided URL cannot be decoded: {v}. Please ensure that the URL is properly formatted and try again."))),
                    },
                }
            }
            Ok(out.finish())
        },
    }
}

/// The raw components of a URI reference, as `java.net.URI` splits it.
#[derive(Debug, Default, PartialEq)]
struct Uri<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

/// Characters `java.net.URI` rejects anywhere in a URI.
fn legal(s: &str) -> bool {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c <= b' ' || c == 0x7f || br#""<>\^`{|}"#.contains(&c) {
            return false;
        }
        if c == b'%' && !(b.get(i + 1).is_some_and(|x| x.is_ascii_hexdigit()) && b.get(i + 2).is_some_and(|x| x.is_ascii_hexdigit())) {
            return false;
        }
    }
    true
}

fn parse(s: &str) -> Option<Uri<'_>> {
    if !legal(s) {
        return None;
    }
    let mut u = Uri::default();
    let (rest, fragment) = match s.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (s, None),
    };
    if fragment.is_some_and(|f| f.contains('#')) {
        return None;
    }
    u.fragment = fragment;
    let mut rest = rest;
    if let Some(colon) = rest.find(':') {
        let scheme = &rest[..colon];
        let valid = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if valid && !scheme.contains(['/', '?']) {
            u.scheme = Some(scheme);
            rest = &rest[colon + 1..];
            if rest.is_empty() {
                return None;
            }
        } else if colon == 0 {
            return None;
        }
    }
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    u.query = query;
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        u.authority = Some(&after[..end]).filter(|a| !a.is_empty());
        u.path = &after[end..];
    } else {
        u.path = rest;
    }
    Some(u)
}

fn user_info<'a>(authority: &'a str) -> Option<&'a str> {
    authority.rsplit_once('@').map(|(u, _)| u)
}

/// The host of a server-based authority (`user@host:port`), as `URI.getHost`.
fn host(authority: &str) -> Option<&str> {
    let hp = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if hp.starts_with('[') {
        &hp[..hp.find(']')? + 1]
    } else {
        match hp.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            Some(_) => return None,
            None => hp,
        }
    };
    let ok = !host.is_empty()
        && (host.starts_with('[') || host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    ok.then_some(host)
}

fn part<'a>(u: &Uri<'a>, part: &str) -> Option<String> {
    Some(match part {
        "HOST" => host(u.authority?)?.to_string(),
        "PATH" => u.path.to_string(),
        "QUERY" => u.query?.to_string(),
        "REF" => u.fragment?.to_string(),
        "PROTOCOL" => u.scheme?.to_string(),
        "FILE" => match u.query {
            Some(q) => format!("{}?{q}", u.path),
            None => u.path.to_string(),
        },
        "AUTHORITY" => u.authority?.to_string(),
        "USERINFO" => user_info(u.authority?)?.to_string(),
        _ => return None,
    })
}

/// The value of `key` in a query string: the first `key=value` pair.
fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('='))).map(str::to_string)
}

pub fn parse_url() -> StringFunction {
    StringFunction {
        name: "parse_url",
        params: &[Param::Str, Param::Str, Param::Str],
        min_args: 2,
        returns: DataType::Utf8,
        kernel: |a, n, ctx| {
            let (url, which) = (as_strings(&a[0])?, as_strings(&a[1])?);
            let key = a.get(2).map(as_strings).transpose()?;
            let mut out = StringOut::new("parse_url", n);
            for i in 0..n {
                if url.is_null(i) || which.is_null(i) || key.as_ref().is_some_and(|k| k.is_null(i)) {
                    out.push(None)?;
                    continue;
                }
                let Some(u) = parse(url.value(i)) else {
                    if ctx.ansi {
                        return Err(error("INVALID_URL", "22P02", format!("The url is invalid: {}. Use `try_parse_url` to tolerate invalid URL and return NULL instead.", url.value(i))));
                    }
                    out.push(None)?;
                    continue;
                };
                let value = match &key {
                    Some(k) if which.value(i) == "QUERY" => u.query.and_then(|q| query_value(q, k.value(i))),
                    Some(_) => None,
                    None => part(&u, which.value(i)),
                };
                out.push(value.as_deref())?;
            }
            Ok(out.finish())
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_url_coding() {
        assert_eq!(encode("a b?x=ä~*"), "a+b%3Fx%3D%C3%A4%7E*");
        assert_eq!(decode("https%3A%2F%2Fx+y%7e").as_deref(), Some("https://x y~"));
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%4"), None);
    }

    #[test]
    fn uri_parts() {
        let u = parse("http://user:pw@spark.apache.org:8080/path/p2?query=1&b=2#frag").unwrap();
        assert_eq!(part(&u, "HOST").as_deref(), Some("spark.apache.org"));
        assert_eq!(part(&u, "FILE").as_deref(), Some("/path/p2?query=1&b=2"));
        assert_eq!(part(&u, "USERINFO").as_deref(), Some("user:pw"));
        assert_eq!(query_value(u.query.unwrap(), "b").as_deref(), Some("2"));
        assert!(parse("inva lid://a").is_none());
        assert_eq!(part(&parse("/rel?x=1").unwrap(), "HOST"), None);
    }
}
