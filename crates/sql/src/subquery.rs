//! Subquery expressions: `(SELECT …)`, `x [NOT] IN (SELECT …)` and `[NOT] EXISTS
//! (SELECT …)`. A subquery is bound with the enclosing query's schemas pushed on the
//! binder's outer-scope stack: a name its own FROM lacks resolves to an
//! [`Expr::OuterReference`] (a correlated subquery). The optimizer's subquery rules
//! later turn these into joins.

use std::sync::Arc;

use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::comparison_type;
use ember_plan::expr::{Exists, InSubquery, OuterReference, Subquery};
use ember_plan::{Column, Expr, LogicalPlan, LogicalPlanBuilder};
use sqlparser::ast;

use crate::binder::{Binder, Scope};
use crate::errors::{other, span_of, ResultExt};
use crate::expr::ExprScope;

impl Binder<'_> {
    /// Binds `q` as a subquery of the query whose columns are `scope`.
    fn bind_subquery_plan(&self, q: &ast::Query, scope: &ExprScope) -> Result<LogicalPlan> {
        let mut ctes = Scope::root();
        if let Some(visible) = self.cte_stack.borrow().last() {
            for (name, plan) in visible {
                ctes.add_arc(name, plan.clone());
            }
        }
        self.outer_schemas.borrow_mut().push(scope.schema.clone());
        let out = self.bind_query(q, &ctes);
        self.outer_schemas.borrow_mut().pop();
        out
    }

    /// `(SELECT …)`: exactly one output column.
    pub(crate) fn bind_scalar_subquery(&self, q: &ast::Query, scope: &ExprScope) -> Result<Expr> {
        let plan = self.bind_subquery_plan(q, scope)?;
        let n = plan.schema().len();
        if n != 1 {
            return Err(other(
                "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
                "42823",
                format!("Invalid subquery: Scalar subquery must return only one column, but got {n}."),
            ))
            .at(span_of(q));
        }
        Ok(Expr::ScalarSubquery(Subquery { plan: Arc::new(plan) }))
    }

    /// `x [NOT] IN (SELECT …)`: one column, comparable with `x` (both sides are cast
    /// to their common type, as for `=`).
    pub(crate) fn bind_in_subquery(&self, x: &ast::Expr, q: &ast::Query, negated: bool, scope: &ExprScope) -> Result<Expr> {
        let value = self.bind_expr(x, scope)?;
        let plan = self.bind_subquery_plan(q, scope)?;
        let schema = plan.schema().clone();
        ember_plan::subquery_plans::check_in_subquery_width(&value, &plan).at(span_of(q))?;
        let lt = value.data_type(scope.schema)?;
        let rt = schema.field(0).data_type().clone();
        let common = comparison_type(&lt, &rt).ok_or_else(|| {
            Error::new(ErrorKind::DatatypeMismatch {
                sub: "IN_SUBQUERY_DATA_TYPE_MISMATCH",
                expr: format!("\"({value} IN (listquery()))\""),
                message: format!(
                    "The data type of one or more elements in the left hand side of an IN subquery is not compatible with the data type of the output of the subquery. Mismatched columns: [(\"{value}\":{}, \"{}\":{})].",
                    catalog_string(&lt),
                    schema.field(0).name(),
                    catalog_string(&rt)
                ),
            })
            .with_span(span_of(x))
        })?;
        let value = if lt == common { value } else { value.cast_to(common.clone()) };
        let plan = if rt == common {
            plan
        } else {
            let name = schema.field(0).name().to_string();
            let c = Expr::Column(schema.field(0).column());
            LogicalPlanBuilder::from(plan).project(vec![c.cast_to(common).alias(name)])?.build()
        };
        Ok(Expr::InSubquery(InSubquery { expr: Box::new(value), subquery: Subquery { plan: Arc::new(plan) }, negated }))
    }

    /// `[NOT] EXISTS (SELECT …)`
    pub(crate) fn bind_exists(&self, q: &ast::Query, negated: bool, scope: &ExprScope) -> Result<Expr> {
        let plan = self.bind_subquery_plan(q, scope)?;
        Ok(Expr::Exists(Exists { subquery: Subquery { plan: Arc::new(plan) }, negated }))
    }

    /// A name that the current query lacks, looked up in the enclosing queries
    /// (innermost first).
    pub(crate) fn resolve_outer_column(&self, col: &Column) -> Option<Expr> {
        let outer = self.outer_schemas.borrow();
        for schema in outer.iter().rev() {
            if let Ok(i) = schema.index_of(col) {
                let f = schema.field(i);
                return Some(Expr::OuterReference(OuterReference {
                    column: f.column(),
                    data_type: f.data_type().clone(),
                    nullable: f.is_nullable(),
                }));
            }
        }
        None
    }
}
