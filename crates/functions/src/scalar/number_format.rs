//! `format_number(x, d)` and `format_number(x, pattern)`: Java's `DecimalFormat` as
//! Spark uses it: grouped thousands, `d` decimal places (NULL for a negative `d`),
//! rounding half to even; a pattern of `#`, `0`, `,` and `.` sets the grouping and the
//! least and most fraction digits.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use arrow::compute::cast;
use ember_plan::coercion::{is_integral, is_numeric, is_string};

use super::typed_fn::TypedFunction;
use super::utils::{unexpected_type, StringOut};

/// How a number is written.
#[derive(Debug, Clone, PartialEq)]
struct Format {
    grouping: usize,
    min_int: usize,
    min_frac: usize,
    max_frac: usize,
}

impl Format {
    fn places(d: i32) -> Option<Format> {
        let d = usize::try_from(d).ok()?;
        Some(Format { grouping: 3, min_int: 1, min_frac: d, max_frac: d })
    }

    fn pattern(p: &str) -> Format {
        if p.is_empty() {
            return Format { grouping: 3, min_int: 1, min_frac: 0, max_frac: 0 };
        }
        let (int, frac) = p.split_once('.').unwrap_or((p, ""));
        let grouping = int.rfind(',').map_or(0, |i| int[i + 1..].chars().filter(|c| matches!(c, '#' | '0')).count());
        Format {
            grouping,
            min_int: int.chars().filter(|c| *c == '0').count(),
            min_frac: frac.chars().filter(|c| *c == '0').count(),
            max_frac: frac.chars().filter(|c| matches!(c, '#' | '0')).count(),
        }
    }

    /// Writes the number whose decimal digits are `digits` with `scale` of them after
    /// the point.
    fn write(&self, negative: bool, digits: &str, scale: usize) -> String {
        let digits = digits.trim_start_matches('0');
        let (mut int, mut frac) = if digits.len() > scale {
            (digits[..digits.len() - scale].to_string(), digits[digits.len() - scale..].to_string())
        } else {
            (String::new(), format!("{digits:0>scale$}"))
        };
        if frac.len() > self.max_frac {
            let keep = frac.split_off(self.max_frac);
            let first = keep.as_bytes()[0];
            let rest_zero = keep[1..].bytes().all(|b| b == b'0');
            let last_odd = frac.as_bytes().last().or(int.as_bytes().last()).is_some_and(|b| (b - b'0') % 2 == 1);
            let up = first > b'5' || (first == b'5' && (!rest_zero || last_odd));
            if up {
                let mut all: Vec<u8> = format!("{int}{frac}").into_bytes();
                let mut i = all.len();
                loop {
                    if i == 0 {
                        all.insert(0, b'1');
                        break;
                    }
                    i -= 1;
                    if all[i] == b'9' {
                        all[i] = b'0';
                    } else {
                        all[i] += 1;
                        break;
                    }
                }
                let s = String::from_utf8(all).unwrap_or_default();
                let split = s.len() - frac.len();
                int = s[..split].to_string();
                frac = s[split..].to_string();
            }
        }
        while frac.len() > self.min_frac && frac.ends_with('0') {
            frac.pop();
        }
        while frac.len() < self.min_frac {
            frac.push('0');
        }
        let int = int.trim_start_matches('0');
        let int = format!("{int:0>width$}", width = self.min_int);
        let mut grouped = String::with_capacity(int.len() + int.len() / 3);
        for (i, c) in int.chars().enumerate() {
            if self.grouping > 0 && i > 0 && (int.len() - i) % self.grouping == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if negative { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}.{frac}")
        }
    }
}

/// The sign, decimal digits and scale of row `i`, or `None` for NULL (NaN and infinities
/// are written as Java writes them). A double is expanded 25 digits past the `places`
/// kept, so that rounding sees its exact binary value, as `DecimalFormat` does.
fn digits_of(a: &ArrayRef, i: usize, places: usize) -> Option<std::result::Result<(bool, String, usize), String>> {
    if a.is_null(i) {
        return None;
    }
    Some(match a.data_type() {
        DataType::Decimal128(_, s) => {
            let v = a.as_primitive::<Decimal128Type>().value(i);
            Ok((v < 0, v.unsigned_abs().to_string(), (*s).max(0) as usize))
        }
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>().value(i);
            if v.is_nan() {
                return Some(Err("NaN".into()));
            }
            if v.is_infinite() {
                return Some(Err(if v < 0.0 { "-∞".into() } else { "∞".into() }));
            }
            let text = format!("{:.*}", places + 25, v.abs());
            let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
            Ok((v.is_sign_negative(), format!("{int}{frac}"), frac.len()))
        }
        _ => {
            let v = a.as_primitive::<Int64Type>().value(i);
            Ok((v < 0, v.unsigned_abs().to_string(), 0))
        }
    })
}

pub fn format_number() -> TypedFunction {
    TypedFunction {
        name: "format_number",
        min_args: 2,
        max_args: 2,
        coerce: |name, t| {
            let x = match &t[0] {
                d @ DataType::Decimal128(_, _) => d.clone(),
                d if is_integral(d) || d == &DataType::Null => DataType::Int64,
                d if is_numeric(d) => DataType::Float64,
                d => return Err(unexpected_type(name, 1, "\"NUMERIC\"", d)),
            };
            let d = match &t[1] {
                d if is_integral(d) || d == &DataType::Null => DataType::Int32,
                d if is_string(d) => DataType::Utf8,
                d => return Err(unexpected_type(name, 2, "(\"INT\" or \"STRING\")", d)),
            };
            Ok(vec![x, d])
        },
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, a, n, _| {
            let spec = cast(&a[1], &DataType::Utf8)?;
            let spec = spec.as_string::<i32>();
            let by_places = a[1].data_type() != &DataType::Utf8;
            let mut out = StringOut::new("format_number", n);
            for i in 0..n {
                let format = match (spec.is_null(i), by_places) {
                    (true, _) => None,
                    (false, true) => spec.value(i).parse::<i32>().ok().and_then(Format::places),
                    (false, false) => Some(Format::pattern(spec.value(i))),
                };
                let places = format.as_ref().map_or(0, |f| f.max_frac);
                let text = match (format, digits_of(&a[0], i, places)) {
                    (Some(f), Some(Ok((neg, digits, scale)))) => Some(f.write(neg, &digits, scale)),
                    (Some(_), Some(Err(special))) => Some(special),
                    _ => None,
                };
                out.push(text.as_deref())?;
            }
            Ok(out.finish())
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_format() {
        let four = Format::places(4).unwrap();
        assert_eq!(four.write(false, "12332123456", 6), "12,332.1235");
        let zero = Format::places(0).unwrap();
        assert_eq!(zero.write(true, "5", 1), "-0");
        assert_eq!(zero.write(false, "15", 1), "2");
        assert_eq!(zero.write(false, "25", 1), "2");
        assert_eq!(zero.write(false, "999", 1), "100");
        assert_eq!(Format::pattern("##################.###").write(false, "12332123456", 6), "12332.123");
        assert_eq!(Format::pattern("#,###.00").write(false, "5", 0), "5.00");
        assert_eq!(Format::places(3).unwrap().write(false, "12345", 9), "0.000");
    }
}
