//! Lexing and parsing: sqlparser's tokenizer with Spark's numeric literal suffixes
//! (`1L`, `1S`, `1Y`, `1.5D`, `1.5F`, `1.5BD`), a small cursor for the statements
//! Ember recognises itself (SET, DESCRIBE, CREATE VIEW … USING, …), and entry points
//! that run sqlparser on a slice of tokens so spans keep pointing into the original text.

use ember_common::{Error, Result, Span};
use sqlparser::ast;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::dialect::DIALECT;
use crate::errors::{end_span, parser_error, syntax_error, to_span, unexpected};

/// Tokenizes `sql`, dropping whitespace and comments and merging literal suffixes.
pub(crate) fn tokenize(sql: &str) -> Result<Vec<TokenWithSpan>> {
    let raw = Tokenizer::new(&DIALECT, sql).with_unescape(true).tokenize_with_location().map_err(|e| {
        let line = u32::try_from(e.location.line).unwrap_or(0);
        let column = u32::try_from(e.location.column).unwrap_or(0);
        syntax_error(format!("Syntax error: {}.", e.message)).with_span(Span::point(line, column))
    })?;
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(raw.len());
    for t in raw {
        if matches!(t.token, Token::Whitespace(_)) {
            continue;
        }
        if let Some(merged) = out.last_mut().and_then(|prev| merge_suffix(prev, &t)) {
            *out.last_mut().expect("checked above") = merged;
            continue;
        }
        out.push(t);
    }
    Ok(out)
}

/// `1` directly followed by `S` becomes the number `1S`, and so on.
fn merge_suffix(prev: &TokenWithSpan, next: &TokenWithSpan) -> Option<TokenWithSpan> {
    let Token::Number(n, false) = &prev.token else { return None };
    let Token::Word(w) = &next.token else { return None };
    if w.quote_style.is_some() || prev.span.end != next.span.start {
        return None;
    }
    let suffix = w.value.to_ascii_uppercase();
    if !matches!(suffix.as_str(), "L" | "S" | "Y" | "D" | "F" | "BD") {
        return None;
    }
    let mut span = prev.span;
    span.end = next.span.end;
    Some(TokenWithSpan::new(Token::Number(format!("{n}{suffix}"), false), span))
}

