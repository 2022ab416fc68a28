//! Date and time fields: `year`, `quarter`, `month`, `day`/`dayofmonth`, `dayofweek`
//! (Sunday = 1), `weekday` (Monday = 0), `dayofyear`, `weekofyear` (ISO weeks), `hour`,
//! `minute`, `second`, and `extract(field FROM x)` / `date_part('field', x)` with Spark's
//! field names, on dates, timestamps (in the session time zone) and ANSI intervals.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, Int32Array, Int8Array};
use arrow::datatypes::{
    DataType, DurationMicrosecondType, IntervalDayTimeType, IntervalUnit, IntervalYearMonthType,
    TimeUnit,
};
use chrono::{Datelike, Timelike};
use ember_common::interval_type::{day_time_micros, IntervalField, IntervalType};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::datetime::{date_of_days, MICROS_PER_DAY};
use ember_plan::interval::is_interval;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::datetime_args::{as_days, as_micros, zone_of, DatetimeFn, Env, Param};
use super::utils::{check_arity, eval_arrays, string_arg, unexpected_type};

/// A field of a date, timestamp or interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    DayOfWeek,
    DayOfWeekIso,
    WeekDay,
    DayOfYear,
    Hour,
    Minute,
    Second,
    /// seconds with the fraction, `decimal(8,6)` (extract/date_part)
    SecondFraction,
}

impl Field {
    /// Spark's `extract` field names.
    pub fn parse(name: &str) -> Option<Field> {
        Some(match name.trim().to_ascii_uppercase().as_str() {
            "YEAR" | "Y" | "YEARS" | "YR" | "YRS" => Field::Year,
            "QUARTER" | "QTR" => Field::Quarter,
            "MONTH" | "MON" | "MONS" | "MONTHS" => Field::Month,
            "WEEK" | "W" | "WEEKS" => Field::Week,
            "DAY" | "D" | "DAYS" => Field::Day,
            "DAYOFWEEK" | "DOW" => Field::DayOfWeek,
            "DAYOFWEEK_ISO" | "DOW_ISO" => Field::DayOfWeekIso,
            "DOY" => Field::DayOfYear,
            "HOUR" | "H" | "HOURS" | "HR" | "HRS" => Field::Hour,
            "MINUTE" | "M" | "MIN" | "MINS" | "MINUTES" => Field::Minute,
            "SECOND" | "S" | "SEC" | "SECONDS" | "SECS" => Field::SecondFraction,
            _ => return None,
        })
    }

    fn is_time(self) -> bool {
        matches!(
            self,
            Field::Hour | Field::Minute | Field::Second | Field::SecondFraction
        )
    }

    fn of_date(self, days: i32) -> Option<i32> {
        let d = date_of_days(days)?;
        Some(match self {
            Field::Year => d.year(),
            Field::Quarter => d.month0() as i32 / 3 + 1,
            Field::Month => d.month() as i32,
            Field::Week => d.iso_week().week() as i32,
            Field::Day => d.day() as i32,
            Field::DayOfWeek => d.weekday().num_days_from_sunday() as i32 + 1,
            Field::DayOfWeekIso => d.weekday().number_from_monday() as i32,
            Field::WeekDay => d.weekday().num_days_from_monday() as i32,
            Field::DayOfYear => d.ordinal() as i32,
            _ => return None,
        })
    }
}

fn int_type() -> DataType {
    DataType::Int32
}

fn extract_rows(field: Field, a: &ArrayRef, env: &Env) -> Result<ArrayRef> {
    if field.is_time() {
        let zone = zone_of(a, env);
        let micros = as_micros(a, env)?;
        if field == Field::SecondFraction {
            let out: Decimal128Array = micros
                .iter()
                .map(|m| {
                    m.and_then(|m| zone.to_local(m))
                        .map(|t| t.second() as i128 * 1_000_000 + (t.nanosecond() / 1000) as i128)
                })
                .collect();
            return Ok(Arc::new(out.with_precision_and_scale(8, 6)?));
        }
        let out: Int32Array = micros
            .iter()
            .map(|m| {
                m.and_then(|m| zone.to_local(m)).map(|t| match field {
                    Field::Hour => t.hour() as i32,
                    Field::Minute => t.minute() as i32,
                    _ => t.second() as i32,
                })
            })
            .collect();
        return Ok(Arc::new(out));
    }
    let days = as_days(a, env)?;
    Ok(Arc::new(
        days.iter()
            .map(|d| d.and_then(|d| field.of_date(d)))
            .collect::<Int32Array>(),
    ))
}

