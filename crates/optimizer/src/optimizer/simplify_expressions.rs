//! `SimplifyExpressions`: boolean and cast simplifications that need no evaluation.
//!
//! ```text
//! true AND x        → x              false AND x       → false
//! x OR true         → true           x OR false        → x
//! NOT NOT x         → x              NOT (a < b)       → (a >= b)
//! NOT (x IS NULL)   → x IS NOT NULL  CAST(x AS int)    → x        (x already int)
//! y IS NULL         → false          y IS NOT NULL     → true     (y not nullable)
//! CASE WHEN false THEN 1 WHEN true THEN 2 ELSE 3 END   → 2
//! ```
//!
//! `x = x` is not folded: it is NULL when `x` is. `NOT (a < b)` ⇔ `a >= b` holds in
//! three-valued logic and under Spark's total order of doubles (NaN is largest), so
//! the negation of every comparison but `<=>` is safe. A rewrite never changes the
//! expression's type (a cast is added where it would).

use arrow::datatypes::DataType;
use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::{BinaryExpr, Case};
use ember_plan::{lit, Expr, LogicalPlan, Operator, PlanSchema, ScalarValue};

use crate::rule::{Rule, RuleContext};
use crate::utils::rewrite_plan_exprs;

pub struct SimplifyExpressions;

impl Rule for SimplifyExpressions {
    fn name(&self) -> &'static str {
        "simplify_expressions"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        rewrite_plan_exprs(plan, &|e, schema| simplify(e, schema))
    }
}

/// Simplifies `expr`, typed against `schema`.
pub fn simplify(expr: Expr, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    expr.transform_up(|e| simplify_node(e, schema))
}

/// `Some(value)` for a boolean (or untyped NULL) literal.
fn bool_literal(e: &Expr) -> Option<Option<bool>> {
    match e {
        Expr::Literal(ScalarValue::Boolean(v)) => Some(*v),
        Expr::Literal(ScalarValue::Null) => Some(None),
        _ => None,
    }
}

/// `e`, cast to `t` if it has another type.
fn with_type(e: Expr, t: &DataType, schema: &PlanSchema) -> Result<Expr> {
    Ok(if &e.data_type(schema)? == t { e } else { e.cast_to(t.clone()) })
}

fn simplify_node(e: Expr, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    Ok(match e {
        Expr::BinaryExpr(b) if b.op == Operator::And || b.op == Operator::Or => {
            let is_and = b.op == Operator::And;
            let (l, r) = (bool_literal(&b.left), bool_literal(&b.right));
            // The absorbing value (false for AND, true for OR) wins; the neutral one goes.
            if l == Some(Some(!is_and)) || r == Some(Some(!is_and)) {
                Transformed::yes(lit(!is_and))
            } else if l == Some(Some(is_and)) {
                Transformed::yes(with_type(*b.right, &DataType::Boolean, schema)?)
            } else if r == Some(Some(is_and)) {
                Transformed::yes(with_type(*b.left, &DataType::Boolean, schema)?)
            } else {
                Transformed::no(Expr::BinaryExpr(b))
            }
        }
        Expr::Not(inner) => match *inner {
            Expr::Not(x) => Transformed::yes(with_type(*x, &DataType::Boolean, schema)?),
            Expr::Literal(ScalarValue::Boolean(Some(v))) => Transformed::yes(lit(!v)),
            Expr::IsNull(x) => Transformed::yes(Expr::IsNotNull(x)),
            Expr::IsNotNull(x) => Transformed::yes(Expr::IsNull(x)),
            Expr::BinaryExpr(b) if b.op.negate().is_some() => {
                let op = b.op.negate().unwrap_or(b.op);
                Transformed::yes(Expr::BinaryExpr(BinaryExpr { left: b.left, op, right: b.right }))
            }
            other => Transformed::no(Expr::Not(Box::new(other))),
        },
        // a cast to the operand's own type (interval fields included) does nothing
        Expr::Cast(c) if c.expr.data_type(schema)? == c.data_type && c.expr.interval_type(schema)? == c.target_interval_type() => {
            Transformed::yes(*c.expr)
        }
        Expr::IsNull(x) if !x.nullable(schema)? => Transformed::yes(lit(false)),
        Expr::IsNotNull(x) if !x.nullable(schema)? => Transformed::yes(lit(true)),
        Expr::Case(c) if c.operand.is_none() => simplify_case(c, schema)?,
        other => Transformed::no(other),
    })
}

