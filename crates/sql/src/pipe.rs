//! SQL pipe syntax, `FROM t |> WHERE … |> SELECT … |> AGGREGATE … GROUP BY …`: each
//! operator reads the result of the query before it. An operator is bound as the SELECT
//! it stands for over that result (`|> WHERE p` is `SELECT * FROM <input> WHERE p`),
//! with the input named by a reserved CTE that keeps its columns' qualifiers.

use std::sync::Arc;

use ember_common::Result;
use ember_plan::{LogicalPlan, LogicalPlanBuilder};
use sqlparser::ast::{
    self, AssignmentTarget, GroupByExpr, Ident, LimitClause, Offset, OffsetRows, OrderBy, OrderByKind, PipeOperator, SelectItem, SetExpr, SetOperator,
    TableFactor,
};

use sqlparser::tokenizer::TokenWithSpan;

use crate::binder::{Binder, Scope};
use crate::errors::{span_of, unsupported, ResultExt};

/// The name the input of a pipe operator has in the SELECT it is bound as.
pub(crate) const PIPE_INPUT: &str = "__pipe_input";

impl Binder<'_> {
    /// Applies the pipe operators of a query to its plan, in order.
    pub(crate) fn bind_pipe_operators(&self, mut plan: LogicalPlan, ops: &[PipeOperator], outer: &Scope) -> Result<LogicalPlan> {
        for op in ops {
            plan = self.bind_pipe_operator(plan, op, outer)?;
        }
        Ok(plan)
    }

    fn bind_pipe_operator(&self, input: LogicalPlan, op: &PipeOperator, outer: &Scope) -> Result<LogicalPlan> {
        let mut q = template()?;
        let SetExpr::Select(select) = q.body.as_mut() else { return Err(ember_common::Error::internal("pipe template")) };
        match op {
            PipeOperator::Where { expr } => select.selection = Some(expr.clone()),
            PipeOperator::Select { exprs } => select.projection = exprs.clone(),
            PipeOperator::Extend { exprs } => select.projection.extend(exprs.iter().cloned()),
            PipeOperator::Set { assignments } => {
                let mut items = columns(&input);
                for a in assignments {
                    let AssignmentTarget::ColumnName(name) = &a.target else {
                        return Err(unsupported("|> SET of a tuple")).at(span_of(a));
                    };
                    let target = crate::relation::object_name(name);
                    let Some(i) = input.schema().fields().iter().position(|f| f.name().eq_ignore_ascii_case(&target)) else {
                        return Err(self.unresolved(&target, &input)).at(span_of(name));
                    };
                    items[i] = SelectItem::ExprWithAlias { expr: a.value.clone(), alias: Ident::new(input.schema().field(i).name()) };
                }
                select.projection = items;
            }
            PipeOperator::Drop { columns: dropped } => {
                let schema = input.schema();
                for d in dropped {
                    if !schema.fields().iter().any(|f| f.name().eq_ignore_ascii_case(&d.value)) {
                        return Err(self.unresolved(&d.value, &input)).at(crate::errors::to_span(d.span));
                    }
                }
                let keep = |name: &str| !dropped.iter().any(|d| d.value.eq_ignore_ascii_case(name));
                select.projection = columns(&input)
                    .into_iter()
                    .zip(schema.fields())
                    .filter(|(_, f)| keep(f.name()))
                    .map(|(item, _)| item)
                    .collect();
            }
            PipeOperator::As { alias } => return Ok(LogicalPlanBuilder::from(input).alias(&alias.value)?.build()),
            PipeOperator::Aggregate { full_table_exprs, group_by_expr } => {
                let item = |e: &ast::ExprWithAliasAndOrderBy| match &e.expr.alias {
                    Some(a) => SelectItem::ExprWithAlias { expr: e.expr.expr.clone(), alias: a.clone() },
                    None => SelectItem::UnnamedExpr(e.expr.expr.clone()),
                };
                select.projection = group_by_expr.iter().chain(full_table_exprs).map(item).collect();
                select.group_by = GroupByExpr::Expressions(group_by_expr.iter().map(|e| e.expr.expr.clone()).collect(), vec![]);
                if select.projection.is_empty() {
                    return Err(unsupported("|> AGGREGATE without expressions")).at(span_of(&q));
                }
            }
            PipeOperator::OrderBy { exprs } => {
                q.order_by = Some(OrderBy { kind: OrderByKind::Expressions(exprs.clone()), interpolate: None });
            }
            PipeOperator::Limit { expr, offset } => {
                q.limit_clause = Some(LimitClause::LimitOffset {
                    limit: Some(expr.clone()),
                    offset: offset.clone().map(|value| Offset { value, rows: OffsetRows::None }),
                    limit_by: vec![],
                });
            }
            PipeOperator::Join(join) => {
                if let Some(twj) = select.from.first_mut() {
                    twj.joins.push(join.clone());
                }
            }
            PipeOperator::TableSample { sample } => {
                if let Some(twj) = select.from.first_mut() {
                    if let TableFactor::Table { sample: s, .. } = &mut twj.relation {
                        *s = Some(ast::TableSampleKind::BeforeTableAlias(sample.clone()));
                    }
                }
            }
            PipeOperator::Pivot { aggregate_functions, value_column, value_source, alias } => {
                if let Some(twj) = select.from.first_mut() {
                    let table = Box::new(twj.relation.clone());
                    let value_column = value_column.iter().map(|i| ast::Expr::Identifier(i.clone())).collect();
                    twj.relation = TableFactor::Pivot {
                        table,
                        aggregate_functions: aggregate_functions.clone(),
                        value_column,
                        value_source: value_source.clone(),
                        default_on_null: None,
                        alias: alias.clone().map(|name| ast::TableAlias { name, columns: vec![], explicit: true, at: None }),
                    };
                }
            }
            PipeOperator::Union { set_quantifier, queries } => return self.pipe_set_op(input, SetOperator::Union, *set_quantifier, queries, outer),
            PipeOperator::Intersect { set_quantifier, queries } => return self.pipe_set_op(input, SetOperator::Intersect, *set_quantifier, queries, outer),
            PipeOperator::Except { set_quantifier, queries } => return self.pipe_set_op(input, SetOperator::Except, *set_quantifier, queries, outer),
            other => return Err(unsupported(format!("the pipe operator |> {other}"))),
        }
        self.bind_over_input(&q, input, outer)
    }

    /// `input |> UNION [ALL] (q1), (q2)`
    fn pipe_set_op(&self, input: LogicalPlan, op: SetOperator, quantifier: ast::SetQuantifier, queries: &[ast::Query], outer: &Scope) -> Result<LogicalPlan> {
        let mut q = template()?;
        for other in queries {
            let left = std::mem::replace(&mut q.body, Box::new(SetExpr::Values(ast::Values { explicit_row: false, value_keyword: false, rows: vec![] })));
            q.body = Box::new(SetExpr::SetOperation { op, set_quantifier: quantifier, left, right: Box::new(SetExpr::Query(Box::new(other.clone()))) });
        }
        self.bind_over_input(&q, input, outer)
    }

    /// Binds `q`, whose FROM reads [`PIPE_INPUT`], with that name bound to `input`.
    fn bind_over_input(&self, q: &ast::Query, input: LogicalPlan, outer: &Scope) -> Result<LogicalPlan> {
        let mut scope = Scope::child(outer);
        scope.add_arc(PIPE_INPUT, Arc::new(input));
        self.bind_query(q, &scope)
    }

    fn unresolved(&self, name: &str, input: &LogicalPlan) -> ember_common::Error {
        let names: Vec<String> = input.schema().fields().iter().map(|f| f.name().to_string()).collect();
        let suggestions = ember_common::suggest::closest(name, names.iter().map(|s| s.as_str()), 5);
        ember_common::Error::new(ember_common::ErrorKind::UnresolvedColumn { name: name.to_string(), suggestions })
    }
}

