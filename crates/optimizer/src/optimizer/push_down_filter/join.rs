//! Filter pushdown at joins: which WHERE conjuncts (from a filter above) and which ON
//! conjuncts may go to which input, per join type.
//!
//! | join type  | WHERE: left-only | WHERE: right-only | WHERE: both sides | ON: left-only | ON: right-only |
//! |------------|------------------|-------------------|-------------------|---------------|----------------|
//! | Inner/Cross| left             | right             | join condition    | left          | right          |
//! | LeftSemi   | left             | (none exist)      | (none exist)      | left          | right          |
//! | LeftAnti   | left             | (none exist)      | (none exist)      | stays         | right          |
//! | LeftOuter  | left             | stays             | stays             | stays         | right          |
//! | RightOuter | stays            | right             | stays             | left          | stays          |
//! | FullOuter  | stays            | stays             | stays             | stays         | stays          |
//!
//! A conjunct without columns counts as left-only (as in Spark). A cross join that
//! gains a condition becomes an inner join; an inner join left without one, a cross.

use std::sync::Arc;

use ember_common::Result;
use ember_plan::expr::split_conjunction_owned;
use ember_plan::{conjunction, Expr, Filter, Join, JoinType, LogicalPlan, PlanSchema};

use crate::utils::{column_indices, split_deterministic};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
    Both,
}

fn side(e: &Expr, schema: &PlanSchema, left_len: usize) -> Option<Side> {
    let idx = column_indices(e, schema)?;
    Some(if idx.iter().all(|&i| i < left_len) {
        Side::Left
    } else if idx.iter().all(|&i| i >= left_len) {
        Side::Right
    } else {
        Side::Both
    })
}

/// The join after pushing what it can of `where_conjuncts` (deterministic conjuncts
/// of a filter right above it) and of its own condition, and the WHERE conjuncts
/// that must stay above; `None` if nothing moved.
pub(super) fn push_join(j: &Join, where_conjuncts: Vec<Expr>) -> Result<Option<(LogicalPlan, Vec<Expr>)>> {
    use JoinType::*;
    let jt = j.join_type;
    let (where_left, where_right, where_cond) = match jt {
        Inner | Cross => (true, true, true),
        LeftSemi | LeftAnti | LeftOuter | LeftSingle | LeftExistence => (true, false, false),
        RightOuter => (false, true, false),
        FullOuter => (false, false, false),
    };
    let (on_left, on_right) = match jt {
        Inner | Cross | LeftSemi => (true, true),
        LeftOuter | LeftAnti | LeftSingle | LeftExistence => (false, true),
        RightOuter => (true, false),
        FullOuter => (false, false),
    };
    let nl = j.left.schema().len();
    let (mut to_left, mut to_right, mut keep_above, mut new_cond) = (vec![], vec![], vec![], vec![]);
    for c in where_conjuncts {
        match side(&c, &j.schema, nl) {
            Some(Side::Left) if where_left => to_left.push(c),
            Some(Side::Right) if where_right => to_right.push(c),
            Some(Side::Both) if where_cond => new_cond.push(c),
            _ => keep_above.push(c),
        }
    }
    let both = j.left.schema().join(j.right.schema());
    let (on_candidates, on_fixed) = split_deterministic(j.condition.clone().map(split_conjunction_owned).unwrap_or_default());
    let mut cond = Vec::new();
    for c in on_candidates {
        match side(&c, &both, nl) {
            Some(Side::Left) if on_left => to_left.push(c),
            Some(Side::Right) if on_right => to_right.push(c),
            _ => cond.push(c),
        }
    }
    if to_left.is_empty() && to_right.is_empty() && new_cond.is_empty() {
        return Ok(None);
    }
    cond.extend(on_fixed);
    cond.extend(new_cond);
    let condition = conjunction(cond);
    let join_type = match (jt, &condition) {
        (Cross, Some(_)) => Inner,
        (Inner, None) => Cross,
        (t, _) => t,
    };
    let left = filtered(to_left, &j.left)?;
    let right = filtered(to_right, &j.right)?;
    let join = Join::try_new(left, right, join_type, condition)?;
    Ok(Some((LogicalPlan::Join(join), keep_above)))
}

fn filtered(conjuncts: Vec<Expr>, input: &Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
    Ok(match conjunction(conjuncts) {
        Some(p) => Arc::new(LogicalPlan::Filter(Filter::try_new(p, input.clone())?)),
        None => input.clone(),
    })
}