macro_rules! field_fn {
    ($fn_name:ident, $sql:literal, $field:expr) => {
        pub fn $fn_name() -> DatetimeFn {
            DatetimeFn::new($sql, &[Param::Datetime], int_type, |a, _, env| {
                extract_rows($field, &a[0], env)
            })
        }
    };
}

field_fn!(year, "year", Field::Year);
field_fn!(quarter, "quarter", Field::Quarter);
field_fn!(month, "month", Field::Month);
field_fn!(day, "day", Field::Day);
field_fn!(dayofmonth, "dayofmonth", Field::Day);
field_fn!(dayofweek, "dayofweek", Field::DayOfWeek);
field_fn!(weekday, "weekday", Field::WeekDay);
field_fn!(dayofyear, "dayofyear", Field::DayOfYear);
field_fn!(weekofyear, "weekofyear", Field::Week);
field_fn!(hour, "hour", Field::Hour);
field_fn!(minute, "minute", Field::Minute);
field_fn!(second, "second", Field::Second);

/// `extract(field FROM x)` and `date_part('field', x)`; the field must be a literal.
#[derive(Debug)]
pub struct Extract {
    name: &'static str,
    field: Option<(Field, String)>,
}

impl Extract {
    /// `extract(field FROM x)`.
    #[allow(clippy::self_named_constructors)]
    pub fn extract() -> Self {
        Extract {
            name: "extract",
            field: None,
        }
    }

    pub fn date_part() -> Self {
        Extract {
            name: "date_part",
            field: None,
        }
    }

    /// `datepart('field', x)`, shown as Spark shows it: `datepart(field FROM x)`.
    pub fn datepart() -> Self {
        Extract { name: "datepart", field: None }
    }

    fn field(&self) -> Result<Field> {
        self.field.as_ref().map(|f| f.0).ok_or_else(|| {
            Error::new(ErrorKind::DatatypeMismatch {
                sub: "NON_FOLDABLE_INPUT",
                expr: format!("\"{}\"", self.name),
                message: "the input field should be a foldable \"STRING\" expression.".into(),
            })
        })
    }

    fn invalid_field(&self, field: &str, source: &str) -> Error {
        invalid_extract_field(field, &format!("\"{source}\""))
    }

    /// The field of an interval its type has (`hour` of an `interval day to hour`).
    fn interval_field(field: Field) -> Option<IntervalField> {
        Some(match field {
            Field::Year => IntervalField::Year,
            Field::Month => IntervalField::Month,
            Field::Day => IntervalField::Day,
            Field::Hour => IntervalField::Hour,
            Field::Minute => IntervalField::Minute,
            Field::SecondFraction => IntervalField::Second,
            _ => return None,
        })
    }

    /// The interval field's result type, or an error for fields the interval lacks.
    fn interval_type(&self, field: Field, source: &DataType) -> Result<DataType> {
        let name = self.field.as_ref().map(|f| f.1.clone()).unwrap_or_default();
        Ok(match (source, field) {
            (DataType::Interval(IntervalUnit::YearMonth), Field::Year) => DataType::Int32,
            (DataType::Interval(IntervalUnit::YearMonth), Field::Month) => DataType::Int8,
            (DataType::Interval(IntervalUnit::DayTime) | DataType::Duration(_), Field::Day) => {
                DataType::Int32
            }
            (
                DataType::Interval(IntervalUnit::DayTime) | DataType::Duration(_),
                Field::Hour | Field::Minute,
            ) => DataType::Int8,
            (
                DataType::Interval(IntervalUnit::DayTime) | DataType::Duration(_),
                Field::SecondFraction,
            ) => DataType::Decimal128(8, 6),
            _ => return Err(self.invalid_field(&name, &ember_common::types::sql_type_name(source))),
        })
    }
}

/// `INVALID_EXTRACT_FIELD`: Cannot extract `field` from `source`.
fn invalid_extract_field(field: &str, source: &str) -> Error {
    Error::new(ErrorKind::Other {
        class: "INVALID_EXTRACT_FIELD".into(),
        sqlstate: Some("42601".into()),
        message: format!("Cannot extract `{field}` from {source}."),
    })
}

