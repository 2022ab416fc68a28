//! Ordered-set aggregates: `percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC])`,
//! `percentile_disc`, `listagg` / `string_agg` with `WITHIN GROUP (ORDER BY key …)` and
//! `mode() WITHIN GROUP (ORDER BY x)`. The ordering becomes extra arguments of the
//! aggregate (its key and direction flags), which the aggregate shows as Spark does.

use ember_common::{Error, Result};
use ember_plan::{lit, Expr, ScalarValue};
use sqlparser::ast::{OrderByExpr, OrderBySort};

use crate::binder::Binder;
use crate::errors::other;
use crate::expr::ExprScope;

/// The functions that take (or require) `WITHIN GROUP`.
const ORDERED_SET: &[&str] = &["percentile_cont", "percentile_disc", "listagg", "string_agg", "mode"];

impl Binder<'_> {
    /// The arguments of `name(args) WITHIN GROUP (ORDER BY within)`, the ordering folded
    /// in; without `WITHIN GROUP`, the defaults Spark fills in (or its error).
    pub(crate) fn ordered_set_args(&self, name: &str, mut args: Vec<Expr>, within: &[OrderByExpr], scope: &ExprScope) -> Result<Vec<Expr>> {
        let is_ordered_set = ORDERED_SET.contains(&name);
        if within.is_empty() {
            if matches!(name, "percentile_cont" | "percentile_disc") {
                return Err(Error::spark("INVALID_WITHIN_GROUP_EXPRESSION.WITHIN_GROUP_MISSING", &[("funcName", &format!("`{name}`"))]));
            }
            if matches!(name, "listagg" | "string_agg") && args.len() == 1 {
                args.push(Expr::Literal(ScalarValue::Null));
            }
            return Ok(args);
        }
        if !is_ordered_set {
            return Err(other(
                "INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
                "42000",
                format!("Invalid SQL syntax: The function `{name}` does not support WITHIN GROUP (ORDER BY ...)."),
            ));
        }
        if within.len() != 1 {
            return Err(Error::spark(
                "INVALID_WITHIN_GROUP_EXPRESSION.WRONG_NUM_ORDERINGS",
                &[("funcName", &format!("`{name}`")), ("expectedNum", "1"), ("actualNum", &within.len().to_string())],
            ));
        }
        let o = &within[0];
        let key = self.bind_expr(&o.expr, scope)?;
        let asc = !matches!(o.options.sort, Some(OrderBySort::Desc));
        let nulls_first = o.options.nulls_first.unwrap_or(asc);
        Ok(match name {
            "percentile_cont" | "percentile_disc" => {
                let p = args.pop().ok_or_else(|| wrong_args(name, 0))?;
                if !args.is_empty() {
                    return Err(wrong_args(name, args.len() + 1));
                }
                vec![key, p, lit(!asc)]
            }
            "mode" => {
                if !args.is_empty() {
                    return Err(wrong_args(name, args.len()));
                }
                vec![key, lit(true)]
            }
            _ => {
                if args.len() == 1 {
                    args.push(Expr::Literal(ScalarValue::Null));
                }
                args.extend([key, lit(asc), lit(nulls_first)]);
                args
            }
        })
    }
}

fn wrong_args(name: &str, found: usize) -> Error {
    Error::new(ember_common::ErrorKind::WrongNumArgs { name: name.to_string(), expected: "1".into(), found })
}
