//! Spark's `CalendarInterval` strings (`2 days 3 hours`, `interval 10 seconds`): the
//! unit-list reader behind `INTERVAL '…'` literals, casts to `CalendarInterval` and the
//! durations of `window` and `session_window`.

use ember_common::interval_type::IntervalField;

/// A unit of an interval literal, coarsest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
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
    /// A unit word, singular or plural, case-insensitive.
    pub fn from_word(w: &str) -> Option<Unit> {
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

    pub fn name(self) -> &'static str {
        match self {
            Unit::Year => "year",
            Unit::Month => "month",
            Unit::Week => "week",
            Unit::Day => "day",
            Unit::Hour => "hour",
            Unit::Minute => "minute",
            Unit::Second => "second",
            Unit::Millisecond => "millisecond",
            Unit::Microsecond => "microsecond",
        }
    }

    /// The field of the interval type this unit contributes to.
    pub fn field(self) -> IntervalField {
        match self {
            Unit::Year => IntervalField::Year,
            Unit::Month => IntervalField::Month,
            Unit::Week | Unit::Day => IntervalField::Day,
            Unit::Hour => IntervalField::Hour,
            Unit::Minute => IntervalField::Minute,
            Unit::Second | Unit::Millisecond | Unit::Microsecond => IntervalField::Second,
        }
    }
}

/// Spark's `CalendarInterval` while a unit list is read: months, days and microseconds,
/// each within its Java type, and the fields the units named.
#[derive(Default)]
pub struct Calendar {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
    pub fields: Vec<IntervalField>,
}

/// Why a unit list cannot be read (Spark's `stringToInterval` failures).
pub enum ListError {
    /// `INVALID_UNIT`
    Unit(String),
    /// `UNRECOGNIZED_NUMBER`: a word where a number should start (or none at all)
    Number(String),
    /// `INVALID_VALUE`: a number that goes wrong after its start (`1-`, `- x`); the word
    /// it fails in, lower-cased as Spark reports it
    Value(String),
    /// `INVALID_FRACTION`: a fraction of a unit other than seconds
    Fraction(Unit),
    /// `ARITHMETIC_EXCEPTION`: a number or a sum out of its Java type
    Arithmetic,
}

/// Spark's `CalendarInterval` read from a string such as `10 seconds` or
/// `1 day 2 hours` (`withWatermark` delays): `(months, days, microseconds)`. Anything
/// else is `CANNOT_PARSE_INTERVAL`, as Spark's `IntervalUtils.fromIntervalString`.
pub fn parse_calendar_interval(text: &str) -> ember_common::Result<(i32, i32, i64)> {
    match read_unit_list(text) {
        Ok(cal) => Ok((cal.months, cal.days, cal.micros)),
        Err(_) => Err(ember_common::Error::spark("CANNOT_PARSE_INTERVAL", &[("intervalString", &format!("'{text}'"))])),
    }
}

/// Reads `[interval] <number> <unit> …` (`2 days 3 hours`, ` 1.5 SECOND`).
pub fn read_unit_list(text: &str) -> std::result::Result<Calendar, ListError> {
    let mut words = text.split_whitespace().peekable();
    if words.peek().is_some_and(|w| w.eq_ignore_ascii_case("interval")) {
        words.next();
    }
    let mut cal = Calendar::default();
    let mut any = false;
    while let Some(first) = words.next() {
        any = true;
        let (negative, number) = read_number(first, &mut words)?;
        let unit_word = words.next().ok_or_else(|| ListError::Number(number.to_string()))?;
        let unit = Unit::from_word(unit_word).ok_or_else(|| ListError::Unit(unit_word.to_string()))?;
        add_unit(&mut cal, negative, number, unit)?;
    }
    if !any {
        return Err(ListError::Number(String::new()));
    }
    Ok(cal)
}

/// The sign and the digits of the number starting at word `first`, as Spark's state
/// machine reads them: a sign, then (whitespace allowed) digits with at most one `.` and
/// nine fractional digits. A sign alone takes the next word as its digits (`- 1 day`).
pub fn read_number<'a>(
    first: &'a str,
    words: &mut impl Iterator<Item = &'a str>,
) -> std::result::Result<(bool, &'a str), ListError> {
    let (negative, rest) = match first.as_bytes().first() {
        Some(b'-') => (true, &first[1..]),
        Some(b'+') => (false, &first[1..]),
        Some(b'0'..=b'9' | b'.') => (false, first),
        _ => return Err(ListError::Number(first.to_ascii_lowercase())),
    };
    let (body, word) = if rest.is_empty() {
        let next = words.next().ok_or_else(|| ListError::Number(String::new()))?;
        (next, next)
    } else {
        (rest, first)
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !is_digits(whole) || !is_digits(frac) || frac.len() > 9 {
        return Err(ListError::Value(word.to_ascii_lowercase()));
    }
    Ok((negative, body))
}

/// Adds `[-]number unit` to `cal` with Spark's exact Java arithmetic; `number` is digits
/// with at most one `.` (see [`read_number`]).
pub fn add_unit(cal: &mut Calendar, negative: bool, number: &str, unit: Unit) -> std::result::Result<(), ListError> {
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if number.contains('.') && unit != Unit::Second {
        return Err(ListError::Fraction(unit));
    }
    let value: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| ListError::Arithmetic)? };
    let value = if negative { -value } else { value };
    let frac_micros: i64 = format!("{frac:0<6}")[..6].parse().unwrap_or(0);
    let a = ListError::Arithmetic;
    let int = |v: i64| i32::try_from(v).map_err(|_| ListError::Arithmetic);
    match unit {
        Unit::Year => cal.months = cal.months.checked_add(int(value.checked_mul(12).ok_or(a)?)?).ok_or(ListError::Arithmetic)?,
        Unit::Month => cal.months = cal.months.checked_add(int(value)?).ok_or(a)?,
        Unit::Week => cal.days = cal.days.checked_add(int(value.checked_mul(7).ok_or(a)?)?).ok_or(ListError::Arithmetic)?,
        Unit::Day => cal.days = cal.days.checked_add(int(value)?).ok_or(a)?,
        _ => {
            let per = match unit {
                Unit::Hour => IntervalField::Hour.micros(),
                Unit::Minute => IntervalField::Minute.micros(),
                Unit::Second => IntervalField::Second.micros(),
                Unit::Millisecond => 1_000,
                _ => 1,
            };
            let signed_frac = if negative { -frac_micros } else { frac_micros };
            let delta = value.checked_mul(per).and_then(|v| v.checked_add(signed_frac)).ok_or(a)?;
            cal.micros = cal.micros.checked_add(delta).ok_or(ListError::Arithmetic)?;
        }
    }
    cal.fields.push(unit.field());
    Ok(())
}
