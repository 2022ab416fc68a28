//! `InjectRuntimeFilter`: semi-join reduction, as Spark 3's `InjectRuntimeFilter` did
//! (Spark 4 removed it), switched by `ember.optimizer.runtimeFilter.semiJoinReduction.enabled`
//! (on by default). When one side of an equi-join is a small, filtered set of keys and the
//! other side aggregates a large table by that key, the large table is semi-joined
//! with the key set before the aggregation, so only the groups that can match are
//! built. This is what decorrelated subqueries need (TPC-H Q17, Q20, Q2): the
//! subquery's aggregate is computed per key of the outer query only.
//!
//! ```text
//! before:  Join Inner, (p_partkey = k)             after:  Join Inner, (p_partkey = k)
//!          :- Filter (p_brand = 'x')                       :- Filter (p_brand = 'x')
//!          :  +- Relation part                             :  +- Relation part
//!          +- Aggregate [l_partkey AS k], [...]            +- Aggregate [l_partkey AS k], [...]
//!             +- Relation lineitem                            +- Join LeftSemi, (l_partkey = __rf0)
//!                                                                :- Relation lineitem
//!                                                                +- Project [p_partkey AS __rf0]
//!                                                                   +- Filter (p_brand = 'x')
//!                                                                      +- Relation part
//! ```
//!
//! - The key set (the creation side) is traced from the join's key down to a filtered
//!   scan that produces it: through projections, aliases, inner joins (also across
//!   their equi-join conditions) and the right side of semi joins on that key. It must
//!   be estimated under `ember.optimizer.runtimeFilter.creationSideThreshold`.
//! - The other side's key is traced the same way (through projections, aliases,
//!   filters, aggregates by that key, inner joins and their equalities, the left side
//!   of semi and anti joins) to the scans that produce it. Only the scans reached
//!   through an aggregate get the semi join: that is where it saves work.
//! - The right side of a LEFT SEMI or LEFT ANTI join estimated over the broadcast
//!   threshold (so shuffled) is reduced by the left side's key set the same way,
//!   aggregate or not: right rows no left row can match never reach the shuffle.
//! - Every step keeps the key's values a superset of what the original join matches,
//!   and NULL keys never match an equality, so results do not change.

use std::cell::Cell;
use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::split_conjunction;
use ember_plan::statistics::{estimate_bytes, estimate_rows};
use ember_plan::{Column, Expr, Join, JoinType, LogicalPlan, Operator, PlanSchema, Projection};

use crate::rule::{Rule, RuleContext};
use crate::utils::column_at;

pub struct InjectRuntimeFilter;

/// The application side's scan must be estimated at least this many times larger than
/// the key set.
const MIN_REDUCTION: f64 = 4.0;
/// Bytes per key assumed when sizing the key set against the threshold.
const KEY_BYTES: f64 = 16.0;

impl Rule for InjectRuntimeFilter {
    fn name(&self) -> &'static str {
        "inject_runtime_filter"
    }

    fn apply(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        if !ctx.config.runtime_filter_semi_join_reduction() {
            return Ok(Transformed::no(plan));
        }
        let threshold = ctx.config.runtime_filter_creation_threshold() as f64;
        let broadcast = ctx.config.broadcast_threshold() as f64;
        let next_id = Cell::new(0usize);
        plan.transform_down(|node| match node {
            LogicalPlan::Join(j) if matches!(j.join_type, JoinType::Inner | JoinType::LeftSemi | JoinType::LeftAnti) => {
                match inject_for_join(&j, threshold, broadcast, &next_id) {
                    Some(new) => Ok(Transformed::yes(new)),
                    None => Ok(Transformed::no(LogicalPlan::Join(j))),
                }
            }
            other => Ok(Transformed::no(other)),
        })
    }
}

