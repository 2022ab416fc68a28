//! `ReplaceIntersectWithSemiJoin` (Spark's rule of that name, plus its
//! `RewriteIntersectAll`): `INTERSECT` becomes a left semi join on null-safe equality
//! of every column, then a `Distinct`:
//!
//! ```text
//! before:  Intersect false           after:  Distinct
//!          :- left                           +- Join LeftSemi, (a <=> __set_right_0)
//!          +- right                             :- left
//!                                               +- Project [a AS __set_right_0]
//!                                                  +- right
//! ```
//!
//! The right side's columns are renamed so the condition can name both sides; the left
//! side keeps its names and qualifiers, which the plan above may use.
//!
//! `INTERSECT ALL` numbers the copies of each row on both sides (`row_number()` per
//! distinct row) and semi-joins on the row and its number, so a row present `m` times
//! on the left and `n` times on the right is kept `min(m, n)` times. The same shape
//! with an anti join is `EXCEPT [ALL]` (see `replace_except_with_anti_join`). Sides
//! whose column types differ from the result's are cast first (as in UNION). A
//! null-safe key over a non-nullable or castable type is written as equalities the
//! hash join can use (`coalesce(x, 0) = coalesce(y, 0) AND isnull(x) = isnull(y)`).

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::{Error, Result, Transformed, TreeNode};
use ember_plan::expr::Case;
use ember_plan::subquery_plans::{contains_subquery, map_subquery_plans};
use ember_plan::{
    conjunction, BuiltinWindowFunction, Distinct, Expr, JoinType, LogicalPlan, LogicalPlanBuilder, Operator, PlanSchema, ScalarValue, SetOpKind, SetOperation,
    SortExpr, WindowFunction, WindowFunctionKind, WindowSpec,
};

use crate::analyzer::coerce_expr::{cast_to_field_if_needed, needs_field_cast};
use crate::rule::{Rule, RuleContext};
use crate::utils::column_at;

/// Prefix of the right side's column names in the rewritten plan.
const RIGHT: &str = "__set_right_";
/// The copy number column of the ALL variants.
const ROW_NUMBER: &str = "__set_row_number";

pub struct ReplaceIntersectWithSemiJoin;

impl Rule for ReplaceIntersectWithSemiJoin {
    fn name(&self) -> &'static str {
        "replace_intersect_with_semi_join"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        rewrite_all(plan, SetOpKind::Intersect, JoinType::LeftSemi)
    }
}

/// Rewrites every `kind` set operation in `plan` and in the plans of its subqueries.
pub(crate) fn rewrite_all(plan: LogicalPlan, kind: SetOpKind, join_type: JoinType) -> Result<Transformed<LogicalPlan>> {
    let t = plan.transform_up(|node| match node {
        LogicalPlan::SetOperation(s) if s.kind == kind => Ok(Transformed::yes(rewrite_set_operation(&s, join_type)?)),
        other => Ok(Transformed::no(other)),
    })?;
    if !contains_subquery(&t.data) {
        return Ok(t);
    }
    let changed = t.transformed;
    let mut inner = |p: LogicalPlan| rewrite_all(p, kind, join_type).map(|x| x.data);
    let out = map_subquery_plans(t.data, &mut inner)?;
    Ok(Transformed { data: out.data, transformed: changed || out.transformed })
}

