//! Rendering one Arrow value as text, in the two styles Spark uses:
//! [`Style::Hive`] (the `spark-sql` CLI and golden files, `HiveResult.toHiveString`) and
//! [`Style::Pretty`] (`Dataset.show()`, the `ToPrettyString` cast to string).

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::*;
use ember_common::interval_type::{day_time_micros, format_hive_day_time, format_hive_year_month, IntervalType};
use ember_plan::format::{format_date, format_decimal, format_f32, format_f64, format_timestamp_micros};

use super::zone::SessionZone;

/// Which of Spark's two value renderings to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `HiveResult.toHiveString`: top-level NULL is `NULL`, nested null is `null`, nested
    /// strings are double-quoted, `[1,2]`, `{"k":1}` (map entries sorted), `{"a":1,"b":"x"}`,
    /// binary as UTF-8 text.
    Hive,
    /// `ToPrettyString` (used by `show()`): `NULL` everywhere, `[1, 2]`, `{k -> 1}`,
    /// `{1, x}`, strings never quoted, binary as `[01 02]`, intervals as SQL literals
    /// (`INTERVAL '3' MONTH`, which need the column's [`Field`] to know their fields).
    Pretty,
}

/// Renders values of any supported Arrow type in one [`Style`] and session time zone.
#[derive(Debug, Clone, Copy)]
pub struct ValueFormatter {
    style: Style,
    zone: SessionZone,
}

impl ValueFormatter {
    pub fn new(style: Style, time_zone: &str) -> Self {
        ValueFormatter { style, zone: SessionZone::parse(time_zone) }
    }

    /// The value at `row` as a top-level cell (intervals of their Arrow type's default type).
    pub fn format(&self, array: &dyn Array, row: usize) -> String {
        let mut out = String::new();
        self.write(&mut out, array, row, false);
        out
    }

    /// The value at `row` of a column described by `field` (whose metadata holds an
    /// interval column's Spark type).
    pub fn format_in(&self, field: &Field, array: &dyn Array, row: usize) -> String {
        let mut out = String::new();
        self.write_typed(&mut out, array, row, false, IntervalType::of_field(field));
        out
    }

