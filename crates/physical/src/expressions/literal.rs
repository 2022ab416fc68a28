//! `LiteralExpr`: a constant, evaluated as a scalar.

use std::fmt;

use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::{ColumnarValue, ScalarValue};

use super::PhysicalExpr;
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone, PartialEq)]
pub struct LiteralExpr(pub ScalarValue);

impl LiteralExpr {
    pub fn new(value: ScalarValue) -> Self {
        LiteralExpr(value)
    }
    pub fn value(&self) -> &ScalarValue {
        &self.0
    }
}

impl fmt::Display for LiteralExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl PhysicalExpr for LiteralExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.0.data_type())
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(self.0.is_null())
    }

    fn evaluate(&self, _batch: &RecordBatch, _ctx: &TaskContext) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Scalar(self.0.clone()))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
