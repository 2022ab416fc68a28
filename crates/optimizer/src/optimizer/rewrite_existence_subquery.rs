//! `RewriteExistenceSubquery`: `EXISTS` and `IN` subqueries used as values (in a
//! SELECT list, inside `OR`, under `CASE`) become left outer joins whose marker
//! columns give the boolean, as Spark's existence joins do. Conjuncts of a filter were
//! already turned into semi/anti joins by `rewrite_predicate_subquery`.
//!
//! ```text
//! EXISTS (sub)      → left outer join with DISTINCT (correlation columns, true AS m)
//!                     value: m IS NOT NULL
//! x IN (sub)        → the same with a row whose value = x: m1 IS NOT NULL
//! x NOT IN (sub)    → three left outer joins with DISTINCT rows of the subquery:
//!                     m1: a row with value = x, m2: any row, m3: a row with a NULL value
//!                     value: NOT CASE WHEN m1 IS NOT NULL THEN true
//!                                     WHEN m2 IS NULL THEN false
//!                                     ELSE x IS NULL OR m3 IS NOT NULL END
//! ```
//!
//! As in Spark's existence joins, the value is never NULL: `x IN (sub)` is whether a
//! row equals x (false for a NULL x), and `NOT (x IN (sub))` negates whether a row
//! equals x or makes `x = value` NULL (Spark's null-aware condition).
//!
//! With equality correlations the joins are on the correlation columns (made distinct
//! first), so each outer row matches at most one row and is never duplicated; with
//! any other correlation they are existence joins (`LeftExistence`), which keep one
//! match per outer row.

use std::sync::Arc;

use ember_common::{Error, Result, Transformed, TreeNode};
use ember_plan::expr::{split_conjunction_owned, Case, Exists, InSubquery, Subquery};
use ember_plan::{conjunction, lit, Aggregate, Column, Expr, Filter, Join, JoinType, LogicalPlan, Operator, Projection};

use super::decorrelate::{decorrelate, unsupported_correlation, Decorrelated};
use crate::rule::{Rule, RuleContext};

pub struct RewriteExistenceSubquery;

impl Rule for RewriteExistenceSubquery {
    fn name(&self) -> &'static str {
        "rewrite_existence_subquery"
    }

    fn apply(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| {
            let found = node.expressions().iter().any(|e| e.exists(|x| matches!(x, Expr::Exists(_) | Expr::InSubquery(_))));
            if !found {
                return Ok(Transformed::no(node));
            }
            let (mut input, keep_columns) = match &node {
                LogicalPlan::Filter(f) => (f.input.as_ref().clone(), Some(f.input.schema().columns())),
                LogicalPlan::Projection(p) => (p.input.as_ref().clone(), None),
                other => {
                    return Err(unsupported_correlation(&format!(
                        "IN and EXISTS subqueries are supported in SELECT, WHERE and HAVING, not in {}",
                        other.name()
                    )))
                }
            };
            let mut exprs = Vec::new();
            for e in node.expressions() {
                // Top down, so `NOT (x IN (sub))` is seen before its `IN`.
                let t = e.clone().transform_down(|x| match x {
                    Expr::Exists(Exists { subquery, negated }) => {
                        let (next, value) = exists_value(input.clone(), &subquery, ctx)?;
                        input = next;
                        Ok(Transformed::yes(if negated { value.not() } else { value }))
                    }
                    Expr::Not(inner) if matches!(inner.as_ref(), Expr::InSubquery(_)) => {
                        let Expr::InSubquery(i) = *inner else { return Err(Error::internal("IN subquery expected")) };
                        let (next, value) = in_value(input.clone(), *i.expr, &i.subquery, !i.negated, ctx)?;
                        input = next;
                        Ok(Transformed::yes(value))
                    }
                    Expr::InSubquery(InSubquery { expr, subquery, negated }) => {
                        let (next, value) = in_value(input.clone(), *expr, &subquery, negated, ctx)?;
                        input = next;
                        Ok(Transformed::yes(value))
                    }
                    other => Ok(Transformed::no(other)),
                })?;
                exprs.push(t.data);
            }
            let out = node.with_new_exprs(exprs, vec![Arc::new(input)])?;
            Ok(Transformed::yes(match keep_columns {
                Some(cols) => LogicalPlan::Projection(Projection::try_new(cols.into_iter().map(Expr::Column).collect(), Arc::new(out))?),
                None => out,
            }))
        })
    }
}

