//! `RewriteCorrelatedScalarSubquery`: a correlated scalar subquery in a filter or a
//! projection becomes a left outer join with the subquery grouped by its correlation
//! columns, and the subquery expression a column of that join (Spark's rule of the
//! same name).
//!
//! ```text
//! before:  Filter (l_quantity < scalarsubquery(p_partkey))
//!          +- …part ⋈ lineitem…
//!          subquery: Project [(0.2 * avg(l_quantity))]
//!                    +- Aggregate [], [avg(l_quantity)]
//!                       +- Filter (l_partkey = outer(p_partkey))
//!                          +- Relation lineitem
//! after:   Project [<the filter's input columns>]
//!          +- Filter (l_quantity < __sq0_v)
//!             +- Join LeftOuter, (p_partkey = __sq0_0)
//!                :- …part ⋈ lineitem…
//!                +- Project [(0.2 * avg(l_quantity)) AS __sq0_v, l_partkey AS __sq0_0]
//!                   +- Aggregate [l_partkey], [avg(l_quantity)]
//!                      +- Relation lineitem
//! ```
//!
//! The "count bug": an aggregate that is not NULL on empty input (`count(*)` is 0)
//! must give that value for outer rows without a match, not the outer join's NULL;
//! such subqueries get a marker column and a `CASE WHEN marker IS NULL THEN 0 …`.
//! A subquery that is not a global aggregate (no aggregate, or a GROUP BY, which
//! may return several rows) becomes a single join instead (Spark 4's
//! `LeftSingle`): an outer join that fails with SCALAR_SUBQUERY_TOO_MANY_ROWS when an
//! outer row meets a second subquery row.
//! Uncorrelated scalar subqueries stay: the engine runs them before the query.

use std::sync::Arc;

use ember_common::{Error, Result, Transformed, TreeNode};
use ember_plan::expr::{Case, Subquery};
use ember_plan::{Column, Expr, Join, JoinType, LogicalPlan, Projection, ScalarValue};

use super::decorrelate::{decorrelate, unsupported_correlation};
use crate::rule::{Rule, RuleContext};

pub struct RewriteCorrelatedScalarSubquery;

impl Rule for RewriteCorrelatedScalarSubquery {
    fn name(&self) -> &'static str {
        "rewrite_scalar_subquery"
    }

    fn apply(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| {
            let subqueries = correlated_scalar_subqueries(&node);
            if subqueries.is_empty() {
                return Ok(Transformed::no(node));
            }
            let (input, keep_columns) = match &node {
                LogicalPlan::Filter(f) => (f.input.as_ref().clone(), Some(f.input.schema().columns())),
                LogicalPlan::Projection(p) => (p.input.as_ref().clone(), None),
                other => {
                    return Err(unsupported_correlation(&format!(
                        "correlated scalar subqueries are supported in SELECT, WHERE and HAVING, not in {}",
                        other.name()
                    )))
                }
            };
            let mut input = input;
            let mut replacements: Vec<(Subquery, Expr)> = Vec::new();
            for s in subqueries {
                let join_type = if is_aggregated(&s.plan) { JoinType::LeftOuter } else { JoinType::LeftSingle };
                let empty_value = empty_input_value(&s.plan, ctx);
                let d = decorrelate(&s.plan, input.schema(), true, empty_value.is_some(), ctx)?;
                let value = d.value.clone().ok_or_else(|| Error::internal("scalar subquery without a value"))?;
                let value = match (empty_value, d.marker.clone()) {
                    (Some(v), Some(m)) => Expr::Case(Case {
                        operand: None,
                        when_then: vec![(m.is_null(), Expr::Literal(v))],
                        else_expr: Some(Box::new(value)),
                    }),
                    _ => value,
                };
                input = LogicalPlan::Join(Join::try_new(Arc::new(input), Arc::new(d.plan), join_type, d.condition)?);
                replacements.push((s, value));
            }
            let exprs = node
                .expressions()
                .into_iter()
                .map(|e| {
                    e.clone()
                        .transform_up(|x| match x {
                            Expr::ScalarSubquery(s) => match replacements.iter().find(|(r, _)| *r == s) {
                                Some((_, v)) => Ok(Transformed::yes(v.clone())),
                                None => Ok(Transformed::no(Expr::ScalarSubquery(s))),
                            },
                            other => Ok(Transformed::no(other)),
                        })
                        .map(|t| t.data)
                })
                .collect::<Result<Vec<_>>>()?;
            let out = node.with_new_exprs(exprs, vec![Arc::new(input)])?;
            let out = match keep_columns {
                // The filter's input got the join's columns: project them away again.
                Some(cols) => LogicalPlan::Projection(Projection::try_new(cols.into_iter().map(Expr::Column).collect(), Arc::new(out))?),
                None => out,
            };
            Ok(Transformed::yes(out))
        })
    }
}

