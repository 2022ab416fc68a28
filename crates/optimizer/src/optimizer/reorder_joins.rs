//! `ReorderJoins`: orders each group of adjacent inner joins greedily by estimated
//! size (Spark's `ReorderJoin` plus a size heuristic in place of the cost-based
//! `CostBasedJoinReorder`). The largest input goes first (it is streamed, never
//! built into a hash table); then, repeatedly, the smallest input that some join
//! condition connects to what is already joined. Inputs without any condition are
//! joined last (cross joins). Conditions attach to the lowest join that has all their
//! columns, and a projection restores the original column order.
//!
//! ```text
//! before:  Project … +- Join Inner (b.y = c.y)          after:  Join Inner (b.y = c.y)
//!                       :- Join Cross                          :- Join Inner (a.x = b.x)
//!                       :  :- Relation a  (10 rows)            :  :- Relation b  (1000 rows)
//!                       :  +- Relation b  (1000 rows)          :  +- Relation a  (10 rows)
//!                       +- Relation c     (100 rows)           +- Relation c  (100 rows)
//!          with the condition (a.x = b.x) above
//! ```
//!
//! Estimates come from `ember_plan::statistics` (Parquet row counts, file sizes,
//! in-memory row counts, textbook filter selectivities).

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::split_conjunction_owned;
use ember_plan::statistics::{distinct_bound, estimate_rows};
use ember_plan::{conjunction, Column, Expr, Join, JoinType, LogicalPlan, Projection};

use crate::rule::{Rule, RuleContext};

pub struct ReorderJoins;

impl Rule for ReorderJoins {
    fn name(&self) -> &'static str {
        "reorder_joins"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        let out = reorder(&plan)?;
        let changed = out != plan;
        Ok(Transformed::new(out, changed))
    }
}

fn is_inner(plan: &LogicalPlan) -> bool {
    matches!(plan, LogicalPlan::Join(j) if matches!(j.join_type, JoinType::Inner | JoinType::Cross))
}

/// Reorders every inner-join group in `plan`, inputs first.
fn reorder(plan: &LogicalPlan) -> Result<LogicalPlan> {
    if !is_inner(plan) {
        return Ok(plan.clone().map_children(|c| reorder(&c).map(Transformed::yes))?.data);
    }
    let mut leaves = Vec::new();
    let mut conds = Vec::new();
    flatten(plan, &mut leaves, &mut conds);
    let leaves = leaves.iter().map(|l| reorder(l)).collect::<Result<Vec<_>>>()?;
    if leaves.len() < 3 {
        let inputs: Vec<Arc<LogicalPlan>> = leaves.into_iter().map(Arc::new).collect();
        return plan.with_new_inputs(inputs);
    }
    match greedy(leaves.clone(), conds.clone()) {
        Ok(joined) => {
            if joined.schema().columns() == plan.schema().columns() {
                return Ok(joined);
            }
            let cols: Vec<Expr> = plan.schema().fields().iter().map(|f| Expr::Column(f.column())).collect();
            match Projection::try_new(cols, Arc::new(joined)) {
                Ok(p) => Ok(LogicalPlan::Projection(p)),
                // Columns not told apart by qualifiers (`FROM t, t`): keep the written order.
                Err(_) => rebuild_in_order(leaves, conds),
            }
        }
        Err(_) => rebuild_in_order(leaves, conds),
    }
}

/// The inputs and conjuncts of a tree of inner joins.
fn flatten(plan: &LogicalPlan, leaves: &mut Vec<LogicalPlan>, conds: &mut Vec<Expr>) {
    match plan {
        LogicalPlan::Join(j) if is_inner(plan) => {
            flatten(&j.left, leaves, conds);
            flatten(&j.right, leaves, conds);
            if let Some(c) = &j.condition {
                conds.extend(split_conjunction_owned(c.clone()));
            }
        }
        other => leaves.push(other.clone()),
    }
}

/// True if every column of `cond` is in one of `plans`' outputs.
fn covered(cond: &[Column], plans: &[&LogicalPlan]) -> bool {
    cond.iter().all(|c| plans.iter().any(|p| p.schema().has_column(c)))
}

