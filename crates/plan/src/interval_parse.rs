//! Interval values written for a known ANSI interval type, as Spark reads them in
//! unit-range literals (`INTERVAL '1 02:03' DAY TO MINUTE`) and in casts from strings
//! (`CAST('1 02' AS INTERVAL DAY TO HOUR)`, `CAST('INTERVAL ''3'' MONTH' AS INTERVAL
//! MONTH)`): `[+|-]y-m`, `[+|-]d h:m:s.fffffffff` and the shapes between, fields after
//! the first in their ranges (hour 0-23, minute and second 0-59), fractions of a second
//! cut to microseconds.

use ember_common::interval_type::{IntervalField, IntervalType};
use ember_common::{Error, ErrorKind};

/// Why a string is not a value of an interval type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntervalParseError {
    /// The string does not have the type's shape.
    Unmatched,
    /// A field after the first is out of its range (`hour 25 outside range [0, 23]`).
    FieldOutOfRange { field: IntervalField, value: i64, max: i64 },
    /// The value does not fit the type.
    Overflow,
}

impl IntervalParseError {
    /// The detail Spark gives for a field out of range or an overflow.
    pub fn detail(&self) -> String {
        match self {
            IntervalParseError::Unmatched => "does not match the interval format".into(),
            IntervalParseError::FieldOutOfRange { field, value, max } => {
                format!("{} {value} outside range [0, {max}]", field.name())
            }
            IntervalParseError::Overflow => "integer overflow".into(),
        }
    }
}

/// The value (months or microseconds) `body` writes for type `t`: `1-2` for `year to
/// month`, `1 02:03` for `day to minute`, `36` for `hour`.
pub fn parse_interval_body(body: &str, t: IntervalType) -> Result<i64, IntervalParseError> {
    let s = body.trim();
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude: i128 = if t.is_year_month() { year_month(rest, t)? } else { day_time(rest, t)? };
    let value = if negative { -magnitude } else { magnitude };
    let (min, max) = if t.is_year_month() { (i32::MIN as i128, i32::MAX as i128) } else { (i64::MIN as i128, i64::MAX as i128) };
    if value < min || value > max {
        return Err(IntervalParseError::Overflow);
    }
    Ok(value as i64)
}

/// Digits only, as a number (`None` for anything else or an absurd length).
fn digits(s: &str) -> Option<i128> {
    if s.is_empty() || s.len() > 30 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn year_month(s: &str, t: IntervalType) -> Result<i128, IntervalParseError> {
    let bad = || IntervalParseError::Unmatched;
    match (t.start(), t.end()) {
        (IntervalField::Year, IntervalField::Year) => Ok(digits(s).ok_or_else(bad)? * 12),
        (IntervalField::Month, IntervalField::Month) => digits(s).ok_or_else(bad),
        _ => {
            let (y, m) = s.split_once('-').ok_or_else(bad)?;
            let (y, m) = (digits(y).ok_or_else(bad)?, digits(m).ok_or_else(bad)?);
            if m > 11 {
                return Err(IntervalParseError::FieldOutOfRange { field: IntervalField::Month, value: m as i64, max: 11 });
            }
            Ok(y * 12 + m)
        }
    }
}

fn day_time(s: &str, t: IntervalType) -> Result<i128, IntervalParseError> {
    let bad = || IntervalParseError::Unmatched;
    let fields: Vec<IntervalField> =
        [IntervalField::Day, IntervalField::Hour, IntervalField::Minute, IntervalField::Second]
            .into_iter()
            .filter(|f| t.start() <= *f && *f <= t.end())
            .collect();
    // the day is separated by a space, the time fields by colons
    let mut parts: Vec<&str> = Vec::with_capacity(fields.len());
    let time = if t.start() == IntervalField::Day && t.end() != IntervalField::Day {
        let (d, rest) = s.split_once(' ').ok_or_else(bad)?;
        parts.push(d);
        rest
    } else {
        s
    };
    parts.extend(time.split(':'));
    if parts.len() != fields.len() {
        return Err(bad());
    }
    let mut total: i128 = 0;
    for (i, (field, text)) in fields.iter().zip(&parts).enumerate() {
        let (whole, micros) = if *field == IntervalField::Second {
            let (w, frac) = text.split_once('.').unwrap_or((text, ""));
            if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) || (text.contains('.') && frac.is_empty()) {
                return Err(bad());
            }
            let frac6: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
            (digits(w).ok_or_else(bad)?, frac6.parse::<i128>().map_err(|_| bad())?)
        } else {
            (digits(text).ok_or_else(bad)?, 0)
        };
        if i > 0 {
            if text.split('.').next().is_some_and(|w| w.len() > 2) {
                return Err(bad());
            }
            let max = if *field == IntervalField::Hour { 23 } else { 59 };
            if whole > max {
                return Err(IntervalParseError::FieldOutOfRange { field: *field, value: whole as i64, max: max as i64 });
            }
        }
        total = whole
            .checked_mul(field.micros() as i128)
            .and_then(|v| v.checked_add(micros))
            .and_then(|v| total.checked_add(v))
            .ok_or(IntervalParseError::Overflow)?;
    }
    Ok(total)
}

