//! Statements: queries, `EXPLAIN`, `DESCRIBE`, `SHOW TABLES`, `SET`, `CREATE [TEMP] VIEW`
//! (`AS query` or `USING format OPTIONS (…)`) and `DROP VIEW`. Commands sqlparser does
//! not know in Spark's form are recognised here from the tokens.

use std::collections::BTreeMap;

use ember_common::config::keys;
use ember_common::Result;
use ember_plan::{CreateView, LogicalPlan, Statement, ViewKind};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::binder::{Binder, Scope};
use crate::errors::{to_span, unsupported, ResultExt};
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
        let second = |w: &str| tokens.get(1).is_some_and(|t| is_word(t, w));
        match first.as_str() {
            "SET" => self.bind_set(sql, tokens),
            "RESET" => self.bind_reset(sql, tokens),
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
            "CREATE" if crate::catalog_statements::is_create_database(tokens) => self.bind_create_database(tokens),
            "CREATE" if crate::ddl::is_create_table(tokens) => self.bind_create_table(sql, tokens),
            "CREATE" => self.bind_create(sql, tokens),
            "INSERT" => self.bind_insert(tokens),
            "CACHE" | "UNCACHE" | "CLEAR" => self.bind_cache(tokens),
            "DROP" if second("TABLE") => self.bind_drop_table(tokens),
            "DROP" if second("DATABASE") || second("SCHEMA") || second("NAMESPACE") => self.bind_drop_database(tokens),
            "DROP" if second("VIEW") => {
                let mut c = Cursor::new(tokens);
                c.advance();
                c.expect_word("VIEW")?;
                let if_exists = c.eat_words(&["IF", "EXISTS"]);
                let (name, _) = c.table_name()?;
                c.expect_end()?;
                Ok(Statement::DropView { name, if_exists })
            }
            "SHOW" => self.bind_show(tokens),
            "USE" => self.bind_use(tokens),
            "ALTER" => self.bind_alter(sql, tokens),
            "TRUNCATE" => self.bind_truncate(tokens),
            "MSCK" => self.bind_msck(tokens),
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

    /// `SET`, `SET -v`, `SET key`, `SET key = value` (the value's text as written, quotes
    /// and all, as Spark keeps it), `SET TIME ZONE 'zone' | LOCAL | INTERVAL …`.
    fn bind_set(&self, sql: &str, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let rest = match (tokens.get(1), tokens.last()) {
            (Some(first), Some(last)) => source_text(sql, first, last).trim(),
            _ => "",
        };
        if rest.is_empty() {
            return Ok(Statement::Set { key: None, value: None, verbose: false });
        }
        if rest == "-v" {
            return Ok(Statement::Set { key: None, value: None, verbose: true });
        }
        let mut c = Cursor::new(&tokens[1..]);
        if c.eat_words(&["TIME", "ZONE"]) {
            let zone = self.time_zone_value(&mut c, tokens)?;
            c.expect_end()?;
            return Ok(Statement::Set { key: Some(keys::SESSION_TIME_ZONE.to_string()), value: Some(zone), verbose: false });
        }
        let (key, value) = match rest.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim().to_string())),
            None => (rest, None),
        };
        let key = key.strip_prefix('`').and_then(|k| k.strip_suffix('`')).unwrap_or(key);
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err(ember_common::Error::spark("INVALID_SET_SYNTAX", &[])).at(to_span(tokens[0].span));
        }
        Ok(Statement::Set { key: Some(key.to_string()), value, verbose: false })
    }

    /// The zone of `SET TIME ZONE`: a string, `LOCAL`, or an interval offset within
    /// ±18 hours.
    fn time_zone_value(&self, c: &mut Cursor, tokens: &[TokenWithSpan]) -> Result<String> {
        let at = to_span(tokens[0].span);
        if c.eat_word("LOCAL") {
            return Ok(ember_plan::datetime::local_time_zone());
        }
        if let Some(Token::SingleQuotedString(s) | Token::DoubleQuotedString(s)) = c.peek().map(|t| &t.token) {
            let s = s.clone();
            c.advance();
            return Ok(s);
        }
        if c.is_word("INTERVAL") {
            let e = crate::parser::parse_expr(c.rest())?;
            c.finish();
            let bound = self.bind_expr(&e, &crate::expr::ExprScope::new(&ember_plan::PlanSchema::empty()))?;
            let seconds = match self.catalog.fold_constant(&bound)? {
                Some(v) => interval_seconds(&v),
                None => None,
            };
            return match seconds {
                Some(secs) if secs.abs() <= 18 * 3600 => Ok(offset_text(secs)),
                _ => Err(ember_common::Error::spark("INVALID_INTERVAL_FORMAT.TIMEZONE_INTERVAL_OUT_OF_RANGE", &[("input", &e.to_string())])).at(at),
            };
        }
        Err(c.error_here())
    }

    /// `DESCRIBE [TABLE] [EXTENDED] name [column]`, `DESCRIBE [QUERY] query`,
    /// `DESCRIBE DATABASE [EXTENDED] db`, `DESCRIBE FUNCTION [EXTENDED] f`.
    fn bind_describe(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        if crate::catalog_statements::eat_database_word(&mut c) {
            let extended = c.eat_word("EXTENDED");
            let (name, _) = c.table_name()?;
            c.expect_end()?;
            return Ok(Statement::DescribeDatabase { name: name.object().to_string(), extended });
        }
        if c.eat_word("FUNCTION") {
            let extended = c.eat_word("EXTENDED");
            // a name, a quoted name or an operator (`DESCRIBE FUNCTION <=>`)
            let name: String = c
                .rest()
                .iter()
                .map(|t| match &t.token {
                    Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => s.clone(),
                    Token::Word(w) => w.value.clone(),
                    other => other.to_string(),
                })
                .collect();
            if name.is_empty() {
                return Err(c.error_here());
            }
            return Ok(Statement::DescribeFunction { name, extended });
        }
        if c.eat_word("QUERY") || starts_query(c.peek()) {
            return Ok(Statement::DescribeQuery(self.bind_query_tokens(c.rest())?));
        }
        c.eat_word("TABLE");
        let extended = c.eat_word("EXTENDED") || c.eat_word("FORMATTED");
        let (name, span) = c.table_name()?;
        let partition = if c.eat_word("PARTITION") { crate::catalog_statements::partition_spec(&mut c, true)? } else { Vec::new() };
        let column = if c.at_end() { None } else { Some(c.table_name()?.0.parts) };
        c.expect_end()?;
        self.catalog_table(&name).at(span)?;
        Ok(Statement::Describe { name, extended, partition, column })
    }

    /// `CREATE [OR REPLACE] [[GLOBAL] TEMP|TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)]
    /// [COMMENT …] [TBLPROPERTIES (…)]` followed by `AS query` or (temporary views)
    /// `USING format [OPTIONS (key value, …)]`.
    fn bind_create(&self, sql: &str, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        let replace = c.eat_words(&["OR", "REPLACE"]);
        let global = c.eat_word("GLOBAL");
        let temporary = c.eat_word("TEMP") || c.eat_word("TEMPORARY");
        if !c.eat_word("VIEW") {
            let mut words = vec!["CREATE".to_string()];
            words.extend(c.peek().map(first_word));
            return Err(ember_common::Error::unsupported(format!("the {} statement", words.join(" ").trim())))
                .at(to_span(tokens[0].span));
        }
        let kind = match (global, temporary) {
            (true, _) => ViewKind::GlobalTemporary,
            (false, true) => ViewKind::Temporary,
            (false, false) => ViewKind::Persistent,
        };
        let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
        let (name, _) = c.table_name()?;
        let whole = to_span(tokens[0].span);
        if if_not_exists && replace {
            return Err(ember_common::Error::spark("CREATE_VIEW_WITH_IF_NOT_EXISTS_AND_REPLACE", &[("viewName", &name.quoted())])).at(whole);
        }
        if if_not_exists && kind != ViewKind::Persistent {
            return Err(ember_common::Error::spark("_LEGACY_ERROR_TEMP_0053", &[])).at(whole);
        }
        let cols = if c.eat_token(&Token::LParen) { Some(c.until_close_paren()?) } else { None };
        let (mut comment, mut properties) = (None, BTreeMap::new());
        loop {
            if c.eat_word("COMMENT") {
                comment = Some(crate::catalog_statements::string_literal(&mut c)?);
            } else if c.eat_word("TBLPROPERTIES") {
                properties = parse_options(&mut c)?;
            } else if c.eat_words(&["WITH", "SCHEMA"]) {
                // WITH SCHEMA BINDING | COMPENSATION | TYPE EVOLUTION | EVOLUTION
                while !c.is_word("AS") && !c.at_end() {
                    c.advance();
                }
            } else {
                break;
            }
        }
        if c.eat_word("USING") {
            let (format, _) = c.ident()?;
            let options = if c.eat_word("OPTIONS") { lowercase_keys(parse_options(&mut c)?) } else { BTreeMap::new() };
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
            return Ok(Statement::CreateSourceView { name: name.object().to_string(), replace, format: format.to_ascii_lowercase(), options, schema_ddl });
        }
        c.expect_word("AS")?;
        let query = c.rest();
        let text = match (query.first(), query.last()) {
            (Some(f), Some(l)) => source_text(sql, f, l).to_string(),
            _ => return Err(c.error_here()),
        };
        self.temp_refs.borrow_mut().clear();
        let plan = self.bind_query_tokens(query)?;
        let temp_references = std::mem::take(&mut *self.temp_refs.borrow_mut());
        let columns = match cols {
            Some(toks) => column_names(toks)?,
            None => vec![],
        };
        Ok(Statement::CreateView(Box::new(CreateView { name, kind, replace, if_not_exists, columns, comment, properties, sql: text, plan, temp_references })))
    }
}

