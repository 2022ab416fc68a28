//! The Optimizer: rewrites an analyzed plan into a cheaper equivalent one, in batches
//! ordered as in Spark's `Optimizer.defaultBatches`.

pub mod collapse_projections;
pub mod combine_filters;
pub mod combine_limits;
pub mod constant_folding;
pub(crate) mod decorrelate;
pub mod eliminate_noop;
pub mod eliminate_outer_join;
pub mod extract_common_predicates;
pub mod inject_runtime_filter;
pub mod prune_columns;
pub mod push_down_filter;
pub mod push_down_limit;
pub mod push_down_semi_join;
pub mod push_extra_predicate_through_join;
pub mod reorder_joins;
pub mod replace_distinct_with_aggregate;
pub mod replace_except_with_anti_join;
pub mod replace_intersect_with_semi_join;
pub mod rewrite_existence_subquery;
pub mod rewrite_predicate_subquery;
pub mod rewrite_scalar_subquery;
pub mod simplify_expressions;

use std::sync::Arc;

use ember_common::{Result, TreeNode, TreeNodeRecursion};
use ember_plan::subquery_plans::map_subquery_plans;
use ember_plan::{Expr, LogicalPlan};

use crate::executor::{Batch, RuleExecutor, Strategy};
use crate::rule::{Rule, RuleContext};
pub use collapse_projections::CollapseProjections;
pub use combine_filters::CombineFilters;
pub use combine_limits::CombineLimits;
pub use constant_folding::ConstantFolding;
pub use eliminate_noop::EliminateNoop;
pub use eliminate_outer_join::EliminateOuterJoin;
pub use extract_common_predicates::ExtractCommonPredicates;
pub use inject_runtime_filter::InjectRuntimeFilter;
pub use prune_columns::PruneColumns;
pub use push_down_filter::PushDownFilter;
pub use push_down_limit::PushDownLimit;
pub use push_down_semi_join::PushDownLeftSemiAntiJoin;
pub use push_extra_predicate_through_join::PushExtraPredicateThroughJoin;
pub use reorder_joins::ReorderJoins;
pub use replace_distinct_with_aggregate::ReplaceDistinctWithAggregate;
pub use replace_except_with_anti_join::ReplaceExceptWithAntiJoin;
pub use replace_intersect_with_semi_join::ReplaceIntersectWithSemiJoin;
pub use rewrite_existence_subquery::RewriteExistenceSubquery;
pub use rewrite_predicate_subquery::RewritePredicateSubquery;
pub use rewrite_scalar_subquery::RewriteCorrelatedScalarSubquery;
pub use simplify_expressions::SimplifyExpressions;

/// Rewrites analyzed plans with Ember's default batches.
pub struct Optimizer {
    executor: RuleExecutor,
}

impl Default for Optimizer {
    fn default() -> Self {
        Optimizer::new()
    }
}

impl Optimizer {
    pub fn new() -> Self {
        Optimizer { executor: RuleExecutor::new(default_batches()) }
    }

    /// An optimizer with other batches (tests, experiments).
    pub fn with_batches(batches: Vec<Batch>) -> Self {
        Optimizer { executor: RuleExecutor::new(batches) }
    }

