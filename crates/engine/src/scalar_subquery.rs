//! Uncorrelated scalar subqueries run before the query that uses them (as Spark's
//! `ScalarSubquery` is evaluated once before its plan executes) and are replaced by
//! their value. Correlated ones were turned into joins by the optimizer.

use std::sync::Arc;

use arrow::array::new_null_array;
use ember_common::{Config, Error, ErrorKind, Result, Transformed, TreeNode};
use ember_physical::TaskContext;
use ember_plan::subquery_plans::contains_subquery;
use ember_plan::{Expr, LogicalPlan, ScalarValue};

use crate::query::physical_plan;
use crate::session::Session;

/// `plan` with every scalar subquery replaced by its value; output names are kept.
pub(crate) fn execute_scalar_subqueries(plan: LogicalPlan, session: &Session, config: &Arc<Config>) -> Result<LogicalPlan> {
    if !contains_subquery(&plan) {
        return Ok(plan);
    }
    let out = plan.transform_up(|node| {
        if !node.expressions().iter().any(|e| e.contains_subquery()) {
            return Ok(Transformed::no(node));
        }
        let is_projection = matches!(node, LogicalPlan::Projection(_));
        node.map_expressions(|e| {
            let name = e.output_name();
            let t = e.transform_up(|x| match x {
                Expr::ScalarSubquery(s) => Ok(Transformed::yes(Expr::Literal(run(&s.plan, session, config)?))),
                other => Ok(Transformed::no(other)),
            })?;
            Ok(match t.data {
                e if is_projection && t.transformed && e.output_name() != name => Transformed::yes(e.alias(name)),
                e => Transformed::new(e, t.transformed),
            })
        })
    })?;
    Ok(out.data)
}

/// The single value of an optimized subquery plan: NULL for no rows, an error for more.
fn run(plan: &LogicalPlan, session: &Session, config: &Arc<Config>) -> Result<ScalarValue> {
    let plan = execute_scalar_subqueries(plan.clone(), session, config)?;
    let physical = physical_plan(&plan, config)?;
    let ctx = TaskContext::new(config.clone());
    let batches: Vec<_> = session.scheduler().collect(&physical, &ctx)?.into_iter().flatten().filter(|b| b.num_rows() > 0).collect();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    match rows {
        0 => {
            let t = plan.schema().field(0).data_type().clone();
            ScalarValue::try_from_array(new_null_array(&t, 1).as_ref(), 0)
        }
        1 => ScalarValue::try_from_array(batches[0].column(0).as_ref(), 0),
        _ => Err(Error::new(ErrorKind::Other {
            class: "SCALAR_SUBQUERY_TOO_MANY_ROWS".into(),
            sqlstate: Some("21000".into()),
            message: "More than one row returned by a subquery used as an expression.".into(),
        })),
    }
}