/// The length in seconds of a day-time interval value (`None` for other values).
fn interval_seconds(v: &ember_plan::ScalarValue) -> Option<i64> {
    match v {
        ember_plan::ScalarValue::Interval(Some(micros), t) if !t.is_year_month() && micros % 1_000_000 == 0 => Some(micros / 1_000_000),
        _ => None,
    }
}

/// `+05:30` (or `+05:30:15`) for an offset in seconds.
fn offset_text(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{sec:02}")
    }
}

/// Options with their keys lower-cased, as Spark's case-insensitive option maps read them.
pub fn lowercase_keys(options: BTreeMap<String, String>) -> BTreeMap<String, String> {
    options.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect()
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
        out.insert(key, value);
        if c.eat_token(&Token::RParen) {
            return Ok(out);
        }
        c.expect_token(&Token::Comma)?;
    }
}

/// `(a, b COMMENT 'x', c)` in `CREATE VIEW v (…) AS`: the column names and comments.
fn column_names(tokens: &[TokenWithSpan]) -> Result<Vec<(String, Option<String>)>> {
    let mut c = Cursor::new(tokens);
    let mut names = Vec::new();
    loop {
        let name = c.ident()?.0;
        let comment = if c.eat_word("COMMENT") { Some(crate::catalog_statements::string_literal(&mut c)?) } else { None };
        names.push((name, comment));
        if c.at_end() {
            return Ok(names);
        }
        c.expect_token(&Token::Comma)?;
    }
}