/// Splits tokens into statements on `;`, dropping empty ones.
pub(crate) fn split_tokens(tokens: Vec<TokenWithSpan>) -> Vec<Vec<TokenWithSpan>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for t in tokens {
        if t.token == Token::SemiColon {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(t);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn parser(tokens: &[TokenWithSpan]) -> Parser<'static> {
    let tokens = crate::sample::move_derived_samples(crate::lateral_view::with_explicit_aliases(tokens));
    let tokens = crate::pivot::wrap_values_before_pivot(crate::pipe::parenthesize_set_operands(tokens));
    Parser::new(&DIALECT).with_tokens_with_locations(crate::star_except::strip_except_qualifiers(tokens))
}

/// Fails unless the parser consumed every token.
fn expect_end(p: &Parser, tokens: &[TokenWithSpan]) -> Result<()> {
    let next = p.peek_token();
    if next.token == Token::EOF {
        Ok(())
    } else {
        Err(unexpected(Some(&next), end_span(tokens)))
    }
}

/// A parse failure as Spark reports it: `SELECT a, FROM t` is TRAILING_COMMA_IN_SELECT
/// (Spark parses `FROM` as a column there, then names the mistake), anything else a
/// syntax error at the offending token.
fn parse_failure(err: sqlparser::parser::ParserError, tokens: &[TokenWithSpan]) -> Error {
    // `LATERAL t`: LATERAL takes a subquery or a table function only.
    let lateral = (0..tokens.len()).find(|&i| {
        is_word(&tokens[i], "LATERAL")
            && tokens.get(i + 1).is_some_and(|t| matches!(t.token, Token::Word(_)) && !is_word(t, "VIEW"))
            && tokens.get(i + 2).is_none_or(|t| t.token != Token::LParen)
    });
    if let Some(w) = lateral.map(|i| &tokens[i..]) {
        return crate::errors::other(
            "INVALID_SQL_SYNTAX.LATERAL_WITHOUT_SUBQUERY_OR_TABLE_VALUED_FUNC",
            "42000",
            "Invalid SQL syntax: LATERAL can only be used with subquery and table-valued functions.",
        )
        .with_span(to_span(w[0].span));
    }
    let trailing = tokens.windows(2).find(|w| w[0].token == Token::Comma && is_word(&w[1], "FROM"));
    match trailing {
        Some(w) => crate::errors::other(
            "TRAILING_COMMA_IN_SELECT",
            "42601",
            "Trailing comma detected in SELECT clause. Remove the trailing comma before the FROM clause.",
        )
        .with_span(to_span(w[1].span)),
        None => parser_error(err, tokens),
    }
}

/// Parses `tokens` as exactly one query.
pub(crate) fn parse_query(tokens: &[TokenWithSpan]) -> Result<Box<ast::Query>> {
    let mut p = parser(tokens);
    let q = p.parse_query().map_err(|e| parse_failure(e, tokens))?;
    expect_end(&p, tokens)?;
    crate::depth::check_query(&q)?;
    Ok(q)
}

/// Parses `tokens` as exactly one statement.
pub(crate) fn parse_statement(tokens: &[TokenWithSpan]) -> Result<ast::Statement> {
    let mut p = parser(tokens);
    let s = p.parse_statement().map_err(|e| parse_failure(e, tokens))?;
    expect_end(&p, tokens)?;
    if let ast::Statement::Query(q) = &s {
        crate::depth::check_query(q)?;
    }
    Ok(s)
}

/// Parses `tokens` as one select item: an expression with an optional alias, or `*`.
pub(crate) fn parse_select_item(tokens: &[TokenWithSpan]) -> Result<ast::SelectItem> {
    let mut p = parser(tokens);
    let item = p.parse_select_item().map_err(|e| parser_error(e, tokens))?;
    expect_end(&p, tokens)?;
    if let ast::SelectItem::UnnamedExpr(e) | ast::SelectItem::ExprWithAlias { expr: e, .. } = &item {
        crate::depth::check_expr(e)?;
    }
    Ok(item)
}

/// Parses `tokens` as one expression.
pub(crate) fn parse_expr(tokens: &[TokenWithSpan]) -> Result<ast::Expr> {
    let mut p = parser(tokens);
    let e = p.parse_expr().map_err(|e| parser_error(e, tokens))?;
    expect_end(&p, tokens)?;
    crate::depth::check_expr(&e)?;
    Ok(e)
}

/// A cursor over tokens for the statements Ember parses by hand.
pub(crate) struct Cursor<'t> {
    tokens: &'t [TokenWithSpan],
    pos: usize,
}

impl<'t> Cursor<'t> {
    pub fn new(tokens: &'t [TokenWithSpan]) -> Self {
        Cursor { tokens, pos: 0 }
    }