/// The join with semi-join reductions added under its inputs, or `None`.
fn inject_for_join(j: &Join, threshold: f64, broadcast: f64, next_id: &Cell<usize>) -> Option<LogicalPlan> {
    // The right side of a semi or anti join too large to broadcast is shuffled: rows
    // whose key no left row has are dropped before that (TPC-H Q4).
    let shuffled_right =
        matches!(j.join_type, JoinType::LeftSemi | JoinType::LeftAnti) && estimate_bytes(&j.right).is_some_and(|b| b as f64 > broadcast);
    let left_len = j.left.schema().len();
    let pairs = equi_pairs(j.condition.as_ref()?, &j.left.schema().join(j.right.schema()));
    let (mut left, mut right) = (j.left.clone(), j.right.clone());
    let mut changed = false;
    for (a, b) in pairs {
        let (li, ri) = if a < left_len { (a, b) } else { (b, a) };
        if li >= left_len || ri < left_len {
            continue;
        }
        let ri = ri - left_len;
        if shuffled_right {
            if let Some(keys) = key_set(&j.left, li, threshold) {
                if let Some(new) = reduce(&right, ri, &keys, true, next_id) {
                    (right, changed) = (Arc::new(new), true);
                }
            }
        }
        if j.join_type == JoinType::LeftAnti {
            continue;
        }
        if let Some(keys) = key_set(&j.right, ri, threshold) {
            if let Some(new) = reduce(&left, li, &keys, false, next_id) {
                (left, changed) = (Arc::new(new), true);
            }
        }
        if j.join_type == JoinType::Inner {
            if let Some(keys) = key_set(&j.left, li, threshold) {
                if let Some(new) = reduce(&right, ri, &keys, false, next_id) {
                    (right, changed) = (Arc::new(new), true);
                }
            }
        }
    }
    if !changed {
        return None;
    }
    Join::try_new(left, right, j.join_type, j.condition.clone()).ok().map(LogicalPlan::Join)
}

