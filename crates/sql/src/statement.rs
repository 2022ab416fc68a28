//! Statements: queries, `EXPLAIN`, `DESCRIBE`, `SHOW TABLES`, `SET`, `CREATE [TEMP] VIEW`
//! (`AS query` or `USING format OPTIONS (…)`) and `DROP VIEW`. Commands sqlparser does
//! not know in Spark's form are recognised here from the tokens.

use std::collections::BTreeMap;

use ember_common::config::keys;
use ember_common::Result;
use ember_plan::{LogicalPlan, LogicalPlanBuilder, Statement};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::binder::{Binder, Scope};
use crate::errors::{syntax_error, to_span, unsupported, ResultExt};
use crate::parser::{is_word, parse_query, parse_statement, source_text, Cursor};
use crate::types::parse_ddl_schema_with_tz;

const QUERY_START: [&str; 4] = ["SELECT", "WITH", "VALUES", "FROM"];

fn starts_query(t: Option<&TokenWithSpan>) -> bool {
    t.is_some_and(|t| t.token == Token::LParen || QUERY_START.iter().any(|k| is_word(t, k)))
}

fn first_word(t: &TokenWithSpan) -> String {
    match &t.token {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => String::new(),
    }
}

impl Binder<'_> {
    pub(crate) fn bind_statement(&self, sql: &str, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let first = tokens.first().map(first_word).unwrap_or_default();
        match first.as_str() {
            "SET" => self.bind_set(sql, tokens),
            "EXPLAIN" => {
                let mut c = Cursor::new(tokens);
                c.advance();
                let extended = c.eat_word("EXTENDED");
                if !extended {
                    let _ = c.eat_word("FORMATTED") || c.eat_word("COST") || c.eat_word("CODEGEN") || c.eat_word("LOGICAL");
                }
                if !starts_query(c.peek()) {
                    return Err(unsupported("EXPLAIN of statements other than queries")).at(c.peek().map(|t| to_span(t.span)).unwrap_or_default());
                }
                Ok(Statement::Explain { extended, plan: self.bind_query_tokens(c.rest())? })
            }
            "DESCRIBE" | "DESC" => self.bind_describe(tokens),
            "CREATE" if crate::ddl::is_create_table(tokens) => self.bind_create_table(sql, tokens),
            "INSERT" => self.bind_insert(tokens),
            "CACHE" | "UNCACHE" | "CLEAR" => self.bind_cache(tokens),
            "DROP" if tokens.get(1).is_some_and(|t| is_word(t, "TABLE")) => self.bind_drop_table(tokens),
            "SHOW" if tokens.get(1).is_some_and(|t| is_word(t, "CREATE")) => self.bind_show_create(tokens),
            "SHOW" => {
                let mut c = Cursor::new(tokens);
                if c.eat_words(&["SHOW", "TABLES"]) && c.at_end() {
                    Ok(Statement::ShowTables)
                } else {
                    let what: Vec<String> = tokens.iter().take(2).map(|t| t.token.to_string().to_ascii_uppercase()).collect();
                    Err(unsupported(format!("the {} statement", what.join(" ")))).at(to_span(tokens[0].span))
                }
            }
            "CREATE" => self.bind_create(sql, tokens),
            "DROP" => {
                let mut c = Cursor::new(tokens);
                c.advance();
                if !(c.eat_word("VIEW") || c.eat_word("TABLE")) {
                    return Err(self.unsupported_statement(tokens));
                }
                let if_exists = c.eat_words(&["IF", "EXISTS"]);
                let (name, _) = c.dotted_name()?;
                c.expect_end()?;
                Ok(Statement::DropView { name, if_exists })
            }
            _ if starts_query(tokens.first()) => Ok(Statement::Query(self.bind_query_tokens(tokens)?)),
            _ => match parse_statement(tokens)? {
                sqlparser::ast::Statement::Query(q) => Ok(Statement::Query(self.bind_query(&q, &Scope::root())?)),
                _ => Err(self.unsupported_statement(tokens)),
            },
        }
    }

    fn unsupported_statement(&self, tokens: &[TokenWithSpan]) -> ember_common::Error {
        let words: Vec<String> = tokens.iter().take(2).map(first_word).filter(|w| !w.is_empty()).collect();
        let name = match words.first().map(|s| s.as_str()) {
            Some("CREATE" | "DROP" | "ALTER" | "SHOW") => words.join(" "),
            Some(w) => w.to_string(),
            None => "this".to_string(),
        };
        unsupported(format!("the {name} statement")).with_span(tokens.first().map(|t| to_span(t.span)).unwrap_or_default())
    }

    pub(crate) fn bind_query_tokens(&self, tokens: &[TokenWithSpan]) -> Result<LogicalPlan> {
        let q = parse_query(tokens)?;
        self.bind_query(&q, &Scope::root())
    }

    /// `SET`, `SET key`, `SET key = value` (value taken verbatim, quotes removed),
    /// `SET TIME ZONE 'zone'`.
    fn bind_set(&self, sql: &str, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let rest = match (tokens.get(1), tokens.last()) {
            (Some(first), Some(last)) => source_text(sql, first, last).trim(),
            _ => "",
        };
        if rest.is_empty() || rest == "-v" {
            return Ok(Statement::Set { key: None, value: None });
        }
        let mut c = Cursor::new(&tokens[1..]);
        if c.eat_words(&["TIME", "ZONE"]) {
            let value = match c.advance().map(|t| &t.token) {
                Some(Token::SingleQuotedString(s)) | Some(Token::DoubleQuotedString(s)) => s.clone(),
                _ => return Err(unsupported("SET TIME ZONE without a zone name")).at(to_span(tokens[0].span)),
            };
            c.expect_end()?;
            return Ok(Statement::Set { key: Some(keys::SESSION_TIME_ZONE.to_string()), value: Some(value) });
        }
        let (key, value) = match rest.split_once('=') {
            Some((k, v)) => (k.trim(), Some(unquote(v.trim()).to_string())),
            None => (rest, None),
        };
        let key = key.trim_matches('`');
        if key.is_empty() {
            return Err(syntax_error("Syntax error at or near '='.")).at(to_span(tokens[0].span));
        }
        Ok(Statement::Set { key: Some(key.to_string()), value })
    }

    /// `DESCRIBE [TABLE] [EXTENDED] name`, `DESCRIBE [QUERY] query`.
    fn bind_describe(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        if c.eat_word("QUERY") || starts_query(c.peek()) {
            return Ok(Statement::DescribeQuery(self.bind_query_tokens(c.rest())?));
        }
        c.eat_word("TABLE");
        let extended = c.eat_word("EXTENDED") || c.eat_word("FORMATTED");
        let (name, span) = c.dotted_name()?;
        if !c.at_end() {
            return Err(unsupported("DESCRIBE of a column")).at(c.peek().map(|t| to_span(t.span)).unwrap_or_default());
        }
        if self.catalog.table(&name).at(span)?.is_none() {
            return Err(self.table_not_found(&name, &Scope::root()).with_span(span));
        }
        Ok(Statement::Describe { name, extended })
    }

    /// `CREATE [OR REPLACE] [GLOBAL] [TEMP|TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)]`
    /// followed by `AS query` or `USING format [OPTIONS (key value, …)]`.
    fn bind_create(&self, sql: &str, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        let replace = c.eat_words(&["OR", "REPLACE"]);
        c.eat_word("GLOBAL");
        let temporary = c.eat_word("TEMP") || c.eat_word("TEMPORARY");
        if !c.eat_word("VIEW") {
            let mut words = vec!["CREATE".to_string()];
            words.extend(c.peek().map(first_word));
            return Err(ember_common::Error::unsupported(format!("the {} statement", words.join(" ").trim())))
                .at(to_span(tokens[0].span));
        }
        let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
        let statement_span = to_span(tokens[0].span);
        if if_not_exists && replace {
            return Err(crate::errors::other(
                "CREATE_VIEW_WITH_IF_NOT_EXISTS_AND_REPLACE",
                "42601",
                "CREATE VIEW with both IF NOT EXISTS and REPLACE is not allowed.",
            ))
            .at(statement_span);
        }
        if if_not_exists && temporary {
            return Err(ember_common::Error::legacy("_LEGACY_ERROR_TEMP_0053", "It is not allowed to define a TEMPORARY view with IF NOT EXISTS."))
                .at(statement_span);
        }
        let (name, _) = c.dotted_name()?;
        let cols = if c.eat_token(&Token::LParen) { Some(c.until_close_paren()?) } else { None };
        if c.eat_word("COMMENT") {
            c.advance();
        }
        if c.eat_word("USING") {
            let (format, _) = c.ident()?;
            let options = if c.eat_word("OPTIONS") { parse_options(&mut c)? } else { BTreeMap::new() };
            c.expect_end()?;
            let schema_ddl = match cols {
                Some(toks) if !toks.is_empty() => {
                    let ddl = source_text(sql, &toks[0], &toks[toks.len() - 1]).to_string();
                    let span = to_span(toks[0].span);
                    parse_ddl_schema_with_tz(&ddl, &self.time_zone()).at(span)?;
                    Some(ddl)
                }
                _ => None,
            };
            return Ok(Statement::CreateSourceView { name, replace, format: format.to_ascii_lowercase(), options, schema_ddl });
        }
        c.expect_word("AS")?;
        let mut plan = self.bind_query_tokens(c.rest())?;
        if let Some(toks) = cols {
            let names = column_names(toks)?;
            let span = toks.first().map(|t| to_span(t.span)).unwrap_or_default();
            plan = LogicalPlanBuilder::from(plan).rename_columns(&names).at(span)?.build();
        }
        Ok(Statement::CreateView { name, replace, if_not_exists, plan })
    }
}

