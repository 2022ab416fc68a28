//! Catalog statements parsed from tokens in Spark's syntax: databases (`CREATE |
//! DROP | USE | ALTER | DESCRIBE DATABASE`), `SHOW TABLES | VIEWS | DATABASES | COLUMNS |
//! TBLPROPERTIES | PARTITIONS`, `ALTER TABLE | VIEW`, `TRUNCATE TABLE` and `RESET`.
//! Names are checked by the session when the statement runs.

use std::collections::BTreeMap;

use ember_common::Result;
use ember_plan::{AlterTableAction, PartitionSpec, Statement, TableName};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::binder::Binder;
use crate::errors::{to_span, unsupported, ResultExt};
use crate::parser::{is_word, source_text, Cursor};
use crate::statement::parse_options;
use crate::types::parse_ddl_schema_with_tz;

/// A string literal at the cursor.
pub(crate) fn string_literal(c: &mut Cursor) -> Result<String> {
    match c.peek().map(|t| &t.token) {
        Some(Token::SingleQuotedString(s)) | Some(Token::DoubleQuotedString(s)) => {
            let s = s.clone();
            c.advance();
            Ok(s)
        }
        _ => Err(c.error_here()),
    }
}

/// `DATABASE`, `SCHEMA` or `NAMESPACE`.
pub(crate) fn eat_database_word(c: &mut Cursor) -> bool {
    c.eat_word("DATABASE") || c.eat_word("SCHEMA") || c.eat_word("NAMESPACE")
}

/// `(k = v, …)`: a partition spec; values are literals (`NULL` → `None`).
pub(crate) fn partition_spec(c: &mut Cursor, values_required: bool) -> Result<PartitionSpec> {
    c.expect_token(&Token::LParen)?;
    let mut out = Vec::new();
    loop {
        let (col, _) = c.ident()?;
        let value = if c.eat_token(&Token::Eq) {
            literal_text(c)?
        } else if values_required {
            return Err(c.error_here());
        } else {
            None
        };
        out.push((col, value));
        if c.eat_token(&Token::RParen) {
            return Ok(out);
        }
        c.expect_token(&Token::Comma)?;
    }
}

/// A literal's text as a partition value: strings, numbers (signed), booleans,
/// `DATE'…'`-style typed literals; `NULL` is `None`.
pub(crate) fn literal_text(c: &mut Cursor) -> Result<Option<String>> {
    Ok(match c.advance().map(|t| &t.token) {
        Some(Token::SingleQuotedString(s)) | Some(Token::DoubleQuotedString(s)) => Some(s.clone()),
        Some(Token::Number(n, _)) => Some(n.trim_end_matches(['L', 'S', 'Y', 'D', 'F']).to_string()),
        Some(Token::Minus) => match c.advance().map(|t| &t.token) {
            Some(Token::Number(n, _)) => Some(format!("-{}", n.trim_end_matches(['L', 'S', 'Y', 'D', 'F']))),
            _ => return Err(c.error_here()),
        },
        Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("NULL") => None,
        Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("TRUE") || w.value.eq_ignore_ascii_case("FALSE") => Some(w.value.to_ascii_lowercase()),
        Some(Token::Word(w)) if ["DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ"].contains(&w.value.to_ascii_uppercase().as_str()) => {
            Some(string_literal(c)?)
        }
        _ => {
            c.retreat();
            return Err(c.error_here());
        }
    })
}

/// `[IN | FROM db] [[LIKE] 'pattern']` after SHOW TABLES / VIEWS.
fn in_database_like(c: &mut Cursor) -> Result<(Option<String>, Option<String>)> {
    let database = if c.eat_word("IN") || c.eat_word("FROM") { Some(c.table_name()?.0.parts.join(".")) } else { None };
    c.eat_word("LIKE");
    let pattern = if c.at_end() { None } else { Some(string_literal(c)?) };
    c.expect_end()?;
    Ok((database, pattern))
}