/// `plan` with duplicate rows removed (an aggregate grouping by every column).
fn distinct(plan: LogicalPlan) -> Result<LogicalPlan> {
    let cols = plan.schema().columns().into_iter().map(Expr::Column).collect();
    Ok(LogicalPlan::Aggregate(Aggregate::try_new(Arc::new(plan), cols, vec![])?))
}

/// Whether every correlated predicate is an equality, so joining on them with a
/// distinct right side never duplicates outer rows.
fn equalities_only(d: &Decorrelated) -> bool {
    d.condition.clone().map(split_conjunction_owned).unwrap_or_default().iter().all(|c| matches!(c, Expr::BinaryExpr(b) if b.op == Operator::Eq))
}

/// `input` joined with `right` (rows of the decorrelated subquery `d`) so that each
/// input row is kept once: an outer join with the distinct rows of `right` when `d`
/// is correlated by equalities only, else Spark's existence join.
fn existence_join(input: LogicalPlan, d: &Decorrelated, right: LogicalPlan, cond: Option<Expr>) -> Result<LogicalPlan> {
    if equalities_only(d) {
        return left_outer(input, distinct(right)?, cond);
    }
    Ok(LogicalPlan::Join(Join::try_new(Arc::new(input), Arc::new(right), JoinType::LeftExistence, cond)?))
}

fn left_outer(input: LogicalPlan, right: LogicalPlan, cond: Option<Expr>) -> Result<LogicalPlan> {
    Ok(LogicalPlan::Join(Join::try_new(Arc::new(input), Arc::new(right), JoinType::LeftOuter, cond)?))
}

/// Keeps only `cols` of `plan` (the decorrelated subquery's renamed columns).
fn project(plan: &LogicalPlan, cols: &[Column]) -> Result<LogicalPlan> {
    Ok(LogicalPlan::Projection(Projection::try_new(cols.iter().cloned().map(Expr::Column).collect(), Arc::new(plan.clone()))?))
}

/// The decorrelated subquery's correlation columns (`__sqN_0`, …) and its marker.
fn key_columns(d: &Decorrelated) -> Vec<Column> {
    d.plan.schema().fields().iter().map(|f| f.column()).filter(|c| !c.name.ends_with("_v") && !c.name.ends_with("_m")).collect()
}

fn exists_value(input: LogicalPlan, s: &Subquery, ctx: &RuleContext) -> Result<(LogicalPlan, Expr)> {
    let d = decorrelate(&s.plan, input.schema(), false, true, ctx)?;
    let marker = d.marker.clone().ok_or_else(|| Error::internal("EXISTS without a marker"))?;
    let joined = existence_join(input, &d, d.plan.clone(), d.condition.clone())?;
    Ok((joined, marker.is_not_null()))
}

