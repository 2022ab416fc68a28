//! Text ↔ bytes in a character set: `encode(str, charset)`, `decode(bin, charset)` (the
//! charsets Spark 4 allows; unmappable or malformed input is MALFORMED_CHARACTER_CODING)
//! and `to_binary(str[, fmt])` with `hex`, `utf-8` or `base64` (strict: malformed input
//! is CONVERSION_INVALID_INPUT; `try_to_binary` gives NULL).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BinaryBuilder};
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::hash::{as_binary, binary_arg};
use super::typed_fn::TypedFunction;
use super::utils::{as_strings, check_arity, eval_arrays, string_arg, StringOut};

const CHARSETS: [&str; 7] = ["iso-8859-1", "us-ascii", "utf-16", "utf-16be", "utf-16le", "utf-32", "utf-8"];

fn spark_error(class: &str, sqlstate: &str, message: String) -> Error {
    Error::new(ErrorKind::Other { class: class.into(), sqlstate: Some(sqlstate.into()), message })
}

fn bad_charset(func: &str, got: &str) -> Error {
    spark_error(
        "INVALID_PARAMETER_VALUE.CHARSET",
        "22023",
        format!("The value of parameter(s) `charset` in `{func}` is invalid: expects one of the {}, but got {got}.", CHARSETS.join(", ")),
    )
}

fn malformed(func: &str, charset: &str) -> Error {
    spark_error("MALFORMED_CHARACTER_CODING", "22000", format!("Invalid value found when performing `{func}` with {charset}"))
}

fn charset_of(func: &str, name: &str) -> Result<&'static str> {
    let lower = name.trim().to_ascii_lowercase();
    CHARSETS.iter().find(|c| **c == lower).copied().ok_or_else(|| bad_charset(func, name))
}

fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
}

fn encode_one(s: &str, charset: &str) -> Option<Vec<u8>> {
    Some(match charset {
        "utf-8" => s.as_bytes().to_vec(),
        "us-ascii" => s.chars().map(|c| if c.is_ascii() { Some(c as u8) } else { None }).collect::<Option<_>>()?,
        "iso-8859-1" => s.chars().map(|c| u8::try_from(c as u32).ok()).collect::<Option<_>>()?,
        "utf-16" => [vec![0xFE, 0xFF], utf16(s, true)].concat(),
        "utf-16be" => utf16(s, true),
        "utf-16le" => utf16(s, false),
        _ => s.chars().flat_map(|c| (c as u32).to_be_bytes()).collect(),
    })
}

fn decode_utf16(b: &[u8], mut big_endian: bool, bom: bool) -> Option<String> {
    let mut b = b;
    if bom && b.len() >= 2 {
        match (b[0], b[1]) {
            (0xFE, 0xFF) => b = &b[2..],
            (0xFF, 0xFE) => {
                big_endian = false;
                b = &b[2..];
            }
            _ => {}
        }
    }
    if b.len() % 2 != 0 {
        return None;
    }
    let units = b.chunks(2).map(|p| if big_endian { u16::from_be_bytes([p[0], p[1]]) } else { u16::from_le_bytes([p[0], p[1]]) });
    char::decode_utf16(units).collect::<std::result::Result<String, _>>().ok()
}

fn decode_one(b: &[u8], charset: &str) -> Option<String> {
    match charset {
        "utf-8" => std::str::from_utf8(b).ok().map(str::to_string),
        "us-ascii" => b.iter().map(|&c| if c.is_ascii() { Some(c as char) } else { None }).collect(),
        "iso-8859-1" => Some(b.iter().map(|&c| c as char).collect()),
        "utf-16" => decode_utf16(b, true, true),
        "utf-16be" => decode_utf16(b, true, false),
        "utf-16le" => decode_utf16(b, false, false),
        _ => {
            if b.len() % 4 != 0 {
                return None;
            }
            b.chunks(4).map(|p| char::from_u32(u32::from_be_bytes([p[0], p[1], p[2], p[3]]))).collect()
        }
    }
}