    fn null_str(&self, nested: bool) -> &'static str {
        match (self.style, nested) {
            (Style::Hive, true) => "null",
            _ => "NULL",
        }
    }

    /// Appends the value at `row`; `nested` is true inside arrays, maps and structs.
    pub fn write(&self, out: &mut String, array: &dyn Array, row: usize, nested: bool) {
        self.write_typed(out, array, row, nested, None)
    }

    /// [`ValueFormatter::write`] of a value whose Spark interval type is `interval` (when
    /// it is an interval; `None`: its Arrow type's default).
    fn write_typed(&self, out: &mut String, array: &dyn Array, row: usize, nested: bool, interval: Option<IntervalType>) {
        if row >= array.len() {
            out.push_str(self.null_str(nested));
            return;
        }
        if is_null_at(array, row) {
            out.push_str(self.null_str(nested));
            return;
        }
        macro_rules! prim {
            ($t:ty) => {
                out.push_str(&array.as_primitive::<$t>().value(row).to_string())
            };
        }
        match array.data_type() {
            DataType::Boolean => out.push_str(if array.as_boolean().value(row) { "true" } else { "false" }),
            DataType::Int8 => prim!(Int8Type),
            DataType::Int16 => prim!(Int16Type),
            DataType::Int32 => prim!(Int32Type),
            DataType::Int64 => prim!(Int64Type),
            DataType::UInt8 => prim!(UInt8Type),
            DataType::UInt16 => prim!(UInt16Type),
            DataType::UInt32 => prim!(UInt32Type),
            DataType::UInt64 => prim!(UInt64Type),
            DataType::Float16 => out.push_str(&format_f32(array.as_primitive::<Float16Type>().value(row).to_f32())),
            DataType::Float32 => out.push_str(&format_f32(array.as_primitive::<Float32Type>().value(row))),
            DataType::Float64 => out.push_str(&format_f64(array.as_primitive::<Float64Type>().value(row))),
            DataType::Decimal32(_, s) => {
                out.push_str(&format_decimal(array.as_primitive::<Decimal32Type>().value(row) as i128, *s))
            }
            DataType::Decimal64(_, s) => {
                out.push_str(&format_decimal(array.as_primitive::<Decimal64Type>().value(row) as i128, *s))
            }
            DataType::Decimal128(_, s) => {
                out.push_str(&format_decimal(array.as_primitive::<Decimal128Type>().value(row), *s))
            }
            DataType::Decimal256(_, s) => {
                let v = array.as_primitive::<Decimal256Type>().value(row);
                out.push_str(&decimal_string(&v.to_string(), *s))
            }
            DataType::Utf8 => self.write_str(out, array.as_string::<i32>().value(row), nested),
            DataType::LargeUtf8 => self.write_str(out, array.as_string::<i64>().value(row), nested),
            DataType::Utf8View => self.write_str(out, array.as_string_view().value(row), nested),
            DataType::Binary => self.write_binary(out, array.as_binary::<i32>().value(row)),
            DataType::LargeBinary => self.write_binary(out, array.as_binary::<i64>().value(row)),
            DataType::BinaryView => self.write_binary(out, array.as_binary_view().value(row)),
            DataType::FixedSizeBinary(_) => self.write_binary(out, array.as_fixed_size_binary().value(row)),
            DataType::Date32 => out.push_str(&format_date(array.as_primitive::<Date32Type>().value(row))),
            DataType::Date64 => {
                let ms = array.as_primitive::<Date64Type>().value(row);
                out.push_str(&format_date(ms.div_euclid(86_400_000) as i32))
            }
            DataType::Timestamp(unit, tz) => {
                let micros = timestamp_micros(array, row, unit);
                match micros {
                    Some(m) => {
                        let offset = if tz.is_some() { self.zone.offset_seconds(m) } else { None };
                        out.push_str(&format_timestamp_micros(m, offset))
                    }
                    None => out.push_str("<timestamp out of range>"),
                }
            }
            DataType::Time32(_) | DataType::Time64(_) => out.push_str(&time_string(array, row)),
            DataType::Duration(unit) => {
                let micros = duration_micros(array, row, unit);
                self.write_interval(out, micros, interval.unwrap_or(IntervalType::DAY_TO_SECOND))
            }
            DataType::Interval(IntervalUnit::YearMonth) => {
                let months = array.as_primitive::<IntervalYearMonthType>().value(row);
                self.write_interval(out, months as i64, interval.unwrap_or(IntervalType::YEAR_TO_MONTH))
            }
            DataType::Interval(IntervalUnit::DayTime) => {
                // Spark's `interval day` (see `ember_common::interval_type`)
                let v = array.as_primitive::<IntervalDayTimeType>().value(row);
                let micros = day_time_micros(v.days, v.milliseconds);
                self.write_interval(out, micros, interval.unwrap_or(IntervalType::DAY))
            }
            DataType::Interval(IntervalUnit::MonthDayNano) => {
                let v = array.as_primitive::<IntervalMonthDayNanoType>().value(row);
                out.push_str(&calendar_interval_string(v.months, v.days, v.nanoseconds / 1000))
            }
            DataType::List(f) => self.write_list(out, &array.as_list::<i32>().value(row), f),
            DataType::LargeList(f) => self.write_list(out, &array.as_list::<i64>().value(row), f),
            DataType::ListView(f) => self.write_list(out, &array.as_list_view::<i32>().value(row), f),
            DataType::LargeListView(f) => self.write_list(out, &array.as_list_view::<i64>().value(row), f),
            DataType::FixedSizeList(f, _) => self.write_list(out, &array.as_fixed_size_list().value(row), f),
            DataType::Map(_, _) => self.write_map(out, array, row),
            DataType::Struct(_) => self.write_struct(out, array, row),
            _ => self.write_via_cast(out, array, row, nested),
        }
    }

    /// An interval value (months or micros): `0-3` / `0 01:00:00.000000000` in Hive style,
    /// `INTERVAL '3' MONTH` in pretty style.
    fn write_interval(&self, out: &mut String, value: i64, t: IntervalType) {
        match (self.style, t.is_year_month()) {
            (Style::Hive, true) => out.push_str(&format_hive_year_month(value as i32)),
            (Style::Hive, false) => out.push_str(&format_hive_day_time(value)),
            (Style::Pretty, _) => out.push_str(&t.format_ansi(value)),
        }
    }

    fn write_str(&self, out: &mut String, s: &str, nested: bool) {
        if nested && self.style == Style::Hive {
            out.push('"');
            out.push_str(s);
            out.push('"');
        } else {
            out.push_str(s);
        }
    }

    fn write_binary(&self, out: &mut String, bytes: &[u8]) {
        match self.style {
            Style::Hive => out.push_str(&String::from_utf8_lossy(bytes)),
            Style::Pretty => {
                out.push('[');
                for (i, b) in bytes.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&format!("{b:02X}"));
                }
                out.push(']');
            }
        }
    }

    fn write_list(&self, out: &mut String, values: &ArrayRef, item: &Field) {
        let sep = if self.style == Style::Hive { "," } else { ", " };
        let interval = IntervalType::of_field(item);
        out.push('[');
        for i in 0..values.len() {
            if i > 0 {
                out.push_str(sep);
            }
            self.write_typed(out, values.as_ref(), i, true, interval);
        }
        out.push(']');
    }

    fn write_map(&self, out: &mut String, array: &dyn Array, row: usize) {
        let map = array.as_map();
        let entries = map.value(row);
        let (keys, values) = (entries.column(0), entries.column(1));
        let key_type = IntervalType::of_field(&entries.fields()[0]);
        let value_type = IntervalType::of_field(&entries.fields()[1]);
        let mut items: Vec<String> = (0..entries.len())
            .map(|i| {
                let mut s = String::new();
                self.write_typed(&mut s, keys.as_ref(), i, true, key_type);
                s.push_str(if self.style == Style::Hive { ":" } else { " -> " });
                self.write_typed(&mut s, values.as_ref(), i, true, value_type);
                s
            })
            .collect();
        if self.style == Style::Hive {
            // HiveResult sorts the rendered `key:value` strings.
            items.sort();
        }
        out.push('{');
        out.push_str(&items.join(if self.style == Style::Hive { "," } else { ", " }));
        out.push('}');
    }

    fn write_struct(&self, out: &mut String, array: &dyn Array, row: usize) {
        let s = array.as_struct();
        out.push('{');
        for (i, (field, column)) in s.fields().iter().zip(s.columns()).enumerate() {
            match self.style {
                Style::Hive => {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(field.name());
                    out.push_str("\":");
                }
                Style::Pretty => {
                    if i > 0 {
                        out.push_str(", ");
                    }
                }
            }
            self.write_typed(out, column.as_ref(), row, true, IntervalType::of_field(field));
        }
        out.push('}');
    }

    /// Dictionary, run-end encoded and other wrappers: cast the one value to its plain type.
    fn write_via_cast(&self, out: &mut String, array: &dyn Array, row: usize, nested: bool) {
        let target = match array.data_type() {
            DataType::Dictionary(_, v) => v.as_ref().clone(),
            DataType::RunEndEncoded(_, v) => v.data_type().clone(),
            _ => DataType::Utf8,
        };
        let one = array.slice(row, 1);
        match arrow::compute::cast(&one, &target) {
            Ok(plain) if plain.data_type() != array.data_type() => self.write(out, plain.as_ref(), 0, nested),
            _ => out.push_str(&format!("<{}>", array.data_type())),
        }
    }
}