fn interval_rows(field: Field, a: &ArrayRef) -> Result<ArrayRef> {
    if let DataType::Interval(IntervalUnit::YearMonth) = a.data_type() {
        let v = a.as_primitive::<IntervalYearMonthType>();
        return Ok(match field {
            Field::Year => Arc::new(v.iter().map(|m| m.map(|m| m / 12)).collect::<Int32Array>()),
            _ => Arc::new(
                v.iter()
                    .map(|m| m.map(|m| (m % 12) as i8))
                    .collect::<Int8Array>(),
            ),
        });
    }
    let micros: Vec<Option<i64>> = match a.data_type() {
        DataType::Interval(IntervalUnit::DayTime) => a
            .as_primitive::<IntervalDayTimeType>()
            .iter()
            .map(|v| v.map(|v| day_time_micros(v.days, v.milliseconds)))
            .collect(),
        DataType::Duration(TimeUnit::Microsecond) => {
            a.as_primitive::<DurationMicrosecondType>().iter().collect()
        }
        _ => vec![None; a.len()],
    };
    Ok(match field {
        Field::Day => Arc::new(
            micros
                .iter()
                .map(|m| m.map(|m| (m / MICROS_PER_DAY) as i32))
                .collect::<Int32Array>(),
        ),
        Field::Hour => Arc::new(
            micros
                .iter()
                .map(|m| m.map(|m| (m % MICROS_PER_DAY / 3_600_000_000) as i8))
                .collect::<Int8Array>(),
        ),
        Field::Minute => Arc::new(
            micros
                .iter()
                .map(|m| m.map(|m| (m % 3_600_000_000 / 60_000_000) as i8))
                .collect::<Int8Array>(),
        ),
        _ => Arc::new(
            micros
                .iter()
                .map(|m| m.map(|m| (m % 60_000_000) as i128))
                .collect::<Decimal128Array>()
                .with_precision_and_scale(8, 6)?,
        ),
    })
}

impl ScalarFunctionImpl for Extract {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 2, 2)?;
        self.field()?;
        let source = match &t[1] {
            d if is_interval(d) => d.clone(),
            DataType::Date32 | DataType::Timestamp(_, _) | DataType::Null => t[1].clone(),
            d if ember_plan::coercion::is_string(d) => DataType::Utf8,
            d => {
                return Err(unexpected_type(
                    self.name,
                    2,
                    "\"DATE\" or \"TIMESTAMP\" or \"INTERVAL\"",
                    d,
                ))
            }
        };
        Ok(vec![string_arg(self.name, 1, &t[0])?, source])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let field = self.field()?;
        match t.get(1) {
            Some(d) if is_interval(d) => self.interval_type(field, d),
            _ if field == Field::SecondFraction => Ok(DataType::Decimal128(8, 6)),
            _ => Ok(DataType::Int32),
        }
    }

    fn invoke(
        &self,
        args: &[ColumnarValue],
        num_rows: usize,
        ctx: &FunctionContext,
    ) -> Result<ColumnarValue> {
        let field = self.field()?;
        let env = Env::of(ctx);
        eval_arrays(&args[1..], num_rows, |a, _| {
            if is_interval(a[0].data_type()) {
                interval_rows(field, &a[0])
            } else {
                extract_rows(field, &a[0], &env)
            }
        })
    }

    fn specialize(
        &self,
        literals: &[Option<&ScalarValue>],
    ) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        match literals.first() {
            Some(Some(ScalarValue::Utf8(Some(name)))) => {
                let field = Field::parse(name).ok_or_else(|| invalid_extract_field(name, "the source"))?;
                Ok(Some(Arc::new(Extract {
                    name: self.name,
                    field: Some((field, name.clone())),
                })))
            }
            _ => Ok(None),
        }
    }

    /// An interval has only the fields of its type (`extract(day FROM INTERVAL '36' HOUR)`
    /// is an error).
    fn check_interval_args(&self, arg_types: &[Option<IntervalType>]) -> Result<()> {
        let (Some(Some(t)), Some((field, name))) = (arg_types.get(1), &self.field) else { return Ok(()) };
        match Extract::interval_field(*field) {
            Some(f) if t.start() <= f && f <= t.end() => Ok(()),
            _ => Err(self.invalid_field(name, &t.catalog_string().to_uppercase())),
        }
    }

    fn display_call(&self, args: &[String]) -> Option<String> {
        match (self.name, args) {
            ("extract" | "datepart", [field, source]) => Some(format!("{}({field} FROM {source})", self.name)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};

    #[test]
    fn fields_of_dates() {
        let d = strs(&[Some("2024-02-29"), None, Some("2023-01-01")]);
        assert_eq!(
            render(&call(&year(), vec![d.clone()]).unwrap()),
            "[2024, NULL, 2023]"
        );
        assert_eq!(
            render(&call(&dayofweek(), vec![d.clone()]).unwrap()),
            "[5, NULL, 1]"
        );
        assert_eq!(
            render(&call(&weekofyear(), vec![d.clone()]).unwrap()),
            "[9, NULL, 52]"
        );
        assert_eq!(render(&call(&quarter(), vec![d]).unwrap()), "[1, NULL, 1]");
        assert_eq!(Field::parse("dow"), Some(Field::DayOfWeek));
        assert_eq!(Field::parse("fortnight"), None);
    }
}
