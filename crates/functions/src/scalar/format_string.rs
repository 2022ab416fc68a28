//! `format_string(fmt, args…)` / `printf`: Java's `String.format` for the common
//! conversions: `%s %S %d %x %X %o %f %e %E %b %c %% %n`, argument indexes (`%2$s`),
//! flags `- 0 + space , (`, width and precision. Floating-point values round half up
//! from their shortest decimal digits, as Java's `Formatter` does. A NULL format gives
//! NULL; a NULL argument prints `null`.

use std::fmt;

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use ember_common::{Error, Result};
use ember_plan::format::{format_date, format_decimal, format_f32, format_f64};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::utils::{as_strings, check_arity, eval_arrays, string_arg, StringOut};

#[derive(Debug)]
pub struct FormatString;

/// One `%…` specifier.
#[derive(Debug, Default, Clone)]
struct Spec {
    index: Option<usize>,
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    group: bool,
    paren: bool,
    width: Option<usize>,
    precision: Option<usize>,
    conversion: char,
}

enum Piece {
    Text(String),
    Spec(Spec),
}

fn format_error(message: String) -> Error {
    Error::invalid_argument(message)
}

fn parse(fmt: &str) -> Result<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            text.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut spec = Spec::default();
        // argument index: digits followed by '$'
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j > i && j < chars.len() && chars[j] == '$' {
            let n: usize = chars[i..j]
                .iter()
                .collect::<String>()
                .parse()
                .map_err(|_| format_error(format!("Illegal format argument index in '{fmt}'")))?;
            if n == 0 {
                return Err(format_error(format!("Illegal format argument index = 0 in '{fmt}'")));
            }
            spec.index = Some(n);
            i = j + 1;
        }
        while i < chars.len() {
            match chars[i] {
                '-' => spec.left = true,
                '0' => spec.zero = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                ',' => spec.group = true,
                '(' => spec.paren = true,
                '#' => {}
                _ => break,
            }
            i += 1;
        }
        let mut width = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            width.push(chars[i]);
            i += 1;
        }
        if !width.is_empty() {
            spec.width = width.parse().ok();
        }
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                p.push(chars[i]);
                i += 1;
            }
            spec.precision = Some(p.parse().map_err(|_| format_error(format!("Illegal precision in format '{fmt}'")))?);
        }
        let Some(&conversion) = chars.get(i) else {
            return Err(format_error(format!("Format specifier '{}' is incomplete", chars[start..].iter().collect::<String>())));
        };
        i += 1;
        spec.conversion = conversion;
        match conversion {
            '%' => text.push('%'),
            'n' => text.push('\n'),
            's' | 'S' | 'd' | 'x' | 'X' | 'o' | 'f' | 'e' | 'E' | 'b' | 'B' | 'c' | 'C' => {
                if spec.left && spec.width.is_none() {
                    return Err(format_error(format!(
                        "Missing width in format specifier '{}'",
                        chars[start..i].iter().collect::<String>()
                    )));
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Spec(spec));
            }
            other => return Err(format_error(format!("Unknown format conversion '{other}' in '{fmt}'"))),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Groups the digits of an integer part in thousands.
fn group_thousands(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `digits` with the decimal point after `int_len` of them, rounded half up to
/// `precision` fraction digits: (integer part, fraction part).
fn round_fixed(digits: &str, int_len: i64, precision: usize) -> (String, String) {
    let mut all: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    let mut int_len = int_len;
    if int_len <= 0 {
        let pad = (1 - int_len) as usize;
        all.splice(0..0, std::iter::repeat_n(0, pad));
        int_len = 1;
    }
    let keep = int_len as usize + precision;
    if all.len() < keep + 1 {
        all.resize(keep + 1, 0);
    }
    let round_up = all[keep] >= 5;
    all.truncate(keep);
    if round_up {
        let mut k = keep;
        loop {
            if k == 0 {
                all.insert(0, 1);
                int_len += 1;
                break;
            }
            k -= 1;
            if all[k] == 9 {
                all[k] = 0;
            } else {
                all[k] += 1;
                break;
            }
        }
    }
    let to_str = |d: &[u8]| d.iter().map(|d| (d + b'0') as char).collect::<String>();
    let int = to_str(&all[..int_len as usize]);
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0".to_string() } else { int.to_string() };
    (int, to_str(&all[int_len as usize..]))
}

/// A number as (negative, shortest digits without leading zeros, position of the point).
fn decimal_digits(v: &ScalarValue) -> Option<(bool, String, i64)> {
    match v {
        ScalarValue::Float64(Some(x)) => float_digits(*x),
        ScalarValue::Float32(Some(x)) => float_digits(format_f32(*x).parse::<f64>().unwrap_or(*x as f64)),
        ScalarValue::Decimal128(Some(u), _, s) => {
            let digits = u.unsigned_abs().to_string();
            let int_len = digits.len() as i64 - *s as i64;
            Some((*u < 0, digits, int_len))
        }
        _ => None,
    }
}

fn float_digits(x: f64) -> Option<(bool, String, i64)> {
    if !x.is_finite() {
        return None;
    }
    let sci = format!("{:e}", x.abs());
    let (m, e) = sci.split_once('e')?;
    let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
    Some((x.is_sign_negative(), digits, e.parse::<i64>().ok()? + 1))
}

/// Sign, grouping and padding around a formatted magnitude (Java's number layout).
fn layout_number(spec: &Spec, negative: bool, magnitude: String) -> String {
    let (mut prefix, mut suffix) = (String::new(), String::new());
    if negative {
        if spec.paren {
            prefix.push('(');
            suffix.push(')');
        } else {
            prefix.push('-');
        }
    } else if spec.plus {
        prefix.push('+');
    } else if spec.space {
        prefix.push(' ');
    }
    let body_len = prefix.chars().count() + magnitude.chars().count() + suffix.chars().count();
    match spec.width {
        Some(w) if w > body_len && spec.zero && !spec.left => format!("{prefix}{}{magnitude}{suffix}", "0".repeat(w - body_len)),
        _ => pad(spec, format!("{prefix}{magnitude}{suffix}")),
    }
}

fn pad(spec: &Spec, s: String) -> String {
    match spec.width {
        Some(w) if w > s.chars().count() => {
            let fill = " ".repeat(w - s.chars().count());
            if spec.left {
                s + &fill
            } else {
                fill + &s
            }
        }
        _ => s,
    }
}

/// Spark's string form of a value for `%s`.
fn display(v: &ScalarValue) -> String {
    match v {
        _ if v.is_null() => "null".into(),
        ScalarValue::Float64(Some(x)) => format_f64(*x),
        ScalarValue::Float32(Some(x)) => format_f32(*x),
        ScalarValue::Decimal128(Some(u), _, s) => format_decimal(*u, *s),
        ScalarValue::Utf8(Some(s)) => s.clone(),
        ScalarValue::Date32(Some(d)) => format_date(*d),
        ScalarValue::Binary(Some(b)) => format!("[B@{:x}", b.len()),
        other => match other.to_array(1).and_then(|a| Ok(arrow::compute::cast(&a, &DataType::Utf8)?)) {
            Ok(a) => super::utils::as_strings(&a).ok().filter(|s| s.is_valid(0)).map(|s| s.value(0).to_string()).unwrap_or_default(),
            Err(_) => other.to_string(),
        },
    }
}

fn illegal_conversion(c: char, v: &ScalarValue) -> Error {
    format_error(format!(
        "Conversion = {c} is not applicable to a value of type {}",
        ember_common::types::catalog_string(&v.data_type()).to_uppercase()
    ))
}

fn integer_of(v: &ScalarValue) -> Option<(i128, u32)> {
    Some(match v {
        ScalarValue::Int8(Some(x)) => (*x as i128, 8),
        ScalarValue::Int16(Some(x)) => (*x as i128, 16),
        ScalarValue::Int32(Some(x)) => (*x as i128, 32),
        ScalarValue::Int64(Some(x)) => (*x as i128, 64),
        _ => return None,
    })
}

fn format_one(spec: &Spec, v: &ScalarValue) -> Result<String> {
    let c = spec.conversion;
    if v.is_null() && !matches!(c, 'b' | 'B') {
        let s = if c.is_ascii_uppercase() { "NULL".to_string() } else { "null".to_string() };
        let s = match spec.precision {
            Some(p) if matches!(c, 's' | 'S') => s.chars().take(p).collect(),
            _ => s,
        };
        return Ok(pad(spec, s));
    }
    Ok(match c {
        's' | 'S' => {
            let mut s = display(v);
            if let Some(p) = spec.precision {
                s = s.chars().take(p).collect();
            }
            pad(spec, if c == 'S' { s.to_uppercase() } else { s })
        }
        'b' | 'B' => {
            let s = match v {
                _ if v.is_null() => "false".to_string(),
                ScalarValue::Boolean(Some(b)) => b.to_string(),
                _ => "true".to_string(),
            };
            pad(spec, if c == 'B' { s.to_uppercase() } else { s })
        }
        'c' | 'C' => {
            let ch = match v {
                ScalarValue::Utf8(Some(s)) if s.chars().count() == 1 => s.chars().next(),
                _ => integer_of(v).and_then(|(n, _)| u32::try_from(n).ok()).and_then(char::from_u32),
            };
            let ch = ch.ok_or_else(|| illegal_conversion(c, v))?;
            pad(spec, if c == 'C' { ch.to_uppercase().collect() } else { ch.to_string() })
        }
        'd' => {
            let (n, _) = integer_of(v).ok_or_else(|| illegal_conversion(c, v))?;
            let mut digits = n.unsigned_abs().to_string();
            if spec.group {
                digits = group_thousands(&digits);
            }
            layout_number(spec, n < 0, digits)
        }
        'x' | 'X' | 'o' => {
            let (n, bits) = integer_of(v).ok_or_else(|| illegal_conversion(c, v))?;
            // Java prints negative ints in two's complement of their width
            let u = if n < 0 { (n + (1i128 << bits)) as u128 } else { n as u128 };
            let s = match c {
                'x' => format!("{u:x}"),
                'X' => format!("{u:X}"),
                _ => format!("{u:o}"),
            };
            layout_number(spec, false, s)
        }
        'f' | 'e' | 'E' => {
            let precision = spec.precision.unwrap_or(6);
            let value = match v {
                ScalarValue::Float64(_) | ScalarValue::Float32(_) | ScalarValue::Decimal128(..) => v.clone(),
                _ => return Err(illegal_conversion(c, v)),
            };
            let Some((negative, digits, int_len)) = decimal_digits(&value) else {
                // NaN and infinities
                let x = match value {
                    ScalarValue::Float32(Some(x)) => x as f64,
                    ScalarValue::Float64(Some(x)) => x,
                    _ => f64::NAN,
                };
                let s = if x.is_nan() { "NaN".to_string() } else { "Infinity".to_string() };
                return Ok(layout_number(&Spec { zero: false, ..spec.clone() }, x < 0.0, s));
            };
            if c == 'f' {
                let (int, frac) = round_fixed(&digits, int_len, precision);
                let int = if spec.group { group_thousands(&int) } else { int };
                let magnitude = if precision > 0 { format!("{int}.{frac}") } else { int };
                layout_number(spec, negative, magnitude)
            } else {
                let trimmed = digits.trim_start_matches('0');
                let (mantissa, exp) = if trimmed.is_empty() {
                    (round_fixed("0", 1, precision), 0)
                } else {
                    let lead = (digits.len() - trimmed.len()) as i64;
                    let (int, frac) = round_fixed(trimmed, 1, precision);
                    // rounding 9.99… up gives 10.0…: shift one place
                    if int.len() > 1 {
                        let (i2, f2) = round_fixed(&format!("{int}{frac}"), 1, precision);
                        ((i2, f2), int_len - lead)
                    } else {
                        ((int, frac), int_len - lead - 1)
                    }
                };
                let (int, frac) = mantissa;
                let m = if precision > 0 { format!("{int}.{frac}") } else { int };
                let sign = if exp < 0 { '-' } else { '+' };
                let s = format!("{m}{}{sign}{:02}", if c == 'E' { 'E' } else { 'e' }, exp.abs());
                layout_number(spec, negative, s)
            }
        }
        other => return Err(format_error(format!("Unknown format conversion '{other}'"))),
    })
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "%{}", self.conversion)
    }
}