/// `x IN (sub)`, or with `negated` `x NOT IN (sub)`, as Spark's existence join computes
/// it (see the module docs).
fn in_value(input: LogicalPlan, x: Expr, s: &Subquery, negated: bool, ctx: &RuleContext) -> Result<(LogicalPlan, Expr)> {
    // m1: a subquery row whose value equals x.
    let d1 = decorrelate(&s.plan, input.schema(), true, true, ctx)?;
    let (v1, m1) = (d1.value.clone(), d1.marker.clone());
    let (Some(v1), Some(m1)) = (v1, m1) else { return Err(Error::internal("IN subquery without value or marker")) };
    let cond1 = conjunction(std::iter::once(x.clone().eq(v1)).chain(d1.condition.clone()));
    let joined = existence_join(input, &d1, d1.plan.clone(), cond1)?;
    if !negated {
        return Ok((joined, m1.is_not_null()));
    }
    // m2: any subquery row for this outer row.
    let d2 = decorrelate(&s.plan, joined.schema(), false, true, ctx)?;
    let m2 = d2.marker.clone().ok_or_else(|| Error::internal("IN subquery without a marker"))?;
    let mut cols2 = key_columns(&d2);
    cols2.push(m2.column_refs()[0].clone());
    let joined = existence_join(joined, &d2, project(&d2.plan, &cols2)?, d2.condition.clone())?;
    // m3: a subquery row whose value is NULL.
    let d3 = decorrelate(&s.plan, joined.schema(), true, true, ctx)?;
    let (Some(v3), Some(m3)) = (d3.value.clone(), d3.marker.clone()) else { return Err(Error::internal("IN subquery without value or marker")) };
    let mut cols3 = key_columns(&d3);
    cols3.push(m3.column_refs()[0].clone());
    let nulls = LogicalPlan::Filter(Filter::try_new(v3.is_null(), Arc::new(d3.plan.clone()))?);
    let joined = existence_join(joined, &d3, project(&nulls, &cols3)?, d3.condition.clone())?;
    let null_aware_exists = Expr::Case(Case {
        operand: None,
        when_then: vec![(m1.is_not_null(), lit(true)), (m2.is_null(), lit(false))],
        else_expr: Some(Box::new(x.is_null().or(m3.is_not_null()))),
    });
    Ok((joined, null_aware_exists.not()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use arrow::datatypes::DataType;
    use ember_plan::expr::OuterReference;
    use ember_plan::{col, LogicalPlanBuilder};

    #[test]
    fn exists_in_select_list_becomes_marker_join() {
        let outer_a = Expr::OuterReference(OuterReference { column: Column::new(Some("t"), "a"), data_type: DataType::Int32, nullable: false });
        let sub = LogicalPlanBuilder::from(scan_u()).filter(col("x").eq(outer_a)).unwrap().build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![col("a"), Expr::Exists(Exists { subquery: Subquery { plan: Arc::new(sub) }, negated: false }).alias("e")])
            .unwrap()
            .build();
        let out = RewriteExistenceSubquery.apply(plan, &ctx()).unwrap();
        assert!(out.transformed);
        insta::assert_snapshot!(out.data.display_indent(), @r"
        Project [a, (__sq0_m IS NOT NULL) AS e]
        +- Join LeftOuter, (__sq0_0 = t.a)
           :- Relation t[a,b,c] test
           +- Aggregate [__sq0_0, __sq0_m], []
              +- Project [x AS __sq0_0, true AS __sq0_m]
                 +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn exists_correlated_by_an_inequality_is_an_existence_join() {
        let outer_a = Expr::OuterReference(OuterReference { column: Column::new(Some("t"), "a"), data_type: DataType::Int32, nullable: false });
        let sub = LogicalPlanBuilder::from(scan_u()).filter(col("x").gt(outer_a)).unwrap().build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![col("a"), Expr::Exists(Exists { subquery: Subquery { plan: Arc::new(sub) }, negated: false }).alias("e")])
            .unwrap()
            .build();
        let out = RewriteExistenceSubquery.apply(plan, &ctx()).unwrap().data;
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [a, (__sq0_m IS NOT NULL) AS e]
        +- Join LeftExistence, (__sq0_0 > t.a)
           :- Relation t[a,b,c] test
           +- Project [x AS __sq0_0, true AS __sq0_m]
              +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn not_in_correlated_by_an_inequality_takes_three_existence_joins() {
        let outer_a = Expr::OuterReference(OuterReference { column: Column::new(Some("t"), "a"), data_type: DataType::Int32, nullable: false });
        let sub = LogicalPlanBuilder::from(scan_u()).filter(col("y").gt(outer_a)).unwrap().project(vec![col("x")]).unwrap().build();
        let in_sub = Expr::InSubquery(InSubquery { expr: Box::new(col("b")), subquery: Subquery { plan: Arc::new(sub) }, negated: false });
        let plan = LogicalPlanBuilder::from(scan_t()).project(vec![in_sub.not().alias("ni")]).unwrap().build();
        let out = RewriteExistenceSubquery.apply(plan, &ctx()).unwrap().data;
        // A row equal to b, any row, a NULL row: each found by an existence join.
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [(NOT CASE WHEN (__sq0_m IS NOT NULL) THEN true WHEN (__sq1_m IS NULL) THEN false ELSE ((b IS NULL) OR (__sq2_m IS NOT NULL)) END) AS ni]
        +- Join LeftExistence, (__sq2_0 > t.a)
           :- Join LeftExistence, (__sq1_0 > t.a)
           :  :- Join LeftExistence, ((b = __sq0_v) AND (__sq0_0 > t.a))
           :  :  :- Relation t[a,b,c] test
           :  :  +- Project [u.x AS __sq0_v, y AS __sq0_0, true AS __sq0_m]
           :  :     +- Project [x, y]
           :  :        +- Relation u[x,y,z] test
           :  +- Project [__sq1_0, __sq1_m]
           :     +- Project [y AS __sq1_0, true AS __sq1_m]
           :        +- Project [x, y]
           :           +- Relation u[x,y,z] test
           +- Project [__sq2_0, __sq2_m]
              +- Filter (__sq2_v IS NULL)
                 +- Project [u.x AS __sq2_v, y AS __sq2_0, true AS __sq2_m]
                    +- Project [x, y]
                       +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn uncorrelated_in_inside_or() {
        let sub = LogicalPlanBuilder::from(scan_u()).project(vec![col("x")]).unwrap().build();
        let in_sub = Expr::InSubquery(InSubquery { expr: Box::new(col("b")), subquery: Subquery { plan: Arc::new(sub) }, negated: false });
        let plan = LogicalPlanBuilder::from(scan_t()).filter(col("a").gt(lit(1)).or(in_sub)).unwrap().build();
        let out = RewriteExistenceSubquery.apply(plan, &ctx()).unwrap().data;
        // Spark's existence join: a row equal to b, never NULL.
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [t.a, t.b, t.c]
        +- Filter ((a > 1) OR (__sq0_m IS NOT NULL))
           +- Join LeftOuter, (b = __sq0_v)
              :- Relation t[a,b,c] test
              +- Aggregate [__sq0_v, __sq0_m], []
                 +- Project [u.x AS __sq0_v, true AS __sq0_m]
                    +- Project [x]
                       +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn uncorrelated_not_in_inside_or() {
        let sub = LogicalPlanBuilder::from(scan_u()).project(vec![col("x")]).unwrap().build();
        let in_sub = Expr::InSubquery(InSubquery { expr: Box::new(col("b")), subquery: Subquery { plan: Arc::new(sub) }, negated: false });
        let plan = LogicalPlanBuilder::from(scan_t()).filter(col("a").gt(lit(1)).or(in_sub.not())).unwrap().build();
        let out = RewriteExistenceSubquery.apply(plan, &ctx()).unwrap().data;
        // Spark's null-aware existence join: a row equal to b, or a NULL b or value
        // (when the subquery has rows), makes NOT IN false.
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [t.a, t.b, t.c]
        +- Filter ((a > 1) OR (NOT CASE WHEN (__sq0_m IS NOT NULL) THEN true WHEN (__sq1_m IS NULL) THEN false ELSE ((b IS NULL) OR (__sq2_m IS NOT NULL)) END))
           +- Join LeftOuter
              :- Join LeftOuter
              :  :- Join LeftOuter, (b = __sq0_v)
              :  :  :- Relation t[a,b,c] test
              :  :  +- Aggregate [__sq0_v, __sq0_m], []
              :  :     +- Project [u.x AS __sq0_v, true AS __sq0_m]
              :  :        +- Project [x]
              :  :           +- Relation u[x,y,z] test
              :  +- Aggregate [__sq1_m], []
              :     +- Project [__sq1_m]
              :        +- Project [true AS __sq1_m]
              :           +- Project [x]
              :              +- Relation u[x,y,z] test
              +- Aggregate [__sq2_m], []
                 +- Project [__sq2_m]
                    +- Filter (__sq2_v IS NULL)
                       +- Project [u.x AS __sq2_v, true AS __sq2_m]
                          +- Project [x]
                             +- Relation u[x,y,z] test
        ");
    }
}
