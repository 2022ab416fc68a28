//! Lateral joins (`FROM t, LATERAL (SELECT … t.a …)`) decorrelated as Spark's
//! `DecorrelateInnerQuery` does with a domain join: the distinct values of the outer
//! columns the subquery reads (the domain) are joined into the subquery where it first
//! reads them, every operator above carries them along (an aggregate groups by them, a
//! LIMIT becomes a `row_number()` per domain value, a join matches them on both sides),
//! and the outer input finally joins the rewritten subquery on `outer <=> domain`.
//!
//! ```text
//! FROM t1, LATERAL (SELECT y FROM t2 WHERE x = t1.a ORDER BY y LIMIT 1)
//! Project [t1.a, t1.b, y]
//! +- Join Inner, (t1.a <=> __lateral_0)
//!    :- t1
//!    +- Filter (__lateral_rn <= 1)
//!       +- Window [row_number() OVER (PARTITION BY __lateral_0 ORDER BY y)]
//!          +- Sort [y] +- Project [y, __lateral_0] +- Filter (x = __lateral_0)
//!             +- Join Cross (t2, Distinct(Project [t1.a AS __lateral_0] t1))
//! ```
//!
//! A global aggregate gives one row per domain value even over no rows (`count(*)` is
//! 0 there), as Spark's lateral joins do.

use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result, Transformed, TreeNode};

use crate::expr::{Case, Column, Expr, OuterReference, SortExpr};
use crate::join_plan::{Join, JoinType};
use crate::logical_plan::{Aggregate, Distinct, Filter, LogicalPlan, Projection, Sort, SubqueryAlias, Union};
use crate::operator::Operator;
use crate::scalar::ScalarValue;
use crate::schema::PlanSchema;
use crate::subquery_plans::map_subquery_expr;
use crate::window::{BuiltinWindowFunction, WindowFunction, WindowFunctionKind, WindowSpec};
use crate::window_plan::Window;
use crate::{conjunction, lit};

const ROW_NUMBER: &str = "__lateral_rn";
const RIGHT_DOMAIN: &str = "__lateral_r";

/// Joins `left` with the subquery `right`, which may read `left`'s columns through
/// outer references; `condition` is the join's ON condition over both outputs.
pub fn lateral_join(left: LogicalPlan, right: LogicalPlan, join_type: JoinType, condition: Option<Expr>) -> Result<LogicalPlan> {
    let domain = domain_columns(&right, left.schema());
    if domain.is_empty() {
        return Ok(LogicalPlan::Join(Join::try_new(Arc::new(left), Arc::new(right), join_type, condition)?));
    }
    let names: Vec<String> = (0..domain.len()).map(|i| format!("__lateral_{i}")).collect();
    let domain_plan = {
        let exprs = domain.iter().zip(&names).map(|(o, n)| Expr::Column(o.column.clone()).alias(n.clone())).collect();
        let p = LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(left.clone()))?);
        LogicalPlan::Distinct(Distinct { input: Arc::new(p) })
    };
    let d = Domain { refs: domain, names, plan: domain_plan, outer: left.schema().clone() };
    let width = right.schema().len();
    let (rewritten, dependent) = d.rewrite(&right)?;
    let rewritten = if dependent { rewritten } else { d.cross(rewritten)? };
    let rewritten = match rewritten {
        p @ LogicalPlan::SubqueryAlias(_) => p,
        p => LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(Arc::new(p), "__auto_generated_subquery_name")?),
    };
    let rs = rewritten.schema().clone();
    let mut preds: Vec<Expr> = d
        .refs
        .iter()
        .zip(&d.names)
        .map(|(o, n)| Expr::binary(Expr::Column(o.column.clone()), Operator::NullSafeEq, Expr::Column(Column::from_name(n.clone()))))
        .collect();
    preds.extend(condition);
    let left_cols: Vec<Expr> = left.schema().fields().iter().map(|f| Expr::Column(f.column())).collect();
    let join = Join::try_new(Arc::new(left), Arc::new(rewritten), join_type, conjunction(preds))?;
    let mut exprs = left_cols;
    exprs.extend(rs.fields()[..width].iter().map(|f| Expr::Column(f.column())));
    Ok(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(LogicalPlan::Join(join)))?))
}

