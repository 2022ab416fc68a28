//! The `Expand` plan node (Spark's `Expand`): emits one output row per projection for
//! every input row. GROUPING SETS, ROLLUP and CUBE use it to make one copy of each row
//! per grouping set, with the columns not in the set nulled out and a
//! `spark_grouping_id` column telling the sets apart.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use ember_common::{Error, Result};

use crate::expr::Expr;
use crate::logical_plan::LogicalPlan;
use crate::schema::{PlanField, PlanSchema};

/// Name of the column holding the grouping set's id (a bit per grouping expression,
/// set where that expression is nulled out).
pub const GROUPING_ID_COLUMN: &str = "spark_grouping_id";

/// Name of the column numbering grouping sets when some set is listed twice.
pub const GROUPING_POS_COLUMN: &str = "_gen_grouping_pos";

/// For every input row, one output row per projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Expand {
    pub input: Arc<LogicalPlan>,
    /// One list of output expressions per copy, all of the same length and types.
    pub projections: Vec<Vec<Expr>>,
    pub schema: PlanSchema,
}

impl Expand {
    /// `names` gives each output column's qualifier and name. A column's type is the
    /// first non-NULL-typed expression's type; it is nullable if any projection's is.
    pub fn try_new(input: Arc<LogicalPlan>, projections: Vec<Vec<Expr>>, names: Vec<(Option<Arc<str>>, String)>) -> Result<Self> {
        if projections.is_empty() {
            return Err(Error::internal("Expand needs at least one projection"));
        }
        let in_schema = input.schema();
        let width = names.len();
        let mut types = vec![DataType::Null; width];
        let mut nullable = vec![false; width];
        // An event-time mark (window of a watermarked column) survives the expansion.
        let mut marks: Vec<Option<Field>> = vec![None; width];
        for p in &projections {
            if p.len() != width {
                return Err(Error::internal(format!("Expand projection of {} expressions for {width} columns", p.len())));
            }
            for (i, e) in p.iter().enumerate() {
                let f = e.to_field(in_schema)?;
                if types[i] == DataType::Null {
                    types[i] = f.data_type().clone();
                } else if f.data_type() != &types[i] && f.data_type() != &DataType::Null {
                    return Err(Error::internal(format!("Expand column {i}: {} vs {}", f.data_type(), types[i])));
                }
                nullable[i] |= f.is_nullable();
                if marks[i].is_none() && crate::event_time::watermark_delay_ms(&f).is_some() {
                    marks[i] = Some(f);
                }
            }
        }
        let fields = names
            .into_iter()
            .enumerate()
            .map(|(i, (q, n))| {
                let field = Field::new(n, types[i].clone(), nullable[i]);
                let field = match &marks[i] {
                    Some(m) => crate::event_time::with_watermark_of(field, m),
                    None => field,
                };
                PlanField::new(q, field)
            })
            .collect();
        Ok(Expand { input, projections, schema: PlanSchema::new(fields) })
    }

    /// The output columns' qualifiers and names (for rebuilding the node).
    pub fn names(&self) -> Vec<(Option<Arc<str>>, String)> {
        self.schema.fields().iter().map(|f| (f.qualifier.clone(), f.name().to_string())).collect()
    }
}