/// A string cast to interval type `t` (Spark's `castStringToYMInterval` and
/// `castStringToDTInterval`): the value alone (`1 02`) or as a literal of the same type
/// (`INTERVAL '1 02' DAY TO HOUR`, case-insensitive).
pub fn cast_string_to_interval(input: &str, t: IntervalType) -> Result<i64, Error> {
    let s = input.trim();
    let upper = s.to_ascii_uppercase();
    let body = match upper.strip_prefix("INTERVAL") {
        Some(rest) => literal_body(s, rest, t).ok_or_else(|| unmatched_cast(input, t))?,
        None => s.to_string(),
    };
    parse_interval_body(&body, t).map_err(|e| match e {
        IntervalParseError::Unmatched => unmatched_cast(input, t),
        other => Error::new(ErrorKind::Other {
            class: "INVALID_INTERVAL_FORMAT.INTERVAL_PARSING".into(),
            sqlstate: Some("22006".into()),
            message: format!(
                "Error parsing '{input}' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Error parsing interval {} string: {}.",
                if t.is_year_month() { "year-month" } else { "day-time" },
                other.detail()
            ),
        }),
    })
}

/// The quoted body of `INTERVAL [+|-]'body' FIELDS` when FIELDS name `t` exactly; `rest`
/// is the upper-cased text after `INTERVAL`, `original` the whole trimmed input.
fn literal_body(original: &str, rest: &str, t: IntervalType) -> Option<String> {
    let open = rest.find('\'')?;
    let close = rest.rfind('\'')?;
    if close <= open {
        return None;
    }
    let sign = rest[..open].trim();
    if !matches!(sign, "" | "-" | "+") {
        return None;
    }
    let named = format!("interval {}", rest[close + 1..].trim().to_ascii_lowercase());
    let named = named.split_whitespace().collect::<Vec<_>>().join(" ");
    if IntervalType::parse_name(&named) != Some(t) {
        return None;
    }
    // the body keeps its original case (only digits and separators are valid anyway)
    let offset = original.len() - rest.len();
    let body = &original[offset + open + 1..offset + close];
    Some(match (sign, body.trim().strip_prefix('-')) {
        ("-", Some(positive)) => positive.to_string(),
        ("-", None) => format!("-{}", body.trim().trim_start_matches('+')),
        _ => body.to_string(),
    })
}

fn unmatched_cast(input: &str, t: IntervalType) -> Error {
    let class = if t.is_year_month() { "year-month" } else { "day-time" };
    Error::new(ErrorKind::Other {
        class: "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE".into(),
        sqlstate: Some("22006".into()),
        message: format!(
            "Error parsing '{input}' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Interval string does not match {class} format of {} when cast to {t}: {input}.",
            shape_of(t)
        ),
    })
}

