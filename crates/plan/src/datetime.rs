//! Calendar arithmetic shared by the physical evaluator and the datetime functions:
//! days since the epoch ↔ dates, month arithmetic that clamps to the month's end as
//! Spark does (`2024-01-31 + 1 month = 2024-02-29`), and timestamps ↔ local date-times
//! in a session time zone (named zones, `+08:00`, `GMT+8`).

use std::str::FromStr;

use arrow::array::timezone::Tz;
use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike};

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// The date `days` days after 1970-01-01.
pub fn date_of_days(days: i32) -> Option<NaiveDate> {
    epoch().checked_add_signed(Duration::try_days(days as i64)?)
}

/// Days since 1970-01-01.
pub fn days_of_date(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

/// The last day of the month of `year`-`month`.
pub fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// `d` plus `months` months, clamped to the end of the target month.
pub fn add_months_to_date(d: NaiveDate, months: i32) -> Option<NaiveDate> {
    let total = d.year() as i64 * 12 + d.month0() as i64 + months as i64;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = total.rem_euclid(12) as u32 + 1;
    let last = last_day_of_month(year, month)?;
    NaiveDate::from_ymd_opt(year, month, d.day().min(last.day()))
}

/// [`add_months_to_date`] on days since the epoch.
pub fn add_months_to_days(days: i32, months: i32) -> Option<i32> {
    Some(days_of_date(add_months_to_date(
        date_of_days(days)?,
        months,
    )?))
}

/// The units `timestampadd` / `timestampdiff` take (Spark's `datetimeUnit` keywords).
pub const DATETIME_UNITS: [&str; 11] =
    ["MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "DAYOFYEAR", "WEEK", "MONTH", "QUARTER", "YEAR"];

/// INVALID_PARAMETER_VALUE.DATETIME_UNIT: a unit given as a string, or not a unit.
pub fn invalid_datetime_unit(func: &str, unit: &str) -> ember_common::Error {
    ember_common::Error::new(ember_common::ErrorKind::Other {
        class: "INVALID_PARAMETER_VALUE.DATETIME_UNIT".into(),
        sqlstate: Some("22023".into()),
        message: format!("The value of parameter(s) `unit` in `{func}` is invalid: expects one of the units without quotes YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, but got the string literal '{unit}'."),
    })
}

/// `java.time.ZoneId.SHORT_IDS`, which Spark accepts for zone names (`PST`, `CTT`, …).
const SHORT_IDS: [(&str, &str); 28] = [
    ("ACT", "Australia/Darwin"),
    ("AET", "Australia/Sydney"),
    ("AGT", "America/Argentina/Buenos_Aires"),
    ("ART", "Africa/Cairo"),
    ("AST", "America/Anchorage"),
    ("BET", "America/Sao_Paulo"),
    ("BST", "Asia/Dhaka"),
    ("CAT", "Africa/Harare"),
    ("CNT", "America/St_Johns"),
    ("CST", "America/Chicago"),
    ("CTT", "Asia/Shanghai"),
    ("EAT", "Africa/Addis_Ababa"),
    ("ECT", "Europe/Paris"),
    ("IET", "America/Indiana/Indianapolis"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("MIT", "Pacific/Apia"),
    ("NET", "Asia/Yerevan"),
    ("NST", "Pacific/Auckland"),
    ("PLT", "Asia/Karachi"),
    ("PNT", "America/Phoenix"),
    ("PRT", "America/Puerto_Rico"),
    ("PST", "America/Los_Angeles"),
    ("SST", "Pacific/Guadalcanal"),
    ("VST", "Asia/Ho_Chi_Minh"),
    ("EST", "-05:00"),
    ("MST", "-07:00"),
    ("HST", "-10:00"),
];

/// A session time zone; `None` inside means UTC.
#[derive(Debug, Clone, Copy)]
pub struct Zone(Option<Tz>);

impl Zone {
    pub const UTC: Zone = Zone(None);

    /// Parses Spark's zone ids: region names, `Z`, `UTC`, `+08:00`, `GMT+8`, `UTC-05:30`.
    /// Unknown names are `None`.
    pub fn parse(name: &str) -> Option<Zone> {
        let name = name.trim();
        let upper = name.to_ascii_uppercase();
        if matches!(
            upper.as_str(),
            "UTC" | "GMT" | "Z" | "UT" | "ETC/UTC" | "ETC/GMT"
        ) {
            return Some(Zone(None));
        }
        let offset = ["GMT", "UTC", "UT"]
            .iter()
            .find_map(|p| upper.strip_prefix(p).filter(|r| r.starts_with(['+', '-'])))
            .map(normalize_offset);
        if let Some((_, id)) = SHORT_IDS.iter().find(|(short, _)| *short == upper) {
            return Tz::from_str(id).ok().map(|tz| Zone(Some(tz)));
        }
        let candidate = offset.unwrap_or_else(|| {
            if name.starts_with(['+', '-']) {
                normalize_offset(name)
            } else {
                name.to_string()
            }
        });
        Tz::from_str(&candidate).ok().map(|tz| Zone(Some(tz)))
    }

    /// The session zone, or UTC when the name does not parse.
    pub fn of(name: &str) -> Zone {
        Zone::parse(name).unwrap_or(Zone::UTC)
    }

    /// The local date-time of the instant `micros` (UTC micros since the epoch).
    pub fn to_local(&self, micros: i64) -> Option<NaiveDateTime> {
        let secs = micros.div_euclid(MICROS_PER_SECOND);
        let nanos = (micros.rem_euclid(MICROS_PER_SECOND) * 1000) as u32;
        let utc = chrono::DateTime::from_timestamp(secs, nanos)?.naive_utc();
        match self.0 {
            None => Some(utc),
            Some(tz) => Some(tz.from_utc_datetime(&utc).naive_local()),
        }
    }

    /// The instant of a local date-time. In an overlap the earlier offset wins and a
    /// time in a gap moves forward by the gap, as `java.time.ZonedDateTime.of` does.
    pub fn to_utc_micros(&self, local: NaiveDateTime) -> Option<i64> {
        let utc = match self.0 {
            None => local,
            Some(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) => t.naive_utc(),
                LocalResult::Ambiguous(a, _) => a.naive_utc(),
                LocalResult::None => {
                    let later = local.checked_add_signed(Duration::hours(1))?;
                    match tz.from_local_datetime(&later) {
                        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.naive_utc(),
                        LocalResult::None => return None,
                    }
                }
            },
        };
        let t = utc.and_utc();
        t.timestamp()
            .checked_mul(MICROS_PER_SECOND)?
            .checked_add(t.timestamp_subsec_micros() as i64)
    }

    /// Midnight of day `days` in this zone, as UTC micros (Spark's date → timestamp).
    pub fn date_to_micros(&self, days: i32) -> Option<i64> {
        self.to_utc_micros(date_of_days(days)?.and_hms_opt(0, 0, 0)?)
    }

    /// The local date of the instant `micros` (Spark's timestamp → date).
    pub fn micros_to_days(&self, micros: i64) -> Option<i32> {
        Some(days_of_date(self.to_local(micros)?.date()))
    }
}

/// The process's time zone (`TZ`, when it names a zone Spark knows), else UTC: what
/// `SET TIME ZONE LOCAL` picks.
pub fn local_time_zone() -> String {
    std::env::var("TZ").ok().filter(|z| Zone::parse(z).is_some()).unwrap_or_else(|| "UTC".to_string())
}

/// `+8` → `+08:00`, `-5:30` → `-05:30`, `+0800` → `+08:00`; anything else unchanged.
pub fn normalize_offset(s: &str) -> String {
    let (sign, rest) = s.split_at(1);
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.to_string(), m.to_string()),
        None if rest.len() == 4 => (rest[..2].to_string(), rest[2..].to_string()),
        None => (rest.to_string(), "00".to_string()),
    };
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h <= 18 && m < 60 => format!("{sign}{h:02}:{m:02}"),
        _ => s.to_string(),
    }
}

/// Micros of the time of day of a local date-time.
pub fn micros_of_day(t: &NaiveDateTime) -> i64 {
    t.num_seconds_from_midnight() as i64 * MICROS_PER_SECOND + (t.nanosecond() / 1000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_clamp_to_month_end() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(add_months_to_date(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
        assert_eq!(add_months_to_date(d(2023, 1, 31), 1), Some(d(2023, 2, 28)));
        assert_eq!(add_months_to_date(d(2024, 3, 31), -1), Some(d(2024, 2, 29)));
        assert_eq!(add_months_to_date(d(1994, 1, 1), 12), Some(d(1995, 1, 1)));
        assert_eq!(add_months_to_days(0, -1), Some(-31));
    }

    #[test]
    fn zones() {
        let la = Zone::of("America/Los_Angeles");
        let local = NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(la.to_utc_micros(local), Some(1_704_096_000_000_000));
        assert_eq!(la.to_local(1_704_096_000_000_000), Some(local));
        assert!(Zone::parse("GMT+8").is_some());
        assert!(Zone::parse("Not/AZone").is_none());
    }
}
