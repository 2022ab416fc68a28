//! `conv(num, from_base, to_base)`: a number written in one base rewritten in
//! another, through an unsigned 64-bit value, as Spark's `NumberConverter`: digits are
//! read up to the first one invalid in `from_base`; a negative `to_base` writes a signed
//! result; an overflow is an error under ANSI mode and otherwise all ones.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, StringArray};
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::FunctionContext;

use super::typed_fn::TypedFunction;
use super::utils::{as_ints, as_strings, int_arg, string_arg};

pub fn conv() -> TypedFunction {
    TypedFunction {
        name: "conv",
        min_args: 3,
        max_args: 3,
        coerce: |name, t| Ok(vec![string_arg(name, 1, &t[0])?, int_arg(name, 2, &t[1])?, int_arg(name, 3, &t[2])?]),
        returns: |_| Ok(DataType::Utf8),
        kernel: conv_kernel,
    }
}

fn conv_kernel(_: &str, a: &[ArrayRef], n: usize, ctx: &FunctionContext) -> Result<ArrayRef> {
    let (num, from, to) = (as_strings(&a[0])?, as_ints(&a[1])?, as_ints(&a[2])?);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if num.is_null(i) || from.is_null(i) || to.is_null(i) {
            out.push(None);
            continue;
        }
        out.push(convert(num.value(i), from.value(i), to.value(i), ctx.ansi)?);
    }
    Ok(Arc::new(StringArray::from(out)))
}

fn overflow() -> Error {
    Error::new(ErrorKind::ArithmeticOverflow { op: "conv".into(), message: "Overflow in function conv()".into() })
}

/// The value of the leading valid digits of `digits` in `radix`, as an unsigned long.
fn encode(digits: &str, radix: u64, ansi: bool) -> Result<u64> {
    let mut v: u64 = 0;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix as u32) else { break };
        match v.checked_mul(radix).and_then(|x| x.checked_add(d as u64)) {
            Some(x) => v = x,
            None if ansi => return Err(overflow()),
            None => return Ok(u64::MAX),
        }
    }
    Ok(v)
}

/// Spark's `NumberConverter.convert`; `None` for an invalid base or empty input.
pub fn convert(num: &str, from_base: i32, to_base: i32, ansi: bool) -> Result<Option<String>> {
    if !(2..=36).contains(&from_base) || !(2..=36).contains(&to_base.abs()) || num.is_empty() {
        return Ok(None);
    }
    let (mut negative, digits) = match num.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, num),
    };
    let mut v = encode(digits, from_base as u64, ansi)? as i64;
    if negative && to_base > 0 {
        v = if v < 0 { -1 } else { v.wrapping_neg() };
    }
    if to_base < 0 && v < 0 {
        v = v.wrapping_neg();
        negative = true;
    }
    let radix = to_base.unsigned_abs() as u64;
    let mut u = v as u64;
    let mut text = Vec::new();
    loop {
        let d = (u % radix) as u32;
        text.push(char::from_digit(d, radix as u32).unwrap_or('0').to_ascii_uppercase());
        u /= radix;
        if u == 0 {
            break;
        }
    }
    if negative && to_base < 0 {
        text.push('-');
    }
    Ok(Some(text.into_iter().rev().collect()))
}

#[cfg(test)]
mod tests {
    use super::convert;

    fn c(n: &str, f: i32, t: i32) -> Option<String> {
        convert(n, f, t, false).unwrap()
    }

    #[test]
    fn spark_examples() {
        assert_eq!(c("100", 2, 10).as_deref(), Some("4"));
        assert_eq!(c("-10", 16, -10).as_deref(), Some("-16"));
        assert_eq!(c("-1", 10, 16).as_deref(), Some("FFFFFFFFFFFFFFFF"));
        assert_eq!(c("9", 2, 10).as_deref(), Some("0"));
        assert_eq!(c("zz", 36, 10).as_deref(), Some("1295"));
        assert_eq!(c("12", 10, 37), None);
        assert_eq!(c("99999999999999999999", 10, 10).as_deref(), Some("18446744073709551615"));
        assert!(convert("99999999999999999999", 10, 10, true).is_err());
    }
}