/// Whether the value at `row` is NULL (a `NullArray` has no validity buffer of its own).
pub fn is_null_at(array: &dyn Array, row: usize) -> bool {
    array.data_type() == &DataType::Null || array.is_null(row)
}

/// An unscaled integer's decimal digits with exactly `scale` fractional digits.
fn decimal_string(unscaled: &str, scale: i8) -> String {
    let (sign, digits) = match unscaled.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", unscaled),
    };
    if scale <= 0 {
        let zeros = if digits == "0" { 0 } else { (-scale) as usize };
        return format!("{sign}{digits}{}", "0".repeat(zeros));
    }
    let scale = scale as usize;
    let padded =
        if digits.len() <= scale { format!("{}{}", "0".repeat(scale + 1 - digits.len()), digits) } else { digits.into() };
    let (i, f) = padded.split_at(padded.len() - scale);
    format!("{sign}{i}.{f}")
}

fn timestamp_micros(array: &dyn Array, row: usize, unit: &TimeUnit) -> Option<i64> {
    match unit {
        TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row).checked_mul(1_000_000),
        TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(row).checked_mul(1_000),
        TimeUnit::Microsecond => Some(array.as_primitive::<TimestampMicrosecondType>().value(row)),
        TimeUnit::Nanosecond => Some(array.as_primitive::<TimestampNanosecondType>().value(row).div_euclid(1_000)),
    }
}

