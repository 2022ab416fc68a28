//! `x [NOT] LIKE | ILIKE ANY | SOME | ALL (p1, p2, …)`: Spark's `LikeAny` / `LikeAll`
//! and their negations, written as an OR (ANY, SOME) or AND (ALL) of single LIKEs,
//! which has the same NULL semantics, and named as Spark names them (`likeany(c)`).

use ember_common::Result;
use ember_plan::expr::Like;
use ember_plan::Expr;
use sqlparser::ast::{self, FunctionArg, FunctionArgExpr, FunctionArguments};

use crate::errors::{other, span_of, ResultExt};

/// The quantifier and the pattern list of a quantified LIKE, if `pattern` is one:
/// sqlparser reads `LIKE ANY (…)` with its `any` flag and `LIKE ALL (…)` / `LIKE SOME
/// (…)` as a call of `ALL` / `SOME`.
pub(crate) fn quantified_patterns(any: bool, pattern: &ast::Expr) -> Result<Option<(bool, Vec<&ast::Expr>)>> {
    if any {
        let list = match pattern {
            ast::Expr::Tuple(items) => items.iter().collect(),
            ast::Expr::Nested(inner) => vec![inner.as_ref()],
            other => vec![other],
        };
        return Ok(Some((true, list)));
    }
    let ast::Expr::Function(f) = pattern else { return Ok(None) };
    let [ast::ObjectNamePart::Identifier(id)] = f.name.0.as_slice() else { return Ok(None) };
    let is_any = match id.value.to_ascii_uppercase().as_str() {
        "ANY" | "SOME" if id.quote_style.is_none() => true,
        "ALL" if id.quote_style.is_none() => false,
        _ => return Ok(None),
    };
    let args = match &f.args {
        FunctionArguments::List(l) if l.duplicate_treatment.is_none() && l.clauses.is_empty() => &l.args,
        _ => return Ok(None),
    };
    if args.is_empty() {
        return Err(other("_LEGACY_ERROR_TEMP_0064", "42601", "Expected something between '(' and ')'.")).at(span_of(pattern));
    }
    let mut list = Vec::with_capacity(args.len());
    for a in args {
        match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => list.push(e),
            _ => return Ok(None),
        }
    }
    Ok(Some((is_any, list)))
}

/// The bound quantified LIKE over `expr` and `patterns`.
pub(crate) fn quantified_like(expr: Expr, patterns: Vec<Expr>, any: bool, negated: bool, case_insensitive: bool, escape_char: Option<char>) -> Expr {
    let name = format!(
        "{}like{}({})",
        if negated { "not" } else { "" },
        if any { "any" } else { "all" },
        if case_insensitive { format!("lower({})", expr.output_name()) } else { expr.output_name() }
    );
    let likes = patterns.into_iter().map(|p| {
        Expr::Like(Like { negated, expr: Box::new(expr.clone()), pattern: Box::new(p), escape_char, case_insensitive })
    });
    let combined = likes.reduce(|a, b| if any { a.or(b) } else { a.and(b) });
    combined.unwrap_or_else(|| ember_plan::lit(ember_plan::scalar::ScalarValue::Boolean(None))).alias(name)
}
