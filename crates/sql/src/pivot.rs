//! `FROM t PIVOT (aggs FOR col IN (values))` and `FROM t UNPIVOT [INCLUDE | EXCLUDE
//! NULLS] (value FOR name IN (columns))`: checks Spark's rules on the pieces and names
//! the output columns as Spark does; the plans come from `ember_plan::pivot`.

use ember_common::{Error, Result};
use ember_plan::expr::AggregateFunction;
use ember_plan::pivot::{PivotAggregate, PivotValue, UnpivotValue};
use ember_plan::{lit, Expr, LogicalPlan, LogicalPlanBuilder};
use sqlparser::ast::{self, ExprWithAlias, NullInclusion, PivotValueSource};

use crate::binder::Binder;
use crate::errors::{span_of, syntax_error, unsupported, ResultExt};
use crate::expr::ExprScope;

impl Binder<'_> {
    /// The plan of a `PIVOT` over `input`.
    pub(crate) fn bind_pivot(
        &self,
        input: LogicalPlan,
        aggregates: &[ExprWithAlias],
        value_column: &[ast::Expr],
        source: &PivotValueSource,
        default_on_null: Option<&ast::Expr>,
    ) -> Result<LogicalPlan> {
        let input = LogicalPlanBuilder::from(input);
        let schema = input.schema().clone();
        let scope = ExprScope::new(&schema);
        if let Some(d) = default_on_null {
            return Err(syntax_error("Syntax error at or near 'DEFAULT'.")).at(span_of(d));
        }
        let list = match source {
            PivotValueSource::List(l) => l,
            _ => return Err(unsupported("PIVOT with ANY or a subquery")),
        };
        let mut aggs = Vec::with_capacity(aggregates.len());
        for a in aggregates {
            let expr = self.bind_expr(&a.expr, &scope)?;
            let name = match &a.alias {
                Some(alias) => alias.value.clone(),
                None => expr.output_name(),
            };
            aggs.push(PivotAggregate { expr: expr.into_unaliased(), name });
        }
        let cols = value_column.iter().map(|c| self.bind_expr(c, &scope)).collect::<Result<Vec<_>>>()?;
        let pivot = match cols.as_slice() {
            [one] => one.clone(),
            _ => {
                let mut args = Vec::with_capacity(cols.len() * 2);
                for c in &cols {
                    args.push(lit(c.output_name()));
                    args.push(c.clone());
                }
                self.call_scalar("named_struct", args)?
            }
        };
        let pivot_type = pivot.data_type(&schema)?;
        let mut values = Vec::with_capacity(list.len());
        for v in list {
            let span = span_of(&v.expr);
            let bound = self.bind_expr(&v.expr, &scope)?;
            if !bound.column_refs().is_empty() || bound.contains_aggregate() || !bound.is_deterministic() {
                return Err(Error::spark("NON_LITERAL_PIVOT_VALUES", &[("expression", &format!("\"{bound}\""))])).at(span);
            }
            let value = self.fold(bound.clone().cast_to(pivot_type.clone())).at(span)?;
            let name = match (&v.alias, &v.expr) {
                (Some(a), _) => a.value.clone(),
                // A struct value prints as Spark casts structs to strings: `{a, 1}`.
                (None, ast::Expr::Tuple(items)) => {
                    let parts = items.iter().map(|i| self.value_name(&self.bind_expr(i, &scope)?)).collect::<Result<Vec<_>>>()?;
                    format!("{{{}}}", parts.join(", "))
                }
                (None, _) => self.value_name(&bound).at(span)?,
            };
            values.push(PivotValue { value, name });
        }
        let count = self.functions.aggregate("count").ok_or_else(|| Error::internal("count is not registered"))?;
        let count_rows = Expr::AggregateFunction(AggregateFunction { func: count, args: vec![lit(1)], distinct: false, filter: None });
        let span = aggregates.first().map(|a| span_of(&a.expr)).unwrap_or_default();
        Ok(input.pivot(None, pivot, &values, &aggs, count_rows).at(span)?.build())
    }

    /// A pivot value as a string (`null` for NULL), as Spark names pivot columns.
    fn value_name(&self, value: &Expr) -> Result<String> {
        Ok(match self.fold(value.clone().cast_to(arrow::datatypes::DataType::Utf8))? {
            Expr::Literal(s) if !s.is_null() => s.to_string(),
            _ => "null".to_string(),
        })
    }

    /// A constant expression folded to a literal.
    fn fold(&self, e: Expr) -> Result<Expr> {
        match self.catalog.fold_constant(&e)? {
            Some(v) => Ok(Expr::Literal(v)),
            None => Ok(e),
        }
    }

    /// The plan of an `UNPIVOT` over `input`.
    pub(crate) fn bind_unpivot(
        &self,
        input: LogicalPlan,
        value: &ast::Expr,
        name: &ast::Ident,
        columns: &[ExprWithAlias],
        nulls: Option<&NullInclusion>,
    ) -> Result<LogicalPlan> {
        let input = LogicalPlanBuilder::from(input);
        let schema = input.schema().clone();
        let scope = ExprScope::new(&schema);
        let value_names: Vec<String> = identifiers(value)?.iter().map(|i| i.value.clone()).collect();
        let mut values = Vec::with_capacity(columns.len());
        for c in columns {
            let idents = identifiers(&c.expr)?;
            let exprs = idents.iter().map(|i| self.bind_expr(&ast::Expr::Identifier((*i).clone()), &scope)).collect::<Result<Vec<_>>>()?;
            let name = match &c.alias {
                Some(a) => a.value.clone(),
                None => idents.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join("_"),
            };
            values.push(UnpivotValue { exprs, name });
        }
        let include = matches!(nulls, Some(NullInclusion::IncludeNulls));
        let span = span_of(value);
        Ok(input.unpivot(None, &values, &name.value, &value_names, include).at(span)?.build())
    }
}

