//! Databases (Spark's schemas / namespaces): CREATE, DROP [CASCADE], USE, SHOW
//! DATABASES, DESCRIBE DATABASE and ALTER DATABASE, over the catalog files of
//! `tables::metadata`.

use std::collections::BTreeMap;

use ember_common::{Error, Result};
use ember_plan::table_name::{quote_parts, GLOBAL_TEMP_DATABASE, SESSION_CATALOG};
use ember_plan::TableName;

use super::names::schema_not_found;
use crate::command_output::{like_pattern, rows_df, Cell, Col};
use crate::dataframe::DataFrame;
use crate::session::Session;
use crate::tables::metadata::{self, DatabaseMeta, DEFAULT_DATABASE};

fn check_name(name: &str) -> Result<String> {
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(Error::spark("INVALID_SCHEMA_OR_RELATION_NAME", &[("name", &format!("`{name}`"))]));
    }
    Ok(name.to_ascii_lowercase())
}

/// `CREATE DATABASE [IF NOT EXISTS] name [COMMENT …] [LOCATION …] [WITH DBPROPERTIES (…)]`.
pub(crate) fn create(
    session: &Session,
    name: &str,
    if_not_exists: bool,
    comment: Option<String>,
    location: Option<String>,
    properties: BTreeMap<String, String>,
) -> Result<()> {
    let name = check_name(name)?;
    let config = session.config();
    if name == GLOBAL_TEMP_DATABASE {
        return Err(Error::spark("UNSUPPORTED_FEATURE.SET_NAMESPACE_PROPERTY", &[("property", GLOBAL_TEMP_DATABASE), ("msg", "it is a system preserved database")]));
    }
    if metadata::load_database(&config, &name)?.is_some() {
        if if_not_exists {
            return Ok(());
        }
        return Err(Error::spark("SCHEMA_ALREADY_EXISTS", &[("schemaName", &quote_parts(&[&name]))]));
    }
    let location = match location {
        Some(l) => metadata::database_location(&config, &l),
        None => metadata::default_database_location(&config, &name),
    };
    std::fs::create_dir_all(&location).map_err(|e| Error::invalid_argument(format!("Cannot create the database location '{location}': {e}")))?;
    metadata::save_database(&config, &DatabaseMeta { name, comment, location, properties })
}

/// `DROP DATABASE [IF EXISTS] name [CASCADE]`: with CASCADE its tables and views go
/// too (managed tables with their data).
pub(crate) fn drop(session: &Session, name: &str, if_exists: bool, cascade: bool) -> Result<()> {
    let name = name.to_ascii_lowercase();
    let config = session.config();
    if name == DEFAULT_DATABASE {
        return Err(Error::spark("UNSUPPORTED_FEATURE.DROP_DATABASE", &[("database", &format!("`{name}`"))]));
    }
    let Some(db) = metadata::load_database(&config, &name)? else {
        return if if_exists { Ok(()) } else { Err(schema_not_found(&name)) };
    };
    let tables = metadata::list(&config, &name);
    if !tables.is_empty() && !cascade {
        return Err(Error::spark("SCHEMA_NOT_EMPTY", &[("schemaName", &format!("`{name}`"))]));
    }
    for t in tables {
        crate::tables::commands::drop_table(session, &TableName::new(vec![name.clone(), t.name]), true)?;
    }
    metadata::remove_database(&config, &name)?;
    if db.location == metadata::default_database_location(&config, &name) {
        let _ = std::fs::remove_dir_all(&db.location);
    }
    if session.current_database() == name {
        session.set_current_database(DEFAULT_DATABASE)?;
    }
    Ok(())
}

/// `USE db`.
pub(crate) fn use_database(session: &Session, name: &str) -> Result<()> {
    let name = name.to_ascii_lowercase();
    session.require_database(&name)?;
    session.set_current_database(&name)
}

/// `SHOW DATABASES [LIKE 'pattern']`.
pub(crate) fn show(session: &Session, pattern: Option<&str>) -> Result<DataFrame> {
    let rows = metadata::list_databases(&session.config())
        .into_iter()
        .filter(|d| pattern.is_none_or(|p| like_pattern(p, d)))
        .map(|d| vec![Cell::from(d)])
        .collect();
    rows_df(session, &[Col::Str("namespace", false)], rows, None)
}

/// `DESCRIBE DATABASE [EXTENDED] name`.
pub(crate) fn describe(session: &Session, name: &str, extended: bool) -> Result<DataFrame> {
    let db = session.require_database(&name.to_ascii_lowercase())?;
    let mut rows = vec![
        vec![Cell::from("Catalog Name"), Cell::from(SESSION_CATALOG)],
        vec![Cell::from("Namespace Name"), Cell::from(db.name.clone())],
        vec![Cell::from("Comment"), Cell::from(db.comment.clone().unwrap_or_default())],
        vec![Cell::from("Location"), Cell::from(db.location.clone())],
        vec![Cell::from("Owner"), Cell::from(owner())],
    ];
    if extended {
        let props: Vec<String> = db.properties.iter().map(|(k, v)| format!("({k},{v})")).collect();
        rows.push(vec![Cell::from("Properties"), Cell::from(format!("({})", props.join(",")))]);
    }
    rows_df(session, &[Col::Str("info_name", false), Col::Str("info_value", true)], rows, None)
}

/// `ALTER DATABASE name SET DBPROPERTIES (…)` / `SET LOCATION '…'`.
pub(crate) fn alter(session: &Session, name: &str, properties: BTreeMap<String, String>, location: Option<String>) -> Result<()> {
    let mut db = session.require_database(&name.to_ascii_lowercase())?;
    if db.name == DEFAULT_DATABASE {
        return Err(Error::unsupported("changing the properties of the default database"));
    }
    db.properties.extend(properties);
    if let Some(l) = location {
        db.location = metadata::database_location(&session.config(), &l);
    }
    metadata::save_database(&session.config(), &db)
}

/// The user Spark records as a database's owner.
fn owner() -> String {
    std::env::var("USER").unwrap_or_else(|_| "root".to_string())
}
