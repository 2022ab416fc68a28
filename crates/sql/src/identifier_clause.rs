//! `IDENTIFIER('name')`: a table, column or function name given as a constant string
//! (a literal, literals joined with `||`, or a parameter marker). The clause is replaced
//! by the name's tokens before parsing, so `SELECT IDENTIFIER('t1.b') FROM t1` is
//! `SELECT t1.b FROM t1` (column `b`), as in Spark.

use ember_common::{Result, Span};
use ember_plan::ScalarValue;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::errors::{other, syntax_error, to_span};
use crate::params::{marker_value, QueryArgs};
use crate::parser::{is_word, tokenize};

/// The tokens with every `IDENTIFIER(<constant string>)` replaced by the name's tokens.
pub(crate) fn expand(tokens: Vec<TokenWithSpan>, args: Option<&QueryArgs>) -> Result<Vec<TokenWithSpan>> {
    if !tokens.iter().any(|t| is_word(t, "IDENTIFIER")) {
        return Ok(tokens);
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if !(is_word(t, "IDENTIFIER") && tokens.get(i + 1).is_some_and(|n| n.token == Token::LParen)) {
            out.push(t.clone());
            i += 1;
            continue;
        }
        let Some(close) = (i + 2..tokens.len()).find(|&k| tokens[k].token == Token::RParen) else {
            out.push(t.clone());
            i += 1;
            continue;
        };
        let inner = &tokens[i + 2..close];
        let mut span = t.span;
        span.end = tokens[close].span.end;
        match constant_string(inner, args)? {
            Some(Some(name)) => {
                out.extend(name_tokens(&name, to_span(span))?.into_iter().map(|tok| TokenWithSpan::new(tok, span)));
                i = close + 1;
            }
            Some(None) => {
                return Err(other(
                    "NOT_A_CONSTANT_STRING.WRONG_TYPE",
                    "42601",
                    "The expression NULL used for the routine or clause IDENTIFIER must be a constant STRING which is NOT NULL. The data type of the expression is void.",
                )
                .with_span(to_span(span)))
            }
            // Not a constant string: left as written (a function call named IDENTIFIER).
            None => {
                out.push(t.clone());
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The value of `'a' || 'b' …` or a parameter marker: `Some(Some(s))`, `Some(None)` for
/// NULL, `None` for anything else.
fn constant_string(inner: &[TokenWithSpan], args: Option<&QueryArgs>) -> Result<Option<Option<String>>> {
    if let [one] = inner {
        match &one.token {
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("NULL") => return Ok(Some(None)),
            Token::Placeholder(p) => {
                return match marker_value(args, p)? {
                    ScalarValue::Utf8(s) => Ok(Some(s)),
                    ScalarValue::Null => Ok(Some(None)),
                    _ => Ok(None),
                }
            }
            _ => {}
        }
    }
    let mut s = String::new();
    for (k, t) in inner.iter().enumerate() {
        match (&t.token, k % 2) {
            (Token::SingleQuotedString(v) | Token::DoubleQuotedString(v), 0) => s.push_str(v),
            (Token::StringConcat, 1) => {}
            _ => return Ok(None),
        }
    }
    if inner.is_empty() || inner.len() % 2 == 0 {
        return Ok(None);
    }
    Ok(Some(Some(s)))
}

/// The tokens of a (multi-part, possibly back-quoted) identifier.
fn name_tokens(name: &str, span: Span) -> Result<Vec<Token>> {
    let toks = tokenize(name).map_err(|e| e.with_span(span))?;
    if toks.is_empty() {
        return Err(other("PARSE_EMPTY_STATEMENT", "42617", "Syntax error, unexpected empty statement.").with_span(span));
    }
    for (k, t) in toks.iter().enumerate() {
        let ok = if k % 2 == 0 { matches!(t.token, Token::Word(_)) } else { t.token == Token::Period };
        if !ok || toks.len() % 2 == 0 {
            return Err(syntax_error(format!("Syntax error at or near '{}'.", t.token)).with_span(span));
        }
    }
    Ok(toks.into_iter().map(|t| t.token).collect())
}
