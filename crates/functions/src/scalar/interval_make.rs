//! Intervals from their fields: `make_ym_interval([years[, months]])`,
//! `make_dt_interval([days[, hours[, mins[, secs]]]])` and `make_interval(…)` (a calendar
//! interval of months, days and microseconds; `try_make_interval` gives NULL on
//! overflow). Omitted fields are 0 and shown in the column name, as in Spark.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, DurationMicrosecondArray, IntervalMonthDayNanoArray, IntervalYearMonthArray};
use arrow::datatypes::{DataType, Decimal128Type, IntervalMonthDayNano, IntervalUnit, TimeUnit};
use ember_common::interval_type::{IntervalType, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::interval::interval_overflow;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::datetime_args::ints;
use super::utils::{check_arity, eval_arrays, int_arg, unexpected_type};

const SECONDS: DataType = DataType::Decimal128(18, 6);

/// Which interval a [`MakeInterval`] builds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    YearMonth,
    DayTime,
    Calendar,
}

#[derive(Debug)]
pub struct MakeInterval {
    name: &'static str,
    kind: Kind,
}

pub fn make_ym_interval() -> MakeInterval {
    MakeInterval { name: "make_ym_interval", kind: Kind::YearMonth }
}

pub fn make_dt_interval() -> MakeInterval {
    MakeInterval { name: "make_dt_interval", kind: Kind::DayTime }
}

pub fn make_interval() -> MakeInterval {
    MakeInterval { name: "make_interval", kind: Kind::Calendar }
}

impl MakeInterval {
    fn arity(&self) -> usize {
        match self.kind {
            Kind::YearMonth => 2,
            Kind::DayTime => 4,
            Kind::Calendar => 7,
        }
    }

    fn overflow(&self) -> Error {
        match self.kind {
            Kind::Calendar => Error::new(ErrorKind::ArithmeticOverflow { op: "make_interval".into(), message: "integer overflow".into() }),
            _ => interval_overflow(None),
        }
    }

    fn seconds(a: &ArrayRef, i: usize) -> Option<i128> {
        let d = a.as_primitive::<Decimal128Type>();
        (!d.is_null(i)).then(|| d.value(i))
    }
}

impl ScalarFunctionImpl for MakeInterval {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let n = self.arity();
        check_arity(self.name, t.len(), 0, n)?;
        t.iter()
            .enumerate()
            .map(|(i, d)| match i + 1 == n && self.kind != Kind::YearMonth {
                false => int_arg(self.name, i + 1, d),
                true if ember_plan::coercion::is_numeric(d) || ember_plan::coercion::is_string(d) || d == &DataType::Null => Ok(SECONDS),
                true => Err(unexpected_type(self.name, i + 1, "\"DECIMAL(18,6)\"", d)),
            })
            .collect()
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match self.kind {
            Kind::YearMonth => DataType::Interval(IntervalUnit::YearMonth),
            Kind::DayTime => DataType::Duration(TimeUnit::Microsecond),
            Kind::Calendar => DataType::Interval(IntervalUnit::MonthDayNano),
        })
    }

    fn result_interval_type(&self, _: &[Option<IntervalType>]) -> Option<IntervalType> {
        match self.kind {
            Kind::YearMonth => Some(IntervalType::YEAR_TO_MONTH),
            Kind::DayTime => Some(IntervalType::DAY_TO_SECOND),
            Kind::Calendar => None,
        }
    }

    fn implicit_args(&self, given: usize) -> Vec<ScalarValue> {
        let n = self.arity();
        (given..n)
            .map(|i| if i + 1 == n && self.kind != Kind::YearMonth { ScalarValue::Decimal128(Some(0), 18, 6) } else { ScalarValue::Int32(Some(0)) })
            .collect()
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        let mut args = args.to_vec();
        args.extend(self.implicit_args(args.len()).into_iter().map(ColumnarValue::Scalar));
        eval_arrays(&args, num_rows, |a, n| {
            let fields: Vec<Vec<Option<i32>>> = a.iter().map(ints).collect();
            let field = |k: usize, i: usize| fields[k][i].map(|v| v as i64);
            let mut out_ym = Vec::new();
            let mut out_dt = Vec::new();
            let mut out_cal = Vec::new();
            for i in 0..n {
                let value: Option<Result<(i64, i64, i64)>> = match self.kind {
                    Kind::YearMonth => (|| Some((field(0, i)?, field(1, i)?)))().map(|(y, m)| {
                        let months = y.checked_mul(12).and_then(|y| y.checked_add(m)).filter(|m| i32::try_from(*m).is_ok());
                        months.map(|m| (m, 0, 0)).ok_or_else(|| self.overflow())
                    }),
                    Kind::DayTime => (|| Some((field(0, i)?, field(1, i)?, field(2, i)?, Self::seconds(&a[3], i)?)))().map(|(d, h, mi, s)| {
                        let micros = (d as i128 * MICROS_PER_DAY as i128 + h as i128 * MICROS_PER_HOUR as i128 + mi as i128 * MICROS_PER_MINUTE as i128) + s;
                        i64::try_from(micros).map(|m| (0, 0, m)).map_err(|_| self.overflow())
                    }),
                    Kind::Calendar => (|| {
                        let f: Vec<i64> = (0..6).map(|k| field(k, i)).collect::<Option<_>>()?;
                        Some((f, Self::seconds(&a[6], i)?))
                    })()
                    .map(|(f, s)| {
                        let months = f[0].checked_mul(12).and_then(|y| y.checked_add(f[1])).filter(|m| i32::try_from(*m).is_ok());
                        let days = f[2].checked_mul(7).and_then(|w| w.checked_add(f[3])).filter(|d| i32::try_from(*d).is_ok());
                        let micros = i64::try_from(f[4] as i128 * MICROS_PER_HOUR as i128 + f[5] as i128 * MICROS_PER_MINUTE as i128 + s).ok();
                        match (months, days, micros) {
                            (Some(m), Some(d), Some(us)) => Ok((m, d, us)),
                            _ => Err(self.overflow()),
                        }
                    }),
                };
                let value = match value {
                    None => None,
                    Some(Ok(v)) => Some(v),
                    Some(Err(e)) if ctx.ansi || self.kind != Kind::Calendar => return Err(e),
                    Some(Err(_)) => None,
                };
                match self.kind {
                    Kind::YearMonth => out_ym.push(value.map(|v| v.0 as i32)),
                    Kind::DayTime => out_dt.push(value.map(|v| v.2)),
                    Kind::Calendar => out_cal.push(value.map(|(m, d, us)| IntervalMonthDayNano::new(m as i32, d as i32, us * 1000))),
                }
            }
            Ok(match self.kind {
                Kind::YearMonth => Arc::new(IntervalYearMonthArray::from(out_ym)) as ArrayRef,
                Kind::DayTime => Arc::new(DurationMicrosecondArray::from(out_dt)),
                Kind::Calendar => Arc::new(IntervalMonthDayNanoArray::from(out_cal)),
            })
        })
    }
}