fn join(left: LogicalPlan, right: LogicalPlan, conds: &mut Vec<(Expr, Vec<Column>)>) -> Result<LogicalPlan> {
    let mut here = Vec::new();
    let mut i = 0;
    while i < conds.len() {
        if covered(&conds[i].1, &[&left, &right]) {
            here.push(conds.remove(i).0);
        } else {
            i += 1;
        }
    }
    let cond = conjunction(here);
    let join_type = if cond.is_some() { JoinType::Inner } else { JoinType::Cross };
    Ok(LogicalPlan::Join(Join::try_new(Arc::new(left), Arc::new(right), join_type, cond)?))
}

/// Largest input first, then the smallest connected input, repeatedly.
fn greedy(leaves: Vec<LogicalPlan>, conds: Vec<Expr>) -> Result<LogicalPlan> {
    let mut conds: Vec<(Expr, Vec<Column>)> = conds.into_iter().map(|c| {
        let cols = c.column_refs();
        (c, cols)
    }).collect();
    let rows: Vec<f64> = leaves.iter().map(|l| estimate_rows(l).unwrap_or(1e12)).collect();
    let mut remaining: Vec<(usize, LogicalPlan)> = leaves.into_iter().enumerate().collect();
    let first = (0..remaining.len()).fold(0, |best, i| if rows[remaining[i].0] > rows[remaining[best].0] { i } else { best });
    let (first_index, mut current) = remaining.remove(first);
    let mut current_rows = rows[first_index];
    while !remaining.is_empty() {
        // Equi-join conditions connect inputs first (hash joins); other conditions
        // only when nothing is equi-connected; cross joins last.
        let connected = |p: &LogicalPlan, equi_only: bool| {
            conds.iter().any(|(c, cols)| {
                (!equi_only || is_equi(c, &current, p))
                    && !cols.is_empty()
                    && covered(cols, &[&current, p])
                    && cols.iter().any(|c| p.schema().has_column(c))
                    && cols.iter().any(|c| current.schema().has_column(c))
            })
        };
        let equi: Vec<usize> = (0..remaining.len()).filter(|&i| connected(&remaining[i].1, true)).collect();
        let any: Vec<usize> = (0..remaining.len()).filter(|&i| connected(&remaining[i].1, false)).collect();
        let pool: Vec<usize> = if !equi.is_empty() {
            equi
        } else if !any.is_empty() {
            any
        } else {
            (0..remaining.len()).collect()
        };
        // The input giving the smallest estimated join; on ties, the smallest input.
        let outs: Vec<f64> = pool.iter().map(|&i| join_rows(&current, current_rows, &remaining[i].1, rows[remaining[i].0], &conds)).collect();
        let better = |a: usize, b: usize| (outs[a], rows[remaining[pool[a]].0]) < (outs[b], rows[remaining[pool[b]].0]);
        let best = (0..pool.len()).fold(0, |best, k| if better(k, best) { k } else { best });
        let (pick, out) = (pool[best], outs[best]);
        let (_, next) = remaining.remove(pick);
        current = join(current, next, &mut conds)?;
        current_rows = out;
    }
    if !conds.is_empty() {
        // Conditions on no column at all (constants) go on top.
        let rest = conjunction(conds.into_iter().map(|(c, _)| c));
        if let Some(r) = rest {
            current = LogicalPlan::Filter(ember_plan::Filter::try_new(r, Arc::new(current))?);
        }
    }
    Ok(current)
}

/// Estimated rows of `current ⋈ next`: `|current| · |next| / max(ndv)` over their
/// column equalities, with each column's distinct values bounded by its rows and its
/// source's value range (so `c_nationkey = s_nationkey` is seen to multiply rows);
/// the larger input when no equality is on plain columns.
fn join_rows(current: &LogicalPlan, current_rows: f64, next: &LogicalPlan, next_rows: f64, conds: &[(Expr, Vec<Column>)]) -> f64 {
    let ndv = |p: &LogicalPlan, rows: f64, c: &Column| {
        let bound = p.schema().find(c).and_then(|i| distinct_bound(p, i));
        bound.map_or(rows, |b| b.min(rows)).max(1.0)
    };
    let mut best = f64::INFINITY;
    for (c, _) in conds {
        let Expr::BinaryExpr(e) = c else { continue };
        let (Expr::Column(a), Expr::Column(b)) = (e.left.as_ref(), e.right.as_ref()) else { continue };
        if e.op != ember_plan::Operator::Eq {
            continue;
        }
        let (in_cur, in_next) = if current.schema().has_column(a) && next.schema().has_column(b) {
            (a, b)
        } else if current.schema().has_column(b) && next.schema().has_column(a) {
            (b, a)
        } else {
            continue;
        };
        let d = ndv(current, current_rows, in_cur).max(ndv(next, next_rows, in_next));
        best = best.min(current_rows * next_rows / d);
    }
    if best.is_finite() {
        best
    } else {
        current_rows.max(next_rows)
    }
}

