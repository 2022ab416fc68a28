//! Arithmetic on dates, timestamps and ANSI intervals with Spark's semantics (types
//! from `ember_plan::datetime_coercion`): month arithmetic clamps to the month's end,
//! `timestamp ± interval` adds in the session time zone (days on the local calendar,
//! then the time part as elapsed time), `timestamp - timestamp` counts wall-clock time,
//! `date - date` is an `interval day`, `interval * number` rounds half up, and overflow
//! or division by zero is an error whatever the ANSI setting (`interval ± interval`:
//! Spark's `INTERVAL_ARITHMETIC_OVERFLOW`).

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, DurationMicrosecondArray, IntervalDayTimeArray,
    IntervalYearMonthArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{
    DataType, Date32Type, DurationMicrosecondType, Float64Type, Int64Type, IntervalDayTime,
    IntervalDayTimeType, IntervalUnit, IntervalYearMonthType, TimeUnit, TimestampMicrosecondType,
};
use chrono::Duration;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::datetime::{add_months_to_date, Zone, MICROS_PER_DAY};
use ember_plan::interval::{interval_overflow, is_interval, DAY, DAY_TIME, YEAR_MONTH};
use ember_plan::{ColumnarValue, FunctionContext, Operator, ScalarValue};

/// True when `l op r` is evaluated here rather than by the numeric kernels.
pub(crate) fn is_datetime_arithmetic(l: &DataType, r: &DataType) -> bool {
    is_interval(l)
        || is_interval(r)
        || matches!(l, DataType::Timestamp(_, _))
        || matches!(r, DataType::Timestamp(_, _))
        || (l == &DataType::Date32 && r == &DataType::Date32)
}

fn overflow(op: Operator) -> Error {
    let name = match op {
        Operator::Plus => "add",
        Operator::Minus => "subtract",
        Operator::Multiply => "multiply",
        _ => "divide",
    };
    Error::new(ErrorKind::ArithmeticOverflow {
        op: name.into(),
        message: "Datetime or interval overflow".into(),
    })
}

fn divided_by_zero() -> Error {
    Error::new(ErrorKind::Other {
        class: "INTERVAL_DIVIDED_BY_ZERO".into(),
        sqlstate: Some("22012".into()),
        message: "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.".into(),
    })
}

/// The integer payload of every row: days, months, micros or a whole number.
fn ints(a: &ArrayRef) -> Result<Vec<Option<i64>>> {
    let get = |i: usize, v: i64| if a.is_null(i) { None } else { Some(v) };
    Ok(match a.data_type() {
        DataType::Date32 => a
            .as_primitive::<Date32Type>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| get(i, *v as i64))
            .collect(),
        DataType::Interval(IntervalUnit::YearMonth) => a
            .as_primitive::<IntervalYearMonthType>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| get(i, *v as i64))
            .collect(),
        DataType::Interval(IntervalUnit::DayTime) => a
            .as_primitive::<IntervalDayTimeType>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| get(i, v.days as i64))
            .collect(),
        DataType::Duration(TimeUnit::Microsecond) => a
            .as_primitive::<DurationMicrosecondType>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| get(i, *v))
            .collect(),
        DataType::Timestamp(TimeUnit::Microsecond, _) => a
            .as_primitive::<TimestampMicrosecondType>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| get(i, *v))
            .collect(),
        DataType::Int64 => a
            .as_primitive::<Int64Type>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| get(i, *v))
            .collect(),
        DataType::Float64 => a
            .as_primitive::<Float64Type>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| get(i, v.to_bits() as i64))
            .collect(),
        DataType::Null => vec![None; a.len()],
        other => return Err(Error::internal(format!("datetime arithmetic on {other}"))),
    })
}

