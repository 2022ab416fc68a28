//! The session time zone used to render `timestamp` values: a named zone
//! (`America/Los_Angeles`), a fixed offset (`+08:00`, `GMT+8`) or UTC.

use std::str::FromStr;

use arrow::array::temporal_conversions::as_datetime_with_timezone;
use arrow::array::timezone::Tz;
use arrow::datatypes::TimestampMicrosecondType;
use ember_plan::datetime::normalize_offset;

/// A parsed session time zone. Unknown names fall back to UTC (the engine validates
/// `spark.sql.session.timeZone` when it is set, so this only guards against bugs).
#[derive(Debug, Clone, Copy)]
pub struct SessionZone(Option<Tz>);

impl SessionZone {
    pub fn parse(name: &str) -> Self {
        let name = name.trim();
        let upper = name.to_ascii_uppercase();
        if matches!(upper.as_str(), "" | "UTC" | "GMT" | "Z" | "UT" | "ETC/UTC" | "ETC/GMT") {
            return SessionZone(None);
        }
        // Spark accepts `GMT+8`, `UTC+08:00`, `UT-5`: an offset after a UTC-like prefix.
        let offset = ["GMT", "UTC", "UT"]
            .iter()
            .find_map(|p| upper.strip_prefix(p).filter(|r| r.starts_with(['+', '-'])))
            .map(normalize_offset);
        let candidate = offset.unwrap_or_else(|| {
            if name.starts_with(['+', '-']) {
                normalize_offset(name)
            } else {
                name.to_string()
            }
        });
        SessionZone(Tz::from_str(&candidate).ok())
    }

    /// The zone's offset from UTC, in seconds, at the instant `utc_micros`.
    pub fn offset_seconds(&self, utc_micros: i64) -> Option<i32> {
        let tz = self.0?;
        let dt = as_datetime_with_timezone::<TimestampMicrosecondType>(utc_micros, tz)?;
        let delta = dt.naive_local() - dt.naive_utc();
        Some(delta.num_seconds() as i32)
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(SessionZone::parse("UTC").offset_seconds(0), None);
        assert_eq!(SessionZone::parse("+08:00").offset_seconds(0), Some(8 * 3600));
        assert_eq!(SessionZone::parse("GMT-5").offset_seconds(0), Some(-5 * 3600));
        assert_eq!(SessionZone::parse("UTC+05:30").offset_seconds(0), Some(5 * 3600 + 1800));
        // Los Angeles: PST (-8) in January, PDT (-7) in July 2024.
        let la = SessionZone::parse("America/Los_Angeles");
        assert_eq!(la.offset_seconds(1_704_067_200_000_000), Some(-8 * 3600));
        assert_eq!(la.offset_seconds(1_719_792_000_000_000), Some(-7 * 3600));
        assert_eq!(SessionZone::parse("Not/AZone").offset_seconds(0), None);
    }
}
