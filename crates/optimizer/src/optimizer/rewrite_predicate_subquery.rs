//! `RewritePredicateSubquery`: `EXISTS`, `NOT EXISTS`, `IN` and `NOT IN` subqueries
//! that are conjuncts of a filter become left semi / left anti joins, their correlated
//! predicates the join condition (Spark's rule of the same name).
//!
//! ```text
//! before:  Filter exists(o_orderkey)              after:  Join LeftSemi, (o_orderkey = __sq0_0)
//!          +- Relation orders                             :- Relation orders
//!          subquery: Filter (l_orderkey = outer(o_orderkey))  +- Project [l_orderkey AS __sq0_0]
//!                    +- Relation lineitem                        +- Relation lineitem
//! ```
//!
//! `x NOT IN (subquery)` is NULL-aware, as in Spark: a row is dropped when some
//! subquery value `y` makes `x = y` true *or unknown*, so the anti-join condition is
//! `(x = y) OR ((x = y) IS NULL)`; when neither side can be NULL it is just `x = y`.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::{split_conjunction_owned, Exists, InSubquery};
use ember_plan::{conjunction, Expr, Filter, Join, JoinType, Limit, LogicalPlan, Operator};

use super::decorrelate::decorrelate;
use crate::rule::{Rule, RuleContext};

pub struct RewritePredicateSubquery;

impl Rule for RewritePredicateSubquery {
    fn name(&self) -> &'static str {
        "rewrite_predicate_subquery"
    }

    fn apply(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| {
            let LogicalPlan::Filter(f) = node else { return Ok(Transformed::no(node)) };
            if !f.predicate.exists(|e| matches!(e, Expr::Exists(_) | Expr::InSubquery(_))) {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            let mut input = f.input.as_ref().clone();
            let mut rest = Vec::new();
            for conjunct in split_conjunction_owned(push_not(f.predicate.clone())) {
                match normalize(conjunct) {
                    Expr::Exists(Exists { subquery, negated }) => {
                        let d = decorrelate(&subquery.plan, input.schema(), false, false, ctx)?;
                        // Uncorrelated: one row of the subquery decides for every row.
                        let right = if d.condition.is_none() {
                            LogicalPlan::Limit(Limit { skip: 0, fetch: Some(1), input: Arc::new(d.plan) })
                        } else {
                            d.plan
                        };
                        let join_type = if negated { JoinType::LeftAnti } else { JoinType::LeftSemi };
                        input = LogicalPlan::Join(Join::try_new(Arc::new(input), Arc::new(right), join_type, d.condition)?);
                    }
                    Expr::InSubquery(InSubquery { expr, subquery, negated }) => {
                        let d = decorrelate(&subquery.plan, input.schema(), true, false, ctx)?;
                        let value = d.value.ok_or_else(|| ember_common::Error::internal("IN subquery without a value"))?;
                        let eq = expr.as_ref().clone().eq(value.clone());
                        let matches = if negated {
                            let nullable = expr.nullable(input.schema())? || value.nullable(d.plan.schema())?;
                            if nullable {
                                eq.clone().or(eq.is_null())
                            } else {
                                eq
                            }
                        } else {
                            eq
                        };
                        let cond = conjunction(std::iter::once(matches).chain(d.condition));
                        let join_type = if negated { JoinType::LeftAnti } else { JoinType::LeftSemi };
                        input = LogicalPlan::Join(Join::try_new(Arc::new(input), Arc::new(d.plan), join_type, cond)?);
                    }
                    other => rest.push(other),
                }
            }
            // IN / EXISTS elsewhere in the predicate are left to rewrite_existence_subquery.
            let out = match conjunction(rest) {
                Some(p) => LogicalPlan::Filter(Filter::try_new(p, Arc::new(input))?),
                None => input,
            };
            Ok(Transformed::yes(out))
        })
    }
}

