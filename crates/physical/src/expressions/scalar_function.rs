//! `ScalarFunctionExpr`: calls a `ScalarFunctionImpl` on evaluated arguments.

use std::fmt;
use std::sync::Arc;

use arrow::array::{new_empty_array, new_null_array, Array, ArrayRef};
use arrow::compute::concat;
use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::{ColumnarValue, ScalarFunctionImpl};

use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

/// Arguments already have the types `func.coerce_types` asked for.
#[derive(Debug, Clone)]
pub struct ScalarFunctionExpr {
    pub func: Arc<dyn ScalarFunctionImpl>,
    pub args: Vec<PhysicalExprRef>,
    pub return_type: DataType,
}

impl ScalarFunctionExpr {
    pub fn new(func: Arc<dyn ScalarFunctionImpl>, args: Vec<PhysicalExprRef>, return_type: DataType) -> Self {
        ScalarFunctionExpr { func, args, return_type }
    }
}

impl fmt::Display for ScalarFunctionExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args = self.args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
        write!(f, "{}({args})", self.func.name())
    }
}

impl ScalarFunctionExpr {
    fn evaluate_args(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<Vec<ColumnarValue>> {
        self.args.iter().map(|a| a.evaluate(batch, ctx)).collect()
    }

    /// Spark's TRY mode: the arguments under ANSI rules; when that fails, row by row,
    /// with NULL for each row that fails.
    fn try_evaluate_args(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<Vec<ColumnarValue>> {
        let mut ansi = ctx.clone();
        ansi.functions.ansi = true;
        if let Ok(args) = self.evaluate_args(batch, &ansi) {
            return Ok(args);
        }
        let schema = batch.schema();
        let mut columns: Vec<Vec<ArrayRef>> = vec![Vec::with_capacity(batch.num_rows()); self.args.len()];
        for row in 0..batch.num_rows() {
            let one = batch.slice(row, 1);
            for (i, a) in self.args.iter().enumerate() {
                let value = match a.evaluate(&one, &ansi) {
                    Ok(v) => v.into_array(1)?,
                    Err(_) => new_null_array(&a.data_type(&schema)?, 1),
                };
                columns[i].push(value);
            }
        }
        columns
            .into_iter()
            .zip(&self.args)
            .map(|(parts, a)| {
                let refs: Vec<&dyn Array> = parts.iter().map(|p| p.as_ref()).collect();
                Ok(ColumnarValue::Array(if refs.is_empty() { new_empty_array(&a.data_type(&schema)?) } else { concat(&refs)? }))
            })
            .collect()
    }
}

impl PhysicalExpr for ScalarFunctionExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.return_type.clone())
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(true)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let args = if self.func.try_eval() { self.try_evaluate_args(batch, ctx)? } else { self.evaluate_args(batch, ctx)? };
        let out = self.func.invoke(&args, batch.num_rows(), &ctx.functions)?;
        if let ColumnarValue::Array(a) = &out {
            if a.len() != batch.num_rows() {
                return Err(ember_common::Error::internal(format!(
                    "function {} returned {} rows for {} input rows",
                    self.func.name(),
                    a.len(),
                    batch.num_rows()
                )));
            }
        }
        Ok(out)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
