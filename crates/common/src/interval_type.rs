//! Spark's ANSI interval types (`interval month`, `interval day to hour`, …): the start
//! and end fields that Arrow types cannot hold, kept as metadata on Arrow fields; their
//! names, widening, and Spark's two renderings of a value (ANSI `INTERVAL '3' MONTH`,
//! Hive `0-3`).
//!
//! Storage, one Arrow type per class, chosen once for the whole engine:
//!
//! | Spark type                                   | Arrow type               | value  |
//! |----------------------------------------------|--------------------------|--------|
//! | `interval year`, `year to month`, `month`     | `Interval(YearMonth)`    | months |
//! | `interval day`                               | `Interval(DayTime)`, 0 ms | days   |
//! | every other day-time type (`hour`, `day to second`, …) | `Duration(Microsecond)` | micros |
//!
//! `interval day` has its own Arrow type because typing depends on it: `date ± interval
//! day` is a date, `date ± interval hour` a timestamp. Each Arrow type stands for one
//! Spark type by default (`interval year to month`, `interval day`, `interval day to
//! second`); a field of any other Spark type (`interval month`, `interval hour`, …) names
//! it under [`SPARK_TYPE_KEY`] in its metadata.

use arrow::datatypes::{DataType, Field, IntervalUnit, TimeUnit};

/// Field-metadata key holding the Spark type name when the Arrow type alone does not
/// determine it (`interval hour`).
pub const SPARK_TYPE_KEY: &str = "ember.spark_type";

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
pub const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
pub const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;

/// The microseconds of an Arrow `IntervalDayTime` (the storage of `interval day`),
/// saturating: Spark's `interval day` holds at most 106751991 days, and a value beyond
/// that is an overflow error where it is computed.
pub fn day_time_micros(days: i32, millis: i32) -> i64 {
    (days as i64).saturating_mul(MICROS_PER_DAY).saturating_add(millis as i64 * 1000)
}

/// A field of an interval type, coarsest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntervalField {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

impl IntervalField {
    /// Spark's lower-case name (`day`).
    pub fn name(self) -> &'static str {
        match self {
            IntervalField::Year => "year",
            IntervalField::Month => "month",
            IntervalField::Day => "day",
            IntervalField::Hour => "hour",
            IntervalField::Minute => "minute",
            IntervalField::Second => "second",
        }
    }

    /// The field a word names (`day`, case-insensitive), without plural forms.
    pub fn parse(word: &str) -> Option<IntervalField> {
        Some(match word.to_ascii_lowercase().as_str() {
            "year" => IntervalField::Year,
            "month" => IntervalField::Month,
            "day" => IntervalField::Day,
            "hour" => IntervalField::Hour,
            "minute" => IntervalField::Minute,
            "second" => IntervalField::Second,
            _ => return None,
        })
    }

    pub fn is_year_month(self) -> bool {
        matches!(self, IntervalField::Year | IntervalField::Month)
    }

    /// Microseconds in one unit of a day-time field.
    pub fn micros(self) -> i64 {
        match self {
            IntervalField::Day => MICROS_PER_DAY,
            IntervalField::Hour => MICROS_PER_HOUR,
            IntervalField::Minute => MICROS_PER_MINUTE,
            IntervalField::Second => MICROS_PER_SECOND,
            IntervalField::Year | IntervalField::Month => 0,
        }
    }
}

/// One of Spark's ANSI interval types: `YearMonthIntervalType(start, end)` or
/// `DayTimeIntervalType(start, end)`; both fields of one class, `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntervalType {
    start: IntervalField,
    end: IntervalField,
}

impl IntervalType {
    /// `interval year to month`, Spark's default year-month type.
    pub const YEAR_TO_MONTH: IntervalType = IntervalType { start: IntervalField::Year, end: IntervalField::Month };
    /// `interval day`.
    pub const DAY: IntervalType = IntervalType { start: IntervalField::Day, end: IntervalField::Day };
    /// `interval day to second`, Spark's default day-time type.
    pub const DAY_TO_SECOND: IntervalType = IntervalType { start: IntervalField::Day, end: IntervalField::Second };

