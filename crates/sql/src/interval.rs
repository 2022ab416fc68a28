//! `INTERVAL` literals with Spark 4's ANSI interval types and its parser's error classes:
//!
//! - one unit, `INTERVAL '3' MONTH`, `INTERVAL 90 DAY`: the type of that unit (weeks are
//!   days, milliseconds and microseconds seconds);
//! - a unit range, `INTERVAL '1 02:03' DAY TO MINUTE`: that type (see
//!   `ember_plan::interval_parse` for the shapes);
//! - a unit list, `INTERVAL '2 days 3 hours'`: from its coarsest to its finest unit
//!   (`interval day to hour`); year-month and day-time units cannot mix.
//!
//! Storage of the values: see `ember_common::interval_type`.

use ember_common::interval_type::{IntervalType, MICROS_PER_DAY};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::interval::interval_overflow;
use ember_plan::calendar_interval::{read_unit_list, Calendar, ListError, Unit};
use ember_plan::interval_parse::{parse_interval_body, IntervalParseError};
use ember_plan::ScalarValue;
use sqlparser::ast::{self, DateTimeField, Value};


/// The literal of the fields a unit list named; `None` when they mix classes.
fn calendar_literal(cal: &Calendar) -> Result<Option<ScalarValue>> {
    let (Some(&start), Some(&end)) = (cal.fields.iter().min(), cal.fields.iter().max()) else {
        return Ok(None);
    };
    let Some(t) = IntervalType::new(start, end) else { return Ok(None) };
    let value = if t.is_year_month() {
        cal.months as i64
    } else {
        (cal.days as i64).checked_mul(MICROS_PER_DAY).and_then(|d| d.checked_add(cal.micros)).ok_or_else(arithmetic_overflow)?
    };
    Ok(Some(ScalarValue::Interval(Some(value), t)))
}

/// `INTERVAL_ARITHMETIC_OVERFLOW.WITHOUT_SUGGESTION`: a literal beyond its type's range.
fn arithmetic_overflow() -> Error {
    interval_overflow(None)
}

fn error(class: &str, sqlstate: Option<&str>, message: String) -> Error {
    Error::new(ErrorKind::Other { class: class.into(), sqlstate: sqlstate.map(Into::into), message })
}

