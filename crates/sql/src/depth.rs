//! Nesting limits checked right after parsing, without recursion: sqlparser bounds
//! its own recursion but builds `a OR b OR c …` and `q1 UNION q2 UNION …` chains in
//! loops, and everything after it (spans, binding, typing, rewrites) recurses per level.

use ember_common::Result;
use ember_plan::plan_depth::MAX_PLAN_DEPTH;
use sqlparser::ast::{self, SelectItem, SetExpr, TableFactor};


fn too_deep() -> ember_common::Error {
    ember_plan::plan_depth::too_complex(format!("Expressions or set operations are nested more than {MAX_EXPR_DEPTH} levels deep."))
}

/// Fails if any expression or chain of set operations in `q` is nested too deeply.
pub(crate) fn check_query(q: &ast::Query) -> Result<()> {
    if let Some(with) = &q.with {
        // Each CTE may read the one before: a chain this long is a plan too deep (fail
        // now rather than after binding all of it).
        if with.cte_tables.len() > MAX_PLAN_DEPTH {
            return Err(too_many("common table expressions in one WITH", with.cte_tables.len()));
        }
        for cte in &with.cte_tables {
            check_query(&cte.query)?;
        }
    }
    if let Some(ob) = &q.order_by {
        if let ast::OrderByKind::Expressions(v) = &ob.kind {
            for o in v {
                check_expr(&o.expr)?;
            }
        }
    }
    // Set operations: walk the chain with an explicit stack.
    let mut stack: Vec<(&SetExpr, usize)> = vec![(q.body.as_ref(), 1)];
    while let Some((body, d)) = stack.pop() {
        if d > MAX_EXPR_DEPTH {
            return Err(too_deep());
        }
        match body {
            SetExpr::SetOperation { left, right, .. } => {
                stack.push((left, d + 1));
                stack.push((right, d + 1));
            }
            SetExpr::Query(q) => check_query(q)?,
            SetExpr::Select(s) => check_select(s)?,
            SetExpr::Values(v) => {
                for row in &v.rows {
                    row.content.iter().try_for_each(check_expr)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn too_many(what: &str, n: usize) -> ember_common::Error {
    ember_plan::plan_depth::too_complex(format!("{n} {what}; at most {MAX_PLAN_DEPTH} are supported."))
}

fn check_select(s: &ast::Select) -> Result<()> {
    // Joins nest the plan one level each.
    let joins = s.from.len() + s.from.iter().map(|t| t.joins.len()).sum::<usize>();
    if joins > MAX_PLAN_DEPTH {
        return Err(too_many("tables joined in one FROM clause", joins));
    }
    for item in &s.projection {
        match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } | SelectItem::ExprWithAliases { expr: e, .. } => {
                check_expr(e)?
            }
            _ => {}
        }
    }
    for twj in &s.from {
        check_table_with_joins(twj)?;
    }
    s.selection.iter().try_for_each(check_expr)?;
    s.having.iter().try_for_each(check_expr)?;
    if let ast::GroupByExpr::Expressions(v, _) = &s.group_by {
        v.iter().try_for_each(check_expr)?;
    }
    Ok(())
}

fn check_table_with_joins(twj: &ast::TableWithJoins) -> Result<()> {
    check_factor(&twj.relation)?;
    for j in &twj.joins {
        check_factor(&j.relation)?;
        let c = match &j.join_operator {
            ast::JoinOperator::Join(c)
            | ast::JoinOperator::Inner(c)
            | ast::JoinOperator::Left(c)
            | ast::JoinOperator::LeftOuter(c)
            | ast::JoinOperator::Right(c)
            | ast::JoinOperator::RightOuter(c)
            | ast::JoinOperator::FullOuter(c)
            | ast::JoinOperator::CrossJoin(c)
            | ast::JoinOperator::Semi(c)
            | ast::JoinOperator::LeftSemi(c)
            | ast::JoinOperator::Anti(c)
            | ast::JoinOperator::LeftAnti(c) => c,
            _ => continue,
        };
        if let ast::JoinConstraint::On(e) = c {
            check_expr(e)?;
        }
    }
    Ok(())
}

fn check_factor(f: &TableFactor) -> Result<()> {
    match f {
        TableFactor::Derived { subquery, .. } => check_query(subquery),
        TableFactor::NestedJoin { table_with_joins, .. } => check_table_with_joins(table_with_joins),
        _ => Ok(()),
    }
}

/// Fails if `e` is nested too deeply.
pub(crate) fn check_expr(e: &ast::Expr) -> Result<()> {
    if expr_depth(e) > MAX_EXPR_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

/// Deeper expressions are rejected: binding, typing and rewriting recurse per level.
pub(crate) const MAX_EXPR_DEPTH: usize = 256;

/// The nesting depth of an expression, computed without recursion (sqlparser bounds
/// the recursion of its parser but builds `a + b + c + …` chains in a loop).
pub(crate) fn expr_depth<'e>(e: &'e ast::Expr) -> usize {
    use ast::Expr as A;
    let mut max = 0;
    let mut stack: Vec<(&'e ast::Expr, usize)> = vec![(e, 1)];
    while let Some((e, d)) = stack.pop() {
        max = max.max(d);
        let mut push = |x: &'e ast::Expr| stack.push((x, d + 1));
        match e {
            A::BinaryOp { left, right, .. } | A::IsDistinctFrom(left, right) | A::IsNotDistinctFrom(left, right) => {
                push(left);
                push(right);
            }
            A::UnaryOp { expr, .. }
            | A::Nested(expr)
            | A::IsNull(expr)
            | A::IsNotNull(expr)
            | A::IsTrue(expr)
            | A::IsNotTrue(expr)
            | A::IsFalse(expr)
            | A::IsNotFalse(expr)
            | A::IsUnknown(expr)
            | A::IsNotUnknown(expr)
            | A::Cast { expr, .. }
            | A::Extract { expr, .. }
            | A::Ceil { expr, .. }
            | A::Floor { expr, .. } => push(expr),
            A::Like { expr, pattern, .. } | A::ILike { expr, pattern, .. } | A::RLike { expr, pattern, .. } => {
                push(expr);
                push(pattern);
            }
            A::Between { expr, low, high, .. } => {
                push(expr);
                push(low);
                push(high);
            }
            A::InList { expr, list, .. } => {
                push(expr);
                list.iter().for_each(&mut push);
            }
            A::Case { operand, conditions, else_result, .. } => {
                operand.iter().for_each(|x| push(x));
                for c in conditions {
                    push(&c.condition);
                    push(&c.result);
                }
                else_result.iter().for_each(|x| push(x));
            }
            A::Substring { expr, substring_from, substring_for, .. } => {
                push(expr);
                substring_from.iter().for_each(|x| push(x));
                substring_for.iter().for_each(|x| push(x));
            }
            A::Trim { expr, trim_what, .. } => {
                push(expr);
                trim_what.iter().for_each(|x| push(x));
            }
            A::Position { expr, r#in } => {
                push(expr);
                push(r#in);
            }
            A::Array(a) => a.elem.iter().for_each(&mut push),
            A::Function(f) => {
                if let ast::FunctionArguments::List(l) = &f.args {
                    for a in &l.args {
                        if let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(x)) = a {
                            push(x);
                        }
                    }
                }
                f.filter.iter().for_each(|x| push(x));
            }
            _ => {}
        }
    }
    max
}