/// Spark's description of the accepted shapes, e.g. `` `[+|-]d h`, `INTERVAL [+|-]'[+|-]d h' DAY TO HOUR` ``.
fn shape_of(t: IntervalType) -> String {
    let body = match (t.start(), t.end()) {
        (IntervalField::Year, IntervalField::Year) => "y",
        (IntervalField::Year, _) => "y-m",
        (IntervalField::Month, _) => "m",
        (IntervalField::Day, IntervalField::Day) => "d",
        (IntervalField::Day, IntervalField::Hour) => "d h",
        (IntervalField::Day, IntervalField::Minute) => "d h:m",
        (IntervalField::Day, _) => "d h:m:s.n",
        (IntervalField::Hour, IntervalField::Hour) => "h",
        (IntervalField::Hour, IntervalField::Minute) => "h:m",
        (IntervalField::Hour, _) => "h:m:s.n",
        (IntervalField::Minute, IntervalField::Minute) => "m",
        (IntervalField::Minute, _) => "m:s.n",
        (IntervalField::Second, _) => "s.n",
    };
    let fields = t.catalog_string().trim_start_matches("interval ").to_ascii_uppercase();
    format!("`[+|-]{body}`, `INTERVAL [+|-]'[+|-]{body}' {fields}`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntervalField::*;

    fn t(s: IntervalField, e: IntervalField) -> IntervalType {
        IntervalType::new(s, e).unwrap()
    }

    #[test]
    fn bodies_of_each_shape() {
        assert_eq!(parse_interval_body("1-2", t(Year, Month)), Ok(14));
        assert_eq!(parse_interval_body("-1-2", t(Year, Month)), Ok(-14));
        assert_eq!(parse_interval_body("3", t(Month, Month)), Ok(3));
        assert_eq!(parse_interval_body("1 02", t(Day, Hour)), Ok(26 * 3_600_000_000));
        assert_eq!(parse_interval_body("1 02:03:04.1234567", t(Day, Second)), Ok(93_784_123_456));
        assert_eq!(parse_interval_body("10:20", t(Hour, Minute)), Ok(37_200_000_000));
        assert_eq!(parse_interval_body("100:30", t(Hour, Minute)), Ok(361_800_000_000));
        assert_eq!(parse_interval_body("1.5", t(Second, Second)), Ok(1_500_000));
        assert_eq!(parse_interval_body("-106751991 04:00:54.775808", t(Day, Second)), Ok(i64::MIN));
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse_interval_body("1-13", t(Year, Month)),
            Err(IntervalParseError::FieldOutOfRange { field: Month, value: 13, max: 11 })
        );
        assert_eq!(parse_interval_body("178956970-8", t(Year, Month)), Err(IntervalParseError::Overflow));
        assert_eq!(parse_interval_body("1:2", t(Day, Hour)), Err(IntervalParseError::Unmatched));
        assert_eq!(parse_interval_body("-1 -2", t(Day, Hour)), Err(IntervalParseError::Unmatched));
        assert_eq!(
            parse_interval_body("1 25", t(Day, Hour)),
            Err(IntervalParseError::FieldOutOfRange { field: Hour, value: 25, max: 23 })
        );
        assert_eq!(parse_interval_body("1.5", t(Hour, Hour)), Err(IntervalParseError::Unmatched));
        assert_eq!(parse_interval_body("abc", t(Day, Day)), Err(IntervalParseError::Unmatched));
    }

    #[test]
    fn casts_accept_literals_of_the_same_type() {
        assert_eq!(cast_string_to_interval("INTERVAL '1-2' YEAR TO MONTH", t(Year, Month)).unwrap(), 14);
        assert_eq!(cast_string_to_interval(" interval -'3' month ", t(Month, Month)).unwrap(), -3);
        assert_eq!(cast_string_to_interval("INTERVAL '-3' MONTH", t(Month, Month)).unwrap(), -3);
        let e = cast_string_to_interval("INTERVAL '3' MONTH", t(Year, Month)).unwrap_err();
        assert_eq!(e.class(), "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE");
        let e = cast_string_to_interval("abc", t(Day, Day)).unwrap_err();
        assert!(e.to_string().contains("`[+|-]d`, `INTERVAL [+|-]'[+|-]d' DAY` when cast to interval day: abc"), "{e}");
    }
}
