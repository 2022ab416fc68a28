//! `ColumnExpr`: reads one input column by index.

use std::fmt;

use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::ColumnarValue;

use super::PhysicalExpr;
use crate::execution_plan::TaskContext;

/// A column of the input batch, by position. Displays as `name#index`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnExpr {
    pub name: String,
    pub index: usize,
}

impl ColumnExpr {
    pub fn new(name: impl Into<String>, index: usize) -> Self {
        ColumnExpr { name: name.into(), index }
    }

    fn bounds_error(&self, len: usize) -> Error {
        Error::internal(format!("column {self} out of bounds for input of {len} columns"))
    }
}

impl fmt::Display for ColumnExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.name, self.index)
    }
}

impl PhysicalExpr for ColumnExpr {
    fn data_type(&self, input_schema: &Schema) -> Result<DataType> {
        let fields = input_schema.fields();
        fields.get(self.index).map(|f| f.data_type().clone()).ok_or_else(|| self.bounds_error(fields.len()))
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        let fields = input_schema.fields();
        fields.get(self.index).map(|f| f.is_nullable()).ok_or_else(|| self.bounds_error(fields.len()))
    }

    fn evaluate(&self, batch: &RecordBatch, _ctx: &TaskContext) -> Result<ColumnarValue> {
        if self.index >= batch.num_columns() {
            return Err(self.bounds_error(batch.num_columns()));
        }
        Ok(ColumnarValue::Array(batch.column(self.index).clone()))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, Int32Array};
    use std::sync::Arc;

    #[test]
    fn reads_column_and_checks_bounds() {
        let batch = RecordBatch::try_from_iter(vec![("a", Arc::new(Int32Array::from(vec![Some(1), None])) as _)]).unwrap();
        let c = ColumnExpr::new("a", 0);
        let v = c.evaluate(&batch, &TaskContext::default()).unwrap().into_array(2).unwrap();
        assert_eq!(v.null_count(), 1);
        assert_eq!(c.to_string(), "a#0");
        assert!(ColumnExpr::new("b", 3).evaluate(&batch, &TaskContext::default()).is_err());
    }
}
