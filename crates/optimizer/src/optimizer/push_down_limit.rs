//! `PushDownLimit`: moves limits closer to the data, so less is read and sorted.
//!
//! ```text
//! Limit n over Project / SubqueryAlias  → the Limit goes below it
//! Limit n, offset s over Sort           → Sort.fetch = s + n (the Limit stays)
//! Limit n, offset s over Union          → Limit s + n on each input (the outer stays)
//! Limit n, offset s over LeftOuter join → Limit s + n on the left input (the outer
//!                                         stays); RightOuter: right; Cross: both
//! Limit n, offset s over TableScan (no pushed filters)
//!                                       → scan.fetch = s + n (the Limit stays)
//! ```
//!
//! A limit is only added where the input may yield more rows (`max_rows`), so the
//! rule reaches a fixed point.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{Join, JoinType, Limit, LogicalPlan, Sort, TableScan, Union};

use crate::rule::{Rule, RuleContext};
use crate::utils::max_rows;

pub struct PushDownLimit;

impl Rule for PushDownLimit {
    fn name(&self) -> &'static str {
        "push_down_limit"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_down(|node| {
            let LogicalPlan::Limit(limit) = node else { return Ok(Transformed::no(node)) };
            match push(&limit)? {
                Some(p) => Ok(Transformed::yes(p)),
                None => Ok(Transformed::no(LogicalPlan::Limit(limit))),
            }
        })
    }
}

/// `input` under a `Limit k`, unless it yields at most `k` rows already.
fn limited(input: &Arc<LogicalPlan>, k: usize) -> Option<Arc<LogicalPlan>> {
    if max_rows(input).is_some_and(|m| m <= k) {
        return None;
    }
    Some(Arc::new(LogicalPlan::Limit(Limit { skip: 0, fetch: Some(k), input: input.clone() })))
}

fn keep_outer(limit: &Limit, input: LogicalPlan) -> LogicalPlan {
    LogicalPlan::Limit(Limit { skip: limit.skip, fetch: limit.fetch, input: Arc::new(input) })
}

fn push(limit: &Limit) -> Result<Option<LogicalPlan>> {
    let Some(fetch) = limit.fetch else { return Ok(None) };
    let k = limit.skip.saturating_add(fetch);
    Ok(Some(match limit.input.as_ref() {
        LogicalPlan::Projection(_) | LogicalPlan::SubqueryAlias(_) => {
            let child = limit.input.as_ref();
            let below = LogicalPlan::Limit(Limit { skip: limit.skip, fetch: limit.fetch, input: child.inputs()[0].clone() });
            child.with_new_inputs(vec![Arc::new(below)])?
        }
        LogicalPlan::Sort(s) if s.fetch.is_none_or(|f| f > k) => {
            keep_outer(limit, LogicalPlan::Sort(Sort::try_new(s.exprs.clone(), s.input.clone(), Some(k))?))
        }
        LogicalPlan::Union(u) => {
            let mut changed = false;
            let inputs = u
                .inputs
                .iter()
                .map(|i| match limited(i, k) {
                    Some(l) => {
                        changed = true;
                        l
                    }
                    None => i.clone(),
                })
                .collect();
            if !changed {
                return Ok(None);
            }
            keep_outer(limit, LogicalPlan::Union(Union::try_new(inputs)?))
        }
        LogicalPlan::Join(j) if matches!(j.join_type, JoinType::LeftOuter | JoinType::RightOuter | JoinType::Cross) => {
            let left = if j.join_type != JoinType::RightOuter { limited(&j.left, k) } else { None };
            let right = if j.join_type != JoinType::LeftOuter { limited(&j.right, k) } else { None };
            if left.is_none() && right.is_none() {
                return Ok(None);
            }
            let left = left.unwrap_or_else(|| j.left.clone());
            let right = right.unwrap_or_else(|| j.right.clone());
            keep_outer(limit, LogicalPlan::Join(Join::try_new(left, right, j.join_type, j.condition.clone())?))
        }
        LogicalPlan::TableScan(t) if t.filters.is_empty() && t.fetch.is_none_or(|f| f > k) => {
            let scan = TableScan::try_new(t.table_name.clone(), t.source.clone(), t.projection.clone(), vec![], Some(k))?;
            keep_outer(limit, LogicalPlan::TableScan(scan))
        }
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    #[test]
    fn through_projection_into_scan() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .alias("s")
            .unwrap()
            .project(vec![col("a")])
            .unwrap()
            .limit(2, Some(3))
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PushDownLimit, plan), @r"
        Project [a]
        +- SubqueryAlias s
           +- Limit 3, offset=2
              +- Relation t[a,b,c] test, fetch=5
        ");
    }

    #[test]
    fn into_sort_and_union_inputs() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .union(scan_t())
            .unwrap()
            .sort(vec![col("a").sort(true, None)])
            .unwrap()
            .limit(0, Some(3))
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PushDownLimit, plan), @r"
        Limit 3
        +- Sort [a ASC NULLS FIRST], fetch=3
           +- Union
              :- Relation t[a,b,c] test
              +- Relation t[a,b,c] test
        ");
        let plan = LogicalPlanBuilder::from(scan_t()).union(scan_t()).unwrap().limit(1, Some(3)).unwrap().build();
        insta::assert_snapshot!(run(PushDownLimit, plan), @r"
        Limit 3, offset=1
        +- Union
           :- Limit 4
           :  +- Relation t[a,b,c] test, fetch=4
           +- Limit 4
              +- Relation t[a,b,c] test, fetch=4
        ");
    }

    #[test]
    fn into_the_preserved_side_of_outer_joins_only() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .join(scan_u(), JoinType::LeftOuter, Some(col("a").eq(col("x"))))
            .unwrap()
            .limit(0, Some(2))
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PushDownLimit, plan), @r"
        Limit 2
        +- Join LeftOuter, (a = x)
           :- Limit 2
           :  +- Relation t[a,b,c] test, fetch=2
           +- Relation u[x,y,z] test
        ");
        let inner = LogicalPlanBuilder::from(scan_t())
            .join(scan_u(), JoinType::Inner, Some(col("a").eq(col("x"))))
            .unwrap()
            .filter(col("b").gt(lit(1)))
            .unwrap()
            .limit(0, Some(2))
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PushDownLimit, inner), @r"
        Limit 2
        +- Filter (b > 1)
           +- Join Inner, (a = x)
              :- Relation t[a,b,c] test
              +- Relation u[x,y,z] test
        ");
    }
}