fn unit_of_field(f: &DateTimeField) -> Option<Unit> {
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

/// `INVALID_INTERVAL_FORMAT.<sub>` for the text Spark parsed (`' 1.5 DAY'`).
fn invalid_format(sub: &str, input: &str, detail: String) -> Error {
    error(
        &format!("INVALID_INTERVAL_FORMAT.{sub}"),
        Some("22006"),
        format!(
            "Error parsing '{input}' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. {detail}"
        ),
    )
}

/// Binds an `INTERVAL ...` AST node to a literal.
pub(crate) fn bind_interval(iv: &ast::Interval) -> Result<ScalarValue> {
    let (text, negated) = interval_text(&iv.value)?;
    let field = |f: &Option<DateTimeField>| -> Result<Option<Unit>> {
        match f {
            None => Ok(None),
            Some(f) => unit_of_field(f).map(Some).ok_or_else(|| typed_literal_error(&format!("{text} {f}"))),
        }
    };
    match (field(&iv.leading_field)?, field(&iv.last_field)?) {
        (None, _) => unit_list_literal(&text, negated),
        (Some(unit), None) => single_unit_literal(&text, negated, unit),
        (Some(from), Some(to)) => unit_range_literal(&text, negated, from, to),
    }
}

/// `INVALID_TYPED_LITERAL`: an `INTERVAL 'string'` Spark cannot read.
fn typed_literal_error(text: &str) -> Error {
    error(
        "INVALID_TYPED_LITERAL",
        Some("42604"),
        format!("The value of the typed literal \"INTERVAL\" is invalid: '{text}'."),
    )
}

/// `INTERVAL '2 days 3 hours'`.
fn unit_list_literal(text: &str, negated: bool) -> Result<ScalarValue> {
    let cal = read_unit_list(text).map_err(|_| typed_literal_error(text))?;
    let value = calendar_literal(&cal)?.ok_or_else(|| {
        error("_LEGACY_ERROR_TEMP_0029", None, format!("Cannot mix year-month and day-time fields: INTERVAL '{text}'."))
    })?;
    negate(value, negated)
}

/// `INTERVAL '3' MONTH`, `INTERVAL -90 DAY`: Spark reads ` <value> <UNIT>` as a unit list.
fn single_unit_literal(text: &str, negated: bool, unit: Unit) -> Result<ScalarValue> {
    if text.chars().any(|c| c.is_alphabetic()) {
        return Err(error(
            "_LEGACY_ERROR_TEMP_0026",
            None,
            format!("Can only use numbers in the interval value part for multiple unit value pairs interval form, but got invalid value: {text}."),
        ));
    }
    let value = if negated { negate_text(text) } else { text.to_string() };
    let input = format!(" {} {}", value.trim(), unit.name().to_ascii_uppercase());
    let cal = read_unit_list(&input).map_err(|e| match e {
        ListError::Unit(u) => invalid_format("INVALID_UNIT", &input, format!("Invalid unit {u}.")),
        ListError::Number(n) => invalid_format("UNRECOGNIZED_NUMBER", &input, format!("Unrecognized number {}.", if n.is_empty() { unit.name() } else { &n })),
        ListError::Value(w) => invalid_format("INVALID_VALUE", &input, format!("Invalid value {w}.")),
        ListError::Fraction(u) => invalid_format("INVALID_FRACTION", &input, format!("{} cannot have fractional part.", u.name())),
        ListError::Arithmetic => invalid_format("ARITHMETIC_EXCEPTION", &input, format!("Uncaught arithmetic exception while parsing '{input}'.")),
    })?;
    calendar_literal(&cal)?.ok_or_else(|| Error::internal("a single interval unit mixes fields"))
}

/// `INTERVAL '1 02:03' DAY TO MINUTE`.
fn unit_range_literal(text: &str, negated: bool, from: Unit, to: Unit) -> Result<ScalarValue> {
    let t = match (from, to) {
        (Unit::Year, Unit::Month) | (Unit::Day | Unit::Hour | Unit::Minute, Unit::Hour | Unit::Minute | Unit::Second) if from < to => {
            IntervalType::new(from.field(), to.field())
        }
        _ => None,
    }
    .ok_or_else(|| {
        invalid_format(
            "UNSUPPORTED_FROM_TO_EXPRESSION",
            text,
            format!("Intervals FROM {} TO {} are not supported.", from.name(), to.name()),
        )
    })?;
    let value = parse_interval_body(text, t).map_err(|e| match (t.is_year_month(), e) {
        (true, IntervalParseError::Unmatched) => invalid_format(
            "UNMATCHED_FORMAT_STRING",
            text,
            format!("Interval string does not match year-month format of `[+|-]y-m`: {text}."),
        ),
        (true, other) => invalid_format("INTERVAL_PARSING", text, format!("Error parsing interval year-month string: {}.", other.detail())),
        (false, IntervalParseError::Unmatched) => invalid_format(
            "UNMATCHED_FORMAT_STRING_WITH_NOTICE",
            text,
            format!("Interval string does not match day-time format of `{}`: {text}.", t.catalog_string()),
        ),
        (false, other) => error("_LEGACY_ERROR_TEMP_0063", None, format!("Error parsing interval day-time string: {}.", other.detail())),
    })?;
    negate(ScalarValue::Interval(Some(value), t), negated)
}

/// The value text with a leading `-` added or removed.
fn negate_text(text: &str) -> String {
    let t = text.trim();
    match t.strip_prefix('-') {
        Some(positive) => positive.to_string(),
        None => format!("-{}", t.strip_prefix('+').unwrap_or(t)),
    }
}

/// `-literal` (the `-` before the string in `INTERVAL -'1-2' YEAR TO MONTH`).
fn negate(v: ScalarValue, negated: bool) -> Result<ScalarValue> {
    match (v, negated) {
        (ScalarValue::Interval(Some(x), t), true) => {
            let limit = if t.is_year_month() { i32::MIN as i64 } else { i64::MIN };
            if x == limit {
                return Err(arithmetic_overflow());
            }
            Ok(ScalarValue::Interval(Some(-x), t))
        }
        (v, _) => Ok(v),
    }
}

/// The literal's text, and whether a `-` stands before it.
fn interval_text(e: &ast::Expr) -> Result<(String, bool)> {
    let bad = |s: String| typed_literal_error(&s);
    match e {
        ast::Expr::Value(v) => match &v.value {
            Value::Number(n, _) => Ok((n.clone(), false)),
            other => other.clone().into_string().map(|s| (s, false)).ok_or_else(|| bad(other.to_string())),
        },
        ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => {
            let (t, neg) = interval_text(expr)?;
            Ok((t, !neg))
        }
        ast::Expr::UnaryOp { op: ast::UnaryOperator::Plus, expr } => interval_text(expr),
        ast::Expr::Nested(inner) => interval_text(inner),
        other => Err(bad(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> String {
        match read_unit_list(s) {
            Ok(c) => calendar_literal(&c).unwrap().map(|v| v.to_string()).unwrap_or_else(|| "mixed".into()),
            Err(ListError::Unit(u)) => format!("unit {u}"),
            Err(ListError::Number(n)) => format!("number {n}"),
            Err(ListError::Value(w)) => format!("value {w}"),
            Err(ListError::Fraction(u)) => format!("fraction {}", u.name()),
            Err(ListError::Arithmetic) => "arithmetic".into(),
        }
    }

    #[test]
    fn unit_lists_take_their_coarsest_and_finest_units() {
        assert_eq!(list("2 days 3 hours"), "INTERVAL '2 03' DAY TO HOUR");
        assert_eq!(list("interval 1 year 2 months"), "INTERVAL '1-2' YEAR TO MONTH");
        assert_eq!(list("2 weeks"), "INTERVAL '14' DAY");
        assert_eq!(list("2 seconds 500 milliseconds"), "INTERVAL '02.5' SECOND");
        assert_eq!(list("1 day -2 hours"), "INTERVAL '0 22' DAY TO HOUR");
        assert_eq!(list("1 month 1 day"), "mixed");
        assert_eq!(list("3 fortnights"), "unit fortnights");
        assert_eq!(list("1.5 days"), "fraction day");
        assert_eq!(list("1"), "number 1");
        assert_eq!(list("- 1 day"), "INTERVAL '-1' DAY");
        assert_eq!(list(".5 second"), "INTERVAL '00.5' SECOND");
        assert_eq!(list("- DAY"), "value day");
        assert_eq!(list("1- day"), "value 1-");
        assert_eq!(list("#1 day"), "number #1");
        assert_eq!(list("9223372036854775808 microseconds"), "arithmetic");
    }

    #[test]
    fn literal_errors_have_sparks_classes() {
        let class = |r: Result<ScalarValue>| r.map(|v| v.to_string()).unwrap_or_else(|e| e.class().to_string());
        assert_eq!(class(single_unit_literal("abc", false, Unit::Day)), "_LEGACY_ERROR_TEMP_0026");
        assert_eq!(class(single_unit_literal("1.5", false, Unit::Hour)), "INVALID_INTERVAL_FORMAT.INVALID_FRACTION");
        assert_eq!(class(single_unit_literal("3000000000", false, Unit::Day)), "INVALID_INTERVAL_FORMAT.ARITHMETIC_EXCEPTION");
        assert_eq!(class(single_unit_literal("106751992", false, Unit::Day)), "INTERVAL_ARITHMETIC_OVERFLOW.WITHOUT_SUGGESTION");
        assert_eq!(class(single_unit_literal("5", true, Unit::Year)), "INTERVAL '-5' YEAR");
        assert_eq!(class(unit_range_literal("1-13", false, Unit::Year, Unit::Month)), "INVALID_INTERVAL_FORMAT.INTERVAL_PARSING");
        assert_eq!(class(unit_range_literal("1 25", false, Unit::Day, Unit::Hour)), "_LEGACY_ERROR_TEMP_0063");
        assert_eq!(class(unit_range_literal("1", false, Unit::Hour, Unit::Day)), "INVALID_INTERVAL_FORMAT.UNSUPPORTED_FROM_TO_EXPRESSION");
        assert_eq!(class(unit_range_literal("1-2", true, Unit::Year, Unit::Month)), "INTERVAL '-1-2' YEAR TO MONTH");
        assert_eq!(class(unit_list_literal("1 month 1 day", false)), "_LEGACY_ERROR_TEMP_0029");
        assert_eq!(class(unit_list_literal("x days", false)), "INVALID_TYPED_LITERAL");
    }
}
