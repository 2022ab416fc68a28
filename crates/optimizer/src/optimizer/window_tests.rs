//! Before/after tests of the rules that must treat `Window` nodes specially:
//! `PushDownFilter` (only partition-by conjuncts go below a window) and
//! `PruneColumns` (unused window expressions are dropped).

use ember_plan::window::{WindowFunction, WindowFunctionKind, WindowSpec};
use ember_plan::{col, lit, Expr, LogicalPlan, LogicalPlanBuilder};

use super::prune_columns::PruneColumns;
use super::push_down_filter::PushDownFilter;
use crate::test_util::*;

/// `sum(arg) OVER (PARTITION BY partition)`
fn sum_over(arg: Expr, partition: Expr) -> Expr {
    let Expr::AggregateFunction(a) = sum(arg) else { unreachable!("sum() builds an aggregate") };
    let spec = WindowSpec { partition_by: vec![partition], ..Default::default() };
    Expr::WindowFunction(WindowFunction::try_new(WindowFunctionKind::Aggregate(a.func), a.args, spec, false).unwrap())
}

/// `SELECT a, b, c, sum(b) OVER (PARTITION BY a) AS s, sum(a) OVER (PARTITION BY a) AS s2 FROM t`
fn windowed() -> LogicalPlan {
    LogicalPlanBuilder::from(scan_t())
        .project(vec![col("a"), col("b"), col("c"), sum_over(col("b"), col("a")).alias("s"), sum_over(col("a"), col("a")).alias("s2")])
        .unwrap()
        .build()
}

#[test]
fn filters_on_partition_keys_go_below_the_window_others_stay() {
    let plan =
        LogicalPlanBuilder::from(windowed()).filter(col("a").gt(lit(1)).and(col("b").gt(lit(2))).and(col("s").gt(lit(3)))).unwrap().build();
    insta::assert_snapshot!(run(PushDownFilter, plan), @r"
    Project [a, b, c, sum(b) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s, sum(a) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s2]
    +- Filter ((b > 2) AND (sum(b) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) > 3))
       +- Window [sum(b) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS sum(b) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), sum(a) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS sum(a) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)], [a], []
          +- Filter (t.a > 1)
             +- Relation t[a,b,c] test
    ");
}

#[test]
fn unused_window_expressions_and_input_columns_are_pruned() {
    let plan = LogicalPlanBuilder::from(windowed()).project(vec![col("a"), col("s")]).unwrap().build();
    insta::assert_snapshot!(run(PruneColumns, plan), @r"
    Project [a, s]
    +- Project [a, sum(b) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s]
       +- Window [sum(b) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS sum(b) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)], [a], []
          +- Relation t[a,b] test
    ");
    // No window column used: the Window node goes away.
    let plan = LogicalPlanBuilder::from(windowed()).project(vec![col("c")]).unwrap().build();
    insta::assert_snapshot!(run(PruneColumns, plan), @r"
    Project [c]
    +- Project [c]
       +- Relation t[c] test
    ");
}
