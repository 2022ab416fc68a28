//! Table statements: `CREATE TABLE … USING … [AS query]`, `INSERT INTO|OVERWRITE`,
//! `DROP TABLE`, `SHOW CREATE TABLE`, and the cache commands `CACHE [LAZY] TABLE`,
//! `UNCACHE TABLE`, `CLEAR CACHE`. Parsed from tokens in Spark's syntax; queries are
//! bound as usual and the session runs the statement.

use std::collections::BTreeMap;

use ember_common::Result;
use ember_plan::{CreateTable, InsertInto, PartitionValue, Statement};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::binder::Binder;
use crate::errors::{other, to_span, unsupported, ResultExt};
use crate::parser::{is_word, source_text, Cursor};
use crate::statement::parse_options;
use crate::types::parse_ddl_schema_with_tz;

/// True for `CREATE [OR REPLACE] [EXTERNAL] TABLE …`.
pub(crate) fn is_create_table(tokens: &[TokenWithSpan]) -> bool {
    tokens
        .iter()
        .skip(1)
        .take(4)
        .take_while(|t| !is_word(t, "VIEW"))
        .any(|t| is_word(t, "TABLE"))
}

/// `(a, b)`: identifiers in parentheses.
fn ident_list(c: &mut Cursor) -> Result<Vec<String>> {
    c.expect_token(&Token::LParen)?;
    let mut out = Vec::new();
    loop {
        out.push(c.ident()?.0);
        if c.eat_token(&Token::RParen) {
            return Ok(out);
        }
        c.expect_token(&Token::Comma)?;
    }
}

