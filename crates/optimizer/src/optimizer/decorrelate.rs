//! Decorrelation, shared by the subquery rules: pulls the predicates that read outer
//! columns out of a subquery plan (as Catalyst's `PullupCorrelatedPredicates`), so the
//! subquery becomes an ordinary plan and those predicates a join condition.
//!
//! ```text
//! subquery:  Project [min(ps_supplycost)]          right side of the join:
//!            +- Aggregate [], [min(ps_supplycost)]    Project [min(..) AS __sq0_v, ps_partkey AS __sq0_0]
//!               +- Filter (outer(p_partkey) = ps_partkey) AND …   +- Aggregate [ps_partkey], [min(..)]
//!                  +- …                                              +- Filter …
//! condition: p_partkey = __sq0_0
//! ```
//!
//! Correlated predicates move up through filters, projections (which then also output
//! the inner columns the predicates read), aggregates (which then also group by those
//! columns; only equality predicates may cross an aggregate), DISTINCT, aliases, sorts
//! and inner joins. Anywhere else an outer reference is an error, as in Spark.

use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result, Transformed, TreeNode};
use ember_plan::expr::split_conjunction_owned;
use ember_plan::{
    conjunction, lit, Aggregate, Column, Expr, Filter, Join, JoinType, LogicalPlan, Operator, PlanSchema, Projection, Sort, SubqueryAlias,
};

use super::rewrite_existence_subquery::RewriteExistenceSubquery;
use super::rewrite_predicate_subquery::RewritePredicateSubquery;
use super::rewrite_scalar_subquery::RewriteCorrelatedScalarSubquery;
use crate::rule::{Rule, RuleContext};

/// A subquery turned into the right side of a join.
pub(crate) struct Decorrelated {
    /// The subquery plan with unique output names (`__sqN_v` for its value, `__sqN_i`
    /// for the inner columns the condition reads).
    pub plan: LogicalPlan,
    /// The subquery's value column (its first output), when it has one.
    pub value: Option<Expr>,
    /// A column that is TRUE in every row of `plan` (NULL after an outer join found no
    /// match), when asked for.
    pub marker: Option<Expr>,
    /// The correlated predicates over the outer input and `plan`'s columns.
    pub condition: Option<Expr>,
}

/// Decorrelates `subquery` for a join with an outer input of schema `outer`.
pub(crate) fn decorrelate(
    subquery: &LogicalPlan,
    outer: &PlanSchema,
    with_value: bool,
    with_marker: bool,
    ctx: &RuleContext,
) -> Result<Decorrelated> {
    let value_col = subquery.schema().fields().first().map(|f| f.column());
    let nested = rewrite_nested(subquery.clone(), ctx)?;
    let (plan, preds) = pull_up(&nested)?;
    if has_outer_refs(&plan) {
        return Err(outer_not_allowed(&plan));
    }
    let prefix = fresh_prefix(outer);
    let mut inner: Vec<Column> = Vec::new();
    for p in &preds {
        for c in p.column_refs() {
            if !inner.contains(&c) {
                inner.push(c);
            }
        }
    }
    let schema = plan.schema().clone();
    let mut exprs = Vec::new();
    let mut value = None;
    if with_value {
        let c = value_col.ok_or_else(|| Error::internal("subquery without output columns"))?;
        let i = schema.index_of(&c)?;
        let name = format!("{prefix}v");
        exprs.push(Expr::Column(schema.field(i).column()).alias(name.clone()));
        value = Some(Expr::Column(Column::from_name(name)));
    }
    for (i, c) in inner.iter().enumerate() {
        exprs.push(Expr::Column(c.clone()).alias(format!("{prefix}{i}")));
    }
    let mut marker = None;
    if exprs.is_empty() || with_marker {
        exprs.push(lit(true).alias(format!("{prefix}m")));
        marker = with_marker.then(|| Expr::Column(Column::from_name(format!("{prefix}m"))));
    }
    let renamed = LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(plan.clone()))?);
    let preds = preds
        .into_iter()
        .map(|p| {
            p.transform_up(|e| match e {
                Expr::Column(c) => match inner.iter().position(|x| *x == c) {
                    Some(i) => Ok(Transformed::yes(Expr::Column(Column::from_name(format!("{prefix}{i}"))))),
                    None => Ok(Transformed::no(Expr::Column(c))),
                },
                Expr::OuterReference(o) => Ok(Transformed::yes(Expr::Column(o.column))),
                other => Ok(Transformed::no(other)),
            })
            .map(|t| t.data)
        })
        .collect::<Result<Vec<_>>>()?;
    for p in &preds {
        for c in p.column_refs() {
            if !c.name.starts_with(&prefix) && !outer.has_column(&c) {
                return Err(unsupported_correlation(&format!(
                    "the subquery reads the column {} of a query that does not directly enclose it",
                    c.flat_name()
                )));
            }
        }
    }
    Ok(Decorrelated { plan: renamed, value, marker, condition: conjunction(preds) })
}

