//! `NegativeExpr`: unary minus; overflow (`-MIN_VALUE`) is an error under ANSI, and
//! always for ANSI intervals.

use std::fmt;

use arrow::datatypes::{DataType, Schema};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, ErrorKind, Result};
use ember_common::interval_type::IntervalType;
use ember_plan::interval::{interval_array, interval_overflow, interval_values};
use ember_plan::ColumnarValue;

use super::datum::apply_unary;
use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone)]
pub struct NegativeExpr {
    pub arg: PhysicalExprRef,
}

impl NegativeExpr {
    pub fn new(arg: PhysicalExprRef) -> Self {
        NegativeExpr { arg }
    }
}

impl fmt::Display for NegativeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(- {})", self.arg)
    }
}

/// `-interval`, in the interval's own storage; the minimum value overflows whatever the
/// ANSI setting, as in Spark.
fn negate_intervals(values: Vec<Option<i64>>, dt: &DataType) -> Result<arrow::array::ArrayRef> {
    let t = IntervalType::default_for(dt).ok_or_else(|| Error::internal(format!("negating {dt}")))?;
    let min = if t.is_year_month() { i32::MIN as i64 } else { i64::MIN };
    let negated = values
        .into_iter()
        .map(|v| match v {
            Some(x) if x == min => Err(interval_overflow(None)),
            v => Ok(v.map(|x| -x)),
        })
        .collect::<Result<Vec<_>>>()?;
    interval_array(negated, t)
}

impl PhysicalExpr for NegativeExpr {
    fn data_type(&self, input_schema: &Schema) -> Result<DataType> {
        self.arg.data_type(input_schema)
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        self.arg.nullable(input_schema)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let v = self.arg.evaluate(batch, ctx)?;
        if v.data_type() == DataType::Null {
            return Ok(v);
        }
        let ansi = ctx.functions.ansi;
        apply_unary(&v, |a| {
            if let Some(values) = interval_values(a.as_ref()) {
                return negate_intervals(values, a.data_type());
            }
            let res = if ansi { arrow::compute::kernels::numeric::neg(a.as_ref()) } else { arrow::compute::kernels::numeric::neg_wrapping(a.as_ref()) };
            res.map_err(|e| match e {
                ArrowError::ArithmeticOverflow(_) => {
                    let what = match a.data_type() {
                        DataType::Int64 => "long overflow",
                        DataType::Int32 => "integer overflow",
                        DataType::Int16 => "short overflow",
                        DataType::Int8 => "byte overflow",
                        _ => "overflow",
                    };
                    Error::new(ErrorKind::ArithmeticOverflow { op: "subtract".into(), message: what.into() })
                }
                other => Error::from(other),
            })
        })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expressions::LiteralExpr;
    use ember_plan::ScalarValue;
    use std::sync::Arc;

    #[test]
    fn negates_and_overflows() {
        let b = RecordBatch::new_empty(Arc::new(Schema::empty()));
        let neg = |v: i32, ansi: bool| {
            let mut ctx = TaskContext::default();
            ctx.functions.ansi = ansi;
            NegativeExpr::new(Arc::new(LiteralExpr(ScalarValue::Int32(Some(v))))).evaluate(&b, &ctx)
        };
        assert!(matches!(neg(5, true).unwrap(), ColumnarValue::Scalar(ScalarValue::Int32(Some(-5)))));
        assert_eq!(neg(i32::MIN, true).unwrap_err().class(), "ARITHMETIC_OVERFLOW");
        assert!(matches!(neg(i32::MIN, false).unwrap(), ColumnarValue::Scalar(ScalarValue::Int32(Some(i32::MIN)))));
    }
}