    pub fn execute(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<LogicalPlan> {
        self.execute_traced(plan, ctx).map(|(p, _)| p)
    }

    /// Like [`Optimizer::execute`], also returning the rules that changed the plan, in
    /// order, as `"batch/rule"`.
    /// The subqueries left after decorrelation (uncorrelated scalar subqueries, run by
    /// the engine before the query) are optimized too, each on its own.
    pub fn execute_traced(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<(LogicalPlan, Vec<String>)> {
        let (plan, trace) = self.executor.execute(plan, ctx)?;
        check_no_subquery_left(&plan)?;
        let plan = map_subquery_plans(plan, &mut |p| self.execute(p, ctx))?.data;
        Ok((plan, trace))
    }

    /// The batches, for tests and EXPLAIN.
    pub fn executor(&self) -> &RuleExecutor {
        &self.executor
    }
}

/// After the subquery rules only uncorrelated scalar subqueries may remain.
fn check_no_subquery_left(plan: &LogicalPlan) -> Result<()> {
    let mut found: Option<String> = None;
    let _ = plan.apply(|p| {
        for e in p.expressions() {
            let _ = e.apply(|x| {
                let left = match x {
                    Expr::Exists(_) | Expr::InSubquery(_) => true,
                    Expr::ScalarSubquery(s) => s.is_correlated(),
                    _ => false,
                };
                if left && found.is_none() {
                    found = Some(format!("{x} in {}", p.name()));
                }
                Ok(TreeNodeRecursion::Continue)
            });
        }
        Ok(TreeNodeRecursion::Continue)
    });
    match found {
        None => Ok(()),
        Some(what) => Err(decorrelate::unsupported_correlation(&format!(
            "{what}: subqueries are supported in SELECT, WHERE and HAVING"
        ))),
    }
}

fn rules(list: Vec<Arc<dyn Rule>>) -> Vec<Arc<dyn Rule>> {
    list
}

/// Ember's default optimizer batches.
pub fn default_batches() -> Vec<Batch> {
    vec![
        // First, as Spark's "Replace Operators": later rules (filter pushdown through
        // an Aggregate, column pruning) then see one operator for grouping instead of
        // two.
        Batch::new(
            "Finish Analysis",
            Strategy::Once,
            rules(vec![Arc::new(ReplaceIntersectWithSemiJoin), Arc::new(ReplaceExceptWithAntiJoin), Arc::new(ReplaceDistinctWithAggregate)]),
        ),
        // Spark's "RewriteSubquery": correlated subqueries become joins before any
        // pushdown, so the joins take part in it. Each rule also rewrites the
        // subqueries nested in the subqueries it handles, innermost first.
        Batch::new(
            "Rewrite Subquery",
            Strategy::Once,
            rules(vec![
                Arc::new(RewriteCorrelatedScalarSubquery),
                Arc::new(RewritePredicateSubquery),
                Arc::new(RewriteExistenceSubquery),
            ]),
        ),
        // Spark's operatorOptimizationRuleSet, run to a fixed point: the rules feed each
        // other. Pushdown first (filters reach joins before outer joins are simplified,
        // limits reach scans), then the combining rules that clean up what pushdown
        // left adjacent (filter over filter, limit over limit, project over project),
        // then expression rewrites, whose `true`/`false` results eliminate_noop turns
        // into removed filters and empty relations on the same iteration.
        // eliminate_outer_join must share the batch with push_down_filter: a join that
        // became inner lets the next iteration push the filter into its inputs.
        Batch::new(
            "Operator Optimization",
            Strategy::FixedPoint(100),
            rules(vec![
                Arc::new(PushDownFilter),
                Arc::new(PushDownLeftSemiAntiJoin),
                Arc::new(CombineFilters),
                Arc::new(EliminateOuterJoin),
                Arc::new(PushDownLimit),
                Arc::new(CombineLimits),
                Arc::new(CollapseProjections),
                Arc::new(ConstantFolding),
                Arc::new(SimplifyExpressions),
                Arc::new(ExtractCommonPredicates),
                Arc::new(EliminateNoop),
            ]),
        ),
        // Filters implied by ORs in join conditions, then pushed down like the others.
        Batch::new("Push Extra Predicates", Strategy::Once, rules(vec![Arc::new(PushExtraPredicateThroughJoin)])),
        Batch::new(
            "Push Down Extra Predicates",
            Strategy::FixedPoint(100),
            rules(vec![Arc::new(PushDownFilter), Arc::new(CombineFilters), Arc::new(CollapseProjections), Arc::new(EliminateNoop)]),
        ),
        // Once filters sit in join conditions and scans, inner-join groups are ordered
        // by estimated size, which needs those filters for its estimates.
        Batch::new("Join Reorder", Strategy::Once, rules(vec![Arc::new(ReorderJoins)])),
        // Spark's "InjectRuntimeFilter", after join ordering: key sets of small filtered
        // join inputs reduce the scans aggregated on the other side.
        Batch::new("Inject Runtime Filter", Strategy::Once, rules(vec![Arc::new(InjectRuntimeFilter)])),
        // Last: pruning needs the final shape (pushed filters add their columns to the
        // scans; filters folded away need none). It may leave a projection over a
        // projection or an identity projection, which the next two rules remove.
        Batch::new(
            "Prune Columns",
            Strategy::Once,
            rules(vec![Arc::new(PruneColumns), Arc::new(CollapseProjections), Arc::new(EliminateNoop)]),
        ),
    ]
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod window_tests;