/// The outer references of `plan` (at any depth, nested subqueries included) to
/// columns of `left`, each once.
fn domain_columns(plan: &LogicalPlan, left: &PlanSchema) -> Vec<OuterReference> {
    let mut out: Vec<OuterReference> = Vec::new();
    collect_refs(plan, left, &mut out);
    out
}

fn collect_refs(plan: &LogicalPlan, left: &PlanSchema, out: &mut Vec<OuterReference>) {
    let _ = plan.apply(|node| {
        for e in node.expressions() {
            let _ = e.apply(|x| {
                match x {
                    Expr::OuterReference(o) if left.index_of(&o.column).is_ok() && !out.contains(o) => out.push(o.clone()),
                    Expr::ScalarSubquery(s)
                    | Expr::Exists(crate::expr::Exists { subquery: s, .. })
                    | Expr::InSubquery(crate::expr::InSubquery { subquery: s, .. }) => collect_refs(&s.plan, left, out),
                    _ => {}
                }
                Ok(ember_common::TreeNodeRecursion::Continue)
            });
        }
        Ok(ember_common::TreeNodeRecursion::Continue)
    });
}

struct Domain {
    refs: Vec<OuterReference>,
    names: Vec<String>,
    plan: LogicalPlan,
    /// The outer input's schema.
    outer: PlanSchema,
}

impl Domain {
    fn columns(&self) -> Vec<Expr> {
        self.names.iter().map(|n| Expr::Column(Column::from_name(n.clone()))).collect()
    }

    fn reads_domain(&self, plan: &LogicalPlan) -> bool {
        !domain_columns(plan, &self.outer).is_empty()
    }

    /// `plan` × the domain: the plan's columns, then the domain's.
    fn cross(&self, plan: LogicalPlan) -> Result<LogicalPlan> {
        Ok(LogicalPlan::Join(Join::try_new(Arc::new(plan), Arc::new(self.plan.clone()), JoinType::Cross, None)?))
    }

    /// `plan` made to depend on the domain, if it does not yet.
    fn dependent(&self, (plan, dependent): (LogicalPlan, bool)) -> Result<LogicalPlan> {
        if dependent {
            Ok(plan)
        } else {
            self.cross(plan)
        }
    }

    /// An outer reference to a domain column becomes that column; inside a nested
    /// subquery, an outer reference to it.
    fn replace(&self, e: Expr) -> Result<Expr> {
        e.transform_up(|x| match x {
            Expr::OuterReference(o) => match self.refs.iter().position(|r| r.column == o.column) {
                Some(i) => Ok(Transformed::yes(Expr::Column(Column::from_name(self.names[i].clone())))),
                None => Ok(Transformed::no(Expr::OuterReference(o))),
            },
            other => map_subquery_expr(other, &mut |p| self.replace_nested(p)),
        })
        .map(|t| t.data)
    }

    fn replace_nested(&self, plan: LogicalPlan) -> Result<LogicalPlan> {
        plan.transform_up(|node| {
            node.map_expressions(|e| {
                e.transform_up(|x| match x {
                    Expr::OuterReference(o) => match self.refs.iter().position(|r| r.column == o.column) {
                        Some(i) => Ok(Transformed::yes(Expr::OuterReference(OuterReference {
                            column: Column::from_name(self.names[i].clone()),
                            ..o
                        }))),
                        None => Ok(Transformed::no(Expr::OuterReference(o))),
                    },
                    other => map_subquery_expr(other, &mut |p| self.replace_nested(p)),
                })
            })
        })
        .map(|t| t.data)
    }

    fn replace_all(&self, exprs: Vec<&Expr>) -> Result<Vec<Expr>> {
        exprs.into_iter().map(|e| self.replace(e.clone())).collect()
    }

