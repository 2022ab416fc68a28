//! Spark's number format strings (`to_number`, `to_char`): digits `9` and `0`, the
//! decimal point `.`/`D`, grouping `,`/`G`, `$`, and a sign as `S` (first or last), `MI`
//! (last) or `PR` (angle brackets, last). Checked once when the call is built
//! (INVALID_FORMAT.*); values that do not fit are INVALID_FORMAT.MISMATCH_INPUT
//! (`to_number`) or `#`s (`to_char`).

use ember_common::{Error, ErrorKind, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Sign {
    None,
    Leading,
    Trailing,
    Minus,
    LeadingMinus,
    Brackets,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumberPattern {
    text: String,
    dollar: bool,
    sign: Sign,
    /// the characters before the decimal point: `9`, `0` and `,`
    int: String,
    /// the digits after it; `None` without a decimal point
    frac: Option<String>,
}

fn invalid(sub: &str, pattern: &str, detail: &str) -> Error {
    Error::new(ErrorKind::Other {
        class: format!("INVALID_FORMAT.{sub}"),
        sqlstate: Some("42601".into()),
        message: format!("The format is invalid: '{pattern}'. {detail}"),
    })
}

impl NumberPattern {
    pub fn parse(pattern: &str) -> Result<NumberPattern> {
        let upper = pattern.to_ascii_uppercase();
        let mut rest = upper.as_str();
        let mut sign = Sign::None;
        let mut dollar = false;
        if let Some(r) = rest.strip_prefix("MI") {
            sign = Sign::LeadingMinus;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('S') {
            sign = Sign::Leading;
            rest = r;
        }
        if let Some(r) = rest.strip_suffix("PR") {
            sign = Sign::Brackets;
            rest = r;
        } else if let Some(r) = rest.strip_suffix("MI").filter(|_| sign == Sign::None) {
            sign = Sign::Minus;
            rest = r;
        } else if let Some(r) = rest.strip_suffix('S') {
            if sign != Sign::None {
                return Err(invalid("WRONG_NUM_TOKEN", &upper, "At most one S is allowed in the number format."));
            }
            sign = Sign::Trailing;
            rest = r;
        }
        if let Some(r) = rest.strip_prefix('$') {
            dollar = true;
            rest = r;
        }
        let body: String = rest.chars().map(|c| match c {
            'D' => '.',
            'G' => ',',
            c => c,
        }).collect();
        if body.matches('.').count() > 1 {
            return Err(invalid("WRONG_NUM_TOKEN", &upper, "At most one . or D is allowed in the number format."));
        }
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (body.clone(), None),
        };
        if !int.chars().all(|c| matches!(c, '9' | '0' | ',')) || frac.as_ref().is_some_and(|f| !f.chars().all(|c| matches!(c, '9' | '0'))) {
            let bad = body.chars().find(|c| !matches!(c, '9' | '0' | ',' | '.')).unwrap_or('?');
            if matches!(bad, 'S' | '$') {
                return Err(invalid("WRONG_NUM_TOKEN", &upper, &format!("At most one {bad} is allowed in the number format.")));
            }
            return Err(invalid("UNEXPECTED_TOKEN", &upper, &format!("Found the unexpected '{bad}' in the format string; the structure of the valid format string is '[MI|S] [$] [0|9|G|,]* [.|D] [0|9]* [$] [PR|MI|S]'.")));
        }
        if !int.chars().chain(frac.iter().flat_map(|f| f.chars())).any(|c| matches!(c, '9' | '0')) {
            return Err(invalid("WRONG_NUM_DIGIT", &upper, "The format string requires at least one number digit."));
        }
        Ok(NumberPattern { text: pattern.to_string(), dollar, sign, int, frac })
    }

    fn int_digits(&self) -> usize {
        self.int.chars().filter(|c| *c != ',').count()
    }

    /// The scale of the result: digits after the point.
    pub fn scale(&self) -> usize {
        self.frac.as_ref().map_or(0, |f| f.len())
    }

    /// The precision of the result: all digits.
    pub fn precision(&self) -> usize {
        self.int_digits() + self.scale()
    }

    fn mismatch(&self, input: &str) -> Error {
        Error::new(ErrorKind::Other {
            class: "INVALID_FORMAT.MISMATCH_INPUT".into(),
            sqlstate: Some("42601".into()),
            message: format!("The format is invalid: {}. The input \"STRING\" {input} does not match the format.", self.text),
        })
    }

    /// `to_number`: the unscaled value (at [`Self::scale`]) of `input`.
    pub fn parse_number(&self, input: &str) -> Result<i128> {
        let bad = || self.mismatch(input);
        let mut s = input.trim();
        let mut negative = false;
        match self.sign {
            Sign::Leading | Sign::LeadingMinus => {
                if let Some(r) = s.strip_prefix('-') {
                    negative = true;
                    s = r;
                } else if let Some(r) = s.strip_prefix('+') {
                    s = r;
                }
            }
            Sign::Trailing | Sign::Minus => {
                if let Some(r) = s.strip_suffix('-') {
                    negative = true;
                    s = r;
                } else if let Some(r) = s.strip_suffix('+').filter(|_| self.sign == Sign::Trailing) {
                    s = r;
                }
            }
            Sign::Brackets => {
                if let Some(r) = s.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
                    negative = true;
                    s = r;
                }
            }
            Sign::None => {}
        }
        if self.dollar {
            s = s.strip_prefix('$').ok_or_else(bad)?;
        }
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) if self.frac.is_some() => (i, f),
            Some(_) => return Err(bad()),
            None => (s, ""),
        };
        if !int.chars().all(|c| c.is_ascii_digit() || c == ',') || !frac.chars().all(|c| c.is_ascii_digit()) || (int.is_empty() && frac.is_empty()) {
            return Err(bad());
        }
        if int.contains(',') && !self.groups_match(int) {
            return Err(bad());
        }
        let digits: String = int.chars().filter(|c| *c != ',').collect();
        if digits.len() > self.int_digits() || frac.len() > self.scale() {
            return Err(bad());
        }
        let all = format!("{digits}{frac:0<width$}", width = self.scale());
        let value: i128 = if all.is_empty() { 0 } else { all.parse().map_err(|_| bad())? };
        Ok(if negative { -value } else { value })
    }

    /// The input's digit groups, right to left, have the sizes of the pattern's.
    fn groups_match(&self, int: &str) -> bool {
        let ours: Vec<usize> = self.int.split(',').map(str::len).rev().collect();
        let theirs: Vec<usize> = int.split(',').map(str::len).rev().collect();
        theirs.len() <= ours.len() && theirs.iter().zip(&ours).enumerate().all(|(i, (t, o))| if i + 1 == theirs.len() { t <= o && *t > 0 } else { t == o })
    }

    /// `to_char`: `digits` (the absolute value, `scale` of them after the point).
    pub fn format(&self, negative: bool, digits: &str, scale: usize) -> String {
        let (before, after) = digits.split_at(digits.len().saturating_sub(scale));
        let before = before.trim_start_matches('0');
        let all_zero = !digits.bytes().any(|b| b != b'0');
        let before = if before.is_empty() && !all_zero && scale > 0 { "0" } else { before };
        if before.len() > self.int_digits() || after.len() > self.scale() {
            return self.text.chars().map(|c| if matches!(c, '9' | '0') { '#' } else { c }).collect();
        }
        let mut out = String::new();
        match (self.sign, negative) {
            (Sign::Leading, true) => out.push('-'),
            (Sign::Leading, false) => out.push('+'),
            (Sign::LeadingMinus, true) => out.push('-'),
            (Sign::LeadingMinus, false) => out.push(' '),
            (Sign::Brackets, true) => out.push('<'),
            _ => {}
        }
        if self.dollar {
            out.push('$');
        }
        let pad = self.int_digits() - before.len();
        let mut digits_in = before.chars();
        let (mut k, mut started) = (0, false);
        for c in self.int.chars() {
            if c == ',' {
                out.push(if started { ',' } else { ' ' });
                continue;
            }
            if k < pad {
                if c == '0' {
                    started = true;
                    out.push('0');
                } else {
                    out.push(' ');
                }
            } else {
                started = true;
                out.push(digits_in.next().unwrap_or('0'));
            }
            k += 1;
        }
        if let Some(frac) = &self.frac {
            out.push(if frac.is_empty() { ' ' } else { '.' });
            out.push_str(&format!("{after:0<width$}", width = frac.len()));
        }
        match (self.sign, negative) {
            (Sign::Trailing, true) | (Sign::Minus, true) => out.push('-'),
            (Sign::Trailing, false) => out.push('+'),
            (Sign::Minus, false) => out.push(' '),
            (Sign::Brackets, true) => out.push('>'),
            (Sign::Brackets, false) => out.push_str("  "),
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> NumberPattern {
        NumberPattern::parse(s).unwrap()
    }

    #[test]
    fn parses_spark_examples() {
        assert_eq!(p("999").parse_number("454").unwrap(), 454);
        assert_eq!(p("000.00").parse_number("454.00").unwrap(), 45400);
        assert_eq!(p("99,999").parse_number("12,454").unwrap(), 12454);
        assert_eq!(p("$99.99").parse_number("$78.12").unwrap(), 7812);
        assert_eq!(p("99,999.9S").parse_number("12,454.8-").unwrap(), -124548);
        assert_eq!(p("99PR").parse_number("<12>").unwrap(), -12);
        assert!(p("99").parse_number("1234").is_err());
        assert!(p("9999").parse_number("1,234").is_err());
        assert!(p("$99").parse_number("12").is_err());
        assert_eq!(NumberPattern::parse("S99S").unwrap_err().class(), "INVALID_FORMAT.WRONG_NUM_TOKEN");
        assert_eq!(NumberPattern::parse("S").unwrap_err().class(), "INVALID_FORMAT.WRONG_NUM_DIGIT");
    }

    #[test]
    fn formats_spark_examples() {
        assert_eq!(p("999").format(false, "454", 0), "454");
        assert_eq!(p("000D00").format(false, "45400", 2), "454.00");
        assert_eq!(p("99G999").format(false, "12454", 0), "12,454");
        assert_eq!(p("$99.99").format(false, "7812", 2), "$78.12");
        assert_eq!(p("99G999D9S").format(true, "124548", 1), "12,454.8-");
        assert_eq!(p("999").format(false, "12", 0), " 12");
        assert_eq!(p("99").format(false, "12345", 0), "##");
        assert_eq!(p("9PR").format(true, "5", 0), "<5>");
        assert_eq!(p("9PR").format(false, "5", 0), "5  ");
        assert_eq!(p("MI9").format(false, "5", 0), " 5");
        assert_eq!(p("9.9").format(false, "5", 1), "0.5");
        assert_eq!(p("999").format(false, "0", 0), "   ");
        assert_eq!(p("9.9").format(false, "125", 2), "#.#");
        assert_eq!(p("999,999").format(false, "5", 0), "      5");
        assert_eq!(p("000,000").format(false, "5", 0), "000,005");
        assert_eq!(p("$999").format(false, "12", 0), "$ 12");
        assert_eq!(p("9.").format(false, "5", 0), "5 ");
    }
}