/// Builds the result array of `dt` from integer payloads; `fail` is the overflow error.
fn build(dt: &DataType, values: Vec<Option<i64>>, fail: &dyn Fn() -> Error) -> Result<ArrayRef> {
    let narrow = |v: Option<i64>| v.map(|x| i32::try_from(x).map_err(|_| fail())).transpose();
    Ok(match dt {
        DataType::Date32 => Arc::new(
            values
                .into_iter()
                .map(narrow)
                .collect::<Result<Date32Array>>()?,
        ),
        DataType::Interval(IntervalUnit::YearMonth) => Arc::new(
            values
                .into_iter()
                .map(narrow)
                .collect::<Result<IntervalYearMonthArray>>()?,
        ),
        // days, within what Spark's microseconds can hold
        DataType::Interval(IntervalUnit::DayTime) => Arc::new(
            values
                .into_iter()
                .map(|v| match v {
                    Some(d) if d.checked_mul(MICROS_PER_DAY).is_none() => Err(fail()),
                    v => Ok(narrow(v)?.map(|d| IntervalDayTime::new(d, 0))),
                })
                .collect::<Result<IntervalDayTimeArray>>()?,
        ),
        DataType::Duration(TimeUnit::Microsecond) => {
            Arc::new(DurationMicrosecondArray::from(values))
        }
        DataType::Timestamp(TimeUnit::Microsecond, tz) => {
            Arc::new(TimestampMicrosecondArray::from(values).with_timezone_opt(tz.clone()))
        }
        other => {
            return Err(Error::internal(format!(
                "datetime arithmetic result {other}"
            )))
        }
    })
}

/// `timestamp + months` on the local calendar of `zone`.
fn timestamp_add_months(zone: Zone, micros: i64, months: i64) -> Option<i64> {
    let local = zone.to_local(micros)?;
    let date = add_months_to_date(local.date(), i32::try_from(months).ok()?)?;
    zone.to_utc_micros(date.and_time(local.time()))
}

/// `timestamp + day-time interval` as Spark's `timestampAddDayTime`: whole days on the
/// local calendar of `zone`, then the rest as elapsed time (so `+ INTERVAL '24' HOUR`
/// keeps the wall clock across a DST change, `+ INTERVAL '3' HOUR` does not).
fn timestamp_add_micros(zone: Zone, micros: i64, delta: i64) -> Option<i64> {
    let (days, rest) = (delta / MICROS_PER_DAY, delta % MICROS_PER_DAY);
    let moved = if days == 0 {
        micros
    } else {
        let local = zone.to_local(micros)?.checked_add_signed(Duration::try_days(days)?)?;
        zone.to_utc_micros(local)?
    };
    moved.checked_add(rest)
}

/// Java's `RoundingMode.HALF_UP` of `a / b` in integers.
fn div_half_up(a: i64, b: i64) -> Option<i64> {
    let (a, b) = (a as i128, b as i128);
    let q = a / b;
    let r = a % b;
    let q = if 2 * r.abs() >= b.abs() {
        q + if (a < 0) != (b < 0) { -1 } else { 1 }
    } else {
        q
    };
    i64::try_from(q).ok()
}

fn round_half_up(v: f64) -> Option<i64> {
    let r = v.round();
    if r.is_finite() && r >= i64::MIN as f64 && r < i64::MAX as f64 {
        Some(r as i64)
    } else {
        None
    }
}