/// The column names of an unpivot value or entry: `a` or `(a, b)`.
fn identifiers(e: &ast::Expr) -> Result<Vec<&ast::Ident>> {
    match e {
        ast::Expr::Identifier(i) => Ok(vec![i]),
        ast::Expr::Nested(inner) => identifiers(inner),
        ast::Expr::Tuple(items) => items.iter().map(|i| identifiers(i).and_then(|v| one(v, i))).collect(),
        other => Err(syntax_error(format!("Syntax error at or near '{other}'."))).at(span_of(other)),
    }
}

fn one<'a>(v: Vec<&'a ast::Ident>, e: &ast::Expr) -> Result<&'a ast::Ident> {
    match v.as_slice() {
        [i] => Ok(i),
        _ => Err(syntax_error(format!("Syntax error at or near '{e}'."))).at(span_of(e)),
    }
}

/// `FROM VALUES (…) AS t(cols) PIVOT (…)` as `FROM (SELECT * FROM VALUES (…) AS t(cols)) t
/// PIVOT (…)`: sqlparser reads no PIVOT or UNPIVOT after an inline VALUES table.
pub(crate) fn wrap_values_before_pivot(tokens: Vec<sqlparser::tokenizer::TokenWithSpan>) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::{Token, TokenWithSpan};
    let is = |t: &TokenWithSpan, k: &str| crate::parser::is_word(t, k);
    // The index of the `(` matching the `)` at `close`.
    let open_of = |close: usize| -> Option<usize> {
        let mut depth = 0i32;
        for i in (0..=close).rev() {
            match tokens[i].token {
                Token::RParen => depth += 1,
                Token::LParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    };
    let mut wraps: Vec<(usize, usize, TokenWithSpan)> = Vec::new();
    for p in 1..tokens.len() {
        if !(is(&tokens[p], "PIVOT") || is(&tokens[p], "UNPIVOT")) {
            continue;
        }
        let mut i = p - 1;
        if tokens[i].token == Token::RParen {
            let Some(o) = open_of(i) else { continue };
            let Some(before) = o.checked_sub(1) else { continue };
            i = before;
        }
        let alias_at = i;
        if !matches!(tokens[alias_at].token, Token::Word(_)) || alias_at == 0 {
            continue;
        }
        let mut j = alias_at - 1;
        if is(&tokens[j], "AS") {
            let Some(b) = j.checked_sub(1) else { continue };
            j = b;
        }
        // Rows: `(…)` groups separated by commas, after VALUES.
        let mut start = None;
        while tokens[j].token == Token::RParen {
            let Some(o) = open_of(j) else { break };
            let Some(b) = o.checked_sub(1) else { break };
            if is(&tokens[b], "VALUES") {
                start = Some(b);
                break;
            }
            if tokens[b].token != Token::Comma || b == 0 {
                break;
            }
            j = b - 1;
        }
        if let Some(s) = start {
            wraps.push((s, p, tokens[alias_at].clone()));
        }
    }
    if wraps.is_empty() {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() + 5 * wraps.len());
    for (i, t) in tokens.iter().enumerate() {
        if let Some((s, _, _)) = wraps.iter().find(|(s, _, _)| *s == i) {
            let sp = tokens[*s].span;
            out.push(TokenWithSpan::new(Token::LParen, sp));
            out.push(TokenWithSpan::new(Token::make_keyword("SELECT"), sp));
            out.push(TokenWithSpan::new(Token::Mul, sp));
            out.push(TokenWithSpan::new(Token::make_keyword("FROM"), sp));
        }
        if let Some((_, _, alias)) = wraps.iter().find(|(_, p, _)| *p == i) {
            out.push(TokenWithSpan::new(Token::RParen, alias.span));
            out.push(alias.clone());
        }
        out.push(t.clone());
    }
    out
}
