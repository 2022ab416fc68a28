//! Spark literals: integer literals are `int` if they fit, else `bigint`, else
//! `decimal`; suffixes `L`/`S`/`Y`/`D`/`F`/`BD`; `1.5` is `decimal(2,1)`; `1.5e3`
//! is `double`; typed literals `DATE '…'`, `TIMESTAMP '…'`, `TIMESTAMP_NTZ '…'`, `X'…'`.

use std::sync::Arc;

use arrow::datatypes::{DataType, TimeUnit};
use ember_common::types::sql_type_name;
use ember_common::{Error, Result};
use ember_plan::ScalarValue;

use crate::errors::{other, syntax_error};

/// Parses the text of a numeric literal (with `-` in front when `negative`).
pub(crate) fn parse_number(text: &str, negative: bool) -> Result<ScalarValue> {
    let upper = text.to_ascii_uppercase();
    let (body, suffix) = if let Some(b) = upper.strip_suffix("BD") {
        (b, "BD")
    } else {
        match upper.chars().last() {
            Some('L' | 'S' | 'Y' | 'D' | 'F') => (&upper[..upper.len() - 1], &upper[upper.len() - 1..]),
            _ => (upper.as_str(), ""),
        }
    };
    let signed = if negative { format!("-{body}") } else { body.to_string() };
    let shown = format!("{}{}", if negative { "-" } else { "" }, text);
    let integral = !body.is_empty() && body.chars().all(|c| c.is_ascii_digit());
    let bad = || syntax_error(format!("Syntax error at or near '{shown}'."));
    match suffix {
        "L" | "S" | "Y" => {
            if !integral {
                return Err(bad());
            }
            let v: Option<i128> = signed.parse().ok();
            let (ty, min, max): (&str, i128, i128) = match suffix {
                "L" => ("bigint", i64::MIN as i128, i64::MAX as i128),
                "S" => ("smallint", i16::MIN as i128, i16::MAX as i128),
                _ => ("tinyint", i8::MIN as i128, i8::MAX as i128),
            };
            match v {
                Some(v) if v >= min && v <= max => Ok(match suffix {
                    "L" => ScalarValue::Int64(Some(v as i64)),
                    "S" => ScalarValue::Int16(Some(v as i16)),
                    _ => ScalarValue::Int8(Some(v as i8)),
                }),
                _ => Err(out_of_range(&signed, ty, &min.to_string(), &max.to_string())),
            }
        }
        "D" => {
            let v: f64 = signed.parse().map_err(|_| bad())?;
            if v.is_infinite() {
                return Err(out_of_range(&signed, "double", "-1.7976931348623157E+308", "1.7976931348623157E+308"));
            }
            Ok(ScalarValue::Float64(Some(v)))
        }
        "F" => {
            let v: f32 = signed.parse().map_err(|_| bad())?;
            if v.is_infinite() {
                return Err(out_of_range(&signed, "float", "-3.4028235E+38", "3.4028235E+38"));
            }
            Ok(ScalarValue::Float32(Some(v)))
        }
        "BD" => parse_decimal(body, negative).ok_or_else(bad)?,
        _ if body.contains('E') => {
            let v: f64 = signed.parse().map_err(|_| bad())?;
            if v.is_infinite() {
                return Err(out_of_range(&signed, "double", "-1.7976931348623157E+308", "1.7976931348623157E+308"));
            }
            Ok(ScalarValue::Float64(Some(v)))
        }
        _ if body.contains('.') => parse_decimal(body, negative).ok_or_else(bad)?,
        _ if integral => {
            if let Ok(v) = signed.parse::<i32>() {
                Ok(ScalarValue::Int32(Some(v)))
            } else if let Ok(v) = signed.parse::<i64>() {
                Ok(ScalarValue::Int64(Some(v)))
            } else {
                parse_decimal(body, negative).ok_or_else(bad)?
            }
        }
        _ => Err(bad()),
    }
}

/// A decimal with the precision and scale written: `1.50` is `decimal(3,2)`.
fn parse_decimal(body: &str, negative: bool) -> Option<Result<ScalarValue>> {
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    if !(int_part.chars().all(|c| c.is_ascii_digit()) && frac_part.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    let significant = digits.trim_start_matches('0');
    let scale = frac_part.len();
    let precision = significant.len().max(scale).max(1);
    if precision > 38 {
        return Some(Err(other(
            "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
            "22003",
            format!("Decimal precision {precision} exceeds max precision 38."),
        )));
    }
    let unscaled: i128 = if significant.is_empty() { 0 } else { significant.parse().ok()? };
    let v = if negative { -unscaled } else { unscaled };
    Some(Ok(ScalarValue::Decimal128(Some(v), precision as u8, scale as i8)))
}

fn out_of_range(value: &str, ty: &str, min: &str, max: &str) -> Error {
    other(
        "INVALID_NUMERIC_LITERAL_RANGE",
        "22003",
        format!(
            "Numeric literal {value} is outside the valid range for {ty} with minimum value of {min} and maximum value of {max}. Please adjust the value accordingly."
        ),
    )
}

/// `X'0A1B'`: an odd number of digits gets a leading zero, as in Spark.
pub(crate) fn parse_hex(s: &str) -> Result<ScalarValue> {
    let padded = if s.len() % 2 == 1 { format!("0{s}") } else { s.to_string() };
    let bytes = padded
        .as_bytes()
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).ok().and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| invalid_typed("X", s))?;
    Ok(ScalarValue::Binary(Some(bytes)))
}

