//! `INTERVAL` literals with Spark 4's ANSI interval semantics: `INTERVAL '3' MONTH`,
//! `INTERVAL 90 DAY`, `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '1 02:03:04' DAY TO SECOND`
//! and the unit-string form `INTERVAL '2 days 3 hours'`.
//!
//! Types (see `ember_plan::interval`): year-month intervals are Arrow `Interval(YearMonth)`
//! (months), intervals of whole days (`DAY` alone) are `Interval(DayTime)` with zero
//! milliseconds (Spark's `interval day`), every other day-time interval is
//! `Duration(Microsecond)` (Spark's `interval day to second`).

use ember_common::{Error, Result};
use ember_plan::interval::{day_interval, day_time_interval, year_month_interval};
use ember_plan::ScalarValue;
use sqlparser::ast::{self, DateTimeField, Value};

use crate::errors::other;

const MICROS_PER_SECOND: i128 = 1_000_000;
const MICROS_PER_MINUTE: i128 = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR: i128 = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY: i128 = 24 * MICROS_PER_HOUR;

/// A unit of an interval literal, coarsest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
}

impl Unit {
    fn from_word(w: &str) -> Option<Unit> {
        let w = w.to_ascii_lowercase();
        let w = w.strip_suffix('s').unwrap_or(&w);
        Some(match w {
            "year" => Unit::Year,
            "month" => Unit::Month,
            "week" => Unit::Week,
            "day" => Unit::Day,
            "hour" => Unit::Hour,
            "minute" => Unit::Minute,
            "second" => Unit::Second,
            "millisecond" => Unit::Millisecond,
            "microsecond" => Unit::Microsecond,
            _ => return None,
        })
    }

    fn from_field(f: &DateTimeField) -> Option<Unit> {
        use DateTimeField as F;
        Some(match f {
            F::Year | F::Years => Unit::Year,
            F::Month | F::Months => Unit::Month,
            F::Week(_) | F::Weeks => Unit::Week,
            F::Day | F::Days => Unit::Day,
            F::Hour | F::Hours => Unit::Hour,
            F::Minute | F::Minutes => Unit::Minute,
            F::Second | F::Seconds => Unit::Second,
            F::Millisecond | F::Milliseconds => Unit::Millisecond,
            F::Microsecond | F::Microseconds => Unit::Microsecond,
            _ => return None,
        })
    }

    fn is_year_month(self) -> bool {
        matches!(self, Unit::Year | Unit::Month)
    }

    /// Microseconds in one unit (day-time units only).
    fn micros(self) -> i128 {
        match self {
            Unit::Week => 7 * MICROS_PER_DAY,
            Unit::Day => MICROS_PER_DAY,
            Unit::Hour => MICROS_PER_HOUR,
            Unit::Minute => MICROS_PER_MINUTE,
            Unit::Second => MICROS_PER_SECOND,
            Unit::Millisecond => 1_000,
            _ => 1,
        }
    }
}

fn invalid(input: &str, why: &str) -> Error {
    other(
        "INVALID_INTERVAL_FORMAT",
        "22006",
        format!("Error parsing '{input}' to interval. {why}"),
    )
}

fn overflow(input: &str) -> Error {
    other(
        "INVALID_INTERVAL_FORMAT",
        "22006",
        format!("Error parsing '{input}' to interval. Interval value overflows."),
    )
}

/// An accumulated interval: months, plus microseconds, plus whether only whole-day
/// units were used (then it is Spark's `interval day`).
struct Parts {
    months: i128,
    micros: i128,
    days_only: bool,
}

impl Parts {
    fn into_scalar(self, input: &str) -> Result<ScalarValue> {
        if self.months != 0 && self.micros != 0 {
            return Err(invalid(input, "Cannot mix year-month and day-time fields."));
        }
        if self.months != 0 {
            let m = i32::try_from(self.months).map_err(|_| overflow(input))?;
            return Ok(year_month_interval(m));
        }
        if self.days_only {
            let d = i32::try_from(self.micros / MICROS_PER_DAY).map_err(|_| overflow(input))?;
            return Ok(day_interval(d));
        }
        let us = i64::try_from(self.micros).map_err(|_| overflow(input))?;
        Ok(day_time_interval(us))
    }
}