    /// The type from `start` to `end`; `None` if they mix classes or are out of order.
    pub fn new(start: IntervalField, end: IntervalField) -> Option<IntervalType> {
        (start.is_year_month() == end.is_year_month() && start <= end).then_some(IntervalType { start, end })
    }

    pub fn start(self) -> IntervalField {
        self.start
    }

    pub fn end(self) -> IntervalField {
        self.end
    }

    pub fn is_year_month(self) -> bool {
        self.start.is_year_month()
    }

    /// The default type of this type's class (`interval year to month` or `interval day to second`).
    pub fn class_default(self) -> IntervalType {
        if self.is_year_month() {
            IntervalType::YEAR_TO_MONTH
        } else {
            IntervalType::DAY_TO_SECOND
        }
    }

    /// The Arrow type values of this type are stored as.
    pub fn arrow_type(self) -> DataType {
        if self.is_year_month() {
            DataType::Interval(IntervalUnit::YearMonth)
        } else if self == IntervalType::DAY {
            DataType::Interval(IntervalUnit::DayTime)
        } else {
            DataType::Duration(TimeUnit::Microsecond)
        }
    }

    /// The Spark type an Arrow interval type stands for when nothing else says more;
    /// `None` for other types.
    pub fn default_for(dt: &DataType) -> Option<IntervalType> {
        match dt {
            DataType::Interval(IntervalUnit::YearMonth) => Some(IntervalType::YEAR_TO_MONTH),
            DataType::Interval(IntervalUnit::DayTime) => Some(IntervalType::DAY),
            DataType::Duration(TimeUnit::Microsecond) => Some(IntervalType::DAY_TO_SECOND),
            _ => None,
        }
    }

    /// Whether values of Arrow type `dt` can be of this type (same class).
    pub fn fits(self, dt: &DataType) -> bool {
        IntervalType::default_for(dt).is_some_and(|d| d.is_year_month() == self.is_year_month())
    }

    /// The Spark interval type of a field: its metadata, else its Arrow type's default.
    pub fn of_field(field: &Field) -> Option<IntervalType> {
        let default = IntervalType::default_for(field.data_type())?;
        let named = field.metadata().get(SPARK_TYPE_KEY).and_then(|s| IntervalType::parse_name(s));
        Some(named.filter(|t| t.fits(field.data_type())).unwrap_or(default))
    }

    /// `field` marked as being of this type (no metadata when its Arrow type says it all).
    pub fn annotate(self, mut field: Field) -> Field {
        if IntervalType::default_for(field.data_type()) == Some(self) || !self.fits(field.data_type()) {
            if field.metadata().contains_key(SPARK_TYPE_KEY) {
                field.metadata_mut().remove(SPARK_TYPE_KEY);
            }
        } else {
            field.metadata_mut().insert(SPARK_TYPE_KEY, self.catalog_string());
        }
        field
    }

    /// The narrowest type both fit in (Spark's widening of ANSI intervals); `None`
    /// across classes.
    pub fn widen(self, other: IntervalType) -> Option<IntervalType> {
        IntervalType::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Spark's `catalogString`: `interval day to hour`, `interval month`.
    pub fn catalog_string(self) -> String {
        if self.start == self.end {
            format!("interval {}", self.start.name())
        } else {
            format!("interval {} to {}", self.start.name(), self.end.name())
        }
    }

    /// Reads a [`IntervalType::catalog_string`] back (case-insensitive).
    pub fn parse_name(s: &str) -> Option<IntervalType> {
        let words: Vec<String> = s.split_whitespace().map(|w| w.to_ascii_lowercase()).collect();
        match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["interval", f] => {
                let f = IntervalField::parse(f)?;
                IntervalType::new(f, f)
            }
            ["interval", s, "to", e] => IntervalType::new(IntervalField::parse(s)?, IntervalField::parse(e)?),
            _ => None,
        }
    }