/// `x = y` with `x` over one input and `y` over the other.
fn is_equi(c: &Expr, a: &LogicalPlan, b: &LogicalPlan) -> bool {
    let Expr::BinaryExpr(e) = c else { return false };
    if e.op != ember_plan::Operator::Eq {
        return false;
    }
    let over = |x: &Expr, p: &LogicalPlan| {
        let cols = x.column_refs();
        !cols.is_empty() && cols.iter().all(|c| p.schema().has_column(c))
    };
    (over(&e.left, a) && over(&e.right, b)) || (over(&e.left, b) && over(&e.right, a))
}

/// The written order, each condition on the lowest join that covers it.
fn rebuild_in_order(leaves: Vec<LogicalPlan>, conds: Vec<Expr>) -> Result<LogicalPlan> {
    let mut conds: Vec<(Expr, Vec<Column>)> = conds.into_iter().map(|c| {
        let cols = c.column_refs();
        (c, cols)
    }).collect();
    let mut it = leaves.into_iter();
    let mut current = it.next().ok_or_else(|| ember_common::Error::internal("join group without inputs"))?;
    for next in it {
        current = join(current, next, &mut conds)?;
    }
    if let Some(r) = conjunction(conds.into_iter().map(|(c, _)| c)) {
        current = LogicalPlan::Filter(ember_plan::Filter::try_new(r, Arc::new(current))?);
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use arrow::array::Int32Array;
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;
    use ember_plan::{col, LogicalPlanBuilder, TableSource};

    /// A table of `rows` rows with one int column `name_k`.
    #[derive(Debug)]
    struct Sized {
        schema: arrow::datatypes::SchemaRef,
        rows: u64,
    }
    impl TableSource for Sized {
        fn schema(&self) -> arrow::datatypes::SchemaRef {
            self.schema.clone()
        }
        fn describe(&self) -> String {
            format!("{} rows", self.rows)
        }
        fn estimated_rows(&self) -> Option<u64> {
            Some(self.rows)
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    fn table(name: &str, rows: u64) -> LogicalPlan {
        let schema = Arc::new(Schema::new(vec![Field::new(format!("{name}_k"), DataType::Int32, true)]));
        let _ = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from(vec![1]))]);
        LogicalPlanBuilder::scan(name, Arc::new(Sized { schema, rows })).unwrap().build()
    }

    #[test]
    fn largest_first_then_smallest_connected_and_no_cross_join() {
        // FROM small, big, mid WHERE small.k = big.k AND mid.k = big.k, written as
        // (small × big) ⋈ mid: the cross join disappears and `big` is streamed.
        let plan = LogicalPlanBuilder::from(table("small", 10))
            .join(table("big", 1_000_000), JoinType::Cross, None)
            .unwrap()
            .join(table("mid", 1000), JoinType::Inner, Some(col("small_k").eq(col("big_k")).and(col("mid_k").eq(col("big_k")))))
            .unwrap()
            .build();
        let out = ReorderJoins.apply(plan, &ctx()).unwrap();
        assert!(out.transformed);
        insta::assert_snapshot!(out.data.display_indent(), @r"
        Project [small.small_k, big.big_k, mid.mid_k]
        +- Join Inner, (mid_k = big_k)
           :- Join Inner, (small_k = big_k)
           :  :- Relation big[big_k] 1000000 rows
           :  +- Relation small[small_k] 10 rows
           +- Relation mid[mid_k] 1000 rows
        ");
    }

    #[test]
    fn two_inputs_are_left_alone() {
        let plan = LogicalPlanBuilder::from(table("a", 10))
            .join(table("b", 1000), JoinType::Inner, Some(col("a_k").eq(col("b_k"))))
            .unwrap()
            .build();
        let out = ReorderJoins.apply(plan.clone(), &ctx()).unwrap();
        assert!(!out.transformed);
        assert_eq!(out.data, plan);
        let _ = scan_t();
    }
}