/// `SELECT * FROM __pipe_input`, to fill in.
fn template() -> Result<ast::Query> {
    let tokens = crate::parser::tokenize(&format!("SELECT * FROM {PIPE_INPUT}"))?;
    Ok(*crate::parser::parse_query(&tokens)?)
}

/// One select item per column of `plan`, each qualified as it is there.
fn columns(plan: &LogicalPlan) -> Vec<SelectItem> {
    plan.schema()
        .fields()
        .iter()
        .map(|f| {
            let name = Ident::with_quote('`', f.name());
            let e = match &f.qualifier {
                Some(q) => ast::Expr::CompoundIdentifier(vec![Ident::with_quote('`', q.as_ref()), name]),
                None => ast::Expr::Identifier(name),
            };
            SelectItem::UnnamedExpr(e)
        })
        .collect()
}

/// `|> UNION ALL SELECT …` as `|> UNION ALL (SELECT …)`: sqlparser takes only
/// parenthesized operands after a pipe set operator; Spark takes a bare query up to the
/// next `|>`.
pub(crate) fn parenthesize_set_operands(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    use sqlparser::tokenizer::Token;
    let is_kw = |t: &TokenWithSpan, kws: &[&str]| kws.iter().any(|k| crate::parser::is_word(t, k));
    let mut out = Vec::with_capacity(tokens.len() + 2);
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        out.push(t.clone());
        i += 1;
        let after_pipe = out.len() >= 2 && out[out.len() - 2].token == Token::VerticalBarRightAngleBracket;
        if !(after_pipe && is_kw(t, &["UNION", "INTERSECT", "EXCEPT"])) {
            continue;
        }
        if tokens.get(i).is_some_and(|q| is_kw(q, &["ALL", "DISTINCT"])) {
            out.push(tokens[i].clone());
            i += 1;
        } else {
            // A bare set operator is DISTINCT, which sqlparser wants spelled out here.
            out.push(TokenWithSpan::new(Token::make_keyword("DISTINCT"), t.span));
        }
        if tokens.get(i).is_none_or(|q| q.token == Token::LParen) {
            continue;
        }
        let mut end = i;
        let mut depth = 0i32;
        while end < tokens.len() {
            match tokens[end].token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                Token::VerticalBarRightAngleBracket if depth == 0 => break,
                _ => {}
            }
            if depth < 0 {
                break;
            }
            end += 1;
        }
        let open = TokenWithSpan::new(Token::LParen, tokens[i].span);
        let close = TokenWithSpan::new(Token::RParen, tokens[end - 1].span);
        out.push(open);
        out.extend(tokens[i..end].iter().cloned());
        out.push(close);
        i = end;
    }
    out
}