    /// A value as Spark writes it in SQL, literal names and `CAST(… AS STRING)`
    /// (`IntervalUtils` ANSI style): `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '3' MONTH`,
    /// `INTERVAL '1 02' DAY TO HOUR`, `INTERVAL '01.5' SECOND`. `value` is months for
    /// year-month types, microseconds for day-time types.
    pub fn format_ansi(self, value: i64) -> String {
        let (from, to) = (self.start.name().to_ascii_uppercase(), self.end.name().to_ascii_uppercase());
        let suffix = if self.start == self.end { from } else { format!("{from} TO {to}") };
        let sign = if value < 0 { "-" } else { "" };
        let abs = value.unsigned_abs();
        let body = if self.is_year_month() {
            match (self.start, self.end) {
                (IntervalField::Year, IntervalField::Year) => format!("{sign}{}", abs / 12),
                (IntervalField::Month, IntervalField::Month) => value.to_string(),
                _ => format!("{sign}{}-{}", abs / 12, abs % 12),
            }
        } else {
            let mut out = sign.to_string();
            let mut rest = abs;
            let unit = |f: IntervalField| f.micros() as u64;
            out.push_str(&match self.start {
                IntervalField::Day => {
                    let d = rest / unit(IntervalField::Day);
                    rest %= unit(IntervalField::Day);
                    d.to_string()
                }
                IntervalField::Hour | IntervalField::Minute => {
                    let v = rest / unit(self.start);
                    rest %= unit(self.start);
                    format!("{v:02}")
                }
                _ => ansi_seconds(rest),
            });
            for (field, sep) in [(IntervalField::Hour, " "), (IntervalField::Minute, ":")] {
                if self.start < field && field <= self.end {
                    out.push_str(&format!("{sep}{:02}", rest / unit(field)));
                    rest %= unit(field);
                }
            }
            if self.start < IntervalField::Second && self.end == IntervalField::Second {
                out.push(':');
                out.push_str(&ansi_seconds(rest));
            }
            out
        };
        format!("INTERVAL '{body}' {suffix}")
    }
}

impl std::fmt::Display for IntervalType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.catalog_string())
    }
}

/// Seconds of `micros` as Spark's ANSI style writes them: at least two integer digits,
/// fraction without trailing zeros (`01.5`, `00`, `100`).
fn ansi_seconds(micros: u64) -> String {
    let (secs, frac) = (micros / 1_000_000, micros % 1_000_000);
    let lead = if micros < 10_000_000 { "0" } else { "" };
    if frac == 0 {
        format!("{lead}{secs}")
    } else {
        format!("{lead}{secs}.{}", format!("{frac:06}").trim_end_matches('0'))
    }
}

/// A year-month value as the `spark-sql` CLI prints it (`HiveResult`): `1-2`, `-0-3`.
pub fn format_hive_year_month(months: i32) -> String {
    let sign = if months < 0 { "-" } else { "" };
    let m = months.unsigned_abs();
    format!("{sign}{}-{}", m / 12, m % 12)
}

