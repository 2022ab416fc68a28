//! Parameter markers, `:name` and `?`, bound to the values a caller passes with the SQL
//! text (`Session::sql_with_args`, as PySpark's `spark.sql(query, args)`). Positional
//! markers are numbered in the order they appear in the text.

use ember_common::Result;
use ember_plan::ScalarValue;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::errors::other;

/// The values of a statement's parameter markers.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryArgs {
    /// `:name` markers, by name (case-sensitive, as Spark).
    Named(Vec<(String, ScalarValue)>),
    /// `?` markers, in order.
    Positional(Vec<ScalarValue>),
}

/// Gives each `?` token its position (`?0`, `?1`, …), so markers keep their order
/// whatever order the binder visits them in.
pub(crate) fn number_positional(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut n = 0usize;
    tokens
        .into_iter()
        .map(|t| match &t.token {
            Token::Placeholder(p) if p == "?" => {
                let numbered = TokenWithSpan::new(Token::Placeholder(format!("?{n}")), t.span);
                n += 1;
                numbered
            }
            _ => t,
        })
        .collect()
}

/// The value of the marker `p` (`:name` or a numbered `?k`).
pub(crate) fn marker_value(args: Option<&QueryArgs>, p: &str) -> Result<ScalarValue> {
    let (named, key) = match p.strip_prefix(':') {
        Some(name) => (true, name),
        None => (false, p.strip_prefix('?').unwrap_or(p)),
    };
    let found = match (args, named) {
        (Some(QueryArgs::Named(m)), true) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
        (Some(QueryArgs::Positional(v)), false) => key.parse::<usize>().ok().and_then(|i| v.get(i).cloned()),
        _ => None,
    };
    found.ok_or_else(|| {
        let shown = key;
        other(
            "UNBOUND_SQL_PARAMETER",
            "42P02",
            format!("Found the unbound parameter: {shown}. Please, fix `args` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as `map()`, `array()`, `struct()`."),
        )
    })
}
