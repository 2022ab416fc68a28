//! UTF-8 validity of strings given as bytes: `is_valid_utf8`, `make_valid_utf8` (each
//! invalid sequence becomes U+FFFD), `validate_utf8` (INVALID_UTF8_STRING) and
//! `try_validate_utf8` (NULL). Ember's strings are always valid, so only binary
//! arguments can fail.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};

use super::hash::as_binary;
use super::typed_fn::TypedFunction;
use super::utils::{string_arg, StringOut};

fn string_or_binary(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    Ok(vec![match &t[0] {
        DataType::Binary => DataType::Binary,
        d => string_arg(name, 1, d)?,
    }])
}

fn invalid(bytes: &[u8]) -> Error {
    let shown: String = bytes.iter().map(|b| format!("\\x{b:02X}")).collect();
    Error::new(ErrorKind::Other {
        class: "INVALID_UTF8_STRING".into(),
        sqlstate: Some("22029".into()),
        message: format!("Invalid UTF8 byte sequence found in string: {shown}."),
    })
}

/// Every value through `f`, which gets the bytes and returns the string (or None).
fn strings_of(name: &'static str, a: &ArrayRef, n: usize, f: impl Fn(&[u8]) -> Result<Option<String>>) -> Result<ArrayRef> {
    if a.data_type() != &DataType::Binary {
        return Ok(a.clone());
    }
    let b = as_binary(a)?;
    let mut out = StringOut::new(name, n);
    for v in b.iter() {
        match v {
            Some(v) => out.push(f(v)?.as_deref())?,
            None => out.push(None)?,
        }
    }
    Ok(out.finish())
}

pub fn is_valid_utf8() -> TypedFunction {
    TypedFunction {
        name: "is_valid_utf8",
        min_args: 1,
        max_args: 1,
        coerce: string_or_binary,
        returns: |_| Ok(DataType::Boolean),
        kernel: |_, a, n, _| {
            let out: BooleanArray = match a[0].data_type() {
                DataType::Binary => as_binary(&a[0])?.iter().map(|v| v.map(|v| std::str::from_utf8(v).is_ok())).collect(),
                _ => (0..n).map(|i| (!a[0].is_null(i)).then_some(true)).collect(),
            };
            Ok(Arc::new(out))
        },
    }
}

pub fn make_valid_utf8() -> TypedFunction {
    TypedFunction {
        name: "make_valid_utf8",
        min_args: 1,
        max_args: 1,
        coerce: string_or_binary,
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, a, n, _| strings_of("make_valid_utf8", &a[0], n, |v| Ok(Some(String::from_utf8_lossy(v).into_owned()))),
    }
}

pub fn validate_utf8() -> TypedFunction {
    TypedFunction {
        name: "validate_utf8",
        min_args: 1,
        max_args: 1,
        coerce: string_or_binary,
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, a, n, _| strings_of("validate_utf8", &a[0], n, |v| std::str::from_utf8(v).map(|s| Some(s.to_string())).map_err(|_| invalid(v))),
    }
}

pub fn try_validate_utf8() -> TypedFunction {
    TypedFunction {
        name: "try_validate_utf8",
        min_args: 1,
        max_args: 1,
        coerce: string_or_binary,
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, a, n, _| strings_of("try_validate_utf8", &a[0], n, |v| Ok(std::str::from_utf8(v).ok().map(str::to_string))),
    }
}