fn duration_micros(array: &dyn Array, row: usize, unit: &TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(row).saturating_mul(1_000_000),
        TimeUnit::Millisecond => array.as_primitive::<DurationMillisecondType>().value(row).saturating_mul(1_000),
        TimeUnit::Microsecond => array.as_primitive::<DurationMicrosecondType>().value(row),
        TimeUnit::Nanosecond => array.as_primitive::<DurationNanosecondType>().value(row) / 1_000,
    }
}

/// Micros as `ss[.ffffff]` with trailing zeros dropped (Java's `stripTrailingZeros`).
fn seconds_string(micros: u64, pad: bool) -> String {
    let (secs, frac) = (micros / 1_000_000, micros % 1_000_000);
    let whole = if pad { format!("{secs:02}") } else { secs.to_string() };
    if frac == 0 {
        whole
    } else {
        format!("{whole}.{}", format!("{frac:06}").trim_end_matches('0'))
    }
}

fn time_string(array: &dyn Array, row: usize) -> String {
    let micros: i64 = match array.data_type() {
        DataType::Time32(TimeUnit::Second) => array.as_primitive::<Time32SecondType>().value(row) as i64 * 1_000_000,
        DataType::Time32(_) => array.as_primitive::<Time32MillisecondType>().value(row) as i64 * 1_000,
        DataType::Time64(TimeUnit::Microsecond) => array.as_primitive::<Time64MicrosecondType>().value(row),
        DataType::Time64(_) => array.as_primitive::<Time64NanosecondType>().value(row) / 1_000,
        _ => 0,
    };
    let m = micros.rem_euclid(86_400_000_000) as u64;
    format!("{:02}:{:02}:{}", m / 3_600_000_000, m / 60_000_000 % 60, seconds_string(m % 60_000_000, true))
}

/// Spark's `CalendarInterval.toString`: `1 years 2 months 3 days 4 hours 5.5 seconds`.
fn calendar_interval_string(months: i32, days: i32, micros: i64) -> String {
    if months == 0 && days == 0 && micros == 0 {
        return "0 seconds".into();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut unit = |v: i64, name: &str| {
        if v != 0 {
            parts.push(format!("{v} {name}"));
        }
    };
    unit((months / 12) as i64, "years");
    unit((months % 12) as i64, "months");
    unit(days as i64, "days");
    unit(micros / 3_600_000_000, "hours");
    unit(micros % 3_600_000_000 / 60_000_000, "minutes");
    let rest = micros % 60_000_000;
    if rest != 0 {
        let sign = if rest < 0 { "-" } else { "" };
        parts.push(format!("{sign}{} seconds", seconds_string(rest.unsigned_abs(), false)));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings() {
        assert_eq!(decimal_string("12345", 2), "123.45");
        assert_eq!(decimal_string("-5", 3), "-0.005");
        assert_eq!(decimal_string("7", 0), "7");
        assert_eq!(decimal_string("7", -2), "700");
    }

    #[test]
    fn intervals() {
        assert_eq!(calendar_interval_string(14, 3, 3_661_500_000), "1 years 2 months 3 days 1 hours 1 minutes 1.5 seconds");
        assert_eq!(calendar_interval_string(0, 0, 0), "0 seconds");
    }
}