/// Evaluates `l op r` for the shapes `datetime_signature` types.
pub(crate) fn evaluate_datetime_arithmetic(
    op: Operator,
    l: &ColumnarValue,
    r: &ColumnarValue,
    result_type: &DataType,
    ctx: &FunctionContext,
) -> Result<ColumnarValue> {
    let all_scalar = matches!((l, r), (ColumnarValue::Scalar(_), ColumnarValue::Scalar(_)));
    let n = match (l, r) {
        (ColumnarValue::Array(a), _) | (_, ColumnarValue::Array(a)) => a.len(),
        _ => 1,
    };
    let (la, ra) = (l.clone().into_array(n)?, r.clone().into_array(n)?);
    let (lt, rt) = (la.data_type().clone(), ra.data_type().clone());
    let (lv, rv) = (ints(&la)?, ints(&ra)?);
    let zone = match (&lt, &rt) {
        (DataType::Timestamp(_, None), _) | (_, DataType::Timestamp(_, None)) => Zone::UTC,
        _ => Zone::of(&ctx.time_zone),
    };
    let sign = if op == Operator::Minus { -1 } else { 1 };
    // interval ± interval out of range is Spark's INTERVAL_ARITHMETIC_OVERFLOW
    let both_intervals = is_interval(&lt) && is_interval(&rt);
    let fail = || match op {
        Operator::Plus if both_intervals => interval_overflow(Some("try_add")),
        Operator::Minus if both_intervals => interval_overflow(Some("try_subtract")),
        _ => overflow(op),
    };
    // `timestamp - timestamp` counts the wall-clock time between the two in the session
    // time zone (Spark's `subtractTimestamps`), so a DST change does not show
    let session = Zone::of(&ctx.time_zone);
    let wall_clock_micros = |t: &DataType, v: i64| -> Option<i64> {
        match t {
            DataType::Date32 => v.checked_mul(MICROS_PER_DAY),
            DataType::Timestamp(_, Some(_)) => session.to_local(v).map(|l| l.and_utc().timestamp_micros()),
            _ => Some(v),
        }
    };
    let as_micros = |t: &DataType, v: i64| -> Option<i64> {
        match t {
            DataType::Interval(IntervalUnit::DayTime) => v.checked_mul(MICROS_PER_DAY),
            DataType::Date32 => zone.date_to_micros(v as i32),
            _ => Some(v),
        }
    };
    let row = |a: i64, b: i64| -> Result<Option<i64>> {
        let (a_t, b_t, a, b) = match (&lt, &rt) {
            // interval + datetime: the datetime goes first
            (i, d) if is_interval(i) && !is_interval(d) && op == Operator::Plus => (&rt, &lt, b, a),
            _ => (&lt, &rt, a, b),
        };
        // `interval day * n` and `interval day / n` are day-time intervals of micros
        let a = if a_t == &DAY && matches!(op, Operator::Multiply | Operator::Divide) {
            a.checked_mul(MICROS_PER_DAY).ok_or_else(fail)?
        } else {
            a
        };
        let b = if b_t == &DAY && op == Operator::Multiply {
            b.checked_mul(MICROS_PER_DAY).ok_or_else(fail)?
        } else {
            b
        };
        let bs = || b.checked_mul(sign).ok_or_else(fail);
        let out = match (a_t, b_t, op) {
            (_, DataType::Float64, Operator::Multiply) => {
                round_half_up(a as f64 * f64::from_bits(b as u64))
            }
            (_, DataType::Float64, _) => {
                let d = f64::from_bits(b as u64);
                if d == 0.0 {
                    return Err(divided_by_zero());
                }
                round_half_up(a as f64 / d)
            }
            (DataType::Float64, _, _) => round_half_up(f64::from_bits(a as u64) * b as f64),
            (_, DataType::Int64, Operator::Multiply) => a.checked_mul(b),
            (_, DataType::Int64, _) => {
                if b == 0 {
                    return Err(divided_by_zero());
                }
                div_half_up(a, b)
            }
            (DataType::Int64, _, _) => a.checked_mul(b),
            (DataType::Date32, i, _) if i == &YEAR_MONTH => {
                let d = ember_plan::datetime::date_of_days(a as i32).ok_or_else(fail)?;
                let months = i32::try_from(bs()?).map_err(|_| fail())?;
                add_months_to_date(d, months).map(|d| ember_plan::datetime::days_of_date(d) as i64)
            }
            (DataType::Date32, i, _) if i == &DAY => a.checked_add(bs()?),
            (DataType::Date32, DataType::Date32, _) => a.checked_sub(b),
            (DataType::Date32, i, _) if i == &DAY_TIME => {
                let start = zone.date_to_micros(a as i32).ok_or_else(fail)?;
                timestamp_add_micros(zone, start, bs()?)
            }
            (DataType::Timestamp(_, _), i, _) if i == &YEAR_MONTH => {
                timestamp_add_months(zone, a, bs()?)
            }
            (DataType::Timestamp(_, _), i, _) if i == &DAY || i == &DAY_TIME => {
                let delta = as_micros(i, b).ok_or_else(fail)?;
                timestamp_add_micros(
                    zone,
                    a,
                    delta.checked_mul(sign).ok_or_else(fail)?,
                )
            }
            // timestamp - timestamp, date - timestamp, timestamp - date
            (x, y, Operator::Minus) if !is_interval(x) && !is_interval(y) => {
                let (a, b) = (
                    wall_clock_micros(x, a).ok_or_else(fail)?,
                    wall_clock_micros(y, b).ok_or_else(fail)?,
                );
                a.checked_sub(b)
            }
            // interval ± interval
            (x, y, _) if result_type == &DAY_TIME => {
                let (a, b) = (
                    as_micros(x, a).ok_or_else(fail)?,
                    as_micros(y, b).ok_or_else(fail)?,
                );
                a.checked_add(b.checked_mul(sign).ok_or_else(fail)?)
            }
            _ => a.checked_add(bs()?),
        };
        out.map(Some).ok_or_else(fail)
    };
    let mut out = Vec::with_capacity(n);
    for (a, b) in lv.into_iter().zip(rv) {
        out.push(match (a, b) {
            (Some(a), Some(b)) => row(a, b)?,
            _ => None,
        });
    }
    let arr = build(result_type, out, &fail)?;
    if all_scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
            arr.as_ref(),
            0,
        )?))
    } else {
        Ok(ColumnarValue::Array(arr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_plan::interval::{day_interval, day_time_interval, year_month_interval};

    fn eval(l: ScalarValue, op: Operator, r: ScalarValue, rt: DataType) -> Result<String> {
        let v = evaluate_datetime_arithmetic(
            op,
            &ColumnarValue::Scalar(l),
            &ColumnarValue::Scalar(r),
            &rt,
            &FunctionContext::default(),
        )?;
        match v {
            ColumnarValue::Scalar(s) => Ok(format!("{s}")),
            ColumnarValue::Array(_) => Ok("array".into()),
        }
    }

    #[test]
    fn tpch_dates() {
        // 1998-12-01 is day 10561
        let d = ScalarValue::Date32(Some(10561));
        assert_eq!(
            eval(
                d.clone(),
                Operator::Minus,
                day_interval(90),
                DataType::Date32
            )
            .unwrap(),
            "DATE '1998-09-02'"
        );
        assert_eq!(
            eval(d, Operator::Plus, year_month_interval(3), DataType::Date32).unwrap(),
            "DATE '1999-03-01'"
        );
        // 2024-01-31 + 1 month
        assert_eq!(
            eval(
                ScalarValue::Date32(Some(19753)),
                Operator::Plus,
                year_month_interval(1),
                DataType::Date32
            )
            .unwrap(),
            "DATE '2024-02-29'"
        );
    }

    #[test]
    fn daylight_saving_time() {
        let la = FunctionContext { time_zone: "America/Los_Angeles".into(), ..Default::default() };
        let ts = |s: &str| {
            let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
            ScalarValue::TimestampMicros(Zone::of("America/Los_Angeles").to_utc_micros(local), Some("America/Los_Angeles".into()))
        };
        let run = |l: ScalarValue, op, r: ScalarValue, rt: DataType| {
            match evaluate_datetime_arithmetic(op, &ColumnarValue::Scalar(l), &ColumnarValue::Scalar(r), &rt, &la).unwrap() {
                ColumnarValue::Scalar(s) => s,
                ColumnarValue::Array(_) => unreachable!("scalar inputs"),
            }
        };
        // the day of the change has 23 hours, but midnight to midnight is one day of wall clock
        let diff = run(ts("2024-03-11 00:00:00"), Operator::Minus, ts("2024-03-10 00:00:00"), DAY_TIME);
        assert_eq!(diff, ScalarValue::Interval(Some(MICROS_PER_DAY), ember_plan::interval::IntervalType::DAY_TO_SECOND));
        // 24 hours are a day on the calendar, 3 hours are elapsed time
        let tz = DataType::Timestamp(TimeUnit::Microsecond, Some("America/Los_Angeles".into()));
        let day = run(ts("2024-03-09 12:00:00"), Operator::Plus, day_time_interval(24 * 3_600_000_000), tz.clone());
        assert_eq!(day, ts("2024-03-10 12:00:00"));
        let hours = run(ts("2024-03-10 00:00:00"), Operator::Plus, day_time_interval(3 * 3_600_000_000), tz);
        assert_eq!(hours, ts("2024-03-10 04:00:00"));
    }

    #[test]
    fn interval_overflow_is_sparks_class() {
        let e = eval(year_month_interval(i32::MAX), Operator::Plus, year_month_interval(1), YEAR_MONTH).unwrap_err();
        assert_eq!(e.class(), "INTERVAL_ARITHMETIC_OVERFLOW.WITH_SUGGESTION");
        assert!(e.to_string().contains("try_add"), "{e}");
        let e = eval(day_interval(106_751_991), Operator::Plus, day_interval(1), DAY).unwrap_err();
        assert_eq!(e.class(), "INTERVAL_ARITHMETIC_OVERFLOW.WITH_SUGGESTION");
        let e = eval(year_month_interval(i32::MIN), Operator::Minus, year_month_interval(1), YEAR_MONTH).unwrap_err();
        assert!(e.to_string().contains("try_subtract"), "{e}");
    }

    #[test]
    fn interval_times_number_rounds_half_up() {
        assert_eq!(div_half_up(5, 2), Some(3));
        assert_eq!(div_half_up(-5, 2), Some(-3));
        let e = eval(
            year_month_interval(3),
            Operator::Divide,
            ScalarValue::Int64(Some(0)),
            YEAR_MONTH,
        )
        .unwrap_err();
        assert_eq!(e.class(), "INTERVAL_DIVIDED_BY_ZERO");
    }
}
