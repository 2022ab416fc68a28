//! `EliminateOuterJoin`: a filter above an outer join that rejects the rows the join
//! pads with NULLs turns the join into a stricter one.
//!
//! ```text
//! before:  Filter (x > 1)                 after:  Filter (x > 1)
//!          +- Join LeftOuter, (a = x)             +- Join Inner, (a = x)
//! ```
//!
//! A conjunct is null-rejecting for a side when it is NULL or false whenever all of
//! that side's columns are NULL: comparisons and arithmetic over such a column,
//! `IS NOT NULL`, `NOT`, `AND` with one rejecting operand, `OR` with two. Then
//! LeftOuter → Inner (rejects right), RightOuter → Inner (rejects left), FullOuter →
//! Inner (both), LeftOuter (rejects left) or RightOuter (rejects right).

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{split_conjunction, Expr, Filter, Join, JoinType, LogicalPlan, Operator, PlanSchema, ScalarValue};

use crate::rule::{Rule, RuleContext};

pub struct EliminateOuterJoin;

impl Rule for EliminateOuterJoin {
    fn name(&self) -> &'static str {
        "eliminate_outer_join"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| {
            let LogicalPlan::Filter(f) = node else { return Ok(Transformed::no(node)) };
            let LogicalPlan::Join(j) = f.input.as_ref() else { return Ok(Transformed::no(LogicalPlan::Filter(f))) };
            let outer = matches!(j.join_type, JoinType::LeftOuter | JoinType::RightOuter | JoinType::FullOuter);
            if !outer {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            let nl = j.left.schema().len();
            let conjuncts = split_conjunction(&f.predicate);
            let rejects = |left_side: bool| {
                let side = |idx: usize| (idx < nl) == left_side;
                conjuncts.iter().any(|c| rejects_nulls(c, &j.schema, &side))
            };
            let (rejects_left, rejects_right) = (rejects(true), rejects(false));
            let new_type = match j.join_type {
                JoinType::LeftOuter if rejects_right => JoinType::Inner,
                JoinType::RightOuter if rejects_left => JoinType::Inner,
                JoinType::FullOuter if rejects_left && rejects_right => JoinType::Inner,
                JoinType::FullOuter if rejects_left => JoinType::LeftOuter,
                JoinType::FullOuter if rejects_right => JoinType::RightOuter,
                _ => return Ok(Transformed::no(LogicalPlan::Filter(f))),
            };
            let join = Join::try_new(j.left.clone(), j.right.clone(), new_type, j.condition.clone())?;
            let filter = Filter::try_new(f.predicate.clone(), Arc::new(LogicalPlan::Join(join)))?;
            Ok(Transformed::yes(LogicalPlan::Filter(filter)))
        })
    }
}

/// True if `e` is NULL or false whenever every column on the side is NULL.
fn rejects_nulls(e: &Expr, schema: &PlanSchema, side: &dyn Fn(usize) -> bool) -> bool {
    match e {
        Expr::BinaryExpr(b) if b.op == Operator::And => {
            rejects_nulls(&b.left, schema, side) || rejects_nulls(&b.right, schema, side)
        }
        Expr::BinaryExpr(b) if b.op == Operator::Or => {
            rejects_nulls(&b.left, schema, side) && rejects_nulls(&b.right, schema, side)
        }
        Expr::IsNotNull(x) => null_when_side_null(x, schema, side),
        Expr::Not(x) => match x.as_ref() {
            Expr::IsNull(y) => null_when_side_null(y, schema, side),
            other => null_when_side_null(other, schema, side),
        },
        Expr::Literal(ScalarValue::Boolean(Some(false))) => true,
        other => null_when_side_null(other, schema, side),
    }
}

/// True if `e` is certainly NULL whenever every column on the side is NULL.
fn null_when_side_null(e: &Expr, schema: &PlanSchema, side: &dyn Fn(usize) -> bool) -> bool {
    let recurse = |x: &Expr| null_when_side_null(x, schema, side);
    match e {
        Expr::Column(c) => schema.index_of(c).is_ok_and(side),
        Expr::Literal(v) => v.is_null(),
        Expr::Alias(a) => recurse(&a.expr),
        // NULL-intolerant operators: NULL in, NULL out (AND/OR and <=> are not).
        Expr::BinaryExpr(b) if !b.op.is_logical() && b.op != Operator::NullSafeEq => recurse(&b.left) || recurse(&b.right),
        Expr::Not(x) | Expr::Negative(x) => recurse(x),
        Expr::Cast(c) => recurse(&c.expr),
        Expr::Like(l) => recurse(&l.expr) || recurse(&l.pattern),
        Expr::InList(i) => recurse(&i.expr),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    fn joined(jt: JoinType, predicate: Expr) -> String {
        let plan = LogicalPlanBuilder::from(scan_t())
            .join(scan_u(), jt, Some(col("a").eq(col("x"))))
            .unwrap()
            .filter(predicate)
            .unwrap()
            .build();
        run(EliminateOuterJoin, plan)
    }

    #[test]
    fn left_outer_becomes_inner() {
        insta::assert_snapshot!(joined(JoinType::LeftOuter, col("y").gt(lit(1i64)).and(col("b").is_null())), @r"
        Filter ((y > 1) AND (b IS NULL))
        +- Join Inner, (a = x)
           :- Relation t[a,b,c] test
           +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn tolerant_predicates_keep_the_outer_join() {
        insta::assert_snapshot!(joined(JoinType::LeftOuter, col("y").is_null().or(col("x").gt(lit(1)))), @r"
        Filter ((y IS NULL) OR (x > 1))
        +- Join LeftOuter, (a = x)
           :- Relation t[a,b,c] test
           +- Relation u[x,y,z] test
        ");
        // a left-side predicate does not help a left outer join
        insta::assert_snapshot!(joined(JoinType::LeftOuter, col("b").gt(lit(1))), @r"
        Filter (b > 1)
        +- Join LeftOuter, (a = x)
           :- Relation t[a,b,c] test
           +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn full_outer_becomes_one_sided() {
        insta::assert_snapshot!(joined(JoinType::FullOuter, col("b").is_not_null()), @r"
        Filter (b IS NOT NULL)
        +- Join LeftOuter, (a = x)
           :- Relation t[a,b,c] test
           +- Relation u[x,y,z] test
        ");
        insta::assert_snapshot!(joined(JoinType::FullOuter, col("b").lt(col("x"))), @r"
        Filter (b < x)
        +- Join Inner, (a = x)
           :- Relation t[a,b,c] test
           +- Relation u[x,y,z] test
        ");
        insta::assert_snapshot!(joined(JoinType::RightOuter, col("z").eq(lit("q")).or(col("c").eq(lit("q")))), @r"
        Filter ((z = q) OR (c = q))
        +- Join RightOuter, (a = x)
           :- Relation t[a,b,c] test
           +- Relation u[x,y,z] test
        ");
    }
}
