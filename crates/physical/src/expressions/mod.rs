//! Physical expressions: evaluated on whole Arrow batches with arrow's kernels.

mod arithmetic;
pub mod binary;
pub mod case;
pub mod cast;
mod cast_interval;
pub mod column;
mod datetime_arith;
mod datum;
mod decimal_fast;
pub mod higher_order;
mod higher_order_map;
mod higher_order_sort;
pub mod in_list;
pub mod is_not_null;
pub mod is_null;
pub mod lambda;
pub mod like;
pub mod literal;
pub mod negative;
pub mod normalize;
mod nested_cmp;
pub mod not;
pub mod pending_subquery;
pub mod planner;
pub mod scalar_function;
#[cfg(test)]
pub(crate) mod test_fmt;

pub use binary::BinaryExpr;
pub use case::CaseExpr;
pub use cast::{cast_array, CastExpr};
pub use column::ColumnExpr;
pub use in_list::InListExpr;
pub use is_not_null::IsNotNullExpr;
pub use is_null::IsNullExpr;
pub use like::LikeExpr;
pub use literal::LiteralExpr;
pub use negative::NegativeExpr;
pub use not::NotExpr;
pub use pending_subquery::PendingSubqueryExpr;
pub use planner::create_physical_expr;
pub use scalar_function::ScalarFunctionExpr;

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

/// A sort key bound to an input schema.
#[derive(Debug, Clone)]
pub struct PhysicalSortExpr {
    pub expr: PhysicalExprRef,
    pub options: arrow::compute::SortOptions,
}

impl std::fmt::Display for PhysicalSortExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.expr,
            if self.options.descending { "DESC" } else { "ASC" },
            if self.options.nulls_first { "NULLS FIRST" } else { "NULLS LAST" }
        )
    }
}
