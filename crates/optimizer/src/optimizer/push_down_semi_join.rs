//! `PushDownLeftSemiAntiJoin`: moves a LEFT SEMI or LEFT ANTI join below the inner
//! joins and projections of its left side, onto the input its condition reads (Spark's
//! `PushDownLeftSemiAntiJoin` and `PushLeftSemiLeftAntiThroughJoin`). An `IN`
//! subquery then filters its table before the joins instead of after them (TPC-H
//! Q18: the 57 large orders are found before lineitem is joined, not after).
//!
//! ```text
//! before:  Join LeftSemi, (o_orderkey = k)          after:  Join Inner, (o_orderkey = l_orderkey)
//!          :- Join Inner, (o_orderkey = l_orderkey)          :- Join LeftSemi, (o_orderkey = k)
//!          :  :- Relation orders                             :  :- Relation orders
//!          :  +- Relation lineitem                           :  +- Project [... AS k]
//!          +- Project [... AS k]                             +- Relation lineitem
//! ```
//!
//! Each left row is kept or dropped on its own values, so filtering an inner join's
//! input gives the same rows as filtering its output. Only a right side estimated
//! under the broadcast threshold is pushed: probing it early is then cheap, while a
//! large one is better probed by the fewer rows left after the joins.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::statistics::estimate_bytes;
use ember_plan::{Expr, Join, JoinType, LogicalPlan, Projection};

use crate::rule::{Rule, RuleContext};
use crate::utils::{column_at, replace_columns};

pub struct PushDownLeftSemiAntiJoin;

impl Rule for PushDownLeftSemiAntiJoin {
    fn name(&self) -> &'static str {
        "push_down_left_semi_anti_join"
    }

    fn apply(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        let threshold = ctx.config.broadcast_threshold();
        plan.transform_down(|node| match node {
            LogicalPlan::Join(j)
                if matches!(j.join_type, JoinType::LeftSemi | JoinType::LeftAnti)
                    && estimate_bytes(&j.right).is_some_and(|b| (b as i64) <= threshold) =>
            {
                match push(&j) {
                    Some(p) => Ok(Transformed::yes(p)),
                    None => Ok(Transformed::no(LogicalPlan::Join(j))),
                }
            }
            other => Ok(Transformed::no(other)),
        })
    }
}