/// Binds an `INTERVAL ...` AST node to a literal.
pub(crate) fn bind_interval(iv: &ast::Interval) -> Result<ScalarValue> {
    let (text, negated) = interval_text(&iv.value)?;
    let leading = match &iv.leading_field {
        None => None,
        Some(f) => Some(
            Unit::from_field(f).ok_or_else(|| invalid(&text, &format!("Invalid unit '{f}'.")))?,
        ),
    };
    let last = match &iv.last_field {
        None => None,
        Some(f) => Some(
            Unit::from_field(f).ok_or_else(|| invalid(&text, &format!("Invalid unit '{f}'.")))?,
        ),
    };
    let mut parts = match (leading, last) {
        (None, _) => parse_unit_string(&text)?,
        (Some(u), None) => single_unit(&text, u)?,
        (Some(from), Some(to)) => unit_range(&text, from, to)?,
    };
    if negated {
        parts.months = -parts.months;
        parts.micros = -parts.micros;
    }
    parts.into_scalar(&text)
}

/// The literal's text, and whether a `-` stands before it.
fn interval_text(e: &ast::Expr) -> Result<(String, bool)> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            Value::Number(n, _) => Ok((n.clone(), false)),
            other => match other.clone().into_string() {
                Some(s) => Ok((s, false)),
                None => Err(invalid(
                    &other.to_string(),
                    "Expected a string or a number.",
                )),
            },
        },
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => {
            let (t, neg) = interval_text(expr)?;
            Ok((t, !neg))
        }
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Plus,
            expr,
        } => interval_text(expr),
        ast::Expr::Nested(inner) => interval_text(inner),
        other => Err(invalid(
            &other.to_string(),
            "Expected a string or a number.",
        )),
    }
}

/// A signed decimal number `[+-]digits[.digits]`, in units of 10^-6.
fn parse_micros_number(s: &str) -> Option<i128> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int_part, frac) = body.split_once('.').unwrap_or((body, ""));
    if int_part.is_empty() && frac.is_empty() {
        return None;
    }
    // at most 18 integer digits, so unit multiplications stay far inside i128
    if int_part.len() > 18 {
        return None;
    }
    if !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 9
    {
        return None;
    }
    let whole: i128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    let frac6 = format!("{frac:0<6}");
    let frac_v: i128 = frac6[..6].parse().ok()?;
    let v = whole.checked_mul(1_000_000)?.checked_add(frac_v)?;
    Some(if neg { -v } else { v })
}

/// `value unit` for one unit (`'3' MONTH`, `'1.5' SECOND`).
fn add_unit(parts: &mut Parts, input: &str, value: &str, unit: Unit) -> Result<()> {
    let v = parse_micros_number(value).ok_or_else(|| {
        invalid(
            input,
            &format!(
                "Invalid value '{}' for unit '{}'.",
                value.trim(),
                format!("{unit:?}").to_lowercase()
            ),
        )
    })?;
    let fractional = v % 1_000_000 != 0;
    if fractional && !matches!(unit, Unit::Second) {
        return Err(invalid(
            input,
            &format!(
                "'{}' is not an integer number of {}s.",
                value.trim(),
                format!("{unit:?}").to_lowercase()
            ),
        ));
    }
    let whole = v / 1_000_000;
    match unit {
        Unit::Year => parts.months += whole.checked_mul(12).ok_or_else(|| overflow(input))?,
        Unit::Month => parts.months += whole,
        Unit::Second => {
            parts.micros += v;
            parts.days_only = false;
        }
        u => {
            parts.micros += whole
                .checked_mul(u.micros())
                .ok_or_else(|| overflow(input))?;
            if !matches!(u, Unit::Day | Unit::Week) {
                parts.days_only = false;
            }
        }
    }
    if parts.months.abs() > i32::MAX as i128 || parts.micros.abs() > i64::MAX as i128 {
        return Err(overflow(input));
    }
    Ok(())
}

fn single_unit(text: &str, unit: Unit) -> Result<Parts> {
    let mut parts = Parts {
        months: 0,
        micros: 0,
        days_only: matches!(unit, Unit::Day | Unit::Week) || unit.is_year_month(),
    };
    add_unit(&mut parts, text, text, unit)?;
    if unit.is_year_month() {
        parts.days_only = false;
    }
    Ok(parts)
}

/// `'2 days 3 hours'`: pairs of a number and a unit word.
fn parse_unit_string(text: &str) -> Result<Parts> {
    let body = text.trim();
    let body = if body.len() >= 8 && body[..8].eq_ignore_ascii_case("interval") {
        body[8..].trim()
    } else {
        body
    };
    let words: Vec<&str> = body.split_whitespace().collect();
    if words.is_empty() {
        return Err(invalid(text, "The interval string is empty."));
    }
    if !words.len().is_multiple_of(2) {
        return Err(invalid(text, "Expected a number followed by a unit."));
    }
    let mut parts = Parts {
        months: 0,
        micros: 0,
        days_only: true,
    };
    for pair in words.chunks(2) {
        let unit = Unit::from_word(pair[1])
            .ok_or_else(|| invalid(text, &format!("Invalid unit '{}'.", pair[1])))?;
        add_unit(&mut parts, text, pair[0], unit)?;
    }
    if parts.months != 0 {
        parts.days_only = false;
    }
    Ok(parts)
}

