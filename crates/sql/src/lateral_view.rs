//! `LATERAL VIEW [OUTER] generator(args) name [AS c1, c2, …]`: each lateral view adds a
//! `Generate` over the FROM clause (in order, so later views see earlier ones' columns);
//! the generated columns are qualified by the view's name. sqlparser would read a clause
//! keyword after a view without `AS` (`LATERAL VIEW explode(a) t ORDER BY …`) as a column
//! alias; [`with_explicit_aliases`] marks such views as having no aliases before parsing.

use ember_common::Result;
use ember_plan::{Expr, Generate, LogicalPlan, LogicalPlanBuilder};
use sqlparser::ast;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use crate::binder::Binder;
use crate::errors::{other, span_of, ResultExt};
use crate::expr::ExprScope;

impl Binder<'_> {
    /// Applies the lateral views of a SELECT to its FROM clause.
    pub(crate) fn bind_lateral_views(&self, mut input: LogicalPlanBuilder, views: &[ast::LateralView]) -> Result<LogicalPlanBuilder> {
        for v in views {
            let span = span_of(&v.lateral_view);
            let schema = input.schema().clone();
            let bound = self.bind_expr(&v.lateral_view, &ExprScope::new(&schema))?;
            let mut generator = match bound {
                Expr::Generator(g) => g,
                other_expr => {
                    let name = match &v.lateral_view {
                        ast::Expr::Function(f) => crate::relation::object_name(&f.name),
                        _ => other_expr.to_string(),
                    };
                    return Err(other(
                        "UNSUPPORTED_GENERATOR.NOT_GENERATOR",
                        "42K0E",
                        format!("The generator is not supported: `{name}` is expected to be a generator. However, its class is not a generator."),
                    ))
                    .at(span);
                }
            };
            generator.outer |= v.outer;
            let names: Vec<String> = v.lateral_col_alias.iter().filter(|a| a.value != NO_ALIAS).map(|a| a.value.clone()).collect();
            let qualifier = crate::relation::object_name(&v.lateral_view_name);
            let qualifier = if qualifier.is_empty() { None } else { Some(qualifier) };
            let gen = Generate::try_new(input.plan().clone(), generator, names).at(span)?.with_qualifier(qualifier);
            input = LogicalPlanBuilder::from(LogicalPlan::Generate(gen));
        }
        Ok(input)
    }
}

/// The alias [`with_explicit_aliases`] writes for "no aliases".
const NO_ALIAS: &str = "__ember_lateral_view_without_aliases__";

/// Clause keywords that may follow a lateral view's name but that sqlparser does not
/// stop at.
const CLAUSE_KEYWORDS: &[Keyword] = &[
    Keyword::ORDER,
    Keyword::LIMIT,
    Keyword::OFFSET,
    Keyword::UNION,
    Keyword::EXCEPT,
    Keyword::INTERSECT,
    Keyword::MINUS,
    Keyword::SORT,
    Keyword::DISTRIBUTE,
    Keyword::WINDOW,
    Keyword::QUALIFY,
    Keyword::FETCH,
];

fn is_word(t: Option<&TokenWithSpan>, kw: Keyword) -> bool {
    matches!(t.map(|t| &t.token), Some(Token::Word(w)) if w.keyword == kw && w.quote_style.is_none())
}

/// `tokens` with `AS <no alias>` after each lateral view name that a clause keyword
/// follows directly; the tokens themselves when there is none.
pub(crate) fn with_explicit_aliases(tokens: &[TokenWithSpan]) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if !(is_word(tokens.get(i), Keyword::LATERAL) && is_word(tokens.get(i + 1), Keyword::VIEW)) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        // LATERAL VIEW [OUTER] name(args) view_name
        let mut j = i + 2;
        if is_word(tokens.get(j), Keyword::OUTER) {
            j += 1;
        }
        while matches!(tokens.get(j).map(|t| &t.token), Some(Token::Word(_) | Token::Period)) {
            j += 1;
        }
        let mut depth = 0usize;
        while let Some(t) = tokens.get(j) {
            j += 1;
            match t.token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ if depth == 0 => break,
                _ => {}
            }
        }
        if matches!(tokens.get(j).map(|t| &t.token), Some(Token::Word(_))) {
            j += 1;
            while matches!(tokens.get(j).map(|t| &t.token), Some(Token::Period)) && tokens.get(j + 1).is_some() {
                j += 2;
            }
        }
        out.extend_from_slice(&tokens[i..j.min(tokens.len())]);
        if let Some(next) = tokens.get(j) {
            if CLAUSE_KEYWORDS.iter().any(|k| is_word(Some(next), *k)) {
                let span = next.span;
                let word = |value: &str, keyword: Keyword| Token::Word(Word { value: value.into(), quote_style: None, keyword });
                out.push(TokenWithSpan::new(word("AS", Keyword::AS), span));
                out.push(TokenWithSpan::new(word(NO_ALIAS, Keyword::NoKeyword), span));
            }
        }
        i = j.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(sql: &str) -> String {
        let tokens = crate::parser::tokenize(sql).unwrap();
        with_explicit_aliases(&tokens).iter().map(|t| t.token.to_string()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn marks_views_followed_by_clauses() {
        assert_eq!(
            rewrite("SELECT c FROM t LATERAL VIEW OUTER explode(f(a, (b))) v ORDER BY c"),
            format!("SELECT c FROM t LATERAL VIEW OUTER explode ( f ( a , ( b ) ) ) v AS {NO_ALIAS} ORDER BY c")
        );
        assert_eq!(rewrite("SELECT 1 FROM t LATERAL VIEW explode(a) v AS c LIMIT 1"), "SELECT 1 FROM t LATERAL VIEW explode ( a ) v AS c LIMIT 1");
        assert_eq!(rewrite("SELECT 1 FROM t LATERAL VIEW explode(a) v WHERE x"), "SELECT 1 FROM t LATERAL VIEW explode ( a ) v WHERE x");
        assert_eq!(rewrite("SELECT lateral FROM t LATERAL VIEW"), "SELECT lateral FROM t LATERAL VIEW");
    }
}
