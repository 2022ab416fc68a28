//! Physical expressions: evaluated on whole Arrow batches with arrow's kernels.

use std::fmt::{Debug, Display};
use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::ColumnarValue;

use crate::execution_plan::TaskContext;

pub type PhysicalExprRef = Arc<dyn PhysicalExpr>;

/// An expression bound to an input schema (columns by index).
pub trait PhysicalExpr: Send + Sync + Debug + Display {
    fn data_type(&self, input_schema: &Schema) -> Result<DataType>;
    fn nullable(&self, input_schema: &Schema) -> Result<bool>;
    /// Evaluates over a batch: an array of `batch.num_rows()` rows or a scalar.
    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue>;
    fn as_any(&self) -> &dyn std::any::Any;
}

/// Evaluates `expr` and returns a full array.
pub fn evaluate_to_array(expr: &dyn PhysicalExpr, batch: &RecordBatch, ctx: &TaskContext) -> Result<arrow::array::ArrayRef> {
    expr.evaluate(batch, ctx)?.into_array(batch.num_rows())
}
