//! End-to-end tests of the default batches: analyzer then optimizer, with the `Once`
//! batches checked for idempotence and the fixed point reached.

use super::*;
use crate::analyzer::Analyzer;
use crate::test_util::*;
use ember_plan::{col, lit, Expr, JoinType, LogicalPlanBuilder, Operator};

fn optimize(plan: LogicalPlan) -> String {
    let ctx = ctx();
    let analyzed = Analyzer::new().execute(plan, &ctx).unwrap();
    let optimizer = Optimizer::new();
    let checked = optimizer.executor().check_once_batches_idempotent(analyzed.clone(), &ctx).unwrap();
    let out = optimizer.execute(analyzed, &ctx).unwrap();
    assert_eq!(checked, out);
    out.display_indent()
}

#[test]
fn filters_reach_join_inputs_and_columns_are_pruned() {
    let plan = LogicalPlanBuilder::from(scan_t())
        .alias("l")
        .unwrap()
        .join(scan_u(), JoinType::LeftOuter, Some(col("l.a").eq(col("x"))))
        .unwrap()
        .filter(col("y").gt(lit(10)).and(col("l.b").lt(lit(5))))
        .unwrap()
        .project(vec![col("l.c"), plus(col("y"), lit(1)).alias("y1")])
        .unwrap()
        .build();
    insta::assert_snapshot!(optimize(plan), @r"
    Project [l.c, (y + 1) AS y1]
    +- Join Inner, (l.a = x)
       :- Project [l.a, l.c]
       :  +- SubqueryAlias l
       :     +- Filter (t.b < 5)
       :        +- Relation t[a,b,c] test
       +- Filter (y > 10)
          +- Relation u[x,y] test
    ");
}

#[test]
fn count_star_with_folded_filter() {
    let plan = LogicalPlanBuilder::from(scan_t())
        .filter(col("b").gt(plus(lit(1), lit(2))).and(lit(true)))
        .unwrap()
        .aggregate(vec![], vec![count(lit(1))])
        .unwrap()
        .build();
    insta::assert_snapshot!(optimize(plan), @r"
    Aggregate [], [count(1) AS count(1)]
    +- Filter (b > 3)
       +- Relation t[b] test
    ");
}

#[test]
fn distinct_union_and_limits() {
    let plan = LogicalPlanBuilder::from(scan_t())
        .project(vec![col("a"), col("c")])
        .unwrap()
        .union(LogicalPlanBuilder::from(scan_u()).project(vec![col("y"), col("z")]).unwrap().build())
        .unwrap()
        .distinct()
        .unwrap()
        .filter(col("c").eq(lit("k")))
        .unwrap()
        .limit(0, Some(10))
        .unwrap()
        .limit(2, Some(3))
        .unwrap()
        .build();
    insta::assert_snapshot!(optimize(plan), @r"
    Limit 3, offset=2
    +- Aggregate [t.a, t.c], []
       +- Union
          :- SubqueryAlias t
          :  +- Project [CAST(a AS BIGINT) AS a, c]
          :     +- Filter (c = k)
          :        +- Relation t[a,c] test
          +- Filter (z = k)
             +- Relation u[y,z] test
    ");
}

#[test]
fn constant_false_filter_empties_the_plan() {
    let plan = LogicalPlanBuilder::from(scan_t())
        .filter(lit(1).eq(lit(2)).or(col("b").is_null().and(lit(false))))
        .unwrap()
        .project(vec![col("a")])
        .unwrap()
        .build();
    insta::assert_snapshot!(optimize(plan), @"EmptyRelation");
}

#[test]
fn errors_stay_for_run_time() {
    let plan = LogicalPlanBuilder::from(scan_t())
        .project(vec![Expr::binary(lit(1), Operator::IntDivide, lit(0)).alias("boom"), col("a")])
        .unwrap()
        .sort(vec![col("a").sort(true, None)])
        .unwrap()
        .limit(0, Some(1))
        .unwrap()
        .build();
    insta::assert_snapshot!(optimize(plan), @r"
    Sort [a ASC NULLS FIRST], fetch=1
    +- Project [(1 div 0) AS boom, a]
       +- Relation t[a] test
    ");
}

#[test]
fn generate_filters_and_pruning() {
    let plan = LogicalPlanBuilder::from(scan_g())
        .project(vec![col("id"), explode(col("tags")).alias("tag")])
        .unwrap()
        .filter(col("id").gt(lit(1)).and(col("tag").lt(lit(5))))
        .unwrap()
        .project(vec![col("tag")])
        .unwrap()
        .build();
    insta::assert_snapshot!(optimize(plan), @r"
    Project [tag]
    +- Filter (tag < 5)
       +- Generate explode(tags), [tag]
          +- Filter (g.id > 1)
             +- Relation g[id,tags] test
    ");
}

#[test]
fn semi_join_and_values() {
    let values = LogicalPlanBuilder::values(vec![vec![lit(1), lit("a")], vec![lit(2), lit("b")]], None).unwrap().build();
    let plan = LogicalPlanBuilder::from(scan_t())
        .join(values, JoinType::LeftSemi, Some(col("a").eq(col("col1")).and(col("col2").eq(lit("a")))))
        .unwrap()
        .project(vec![col("c")])
        .unwrap()
        .build();
    insta::assert_snapshot!(optimize(plan), @r"
    Project [c]
    +- Join LeftSemi, (a = col1)
       :- Relation t[a,c] test
       +- Project [col1]
          +- Filter (col2 = a)
             +- LocalRelation [col1, col2], 2 rows
    ");
}
