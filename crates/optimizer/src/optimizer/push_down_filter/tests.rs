//! Before/after tests of `PushDownFilter`.

use super::*;
use crate::test_util::*;
use ember_common::TreeNodeRecursion;
use ember_plan::{col, lit, JoinType, LogicalPlanBuilder};

fn filtered(plan: LogicalPlan, predicate: Expr) -> String {
    run(PushDownFilter, LogicalPlanBuilder::from(plan).filter(predicate).unwrap().build())
}

fn join(jt: JoinType, on: Option<Expr>) -> LogicalPlan {
    LogicalPlanBuilder::from(scan_t()).join(scan_u(), jt, on).unwrap().build()
}

#[test]
fn through_projection_substituting_aliases() {
    let plan = LogicalPlanBuilder::from(scan_t()).project(vec![plus(col("a"), lit(1)).alias("x"), col("b")]).unwrap().build();
    insta::assert_snapshot!(filtered(plan, col("b").gt(lit(1)).and(col("x").eq(lit(2)))), @r"
    Project [(a + 1) AS x, b]
    +- Filter ((b > 1) AND ((a + 1) = 2))
       +- Relation t[a,b,c] test
    ");
}

#[test]
fn not_through_random_values_nor_past_random_conjuncts() {
    let plan = LogicalPlanBuilder::from(scan_t()).project(vec![rand().alias("r"), col("a")]).unwrap().build();
    insta::assert_snapshot!(filtered(plan.clone(), col("r").gt(lit(0.5)).and(col("a").gt(lit(1)))), @r"
    Filter (r > 0.5)
    +- Project [rand() AS r, a]
       +- Filter (a > 1)
          +- Relation t[a,b,c] test
    ");
    insta::assert_snapshot!(filtered(plan, rand().gt(lit(0.5)).and(col("a").gt(lit(1)))), @r"
    Filter ((rand() > 0.5) AND (a > 1))
    +- Project [rand() AS r, a]
       +- Relation t[a,b,c] test
    ");
}

#[test]
fn through_subquery_alias_requalifying_columns() {
    let plan = LogicalPlanBuilder::from(join(JoinType::Cross, None)).alias("s").unwrap().build();
    let out = LogicalPlanBuilder::from(plan).filter(col("s.a").eq(col("s.x")).and(col("s.b").gt(lit(0)))).unwrap().build();
    let ex = crate::executor::RuleExecutor::new(vec![crate::executor::Batch::new(
        "test",
        crate::executor::Strategy::FixedPoint(10),
        vec![Arc::new(PushDownFilter)],
    )]);
    let out = ex.execute(out, &ctx()).unwrap().0;
    insta::assert_snapshot!(out.display_indent(), @r"
    SubqueryAlias s
    +- Join Inner, (t.a = u.x)
       :- Filter (t.b > 0)
       :  +- Relation t[a,b,c] test
       +- Relation u[x,y,z] test
    ");
    // the pushed columns now name the join's inputs, not the alias
    let mut relations = Vec::new();
    out.apply(|p| {
        for e in p.expressions() {
            relations.extend(e.column_refs().into_iter().map(|c| c.flat_name()));
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .unwrap();
    assert_eq!(relations, vec!["t.a", "u.x", "t.b"]);
}

#[test]
fn through_sort_and_into_union_inputs_by_position() {
    let plan = LogicalPlanBuilder::from(scan_t())
        .project(vec![col("a"), col("c")])
        .unwrap()
        .union(LogicalPlanBuilder::from(scan_u()).project(vec![col("x"), col("z")]).unwrap().build())
        .unwrap()
        .sort(vec![col("a").sort(true, None)])
        .unwrap()
        .build();
    insta::assert_snapshot!(filtered(plan, col("a").gt(lit(1))), @r"
    Sort [a ASC NULLS FIRST]
    +- Union
       :- Project [a, c]
       :  +- Filter (a > 1)
       :     +- Relation t[a,b,c] test
       +- Project [x, z]
          +- Filter (x > 1)
             +- Relation u[x,y,z] test
    ");
}

#[test]
fn through_aggregate_only_on_grouping_columns() {
    let plan = LogicalPlanBuilder::from(scan_t()).aggregate(vec![col("c")], vec![sum(col("a"))]).unwrap().build();
    insta::assert_snapshot!(filtered(plan, col("c").eq(lit("k")).and(col("sum(a)").gt(lit(1i64)))), @r"
    Project [t.c, sum(a)]
    +- Filter (sum(a) > 1)
       +- Aggregate [c], [sum(a) AS sum(a)]
          +- Filter (c = k)
             +- Relation t[a,b,c] test
    ");
    // a global aggregate returns a row even for empty input: nothing moves
    let global = LogicalPlanBuilder::from(scan_t()).aggregate(vec![], vec![count(col("a"))]).unwrap().build();
    insta::assert_snapshot!(filtered(global, lit(false)), @r"
    Project [count(a)]
    +- Filter false
       +- Aggregate [], [count(a) AS count(a)]
          +- Relation t[a,b,c] test
    ");
}

#[test]
fn cross_join_with_equality_becomes_inner() {
    let pred = col("a").eq(col("x")).and(col("b").gt(lit(1))).and(col("y").lt(lit(5i64)));
    insta::assert_snapshot!(filtered(join(JoinType::Cross, None), pred), @r"
    Join Inner, (a = x)
    :- Filter (b > 1)
    :  +- Relation t[a,b,c] test
    +- Filter (y < 5)
       +- Relation u[x,y,z] test
    ");
}

#[test]
fn left_outer_join_where_and_on() {
    let on = col("a").eq(col("x")).and(col("y").gt(lit(0i64))).and(col("b").gt(lit(0)));
    let pred = col("b").lt(lit(9)).and(col("z").is_null());
    insta::assert_snapshot!(filtered(join(JoinType::LeftOuter, Some(on)), pred), @r"
    Filter (z IS NULL)
    +- Join LeftOuter, ((a = x) AND (b > 0))
       :- Filter (b < 9)
       :  +- Relation t[a,b,c] test
       +- Filter (y > 0)
          +- Relation u[x,y,z] test
    ");
}

#[test]
fn single_and_existence_joins_filter_as_left_outer() {
    let on = col("a").eq(col("x")).and(col("y").gt(lit(0i64))).and(col("b").gt(lit(0)));
    let pred = col("b").lt(lit(9)).and(col("z").is_null());
    for jt in [JoinType::LeftSingle, JoinType::LeftExistence] {
        let out = filtered(join(jt, Some(on.clone())), pred.clone()).replace(&jt.to_string(), "<jt>");
        insta::allow_duplicates! {
            insta::assert_snapshot!(out, @r"
            Filter (z IS NULL)
            +- Join <jt>, ((a = x) AND (b > 0))
               :- Filter (b < 9)
               :  +- Relation t[a,b,c] test
               +- Filter (y > 0)
                  +- Relation u[x,y,z] test
            ");
        }
    }
}

#[test]
fn right_and_full_outer_joins() {
    let on = col("a").eq(col("x")).and(col("b").gt(lit(0))).and(col("y").gt(lit(0i64)));
    let pred = col("b").lt(lit(9)).and(col("z").is_null());
    insta::assert_snapshot!(filtered(join(JoinType::RightOuter, Some(on.clone())), pred.clone()), @r"
    Filter (b < 9)
    +- Join RightOuter, ((a = x) AND (y > 0))
       :- Filter (b > 0)
       :  +- Relation t[a,b,c] test
       +- Filter (z IS NULL)
          +- Relation u[x,y,z] test
    ");
    insta::assert_snapshot!(filtered(join(JoinType::FullOuter, Some(on)), pred), @r"
    Filter ((b < 9) AND (z IS NULL))
    +- Join FullOuter, (((a = x) AND (b > 0)) AND (y > 0))
       :- Relation t[a,b,c] test
       +- Relation u[x,y,z] test
    ");
}

#[test]
fn semi_and_anti_joins() {
    let on = col("a").eq(col("x")).and(col("b").gt(lit(0))).and(col("y").gt(lit(0i64)));
    insta::assert_snapshot!(filtered(join(JoinType::LeftSemi, Some(on.clone())), col("c").is_null()), @r"
    Join LeftSemi, (a = x)
    :- Filter ((c IS NULL) AND (b > 0))
    :  +- Relation t[a,b,c] test
    +- Filter (y > 0)
       +- Relation u[x,y,z] test
    ");
    insta::assert_snapshot!(filtered(join(JoinType::LeftAnti, Some(on)), col("c").is_null()), @r"
    Join LeftAnti, ((a = x) AND (b > 0))
    :- Filter (c IS NULL)
    :  +- Relation t[a,b,c] test
    +- Filter (y > 0)
       +- Relation u[x,y,z] test
    ");
}

#[test]
fn into_scans_that_can_use_the_filter() {
    let pred = || col("a").gt(lit(1)).and(col("b").eq(lit(2)));
    insta::assert_snapshot!(filtered(scan_with("t", FilterPushdown::Inexact), pred()), @r"
    Filter ((a > 1) AND (b = 2))
    +- Relation t[a,b,c] test, PushedFilters: [(a > 1), (b = 2)]
    ");
    insta::assert_snapshot!(filtered(scan_with("t", FilterPushdown::Exact), pred()), @"Relation t[a,b,c] test, PushedFilters: [(a > 1), (b = 2)]");
    insta::assert_snapshot!(filtered(scan_t(), pred()), @r"
    Filter ((a > 1) AND (b = 2))
    +- Relation t[a,b,c] test
    ");
}

#[test]
fn not_past_a_limit_or_a_top_k() {
    let plan = LogicalPlanBuilder::from(scan_t()).limit(0, Some(3)).unwrap().build();
    insta::assert_snapshot!(filtered(plan, col("a").gt(lit(1))), @r"
    Filter (a > 1)
    +- Limit 3
       +- Relation t[a,b,c] test
    ");
}
