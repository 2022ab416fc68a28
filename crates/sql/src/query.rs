//! Queries: `WITH` (CTEs), set operations (`UNION`, `INTERSECT`, `EXCEPT`/`MINUS`, each `[ALL]`), `VALUES`, `ORDER BY` over a
//! query's output, `LIMIT` and `OFFSET`. SELECT blocks are in `select.rs`.

use ember_common::{ErrorKind, Result, Span};
use ember_plan::{Expr, LogicalPlan, LogicalPlanBuilder, PlanSchema, SortExpr};
use sqlparser::ast::{self, LimitClause, OrderByExpr, OrderByKind, OrderBySort, SetExpr, SetOperator, SetQuantifier, Value};

use crate::binder::{Binder, Scope};
use crate::errors::{other, span_of, unsupported, ResultExt};
use crate::expr::ExprScope;

impl Binder<'_> {
    pub(crate) fn bind_query(&self, q: &ast::Query, outer: &Scope) -> Result<LogicalPlan> {
        let mut scope = Scope::child(outer);
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                if with.recursive {
                    if let Some(plan) = self.bind_recursive_cte(cte, &scope, limit_over(q, &cte.alias.name.value))? {
                        scope.add(&cte.alias.name.value, plan);
                        continue;
                    }
                }
                let mut plan = self.bind_query(&cte.query, &scope)?;
                if !cte.alias.columns.is_empty() {
                    let names: Vec<String> = cte.alias.columns.iter().map(|c| c.name.value.clone()).collect();
                    plan = LogicalPlanBuilder::from(plan).rename_columns(&names).at(span_of(&cte.alias))?.build();
                }
                scope.add(&cte.alias.name.value, plan);
            }
        }
        if q.fetch.is_some() || !q.locks.is_empty() || q.for_clause.is_some() || q.settings.is_some() || q.format_clause.is_some() {
            return Err(unsupported("this query clause")).at(span_of(q));
        }
        self.cte_stack.borrow_mut().push(scope.visible());
        let out = self.bind_query_body(q, &scope);
        self.cte_stack.borrow_mut().pop();
        if q.pipe_operators.is_empty() {
            return out;
        }
        self.bind_pipe_operators(out?, &q.pipe_operators, &scope)
    }

    fn bind_query_body(&self, q: &ast::Query, scope: &Scope) -> Result<LogicalPlan> {
        let order: &[OrderByExpr] = match &q.order_by {
            None => &[],
            Some(ob) => match &ob.kind {
                OrderByKind::Expressions(v) => v,
                OrderByKind::All(_) => return Err(unsupported("ORDER BY ALL")).at(span_of(ob)),
            },
        };
        let plan = match q.body.as_ref() {
            SetExpr::Select(s) => self.bind_select(s, order, scope)?,
            body => {
                let plan = self.bind_set_expr(body, scope)?;
                self.bind_output_order(plan, order)?
            }
        };
        match &q.limit_clause {
            None => Ok(plan),
            Some(lc) => self.bind_limit(plan, lc).at(span_of(lc)),
        }
    }

    pub(crate) fn bind_set_expr(&self, body: &SetExpr, scope: &Scope) -> Result<LogicalPlan> {
        let span = span_of(body);
        match body {
            SetExpr::Select(s) => self.bind_select(s, &[], scope),
            SetExpr::Query(q) => self.bind_query(q, scope),
            SetExpr::Values(v) => self.bind_values(v, None),
            // `TABLE t` is `SELECT * FROM t`.
            SetExpr::Table(t) => {
                let name = [t.schema_name.as_deref(), t.table_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(".");
                let tokens = crate::parser::tokenize(&format!("SELECT * FROM {name}"))?;
                let q = crate::parser::parse_query(&tokens).at(span)?;
                self.bind_query(&q, scope).at(span)
            }
            SetExpr::SetOperation { left, op, set_quantifier, right } => {
                let l = self.bind_set_expr(left, scope)?;
                let r = self.bind_set_expr(right, scope)?;
                let kind = match op {
                    SetOperator::Union => None,
                    SetOperator::Intersect => Some(ember_plan::SetOpKind::Intersect),
                    SetOperator::Except | SetOperator::Minus => Some(ember_plan::SetOpKind::Except),
                };
                if let Some(kind) = kind {
                    let all = match set_quantifier {
                        SetQuantifier::All => true,
                        SetQuantifier::Distinct | SetQuantifier::None => false,
                        other => return Err(unsupported(format!("{kind} {other}"))).at(span),
                    };
                    let s = ember_plan::SetOperation::try_new(kind, all, std::sync::Arc::new(l), std::sync::Arc::new(r)).at(span)?;
                    return Ok(LogicalPlan::SetOperation(s));
                }
                let b = LogicalPlanBuilder::from(l).union(r).at(span)?;
                match set_quantifier {
                    SetQuantifier::All => Ok(b.build()),
                    SetQuantifier::Distinct | SetQuantifier::None => Ok(b.distinct()?.build()),
                    other => Err(unsupported(format!("UNION {other}"))).at(span),
                }
            }
            other => Err(unsupported(format!("the query {other}"))).at(span),
        }
    }

    /// `VALUES (…), (…)`: rows of constant expressions; columns `col1`, `col2`, … unless named.
    pub(crate) fn bind_values(&self, v: &ast::Values, names: Option<Vec<String>>) -> Result<LogicalPlan> {
        let empty = PlanSchema::empty();
        let scope = ExprScope::new(&empty);
        let mut rows = Vec::with_capacity(v.rows.len());
        for row in &v.rows {
            rows.push(row.content.iter().map(|e| self.bind_expr(e, &scope)).collect::<Result<Vec<_>>>()?);
        }
        let span = v.rows.first().map(span_of).unwrap_or_default();
        Ok(LogicalPlanBuilder::values(rows, names).at(span)?.build())
    }

    /// ORDER BY over a query's output (set operations, VALUES): ordinals and output columns.
    fn bind_output_order(&self, plan: LogicalPlan, order: &[OrderByExpr]) -> Result<LogicalPlan> {
        if order.is_empty() {
            return Ok(plan);
        }
        let schema = plan.schema().clone();
        let mut keys = Vec::with_capacity(order.len());
        for o in order {
            let expr = match ordinal(&o.expr) {
                Some(k) => Expr::Column(schema.field(check_ordinal(k, schema.len(), "ORDER", span_of(&o.expr))?).column()),
                None => self.bind_expr(&o.expr, &ExprScope::new(&schema))?,
            };
            if expr.contains_aggregate() {
                return Err(ember_common::Error::new(ErrorKind::InvalidAggregateUse {
                    expr: expr.to_string(),
                    context: "ORDER BY clause of a query without GROUP BY".into(),
                }))
                .at(span_of(&o.expr));
            }
            keys.push(sort_expr(expr, o));
        }
        Ok(LogicalPlanBuilder::from(plan).sort(keys)?.build())
    }

    fn bind_limit(&self, plan: LogicalPlan, lc: &LimitClause) -> Result<LogicalPlan> {
        let (limit, offset) = match lc {
            LimitClause::LimitOffset { limit, offset, limit_by } => {
                if !limit_by.is_empty() {
                    return Err(unsupported("LIMIT BY"));
                }
                (limit.as_ref(), offset.as_ref().map(|o| &o.value))
            }
            LimitClause::OffsetCommaLimit { offset, limit } => (Some(limit), Some(offset)),
        };
        let schema = plan.schema().clone();
        let fetch = limit.map(|e| self.limit_value(e, "limit", &schema)).transpose()?;
        let skip = offset.map(|e| self.limit_value(e, "offset", &schema)).transpose()?.unwrap_or(0);
        if fetch.is_none() && skip == 0 {
            return Ok(plan);
        }
        Ok(LogicalPlanBuilder::from(plan).limit(skip, fetch)?.build())
    }

    /// A LIMIT/OFFSET value: a non-negative INT constant, checked in Spark's order
    /// (foldable, then INT, then not NULL, then not negative). `schema` is the limited
    /// input's, so a column names something and is reported as not constant.
    pub(crate) fn limit_value(&self, e: &ast::Expr, what: &str, schema: &PlanSchema) -> Result<usize> {
        let span = span_of(e);
        let bound = self.bind_expr(e, &ExprScope::new(schema))?;
        let invalid = |sub: &str, detail: String| {
            Err(other(&format!("INVALID_LIMIT_LIKE_EXPRESSION.{sub}"), "42K0E", format!("The {what} like expression \"{bound}\" is invalid. {detail}"))).at(span)
        };
        let foldable = bound.column_refs().is_empty()
            && bound.is_deterministic()
            && !bound.contains_aggregate()
            && !bound.contains_subquery()
            && !bound.contains_window()
            && !bound.contains_outer_reference();
        if !foldable {
            return invalid("IS_UNFOLDABLE", format!("The {what} expression must evaluate to a constant value."));
        }
        let data_type = bound.data_type(&PlanSchema::empty()).at(span)?;
        if data_type != arrow::datatypes::DataType::Int32 {
            let shown = ember_common::types::sql_type_name(&data_type);
            return invalid("DATA_TYPE", format!("The {what} expression must be integer type, but got \"{shown}\"."));
        }
        let value = match &bound {
            Expr::Literal(v) => Some(v.clone()),
            _ => self.catalog.fold_constant(&bound).at(span)?,
        };
        let Some(value) = value else {
            return invalid("IS_UNFOLDABLE", format!("The {what} expression must evaluate to a constant value."));
        };
        if value.is_null() {
            return invalid("IS_NULL", format!("The evaluated {what} expression must not be null."));
        }
        let n = value.as_i64().unwrap_or(0);
        if n < 0 {
            return invalid("IS_NEGATIVE", format!("The {what} expression must be equal to or greater than 0, but got {n}."));
        }
        usize::try_from(n).map_err(|_| ember_common::Error::internal("limit does not fit in usize"))
    }
}