/// The join form of `s` (see the module docs) with `join_type` semi or anti.
pub(crate) fn rewrite_set_operation(s: &SetOperation, join_type: JoinType) -> Result<LogicalPlan> {
    let width = s.schema.len();
    let left = prepare_side(&s.left, &s.schema, s.all, false)?;
    let right = prepare_side(&s.right, &s.schema, s.all, true)?;
    let (ls, rs) = (left.schema().clone(), right.schema().clone());
    let mut conds = Vec::with_capacity(width + 1);
    for i in 0..ls.len() {
        let (l, r) = (Expr::Column(ls.field(i).column()), Expr::Column(rs.field(i).column()));
        let nullable = ls.field(i).is_nullable() || rs.field(i).is_nullable();
        conds.push(null_safe_eq(l, r, ls.field(i).data_type(), nullable));
    }
    let joined = LogicalPlanBuilder::from(left).join(right, join_type, conjunction(conds))?;
    if s.all {
        let cols = (0..width).map(|i| Expr::Column(ls.field(i).column())).collect();
        return Ok(joined.project(cols)?.build());
    }
    Ok(LogicalPlan::Distinct(Distinct { input: Arc::new(joined.build()) }))
}

/// A side cast to the result types, with the copy numbers for ALL; the right side's
/// columns renamed `__set_right_<i>`.
fn prepare_side(side: &Arc<LogicalPlan>, target: &PlanSchema, all: bool, is_right: bool) -> Result<LogicalPlan> {
    let schema = side.schema().clone();
    let mut cols = Vec::with_capacity(schema.len());
    for i in 0..schema.len() {
        let c = column_at(&schema, i)
            .ok_or_else(|| Error::unsupported(format!("INTERSECT or EXCEPT over inputs with two columns named `{}`", schema.field(i).name())))?;
        cols.push(c);
    }
    let mut plan = LogicalPlanBuilder::from_arc(side.clone());
    // (interval fields included: `interval hour` meeting `interval minute` is cast)
    let needs_cast = schema.fields().iter().zip(target.fields()).any(|(f, t)| needs_field_cast(&f.field, &t.field));
    if needs_cast || is_right {
        let exprs = cols
            .iter()
            .zip(schema.fields().iter().zip(target.fields()))
            .enumerate()
            .map(|(i, (c, (f, t)))| {
                let name = if is_right { format!("{RIGHT}{i}") } else { t.name().to_string() };
                match (cast_to_field_if_needed(c.clone(), &f.field, &t.field), is_right) {
                    ((e, false), false) => e,
                    ((e, _), _) => e.alias(name),
                }
            })
            .collect();
        plan = plan.project(exprs)?;
        // The left side keeps its qualifier where all its columns had the same one.
        let qualifier = schema.fields().first().and_then(|f| f.qualifier.clone());
        if let (false, Some(q)) = (is_right, qualifier) {
            if schema.fields().iter().all(|f| f.qualifier.as_deref() == Some(&*q)) {
                plan = plan.alias(&q)?;
            }
        }
        let s = plan.schema().clone();
        cols = (0..s.len()).map(|i| Expr::Column(s.field(i).column())).collect();
    }
    if all {
        let spec = WindowSpec {
            partition_by: cols,
            order_by: vec![SortExpr { expr: Expr::Literal(ScalarValue::Int32(Some(0))), asc: true, nulls_first: true }],
            frame: None,
        };
        let rn = WindowFunction::try_new(WindowFunctionKind::Builtin(BuiltinWindowFunction::RowNumber), vec![], spec, false)?;
        let window = ember_plan::Window::try_new(vec![Expr::WindowFunction(rn).alias(ROW_NUMBER)], plan.plan().clone())?;
        plan = LogicalPlanBuilder::from(LogicalPlan::Window(window));
        if is_right {
            let s = plan.schema().clone();
            let mut exprs: Vec<Expr> = (0..s.len() - 1).map(|i| Expr::Column(s.field(i).column())).collect();
            exprs.push(Expr::Column(s.field(s.len() - 1).column()).alias(format!("{RIGHT}{ROW_NUMBER}")));
            plan = plan.project(exprs)?;
        }
    }
    Ok(plan.build())
}

