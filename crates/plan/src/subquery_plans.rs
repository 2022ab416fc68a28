//! Walking the plans nested in subquery expressions: the analyzer and optimizer
//! process them as well as the main plan.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};

use crate::expr::{Exists, Expr, InSubquery, Subquery};
use crate::logical_plan::LogicalPlan;

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