/// `(i, k)` for each conjunct `column_i = column_k` of `condition` over `schema`.
fn equi_pairs(condition: &Expr, schema: &PlanSchema) -> Vec<(usize, usize)> {
    split_conjunction(condition)
        .into_iter()
        .filter_map(|c| match c {
            Expr::BinaryExpr(e) if e.op == Operator::Eq => match (e.left.as_ref(), e.right.as_ref()) {
                (Expr::Column(a), Expr::Column(b)) => Some((schema.find(a)?, schema.find(b)?)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// A small filtered plan and the index of a column holding every value (at least)
/// that column `idx` of `plan` holds.
struct KeySet {
    plan: Arc<LogicalPlan>,
    idx: usize,
    rows: f64,
}

fn key_set(plan: &Arc<LogicalPlan>, idx: usize, threshold: f64) -> Option<KeySet> {
    let (source, idx) = key_source(plan, idx)?;
    let rows = estimate_rows(&source)?;
    (rows * KEY_BYTES <= threshold).then_some(KeySet { plan: source, idx, rows })
}

/// Traces column `idx` of `plan` down to a filtered scan that produces a superset of
/// its values.
fn key_source(plan: &Arc<LogicalPlan>, idx: usize) -> Option<(Arc<LogicalPlan>, usize)> {
    match plan.as_ref() {
        LogicalPlan::Filter(f) if is_scan_like(&f.input) => Some((plan.clone(), idx)),
        LogicalPlan::TableScan(t) if !t.filters.is_empty() => Some((plan.clone(), idx)),
        LogicalPlan::Filter(f) => key_source(&f.input, idx),
        LogicalPlan::Projection(p) => key_source(&p.input, input_column(&p.exprs[idx], p.input.schema())?),
        LogicalPlan::SubqueryAlias(s) => key_source(&s.input, idx),
        LogicalPlan::Join(j) => {
            let left_len = j.left.schema().len();
            let joined = j.left.schema().join(j.right.schema());
            let equal = j.condition.as_ref().map(|c| equi_pairs(c, &joined)).unwrap_or_default();
            let side = |i: usize| if i < left_len { key_source(&j.left, i) } else { key_source(&j.right, i - left_len) };
            match j.join_type {
                JoinType::Inner => side(idx).or_else(|| equal_columns(&equal, idx).into_iter().find_map(side)),
                JoinType::LeftSemi => equal_columns(&equal, idx).into_iter().filter(|&k| k >= left_len).find_map(side).or_else(|| side(idx)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The columns an equi-join condition equates with column `idx`.
fn equal_columns(pairs: &[(usize, usize)], idx: usize) -> Vec<usize> {
    pairs.iter().filter_map(|&(a, b)| if a == idx { Some(b) } else if b == idx { Some(a) } else { None }).collect()
}

/// A scan, possibly under projections and aliases.
fn is_scan_like(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::TableScan(_) => true,
        LogicalPlan::Projection(p) => is_scan_like(&p.input),
        LogicalPlan::SubqueryAlias(s) => is_scan_like(&s.input),
        _ => false,
    }
}

/// The input index of an output expression that is a plain (possibly aliased) column.
fn input_column(e: &Expr, input: &PlanSchema) -> Option<usize> {
    match e.unalias() {
        Expr::Column(c) => input.find(c),
        _ => None,
    }
}

/// `plan` with the scans producing column `idx` semi-joined with `keys`, where the
/// path to them crosses an aggregate; `None` if nothing changed.
fn reduce(plan: &Arc<LogicalPlan>, idx: usize, keys: &KeySet, crossed_aggregate: bool, next_id: &Cell<usize>) -> Option<LogicalPlan> {
    let with_input = |input: LogicalPlan| plan.with_new_inputs(vec![Arc::new(input)]).ok();
    match plan.as_ref() {
        LogicalPlan::Projection(p) => with_input(reduce(&p.input, input_column(&p.exprs[idx], p.input.schema())?, keys, crossed_aggregate, next_id)?),
        LogicalPlan::SubqueryAlias(s) => with_input(reduce(&s.input, idx, keys, crossed_aggregate, next_id)?),
        LogicalPlan::Filter(f) if !is_scan_like(&f.input) && f.predicate.is_deterministic() => {
            with_input(reduce(&f.input, idx, keys, crossed_aggregate, next_id)?)
        }
        LogicalPlan::Aggregate(a) if idx < a.group_exprs.len() => {
            with_input(reduce(&a.input, input_column(&a.group_exprs[idx], a.input.schema())?, keys, true, next_id)?)
        }
        LogicalPlan::Join(j) if matches!(j.join_type, JoinType::LeftSemi | JoinType::LeftAnti) => {
            let left = reduce(&j.left, idx, keys, crossed_aggregate, next_id)?;
            Join::try_new(Arc::new(left), j.right.clone(), j.join_type, j.condition.clone()).ok().map(LogicalPlan::Join)
        }
        LogicalPlan::Join(j) if j.join_type == JoinType::Inner => {
            let left_len = j.left.schema().len();
            let joined = j.left.schema().join(j.right.schema());
            let equal = j.condition.as_ref().map(|c| equi_pairs(c, &joined)).unwrap_or_default();
            let (mut left, mut right) = (j.left.clone(), j.right.clone());
            let mut changed = false;
            let mut targets = vec![idx];
            targets.extend(equal_columns(&equal, idx));
            for t in targets {
                if t < left_len {
                    if let Some(new) = reduce(&left, t, keys, crossed_aggregate, next_id) {
                        (left, changed) = (Arc::new(new), true);
                    }
                } else if let Some(new) = reduce(&right, t - left_len, keys, crossed_aggregate, next_id) {
                    (right, changed) = (Arc::new(new), true);
                }
            }
            if !changed {
                return None;
            }
            Join::try_new(left, right, j.join_type, j.condition.clone()).ok().map(LogicalPlan::Join)
        }
        LogicalPlan::Filter(_) | LogicalPlan::TableScan(_) if crossed_aggregate => semi_join(plan, idx, keys, next_id),
        _ => None,
    }
}

/// `plan LEFT SEMI JOIN (SELECT key AS __rfN FROM keys) ON plan[idx] = __rfN`, if the
/// scan is large enough for the reduction to pay.
fn semi_join(plan: &Arc<LogicalPlan>, idx: usize, keys: &KeySet, next_id: &Cell<usize>) -> Option<LogicalPlan> {
    if estimate_rows(plan).is_some_and(|rows| rows < keys.rows * MIN_REDUCTION) {
        return None;
    }
    let schema = plan.schema();
    if schema.field(idx).data_type() != keys.plan.schema().field(keys.idx).data_type() {
        return None;
    }
    let probe = column_at(schema, idx)?;
    let name = format!("__rf{}", next_id.get());
    let key = column_at(keys.plan.schema(), keys.idx)?.alias(name.clone());
    let build = Projection::try_new(vec![key], keys.plan.clone()).ok()?;
    let Expr::Column(probe_col) = &probe else { return None };
    if schema.join(&build.schema).find(probe_col)? != idx {
        return None;
    }
    next_id.set(next_id.get() + 1);
    let condition = probe.eq(Expr::Column(Column::from_name(name)));
    Join::try_new(plan.clone(), Arc::new(LogicalPlan::Projection(build)), JoinType::LeftSemi, Some(condition)).ok().map(LogicalPlan::Join)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{ctx, sized_table, sum};
    use ember_common::Config;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    fn table(name: &str, rows: u64) -> LogicalPlanBuilder {
        sized_table(name, rows)
    }

    /// `SELECT big_k, sum(big_v) AS s FROM big GROUP BY big_k`.
    fn per_key(rows: u64) -> LogicalPlanBuilder {
        table("big", rows).aggregate(vec![col("big_k")], vec![sum(col("big_v")).alias("s")]).unwrap()
    }

    fn small_filtered(rows: u64) -> LogicalPlan {
        table("small", rows).filter(col("small_v").eq(lit(1i64))).unwrap().build()
    }

    fn apply(plan: LogicalPlan, config: Config) -> Transformed<LogicalPlan> {
        let mut c = ctx();
        c.config = Arc::new(config);
        InjectRuntimeFilter.apply(plan, &c).unwrap()
    }

    #[test]
    fn aggregated_side_is_reduced_by_the_filtered_keys() {
        let plan = LogicalPlanBuilder::from(small_filtered(1000))
            .join(per_key(1_000_000).build(), JoinType::Inner, Some(col("small_k").eq(col("big_k"))))
            .unwrap()
            .build();
        let out = apply(plan, Config::new());
        assert!(out.transformed);
        insta::assert_snapshot!(out.data.display_indent(), @r"
        Join Inner, (small_k = big_k)
        :- Filter (small_v = 1)
        :  +- Relation small[small_k,small_v] 1000 rows
        +- Project [big.big_k, sum(big_v) AS s]
           +- Aggregate [big_k], [sum(big_v) AS sum(big_v)]
              +- Join LeftSemi, (big.big_k = __rf0)
                 :- Relation big[big_k,big_v] 1000000 rows
                 +- Project [small.small_k AS __rf0]
                    +- Filter (small_v = 1)
                       +- Relation small[small_k,small_v] 1000 rows
        ");
    }

    #[test]
    fn keys_reach_the_aggregate_across_a_join_equality() {
        // The filtered keys semi-join `mid`, which is joined with the aggregate on the
        // same key: the aggregate's input is reduced too (TPC-H Q20's shape).
        let inner = table("mid", 100_000)
            .join(per_key(1_000_000).build(), JoinType::Inner, Some(col("mid_k").eq(col("big_k"))))
            .unwrap()
            .project(vec![col("mid_k"), col("s")])
            .unwrap();
        let plan = inner.join(small_filtered(1000), JoinType::LeftSemi, Some(col("mid_k").eq(col("small_k")))).unwrap().build();
        let out = apply(plan, Config::new());
        assert!(out.transformed);
        let text = out.data.display_indent().to_string();
        assert!(text.contains("Join LeftSemi, (big.big_k = __rf0)"), "{text}");
        assert!(!text.contains("(mid.mid_k = __rf"), "mid is not aggregated: {text}");
    }

    #[test]
    fn no_reduction_without_an_aggregate_or_a_filter_or_when_disabled() {
        let plain = LogicalPlanBuilder::from(small_filtered(1000))
            .join(table("big", 1_000_000).build(), JoinType::Inner, Some(col("small_k").eq(col("big_k"))))
            .unwrap()
            .build();
        assert!(!apply(plain, Config::new()).transformed);
        let unfiltered = table("small", 1000)
            .join(per_key(1_000_000).build(), JoinType::Inner, Some(col("small_k").eq(col("big_k"))))
            .unwrap()
            .build();
        assert!(!apply(unfiltered, Config::new()).transformed);
        let reducible = || {
            LogicalPlanBuilder::from(small_filtered(1000))
                .join(per_key(1_000_000).build(), JoinType::Inner, Some(col("small_k").eq(col("big_k"))))
                .unwrap()
                .build()
        };
        let mut off = Config::new();
        off.set(ember_common::config::keys::RUNTIME_FILTER_SEMI_JOIN_REDUCTION, "false").unwrap();
        assert!(!apply(reducible(), off).transformed);
        let mut small_threshold = Config::new();
        small_threshold.set(ember_common::config::keys::RUNTIME_FILTER_CREATION_THRESHOLD, "100").unwrap();
        assert!(!apply(reducible(), small_threshold).transformed);
    }

    #[test]
    fn a_shuffled_semi_or_anti_join_right_side_is_reduced_by_the_left_keys() {
        for join_type in [JoinType::LeftSemi, JoinType::LeftAnti] {
            let plan = LogicalPlanBuilder::from(small_filtered(1000))
                .join(table("big", 10_000_000).build(), join_type, Some(col("small_k").eq(col("big_k"))))
                .unwrap()
                .build();
            let out = apply(plan, Config::new());
            assert!(out.transformed, "{join_type}");
            let text = out.data.display_indent().to_string();
            assert!(text.contains("+- Join LeftSemi, (big.big_k = __rf0)\n   :- Relation big"), "{text}");
            // The left side is never reduced by the right side of an anti join.
            assert_eq!(text.matches("__rf").count(), 2, "{text}");
        }
        // A right side small enough to broadcast is not shuffled: nothing to save.
        let plan = LogicalPlanBuilder::from(small_filtered(1000))
            .join(table("big", 1000).build(), JoinType::LeftSemi, Some(col("small_k").eq(col("big_k"))))
            .unwrap()
            .build();
        assert!(!apply(plan, Config::new()).transformed);
    }

    #[test]
    fn a_key_set_not_much_smaller_than_the_scan_is_not_used() {
        let plan = LogicalPlanBuilder::from(small_filtered(5_000_000))
            .join(per_key(1_000_000).build(), JoinType::Inner, Some(col("small_k").eq(col("big_k"))))
            .unwrap()
            .build();
        assert!(!apply(plan, Config::new()).transformed);
    }
}
