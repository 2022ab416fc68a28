//! Values as the CSV and JSON writers print them, as Spark does by default: Java's
//! number formatting, dates as `yyyy-MM-dd`, timestamps as
//! `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session time zone.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, TimeUnit};
use ember_common::{Error, Result};
use ember_plan::format::format_date;

use crate::format::value::{Style, ValueFormatter};
use crate::format::zone::SessionZone;

/// Spark's default `dateFormat` for writing.
pub const DEFAULT_DATE_FORMAT: &str = "yyyy-MM-dd";
/// Spark's default `timestampFormat` for writing.
pub const DEFAULT_TIMESTAMP_FORMAT: &str = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

/// Checks the date and timestamp patterns of writer options (only Spark's defaults
/// and the reader's default are supported).
pub fn check_patterns(
    date_format: Option<&str>,
    timestamp_format: Option<&str>,
    format: &str,
) -> Result<()> {
    if let Some(d) = date_format {
        if d != DEFAULT_DATE_FORMAT {
            return Err(Error::unsupported(format!(
                "{format} option dateFormat='{d}' (only '{DEFAULT_DATE_FORMAT}')"
            )));
        }
    }
    if let Some(t) = timestamp_format {
        if t != DEFAULT_TIMESTAMP_FORMAT && t != "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]" {
            return Err(Error::unsupported(format!(
                "{format} option timestampFormat='{t}' (only '{DEFAULT_TIMESTAMP_FORMAT}')"
            )));
        }
    }
    Ok(())
}

/// Renders non-null scalar values of one column for text formats.
pub struct TextValues {
    numbers: ValueFormatter,
    zone: SessionZone,
}

impl TextValues {
    pub fn new(time_zone: &str) -> Self {
        TextValues {
            numbers: ValueFormatter::new(Style::Pretty, time_zone),
            zone: SessionZone::parse(time_zone),
        }
    }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` of microseconds since the epoch (UTC instant).
    /// A timestamp without time zone is printed without an offset.
    pub fn timestamp(&self, micros: i64, with_zone: bool) -> String {
        let offset = if with_zone {
            self.zone.offset_seconds(micros).unwrap_or(0)
        } else {
            0
        };
        let local = micros + offset as i64 * 1_000_000;
        let days = local.div_euclid(86_400_000_000);
        let in_day = local.rem_euclid(86_400_000_000);
        let (h, m, s, ms) = (
            in_day / 3_600_000_000,
            in_day / 60_000_000 % 60,
            in_day / 1_000_000 % 60,
            in_day / 1000 % 1000,
        );
        let date = format_date(days as i32);
        let zone = if !with_zone {
            String::new()
        } else if offset == 0 {
            "Z".to_string()
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let a = offset.unsigned_abs();
            format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
        };
        format!("{date}T{h:02}:{m:02}:{s:02}.{ms:03}{zone}")
    }

    /// The value at `row` (not null) of a scalar column as text.
    pub fn scalar(&self, array: &dyn Array, row: usize) -> String {
        match array.data_type() {
            DataType::Date32 => format_date(
                array
                    .as_primitive::<arrow::datatypes::Date32Type>()
                    .value(row),
            ),
            DataType::Timestamp(unit, tz) => {
                let micros = timestamp_micros(array, row, unit);
                self.timestamp(micros, tz.is_some())
            }
            _ => self.numbers.format(array, row),
        }
    }
}

fn timestamp_micros(array: &dyn Array, row: usize, unit: &TimeUnit) -> i64 {
    use arrow::datatypes::*;
    match unit {
        TimeUnit::Second => array
            .as_primitive::<TimestampSecondType>()
            .value(row)
            .saturating_mul(1_000_000),
        TimeUnit::Millisecond => array
            .as_primitive::<TimestampMillisecondType>()
            .value(row)
            .saturating_mul(1000),
        TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(row),
        TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row) / 1000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Date32Array, Float64Array, TimestampMicrosecondArray};
    use std::sync::Arc;

    #[test]
    fn renders_like_spark() {
        let v = TextValues::new("UTC");
        let ts = TimestampMicrosecondArray::from(vec![1_700_000_000_123_456]).with_timezone("UTC");
        assert_eq!(v.scalar(&ts, 0), "2023-11-14T22:13:20.123Z");
        let ntz = TimestampMicrosecondArray::from(vec![-1]);
        assert_eq!(v.scalar(&ntz, 0), "1969-12-31T23:59:59.999");
        let la = TextValues::new("America/Los_Angeles");
        assert_eq!(la.scalar(&ts, 0), "2023-11-14T14:13:20.123-08:00");
        assert_eq!(v.scalar(&Date32Array::from(vec![0]), 0), "1970-01-01");
        let d: Arc<dyn Array> = Arc::new(Float64Array::from(vec![1e10, f64::NAN]));
        assert_eq!(v.scalar(d.as_ref(), 0), "1.0E10");
        assert_eq!(v.scalar(d.as_ref(), 1), "NaN");
        assert!(check_patterns(Some("dd/MM/yyyy"), None, "CSV").is_err());
        assert!(check_patterns(Some("yyyy-MM-dd"), Some(DEFAULT_TIMESTAMP_FORMAT), "CSV").is_ok());
    }
}