/// `encode(str, charset)`.
pub fn encode() -> TypedFunction {
    TypedFunction {
        name: "encode",
        min_args: 2,
        max_args: 2,
        coerce: |name, t| Ok(vec![string_arg(name, 1, &t[0])?, string_arg(name, 2, &t[1])?]),
        returns: |_| Ok(DataType::Binary),
        kernel: |name, a, n, _| {
            let (s, cs) = (as_strings(&a[0])?, as_strings(&a[1])?);
            let mut out = BinaryBuilder::with_capacity(n, 0);
            for i in 0..n {
                if s.is_null(i) || cs.is_null(i) {
                    out.append_null();
                    continue;
                }
                let charset = charset_of(name, cs.value(i))?;
                let bytes = encode_one(s.value(i), charset).ok_or_else(|| malformed(name, &charset.to_ascii_uppercase()))?;
                out.append_value(bytes);
            }
            Ok(Arc::new(out.finish()))
        },
    }
}

fn decode_charset(a: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let (b, cs) = (as_binary(&a[0])?, as_strings(&a[1])?);
    let mut out = StringOut::new("decode", n);
    for i in 0..n {
        if b.is_null(i) || cs.is_null(i) {
            out.push(None)?;
            continue;
        }
        let charset = charset_of("decode", cs.value(i))?;
        let s = decode_one(b.value(i), charset).ok_or_else(|| malformed("decode", &charset.to_ascii_uppercase()))?;
        out.push(Some(&s))?;
    }
    Ok(out.finish())
}

/// `decode(bin, charset)`, and `decode(expr, search, result, …[, default])`: the result
/// of the first search equal to `expr` (NULL matches NULL).
#[derive(Debug)]
pub struct Decode;

impl Decode {
    fn case_types(t: &[DataType]) -> Result<(DataType, DataType)> {
        let mut keys = vec![t[0].clone()];
        let mut results = Vec::new();
        for (i, d) in t.iter().enumerate().skip(1) {
            if i % 2 == 1 && i + 1 < t.len() {
                keys.push(d.clone());
            } else {
                results.push(d.clone());
            }
        }
        let key = keys.iter().skip(1).try_fold(keys[0].clone(), |acc, k| ember_plan::coercion::comparison_type(&acc, k));
        let key = key.ok_or_else(|| super::conditional::common_or_error("decode", &keys).unwrap_err())?;
        Ok((key, super::conditional::common_or_error("decode", &results)?))
    }
}

impl ScalarFunctionImpl for Decode {
    fn name(&self) -> &str {
        "decode"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("decode", t.len(), 2, usize::MAX)?;
        if t.len() == 2 {
            return Ok(vec![binary_arg("decode", 1, &t[0])?, string_arg("decode", 2, &t[1])?]);
        }
        let (key, result) = Self::case_types(t)?;
        Ok(t.iter().enumerate().map(|(i, _)| if i == 0 || (i % 2 == 1 && i + 1 < t.len()) { key.clone() } else { result.clone() }).collect())
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        if t.len() == 2 {
            return Ok(DataType::Utf8);
        }
        Ok(Self::case_types(t)?.1)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("decode", args.len(), 2, usize::MAX)?;
        if args.len() == 2 {
            return eval_arrays(args, num_rows, |a, n| decode_charset(a, n));
        }
        let rt = self.return_type(&args.iter().map(|a| a.data_type()).collect::<Vec<_>>())?;
        eval_arrays(args, num_rows, |a, n| {
            let pairs = (a.len() - 1) / 2;
            let mut result = match a.len() % 2 {
                0 => a[a.len() - 1].clone(),
                _ => ScalarValue::null_of(&rt)?.to_array(n)?,
            };
            for p in (0..pairs).rev() {
                let hit = arrow::compute::kernels::cmp::not_distinct(&a[0], &a[1 + 2 * p])?;
                result = arrow::compute::kernels::zip::zip(&hit, &a[2 + 2 * p], &result)?;
            }
            Ok(result)
        })
    }
}

