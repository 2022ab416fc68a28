//! Turns the text fields of CSV records into typed Arrow columns, as Spark's
//! `UnivocityParser` does: `nullValue` → NULL, `nanValue`/`positiveInf`/`negativeInf`
//! for floating point, `true`/`false` for booleans, `dateFormat`/`timestampFormat` when
//! given (else the lenient default parsing). A value that does not parse becomes NULL
//! and is reported, so the parse mode can decide about its record.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, Date32Array, StringArray, TimestampMicrosecondArray};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, TimeUnit};
use arrow::util::display::FormatOptions;
use ember_common::types::sql_type_name;
use ember_common::Result;

use crate::csv_options::CsvOptions;
use crate::datetime_pattern::FormatOption;

const EPOCH_DAYS_CE: i32 = 719_163;

fn safe_cast(strings: &StringArray, dt: &DataType) -> Result<ArrayRef> {
    let opts = CastOptions { safe: true, format_options: FormatOptions::default() };
    Ok(cast_with_options(strings, dt, &opts)?)
}

/// The typed column for `strings` (already NULL where the field is a NULL token).
pub fn convert_column(strings: &StringArray, dt: &DataType, opts: &CsvOptions) -> Result<ArrayRef> {
    Ok(match dt {
        DataType::Utf8 => Arc::new(strings.clone()),
        DataType::Boolean => Arc::new(strings.iter().map(|v| v.and_then(parse_bool)).collect::<BooleanArray>()),
        DataType::Float32 | DataType::Float64 => {
            let mapped: StringArray = strings
                .iter()
                .map(|v| {
                    v.map(|s| {
                        if s == opts.nan_value {
                            "NaN"
                        } else if s == opts.positive_inf {
                            "inf"
                        } else if s == opts.negative_inf {
                            "-inf"
                        } else {
                            s
                        }
                    })
                })
                .collect();
            safe_cast(&mapped, dt)?
        }
        DataType::Date32 | DataType::Timestamp(TimeUnit::Microsecond, _) => {
            parse_datetimes(strings, dt, opts.date_format.as_ref(), opts.timestamp_format.as_ref())?
        }
        other => safe_cast(strings, other)?,
    })
}

/// Dates and timestamps with `dateFormat` / `timestampFormat` when set (an invalid
/// pattern parses nothing), else the lenient default parsing.
pub fn parse_datetimes(
    strings: &StringArray,
    dt: &DataType,
    date_format: Option<&FormatOption>,
    timestamp_format: Option<&FormatOption>,
) -> Result<ArrayRef> {
    Ok(match (dt, date_format, timestamp_format) {
        (DataType::Date32, Some(f), _) => Arc::new(
            strings
                .iter()
                .map(|v| v.and_then(|s| f.pattern()?.parse_date(s)).map(|d| chrono::Datelike::num_days_from_ce(&d) - EPOCH_DAYS_CE))
                .collect::<Date32Array>(),
        ),
        (DataType::Timestamp(TimeUnit::Microsecond, tz), _, Some(f)) => Arc::new(
            strings
                .iter()
                .map(|v| v.and_then(|s| f.pattern()?.parse_timestamp_micros(s)))
                .collect::<TimestampMicrosecondArray>()
                .with_timezone_opt(tz.clone()),
        ),
        (other, _, _) => safe_cast(strings, other)?,
    })
}

/// Spark reads only `true` / `false` (any case) as booleans.
fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The reason a value failed to parse, as the malformed-record message says it: for a
/// date or timestamp whose pattern Spark cannot compile, that error.
pub fn parse_failure(value: &str, dt: &DataType, column: &str, date_format: Option<&FormatOption>, timestamp_format: Option<&FormatOption>) -> String {
    let format = match dt {
        DataType::Date32 => date_format,
        DataType::Timestamp(_, _) => timestamp_format,
        _ => None,
    };
    if let Some(Err(e)) = format.map(FormatOption::check) {
        return format!("[{}] {}", e.class(), e.message());
    }
    format!("Error while parsing value '{value}' as type {} for column `{column}`", sql_type_name(dt))
}

/// Rows where the text was a value but the typed column is NULL.
pub fn failed_rows(strings: &StringArray, typed: &dyn Array) -> Vec<usize> {
    if strings.null_count() == strings.len() || typed.null_count() == strings.null_count() {
        return Vec::new();
    }
    (0..strings.len()).filter(|&i| strings.is_valid(i) && typed.is_null(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ReadOptions;
    use arrow::array::{AsArray, Float64Array};
    use arrow::datatypes::Float64Type;

    #[test]
    fn numbers_booleans_and_special_floats() {
        let opts = CsvOptions::try_new(&ReadOptions::new().with("nanValue", "n/a").with("positiveInf", "+inf")).unwrap();
        let s = StringArray::from(vec![Some("1.5"), Some("n/a"), Some("+inf"), Some("-Inf"), Some("x"), None]);
        let out = convert_column(&s, &DataType::Float64, &opts).unwrap();
        let f: &Float64Array = out.as_primitive::<Float64Type>();
        assert_eq!(f.value(0), 1.5);
        assert!(f.value(1).is_nan());
        assert_eq!((f.value(2), f.value(3)), (f64::INFINITY, f64::NEG_INFINITY));
        assert_eq!(failed_rows(&s, out.as_ref()), vec![4]);
        let b = StringArray::from(vec!["TRUE", "false", "yes"]);
        let out = convert_column(&b, &DataType::Boolean, &opts).unwrap();
        assert_eq!(failed_rows(&b, out.as_ref()), vec![2]);
        assert_eq!(parse_failure("x", &DataType::Int32, "a", None, None), "Error while parsing value 'x' as type INT for column `a`");
    }

    #[test]
    fn formatted_dates_and_timestamps() {
        let opts =
            CsvOptions::try_new(&ReadOptions::new().with("dateFormat", "dd/MM/yyyy").with("timestampFormat", "dd/MM/yyyy HH:mm")).unwrap();
        let s = StringArray::from(vec!["02/01/1970", "1970-01-02"]);
        let out = convert_column(&s, &DataType::Date32, &opts).unwrap();
        assert_eq!(out.as_primitive::<arrow::datatypes::Date32Type>().value(0), 1);
        assert_eq!(failed_rows(&s, out.as_ref()), vec![1]);
        let t = StringArray::from(vec!["01/01/1970 00:01"]);
        let out = convert_column(&t, &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), &opts).unwrap();
        assert_eq!(out.as_primitive::<arrow::datatypes::TimestampMicrosecondType>().value(0), 60_000_000);
        // a pattern Spark cannot compile fails every value
        let opts = CsvOptions::try_new(&ReadOptions::new().with("dateFormat", "yyyy-MM-dd'T")).unwrap();
        let out = convert_column(&s, &DataType::Date32, &opts).unwrap();
        assert_eq!(failed_rows(&s, out.as_ref()), vec![0, 1]);
        let why = parse_failure("02/01/1970", &DataType::Date32, "d", opts.date_format.as_ref(), None);
        assert!(why.starts_with("[INVALID_DATETIME_PATTERN.WITH_SUGGESTION] Unrecognized datetime pattern"), "{why}");
    }
}