/// `(key [=] value, …)` after OPTIONS; keys lower-cased, values as text.
pub(crate) fn parse_options(c: &mut Cursor) -> Result<BTreeMap<String, String>> {
    c.expect_token(&Token::LParen)?;
    let mut out = BTreeMap::new();
    if c.eat_token(&Token::RParen) {
        return Ok(out);
    }
    loop {
        let key = match c.peek().map(|t| &t.token) {
            Some(Token::SingleQuotedString(s)) | Some(Token::DoubleQuotedString(s)) => {
                let s = s.clone();
                c.advance();
                s
            }
            _ => c.dotted_name()?.0,
        };
        c.eat_token(&Token::Eq);
        let value = match c.advance().map(|t| &t.token) {
            Some(Token::SingleQuotedString(s)) | Some(Token::DoubleQuotedString(s)) => s.clone(),
            Some(Token::Number(n, long)) => format!("{n}{}", if *long { "L" } else { "" }),
            Some(Token::Word(w)) => w.value.clone(),
            _ => {
                c.retreat();
                return Err(c.error_here());
            }
        };
        out.insert(key.to_ascii_lowercase(), value);
        if c.eat_token(&Token::RParen) {
            return Ok(out);
        }
        c.expect_token(&Token::Comma)?;
    }
}

/// `(a, b COMMENT 'x', c)` in `CREATE VIEW v (…) AS`: the column names.
fn column_names(tokens: &[TokenWithSpan]) -> Result<Vec<String>> {
    let mut c = Cursor::new(tokens);
    let mut names = Vec::new();
    loop {
        names.push(c.ident()?.0);
        if c.eat_word("COMMENT") {
            c.advance();
        }
        if c.at_end() {
            return Ok(names);
        }
        c.expect_token(&Token::Comma)?;
    }
}

fn unquote(s: &str) -> &str {
    for q in ['\'', '"', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}
