//! `IsNotNullExpr`: true where the argument is not NULL (never NULL itself).

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::{ColumnarValue, ScalarValue};

use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone)]
pub struct IsNotNullExpr {
    pub arg: PhysicalExprRef,
}

impl IsNotNullExpr {
    pub fn new(arg: PhysicalExprRef) -> Self {
        IsNotNullExpr { arg }
    }
}

impl fmt::Display for IsNotNullExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({} IS NOT NULL)", self.arg)
    }
}

impl PhysicalExpr for IsNotNullExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(false)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        Ok(match self.arg.evaluate(batch, ctx)? {
            ColumnarValue::Scalar(s) => ColumnarValue::Scalar(ScalarValue::Boolean(Some(!s.is_null()))),
            ColumnarValue::Array(a) => ColumnarValue::Array(Arc::new(arrow::compute::is_not_null(a.as_ref())?)),
        })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
