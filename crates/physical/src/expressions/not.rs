//! `NotExpr`: boolean negation (NULL stays NULL).

use std::fmt;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray};
use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::{ColumnarValue, ScalarValue};

use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone)]
pub struct NotExpr {
    pub arg: PhysicalExprRef,
}

impl NotExpr {
    pub fn new(arg: PhysicalExprRef) -> Self {
        NotExpr { arg }
    }
}

impl fmt::Display for NotExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(NOT {})", self.arg)
    }
}

impl PhysicalExpr for NotExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        self.arg.nullable(input_schema)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        match self.arg.evaluate(batch, ctx)? {
            ColumnarValue::Scalar(s) => match s {
                ScalarValue::Boolean(v) => Ok(ColumnarValue::Scalar(ScalarValue::Boolean(v.map(|b| !b)))),
                ScalarValue::Null => Ok(ColumnarValue::Scalar(ScalarValue::Boolean(None))),
                other => Err(Error::internal(format!("NOT of non-boolean {other:?}"))),
            },
            ColumnarValue::Array(a) => match a.data_type() {
                DataType::Boolean => Ok(ColumnarValue::Array(Arc::new(arrow::compute::not(a.as_boolean())?) as ArrayRef)),
                DataType::Null => Ok(ColumnarValue::Array(arrow::array::new_null_array(&DataType::Boolean, a.len()))),
                other => Err(Error::internal(format!("NOT of non-boolean {other}"))),
            },
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
