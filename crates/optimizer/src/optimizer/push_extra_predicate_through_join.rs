//! `PushExtraPredicateThroughJoin` (Spark's rule of that name): from an OR in a join
//! condition that reads both inputs, derives for each input the OR of what every
//! branch requires of that input alone, and filters the input with it. The OR stays
//! in the join; the new filters are implied by it, so results do not change, but
//! filter pushdown can take them to the scans (TPC-H Q7's nations, Q19's parts).
//!
//! ```text
//! before:  Join Inner, (k = k2) AND ((n1 = 'A' AND n2 = 'B') OR (n1 = 'B' AND n2 = 'A'))
//!          :- Relation l
//!          +- Relation r
//! after:   Join Inner, (k = k2) AND ((n1 = 'A' AND n2 = 'B') OR (n1 = 'B' AND n2 = 'A'))
//!          :- Filter ((n1 = 'A') OR (n1 = 'B'))
//!          :  +- Relation l
//!          +- Filter ((n2 = 'B') OR (n2 = 'A'))
//!             +- Relation r
//! ```
//!
//! It runs once, after the fixed-point pushdown batch, and a pushdown batch follows.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::split_conjunction;
use ember_plan::{conjunction, Expr, Filter, Join, JoinType, LogicalPlan, PlanSchema};

use super::extract_common_predicates::split_disjunction;
use crate::rule::{Rule, RuleContext};

pub struct PushExtraPredicateThroughJoin;

impl Rule for PushExtraPredicateThroughJoin {
    fn name(&self) -> &'static str {
        "push_extra_predicate_through_join"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| match node {
            LogicalPlan::Join(j) if matches!(j.join_type, JoinType::Inner | JoinType::Cross) => match push(&j) {
                Some(p) => Ok(Transformed::yes(p)),
                None => Ok(Transformed::no(LogicalPlan::Join(j))),
            },
            other => Ok(Transformed::no(other)),
        })
    }
}

fn push(j: &Join) -> Option<LogicalPlan> {
    let cond = j.condition.as_ref()?;
    let (ls, rs) = (j.left.schema(), j.right.schema());
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for c in split_conjunction(cond) {
        let mut branches = Vec::new();
        split_disjunction(c.clone(), &mut branches);
        if branches.len() < 2 {
            continue;
        }
        left.extend(side_predicate(&branches, ls, rs));
        right.extend(side_predicate(&branches, rs, ls));
    }
    if left.is_empty() && right.is_empty() {
        return None;
    }
    let filtered = |preds: Vec<Expr>, input: &Arc<LogicalPlan>| -> Option<Arc<LogicalPlan>> {
        Some(match conjunction(preds) {
            Some(p) => Arc::new(LogicalPlan::Filter(Filter::try_new(p, input.clone()).ok()?)),
            None => input.clone(),
        })
    };
    let (l, r) = (filtered(left, &j.left)?, filtered(right, &j.right)?);
    Join::try_new(l, r, j.join_type, j.condition.clone()).ok().map(LogicalPlan::Join)
}

/// `OR` over the branches of the conjuncts of each branch that read only `side`'s
/// columns; `None` if some branch has none (then nothing is implied).
fn side_predicate(branches: &[Expr], side: &PlanSchema, other: &PlanSchema) -> Option<Expr> {
    let only_side = |e: &Expr| {
        let cols = e.column_refs();
        e.is_deterministic()
            && !e.contains_subquery()
            && !cols.is_empty()
            && cols.iter().all(|c| side.has_column(c) && !other.has_column(c))
    };
    let mut parts = Vec::with_capacity(branches.len());
    for b in branches {
        let kept: Vec<Expr> = split_conjunction(b).into_iter().filter(|e| only_side(e)).cloned().collect();
        parts.push(conjunction(kept)?);
    }
    parts.into_iter().reduce(|a, b| a.or(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{ctx, sized_table};
    use ember_plan::{col, lit, LogicalPlanBuilder};

    #[test]
    fn each_input_gets_the_or_of_its_own_conjuncts() {
        let either = col("l_v").eq(lit(1i64)).and(col("r_v").eq(lit(2i64))).or(col("l_v").eq(lit(2i64)).and(col("r_v").eq(lit(1i64))));
        let plan = LogicalPlanBuilder::from(sized_table("l", 100).build())
            .join(sized_table("r", 100).build(), JoinType::Inner, Some(col("l_k").eq(col("r_k")).and(either)))
            .unwrap()
            .build();
        let out = PushExtraPredicateThroughJoin.apply(plan, &ctx()).unwrap();
        assert!(out.transformed);
        insta::assert_snapshot!(out.data.display_indent(), @r"
        Join Inner, ((l_k = r_k) AND (((l_v = 1) AND (r_v = 2)) OR ((l_v = 2) AND (r_v = 1))))
        :- Filter ((l_v = 1) OR (l_v = 2))
        :  +- Relation l[l_k,l_v] 100 rows
        +- Filter ((r_v = 2) OR (r_v = 1))
           +- Relation r[r_k,r_v] 100 rows
        ");
    }

    #[test]
    fn a_branch_without_conjuncts_on_an_input_implies_nothing_for_it() {
        let cond = col("l_k").eq(col("r_k")).and(col("l_v").eq(lit(1i64)).or(col("r_v").eq(lit(1i64))));
        let plan = LogicalPlanBuilder::from(sized_table("l", 100).build())
            .join(sized_table("r", 100).build(), JoinType::Inner, Some(cond))
            .unwrap()
            .build();
        assert!(!PushExtraPredicateThroughJoin.apply(plan.clone(), &ctx()).unwrap().transformed);
        let outer = LogicalPlanBuilder::from(sized_table("l", 100).build())
            .join(
                sized_table("r", 100).build(),
                JoinType::LeftOuter,
                Some(col("l_k").eq(col("r_k")).and(col("l_v").eq(lit(1i64)).or(col("l_v").eq(lit(2i64)).and(col("r_v").eq(lit(1i64)))))),
            )
            .unwrap()
            .build();
        assert!(!PushExtraPredicateThroughJoin.apply(outer, &ctx()).unwrap().transformed);
    }
}
