//! Spark datetime patterns (`dateFormat`, `timestampFormat`: `yyyy-MM-dd HH:mm:ss[.SSS]`)
//! translated to chrono format items, and parsing with them. Optional sections `[...]`
//! are expanded into every variant; missing fields default as in Spark (month and day
//! 1, time 00:00:00).

use chrono::format::{parse, Parsed, StrftimeItems};
use chrono::{NaiveDate, NaiveDateTime};
use ember_common::{Error, Result};

/// A compiled Spark datetime pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatetimePattern {
    pub spark: String,
    /// chrono strftime strings, one per expansion of the optional sections
    variants: Vec<String>,
}

fn bad_pattern(pattern: &str, why: &str) -> Error {
    Error::invalid_argument(format!("Invalid datetime pattern '{pattern}': {why}."))
}

/// One letter run (`yyyy`) to chrono.
fn letters(pattern: &str, c: char, n: usize, after_dot: bool) -> Result<String> {
    Ok(match (c, n) {
        ('y' | 'u', 2) => "%y".into(),
        ('y' | 'u', _) => "%Y".into(),
        ('M' | 'L', 1 | 2) => "%m".into(),
        ('M' | 'L', 3) => "%b".into(),
        ('M' | 'L', _) => "%B".into(),
        ('d', 1 | 2) => "%d".into(),
        ('D', _) => "%j".into(),
        ('H', 1 | 2) => "%H".into(),
        ('k', 1 | 2) => "%H".into(),
        ('h' | 'K', 1 | 2) => "%I".into(),
        ('m', 1 | 2) => "%M".into(),
        ('s', 1 | 2) => "%S".into(),
        ('S', 1..=9) if after_dot => "%.f".into(),
        ('S', 3) => "%3f".into(),
        ('S', 6) => "%6f".into(),
        ('S', 9) => "%9f".into(),
        ('a', 1) => "%p".into(),
        ('E', 1..=3) => "%a".into(),
        ('E', _) => "%A".into(),
        ('X' | 'x', 1 | 2) => "%z".into(),
        ('X' | 'x', 3) => "%:z".into(),
        ('Z', 1..=3) => "%z".into(),
        ('Z', 5) => "%:z".into(),
        _ => return Err(bad_pattern(pattern, &format!("the letters '{}' are not supported", c.to_string().repeat(n)))),
    })
}

/// Expands `[...]` optional sections into the list of plain patterns.
fn expand_optional(pattern: &str) -> Result<Vec<String>> {
    let chars: Vec<char> = pattern.chars().collect();
    fn rec(chars: &[char], i: &mut usize, depth: usize, pattern: &str) -> Result<Vec<String>> {
        let mut outs = vec![String::new()];
        let mut quoted = false;
        while *i < chars.len() {
            let c = chars[*i];
            *i += 1;
            if c == '\'' {
                quoted = !quoted;
                outs.iter_mut().for_each(|o| o.push(c));
            } else if quoted {
                outs.iter_mut().for_each(|o| o.push(c));
            } else if c == '[' {
                let inner = rec(chars, i, depth + 1, pattern)?;
                let mut next = Vec::new();
                for o in &outs {
                    next.push(o.clone());
                    for v in &inner {
                        next.push(format!("{o}{v}"));
                    }
                }
                if next.len() > 64 {
                    return Err(bad_pattern(pattern, "too many optional sections"));
                }
                outs = next;
            } else if c == ']' {
                if depth == 0 {
                    return Err(bad_pattern(pattern, "unbalanced ']'"));
                }
                return Ok(outs);
            } else {
                outs.iter_mut().for_each(|o| o.push(c));
            }
        }
        if depth > 0 {
            return Err(bad_pattern(pattern, "unclosed '['"));
        }
        Ok(outs)
    }
    let mut i = 0;
    let mut outs = rec(&chars, &mut i, 0, pattern)?;
    // longest first, so `ss[.SSS]` tries the fraction before giving up on it
    outs.sort_by_key(|s| std::cmp::Reverse(s.len()));
    Ok(outs)
}

/// Translates one plain pattern (no optional sections) to a chrono format string.
fn translate(pattern: &str, plain: &str) -> Result<String> {
    let chars: Vec<char> = plain.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // quoted literal; '' is a quote
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        out.push('\'');
                        i += 2;
                        continue;
                    }
                    break;
                }
                push_literal(&mut out, chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err(bad_pattern(pattern, "unclosed quote"));
            }
            i += 1;
        } else if c.is_ascii_alphabetic() {
            let n = chars[i..].iter().take_while(|&&x| x == c).count();
            let after_dot = c == 'S' && out.ends_with('.');
            if after_dot {
                out.pop();
            }
            out.push_str(&letters(pattern, c, n, after_dot)?);
            i += n;
        } else {
            push_literal(&mut out, c);
            i += 1;
        }
    }
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    if c == '%' {
        out.push_str("%%");
    } else {
        out.push(c);
    }
}

impl DatetimePattern {
    pub fn new(spark: &str) -> Result<DatetimePattern> {
        let variants = expand_optional(spark)?.iter().map(|p| translate(spark, p)).collect::<Result<Vec<_>>>()?;
        for v in &variants {
            if StrftimeItems::new(v).any(|item| matches!(item, chrono::format::Item::Error)) {
                return Err(bad_pattern(spark, "it cannot be parsed"));
            }
        }
        Ok(DatetimePattern { spark: spark.to_string(), variants })
    }

    fn parsed(&self, s: &str) -> Option<Parsed> {
        self.variants.iter().find_map(|v| {
            let mut p = Parsed::new();
            parse(&mut p, s, StrftimeItems::new(v)).ok().map(|_| p)
        })
    }

