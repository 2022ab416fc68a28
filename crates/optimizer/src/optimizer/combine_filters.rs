//! `CombineFilters`: two adjacent filters become one, the lower predicate first;
//! conjuncts already in the lower filter are dropped.
//!
//! ```text
//! before:  Filter (b > 2)            after:  Filter ((a > 1) AND (b > 2))
//!          +- Filter (a > 1)                 +- Relation t
//!             +- Relation t
//! ```
//!
//! As in Spark, only when the lower predicate is deterministic; non-deterministic
//! conjuncts of the upper one stay in a filter above.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::split_conjunction_owned;
use ember_plan::{conjunction, Filter, LogicalPlan};

use crate::rule::{Rule, RuleContext};

pub struct CombineFilters;

impl Rule for CombineFilters {
    fn name(&self) -> &'static str {
        "combine_filters"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_down(|node| {
            let LogicalPlan::Filter(upper) = node else { return Ok(Transformed::no(node)) };
            let LogicalPlan::Filter(lower) = upper.input.as_ref() else { return Ok(Transformed::no(LogicalPlan::Filter(upper))) };
            if !lower.predicate.is_deterministic() {
                return Ok(Transformed::no(LogicalPlan::Filter(upper)));
            }
            let lower_parts = split_conjunction_owned(lower.predicate.clone());
            let (deterministic, rest): (Vec<_>, Vec<_>) =
                split_conjunction_owned(upper.predicate.clone()).into_iter().partition(|e| e.is_deterministic());
            if deterministic.is_empty() {
                return Ok(Transformed::no(LogicalPlan::Filter(upper)));
            }
            let mut parts = lower_parts.clone();
            for p in deterministic {
                if !parts.contains(&p) {
                    parts.push(p);
                }
            }
            let combined = conjunction(parts).unwrap_or_else(|| lower.predicate.clone());
            let mut out = LogicalPlan::Filter(Filter::try_new(combined, lower.input.clone())?);
            if let Some(rest) = conjunction(rest) {
                out = LogicalPlan::Filter(Filter::try_new(rest, Arc::new(out))?);
            }
            Ok(Transformed::yes(out))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    #[test]
    fn merges_filters() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(col("a").gt(lit(1)))
            .unwrap()
            .filter(col("b").gt(lit(2)).and(col("a").gt(lit(1))))
            .unwrap()
            .filter(col("c").is_null())
            .unwrap()
            .build();
        insta::assert_snapshot!(run(CombineFilters, plan), @r"
        Filter (((a > 1) AND (b > 2)) AND (c IS NULL))
        +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn keeps_non_deterministic_conjuncts_above() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(col("a").gt(lit(1)))
            .unwrap()
            .filter(rand().gt(lit(0.5)).and(col("b").gt(lit(2))))
            .unwrap()
            .build();
        insta::assert_snapshot!(run(CombineFilters, plan), @r"
        Filter (rand() > 0.5)
        +- Filter ((a > 1) AND (b > 2))
           +- Relation t[a,b,c] test
        ");
    }
}
