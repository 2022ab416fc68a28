//! `extractansiintervaldays`: the days of an `interval day` as an int. Spark's analyzer
//! writes it (its `ExtractANSIIntervalDays`) when it turns `date ± INTERVAL '1' DAY` into
//! `date_add(date, [-]extractansiintervaldays(INTERVAL '1' DAY))`, and users see it in
//! column names; it is no function users can call, so it lives here rather than in the
//! function registry.

use std::sync::Arc;

use arrow::array::Int32Array;
use arrow::datatypes::DataType;
use ember_common::interval_type::MICROS_PER_DAY;
use ember_common::{Error, Result};

use crate::function::{ColumnarValue, FunctionContext, ScalarFunctionImpl};
use crate::interval::{interval_values, DAY};
use crate::scalar::ScalarValue;
use crate::Expr;

#[derive(Debug)]
pub struct ExtractAnsiIntervalDays;

/// `extractansiintervaldays(interval)`.
pub fn extract_interval_days(interval: Expr) -> Expr {
    Expr::ScalarFunction(crate::expr::ScalarFunction { func: Arc::new(ExtractAnsiIntervalDays), args: vec![interval] })
}

impl ScalarFunctionImpl for ExtractAnsiIntervalDays {
    fn name(&self) -> &str {
        "extractansiintervaldays"
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        match arg_types {
            [t] if t == &DAY => Ok(vec![DAY]),
            _ => Err(Error::internal(format!("extractansiintervaldays of {arg_types:?}"))),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        let [arg] = args else { return Err(Error::internal("extractansiintervaldays takes one argument")) };
        let scalar = matches!(arg, ColumnarValue::Scalar(_));
        let array = arg.clone().into_array(if scalar { 1 } else { num_rows })?;
        let values = interval_values(array.as_ref()).ok_or_else(|| Error::internal("extractansiintervaldays of a non-interval"))?;
        // whole days of an `interval day` always fit an int
        let days: Int32Array = values.into_iter().map(|v| v.map(|m| (m / MICROS_PER_DAY) as i32)).collect();
        Ok(if scalar {
            ColumnarValue::Scalar(ScalarValue::try_from_array(&days, 0)?)
        } else {
            ColumnarValue::Array(Arc::new(days))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_of_a_day_interval() {
        let e = extract_interval_days(Expr::Literal(crate::interval::day_interval(-90)));
        assert_eq!(e.to_string(), "extractansiintervaldays(INTERVAL '-90' DAY)");
        let out = ExtractAnsiIntervalDays
            .invoke(&[ColumnarValue::Scalar(crate::interval::day_interval(-90))], 1, &FunctionContext::default())
            .unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Int32(Some(-90)))));
    }
}