impl Binder<'_> {
    pub(crate) fn bind_create_table(
        &self,
        sql: &str,
        tokens: &[TokenWithSpan],
    ) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        let replace = c.eat_words(&["OR", "REPLACE"]);
        c.eat_word("EXTERNAL");
        c.expect_word("TABLE")?;
        let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
        let (name, _) = c.table_name()?;
        let mut create = CreateTable {
            name,
            if_not_exists,
            replace,
            schema_ddl: None,
            provider: None,
            partition_by: vec![],
            location: None,
            options: BTreeMap::new(),
            properties: BTreeMap::new(),
            comment: None,
            query: None,
        };
        if c.eat_token(&Token::LParen) {
            let toks = c.until_close_paren()?;
            if let (Some(first), Some(last)) = (toks.first(), toks.last()) {
                let ddl = source_text(sql, first, last).to_string();
                parse_ddl_schema_with_tz(&ddl, &self.time_zone()).at(to_span(first.span))?;
                create.schema_ddl = Some(ddl);
            }
        }
        loop {
            let at = c.peek().map(|t| to_span(t.span)).unwrap_or_default();
            if c.eat_word("USING") {
                create.provider = Some(c.ident()?.0.to_ascii_lowercase());
            } else if c.eat_words(&["PARTITIONED", "BY"]) {
                create.partition_by = ident_list(&mut c)?;
            } else if c.eat_word("LOCATION") {
                create.location = Some(crate::catalog_statements::string_literal(&mut c)?);
            } else if c.eat_word("OPTIONS") {
                create.options = parse_options(&mut c)?;
            } else if c.eat_word("TBLPROPERTIES") {
                create.properties = parse_options(&mut c)?;
            } else if c.eat_word("COMMENT") {
                create.comment = Some(crate::catalog_statements::string_literal(&mut c)?);
            } else if c.eat_word("AS") {
                if create.schema_ddl.is_some() {
                    return Err(other(
                        "_LEGACY_ERROR_TEMP_0035",
                        "42000",
                        "Operation not allowed: Schema may not be specified in a Create Table As Select (CTAS) statement.",
                    ))
                    .at(at);
                }
                create.query = Some(self.bind_query_tokens(c.rest())?);
                break;
            } else if c.at_end() {
                break;
            } else if c.is_word("CLUSTERED") || c.is_word("STORED") || c.is_word("ROW") {
                return Err(unsupported(format!(
                    "the clause {} in CREATE TABLE",
                    c.peek().map(|t| t.token.to_string()).unwrap_or_default()
                )))
                .at(at);
            } else if c
                .peek()
                .is_some_and(|t| t.token == Token::LParen || is_word(t, "SELECT"))
            {
                // `CREATE TABLE t SELECT …` without AS is not Spark syntax either.
                return Err(c.error_here());
            } else {
                return Err(c.error_here());
            }
        }
        if let Some(p) = &create.provider {
            if !matches!(p.as_str(), "parquet" | "csv" | "json") {
                return Err(other("DATA_SOURCE_NOT_FOUND", "42K02", format!("Failed to find the data source: {p}. Supported table formats: parquet, csv, json.")))
                    .at(tokens.iter().find(|t| is_word(t, "USING")).map(|t| to_span(t.span)).unwrap_or_default());
            }
        }
        Ok(Statement::CreateTable(Box::new(create)))
    }

    /// `INSERT INTO|OVERWRITE [TABLE] name [PARTITION (k = v, k2)] query`.
    pub(crate) fn bind_insert(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        let overwrite = if c.eat_word("OVERWRITE") {
            true
        } else {
            c.expect_word("INTO")?;
            false
        };
        c.eat_word("TABLE");
        let (table, _) = c.table_name()?;
        let mut partition = Vec::new();
        if c.eat_word("PARTITION") {
            c.expect_token(&Token::LParen)?;
            loop {
                let (col, _) = c.ident()?;
                let value = if c.eat_token(&Token::Eq) {
                    match c.advance().map(|t| &t.token) {
                        Some(Token::SingleQuotedString(s)) | Some(Token::DoubleQuotedString(s)) => {
                            PartitionValue::Static(Some(s.clone()))
                        }
                        Some(Token::Number(n, _)) => PartitionValue::Static(Some(n.clone())),
                        Some(Token::Minus) => match c.advance().map(|t| &t.token) {
                            Some(Token::Number(n, _)) => {
                                PartitionValue::Static(Some(format!("-{n}")))
                            }
                            _ => return Err(c.error_here()),
                        },
                        Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("NULL") => {
                            PartitionValue::Static(None)
                        }
                        Some(Token::Word(w))
                            if w.value.eq_ignore_ascii_case("TRUE")
                                || w.value.eq_ignore_ascii_case("FALSE") =>
                        {
                            PartitionValue::Static(Some(w.value.to_ascii_lowercase()))
                        }
                        _ => {
                            c.retreat();
                            return Err(c.error_here());
                        }
                    }
                } else {
                    PartitionValue::Dynamic
                };
                partition.push((col, value));
                if c.eat_token(&Token::RParen) {
                    break;
                }
                c.expect_token(&Token::Comma)?;
            }
        }
        if c.peek().is_some_and(|t| t.token == Token::LParen) && c.peek_nth(1).is_some_and(|t| matches!(&t.token, Token::Word(w) if !["SELECT", "WITH", "VALUES", "FROM"].contains(&w.value.to_ascii_uppercase().as_str()))) {
            return Err(unsupported("INSERT with a column list")).at(to_span(c.peek().map(|t| t.span).unwrap_or(tokens[0].span)));
        }
        if c.at_end() {
            return Err(c.error_here());
        }
        let query = self.bind_query_tokens(c.rest())?;
        Ok(Statement::Insert(Box::new(InsertInto {
            table,
            overwrite,
            partition,
            query,
        })))
    }

    /// `DROP TABLE [IF EXISTS] name`.
    pub(crate) fn bind_drop_table(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        c.expect_word("TABLE")?;
        let if_exists = c.eat_words(&["IF", "EXISTS"]);
        let (name, _) = c.table_name()?;
        c.eat_word("PURGE");
        c.expect_end()?;
        Ok(Statement::DropTable { name, if_exists })
    }

    /// `CACHE [LAZY] TABLE name [OPTIONS (…)] [[AS] query]`, `UNCACHE TABLE [IF EXISTS]
    /// name`, `CLEAR CACHE`.
    pub(crate) fn bind_cache(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        let first = c.advance();
        if first.is_some_and(|t| is_word(t, "CLEAR")) {
            c.expect_word("CACHE")?;
            c.expect_end()?;
            return Ok(Statement::ClearCache);
        }
        if first.is_some_and(|t| is_word(t, "UNCACHE")) {
            c.expect_word("TABLE")?;
            let if_exists = c.eat_words(&["IF", "EXISTS"]);
            let (name, _) = c.table_name()?;
            c.expect_end()?;
            return Ok(Statement::UncacheTable { name, if_exists });
        }
        let lazy = c.eat_word("LAZY");
        c.expect_word("TABLE")?;
        let (name, span) = c.table_name()?;
        if c.eat_word("OPTIONS") {
            parse_options(&mut c)?;
        }
        if c.at_end() {
            self.catalog_table(&name).at(span)?;
            return Ok(Statement::CacheTable { name, lazy, plan: None });
        }
        c.eat_word("AS");
        let plan = self.bind_query_tokens(c.rest())?;
        Ok(Statement::CacheTable { name, lazy, plan: Some(plan) })
    }
}
