//! `IsNullExpr`: true where the argument is NULL (never NULL itself).

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::{ColumnarValue, ScalarValue};

use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone)]
pub struct IsNullExpr {
    pub arg: PhysicalExprRef,
}

impl IsNullExpr {
    pub fn new(arg: PhysicalExprRef) -> Self {
        IsNullExpr { arg }
    }
}

impl fmt::Display for IsNullExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({} IS NULL)", self.arg)
    }
}

impl PhysicalExpr for IsNullExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(false)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        Ok(match self.arg.evaluate(batch, ctx)? {
            ColumnarValue::Scalar(s) => ColumnarValue::Scalar(ScalarValue::Boolean(Some(s.is_null()))),
            ColumnarValue::Array(a) => ColumnarValue::Array(Arc::new(arrow::compute::is_null(a.as_ref())?)),
        })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
