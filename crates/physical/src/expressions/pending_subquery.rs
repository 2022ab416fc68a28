//! `PendingSubqueryExpr`: an uncorrelated scalar subquery in a plan built only to be
//! shown (EXPLAIN). Queries that run have their scalar subqueries executed first and
//! replaced by literals, so evaluating this expression is an internal error.

use std::fmt;

use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::ColumnarValue;

use super::PhysicalExpr;
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone, PartialEq)]
pub struct PendingSubqueryExpr {
    name: String,
    data_type: DataType,
}

impl PendingSubqueryExpr {
    pub fn new(name: String, data_type: DataType) -> Self {
        PendingSubqueryExpr { name, data_type }
    }
}

impl fmt::Display for PendingSubqueryExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl PhysicalExpr for PendingSubqueryExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.data_type.clone())
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(true)
    }

    fn evaluate(&self, _batch: &RecordBatch, _ctx: &TaskContext) -> Result<ColumnarValue> {
        Err(Error::internal(format!("the scalar subquery {} was not executed before the query", self.name)))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