/// The correlated scalar subqueries of one node, each once, in order.
fn correlated_scalar_subqueries(node: &LogicalPlan) -> Vec<Subquery> {
    let mut out: Vec<Subquery> = Vec::new();
    for e in node.expressions() {
        let _ = e.apply(|x| {
            if let Expr::ScalarSubquery(s) = x {
                if s.is_correlated() && !out.contains(s) {
                    out.push(s.clone());
                }
            }
            Ok(ember_common::TreeNodeRecursion::Continue)
        });
    }
    out
}

/// Whether the subquery is a global aggregate (one row), so at most one row per
/// correlation key once decorrelated. A grouped aggregate may return several rows:
/// it takes the single join, which fails on a second one as Spark does.
fn is_aggregated(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Aggregate(a) => a.group_exprs.is_empty(),
        LogicalPlan::Projection(x) => is_aggregated(&x.input),
        LogicalPlan::SubqueryAlias(x) => is_aggregated(&x.input),
        LogicalPlan::Filter(x) => is_aggregated(&x.input),
        LogicalPlan::Sort(x) => is_aggregated(&x.input),
        _ => false,
    }
}

/// What the subquery returns over no rows, when that is not NULL (`count(*)` → 0):
/// the value of its output expression with every aggregate replaced by its result on
/// empty input. `None` when it is NULL or the shape is not `Project* → Aggregate []`.
fn empty_input_value(plan: &LogicalPlan, ctx: &RuleContext) -> Option<ScalarValue> {
    let mut exprs: Vec<Expr> = Vec::new();
    let mut p = plan;
    let agg = loop {
        match p {
            LogicalPlan::Projection(x) => {
                exprs.push(x.exprs.first()?.clone());
                p = &x.input;
            }
            LogicalPlan::SubqueryAlias(x) => p = &x.input,
            LogicalPlan::Aggregate(a) if a.group_exprs.is_empty() => break a,
            _ => return None,
        }
    };
    // Start from the aggregate's first output and apply the projections bottom-up.
    let first = agg.aggr_exprs.first()?;
    let mut value = empty_aggregate_value(first, &agg.input)?;
    let mut names: Vec<(Column, Expr)> = agg
        .aggr_exprs
        .iter()
        .zip(agg.schema.fields())
        .filter_map(|(a, f)| Some((f.column(), empty_aggregate_value(a, &agg.input)?)))
        .collect();
    for e in exprs.into_iter().rev() {
        let substituted = e
            .clone()
            .transform_up(|x| match x {
                Expr::Column(c) => match names.iter().find(|(n, _)| n.name == c.name) {
                    Some((_, v)) => Ok(Transformed::yes(v.clone())),
                    None => Ok(Transformed::no(Expr::Column(c))),
                },
                other => Ok(Transformed::no(other)),
            })
            .ok()?
            .data;
        if !substituted.column_refs().is_empty() {
            return None;
        }
        let name = Column::from_name(e.output_name());
        value = substituted.into_unaliased();
        names = vec![(name, value.clone())];
    }
    let evaluated = match &value {
        Expr::Literal(v) => v.clone(),
        other => ctx.evaluator.as_ref()?.evaluate(other).ok()?,
    };
    (!evaluated.is_null()).then_some(evaluated)
}