    /// Parses a date (time fields, if any, are ignored).
    pub fn parse_date(&self, s: &str) -> Option<NaiveDate> {
        let mut p = self.parsed(s)?;
        fill_date_defaults(&mut p);
        p.to_naive_date().ok()
    }

    /// Parses a timestamp as microseconds since the epoch; a value without a zone
    /// offset is read in UTC.
    pub fn parse_timestamp_micros(&self, s: &str) -> Option<i64> {
        let mut p = self.parsed(s)?;
        fill_date_defaults(&mut p);
        if p.hour_div_12.is_none() && p.hour_mod_12.is_none() {
            p.set_hour(0).ok()?;
        }
        if p.minute.is_none() {
            p.set_minute(0).ok()?;
        }
        if p.second.is_none() {
            p.set_second(0).ok()?;
        }
        let offset = p.offset.unwrap_or(0);
        let naive: NaiveDateTime = p.to_naive_datetime_with_offset(offset).ok()?;
        naive.and_utc().timestamp_micros().checked_sub(offset as i64 * 1_000_000)
    }
}

/// A `dateFormat` / `timestampFormat` reader option. Spark compiles the pattern when a
/// value is first parsed with it, so a pattern it cannot read makes each such value
/// fail (a malformed record), and not the definition of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatOption {
    Valid(DatetimePattern),
    /// the pattern as given
    Invalid(String),
}

impl FormatOption {
    /// The option `key` of `options`, if set.
    pub fn from_options(options: &crate::options::ReadOptions, key: &str) -> Option<FormatOption> {
        let v = options.get(key)?;
        Some(match DatetimePattern::new(v) {
            Ok(p) => FormatOption::Valid(p),
            Err(_) => FormatOption::Invalid(v.to_string()),
        })
    }

    /// The compiled pattern; `None` when it is invalid (every value then fails).
    pub fn pattern(&self) -> Option<&DatetimePattern> {
        match self {
            FormatOption::Valid(p) => Some(p),
            FormatOption::Invalid(_) => None,
        }
    }

    /// Spark's `INVALID_DATETIME_PATTERN.WITH_SUGGESTION` for an invalid pattern, raised
    /// where Spark compiles it eagerly (timestamp inference).
    pub fn check(&self) -> Result<()> {
        match self {
            FormatOption::Valid(_) => Ok(()),
            FormatOption::Invalid(p) => Err(Error::new(ember_common::ErrorKind::Other {
                class: "INVALID_DATETIME_PATTERN.WITH_SUGGESTION".into(),
                sqlstate: Some("22007".into()),
                message: format!(
                    "Unrecognized datetime pattern: '{}'. You can form a valid datetime pattern with the guide from 'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'.",
                    p.replace('\'', "\\'")
                ),
            })),
        }
    }
}

fn fill_date_defaults(p: &mut Parsed) {
    if p.month.is_none() && p.ordinal.is_none() {
        let _ = p.set_month(1);
    }
    if p.day.is_none() && p.ordinal.is_none() {
        let _ = p.set_day(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_patterns_fail_when_used() {
        let o = crate::options::ReadOptions::new().with("dateFormat", "yyyy-MM-dd'T").with("timestampFormat", "yyyy");
        let bad = FormatOption::from_options(&o, "dateFormat").unwrap();
        assert!(bad.pattern().is_none());
        let err = bad.check().unwrap_err();
        assert_eq!(err.class(), "INVALID_DATETIME_PATTERN.WITH_SUGGESTION");
        assert!(err.message().starts_with(r"Unrecognized datetime pattern: 'yyyy-MM-dd\'T'."), "{err}");
        assert!(FormatOption::from_options(&o, "timestampFormat").unwrap().check().is_ok());
        assert!(FormatOption::from_options(&o, "other").is_none());
    }

    #[test]
    fn dates() {
        let p = DatetimePattern::new("dd/MM/yyyy").unwrap();
        assert_eq!(p.parse_date("31/12/2024"), NaiveDate::from_ymd_opt(2024, 12, 31));
        assert_eq!(p.parse_date("31-12-2024"), None);
        assert_eq!(p.parse_date("30/02/2024"), None);
        let p = DatetimePattern::new("yyyy-MM").unwrap();
        assert_eq!(p.parse_date("2024-05"), NaiveDate::from_ymd_opt(2024, 5, 1));
        let p = DatetimePattern::new("dd MMM yyyy").unwrap();
        assert_eq!(p.parse_date("05 Mar 2024"), NaiveDate::from_ymd_opt(2024, 3, 5));
    }

    #[test]
    fn timestamps_with_optional_sections_and_zones() {
        let p = DatetimePattern::new("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]").unwrap();
        assert_eq!(p.parse_timestamp_micros("1970-01-01T00:00:01"), Some(1_000_000));
        assert_eq!(p.parse_timestamp_micros("1970-01-01T00:00:01.5"), Some(1_500_000));
        assert_eq!(p.parse_timestamp_micros("1970-01-01T01:00:00+01:00"), Some(0));
        let p = DatetimePattern::new("dd.MM.yyyy HH:mm").unwrap();
        assert_eq!(p.parse_timestamp_micros("01.01.1970 00:02"), Some(120_000_000));
        let p = DatetimePattern::new("MM/dd/yyyy hh:mm a").unwrap();
        assert_eq!(p.parse_timestamp_micros("01/01/1970 01:00 PM"), Some(13 * 3_600_000_000));
    }

    #[test]
    fn bad_patterns() {
        assert!(DatetimePattern::new("yyyy-MM-dd'T").unwrap_err().message().contains("unclosed quote"));
        assert!(DatetimePattern::new("yyyy[-MM").is_err());
        assert!(DatetimePattern::new("qqq").unwrap_err().message().contains("'qqq'"));
    }
}
