//! DataFrames as subquery expressions, as Spark 4's `DataFrame.scalar()`,
//! `DataFrame.exists()` and `Column.isin(DataFrame)`: the DataFrame's plan becomes an
//! uncorrelated subquery of the query the column is used in.

use std::sync::Arc;

use ember_plan::expr::{Exists, InSubquery, Subquery};
use ember_plan::{Expr, LogicalPlan};

use crate::column::Column;
use crate::dataframe::DataFrame;
use crate::functions::deferred_error;

impl DataFrame {
    /// `(SELECT …)`: the single value of a one-column DataFrame (NULL without rows;
    /// an error, when the query runs, with more than one row).
    pub fn scalar(&self) -> Column {
        Column::from_expr(Expr::ScalarSubquery(Subquery { plan: Arc::new(self.logical_plan().clone()) }))
    }

    /// `EXISTS (SELECT …)`: true when the DataFrame has at least one row.
    pub fn exists(&self) -> Column {
        Column::from_expr(Expr::Exists(Exists { subquery: Subquery { plan: Arc::new(self.logical_plan().clone()) }, negated: false }))
    }
}

impl Column {
    /// `self IN (SELECT …)` over a one-column DataFrame, NULL-aware as in SQL; negate
    /// with `.not()` for `NOT IN`.
    pub fn isin_subquery(self, df: &DataFrame) -> Column {
        let plan = df.logical_plan().clone();
        match in_subquery(self.expr, plan) {
            Ok(e) => Column::from_expr(e),
            Err(e) => Column::from_expr(deferred_error(e)),
        }
    }
}

/// The IN expression; the analyzer casts both sides to their comparison type.
fn in_subquery(value: Expr, plan: LogicalPlan) -> ember_common::Result<Expr> {
    ember_plan::subquery_plans::check_in_subquery_width(&value, &plan)?;
    Ok(Expr::InSubquery(InSubquery { expr: Box::new(value), subquery: Subquery { plan: Arc::new(plan) }, negated: false }))
}