/// An aggregate's result on empty input as an expression: 0 for the never-NULL
/// aggregates (the `count` family), a typed NULL otherwise.
fn empty_aggregate_value(e: &Expr, input: &LogicalPlan) -> Option<Expr> {
    let Expr::AggregateFunction(f) = e.unalias() else { return None };
    let t = e.data_type(input.schema()).ok()?;
    if f.func.nullable() {
        return Some(Expr::Literal(ScalarValue::Null).cast_to(t));
    }
    Some(Expr::Literal(ScalarValue::Int64(Some(0))).cast_to(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use arrow::datatypes::DataType;
    use ember_plan::expr::OuterReference;
    use ember_plan::{col, LogicalPlanBuilder};

    fn outer_a() -> Expr {
        Expr::OuterReference(OuterReference { column: Column::new(Some("t"), "a"), data_type: DataType::Int32, nullable: false })
    }

    #[test]
    fn correlated_scalar_subquery_becomes_left_outer_join() {
        let sub = LogicalPlanBuilder::from(scan_u())
            .filter(col("x").eq(outer_a()))
            .unwrap()
            .aggregate(vec![], vec![sum(col("y"))])
            .unwrap()
            .build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(Expr::ScalarSubquery(Subquery { plan: Arc::new(sub) }).gt(col("b").cast_to(DataType::Int64)))
            .unwrap()
            .build();
        let out = RewriteCorrelatedScalarSubquery.apply(plan, &ctx()).unwrap();
        assert!(out.transformed);
        insta::assert_snapshot!(out.data.display_indent(), @r"
        Project [t.a, t.b, t.c]
        +- Filter (__sq0_v > CAST(b AS BIGINT))
           +- Join LeftOuter, (__sq0_0 = t.a)
              :- Relation t[a,b,c] test
              +- Project [sum(y) AS __sq0_v, x AS __sq0_0]
                 +- Project [sum(y), x]
                    +- Aggregate [x], [sum(y) AS sum(y)]
                       +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn count_gets_zero_for_outer_rows_without_match() {
        let sub = LogicalPlanBuilder::from(scan_u())
            .filter(col("x").eq(outer_a()))
            .unwrap()
            .aggregate(vec![], vec![count(col("y"))])
            .unwrap()
            .build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![col("a"), Expr::ScalarSubquery(Subquery { plan: Arc::new(sub) }).alias("n")])
            .unwrap()
            .build();
        let out = RewriteCorrelatedScalarSubquery.apply(plan, &ctx()).unwrap().data;
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [a, CASE WHEN (__sq0_m IS NULL) THEN 0 ELSE __sq0_v END AS n]
        +- Join LeftOuter, (__sq0_0 = t.a)
           :- Relation t[a,b,c] test
           +- Project [count(y) AS __sq0_v, x AS __sq0_0, true AS __sq0_m]
              +- Project [count(y), x]
                 +- Aggregate [x], [count(y) AS count(y)]
                    +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn grouped_correlated_subquery_is_a_single_join() {
        // GROUP BY z may give several rows per x: not a left outer join.
        let sub = LogicalPlanBuilder::from(scan_u())
            .filter(col("x").eq(outer_a()))
            .unwrap()
            .aggregate(vec![col("z")], vec![sum(col("y"))])
            .unwrap()
            .project(vec![col("sum(y)")])
            .unwrap()
            .build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![Expr::ScalarSubquery(Subquery { plan: Arc::new(sub) }).alias("s")])
            .unwrap()
            .build();
        let out = RewriteCorrelatedScalarSubquery.apply(plan, &ctx()).unwrap().data;
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [__sq0_v AS s]
        +- Join LeftSingle, (__sq0_0 = t.a)
           :- Relation t[a,b,c] test
           +- Project [sum(y) AS __sq0_v, x AS __sq0_0]
              +- Project [sum(y), x]
                 +- Project [u.z, sum(y), x]
                    +- Aggregate [z, x], [sum(y) AS sum(y)]
                       +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn unaggregated_correlated_subquery_is_a_single_join() {
        let sub = LogicalPlanBuilder::from(scan_u()).filter(col("x").eq(outer_a())).unwrap().project(vec![col("y")]).unwrap().build();
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![Expr::ScalarSubquery(Subquery { plan: Arc::new(sub) })])
            .unwrap()
            .build();
        let out = RewriteCorrelatedScalarSubquery.apply(plan, &ctx()).unwrap().data;
        insta::assert_snapshot!(out.display_indent(), @r"
        Project [__sq0_v AS scalarsubquery(a)]
        +- Join LeftSingle, (__sq0_0 = t.a)
           :- Relation t[a,b,c] test
           +- Project [u.y AS __sq0_v, x AS __sq0_0]
              +- Project [y, x]
                 +- Relation u[x,y,z] test
        ");
    }
}
