//! Join selection: equi-join keys are extracted from the condition; with keys a hash
//! join (broadcast when the build side is small enough, else partitioned), without
//! keys a nested loop join. The rest of the condition is a residual filter.

use std::sync::Arc;

use ember_common::Result;
use ember_plan::coercion::comparison_type;
use ember_plan::{conjunction, split_conjunction, Expr, Join, JoinType, LogicalPlan, Operator, PlanSchema};

use super::PhysicalPlanner;
use crate::execution_plan::ExecutionPlan;
use crate::expressions::planner::cast_if_needed;
use crate::expressions::{create_physical_expr, PhysicalExprRef};
use crate::operators::hash_join::{BuildSide, HashJoinExec, PartitionMode};
use crate::operators::nested_loop_join::NestedLoopJoinExec;

#[derive(PartialEq)]
enum Side {
    Left,
    Right,
    Neither,
}

/// Which input an expression reads: only the left's columns, only the right's, or not
/// exactly one of them.
fn side_of(e: &Expr, left: &PlanSchema, right: &PlanSchema) -> Side {
    let cols = e.column_refs();
    if cols.is_empty() {
        return Side::Neither;
    }
    if cols.iter().all(|c| left.has_column(c) && !right.has_column(c)) {
        Side::Left
    } else if cols.iter().all(|c| right.has_column(c) && !left.has_column(c)) {
        Side::Right
    } else {
        Side::Neither
    }
}

/// Equi-key pairs `(left expr, right expr)` and the remaining conjuncts.
fn split_keys(cond: Option<&Expr>, left: &PlanSchema, right: &PlanSchema) -> (Vec<(Expr, Expr)>, Vec<Expr>) {
    let mut keys = Vec::new();
    let mut rest = Vec::new();
    let Some(cond) = cond else {
        return (keys, rest);
    };
    for c in split_conjunction(cond) {
        if let Expr::BinaryExpr(b) = c {
            if b.op == Operator::Eq {
                match (side_of(&b.left, left, right), side_of(&b.right, left, right)) {
                    (Side::Left, Side::Right) => {
                        keys.push((b.left.as_ref().clone(), b.right.as_ref().clone()));
                        continue;
                    }
                    (Side::Right, Side::Left) => {
                        keys.push((b.right.as_ref().clone(), b.left.as_ref().clone()));
                        continue;
                    }
                    _ => {}
                }
            }
        }
        rest.push(c.clone());
    }
    (keys, rest)
}

/// Rough output size in bytes, for broadcast decisions; `None` when unknown.
pub(super) fn estimate_size(plan: &LogicalPlan) -> Option<u64> {
    ember_plan::statistics::estimate_bytes(plan)
}

fn can_broadcast(size: Option<u64>, threshold: i64) -> bool {
    threshold >= 0 && size.is_some_and(|s| s <= threshold as u64)
}

/// Chooses broadcast or partitioned mode and the build side (Spark's JoinSelection).
fn choose_mode(j: &Join, threshold: i64) -> PartitionMode {
    let (ls, rs) = (estimate_size(&j.left), estimate_size(&j.right));
    let (bl, br) = (can_broadcast(ls, threshold), can_broadcast(rs, threshold));
    match j.join_type {
        JoinType::Inner => {
            let left_smaller = matches!((ls, rs), (Some(l), Some(r)) if l < r) || (ls.is_some() && rs.is_none());
            match (bl, br) {
                (true, true) if left_smaller => PartitionMode::Broadcast { build: BuildSide::Left },
                (true, false) => PartitionMode::Broadcast { build: BuildSide::Left },
                (_, true) => PartitionMode::Broadcast { build: BuildSide::Right },
                _ if left_smaller => PartitionMode::Partitioned { build: BuildSide::Left },
                _ => PartitionMode::Partitioned { build: BuildSide::Right },
            }
        }
        // Single and existence joins check each left row's matches: they probe with the left side.
        JoinType::LeftOuter | JoinType::LeftSingle | JoinType::LeftExistence | JoinType::LeftSemi | JoinType::LeftAnti if br => {
            PartitionMode::Broadcast { build: BuildSide::Right }
        }
        JoinType::RightOuter if bl => PartitionMode::Broadcast { build: BuildSide::Left },
        JoinType::RightOuter => PartitionMode::Partitioned { build: BuildSide::Left },
        _ => PartitionMode::Partitioned { build: BuildSide::Right },
    }
}

pub(super) fn plan_join(planner: &PhysicalPlanner, j: &Join) -> Result<Arc<dyn ExecutionPlan>> {
    let (lschema, rschema) = (j.left.schema(), j.right.schema());
    let left = planner.plan(&j.left)?;
    let right = planner.plan(&j.right)?;
    let both = lschema.join(rschema);
    let (keys, rest) = if j.join_type == JoinType::Cross { (vec![], j.condition.iter().cloned().collect()) } else { split_keys(j.condition.as_ref(), lschema, rschema) };
    if keys.is_empty() {
        let filter = j.condition.as_ref().map(|c| create_physical_expr(c, &both)).transpose()?;
        return Ok(Arc::new(NestedLoopJoinExec::try_new(left, right, filter, j.join_type)?));
    }
    let mut on: Vec<(PhysicalExprRef, PhysicalExprRef)> = Vec::with_capacity(keys.len());
    for (l, r) in &keys {
        let (lt, rt) = (l.data_type(lschema)?, r.data_type(rschema)?);
        let common = comparison_type(&lt, &rt).unwrap_or_else(|| lt.clone());
        let lp = cast_if_needed(create_physical_expr(l, lschema)?, &lt, &common);
        let rp = cast_if_needed(create_physical_expr(r, rschema)?, &rt, &common);
        on.push((lp, rp));
    }
    let filter = conjunction(rest).map(|c| create_physical_expr(&c, &both)).transpose()?;
    let mode = choose_mode(j, planner.config().broadcast_threshold());
    Ok(Arc::new(HashJoinExec::try_new(left, right, on, filter, j.join_type, mode)?))
}
