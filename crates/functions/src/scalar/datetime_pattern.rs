//! Spark's datetime pattern letters (`yyyy-MM-dd HH:mm:ss.SSS`, `EEEE`, `MMM`, `a`, `D`,
//! `Q`, `XXX`, `Z`, quoted `'text'`) compiled once, then used to format local
//! date-times and to parse strings strictly (the whole input must match, as Spark's
//! `DateTimeFormatter` does). Week-based letters (`Y w W u e c`) are rejected as in Spark 3+.
//!
//! A pattern Spark's `DateTimeFormatter` rejects fails with the class Spark picks by
//! trying the legacy `SimpleDateFormat` too: `INCONSISTENT_BEHAVIOR_CROSS_VERSION.
//! DATETIME_PATTERN_RECOGNITION` when the legacy formatter would accept it (`YYYY`,
//! `ddd`, `yyyy{`), `INVALID_DATETIME_PATTERN.WITH_SUGGESTION` when neither does (`bbb`,
//! an unterminated quote).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use ember_common::{Error, Result};

/// One piece of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Text(String),
    /// a pattern letter and how many times it repeats
    Field(char, usize),
}

/// A compiled Spark datetime pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    items: Vec<Item>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The letters Java's legacy `SimpleDateFormat` knows.
const LEGACY_LETTERS: &str = "GyYMLwWDdFEuaHkKhmsSzZX";

fn error(class: &str, sqlstate: &str, message: String) -> Error {
    Error::new(ember_common::ErrorKind::Other { class: class.into(), sqlstate: Some(sqlstate.into()), message })
}

/// `INVALID_DATETIME_PATTERN.WITH_SUGGESTION`: no formatter, old or new, reads the pattern.
fn unrecognized(pattern: &str) -> Error {
    error(
        "INVALID_DATETIME_PATTERN.WITH_SUGGESTION",
        "22007",
        format!("Unrecognized datetime pattern: '{pattern}'. You can form a valid datetime pattern with the guide from '<docroot>/sql-ref-datetime-pattern.html'."),
    )
}

/// `INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION`: the legacy
/// formatter of Spark 2 read the pattern.
fn legacy_only(pattern: &str) -> Error {
    error(
        "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION",
        "42K0B",
        format!("You may get a different result due to the upgrading to Spark >= 3.0: Fail to recognize '{pattern}' pattern in the DateTimeFormatter. 1) You can set \"spark.sql.legacy.timeParserPolicy\" to \"LEGACY\" to restore the behavior before Spark 3.0. 2) You can form a valid datetime pattern with the guide from '<docroot>/sql-ref-datetime-pattern.html'."),
    )
}

/// A pattern the new formatter rejects: [`legacy_only`] or [`unrecognized`] (`legacy`:
/// whether the legacy formatter reads it).
fn rejected(pattern: &str, legacy: bool) -> Error {
    if legacy {
        legacy_only(pattern)
    } else {
        unrecognized(pattern)
    }
}

impl Pattern {
    /// Compiles a pattern; unknown or unsupported letters are an error.
    pub fn compile(pattern: &str) -> Result<Pattern> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut items = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                // quoted text; '' is a literal quote
                let mut text = String::new();
                i += 1;
                if i < chars.len() && chars[i] == '\'' {
                    items.push(Item::Text("'".into()));
                    i += 1;
                    continue;
                }
                loop {
                    if i >= chars.len() {
                        return Err(unrecognized(pattern));
                    }
                    if chars[i] == '\'' {
                        if i + 1 < chars.len() && chars[i + 1] == '\'' {
                            text.push('\'');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                items.push(Item::Text(text));
            } else if c.is_ascii_alphabetic() {
                let mut n = 1;
                while i + n < chars.len() && chars[i + n] == c {
                    n += 1;
                }
                let legacy = LEGACY_LETTERS.contains(c);
                match c {
                    'y' | 'M' | 'L' | 'd' | 'D' | 'H' | 'h' | 'k' | 'K' | 'm' | 's' | 'S' | 'a' | 'E' | 'Q' | 'q' | 'X' | 'x' | 'Z' | 'G' | 'V' | 'z' | 'O' => {}
                    'e' | 'c' => {
                        return Err(error(
                            "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN",
                            "42K0B",
                            format!("You may get a different result due to the upgrading to Spark >= 3.0: All week-based patterns are unsupported since Spark 3.0, detected week-based character: {c}. Please use the SQL function EXTRACT instead."),
                        ))
                    }
                    // letters Spark refuses outright
                    'A' | 'n' | 'N' | 'p' => {
                        return Err(error(
                            "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER",
                            "22007",
                            format!("Unrecognized datetime pattern: '{pattern}'. Illegal pattern character found: {c}."),
                        ))
                    }
                    _ => return Err(rejected(pattern, legacy)),
                }
                if (c == 'a' && n > 1)
                    || (matches!(c, 'd' | 'H' | 'h' | 'k' | 'K' | 'm' | 's') && n > 2)
                    || (c == 'D' && n > 3)
                    || (matches!(c, 'X' | 'x') && n > 5)
                {
                    // the legacy formatter takes any count, but at most three `X`
                    return Err(rejected(pattern, legacy && !(c == 'X' && n > 3)));
                }
                items.push(Item::Field(c, n));
                i += n;
            } else if matches!(c, '#' | '{' | '}') {
                // reserved by `DateTimeFormatter`, plain text to the legacy formatter
                return Err(legacy_only(pattern));
            } else {
                items.push(Item::Text(c.to_string()));
                i += 1;
            }
        }
        Ok(Pattern { items })
    }