/// `'1-2' YEAR TO MONTH`, `'1 02:03:04.5' DAY TO SECOND`, `'10:20' HOUR TO MINUTE`, ...
fn unit_range(text: &str, from: Unit, to: Unit) -> Result<Parts> {
    let s = text.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let shape = format!("{from:?} TO {to:?}").to_uppercase();
    let bad = || {
        invalid(
            text,
            &format!(
                "Interval string does not match {} format.",
                shape.to_lowercase()
            ),
        )
    };
    let mut parts = Parts {
        months: 0,
        micros: 0,
        days_only: false,
    };
    match (from, to) {
        (Unit::Year, Unit::Month) => {
            let (y, m) = body.split_once('-').ok_or_else(bad)?;
            let y: i128 = y.parse::<i64>().map_err(|_| bad())?.into();
            let m: i128 = m.parse::<i64>().map_err(|_| bad())?.into();
            if !(0..12).contains(&m) {
                return Err(invalid(text, &format!("month {m} outside range [0, 11]")));
            }
            parts.months = y * 12 + m;
        }
        (f, t)
            if !f.is_year_month()
                && !t.is_year_month()
                && f < t
                && f >= Unit::Day
                && t <= Unit::Second =>
        {
            // DAY part separated by a space, the rest by ':'
            let (day_part, time_part) = if f == Unit::Day {
                let (d, rest) = body.split_once(' ').ok_or_else(bad)?;
                (Some(d), rest.trim())
            } else {
                (None, body)
            };
            let mut units: Vec<Unit> = [Unit::Hour, Unit::Minute, Unit::Second]
                .into_iter()
                .filter(|u| *u >= f.max(Unit::Hour) && *u <= t)
                .collect();
            if f == Unit::Day && t == Unit::Day {
                units.clear();
            }
            let fields: Vec<&str> = if units.is_empty() {
                Vec::new()
            } else {
                time_part.split(':').collect()
            };
            if fields.len() != units.len() {
                return Err(bad());
            }
            let mut total: i128 = 0;
            if let Some(d) = day_part {
                let d: i128 = d.parse::<i64>().map_err(|_| bad())?.into();
                total += d * MICROS_PER_DAY;
            }
            for (i, (u, v)) in units.iter().zip(&fields).enumerate() {
                let micros = parse_micros_number(v).ok_or_else(bad)?;
                if *u != Unit::Second && micros % 1_000_000 != 0 {
                    return Err(bad());
                }
                let limit = match u {
                    Unit::Hour => 24,
                    _ => 60,
                };
                if i > 0 && micros >= limit * 1_000_000 {
                    return Err(invalid(
                        text,
                        &format!(
                            "{} {} outside range [0, {}]",
                            format!("{u:?}").to_lowercase(),
                            micros / 1_000_000,
                            limit - 1
                        ),
                    ));
                }
                total += micros / 1_000_000 * u.micros()
                    + if *u == Unit::Second {
                        micros % 1_000_000
                    } else {
                        0
                    };
            }
            parts.micros = total;
        }
        _ => {
            return Err(invalid(
                text,
                &format!("Unsupported interval range {shape}."),
            ))
        }
    }
    if neg {
        parts.months = -parts.months;
        parts.micros = -parts.micros;
    }
    if parts.months.abs() > i32::MAX as i128 || parts.micros.abs() > i64::MAX as i128 {
        return Err(overflow(text));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_micros() {
        assert_eq!(parse_micros_number("1.5"), Some(1_500_000));
        assert_eq!(parse_micros_number("-2"), Some(-2_000_000));
        assert_eq!(parse_micros_number("x"), None);
    }

    #[test]
    fn unit_strings() {
        let p = parse_unit_string("2 days 3 hours").unwrap();
        assert_eq!(p.micros, 2 * MICROS_PER_DAY + 3 * MICROS_PER_HOUR);
        assert!(!p.days_only);
        assert!(parse_unit_string("1 fortnight").is_err());
        assert!(parse_unit_string("1 month 1 day")
            .unwrap()
            .into_scalar("x")
            .is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(
            unit_range("1-2", Unit::Year, Unit::Month).unwrap().months,
            14
        );
        assert_eq!(
            unit_range("-1-2", Unit::Year, Unit::Month).unwrap().months,
            -14
        );
        let p = unit_range("1 02:03:04.5", Unit::Day, Unit::Second).unwrap();
        assert_eq!(
            p.micros,
            MICROS_PER_DAY + 2 * MICROS_PER_HOUR + 3 * MICROS_PER_MINUTE + 4_500_000
        );
        assert!(unit_range("1-12", Unit::Year, Unit::Month).is_err());
    }
}