/// A day-time value as the `spark-sql` CLI prints it (`HiveResult`), whatever its
/// fields: `1 02:03:04.500000000`.
pub fn format_hive_day_time(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    let day = MICROS_PER_DAY as u64;
    let (days, rest) = (m / day, m % day);
    format!(
        "{sign}{days} {:02}:{:02}:{:02}.{:09}",
        rest / MICROS_PER_HOUR as u64,
        rest / MICROS_PER_MINUTE as u64 % 60,
        rest / MICROS_PER_SECOND as u64 % 60,
        rest % MICROS_PER_SECOND as u64 * 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntervalField::*;

    fn t(s: IntervalField, e: IntervalField) -> IntervalType {
        IntervalType::new(s, e).unwrap()
    }

    #[test]
    fn ansi_style_follows_the_fields() {
        assert_eq!(t(Year, Month).format_ansi(14), "INTERVAL '1-2' YEAR TO MONTH");
        assert_eq!(t(Year, Month).format_ansi(-3), "INTERVAL '-0-3' YEAR TO MONTH");
        assert_eq!(t(Month, Month).format_ansi(-3), "INTERVAL '-3' MONTH");
        assert_eq!(t(Year, Year).format_ansi(24), "INTERVAL '2' YEAR");
        assert_eq!(t(Day, Day).format_ansi(90 * MICROS_PER_DAY), "INTERVAL '90' DAY");
        assert_eq!(t(Day, Hour).format_ansi(2 * MICROS_PER_DAY + 3 * MICROS_PER_HOUR), "INTERVAL '2 03' DAY TO HOUR");
        assert_eq!(t(Day, Second).format_ansi(93_784_500_000), "INTERVAL '1 02:03:04.5' DAY TO SECOND");
        assert_eq!(t(Hour, Hour).format_ansi(36 * MICROS_PER_HOUR), "INTERVAL '36' HOUR");
        assert_eq!(t(Hour, Minute).format_ansi(10 * MICROS_PER_HOUR + 20 * MICROS_PER_MINUTE), "INTERVAL '10:20' HOUR TO MINUTE");
        assert_eq!(t(Second, Second).format_ansi(1_500_000), "INTERVAL '01.5' SECOND");
        assert_eq!(t(Second, Second).format_ansi(0), "INTERVAL '00' SECOND");
        assert_eq!(t(Second, Second).format_ansi(10), "INTERVAL '00.00001' SECOND");
        assert_eq!(t(Minute, Second).format_ansi(-184_000_000), "INTERVAL '-03:04' MINUTE TO SECOND");
        // Long.MinValue, which Spark special-cases, comes out the same
        assert_eq!(t(Day, Second).format_ansi(i64::MIN), "INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND");
        assert_eq!(t(Hour, Minute).format_ansi(i64::MIN), "INTERVAL '-2562047788:00' HOUR TO MINUTE");
    }

    #[test]
    fn hive_style_ignores_the_fields() {
        assert_eq!(format_hive_year_month(-3), "-0-3");
        assert_eq!(format_hive_year_month(14), "1-2");
        assert_eq!(format_hive_day_time(90 * MICROS_PER_DAY), "90 00:00:00.000000000");
        assert_eq!(format_hive_day_time(-1_500_000), "-0 00:00:01.500000000");
        assert_eq!(format_hive_day_time(i64::MIN), "-106751991 04:00:54.775808000");
    }

    #[test]
    fn names_metadata_and_widening() {
        assert_eq!(t(Day, Hour).catalog_string(), "interval day to hour");
        assert_eq!(IntervalType::parse_name("INTERVAL Day TO hour"), Some(t(Day, Hour)));
        assert_eq!(IntervalType::parse_name("interval hour to day"), None);
        assert_eq!(t(Day, Day).widen(t(Hour, Hour)), Some(t(Day, Hour)));
        assert_eq!(t(Month, Month).widen(t(Hour, Hour)), None);
        let f = t(Hour, Hour).annotate(Field::new("i", DataType::Duration(TimeUnit::Microsecond), true));
        assert_eq!(IntervalType::of_field(&f), Some(t(Hour, Hour)));
        let plain = IntervalType::DAY_TO_SECOND.annotate(f);
        assert!(plain.metadata().is_empty());
        assert_eq!(IntervalType::of_field(&plain), Some(IntervalType::DAY_TO_SECOND));
        // metadata of the wrong class is ignored
        let odd = t(Month, Month).annotate(Field::new("i", DataType::Duration(TimeUnit::Microsecond), true));
        assert_eq!(IntervalType::of_field(&odd), Some(IntervalType::DAY_TO_SECOND));
        assert_eq!(t(Day, Day).arrow_type(), DataType::Interval(IntervalUnit::DayTime));
    }
}