    pub fn peek(&self) -> Option<&'t TokenWithSpan> {
        self.tokens.get(self.pos)
    }

    pub fn peek_nth(&self, n: usize) -> Option<&'t TokenWithSpan> {
        self.tokens.get(self.pos + n)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// The tokens not consumed yet.
    /// Moves past every remaining token.
    pub fn finish(&mut self) {
        self.pos = self.tokens.len();
    }

    /// The remaining tokens; the cursor moves past them.
    pub fn rest_and_finish(&mut self) -> &'t [TokenWithSpan] {
        let rest = self.rest();
        self.finish();
        rest
    }

    pub fn rest(&self) -> &'t [TokenWithSpan] {
        &self.tokens[self.pos.min(self.tokens.len())..]
    }

    pub fn advance(&mut self) -> Option<&'t TokenWithSpan> {
        let t = self.tokens.get(self.pos);
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// Steps back one token.
    pub fn retreat(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// True if the next token is the unquoted word `kw` (any case).
    pub fn is_word(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| is_word(t, kw))
    }

    pub fn eat_word(&mut self, kw: &str) -> bool {
        if self.is_word(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes all of `kws` in order, or nothing.
    pub fn eat_words(&mut self, kws: &[&str]) -> bool {
        let all = kws.iter().enumerate().all(|(i, kw)| self.peek_nth(i).is_some_and(|t| is_word(t, kw)));
        if all {
            self.pos += kws.len();
        }
        all
    }

    pub fn expect_word(&mut self, kw: &str) -> Result<()> {
        if self.eat_word(kw) {
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    pub fn eat_token(&mut self, token: &Token) -> bool {
        if self.peek().is_some_and(|t| &t.token == token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect_token(&mut self, token: &Token) -> Result<()> {
        if self.eat_token(token) {
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    /// A syntax error at the next token.
    pub fn error_here(&self) -> Error {
        unexpected(self.peek(), end_span(self.tokens))
    }

    /// Fails unless every token was consumed.
    pub fn expect_end(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    /// One identifier (quoted or not).
    pub fn ident(&mut self) -> Result<(String, Span)> {
        match self.peek() {
            Some(TokenWithSpan { token: Token::Word(w), span }) => {
                self.pos += 1;
                Ok((w.value.clone(), to_span(*span)))
            }
            _ => Err(self.error_here()),
        }
    }

    /// A dotted name `a.b.c`, joined with dots, and its span.
    pub fn dotted_name(&mut self) -> Result<(String, Span)> {
        let (mut name, mut span) = self.ident()?;
        while self.eat_token(&Token::Period) {
            let (part, s) = self.ident()?;
            name.push('.');
            name.push_str(&part);
            span.end_line = s.end_line;
            span.end_column = s.end_column;
        }
        Ok((name, span))
    }

    /// A multi-part name `a.b.c` (a table, view or database) and its span.
    pub fn table_name(&mut self) -> Result<(ember_plan::TableName, Span)> {
        let (first, mut span) = self.ident()?;
        let mut parts = vec![first];
        while self.eat_token(&Token::Period) {
            let (part, s) = self.ident()?;
            parts.push(part);
            span.end_line = s.end_line;
            span.end_column = s.end_column;
        }
        Ok((ember_plan::TableName::new(parts), span))
    }

    /// Tokens up to the `)` matching an already consumed `(`; the cursor ends after it.
    pub fn until_close_paren(&mut self) -> Result<&'t [TokenWithSpan]> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(t) = self.advance() {
            match t.token {
                Token::LParen => depth += 1,
                Token::RParen if depth == 0 => return Ok(&self.tokens[start..self.pos - 1]),
                Token::RParen => depth -= 1,
                _ => {}
            }
        }
        Err(unexpected(None, end_span(self.tokens)))
    }
}


/// True if `t` is the unquoted word `kw` (any case).
pub(crate) fn is_word(t: &TokenWithSpan, kw: &str) -> bool {
    matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
}

/// The byte offset of a 1-based (line, column) position in `sql` (columns count chars).
pub(crate) fn byte_offset(sql: &str, line: u64, column: u64) -> usize {
    let mut cur_line = 1u64;
    let mut cur_col = 1u64;
    for (i, ch) in sql.char_indices() {
        if cur_line == line && cur_col == column {
            return i;
        }
        if cur_line > line {
            return i;
        }
        if ch == '\n' {
            cur_line += 1;
            cur_col = 1;
        } else {
            cur_col += 1;
        }
    }
    sql.len()
}

/// The source text from the start of `first` to the end of `last`.
pub(crate) fn source_text<'s>(sql: &'s str, first: &TokenWithSpan, last: &TokenWithSpan) -> &'s str {
    let a = byte_offset(sql, first.span.start.line, first.span.start.column);
    let b = byte_offset(sql, last.span.end.line, last.span.end.column);
    sql.get(a..b.max(a)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        tokenize(sql).unwrap().iter().map(|t| t.token.to_string()).collect()
    }

    #[test]
    fn merges_spark_literal_suffixes() {
        assert_eq!(texts("SELECT 1S, 2y, 1.5bd, 3 D"), ["SELECT", "1S", ",", "2Y", ",", "1.5BD", ",", "3", "D"]);
        assert_eq!(texts("SELECT 1L -- c\n"), ["SELECT", "1L"]);
    }

    #[test]
    fn byte_offsets_follow_lines() {
        let sql = "SELECT\n  ä, b";
        assert_eq!(&sql[byte_offset(sql, 2, 3)..], "ä, b");
        assert_eq!(&sql[byte_offset(sql, 2, 4)..], ", b");
    }

    #[test]
    fn splits_on_semicolons() {
        let parts = split_tokens(tokenize("SELECT 1;; SELECT ';'; ").unwrap());
        assert_eq!(parts.len(), 2);
    }
}
