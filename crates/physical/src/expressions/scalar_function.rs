//! `ScalarFunctionExpr`: calls a `ScalarFunctionImpl` on evaluated arguments.

use std::fmt;
use std::sync::Arc;

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

impl PhysicalExpr for ScalarFunctionExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.return_type.clone())
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(true)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let args = self.args.iter().map(|a| a.evaluate(batch, ctx)).collect::<Result<Vec<_>>>()?;
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
