//! Walking the plans nested in subquery expressions (the analyzer and optimizer
//! process them as well as the main plan), and the check on an IN subquery's width.

use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result, Transformed, TreeNode};

use crate::expr::{Exists, Expr, InSubquery, Subquery};
use crate::logical_plan::LogicalPlan;

/// `DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH` unless the subquery of `value IN
/// (subquery)` has exactly one column.
pub fn check_in_subquery_width(value: &Expr, subquery: &LogicalPlan) -> Result<()> {
    let schema = subquery.schema();
    if schema.len() == 1 {
        return Ok(());
    }
    Err(Error::new(ErrorKind::DatatypeMismatch {
        sub: "IN_SUBQUERY_LENGTH_MISMATCH",
        expr: format!("\"({value} IN (listquery()))\""),
        message: format!(
            "The number of columns in the left hand side of an IN subquery does not match the number of columns in the output of subquery. Left hand side columns(length: 1): [\"{value}\"], right hand side columns(length: {}): [{}].",
            schema.len(),
            schema.fields().iter().map(|f| format!("\"{}\"", f.name())).collect::<Vec<_>>().join(", ")
        ),
    }))
}

/// Rewrites the plan of every subquery expression in `plan` (at any depth of the main
/// plan, not inside the subqueries themselves: `f` recurses if it needs to).
pub fn map_subquery_plans(plan: LogicalPlan, f: &mut dyn FnMut(LogicalPlan) -> Result<LogicalPlan>) -> Result<Transformed<LogicalPlan>> {
    plan.transform_up(|node| {
        if !node.expressions().iter().any(|e| e.contains_subquery()) {
            return Ok(Transformed::no(node));
        }
        node.map_expressions(|e| e.transform_up(|x| map_subquery_expr(x, f)))
    })
}

/// Rewrites the plan of `e` if it is a subquery expression.
pub fn map_subquery_expr(e: Expr, f: &mut dyn FnMut(LogicalPlan) -> Result<LogicalPlan>) -> Result<Transformed<Expr>> {
    let mut map = |s: Subquery| -> Result<Subquery> { Ok(Subquery { plan: Arc::new(f(s.plan.as_ref().clone())?) }) };
    Ok(match e {
        Expr::ScalarSubquery(s) => Transformed::yes(Expr::ScalarSubquery(map(s)?)),
        Expr::InSubquery(i) => Transformed::yes(Expr::InSubquery(InSubquery { subquery: map(i.subquery)?, ..i })),
        Expr::Exists(x) => Transformed::yes(Expr::Exists(Exists { subquery: map(x.subquery)?, ..x })),
        other => Transformed::no(other),
    })
}

/// True if any expression of any node of `plan` holds a subquery.
pub fn contains_subquery(plan: &LogicalPlan) -> bool {
    plan.exists(|p| p.expressions().iter().any(|e| e.contains_subquery()))
}
