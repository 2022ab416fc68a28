//! Binary ↔ text encodings: `base64(bin)` (unchunked, as Spark 4 by default),
//! `unbase64(str)` (lenient like Java's MIME decoder: characters outside the alphabet
//! are skipped), `hex(bigint | string | binary)` in upper case and `unhex(str)` (NULL
//! on a non-hex character; an odd length is read as if led by '0').

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryArray};
use arrow::datatypes::{DataType, Int64Type};
use ember_common::Result;
use ember_plan::coercion::{is_numeric, is_string};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::hash::{as_binary, binary_arg};
use super::utils::{as_strings, check_arity, eval_arrays, string_arg, unexpected_type, StringOut};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(v: &[u8]) -> String {
    let mut out = String::with_capacity(v.len().div_ceil(3) * 4);
    for chunk in v.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The bytes of a hex string (an odd leading digit is a byte of its own), as Spark's
/// `unhex`; `None` for a non-hex character.
pub(crate) fn unhex_one(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().map(|c| (c as char).to_digit(16).map(|d| d as u8)).collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(digits.len().div_ceil(2));
    let mut rest = &digits[..];
    if digits.len() % 2 == 1 {
        out.push(digits[0]);
        rest = &digits[1..];
    }
    out.extend(rest.chunks(2).map(|p| p[0] << 4 | p[1]));
    Some(out)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Base64,
    Unbase64,
    Hex,
    Unhex,
}

#[derive(Debug)]
pub struct Encoding {
    name: &'static str,
    kind: Kind,
}

pub fn base64() -> Encoding {
    Encoding { name: "base64", kind: Kind::Base64 }
}
pub fn unbase64() -> Encoding {
    Encoding { name: "unbase64", kind: Kind::Unbase64 }
}
pub fn hex() -> Encoding {
    Encoding { name: "hex", kind: Kind::Hex }
}
pub fn unhex() -> Encoding {
    Encoding { name: "unhex", kind: Kind::Unhex }
}

impl ScalarFunctionImpl for Encoding {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 1, 1)?;
        let d = &t[0];
        Ok(vec![match self.kind {
            Kind::Base64 => binary_arg(self.name, 1, d)?,
            Kind::Unbase64 | Kind::Unhex => string_arg(self.name, 1, d)?,
            Kind::Hex if d == &DataType::Binary => DataType::Binary,
            Kind::Hex if is_string(d) => DataType::Utf8,
            Kind::Hex if is_numeric(d) || d == &DataType::Null => DataType::Int64,
            Kind::Hex => return Err(unexpected_type(self.name, 1, "(\"BIGINT\" or \"BINARY\" or \"STRING\")", d)),
        }])
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok(match self.kind {
            Kind::Base64 | Kind::Hex => DataType::Utf8,
            Kind::Unbase64 | Kind::Unhex => DataType::Binary,
        })
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), 1, 1)?;
        eval_arrays(args, num_rows, |a, n| {
            let x = &a[0];
            let mut out = StringOut::new(self.name, n);
            match (self.kind, x.data_type()) {
                (Kind::Base64, _) => {
                    for v in as_binary(x)?.iter() {
                        out.push(v.map(base64_encode).as_deref())?;
                    }
                }
                (Kind::Unbase64, _) => {
                    let out: BinaryArray = as_strings(x)?.iter().map(|v| v.map(base64_decode)).collect();
                    return Ok(Arc::new(out) as ArrayRef);
                }
                (Kind::Unhex, _) => {
                    let out: BinaryArray = as_strings(x)?.iter().map(|v| v.and_then(unhex_one)).collect();
                    return Ok(Arc::new(out) as ArrayRef);
                }
                (Kind::Hex, DataType::Int64) => {
                    for v in x.as_primitive::<Int64Type>().iter() {
                        out.push(v.map(|v| format!("{v:X}")).as_deref())?;
                    }
                }
                (Kind::Hex, DataType::Null) => {
                    for _ in 0..n {
                        out.push(None)?;
                    }
                }
                (Kind::Hex, _) => {
                    let bytes = as_binary(x)?;
                    for i in 0..bytes.len() {
                        out.push(if bytes.is_null(i) { None } else { Some(hex_upper(bytes.value(i))) }.as_deref())?;
                    }
                }
            }
            Ok(out.finish())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    #[test]
    fn base64_round_trip() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "héllo"] {
            assert_eq!(base64_decode(&base64_encode(s.as_bytes())), s.as_bytes());
        }
        assert_eq!(base64_encode(b"Spark SQL"), "U3BhcmsgU1FM");
        assert_eq!(base64_decode("U3Bh\r\ncmsg U1FM"), b"Spark SQL");
        insta::assert_snapshot!(render(&call(&base64(), vec![strs(&[Some("Spark SQL"), None])]).unwrap()), @"[U3BhcmsgU1FM, NULL]");
    }

    #[test]
    fn hex_and_unhex() {
        insta::assert_snapshot!(render(&call(&hex(), vec![ints(&[Some(17), Some(-1), Some(0), None])]).unwrap()), @"[11, FFFFFFFFFFFFFFFF, 0, NULL]");
        insta::assert_snapshot!(render(&call(&hex(), vec![strs(&[Some("Spark SQL")])]).unwrap()), @"[537061726B2053514C]");
        assert_eq!(unhex_one("537061726B"), Some(b"Spark".to_vec()));
        assert_eq!(unhex_one("ABC"), Some(vec![0x0A, 0xBC]));
        assert_eq!(unhex_one("GG"), None);
    }
}