/// Pushes NOT through AND, OR and NOT, as Spark's `BooleanSimplification` does before
/// its subquery rewrite: `NOT (x IN (…) OR p)` is `x NOT IN (…) AND NOT p`, whose
/// NOT IN conjunct becomes a null-aware anti join.
fn push_not(e: Expr) -> Expr {
    match e {
        Expr::Not(inner) => match *inner {
            Expr::BinaryExpr(b) if b.op == Operator::Or => push_not(b.left.not()).and(push_not(b.right.not())),
            Expr::BinaryExpr(b) if b.op == Operator::And => push_not(b.left.not()).or(push_not(b.right.not())),
            Expr::Not(x) => push_not(*x),
            other => other.not(),
        },
        Expr::BinaryExpr(b) if matches!(b.op, Operator::And | Operator::Or) => Expr::binary(push_not(*b.left), b.op, push_not(*b.right)),
        other => other,
    }
}

/// `NOT (EXISTS …)` → `NOT EXISTS …`, `NOT (x IN (…))` → `x NOT IN (…)`.
fn normalize(e: Expr) -> Expr {
    match e {
        Expr::Not(inner) => match *inner {
            Expr::Exists(x) => Expr::Exists(Exists { negated: !x.negated, ..x }),
            Expr::InSubquery(i) => Expr::InSubquery(InSubquery { negated: !i.negated, ..i }),
            other => Expr::Not(Box::new(other)),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::expr::{OuterReference, Subquery};
    use ember_plan::{col, lit, Column, LogicalPlanBuilder};

    fn outer(name: &str, relation: &str, t: arrow::datatypes::DataType, nullable: bool) -> Expr {
        Expr::OuterReference(OuterReference { column: Column::new(Some(relation), name), data_type: t, nullable })
    }

    #[test]
    fn correlated_exists_becomes_semi_join() {
        let sub = LogicalPlanBuilder::from(scan_u())
            .filter(col("x").eq(outer("a", "t", arrow::datatypes::DataType::Int32, false)).and(col("y").gt(lit(1i64))))
            .unwrap()
            .build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(Expr::Exists(Exists { subquery: Subquery { plan: Arc::new(sub) }, negated: false }))
            .unwrap()
            .build();
        let out = RewritePredicateSubquery.apply(plan, &ctx()).unwrap();
        assert!(out.transformed);
        insta::assert_snapshot!(out.data.display_indent(), @r"
        Join LeftSemi, (__sq0_0 = t.a)
        :- Relation t[a,b,c] test
        +- Project [x AS __sq0_0]
           +- Filter (y > 1)
              +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn not_in_is_null_aware_and_uncorrelated_exists_reads_one_row() {
        let sub = LogicalPlanBuilder::from(scan_u()).project(vec![col("x")]).unwrap().build();
        let exists_sub = LogicalPlanBuilder::from(scan_u()).build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(
                Expr::InSubquery(InSubquery { expr: Box::new(col("b")), subquery: Subquery { plan: Arc::new(sub) }, negated: true })
                    .and(Expr::Exists(Exists { subquery: Subquery { plan: Arc::new(exists_sub) }, negated: true }).not())
                    .and(col("a").gt(lit(0))),
            )
            .unwrap()
            .build();
        let out = RewritePredicateSubquery.apply(plan, &ctx()).unwrap().data;
        insta::assert_snapshot!(out.display_indent(), @r"
        Filter (a > 0)
        +- Join LeftSemi
           :- Join LeftAnti, ((b = __sq0_v) OR ((b = __sq0_v) IS NULL))
           :  :- Relation t[a,b,c] test
           :  +- Project [u.x AS __sq0_v]
           :     +- Project [x]
           :        +- Relation u[x,y,z] test
           +- Limit 1
              +- Project [true AS __sq0_m]
                 +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn exists_inside_or_is_left_for_the_existence_rule() {
        let sub = LogicalPlanBuilder::from(scan_u()).build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(col("a").gt(lit(0)).or(Expr::Exists(Exists { subquery: Subquery { plan: Arc::new(sub) }, negated: false })))
            .unwrap()
            .build();
        let out = RewritePredicateSubquery.apply(plan.clone(), &ctx()).unwrap();
        assert_eq!(out.data, plan);
    }
}