impl ScalarFunctionImpl for FormatString {
    fn name(&self) -> &str {
        "format_string"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("format_string", t.len(), 1, usize::MAX)?;
        let mut out = vec![string_arg("format_string", 1, &t[0])?];
        out.extend(t[1..].iter().cloned());
        Ok(out)
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("format_string", args.len(), 1, usize::MAX)?;
        eval_arrays(args, num_rows, |a, n| {
            let fmts = as_strings(&a[0])?;
            let values: &[ArrayRef] = &a[1..];
            let mut out = StringOut::new("format_string", n);
            let mut parsed: Option<(String, Vec<Piece>)> = None;
            for i in 0..n {
                if fmts.is_null(i) {
                    out.push(None)?;
                    continue;
                }
                let f = fmts.value(i);
                if !matches!(&parsed, Some((p, _)) if p == f) {
                    parsed = Some((f.to_string(), parse(f)?));
                }
                let Some((_, pieces)) = &parsed else { continue };
                let mut s = String::new();
                let mut next = 0;
                for p in pieces {
                    match p {
                        Piece::Text(t) => s.push_str(t),
                        Piece::Spec(spec) => {
                            let k = match spec.index {
                                Some(k) => k - 1,
                                None => {
                                    next += 1;
                                    next - 1
                                }
                            };
                            let arr = values.get(k).ok_or_else(|| format_error(format!("Format specifier '{spec}' has no argument")))?;
                            let v = ScalarValue::try_from_array(arr.as_ref(), i)?;
                            s.push_str(&format_one(spec, &v)?);
                        }
                    }
                }
                out.push(Some(&s))?;
            }
            Ok(out.finish())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(f: &str, args: Vec<ScalarValue>) -> String {
        let mut a = vec![ColumnarValue::Scalar(ScalarValue::from(f))];
        a.extend(args.into_iter().map(ColumnarValue::Scalar));
        match FormatString.invoke(&a, 1, &FunctionContext::default()).unwrap() {
            ColumnarValue::Scalar(ScalarValue::Utf8(Some(s))) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn java_conversions() {
        let i = |v: i32| ScalarValue::Int32(Some(v));
        let d = |v: f64| ScalarValue::Float64(Some(v));
        assert_eq!(fmt("%s and %S", vec![ScalarValue::from("a"), ScalarValue::Utf8(None)]), "a and NULL");
        assert_eq!(
            fmt("[%5s|%-5s|%.2s]", vec![ScalarValue::from("ab"), ScalarValue::from("ab"), ScalarValue::from("abc")]),
            "[   ab|ab   |ab]"
        );
        assert_eq!(fmt("%d %05d %+d %,d %(d", vec![i(42), i(-42), i(7), i(1234567), i(-3)]), "42 -0042 +7 1,234,567 (3)");
        assert_eq!(fmt("%x %X %o", vec![i(255), i(-1), i(8)]), "ff FFFFFFFF 10");
        assert_eq!(
            fmt("%f %.2f %.1f %.0f %,.2f", vec![d(1.5), d(2.675), d(0.25), d(2.5), d(1234567.891)]),
            "1.500000 2.68 0.3 3 1,234,567.89"
        );
        assert_eq!(fmt("%e %.2E %.2e", vec![d(12345.678), d(0.0009999), d(0.000999)]), "1.234568e+04 1.00E-03 9.99e-04");
        assert_eq!(fmt("%2$s %1$s %%%n", vec![ScalarValue::from("a"), ScalarValue::from("b")]), "b a %\n");
        let dec = ScalarValue::Decimal128(Some(-12345), 10, 3);
        assert_eq!(fmt("%.2f %s", vec![dec.clone(), dec]), "-12.35 -12.345");
    }

    #[test]
    fn errors() {
        let a = [ColumnarValue::Scalar(ScalarValue::from("%d")), ColumnarValue::Scalar(ScalarValue::from("x"))];
        assert!(FormatString.invoke(&a, 1, &FunctionContext::default()).is_err());
        let a = [ColumnarValue::Scalar(ScalarValue::from("%s %s")), ColumnarValue::Scalar(ScalarValue::from("x"))];
        assert!(FormatString.invoke(&a, 1, &FunctionContext::default()).is_err());
        assert!(parse("%q").is_err());
        assert!(parse("%-s").is_err());
    }
}
