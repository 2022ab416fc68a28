//! DataFrame wrappers for the scalar families added for issue 12: hashes, NULL helpers,
//! URLs, character sets, UTF-8 validity, masking, regular expressions, time zones,
//! `make_*` timestamps and intervals, and `timestamp_add` / `timestamp_diff`. Each calls
//! the registry function of the same SQL name.

use super::{call_function, lit};
use crate::column::Column;

unary!(dayname, monthname, nullifzero, zeroifnull, url_encode, url_decode, try_url_decode, is_valid_utf8, make_valid_utf8,
    validate_utf8, try_validate_utf8, quote);
binary!(equal_null, encode, decode, regexp_count, regexp_substr, from_utc_timestamp, to_utc_timestamp);
nullary!(localtimestamp, current_timezone, version);

/// `args` with the optional ones that were given.
fn with_optional(mut args: Vec<Column>, optional: impl IntoIterator<Item = Option<Column>>) -> Vec<Column> {
    args.extend(optional.into_iter().flatten());
    args
}

/// `hash(cols…)`: Spark's Murmur3 hash, seed 42.
pub fn hash(cols: Vec<Column>) -> Column {
    call_function("hash", cols)
}
/// `xxhash64(cols…)`: Spark's XXH64 hash, seed 42.
pub fn xxhash64(cols: Vec<Column>) -> Column {
    call_function("xxhash64", cols)
}
/// `parse_url(url, part[, key])`
pub fn parse_url(url: Column, part: impl Into<Column>, key: Option<Column>) -> Column {
    call_function("parse_url", with_optional(vec![url, part.into()], [key]))
}
/// `try_parse_url(url, part[, key])`: NULL for an invalid URL.
pub fn try_parse_url(url: Column, part: impl Into<Column>, key: Option<Column>) -> Column {
    call_function("try_parse_url", with_optional(vec![url, part.into()], [key]))
}
/// `to_binary(s[, format])`, format `hex` (default), `utf-8` or `base64`.
pub fn to_binary(s: Column, format: Option<&str>) -> Column {
    call_function("to_binary", with_optional(vec![s], [format.map(lit)]))
}
/// `try_to_binary(s[, format])`: NULL for malformed input.
pub fn try_to_binary(s: Column, format: Option<&str>) -> Column {
    call_function("try_to_binary", with_optional(vec![s], [format.map(lit)]))
}
/// `mask(s, upper, lower, digit, other)`; `None` keeps Spark's default (`X`, `x`, `n`, keep).
pub fn mask(s: Column, upper: Option<&str>, lower: Option<&str>, digit: Option<&str>, other: Option<&str>) -> Column {
    let text = |c: Option<&str>, default: Option<&str>| match c.or(default) {
        Some(c) => lit(c),
        None => super::null(),
    };
    call_function("mask", vec![s, text(upper, Some("X")), text(lower, Some("x")), text(digit, Some("n")), text(other, None)])
}
/// `regexp_extract_all(s, regexp[, idx])` (group 1 by default).
pub fn regexp_extract_all(s: Column, regexp: impl Into<Column>, idx: Option<Column>) -> Column {
    call_function("regexp_extract_all", with_optional(vec![s, regexp.into()], [idx]))
}
/// `regexp_instr(s, regexp[, idx])`
pub fn regexp_instr(s: Column, regexp: impl Into<Column>, idx: Option<Column>) -> Column {
    call_function("regexp_instr", with_optional(vec![s, regexp.into()], [idx]))
}
/// `convert_timezone([source_tz, ]target_tz, ts)`
pub fn convert_timezone(source_tz: Option<Column>, target_tz: impl Into<Column>, ts: Column) -> Column {
    let mut args: Vec<Column> = source_tz.into_iter().collect();
    args.extend([target_tz.into(), ts]);
    call_function("convert_timezone", args)
}
/// `to_timestamp_ntz(s[, format])`
pub fn to_timestamp_ntz(s: Column, format: Option<&str>) -> Column {
    call_function("to_timestamp_ntz", with_optional(vec![s], [format.map(lit)]))
}
/// `to_timestamp_ltz(s[, format])`
pub fn to_timestamp_ltz(s: Column, format: Option<&str>) -> Column {
    call_function("to_timestamp_ltz", with_optional(vec![s], [format.map(lit)]))
}
/// `datepart(field, source)`
pub fn datepart(field: &str, source: Column) -> Column {
    call_function("datepart", vec![lit(field), source])
}
/// `timestampadd(unit, quantity, ts)`, PySpark's `timestamp_add`; `unit` is `HOUR`, `DAY`, ….
pub fn timestamp_add(unit: &str, quantity: impl Into<Column>, ts: Column) -> Column {
    call_function("timestampadd", vec![lit(unit.to_ascii_uppercase()), quantity.into(), ts])
}
/// `timestampdiff(unit, start, end)`, PySpark's `timestamp_diff`.
pub fn timestamp_diff(unit: &str, start: Column, end: Column) -> Column {
    call_function("timestampdiff", vec![lit(unit.to_ascii_uppercase()), start, end])
}

/// The six fields of a timestamp and an optional zone.
pub struct TimestampFields {
    pub years: Column,
    pub months: Column,
    pub days: Column,
    pub hours: Column,
    pub mins: Column,
    pub secs: Column,
}

impl TimestampFields {
    fn args(self, timezone: Option<Column>) -> Vec<Column> {
        with_optional(vec![self.years, self.months, self.days, self.hours, self.mins, self.secs], [timezone])
    }
}