impl Binder<'_> {
    /// `SHOW …`.
    pub(crate) fn bind_show(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        if c.eat_word("TABLES") {
            let (database, pattern) = in_database_like(&mut c)?;
            return Ok(Statement::ShowTables { database, pattern });
        }
        if c.eat_word("VIEWS") {
            let (database, pattern) = in_database_like(&mut c)?;
            return Ok(Statement::ShowViews { database, pattern });
        }
        if c.eat_word("DATABASES") || c.eat_word("SCHEMAS") || c.eat_word("NAMESPACES") {
            c.eat_word("LIKE");
            let pattern = if c.at_end() { None } else { Some(string_literal(&mut c)?) };
            c.expect_end()?;
            return Ok(Statement::ShowDatabases { pattern });
        }
        let scope = ["USER", "SYSTEM", "ALL"].into_iter().find(|w| c.eat_word(w));
        if c.eat_word("FUNCTIONS") {
            if c.eat_word("IN") || c.eat_word("FROM") {
                c.table_name()?;
            }
            c.eat_word("LIKE");
            let pattern = if c.at_end() { None } else { Some(string_literal(&mut c)?) };
            c.expect_end()?;
            return Ok(Statement::ShowFunctions { user: scope == Some("USER"), pattern });
        }
        if scope.is_some() {
            return Err(c.error_here());
        }
        if c.eat_word("COLUMNS") {
            if !(c.eat_word("IN") || c.eat_word("FROM")) {
                return Err(c.error_here());
            }
            let (mut table, _) = c.table_name()?;
            if c.eat_word("IN") || c.eat_word("FROM") {
                let (db, _) = c.table_name()?;
                let db = db.parts.join(".");
                if table.parts.len() > 1 && !table.parts[table.parts.len() - 2].eq_ignore_ascii_case(&db) {
                    return Err(ember_common::Error::spark(
                        "SHOW_COLUMNS_WITH_CONFLICT_NAMESPACE",
                        &[("namespaceA", &format!("`{}`", table.parts[table.parts.len() - 2].to_ascii_lowercase())), ("namespaceB", &format!("`{}`", db.to_ascii_lowercase()))],
                    ));
                }
                table = TableName::new(vec![db, table.object().to_string()]);
            }
            c.expect_end()?;
            return Ok(Statement::ShowColumns { table });
        }
        if c.eat_word("TBLPROPERTIES") {
            let (table, _) = c.table_name()?;
            let key = if c.eat_token(&Token::LParen) {
                let k = match c.peek().map(|t| &t.token) {
                    Some(Token::SingleQuotedString(_)) | Some(Token::DoubleQuotedString(_)) => string_literal(&mut c)?,
                    _ => c.dotted_name()?.0,
                };
                c.expect_token(&Token::RParen)?;
                Some(k)
            } else {
                None
            };
            c.expect_end()?;
            return Ok(Statement::ShowTblProperties { table, key });
        }
        if c.eat_word("PARTITIONS") {
            let (table, _) = c.table_name()?;
            let spec = if c.eat_word("PARTITION") { partition_spec(&mut c, true)? } else { vec![] };
            c.expect_end()?;
            return Ok(Statement::ShowPartitions { table, spec });
        }
        if c.eat_word("CREATE") {
            c.expect_word("TABLE")?;
            let (name, _) = c.table_name()?;
            c.eat_words(&["AS", "SERDE"]);
            c.expect_end()?;
            return Ok(Statement::ShowCreateTable { name });
        }
        let what: Vec<String> = tokens.iter().take(2).map(|t| t.token.to_string().to_ascii_uppercase()).collect();
        Err(unsupported(format!("the {} statement", what.join(" ")))).at(to_span(tokens[0].span))
    }

    /// `CREATE DATABASE|SCHEMA [IF NOT EXISTS] db [COMMENT …] [LOCATION …] [WITH DBPROPERTIES (…)]`.
    pub(crate) fn bind_create_database(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        eat_database_word(&mut c);
        let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
        let (name, span) = c.table_name()?;
        let name = single_part(name, span)?;
        let (mut comment, mut location, mut properties) = (None, None, BTreeMap::new());
        while !c.at_end() {
            if c.eat_word("COMMENT") {
                comment = Some(string_literal(&mut c)?);
            } else if c.eat_word("LOCATION") {
                location = Some(string_literal(&mut c)?);
            } else if c.eat_words(&["WITH", "DBPROPERTIES"]) || c.eat_words(&["WITH", "PROPERTIES"]) {
                properties = parse_options(&mut c)?;
            } else {
                return Err(c.error_here());
            }
        }
        Ok(Statement::CreateDatabase { name, if_not_exists, comment, location, properties })
    }

    /// `DROP DATABASE|SCHEMA [IF EXISTS] db [RESTRICT|CASCADE]`.
    pub(crate) fn bind_drop_database(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        eat_database_word(&mut c);
        let if_exists = c.eat_words(&["IF", "EXISTS"]);
        let (name, span) = c.table_name()?;
        let name = single_part(name, span)?;
        let cascade = c.eat_word("CASCADE");
        if !cascade {
            c.eat_word("RESTRICT");
        }
        c.expect_end()?;
        Ok(Statement::DropDatabase { name, if_exists, cascade })
    }

    /// `USE [DATABASE|SCHEMA|NAMESPACE] db`.
    pub(crate) fn bind_use(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        eat_database_word(&mut c);
        let (name, span) = c.table_name()?;
        c.expect_end()?;
        let name = match name.parts.as_slice() {
            [cat, db] if cat.eq_ignore_ascii_case(ember_plan::table_name::SESSION_CATALOG) => db.clone(),
            _ => single_part(name, span)?,
        };
        Ok(Statement::UseDatabase { name })
    }

    /// `ALTER DATABASE db SET DBPROPERTIES (…) | SET LOCATION '…'`, `ALTER TABLE|VIEW …`.
    pub(crate) fn bind_alter(&self, sql: &str, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        if eat_database_word(&mut c) {
            let (name, span) = c.table_name()?;
            let name = single_part(name, span)?;
            c.expect_word("SET")?;
            let (mut properties, mut location) = (BTreeMap::new(), None);
            if c.eat_word("DBPROPERTIES") || c.eat_word("PROPERTIES") {
                properties = parse_options(&mut c)?;
            } else if c.eat_word("LOCATION") {
                location = Some(string_literal(&mut c)?);
            } else {
                return Err(c.error_here());
            }
            c.expect_end()?;
            return Ok(Statement::AlterDatabase { name, properties, location });
        }
        let view = if c.eat_word("VIEW") {
            true
        } else {
            c.expect_word("TABLE")?;
            false
        };
        let (name, _) = c.table_name()?;
        if view && c.eat_word("AS") {
            let rest = c.rest();
            let plan = self.bind_query_tokens(rest)?;
            let text = match (rest.first(), rest.last()) {
                (Some(f), Some(l)) => source_text(sql, f, l).to_string(),
                _ => return Err(c.error_here()),
            };
            return Ok(Statement::AlterViewAs { name, sql: text, plan });
        }
        let action = self.alter_action(sql, &mut c)?;
        c.expect_end()?;
        Ok(Statement::AlterTable { name, view, action })
    }

    fn alter_action(&self, sql: &str, c: &mut Cursor) -> Result<AlterTableAction> {
        if c.eat_words(&["RENAME", "TO"]) {
            return Ok(AlterTableAction::RenameTo(c.table_name()?.0));
        }
        if c.eat_words(&["RENAME", "COLUMN"]) {
            let from = c.dotted_name()?.0;
            c.expect_word("TO")?;
            return Ok(AlterTableAction::RenameColumn { from, to: c.ident()?.0 });
        }
        if c.eat_word("ADD") {
            if c.eat_word("COLUMNS") || c.eat_word("COLUMN") {
                let parens = c.eat_token(&Token::LParen);
                let toks = if parens { c.until_close_paren()? } else { c.rest_and_finish() };
                let (Some(first), Some(last)) = (toks.first(), toks.last()) else { return Err(c.error_here()) };
                let ddl = source_text(sql, first, last);
                let schema = parse_ddl_schema_with_tz(ddl, &self.time_zone()).at(to_span(first.span))?;
                let cols = schema
                    .fields()
                    .iter()
                    .map(|f| (f.name().clone(), ember_common::types::catalog_string(f.data_type()), f.metadata().get(crate::types::COMMENT_KEY).cloned()))
                    .collect();
                return Ok(AlterTableAction::AddColumns(cols));
            }
            let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
            let mut specs = Vec::new();
            while c.eat_word("PARTITION") {
                specs.push(partition_spec(c, true)?);
                if c.eat_word("LOCATION") {
                    string_literal(c)?;
                }
            }
            if specs.is_empty() {
                return Err(c.error_here());
            }
            return Ok(AlterTableAction::AddPartitions { specs, if_not_exists });
        }
        if c.eat_word("DROP") {
            if c.eat_word("COLUMNS") || c.eat_word("COLUMN") {
                c.eat_words(&["IF", "EXISTS"]);
                let parens = c.eat_token(&Token::LParen);
                let mut cols = vec![c.dotted_name()?.0];
                while c.eat_token(&Token::Comma) {
                    cols.push(c.dotted_name()?.0);
                }
                if parens {
                    c.expect_token(&Token::RParen)?;
                }
                return Ok(AlterTableAction::DropColumns(cols));
            }
            let if_exists = c.eat_words(&["IF", "EXISTS"]);
            let mut specs = vec![];
            loop {
                c.expect_word("PARTITION")?;
                specs.push(partition_spec(c, true)?);
                if !c.eat_token(&Token::Comma) {
                    break;
                }
            }
            c.eat_word("PURGE");
            return Ok(AlterTableAction::DropPartitions { specs, if_exists });
        }
        if c.eat_word("ALTER") || c.eat_word("CHANGE") {
            c.eat_word("COLUMN");
            let column = c.dotted_name()?.0;
            let (mut data_type, mut comment) = (None, None);
            loop {
                if c.eat_word("COMMENT") {
                    comment = Some(string_literal(c)?);
                } else if c.eat_word("TYPE") {
                    data_type = Some(c.ident()?.0);
                } else if c.at_end() {
                    break;
                } else if c.peek().is_some_and(|t| matches!(&t.token, Token::Word(_))) && data_type.is_none() {
                    // CHANGE COLUMN a a INT: a new name (the same) then the type.
                    let word = c.ident()?.0;
                    if word.eq_ignore_ascii_case(&column) && !c.at_end() && !c.is_word("COMMENT") {
                        data_type = Some(c.ident()?.0);
                    } else {
                        data_type = Some(word);
                    }
                } else {
                    return Err(c.error_here());
                }
            }
            return Ok(AlterTableAction::AlterColumn { column, data_type, comment });
        }
        if c.eat_word("SET") {
            if c.eat_word("TBLPROPERTIES") {
                return Ok(AlterTableAction::SetProperties(parse_options(c)?));
            }
            if c.eat_word("LOCATION") {
                return Ok(AlterTableAction::SetLocation(string_literal(c)?));
            }
            return Err(c.error_here());
        }
        if c.eat_word("UNSET") {
            c.expect_word("TBLPROPERTIES")?;
            let if_exists = c.eat_words(&["IF", "EXISTS"]);
            c.expect_token(&Token::LParen)?;
            let mut keys = Vec::new();
            loop {
                keys.push(match c.peek().map(|t| &t.token) {
                    Some(Token::SingleQuotedString(_)) | Some(Token::DoubleQuotedString(_)) => string_literal(c)?,
                    _ => c.dotted_name()?.0,
                });
                if c.eat_token(&Token::RParen) {
                    break;
                }
                c.expect_token(&Token::Comma)?;
            }
            return Ok(AlterTableAction::UnsetProperties { keys, if_exists });
        }
        if c.eat_words(&["RECOVER", "PARTITIONS"]) {
            return Ok(AlterTableAction::RecoverPartitions);
        }
        Err(c.error_here())
    }

    /// `TRUNCATE TABLE name [PARTITION (…)]`.
    pub(crate) fn bind_truncate(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        c.expect_word("TABLE")?;
        let (name, _) = c.table_name()?;
        let partition = if c.eat_word("PARTITION") { partition_spec(&mut c, true)? } else { vec![] };
        c.expect_end()?;
        Ok(Statement::TruncateTable { name, partition })
    }

    /// `RESET` or `RESET key`.
    pub(crate) fn bind_reset(&self, sql: &str, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let key = match (tokens.get(1), tokens.last()) {
            (Some(first), Some(last)) => Some(source_text(sql, first, last).trim().trim_matches('`').to_string()),
            _ => None,
        };
        Ok(Statement::Reset { key })
    }

    /// `MSCK REPAIR TABLE t`: partitions are read from directories, so this only checks
    /// the table.
    pub(crate) fn bind_msck(&self, tokens: &[TokenWithSpan]) -> Result<Statement> {
        let mut c = Cursor::new(tokens);
        c.advance();
        c.expect_word("REPAIR")?;
        c.expect_word("TABLE")?;
        let (name, _) = c.table_name()?;
        c.eat_word("ADD");
        c.eat_word("DROP");
        c.eat_word("SYNC");
        c.eat_word("PARTITIONS");
        c.expect_end()?;
        Ok(Statement::AlterTable { name, view: false, action: AlterTableAction::RecoverPartitions })
    }
}

/// A database name: one part (`spark_catalog.db` is `db`).
fn single_part(name: TableName, span: ember_common::Span) -> Result<String> {
    match name.parts.as_slice() {
        [db] => Ok(db.clone()),
        [cat, db] if cat.eq_ignore_ascii_case(ember_plan::table_name::SESSION_CATALOG) => Ok(db.clone()),
        _ => Err(ember_common::Error::spark(
            "REQUIRES_SINGLE_PART_NAMESPACE",
            &[("sessionCatalog", ember_plan::table_name::SESSION_CATALOG), ("identifier", &name.quoted())],
        ))
        .at(span),
    }
}

/// True if the statement starts `CREATE DATABASE|SCHEMA|NAMESPACE`.
pub(crate) fn is_create_database(tokens: &[TokenWithSpan]) -> bool {
    tokens.get(1).is_some_and(|t| is_word(t, "DATABASE") || is_word(t, "SCHEMA") || is_word(t, "NAMESPACE"))
}