    /// Formats a local date-time whose zone is `offset_secs` east of UTC (and named `zone_id`).
    pub fn format(&self, t: &NaiveDateTime, offset_secs: i32, zone_id: &str) -> String {
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Text(s) => out.push_str(s),
                Item::Field(c, n) => format_field(&mut out, *c, *n, t, offset_secs, zone_id),
            }
        }
        out
    }

    /// Parses `s`; returns the local date-time and the zone offset (seconds) if the
    /// pattern has one. `None` when `s` does not match.
    pub fn parse(&self, s: &str) -> Option<(NaiveDateTime, Option<i32>)> {
        let mut p = Parser { s, pos: 0 };
        let mut f = Fields::default();
        for item in &self.items {
            match item {
                Item::Text(t) => p.literal(t)?,
                Item::Field(c, n) => p.field(*c, *n, &mut f)?,
            }
        }
        if p.pos != s.len() {
            return None;
        }
        f.build().map(|t| (t, f.offset))
    }
}

fn pad(out: &mut String, v: i64, width: usize) {
    if v < 0 {
        out.push('-');
    }
    let s = v.unsigned_abs().to_string();
    for _ in s.len()..width {
        out.push('0');
    }
    out.push_str(&s);
}

fn offset_text(out: &mut String, secs: i32, colon: bool, with_minutes: bool, z_for_zero: bool) {
    if secs == 0 && z_for_zero {
        out.push('Z');
        return;
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    out.push(sign);
    out.push_str(&format!("{:02}", a / 3600));
    if with_minutes || !a.is_multiple_of(3600) {
        if colon {
            out.push(':');
        }
        out.push_str(&format!("{:02}", a / 60 % 60));
    }
}

fn format_field(
    out: &mut String,
    c: char,
    n: usize,
    t: &NaiveDateTime,
    offset: i32,
    zone_id: &str,
) {
    match c {
        'y' => {
            if n == 2 {
                pad(out, (t.year() % 100) as i64, 2)
            } else {
                pad(out, t.year() as i64, n)
            }
        }
        'M' | 'L' => match n {
            1 | 2 => pad(out, t.month() as i64, n),
            3 => out.push_str(&MONTHS[t.month0() as usize][..3]),
            _ => out.push_str(MONTHS[t.month0() as usize]),
        },
        'd' => pad(out, t.day() as i64, n),
        'D' => pad(out, t.ordinal() as i64, n),
        'H' => pad(out, t.hour() as i64, n),
        'k' => pad(out, if t.hour() == 0 { 24 } else { t.hour() as i64 }, n),
        'K' => pad(out, (t.hour() % 12) as i64, n),
        'h' => pad(
            out,
            if t.hour().is_multiple_of(12) {
                12
            } else {
                (t.hour() % 12) as i64
            },
            n,
        ),
        'm' => pad(out, t.minute() as i64, n),
        's' => pad(out, t.second() as i64, n),
        'S' => {
            let nanos = format!("{:09}", t.nanosecond() % 1_000_000_000);
            if n <= 9 {
                out.push_str(&nanos[..n]);
            } else {
                out.push_str(&nanos);
                out.push_str(&"0".repeat(n - 9));
            }
        }
        'a' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
        'E' => {
            let name = DAYS[t.weekday().num_days_from_monday() as usize];
            out.push_str(if n >= 4 { name } else { &name[..3] })
        }
        'Q' | 'q' => {
            let q = t.month0() / 3 + 1;
            match n {
                1 | 2 => pad(out, q as i64, n),
                3 => out.push_str(&format!("Q{q}")),
                _ => out.push_str(
                    ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"][(q - 1) as usize],
                ),
            }
        }
        'G' => out.push_str(if t.year() > 0 { "AD" } else { "BC" }),
        'X' => offset_text(out, offset, n >= 3 && n != 4, n >= 2, true),
        'x' => offset_text(out, offset, n >= 3 && n != 4, n >= 2, false),
        'Z' => match n {
            1..=3 => offset_text(out, offset, false, true, false),
            4 => {
                out.push_str("GMT");
                if offset != 0 {
                    offset_text(out, offset, true, true, false)
                }
            }
            _ => offset_text(out, offset, true, true, true),
        },
        'O' => {
            out.push_str("GMT");
            if offset != 0 {
                offset_text(out, offset, true, n == 4, false)
            }
        }
        // zone names: Spark prints the region id (VV) or a short name (z); the id is what we have
        _ => out.push_str(zone_id),
    }
}

#[derive(Default)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    doy: Option<u32>,
    hour: Option<u32>,
    hour12: Option<u32>,
    pm: Option<bool>,
    minute: u32,
    second: u32,
    nanos: u32,
    offset: Option<i32>,
}