/// Drops `WHEN false`/`WHEN NULL` branches; a leading `WHEN true` is the result.
fn simplify_case(c: Case, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    let literal_conditions = c.when_then.iter().any(|(w, _)| bool_literal(w).is_some());
    if !literal_conditions {
        return Ok(Transformed::no(Expr::Case(c)));
    }
    let t = Expr::Case(c.clone()).data_type(schema)?;
    let mut when_then = Vec::new();
    let mut else_expr = c.else_expr;
    for (w, then) in c.when_then {
        match bool_literal(&w) {
            Some(Some(false)) | Some(None) => continue,
            Some(Some(true)) => {
                // Later branches can never be reached.
                else_expr = Some(Box::new(then));
                break;
            }
            _ => when_then.push((w, then)),
        }
    }
    if when_then.is_empty() {
        let out = match else_expr {
            Some(e) => with_type(*e, &t, schema)?,
            None => Expr::Literal(ScalarValue::null_of(&t)?),
        };
        return Ok(Transformed::yes(out));
    }
    Ok(Transformed::yes(Expr::Case(Case { operand: None, when_then, else_expr })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, LogicalPlanBuilder};

    fn simplified(e: Expr) -> String {
        let plan = scan_t();
        simplify(e, plan.schema()).unwrap().data.to_string()
    }

    #[test]
    fn boolean_identities() {
        let p = || col("b").gt(lit(1));
        assert_eq!(simplified(lit(true).and(p())), "(b > 1)");
        assert_eq!(simplified(p().and(lit(false))), "false");
        assert_eq!(simplified(p().or(lit(true))), "true");
        assert_eq!(simplified(lit(false).or(p())), "(b > 1)");
        assert_eq!(simplified(p().not().not()), "(b > 1)");
        assert_eq!(simplified(p().not()), "(b <= 1)");
        assert_eq!(simplified(col("b").is_null().not()), "(b IS NOT NULL)");
        assert_eq!(simplified(col("b").eq(col("b"))), "(b = b)");
        assert_eq!(simplified(lit(ScalarValue::Null).and(p())), "(NULL AND (b > 1))");
    }

    #[test]
    fn casts_nullability_and_case() {
        assert_eq!(simplified(col("a").cast_to(DataType::Int32)), "a");
        assert_eq!(simplified(col("a").cast_to(DataType::Int64)), "CAST(a AS BIGINT)");
        assert_eq!(simplified(col("a").is_null()), "false");
        assert_eq!(simplified(col("b").is_null()), "(b IS NULL)");
        let case = Expr::Case(Case {
            operand: None,
            when_then: vec![(lit(false), lit(1)), (col("b").gt(lit(0)), lit(2)), (lit(true), lit(3)), (p0(), lit(4))],
            else_expr: Some(Box::new(lit(5))),
        });
        assert_eq!(simplified(case), "CASE WHEN (b > 0) THEN 2 ELSE 3 END");
        let case = Expr::Case(Case { operand: None, when_then: vec![(lit(ScalarValue::Null), lit(1))], else_expr: None });
        assert_eq!(simplified(case), "NULL");
    }

    fn p0() -> Expr {
        col("a").lt(lit(0))
    }

    #[test]
    fn simplifies_a_plan_keeping_names() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(lit(true).and(col("a").is_not_null().not().not()))
            .unwrap()
            .project(vec![col("a").is_null()])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(SimplifyExpressions, plan), @r"
        Project [false AS (a IS NULL)]
        +- Filter true
           +- Relation t[a,b,c] test
        ");
    }
}