/// `l <=> r`, as plain equalities where the type has a zero value to stand for NULL.
fn null_safe_eq(l: Expr, r: Expr, t: &DataType, nullable: bool) -> Expr {
    if !nullable {
        return l.eq(r);
    }
    let zero = match t {
        DataType::Boolean => Some(ScalarValue::Boolean(Some(false))),
        t if t.is_numeric() || matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => ScalarValue::Int32(Some(0)).cast_to(t).ok(),
        _ => None,
    };
    let Some(zero) = zero else {
        return Expr::binary(l, Operator::NullSafeEq, r);
    };
    let fill = |e: Expr| Expr::Case(Case { operand: None, when_then: vec![(e.clone().is_null(), Expr::Literal(zero.clone()))], else_expr: Some(Box::new(e)) });
    fill(l.clone()).eq(fill(r.clone())).and(l.is_null().eq(r.is_null()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::col;

    fn intersect(all: bool) -> LogicalPlan {
        let l = LogicalPlanBuilder::from(scan_t()).project(vec![col("a"), col("c")]).unwrap().build();
        let r = LogicalPlanBuilder::from(scan_u()).project(vec![col("y"), col("z")]).unwrap().build();
        LogicalPlan::SetOperation(SetOperation::try_new(SetOpKind::Intersect, all, Arc::new(l), Arc::new(r)).unwrap())
    }

    #[test]
    fn intersect_becomes_distinct_semi_join() {
        insta::assert_snapshot!(run(ReplaceIntersectWithSemiJoin, intersect(false)), @r"
            Distinct
            +- Join LeftSemi, (((CASE WHEN (t.a IS NULL) THEN 0 ELSE t.a END = CASE WHEN (__set_right_0 IS NULL) THEN 0 ELSE __set_right_0 END) AND ((t.a IS NULL) = (__set_right_0 IS NULL))) AND ((CASE WHEN (t.c IS NULL) THEN 0 ELSE t.c END = CASE WHEN (__set_right_1 IS NULL) THEN 0 ELSE __set_right_1 END) AND ((t.c IS NULL) = (__set_right_1 IS NULL))))
               :- SubqueryAlias t
               :  +- Project [CAST(t.a AS BIGINT) AS a, t.c]
               :     +- Project [a, c]
               :        +- Relation t[a,b,c] test
               +- Project [u.y AS __set_right_0, u.z AS __set_right_1]
                  +- Project [y, z]
                     +- Relation u[x,y,z] test
            ");
    }

    #[test]
    fn intersect_all_joins_on_copy_numbers() {
        insta::assert_snapshot!(run(ReplaceIntersectWithSemiJoin, intersect(true)), @r"
            Project [t.a, t.c]
            +- Join LeftSemi, ((((CASE WHEN (t.a IS NULL) THEN 0 ELSE t.a END = CASE WHEN (__set_right_0 IS NULL) THEN 0 ELSE __set_right_0 END) AND ((t.a IS NULL) = (__set_right_0 IS NULL))) AND ((CASE WHEN (t.c IS NULL) THEN 0 ELSE t.c END = CASE WHEN (__set_right_1 IS NULL) THEN 0 ELSE __set_right_1 END) AND ((t.c IS NULL) = (__set_right_1 IS NULL)))) AND (__set_row_number = __set_right___set_row_number))
               :- Window [row_number() OVER (PARTITION BY t.a, t.c ORDER BY 0 ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __set_row_number], [t.a, t.c], [0 ASC NULLS FIRST]
               :  +- SubqueryAlias t
               :     +- Project [CAST(t.a AS BIGINT) AS a, t.c]
               :        +- Project [a, c]
               :           +- Relation t[a,b,c] test
               +- Project [__set_right_0, __set_right_1, __set_row_number AS __set_right___set_row_number]
                  +- Window [row_number() OVER (PARTITION BY __set_right_0, __set_right_1 ORDER BY 0 ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __set_row_number], [__set_right_0, __set_right_1], [0 ASC NULLS FIRST]
                     +- Project [u.y AS __set_right_0, u.z AS __set_right_1]
                        +- Project [y, z]
                           +- Relation u[x,y,z] test
            ");
    }
}