impl Fields {
    fn build(&self) -> Option<NaiveDateTime> {
        let year = self.year.unwrap_or(1970);
        let date = match (self.doy, self.month, self.day) {
            (Some(doy), None, None) => NaiveDate::from_yo_opt(year, doy)?,
            (Some(doy), m, d) => {
                let date = NaiveDate::from_yo_opt(year, doy)?;
                if m.is_some_and(|m| m != date.month()) || d.is_some_and(|d| d != date.day()) {
                    return None;
                }
                date
            }
            (None, m, d) => NaiveDate::from_ymd_opt(year, m.unwrap_or(1), d.unwrap_or(1))?,
        };
        let hour = match (self.hour, self.hour12, self.pm) {
            (Some(h), _, _) => h,
            (None, Some(h), pm) => h % 12 + if pm == Some(true) { 12 } else { 0 },
            (None, None, Some(true)) => 12,
            _ => 0,
        };
        date.and_hms_nano_opt(hour, self.minute, self.second, self.nanos)
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn literal(&mut self, t: &str) -> Option<()> {
        if self.rest().starts_with(t) {
            self.pos += t.len();
            Some(())
        } else {
            None
        }
    }

    /// Between `min` and `max` ASCII digits.
    fn number(&mut self, min: usize, max: usize) -> Option<i64> {
        let digits = self
            .rest()
            .bytes()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits < min {
            return None;
        }
        let v = self.rest()[..digits].parse().ok()?;
        self.pos += digits;
        Some(v)
    }

    /// One of `names` (case-insensitive, full or 3-letter); its index.
    fn name(&mut self, names: &[&str], short: bool) -> Option<usize> {
        let rest = self.rest().to_ascii_lowercase();
        for (i, n) in names.iter().enumerate() {
            let cand = if short {
                n[..3].to_ascii_lowercase()
            } else {
                n.to_ascii_lowercase()
            };
            if rest.starts_with(&cand) {
                self.pos += cand.len();
                return Some(i);
            }
        }
        None
    }

    fn offset(&mut self, allow_z: bool) -> Option<i32> {
        if allow_z && self.literal("Z").is_some() {
            return Some(0);
        }
        let sign = match self.rest().chars().next()? {
            '+' => 1,
            '-' => -1,
            _ => return None,
        };
        self.pos += 1;
        let h = self.number(2, 2)?;
        let _ = self.literal(":");
        let m = self.number(2, 2).unwrap_or(0);
        Some(sign * (h * 3600 + m * 60) as i32)
    }

    fn field(&mut self, c: char, n: usize, f: &mut Fields) -> Option<()> {
        let (min, max) = if n == 1 { (1, 2) } else { (n, n) };
        match c {
            'y' => {
                let v = if n == 2 {
                    2000 + self.number(2, 2)?
                } else if n == 1 {
                    self.number(1, 9)?
                } else {
                    self.number(n, 9.max(n))?
                };
                f.year = Some(v as i32);
            }
            'M' | 'L' => {
                f.month = Some(match n {
                    1 | 2 => self.number(min, max)? as u32,
                    3 => self.name(&MONTHS, true)? as u32 + 1,
                    _ => self.name(&MONTHS, false)? as u32 + 1,
                })
            }
            'd' => f.day = Some(self.number(min, max)? as u32),
            'D' => f.doy = Some(self.number(n, 3)? as u32),
            'H' | 'k' => f.hour = Some(self.number(min, max)? as u32 % 24),
            'h' | 'K' => f.hour12 = Some(self.number(min, max)? as u32),
            'm' => f.minute = self.number(min, max)? as u32,
            's' => f.second = self.number(min, max)? as u32,
            'S' => {
                let start = self.pos;
                self.number(n, n)?;
                let digits = &self.s[start..self.pos];
                f.nanos = format!("{digits:0<9}")[..9].parse().ok()?;
            }
            'a' => {
                let i = self.name(&["AM", "PM"], false)?;
                f.pm = Some(i == 1);
            }
            'E' => {
                self.name(&DAYS, n < 4)?;
            }
            'Q' | 'q' => {
                self.number(min, max)?;
            }
            'G' => {
                self.name(&["AD", "BC"], false)?;
            }
            'X' => f.offset = Some(self.offset(true)?),
            'x' | 'Z' => f.offset = Some(self.offset(false)?),
            _ => {
                // a zone id: up to the next whitespace
                let len = self
                    .rest()
                    .find(char::is_whitespace)
                    .unwrap_or(self.rest().len());
                let id = &self.rest()[..len];
                let zone = ember_plan::datetime::Zone::parse(id)?;
                self.pos += len;
                let probe = NaiveDate::from_ymd_opt(2000, 1, 1)?.and_hms_opt(0, 0, 0)?;
                let utc = zone.to_utc_micros(probe)?;
                f.offset = Some((-(utc / 1_000_000)) as i32);
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn rejected_patterns_have_sparks_classes() {
        let class = |s: &str| Pattern::compile(s).map(|_| "ok".to_string()).unwrap_or_else(|e| e.class().to_string());
        // the legacy formatter would read these: an upgrade error
        for p in ["YYYY", "ww", "u", "W", "aa", "ddd", "DDDD", "yyyy{", "yyyy#"] {
            assert_eq!(class(p), "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION", "{p}");
        }
        // no formatter reads these
        for p in ["bbb", "yyyy 'open", "XXXXXX", "xxxxxx"] {
            assert_eq!(class(p), "INVALID_DATETIME_PATTERN.WITH_SUGGESTION", "{p}");
        }
        assert_eq!(class("e"), "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN");
        assert_eq!(class("AAA"), "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER");
        assert_eq!(class("yyyy-MM-dd 'T' HH"), "ok");
    }

    #[test]
    fn formats() {
        let p = |s: &str| Pattern::compile(s).unwrap();
        let v = t("2024-01-05 13:04:09.123");
        assert_eq!(
            p("yyyy-MM-dd HH:mm:ss.SSS").format(&v, 0, "UTC"),
            "2024-01-05 13:04:09.123"
        );
        assert_eq!(
            p("EEEE, MMMM d, yy h:mm a").format(&v, 0, "UTC"),
            "Friday, January 5, 24 1:04 PM"
        );
        assert_eq!(
            p("E MMM D Q 'at' XXX Z").format(&v, 3600, "x"),
            "Fri Jan 5 1 at +01:00 +0100"
        );
        assert_eq!(p("XXX").format(&v, 0, "UTC"), "Z");
        assert!(Pattern::compile("YYYY").is_err());
        assert!(Pattern::compile("'open").is_err());
    }

    #[test]
    fn parses_strictly() {
        let p = |s: &str| Pattern::compile(s).unwrap();
        assert_eq!(
            p("yyyy-MM-dd").parse("2024-02-29").map(|x| x.0),
            Some(t("2024-02-29 00:00:00"))
        );
        assert_eq!(
            p("dd/MM/yyyy HH:mm").parse("31/12/2023 23:59").map(|x| x.0),
            Some(t("2023-12-31 23:59:00"))
        );
        assert_eq!(p("yyyy-MM-dd").parse("2024-02-30"), None);
        assert_eq!(p("yyyy-MM-dd").parse("2024-02-01 extra"), None);
        assert_eq!(
            p("MMM d yyyy h:mm a")
                .parse("Jan 5 2024 1:04 PM")
                .map(|x| x.0),
            Some(t("2024-01-05 13:04:00"))
        );
        assert_eq!(
            p("yyyy-MM-dd HH:mmXXX")
                .parse("2024-01-01 10:00+02:00")
                .map(|x| x.1),
            Some(Some(7200))
        );
    }
}
