//! Measures and codes of strings: `levenshtein` (with an optional threshold),
//! `soundex`, `luhn_check`, `octet_length`, `bit_length`, `space`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int32Array};
use arrow::datatypes::DataType;
use ember_common::Result;

use super::string_fn::{Param, StringFunction};
use super::typed_fn::TypedFunction;
use super::utils::{as_ints, as_strings, map_strings, string_arg, too_large, StringOut, MAX_STRING_BYTES};

/// `levenshtein(a, b[, threshold])`: the edit distance in characters; -1 when it is
/// above the threshold.
pub fn levenshtein() -> StringFunction {
    StringFunction {
        name: "levenshtein",
        params: &[Param::Str, Param::Str, Param::Int],
        min_args: 2,
        returns: DataType::Int32,
        kernel: |a, n, _| {
            let (l, r) = (as_strings(&a[0])?, as_strings(&a[1])?);
            let threshold = a.get(2).map(as_ints).transpose()?;
            let out: Int32Array = (0..n)
                .map(|i| {
                    if l.is_null(i) || r.is_null(i) || threshold.as_ref().is_some_and(|t| t.is_null(i)) {
                        return None;
                    }
                    let d = distance(l.value(i), r.value(i)) as i32;
                    Some(match &threshold {
                        Some(t) if d > t.value(i) => -1,
                        _ => d,
                    })
                })
                .collect();
            Ok(Arc::new(out))
        },
    }
}

/// The Levenshtein distance between `a` and `b`, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

pub fn soundex() -> StringFunction {
    StringFunction { name: "soundex", params: &[Param::Str], min_args: 1, returns: DataType::Utf8, kernel: |a, _, _| map_strings("soundex", &a[0], soundex_of) }
}

/// Spark's soundex: the first letter and three digits; a string not starting with a
/// letter is returned unchanged. H, W and non-letters do not separate equal codes.
pub fn soundex_of(s: &str) -> String {
    let mut chars = s.chars();
    let Some(first) = chars.next().filter(|c| c.is_ascii_alphabetic()) else { return s.to_string() };
    let code = |c: char| match c.to_ascii_uppercase() {
        'B' | 'F' | 'P' | 'V' => '1',
        'C' | 'G' | 'J' | 'K' | 'Q' | 'S' | 'X' | 'Z' => '2',
        'D' | 'T' => '3',
        'L' => '4',
        'M' | 'N' => '5',
        'R' => '6',
        'A' | 'E' | 'I' | 'O' | 'U' | 'Y' => '0',
        _ => '-',
    };
    let mut out = String::from(first.to_ascii_uppercase());
    let mut last = code(first);
    for c in chars {
        if out.len() == 4 {
            break;
        }
        let d = code(c);
        if d == '-' {
            continue;
        }
        if d != '0' && d != last {
            out.push(d);
        }
        last = d;
    }
    while out.len() < 4 {
        out.push('0');
    }
    out
}

/// `luhn_check(s)`: whether the digits of `s` pass the Luhn checksum (false for an
/// empty string or one with a non-digit).
pub fn luhn_check() -> StringFunction {
    StringFunction {
        name: "luhn_check",
        params: &[Param::Str],
        min_args: 1,
        returns: DataType::Boolean,
        kernel: |a, _, _| {
            let out: BooleanArray = as_strings(&a[0])?.iter().map(|s| s.map(luhn)).collect();
            Ok(Arc::new(out))
        },
    }
}

fn luhn(s: &str) -> bool {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                x / 10 + x % 10
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Bytes of a string (UTF-8) or binary, times `unit`.
fn byte_length(name: &'static str, unit: i32) -> TypedFunction {
    TypedFunction {
        name,
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            DataType::Binary => Ok(vec![DataType::Binary]),
            d => Ok(vec![string_arg(name, 1, d)?]),
        },
        returns: |_| Ok(DataType::Int32),
        kernel: if unit == 8 { |_, a, _, _| lengths(a, 8) } else { |_, a, _, _| lengths(a, 1) },
    }
}

fn lengths(a: &[ArrayRef], unit: i32) -> Result<ArrayRef> {
    let out: Int32Array = if a[0].data_type() == &DataType::Binary {
        a[0].as_binary::<i32>().iter().map(|v| v.map(|v| v.len() as i32 * unit)).collect()
    } else {
        as_strings(&a[0])?.iter().map(|v| v.map(|v| v.len() as i32 * unit)).collect()
    };
    Ok(Arc::new(out))
}

pub fn octet_length() -> TypedFunction {
    byte_length("octet_length", 1)
}

pub fn bit_length() -> TypedFunction {
    byte_length("bit_length", 8)
}

/// `space(n)`: `n` spaces ('' for n <= 0).
pub fn space() -> StringFunction {
    StringFunction {
        name: "space",
        params: &[Param::Int],
        min_args: 1,
        returns: DataType::Utf8,
        kernel: |a, n, _| {
            let k = as_ints(&a[0])?;
            let mut out = StringOut::new("space", n);
            for i in 0..n {
                if k.is_null(i) {
                    out.push(None)?;
                    continue;
                }
                let len = k.value(i).max(0) as usize;
                if len > MAX_STRING_BYTES {
                    return Err(too_large("space"));
                }
                out.push(Some(&" ".repeat(len)))?;
            }
            Ok(out.finish())
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soundex_as_spark() {
        assert_eq!(soundex_of("Miller"), "M460");
        assert_eq!(soundex_of("Robert"), "R163");
        assert_eq!(soundex_of("Tymczak"), "T522");
        assert_eq!(soundex_of("Ashcraft"), "A261");
        assert_eq!(soundex_of("123"), "123");
        assert_eq!(soundex_of(""), "");
    }

    #[test]
    fn levenshtein_and_luhn() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert!(luhn("79927398713"));
        assert!(!luhn("79927398714"));
        assert!(!luhn("12a"));
    }
}
