//! The Analyzer: its own executor (kept apart from the optimizer, as in Spark), run on
//! bound plans before optimization. Name resolution happens in the binder and the
//! plan builder; the analyzer makes implicit casts explicit and validates the result.

pub mod check_analysis;
pub mod coerce_expr;
pub mod resolve_time_windows;
pub mod type_coercion;

use std::sync::Arc;

use ember_common::Result;
use ember_plan::subquery_plans::map_subquery_plans;
use ember_plan::LogicalPlan;

use crate::executor::{Batch, RuleExecutor, Strategy};
use crate::rule::RuleContext;
use check_analysis::CheckAnalysis;
use resolve_time_windows::ResolveTimeWindows;
use type_coercion::TypeCoercion;

/// Makes a bound plan ready for optimization: explicit casts, then validation.
pub struct Analyzer {
    executor: RuleExecutor,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    pub fn new() -> Self {
        Analyzer {
            executor: RuleExecutor::new(vec![
                // Coercion is a single bottom-up pass: each node is coerced after its
                // inputs, and coercing again changes nothing.
                Batch::new("Type Coercion", Strategy::Once, vec![Arc::new(TypeCoercion)]),
                // After coercion, which has cast the windows' time columns to timestamps.
                Batch::new("Resolve Time Windows", Strategy::Once, vec![Arc::new(ResolveTimeWindows)]),
                // Last: validates what the batches above produced.
                Batch::new("Check Analysis", Strategy::Once, vec![Arc::new(CheckAnalysis)]),
            ]),
        }
    }

    pub fn execute(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<LogicalPlan> {
        self.execute_traced(plan, ctx).map(|(p, _)| p)
    }

    /// Like [`Analyzer::execute`], also returning the rules that changed the plan.
    /// Subquery plans are analyzed first, each on its own.
    pub fn execute_traced(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<(LogicalPlan, Vec<String>)> {
        let plan = map_subquery_plans(plan, &mut |p| self.execute(p, ctx))?.data;
        self.executor.execute(plan, ctx)
    }

    /// The batches, for tests and EXPLAIN.
    pub fn executor(&self) -> &RuleExecutor {
        &self.executor
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    #[test]
    fn analyzes_and_is_idempotent() {
        let plan = LogicalPlanBuilder::from(scan_u())
            .filter(col("z").eq(lit(1)).and(col("x").lt(col("y"))))
            .unwrap()
            .aggregate(vec![col("z")], vec![sum(col("x"))])
            .unwrap()
            .build();
        let analyzer = Analyzer::new();
        let (out, trace) = analyzer.execute_traced(plan.clone(), &ctx()).unwrap();
        assert_eq!(trace, vec!["Type Coercion/type_coercion"]);
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [u.z, sum(x)]
        +- Aggregate [z], [sum(CAST(x AS BIGINT)) AS sum(x)]
           +- Filter ((CAST(z AS INT) = 1) AND (CAST(x AS BIGINT) < y))
              +- Relation u[x,y,z] test
        ");
        analyzer.executor().check_once_batches_idempotent(plan, &ctx()).unwrap();
    }
}