fn conversion_error(value: &str, fmt: &str) -> Error {
    spark_error(
        "CONVERSION_INVALID_INPUT",
        "22018",
        format!("The value '{value}' ('{}') cannot be converted to \"BINARY\" because it is malformed. Correct the value as per the syntax, or change its format. Use `try_to_binary` to tolerate malformed input and return NULL instead.", fmt.to_ascii_uppercase()),
    )
}

/// Strict base64: the alphabet, then optional `=` padding.
fn base64_strict(s: &str) -> Option<Vec<u8>> {
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2 || !body.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/') || body.len() % 4 == 1 {
        return None;
    }
    Some(super::encoding::base64_decode(body))
}


/// `to_binary(str[, fmt])`; the format must be a literal.
#[derive(Debug)]
pub struct ToBinary {
    fmt: Option<String>,
}

pub fn to_binary() -> ToBinary {
    ToBinary { fmt: None }
}

impl ScalarFunctionImpl for ToBinary {
    fn name(&self) -> &str {
        "to_binary"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("to_binary", t.len(), 1, 2)?;
        t.iter().enumerate().map(|(i, d)| string_arg("to_binary", i + 1, d)).collect()
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Binary)
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let fmt = match literals.get(1) {
            None => "hex".to_string(),
            Some(Some(ScalarValue::Utf8(Some(f)))) => f.to_string(),
            Some(Some(ScalarValue::Utf8(None) | ScalarValue::Null)) => return Ok(Some(Arc::new(ToBinary { fmt: Some(String::new()) }))),
            _ => return Ok(None),
        };
        if !matches!(fmt.to_ascii_lowercase().as_str(), "hex" | "utf-8" | "utf8" | "base64") {
            return Err(Error::new(ErrorKind::DatatypeMismatch {
                sub: "INVALID_ARG_VALUE",
                expr: "\"to_binary\"".into(),
                message: format!("The fmt value must to be a case-insensitive \"STRING\" literal of 'hex', 'utf-8', 'utf8', or 'base64', but got '{fmt}'."),
            }));
        }
        Ok(Some(Arc::new(ToBinary { fmt: Some(fmt) })))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let fmt = self.fmt.clone().unwrap_or_else(|| "hex".into());
        eval_arrays(&args[..1], num_rows, |a, n| {
            let s = as_strings(&a[0])?;
            let mut out = BinaryBuilder::with_capacity(n, 0);
            for v in s.iter() {
                let Some(v) = v.filter(|_| !fmt.is_empty()) else {
                    out.append_null();
                    continue;
                };
                let bytes = match fmt.to_ascii_lowercase().as_str() {
                    "hex" => super::encoding::unhex_one(v),
                    "base64" => base64_strict(v),
                    _ => Some(v.as_bytes().to_vec()),
                };
                out.append_value(bytes.ok_or_else(|| conversion_error(v, &fmt))?);
            }
            Ok(Arc::new(out.finish()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        assert_eq!(encode_one("aé", "utf-16"), Some(vec![0xFE, 0xFF, 0, 0x61, 0, 0xE9]));
        assert_eq!(encode_one("aé", "utf-32"), Some(vec![0, 0, 0, 0x61, 0, 0, 0, 0xE9]));
        assert_eq!(encode_one("aé", "us-ascii"), None);
        assert_eq!(decode_one(&[0xFF, 0xFE, 0x61, 0], "utf-16").as_deref(), Some("a"));
        assert_eq!(decode_one(&[0xE9], "iso-8859-1").as_deref(), Some("é"));
        assert_eq!(decode_one(&[0xFF], "utf-8"), None);
        assert_eq!(base64_strict("YWJ"), Some(b"ab".to_vec()));
        assert_eq!(base64_strict("Y!WJj"), None);
    }
}
