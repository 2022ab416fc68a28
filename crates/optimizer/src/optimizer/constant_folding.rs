//! `ConstantFolding`: replaces every largest subexpression without columns, aggregates
//! or generators that is deterministic by its value, computed by the engine's
//! [`ConstEvaluator`](crate::ConstEvaluator) (so folding gives exactly what execution
//! would).
//!
//! ```text
//! before:  Project [(a + (2 * 3)) AS x]      after:  Project [(a + 6) AS x]
//! ```
//!
//! If evaluation fails (`1 div 0` under ANSI mode), the expression stays as it is so
//! the error is raised at run time, only if a row needs it, as in Spark. Aliases stay,
//! so output names do not change. Without an evaluator the rule does nothing.

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{Expr, LogicalPlan, PlanSchema};

use crate::rule::{ConstEvaluator, Rule, RuleContext};
use crate::utils::rewrite_plan_exprs;

pub struct ConstantFolding;

impl Rule for ConstantFolding {
    fn name(&self) -> &'static str {
        "constant_folding"
    }

    fn apply(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        let Some(evaluator) = ctx.evaluator.as_deref() else { return Ok(Transformed::no(plan)) };
        rewrite_plan_exprs(plan, &|e, _| fold(e, evaluator))
    }
}

/// Folds the constant subexpressions of `expr`.
pub fn fold(expr: Expr, evaluator: &dyn ConstEvaluator) -> Result<Transformed<Expr>> {
    let empty = PlanSchema::empty();
    expr.transform_down(|e| {
        if !is_foldable(&e) {
            return Ok(Transformed::no(e));
        }
        let Ok(expected) = e.data_type(&empty) else { return Ok(Transformed::no(e)) };
        match evaluator.evaluate(&e) {
            Ok(v) if v.data_type() == expected => {
                // the value knows its Arrow type only: keep the interval fields (`INTERVAL '3' MONTH`)
                let v = match e.interval_type(&empty) {
                    Ok(Some(t)) => v.with_interval_type(t),
                    _ => v,
                };
                Ok(Transformed::yes(Expr::Literal(v)))
            }
            // An error (or a value of an unexpected type) is left for run time.
            _ => Ok(Transformed::no(e)),
        }
    })
}

fn is_foldable(e: &Expr) -> bool {
    !matches!(e, Expr::Literal(_) | Expr::Alias(_))
        && !is_null_widened_to_interval(e)
        && !e.exists(|n| {
            matches!(
                n,
                Expr::Column(_)
                    | Expr::AggregateFunction(_)
                    | Expr::WindowFunction(_)
                    | Expr::Generator(_)
                    | Expr::Wildcard { .. }
                    | Expr::ScalarSubquery(_)
                    | Expr::InSubquery(_)
                    | Expr::Exists(_)
                    | Expr::OuterReference(_)
                    | Expr::LambdaVariable(_)
            )
        })
        && e.is_deterministic()
}

/// A NULL that coercion cast to an interval type: folded, it would bring the type's
/// default start and end fields to the column it meets (`VALUES (INTERVAL '1' HOUR),
/// (NULL)` is an `interval hour`), so it stays a cast.
fn is_null_widened_to_interval(e: &Expr) -> bool {
    matches!(e, Expr::Cast(c) if c.interval_type.is_none()
        && ember_plan::interval::is_interval(&c.data_type)
        && matches!(c.expr.as_ref(), Expr::Literal(ember_plan::ScalarValue::Null)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder, Operator};

    #[test]
    fn folds_constants_keeping_names() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(col("a").gt(plus(lit(1), lit(2))).and(lit(1).eq(lit(1))))
            .unwrap()
            .project(vec![plus(col("a"), Expr::binary(lit(2), Operator::Multiply, lit(3))), plus(lit(1), lit(1))])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(ConstantFolding, plan), @r"
        Project [(a + 6) AS (a + (2 * 3)), 2 AS (1 + 1)]
        +- Filter ((a > 3) AND true)
           +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn leaves_errors_and_random_values_for_run_time() {
        let div0 = Expr::binary(lit(1), Operator::IntDivide, lit(0));
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![plus(div0, lit(1)).alias("x"), plus(rand(), lit(1.0)).alias("r"), plus(lit(2), lit(2)).alias("y")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(ConstantFolding, plan), @r"
        Project [((1 div 0) + 1) AS x, (rand() + 1.0) AS r, 4 AS y]
        +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn without_an_evaluator_nothing_changes() {
        let plan = LogicalPlanBuilder::from(scan_t()).project(vec![plus(lit(1), lit(1))]).unwrap().build();
        let t = ConstantFolding.apply(plan, &RuleContext::default()).unwrap();
        assert!(!t.transformed);
    }
}