    /// The plan with the domain columns appended to its output (when it reads them,
    /// `true`), or the plan unchanged (`false`).
    fn rewrite(&self, plan: &LogicalPlan) -> Result<(LogicalPlan, bool)> {
        if !self.reads_domain(plan) {
            return Ok((plan.clone(), false));
        }
        let child = |i: usize| -> Result<(LogicalPlan, bool)> {
            match plan.inputs().get(i) {
                Some(p) => self.rewrite(p),
                None => Err(Error::internal("lateral rewrite: missing input")),
            }
        };
        let out = match plan {
            LogicalPlan::Filter(f) => {
                let input = self.dependent(child(0)?)?;
                LogicalPlan::Filter(Filter::try_new(self.replace(f.predicate.clone())?, Arc::new(input))?)
            }
            LogicalPlan::Projection(p) => {
                let input = self.dependent(child(0)?)?;
                let mut exprs = self.replace_all(p.exprs.iter().collect())?;
                exprs.extend(self.columns());
                LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(input))?)
            }
            LogicalPlan::Aggregate(a) => self.aggregate(a, self.dependent(child(0)?)?)?,
            LogicalPlan::Sort(s) => {
                let input = self.dependent(child(0)?)?;
                let exprs = s.exprs.iter().map(|k| Ok(SortExpr { expr: self.replace(k.expr.clone())?, ..k.clone() })).collect::<Result<Vec<_>>>()?;
                let sorted = LogicalPlan::Sort(Sort::try_new(exprs, Arc::new(input), None)?);
                match s.fetch {
                    Some(n) => self.limit(sorted, 0, Some(n))?,
                    None => sorted,
                }
            }
            LogicalPlan::Limit(l) => self.limit(self.dependent(child(0)?)?, l.skip, l.fetch)?,
            LogicalPlan::Distinct(_) => LogicalPlan::Distinct(Distinct { input: Arc::new(self.dependent(child(0)?)?) }),
            LogicalPlan::SubqueryAlias(s) => LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(Arc::new(self.dependent(child(0)?)?), s.alias.clone())?),
            LogicalPlan::Window(w) => {
                let input = self.dependent(child(0)?)?;
                let exprs = w
                    .window_exprs
                    .iter()
                    .map(|e| {
                        self.replace(e.clone())?.transform_up(|x| match x {
                            Expr::WindowFunction(mut f) => {
                                f.partition_by.extend(self.columns());
                                Ok(Transformed::yes(Expr::WindowFunction(f)))
                            }
                            other => Ok(Transformed::no(other)),
                        })
                    })
                    .map(|t| t.map(|t| t.data))
                    .collect::<Result<Vec<_>>>()?;
                let window = LogicalPlan::Window(Window::try_new(exprs, Arc::new(input))?);
                self.move_domain_last(window)?
            }
            LogicalPlan::Join(j) => self.join(j, child(0)?, child(1)?)?,
            LogicalPlan::Union(u) => {
                let inputs = (0..u.inputs.len()).map(|i| Ok(Arc::new(self.dependent(child(i)?)?))).collect::<Result<Vec<_>>>()?;
                LogicalPlan::Union(Union::try_new(inputs)?)
            }
            LogicalPlan::SetOperation(s) => {
                let left = self.dependent(child(0)?)?;
                let right = self.dependent(child(1)?)?;
                LogicalPlan::SetOperation(crate::set_operation::SetOperation::try_new(s.kind, s.all, Arc::new(left), Arc::new(right))?)
            }
            LogicalPlan::Values(_) | LogicalPlan::TableScan(_) | LogicalPlan::EmptyRelation(_) => {
                let exprs = self.replace_all(plan.expressions())?;
                self.cross(plan.with_new_exprs(exprs, vec![])?)?
            }
            other => {
                let input = self.dependent(child(0)?)?;
                let exprs = self.replace_all(other.expressions())?;
                let node = other.with_new_exprs(exprs, vec![Arc::new(input)])?;
                self.move_domain_last(node)?
            }
        };
        Ok((out, true))
    }

    /// Reorders `plan`'s output so that the domain columns come last.
    fn move_domain_last(&self, plan: LogicalPlan) -> Result<LogicalPlan> {
        let schema = plan.schema().clone();
        let is_domain = |name: &str| self.names.iter().any(|n| n == name);
        let mut exprs: Vec<Expr> = schema.fields().iter().filter(|f| !is_domain(f.name())).map(|f| Expr::Column(f.column())).collect();
        exprs.extend(self.columns());
        Ok(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(plan))?))
    }

    /// The aggregate grouped by the domain as well; a global aggregate still gives
    /// one row per domain value over no rows (the domain left-joins it, and the
    /// never-NULL aggregates such as `count` give 0 there).
    fn aggregate(&self, a: &Aggregate, input: LogicalPlan) -> Result<LogicalPlan> {
        let mut group = self.replace_all(a.group_exprs.iter().collect())?;
        let global = group.is_empty();
        group.extend(self.columns());
        let aggr = self.replace_all(a.aggr_exprs.iter().collect())?;
        let agg = LogicalPlan::Aggregate(Aggregate::try_new(Arc::new(input), group, aggr.clone())?);
        if !global {
            return self.move_domain_last(agg);
        }
        let agg = self.rename_domain(agg)?;
        let schema = agg.schema().clone();
        let cond = self.names.iter().enumerate().map(|(i, n)| {
            Expr::binary(Expr::Column(Column::from_name(n.clone())), Operator::NullSafeEq, Expr::Column(Column::from_name(format!("{RIGHT_DOMAIN}{i}"))))
        });
        let join = Join::try_new(Arc::new(self.plan.clone()), Arc::new(agg), JoinType::LeftOuter, conjunction(cond))?;
        let mut exprs = Vec::new();
        for (f, e) in schema.fields()[self.names.len()..].iter().zip(&aggr) {
            let c = Expr::Column(f.column());
            let fixed = match e.unalias() {
                Expr::AggregateFunction(func) if !func.func.nullable() => Expr::Case(Case {
                    operand: None,
                    when_then: vec![(c.clone().is_null(), Expr::Literal(ScalarValue::Int64(Some(0))).cast_to(f.data_type().clone()))],
                    else_expr: Some(Box::new(c)),
                })
                .alias(f.name().to_string()),
                _ => c,
            };
            exprs.push(fixed);
        }
        exprs.extend(self.columns());
        Ok(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(LogicalPlan::Join(join)))?))
    }

    /// Renames the (trailing) domain columns of `plan` to `__lateral_r{i}`, so it can
    /// be joined with another plan that has them.
    fn rename_domain(&self, plan: LogicalPlan) -> Result<LogicalPlan> {
        let schema = plan.schema().clone();
        let exprs = schema
            .fields()
            .iter()
            .map(|f| match self.names.iter().position(|n| n == f.name()) {
                Some(i) => Expr::Column(f.column()).alias(format!("{RIGHT_DOMAIN}{i}")),
                None => Expr::Column(f.column()),
            })
            .collect();
        Ok(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(plan))?))
    }

    /// At most `fetch` rows after `skip` per domain value: `row_number()` over the
    /// domain, in the order of the sort right below (if any).
    fn limit(&self, input: LogicalPlan, skip: usize, fetch: Option<usize>) -> Result<LogicalPlan> {
        // `SELECT … ORDER BY k LIMIT n` limits a projection of the sorted rows: number
        // the rows right above the sort, then project as before.
        if let LogicalPlan::Projection(p) = &input {
            if sorted_below(&p.input) {
                let limited = self.limit(p.input.as_ref().clone(), skip, fetch)?;
                return Ok(LogicalPlan::Projection(Projection::try_new(p.exprs.clone(), Arc::new(limited))?));
            }
        }
        let mut order: Vec<SortExpr> = match &input {
            LogicalPlan::Sort(s) => s.exprs.clone(),
            _ => vec![],
        };
        if order.is_empty() {
            order = self.columns().into_iter().map(|c| SortExpr::new(c, true, None)).collect();
        }
        let spec = WindowSpec { partition_by: self.columns(), order_by: order, frame: None };
        let rn = WindowFunction::try_new(WindowFunctionKind::Builtin(BuiltinWindowFunction::RowNumber), vec![], spec, false)?;
        let width = input.schema().len();
        let window = LogicalPlan::Window(Window::try_new(vec![Expr::WindowFunction(rn).alias(ROW_NUMBER)], Arc::new(input))?);
        let n = |v: usize| lit(ScalarValue::Int64(Some(i64::try_from(v).unwrap_or(i64::MAX))));
        let rn_col = || Expr::Column(Column::from_name(ROW_NUMBER)).cast_to(arrow::datatypes::DataType::Int64);
        let mut preds = Vec::new();
        if skip > 0 {
            preds.push(rn_col().gt(n(skip)));
        }
        if let Some(f) = fetch {
            preds.push(rn_col().lt_eq(n(skip.saturating_add(f))));
        }
        let filtered = match conjunction(preds) {
            Some(p) => LogicalPlan::Filter(Filter::try_new(p, Arc::new(window))?),
            None => window,
        };
        let schema = filtered.schema().clone();
        let exprs = schema.fields()[..width].iter().map(|f| Expr::Column(f.column())).collect();
        Ok(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(filtered))?))
    }

    /// A join inside the subquery: both sides carry the domain and match on it.
    fn join(&self, j: &Join, left: (LogicalPlan, bool), right: (LogicalPlan, bool)) -> Result<LogicalPlan> {
        if matches!(j.join_type, JoinType::LeftSingle | JoinType::FullOuter) {
            return Err(Error::new(ErrorKind::Other {
                class: "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.UNSUPPORTED_CORRELATED_REFERENCE".into(),
                sqlstate: Some("0A000".into()),
                message: format!("Unsupported subquery expression: a {} join that reads outer columns in a lateral subquery.", j.join_type),
            }));
        }
        let left_width = left.0.schema().len() - if left.1 { self.names.len() } else { 0 };
        let left = self.dependent(left)?;
        let right = self.rename_domain(self.dependent(right)?)?;
        let mut preds: Vec<Expr> = (0..self.names.len())
            .map(|i| {
                Expr::binary(
                    Expr::Column(Column::from_name(self.names[i].clone())),
                    Operator::NullSafeEq,
                    Expr::Column(Column::from_name(format!("{RIGHT_DOMAIN}{i}"))),
                )
            })
            .collect();
        if let Some(c) = &j.condition {
            preds.push(self.replace(c.clone())?);
        }
        let left_schema = left.schema().clone();
        let right_schema = right.schema().clone();
        let join = LogicalPlan::Join(Join::try_new(Arc::new(left), Arc::new(right), j.join_type, conjunction(preds))?);
        let mut exprs: Vec<Expr> = left_schema.fields()[..left_width].iter().map(|f| Expr::Column(f.column())).collect();
        if !matches!(j.join_type, JoinType::LeftSemi | JoinType::LeftAnti) {
            let keep = right_schema.len() - self.names.len();
            exprs.extend(right_schema.fields()[..keep].iter().map(|f| Expr::Column(f.column())));
        }
        // The domain of the side that is never NULL-extended.
        if j.join_type == JoinType::RightOuter {
            exprs.extend((0..self.names.len()).map(|i| Expr::Column(Column::from_name(format!("{RIGHT_DOMAIN}{i}"))).alias(self.names[i].clone())));
        } else {
            exprs.extend(self.columns());
        }
        Ok(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(join))?))
    }
}

/// True if `plan` is a sort, possibly under projections.
fn sorted_below(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Sort(_) => true,
        LogicalPlan::Projection(p) => sorted_below(&p.input),
        _ => false,
    }
}