/// `make_timestamp(y, mo, d, h, mi, s[, tz])`
pub fn make_timestamp(f: TimestampFields, timezone: Option<Column>) -> Column {
    call_function("make_timestamp", f.args(timezone))
}
/// `make_timestamp_ltz(y, mo, d, h, mi, s[, tz])`
pub fn make_timestamp_ltz(f: TimestampFields, timezone: Option<Column>) -> Column {
    call_function("make_timestamp_ltz", f.args(timezone))
}
/// `make_timestamp_ntz(y, mo, d, h, mi, s)`
pub fn make_timestamp_ntz(f: TimestampFields) -> Column {
    call_function("make_timestamp_ntz", f.args(None))
}
/// `try_make_timestamp(y, mo, d, h, mi, s[, tz])`: NULL for invalid fields.
pub fn try_make_timestamp(f: TimestampFields, timezone: Option<Column>) -> Column {
    call_function("try_make_timestamp", f.args(timezone))
}
/// `try_make_timestamp_ltz(y, mo, d, h, mi, s[, tz])`
pub fn try_make_timestamp_ltz(f: TimestampFields, timezone: Option<Column>) -> Column {
    call_function("try_make_timestamp_ltz", f.args(timezone))
}
/// `try_make_timestamp_ntz(y, mo, d, h, mi, s)`
pub fn try_make_timestamp_ntz(f: TimestampFields) -> Column {
    call_function("try_make_timestamp_ntz", f.args(None))
}
/// `make_ym_interval([years[, months]])`; omitted fields are 0.
pub fn make_ym_interval(years: Option<Column>, months: Option<Column>) -> Column {
    call_function("make_ym_interval", leading(vec![years, months]))
}
/// `make_dt_interval([days[, hours[, mins[, secs]]]])`
pub fn make_dt_interval(days: Option<Column>, hours: Option<Column>, mins: Option<Column>, secs: Option<Column>) -> Column {
    call_function("make_dt_interval", leading(vec![days, hours, mins, secs]))
}
/// `make_interval(years, months, weeks, days, hours, mins, secs)`, each optional.
pub fn make_interval(fields: [Option<Column>; 7]) -> Column {
    call_function("make_interval", leading(fields.into()))
}
/// `try_make_interval(…)`: NULL on overflow.
pub fn try_make_interval(fields: [Option<Column>; 7]) -> Column {
    call_function("try_make_interval", leading(fields.into()))
}

/// Optional leading arguments: up to the last one given, the missing ones as 0.
fn leading(fields: Vec<Option<Column>>) -> Vec<Column> {
    let given = fields.iter().rposition(|f| f.is_some()).map_or(0, |p| p + 1);
    fields.into_iter().take(given).map(|f| f.unwrap_or_else(|| lit(0))).collect()
}

nullary!(uuid, monotonically_increasing_id, spark_partition_id, input_file_name, input_file_block_start, input_file_block_length);

/// `rand([seed])`: uniform in [0, 1) with Spark's generator; no seed draws one.
pub fn rand(seed: Option<i64>) -> Column {
    call_function("rand", seed.map(lit).into_iter().collect())
}
/// `randn([seed])`: standard normal with Spark's generator.
pub fn randn(seed: Option<i64>) -> Column {
    call_function("randn", seed.map(lit).into_iter().collect())
}
/// `uniform(min, max[, seed])`
pub fn uniform(min: impl Into<Column>, max: impl Into<Column>, seed: Option<i64>) -> Column {
    call_function("uniform", with_optional(vec![min.into(), max.into()], [seed.map(lit)]))
}
/// `randstr(length[, seed])`: random letters and digits.
pub fn randstr(length: i32, seed: Option<i64>) -> Column {
    call_function("randstr", with_optional(vec![lit(length)], [seed.map(lit)]))
}
/// `raise_error(message)`: fails with USER_RAISED_EXCEPTION.
pub fn raise_error(message: impl Into<Column>) -> Column {
    call_function("raise_error", vec![message.into()])
}
/// `assert_true(cond[, message])`: NULL, or USER_RAISED_EXCEPTION where `cond` is not
/// true; the default message names the condition, as Spark's.
pub fn assert_true(cond: Column, message: Option<Column>) -> Column {
    let message = message.unwrap_or_else(|| lit(format!("'{}' is not true!", cond.expr)));
    call_function("assert_true", vec![cond, message])
}

/// `format_number(x, d)`: `d` decimal places, grouped thousands.
pub fn format_number(x: Column, d: i32) -> Column {
    call_function("format_number", vec![x, lit(d)])
}
/// `to_number(s, format)`: a decimal of the format's digits.
pub fn to_number(s: Column, format: &str) -> Column {
    call_function("to_number", vec![s, lit(format)])
}
/// `try_to_number(s, format)`: NULL where `s` does not match.
pub fn try_to_number(s: Column, format: &str) -> Column {
    call_function("try_to_number", vec![s, lit(format)])
}
/// `to_char(x, format)`: a number in a number format.
pub fn to_char(x: Column, format: &str) -> Column {
    call_function("to_char", vec![x, lit(format)])
}
/// `to_varchar(x, format)`, the same as [`to_char`].
pub fn to_varchar(x: Column, format: &str) -> Column {
    call_function("to_varchar", vec![x, lit(format)])
}
/// `overlay(input, replace, pos[, len])`
pub fn overlay(input: Column, replace: impl Into<Column>, pos: impl Into<Column>, len: Option<Column>) -> Column {
    call_function("overlay", with_optional(vec![input, replace.into(), pos.into()], [len]))
}
/// `sentences(s[, language, country])`: the words of each sentence.
pub fn sentences(s: Column, language: Option<Column>, country: Option<Column>) -> Column {
    call_function("sentences", with_optional(vec![s], [language, country]))
}
/// `collation(s)`: `SYSTEM.BUILTIN.UTF8_BINARY`.
pub fn collation(s: Column) -> Column {
    call_function("collation", vec![s])
}