/// Rewrites the subqueries nested in a subquery's plan first (innermost first).
fn rewrite_nested(plan: LogicalPlan, ctx: &RuleContext) -> Result<LogicalPlan> {
    let plan = RewriteCorrelatedScalarSubquery.apply(plan, ctx)?.data;
    let plan = RewritePredicateSubquery.apply(plan, ctx)?.data;
    Ok(RewriteExistenceSubquery.apply(plan, ctx)?.data)
}

/// `__sq0_`, `__sq1_`, …: the first prefix no column of `schema` starts with.
fn fresh_prefix(schema: &PlanSchema) -> String {
    (0..)
        .map(|k| format!("__sq{k}_"))
        .find(|p| !schema.fields().iter().any(|f| f.name().starts_with(p.as_str())))
        .unwrap_or_else(|| "__sq_".to_string())
}

/// True if an expression of `plan` (at any depth) reads an outer column.
pub(crate) fn has_outer_refs(plan: &LogicalPlan) -> bool {
    plan.exists(|p| p.expressions().iter().any(|e| e.contains_outer_reference()))
}

/// The plan without its correlated predicates, and those predicates.
fn pull_up(plan: &LogicalPlan) -> Result<(LogicalPlan, Vec<Expr>)> {
    if !has_outer_refs(plan) {
        return Ok((plan.clone(), vec![]));
    }
    match plan {
        LogicalPlan::Filter(f) => {
            let (input, mut preds) = pull_up(&f.input)?;
            let (correlated, local): (Vec<Expr>, Vec<Expr>) =
                split_conjunction_owned(f.predicate.clone()).into_iter().partition(|e| e.contains_outer_reference());
            preds.extend(correlated);
            let out = match conjunction(local) {
                Some(p) => LogicalPlan::Filter(Filter::try_new(p, Arc::new(input))?),
                None => input,
            };
            Ok((out, preds))
        }
        LogicalPlan::Projection(p) => {
            if p.exprs.iter().any(|e| e.contains_outer_reference()) {
                return Err(outer_not_allowed(plan));
            }
            let (input, preds) = pull_up(&p.input)?;
            let mut exprs = p.exprs.clone();
            for c in inner_columns(&preds) {
                if !exprs.iter().any(|e| matches!(e, Expr::Column(x) if *x == c)) {
                    exprs.push(Expr::Column(c));
                }
            }
            Ok((LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(input))?), preds))
        }
        LogicalPlan::Aggregate(a) => {
            if a.group_exprs.iter().chain(&a.aggr_exprs).any(|e| e.contains_outer_reference()) {
                return Err(outer_not_allowed(plan));
            }
            let (input, preds) = pull_up(&a.input)?;
            if let Some(p) = preds.iter().find(|p| !is_equality(p)) {
                return Err(unsupported_correlation(&format!(
                    "the correlated predicate {p} is not an equality, so it cannot be moved above the aggregate"
                )));
            }
            let mut group = a.group_exprs.clone();
            for c in inner_columns(&preds) {
                if !group.iter().any(|e| matches!(e, Expr::Column(x) if *x == c)) {
                    group.push(Expr::Column(c));
                }
            }
            Ok((LogicalPlan::Aggregate(Aggregate::try_new(Arc::new(input), group, a.aggr_exprs.clone())?), preds))
        }
        LogicalPlan::Distinct(d) => {
            let (input, preds) = pull_up(&d.input)?;
            if let Some(p) = preds.iter().find(|p| !is_equality(p)) {
                return Err(unsupported_correlation(&format!("the correlated predicate {p} below DISTINCT is not an equality")));
            }
            Ok((LogicalPlan::Distinct(ember_plan::Distinct { input: Arc::new(input) }), preds))
        }
        LogicalPlan::SubqueryAlias(s) => {
            let (input, preds) = pull_up(&s.input)?;
            let alias: Arc<str> = Arc::from(s.alias.as_str());
            let preds = preds
                .into_iter()
                .map(|p| {
                    p.transform_up(|e| match e {
                        Expr::Column(c) => Ok(Transformed::yes(Expr::Column(Column { relation: Some(alias.clone()), name: c.name }))),
                        other => Ok(Transformed::no(other)),
                    })
                    .map(|t| t.data)
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(Arc::new(input), s.alias.clone())?), preds))
        }
        LogicalPlan::Sort(s) => {
            if s.exprs.iter().any(|e| e.expr.contains_outer_reference()) {
                return Err(outer_not_allowed(plan));
            }
            let (input, preds) = pull_up(&s.input)?;
            Ok((LogicalPlan::Sort(Sort::try_new(s.exprs.clone(), Arc::new(input), s.fetch)?), preds))
        }
        LogicalPlan::Join(j) if matches!(j.join_type, JoinType::Inner | JoinType::Cross) => {
            let (left, mut preds) = pull_up(&j.left)?;
            let (right, right_preds) = pull_up(&j.right)?;
            preds.extend(right_preds);
            let mut local = Vec::new();
            for c in j.condition.clone().map(split_conjunction_owned).unwrap_or_default() {
                if c.contains_outer_reference() {
                    preds.push(c);
                } else {
                    local.push(c);
                }
            }
            let cond = conjunction(local);
            let join_type = if cond.is_none() { JoinType::Cross } else { JoinType::Inner };
            Ok((LogicalPlan::Join(Join::try_new(Arc::new(left), Arc::new(right), join_type, cond)?), preds))
        }
        other => Err(outer_not_allowed(other)),
    }
}

/// The columns of the subquery (not outer references) that `preds` read.
fn inner_columns(preds: &[Expr]) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    for p in preds {
        for c in p.column_refs() {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

fn is_equality(e: &Expr) -> bool {
    matches!(e, Expr::BinaryExpr(b) if matches!(b.op, Operator::Eq | Operator::NullSafeEq))
}

fn outer_not_allowed(plan: &LogicalPlan) -> Error {
    Error::new(ErrorKind::Other {
        class: "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.ACCESSING_OUTER_QUERY_COLUMN_IS_NOT_ALLOWED".into(),
        sqlstate: Some("0A000".into()),
        message: format!(
            "Unsupported subquery expression: Accessing outer query column is not allowed in this location:\n{}",
            plan.display_indent().trim_end()
        ),
    })
}

pub(crate) fn unsupported_correlation(detail: &str) -> Error {
    Error::new(ErrorKind::Other {
        class: "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.UNSUPPORTED_CORRELATED_REFERENCE".into(),
        sqlstate: Some("0A000".into()),
        message: format!("Unsupported subquery expression: {detail}."),
    })
}
