//! Digests of binary (or string) values as lower-case hex strings: `md5`,
//! `sha1`/`sha`, `sha2(x, bits)` with bits 224, 256 (or 0), 384, 512 (NULL otherwise),
//! and `crc32` as a bigint.

use std::fmt::Write;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryArray, Int64Array};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::coercion::is_string;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::utils::{as_ints, check_arity, eval_arrays, int_arg, unexpected_type, StringOut};

/// Coerces parameter `param` of `name` to binary (strings are their UTF-8 bytes).
pub fn binary_arg(name: &str, param: usize, dt: &DataType) -> Result<DataType> {
    match dt {
        DataType::Binary | DataType::Null => Ok(DataType::Binary),
        d if is_string(d) => Ok(DataType::Binary),
        d => Err(unexpected_type(name, param, "\"BINARY\"", d)),
    }
}

/// The array as Binary.
pub fn as_binary(a: &ArrayRef) -> Result<BinaryArray> {
    match a.data_type() {
        DataType::Binary => Ok(a.as_binary::<i32>().clone()),
        _ => Ok(arrow::compute::cast(a, &DataType::Binary)?.as_binary::<i32>().clone()),
    }
}

fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Algorithm {
    Md5,
    Sha1,
    Sha2,
    Crc32,
}

#[derive(Debug)]
pub struct HashFunction {
    name: &'static str,
    algorithm: Algorithm,
}

pub fn md5() -> HashFunction {
    HashFunction { name: "md5", algorithm: Algorithm::Md5 }
}
pub fn sha1() -> HashFunction {
    HashFunction { name: "sha1", algorithm: Algorithm::Sha1 }
}
pub fn sha2() -> HashFunction {
    HashFunction { name: "sha2", algorithm: Algorithm::Sha2 }
}
pub fn crc32() -> HashFunction {
    HashFunction { name: "crc32", algorithm: Algorithm::Crc32 }
}

fn sha2_hex(bits: i32, v: &[u8]) -> Option<String> {
    Some(match bits {
        224 => to_hex(&Sha224::digest(v)),
        0 | 256 => to_hex(&Sha256::digest(v)),
        384 => to_hex(&Sha384::digest(v)),
        512 => to_hex(&Sha512::digest(v)),
        _ => return None,
    })
}

/// CRC-32 (IEEE, as `java.util.zip.CRC32`).
fn crc32_of(v: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in v {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

impl HashFunction {
    fn arity(&self) -> usize {
        if self.algorithm == Algorithm::Sha2 {
            2
        } else {
            1
        }
    }
}

impl ScalarFunctionImpl for HashFunction {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), self.arity(), self.arity())?;
        let mut out = vec![binary_arg(self.name, 1, &t[0])?];
        if t.len() == 2 {
            out.push(int_arg(self.name, 2, &t[1])?);
        }
        Ok(out)
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok(if self.algorithm == Algorithm::Crc32 { DataType::Int64 } else { DataType::Utf8 })
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), self.arity(), self.arity())?;
        eval_arrays(args, num_rows, |a, n| {
            let x = as_binary(&a[0])?;
            if self.algorithm == Algorithm::Crc32 {
                let out: Int64Array = x.iter().map(|v| v.map(|v| crc32_of(v) as i64)).collect();
                return Ok(Arc::new(out) as ArrayRef);
            }
            let bits = match a.get(1) {
                Some(b) => Some(as_ints(b)?),
                None => None,
            };
            let mut out = StringOut::new(self.name, n);
            for i in 0..n {
                if x.is_null(i) {
                    out.push(None)?;
                    continue;
                }
                let v = x.value(i);
                let h = match self.algorithm {
                    Algorithm::Md5 => Some(to_hex(&Md5::digest(v))),
                    Algorithm::Sha1 => Some(to_hex(&Sha1::digest(v))),
                    _ => match &bits {
                        Some(b) if b.is_valid(i) => sha2_hex(b.value(i), v),
                        _ => None,
                    },
                };
                out.push(h.as_deref())?;
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
    fn known_digests() {
        let s = strs(&[Some("Spark"), Some(""), None]);
        insta::assert_snapshot!(render(&call(&md5(), vec![s.clone()]).unwrap()), @"[8cde774d6f7333752ed72cacddb05126, d41d8cd98f00b204e9800998ecf8427e, NULL]");
        insta::assert_snapshot!(render(&call(&sha1(), vec![s.clone()]).unwrap()), @"[85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c, da39a3ee5e6b4b0d3255bfef95601890afd80709, NULL]");
        insta::assert_snapshot!(render(&call(&crc32(), vec![s.clone()]).unwrap()), @"[1557323817, 0, NULL]");
        let out = call(&sha2(), vec![s, ints(&[Some(256), Some(1), Some(256)])]).unwrap();
        insta::assert_snapshot!(render(&out), @"[529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b, NULL, NULL]");
    }

    #[test]
    fn numbers_are_not_binary() {
        assert_eq!(call(&md5(), vec![ints(&[Some(1)])]).unwrap_err().class(), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
    }
}
