//! Error helpers for the SQL front end: spans from sqlparser nodes, Spark-worded syntax
//! errors, and the error classes the binder raises that have no `ErrorKind` of their own.

use ember_common::{Error, ErrorKind, Result, Span};
use sqlparser::ast::Spanned;
use sqlparser::parser::ParserError;
use sqlparser::tokenizer::{Span as SqlSpan, Token, TokenWithSpan};

/// Converts a sqlparser span (1-based, end exclusive) to Ember's.
pub(crate) fn to_span(s: SqlSpan) -> Span {
    if s.start.line == 0 {
        return Span::default();
    }
    let c = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Span::new(c(s.start.line), c(s.start.column), c(s.end.line), c(s.end.column))
}

/// The span of an AST node.
pub(crate) fn span_of<T: Spanned + ?Sized>(node: &T) -> Span {
    to_span(node.span())
}

/// Adds a span to the error of a result (the innermost span wins).
pub(crate) trait ResultExt<T> {
    fn at(self, span: Span) -> Result<T>;
}

impl<T> ResultExt<T> for Result<T> {
    fn at(self, span: Span) -> Result<T> {
        self.map_err(|e| e.with_span(span))
    }
}

/// An error of a Spark class Ember has no dedicated kind for.
pub(crate) fn other(class: &str, sqlstate: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Other { class: class.into(), sqlstate: Some(sqlstate.into()), message: message.into() })
}

/// `[PARSE_SYNTAX_ERROR] Syntax error at or near 'X'.` in Spark's exact wording
/// (`ErrorKind::ParseSyntaxError` prefixes its message with "Syntax error: ").
pub(crate) fn syntax_error(message: impl Into<String>) -> Error {
    other("PARSE_SYNTAX_ERROR", "42601", message)
}

/// The syntax error for an unexpected token (or the end of the input).
pub(crate) fn unexpected(token: Option<&TokenWithSpan>, end: Span) -> Error {
    match token {
        Some(t) if t.token != Token::EOF => {
            syntax_error(format!("Syntax error at or near '{}'.", t.token)).with_span(to_span(t.span))
        }
        _ => syntax_error("Syntax error at or near end of input.").with_span(end),
    }
}

/// A span just after the last token, for errors at the end of the input.
pub(crate) fn end_span(tokens: &[TokenWithSpan]) -> Span {
    match tokens.last() {
        Some(t) => {
            let s = to_span(t.span);
            Span::point(s.end_line, s.end_column.saturating_sub(1).max(1))
        }
        None => Span::point(1, 1),
    }
}

/// Maps a sqlparser error to PARSE_SYNTAX_ERROR pointing at the offending token.
pub(crate) fn parser_error(err: ParserError, tokens: &[TokenWithSpan]) -> Error {
    let msg = match err {
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => m,
        ParserError::RecursionLimitExceeded => {
            // Spark's class for a statement its parser cannot take (a stack overflow there).
            return ember_plan::plan_depth::too_complex("The statement is nested too deeply.");
        }
    };
    let end = end_span(tokens);
    if let Some((line, column)) = location_in(&msg) {
        if let Some(tok) = tokens.iter().find(|t| t.span.start.line == line && t.span.start.column == column) {
            return unexpected(Some(tok), end);
        }
        let span = Span::point(u32::try_from(line).unwrap_or(0), u32::try_from(column).unwrap_or(0));
        return syntax_error(format!("Syntax error: {}.", strip_location(&msg))).with_span(span);
    }
    // sqlparser reports no location when it ran out of tokens.
    unexpected(None, end)
}

/// Extracts `Line: X, Column: Y` from a sqlparser message.
fn location_in(msg: &str) -> Option<(u64, u64)> {
    let at = msg.rfind("Line: ")?;
    let rest = &msg[at + "Line: ".len()..];
    let (line, rest) = rest.split_once(',')?;
    let col = rest.trim().strip_prefix("Column: ")?;
    let col: String = col.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

fn strip_location(msg: &str) -> &str {
    match msg.rfind(" at Line: ") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// UNSUPPORTED_FEATURE naming what is missing.
pub(crate) fn unsupported(what: impl Into<String>) -> Error {
    Error::unsupported(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_location_in_message() {
        assert_eq!(location_in("Expected: x, found: FORM at Line: 3, Column: 12"), Some((3, 12)));
        assert_eq!(location_in("Expected: x, found: EOF"), None);
    }
}