/// The semi/anti join `j` moved one step down its left side, or `None`.
fn push(j: &Join) -> Option<LogicalPlan> {
    let cond = j.condition.as_ref()?;
    if !cond.is_deterministic() || cond.contains_subquery() {
        return None;
    }
    let (ls, rs) = (j.left.schema(), j.right.schema());
    let joined = ls.join(rs);
    let left_len = ls.len();
    // Every column must resolve to exactly one side.
    let mut left_cols = Vec::new();
    for c in cond.column_refs() {
        let i = joined.find(&c)?;
        if i < left_len {
            left_cols.push(i);
        }
    }
    let semi = |input: Arc<LogicalPlan>, cond: Expr| Join::try_new(input, j.right.clone(), j.join_type, Some(cond)).ok();
    match j.left.as_ref() {
        LogicalPlan::Join(inner) if matches!(inner.join_type, JoinType::Inner | JoinType::Cross) => {
            let split = inner.left.schema().len();
            let (onto_left, onto_right) = (left_cols.iter().all(|&i| i < split), left_cols.iter().all(|&i| i >= split));
            if left_cols.is_empty() || !(onto_left || onto_right) {
                return None;
            }
            // Rewrite the condition over `side ++ right`, so that it resolves there.
            let (side, offset) = if onto_left { (&inner.left, 0) } else { (&inner.right, split) };
            let target = side.schema().join(rs);
            let new_cond = replace_columns(cond, &joined, &|i| {
                if i < left_len {
                    column_at(&target, i - offset)
                } else {
                    column_at(&target, side.schema().len() + i - left_len)
                }
            })?;
            let pushed = Arc::new(LogicalPlan::Join(semi(side.clone(), new_cond)?));
            let (l, r) = if onto_left { (pushed, inner.right.clone()) } else { (inner.left.clone(), pushed) };
            Join::try_new(l, r, inner.join_type, inner.condition.clone()).ok().map(LogicalPlan::Join)
        }
        LogicalPlan::Projection(p) if p.exprs.iter().all(|e| e.is_deterministic()) => {
            let input_schema = p.input.schema();
            let target = input_schema.join(rs);
            let new_cond = replace_columns(cond, &joined, &|i| {
                if i < left_len {
                    match p.exprs.get(i)?.unalias() {
                        Expr::Column(c) => column_at(&target, input_schema.find(c)?),
                        _ => None,
                    }
                } else {
                    column_at(&target, input_schema.len() + i - left_len)
                }
            })?;
            let pushed = semi(p.input.clone(), new_cond)?;
            Projection::try_new(p.exprs.clone(), Arc::new(LogicalPlan::Join(pushed))).ok().map(LogicalPlan::Projection)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{ctx, sized_table};
    use ember_plan::{col, LogicalPlanBuilder};

    fn apply(plan: LogicalPlan) -> Transformed<LogicalPlan> {
        PushDownLeftSemiAntiJoin.apply(plan, &ctx()).unwrap()
    }

    /// `(big ⋈ dim ON big_k = dim_k) ⋈semi/anti keys ON <cond>`.
    fn semi_over_join(join_type: JoinType, cond: Expr, keys_rows: u64) -> LogicalPlan {
        sized_table("big", 1_000_000)
            .join(sized_table("dim", 1000).build(), JoinType::Inner, Some(col("big_k").eq(col("dim_k"))))
            .unwrap()
            .project(vec![col("big_k"), col("big_v"), col("dim_v")])
            .unwrap()
            .join(sized_table("keys", keys_rows).build(), join_type, Some(cond))
            .unwrap()
            .build()
    }

    fn run_to_fixed_point(plan: LogicalPlan) -> LogicalPlan {
        let mut plan = plan;
        loop {
            let t = apply(plan);
            if !t.transformed {
                return t.data;
            }
            plan = t.data;
        }
    }

    #[test]
    fn semi_join_moves_onto_the_input_it_reads() {
        let plan = semi_over_join(JoinType::LeftSemi, col("dim_v").eq(col("keys_k")), 100);
        let out = run_to_fixed_point(plan);
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [big_k, big_v, dim_v]
        +- Join Inner, (big_k = dim_k)
           :- Relation big[big_k,big_v] 1000000 rows
           +- Join LeftSemi, (dim.dim_v = keys.keys_k)
              :- Relation dim[dim_k,dim_v] 1000 rows
              +- Relation keys[keys_k,keys_v] 100 rows
        ");
    }

    #[test]
    fn anti_join_moves_too_with_a_non_equi_condition() {
        let cond = col("big_v").eq(col("keys_k")).and(col("big_k").gt(col("keys_v")));
        let out = run_to_fixed_point(semi_over_join(JoinType::LeftAnti, cond, 100));
        let text = out.display_indent().to_string();
        assert!(text.contains("Join LeftAnti, ((big.big_v = keys.keys_k) AND (big.big_k > keys.keys_v))\n"), "{text}");
        assert!(text.starts_with("Project [big_k, big_v, dim_v]\n+- Join Inner"), "{text}");
    }

    #[test]
    fn stays_when_it_reads_both_inputs_or_its_right_side_is_large() {
        let both = semi_over_join(JoinType::LeftSemi, col("big_v").eq(col("keys_k")).and(col("dim_v").eq(col("keys_v"))), 100);
        // It may pass the projection, but not the join whose two inputs it reads.
        let text = run_to_fixed_point(both).display_indent().to_string();
        assert!(text.contains("Join LeftSemi, ((big.big_v = keys.keys_k) AND (dim.dim_v = keys.keys_v))\n   :- Join Inner"), "{text}");
        let large = semi_over_join(JoinType::LeftSemi, col("dim_v").eq(col("keys_k")), 100_000_000);
        assert!(!apply(large).transformed);
    }

    #[test]
    fn through_a_projection_the_condition_is_rewritten() {
        let plan = LogicalPlanBuilder::from(sized_table("t", 1000).build())
            .project(vec![col("t_k").alias("x"), col("t_v")])
            .unwrap()
            .join(sized_table("keys", 10).build(), JoinType::LeftSemi, Some(col("x").eq(col("keys_k"))))
            .unwrap()
            .build();
        let out = apply(plan);
        assert!(out.transformed);
        insta::assert_snapshot!(out.data.display_indent(), @r"
        Project [t_k AS x, t_v]
        +- Join LeftSemi, (t.t_k = keys.keys_k)
           :- Relation t[t_k,t_v] 1000 rows
           +- Relation keys[keys_k,keys_v] 10 rows
        ");
    }
}
