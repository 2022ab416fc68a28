//! Constant folding support: evaluates column-free expressions with the physical
//! expression machinery, so folding and execution can never disagree.

use std::sync::Arc;

use arrow::datatypes::Schema;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use ember_common::{Config, Result};
use ember_optimizer::ConstEvaluator;
use ember_physical::expressions::create_physical_expr;
use ember_physical::TaskContext;
use ember_plan::{ColumnarValue, Expr, PlanSchema, ScalarValue};

pub(crate) struct PhysicalConstEvaluator {
    ctx: TaskContext,
}

impl PhysicalConstEvaluator {
    pub fn new(config: Arc<Config>) -> Self {
        PhysicalConstEvaluator { ctx: TaskContext::new(config) }
    }
}

impl ConstEvaluator for PhysicalConstEvaluator {
    fn evaluate(&self, expr: &Expr) -> Result<ScalarValue> {
        let physical = create_physical_expr(expr, &PlanSchema::empty())?;
        let batch = RecordBatch::try_new_with_options(
            Arc::new(Schema::empty()),
            vec![],
            &RecordBatchOptions::new().with_row_count(Some(1)),
        )?;
        match physical.evaluate(&batch, &self.ctx)? {
            ColumnarValue::Scalar(s) => Ok(s),
            ColumnarValue::Array(a) => ScalarValue::try_from_array(a.as_ref(), 0),
        }
    }
}
