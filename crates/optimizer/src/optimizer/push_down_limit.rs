//! `PushDownLimit`: moves limits closer to the data, so less is read and sorted (Spark's
//! `LimitPushDown`). A `Limit` counts rows over the whole input; what goes below it is
//! either the same global `Limit` or a per-partition `LocalLimit` (a scan's `fetch` is
//! one too), and the global `Limit` always stays above a per-partition one.
//!
//! ```text
//! Limit n over Project / SubqueryAlias  → the Limit goes below it
//! Limit n, offset s over Sort           → Sort.fetch = s + n (top-K; the Limit stays)
//! Limit n, offset s over Union          → LocalLimit s + n on each input (the Limit stays)
//! Limit n, offset s over an outer join  → LocalLimit s + n on the preserved side (both
//!                                         sides of a join without a condition; the
//!                                         left of a semi/anti join without one)
//! Limit n, offset s over TableScan (no pushed filters)
//!                                       → scan.fetch = s + n per partition (the Limit stays)
//! ```
//!
//! A `LocalLimit` goes through projections and aliases into scans and union inputs. One
//! is only added where a partition may yield more rows (`max_rows_per_partition`), so
//! the rule reaches a fixed point.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{Join, JoinType, Limit, LocalLimit, LogicalPlan, Sort, TableScan, Union};

use crate::rule::{Rule, RuleContext};
use crate::utils::max_rows_per_partition;

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

/// `input` reading at most `k` rows per partition, unless it does already: the
/// per-partition limit goes through projections and aliases into a scan or each input
/// of a union, else a `LocalLimit` wraps it.
fn local_limit(input: &Arc<LogicalPlan>, k: usize) -> Result<Option<Arc<LogicalPlan>>> {
    if max_rows_per_partition(input).is_some_and(|m| m <= k) {
        return Ok(None);
    }
    let pushed = match input.as_ref() {
        LogicalPlan::Projection(_) | LogicalPlan::SubqueryAlias(_) => {
            let child = input.inputs()[0];
            match local_limit(child, k)? {
                Some(c) => input.with_new_inputs(vec![c])?,
                None => return Ok(None),
            }
        }
        LogicalPlan::TableScan(t) if t.filters.is_empty() => {
            LogicalPlan::TableScan(TableScan::try_new(t.table_name.clone(), t.source.clone(), t.projection.clone(), vec![], Some(k))?)
        }
        LogicalPlan::Union(u) => match local_limit_each(&u.inputs, k)? {
            Some(inputs) => LogicalPlan::Union(Union::try_new(inputs)?),
            None => return Ok(None),
        },
        _ => LogicalPlan::LocalLimit(LocalLimit { fetch: k, input: input.clone() }),
    };
    Ok(Some(Arc::new(pushed)))
}

/// [`local_limit`] on each of `inputs`; `None` if none changes.
fn local_limit_each(inputs: &[Arc<LogicalPlan>], k: usize) -> Result<Option<Vec<Arc<LogicalPlan>>>> {
    let mut changed = false;
    let mut out = Vec::with_capacity(inputs.len());
    for i in inputs {
        match local_limit(i, k)? {
            Some(l) => {
                changed = true;
                out.push(l);
            }
            None => out.push(i.clone()),
        }
    }
    Ok(changed.then_some(out))
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
        LogicalPlan::Union(u) => match local_limit_each(&u.inputs, k)? {
            Some(inputs) => keep_outer(limit, LogicalPlan::Union(Union::try_new(inputs)?)),
            None => return Ok(None),
        },
        LogicalPlan::Join(j) => {
            let (to_left, to_right) = match (j.join_type, j.condition.is_some()) {
                (JoinType::LeftOuter, true) => (true, false),
                (JoinType::RightOuter, true) => (false, true),
                (JoinType::Inner | JoinType::Cross | JoinType::LeftOuter | JoinType::RightOuter | JoinType::FullOuter, false) => (true, true),
                (JoinType::LeftSemi | JoinType::LeftAnti, false) => (true, false),
                _ => (false, false),
            };
            let left = if to_left { local_limit(&j.left, k)? } else { None };
            let right = if to_right { local_limit(&j.right, k)? } else { None };
            if left.is_none() && right.is_none() {
                return Ok(None);
            }
            let left = left.unwrap_or_else(|| j.left.clone());
            let right = right.unwrap_or_else(|| j.right.clone());
            keep_outer(limit, LogicalPlan::Join(Join::try_new(left, right, j.join_type, j.condition.clone())?))
        }
        LogicalPlan::TableScan(_) => match local_limit(&limit.input, k)? {
            Some(scan) => keep_outer(limit, Arc::unwrap_or_clone(scan)),
            None => return Ok(None),
        },
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimizer::eliminate_noop::EliminateNoop;
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

    /// The bug this rule once had: a scan's `fetch` counts per partition, so the global
    /// Limit above it must survive every later rule (here: EliminateNoop).
    #[test]
    fn the_global_limit_stays_over_a_scan_fetch() {
        let plan = LogicalPlanBuilder::from(scan_t()).limit(0, Some(2)).unwrap().build();
        let pushed = PushDownLimit.apply(plan, &ctx()).unwrap().data;
        insta::assert_snapshot!(run(EliminateNoop, pushed), @r"
        Limit 2
        +- Relation t[a,b,c] test, fetch=2
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
           :- Relation t[a,b,c] test, fetch=4
           +- Relation t[a,b,c] test, fetch=4
        ");
        let filtered = LogicalPlanBuilder::from(scan_t()).filter(col("a").gt(lit(1))).unwrap().build();
        let plan = LogicalPlanBuilder::from(filtered).union(scan_u()).unwrap().limit(0, Some(2)).unwrap().build();
        insta::assert_snapshot!(run(PushDownLimit, plan), @r"
        Limit 2
        +- Union
           :- LocalLimit 2
           :  +- Filter (a > 1)
           :     +- Relation t[a,b,c] test
           +- Relation u[x,y,z] test, fetch=2
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
           :- Relation t[a,b,c] test, fetch=2
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
        let semi = LogicalPlanBuilder::from(scan_t()).join(scan_u(), JoinType::LeftSemi, None).unwrap().limit(0, Some(4)).unwrap().build();
        insta::assert_snapshot!(run(PushDownLimit, semi), @r"
        Limit 4
        +- Join LeftSemi
           :- Relation t[a,b,c] test, fetch=4
           +- Relation u[x,y,z] test
        ");
    }
}