/// `k` of `SELECT … FROM name LIMIT k` (no filter, grouping, DISTINCT or ORDER BY), the
/// limit Spark pushes into a recursive CTE's loop.
fn limit_over(q: &ast::Query, name: &str) -> Option<usize> {
    let SetExpr::Select(s) = q.body.as_ref() else { return None };
    let [twj] = s.from.as_slice() else { return None };
    let reads = matches!(&twj.relation, ast::TableFactor::Table { name: n, args: None, .. } if n.0.len() == 1 && n.to_string().eq_ignore_ascii_case(name));
    let plain = twj.joins.is_empty() && s.selection.is_none() && s.having.is_none() && s.distinct.is_none() && q.order_by.is_none();
    let plain = plain && matches!(&s.group_by, ast::GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    let Some(LimitClause::LimitOffset { limit: Some(e), offset: None, .. }) = &q.limit_clause else { return None };
    if !(reads && plain) {
        return None;
    }
    ordinal(e).and_then(|k| usize::try_from(k).ok())
}

/// `ORDER BY 2` / `GROUP BY 2`: a bare integer literal is a position in the select list.
pub(crate) fn ordinal(e: &ast::Expr) -> Option<i64> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            Value::Number(n, false) if n.chars().all(|c| c.is_ascii_digit()) => Some(n.parse().unwrap_or(i64::MAX)),
            _ => None,
        },
        _ => None,
    }
}

/// The 0-based index of a 1-based position, or `{clause}_BY_POS_OUT_OF_RANGE`.
pub(crate) fn check_ordinal(k: i64, len: usize, clause: &str, span: Span) -> Result<usize> {
    if k >= 1 && (k as u64) <= len as u64 {
        return Ok((k - 1) as usize);
    }
    let message = format!("{clause} BY position {k} is not in select list (valid range is [1, {len}]).");
    let err = if clause == "GROUP" {
        ember_common::Error::new(ErrorKind::GroupByPositionOutOfRange { message })
    } else {
        other("ORDER_BY_POS_OUT_OF_RANGE", "42805", message)
    };
    Err(err.with_span(span))
}

/// A sort key with Spark's defaults (ASC NULLS FIRST, DESC NULLS LAST).
pub(crate) fn sort_expr(expr: Expr, o: &OrderByExpr) -> SortExpr {
    let asc = !matches!(o.options.sort, Some(OrderBySort::Desc));
    SortExpr::new(expr, asc, o.options.nulls_first)
}
