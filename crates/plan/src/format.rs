//! Value formatting shared by expression names, `show()` and golden output:
//! Java's `Double.toString`, decimals with exactly `scale` digits, dates and timestamps.

use chrono::{DateTime, NaiveDate, TimeDelta};

/// Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`.
pub fn format_f64(v: f64) -> String {
    java_float_string(v, format!("{v:e}"))
}

/// Java's `Float.toString`.
pub fn format_f32(v: f32) -> String {
    java_float_string(v as f64, format!("{v:e}"))
}

fn java_float_string(v: f64, sci: String) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // `sci` is the shortest round-trip form: "-1.2345e-5".
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
        None => (sci.clone(), 0),
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    let abs = v.abs();
    if (1e-3..1e7).contains(&abs) {
        // plain notation
        let point = exp + 1; // digits before the decimal point
        let (int_part, frac_part) = if point <= 0 {
            ("0".to_string(), format!("{}{}", "0".repeat((-point) as usize), digits))
        } else if point as usize >= digits.len() {
            (format!("{}{}", digits, "0".repeat(point as usize - digits.len())), String::new())
        } else {
            (digits[..point as usize].to_string(), digits[point as usize..].to_string())
        };
        let frac = if frac_part.is_empty() { "0".to_string() } else { frac_part };
        format!("{sign}{int_part}.{frac}")
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}

/// A decimal's unscaled value rendered with exactly `scale` fractional digits.
pub fn format_decimal(value: i128, scale: i8) -> String {
    if scale <= 0 {
        let mut s = value.to_string();
        if scale < 0 && value != 0 {
            s.push_str(&"0".repeat((-scale) as usize));
        }
        return s;
    }
    let scale = scale as usize;
    let negative = value < 0;
    let digits = value.unsigned_abs().to_string();
    let padded = if digits.len() <= scale { format!("{}{}", "0".repeat(scale + 1 - digits.len()), digits) } else { digits };
    let (i, f) = padded.split_at(padded.len() - scale);
    format!("{}{}.{}", if negative { "-" } else { "" }, i, f)
}

/// Days since the epoch as `yyyy-MM-dd`.
pub fn format_date(days: i32) -> String {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    match epoch.checked_add_signed(TimeDelta::days(days as i64)) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        // beyond chrono's ±262143 years, as Java's `LocalDate` writes them (`+294301-01-10`)
        None => {
            let (year, month, day) = civil_from_days(days as i64);
            let sign = if year < 0 { "-" } else { "+" };
            format!("{sign}{:04}-{month:02}-{day:02}", year.unsigned_abs())
        }
    }
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`), for any `i32` day count.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Microseconds since the epoch as `yyyy-MM-dd HH:mm:ss[.ffffff]` (trailing zeros dropped),
/// shifted by `offset_seconds` when given (the session time zone's offset).
pub fn format_timestamp_micros(micros: i64, offset_seconds: Option<i32>) -> String {
    let shifted = micros + offset_seconds.unwrap_or(0) as i64 * 1_000_000;
    let secs = shifted.div_euclid(1_000_000);
    let frac = shifted.rem_euclid(1_000_000);
    match DateTime::from_timestamp(secs, 0) {
        Some(dt) => {
            let base = dt.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string();
            if frac == 0 {
                base
            } else {
                let f = format!("{frac:06}");
                format!("{base}.{}", f.trim_end_matches('0'))
            }
        }
        None => format!("<invalid timestamp {micros}>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_doubles() {
        assert_eq!(format_f64(1.0), "1.0");
        assert_eq!(format_f64(0.1), "0.1");
        assert_eq!(format_f64(123.456), "123.456");
        assert_eq!(format_f64(1e7), "1.0E7");
        assert_eq!(format_f64(1.5e10), "1.5E10");
        assert_eq!(format_f64(0.001), "0.001");
        assert_eq!(format_f64(0.0001), "1.0E-4");
        assert_eq!(format_f64(-2.5), "-2.5");
        assert_eq!(format_f64(9999999.0), "9999999.0");
        assert_eq!(format_f64(f64::NAN), "NaN");
        assert_eq!(format_f64(100.0), "100.0");
        assert_eq!(format_f32(0.1f32), "0.1");
    }

    #[test]
    fn decimals_and_dates() {
        assert_eq!(format_decimal(12345, 2), "123.45");
        assert_eq!(format_decimal(-5, 3), "-0.005");
        assert_eq!(format_decimal(7, 0), "7");
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(19723), "2024-01-01");
        // beyond chrono's range, as Spark prints them
        assert_eq!(format_date(106_771_714), "+294301-01-10");
        assert_eq!(format_date(-107_471_153), "-292277-12-24");
        assert_eq!(format_date(2_000_010_957), "+5477814-01-06");
        assert_eq!(format_date(-2_000_719_162), "-5475814-12-27");
        assert_eq!(format_timestamp_micros(1_500_000, None), "1970-01-01 00:00:01.5");
        assert_eq!(format_timestamp_micros(-1, None), "1969-12-31 23:59:59.999999");
    }
}