/// A typed literal `TYPE 'value'`: DATE, TIMESTAMP, TIMESTAMP_NTZ, TIMESTAMP_LTZ, or any
/// other type the string casts to.
pub(crate) fn typed_literal(type_name: &str, value: &str, time_zone: &str) -> Result<ScalarValue> {
    let upper = type_name.trim().to_ascii_uppercase();
    let target = match upper.as_str() {
        "DATE" => DataType::Date32,
        "TIMESTAMP" | "TIMESTAMP_LTZ" => DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from(time_zone))),
        "TIMESTAMP_NTZ" => DataType::Timestamp(TimeUnit::Microsecond, None),
        "X" | "BINARY" => return parse_hex(value.trim()),
        _ => crate::types::parse_data_type_with_tz(type_name, time_zone)?,
    };
    let shown = if matches!(target, DataType::Timestamp(_, _)) { upper.clone() } else { sql_type_name(&target) };
    ScalarValue::Utf8(Some(value.trim().to_string())).cast_to(&target).map_err(|_| invalid_typed(&shown, value))
}

fn invalid_typed(ty: &str, value: &str) -> Error {
    other(
        "INVALID_TYPED_LITERAL",
        "42604",
        format!("The value of the typed literal \"{ty}\" is invalid: '{value}'."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        match parse_number(text, false) {
            Ok(v) => format!("{v} {:?}", v.data_type()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn integer_literals_widen() {
        assert_eq!(show("1"), "1 Int32");
        assert_eq!(show("2147483648"), "2147483648 Int64");
        assert_eq!(show("9223372036854775808"), "9223372036854775808 Decimal128(19, 0)");
        assert_eq!(parse_number("2147483648", true).unwrap(), ScalarValue::Int32(Some(i32::MIN)));
    }

    #[test]
    fn suffixes() {
        assert_eq!(show("1L"), "1 Int64");
        assert_eq!(show("7S"), "7 Int16");
        assert_eq!(show("7Y"), "7 Int8");
        assert_eq!(show("1.5D"), "1.5 Float64");
        assert_eq!(show("1.5F"), "1.5 Float32");
        assert_eq!(show("1.5BD"), "1.5 Decimal128(2, 1)");
        assert!(show("128Y").contains("INVALID_NUMERIC_LITERAL_RANGE"));
        assert!(show("1.5L").contains("PARSE_SYNTAX_ERROR"));
    }

    #[test]
    fn decimals_and_doubles() {
        assert_eq!(show("1.5"), "1.5 Decimal128(2, 1)");
        assert_eq!(show("0.05"), "0.05 Decimal128(2, 2)");
        assert_eq!(show("100.50"), "100.50 Decimal128(5, 2)");
        assert_eq!(show(".5"), "0.5 Decimal128(1, 1)");
        assert_eq!(show("1.5e3"), "1500.0 Float64");
        assert!(show("1e999").contains("INVALID_NUMERIC_LITERAL_RANGE"));
        assert!(show("1234567890123456789012345678901234567890.5").contains("DECIMAL_PRECISION"));
    }

    #[test]
    fn typed_literals() {
        assert_eq!(typed_literal("DATE", "2020-01-02", "UTC").unwrap(), ScalarValue::Date32(Some(18263)));
        let ts = typed_literal("TIMESTAMP", "2020-01-01 00:00:00", "America/Los_Angeles").unwrap();
        assert_eq!(ts, ScalarValue::TimestampMicros(Some(1_577_865_600_000_000), Some("America/Los_Angeles".into())));
        let ntz = typed_literal("TIMESTAMP_NTZ", "2020-01-01 00:00:00", "America/Los_Angeles").unwrap();
        assert_eq!(ntz, ScalarValue::TimestampMicros(Some(1_577_836_800_000_000), None));
        let e = typed_literal("DATE", "2020-13-45", "UTC").unwrap_err();
        assert_eq!(e.to_string().lines().next().unwrap(), "[INVALID_TYPED_LITERAL] The value of the typed literal \"DATE\" is invalid: '2020-13-45'.");
        assert_eq!(parse_hex("A0b").unwrap(), ScalarValue::Binary(Some(vec![0x0a, 0x0b])));
        assert!(parse_hex("zz").is_err());
    }
}
