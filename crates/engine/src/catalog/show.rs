//! `SHOW TABLES`, `SHOW VIEWS`, `SHOW COLUMNS` and `SHOW TBLPROPERTIES`, with Spark's
//! columns: a database's tables and views first, then the session's temporary views
//! (`namespace` empty, `isTemporary` true); in `global_temp`, the global temporary
//! views before the session's.

use ember_common::Result;
use ember_plan::table_name::GLOBAL_TEMP_DATABASE;
use ember_plan::TableName;

use super::names::{self, Relation};
use crate::command_output::{like_pattern, rows_df, Cell, Col};
use crate::dataframe::DataFrame;
use crate::format::NAME_COLUMN_LAYOUT;
use crate::session::Session;
use crate::tables::metadata;

/// The rows of SHOW TABLES / SHOW VIEWS: `(namespace, name, isTemporary)`.
fn listing(session: &Session, database: Option<&str>, pattern: Option<&str>, views_only: bool) -> Result<Vec<Vec<Cell>>> {
    let db = database.map(|d| d.to_ascii_lowercase()).unwrap_or_else(|| session.current_database());
    let matches = |n: &str| pattern.is_none_or(|p| like_pattern(p, n));
    let mut rows = Vec::new();
    if db == GLOBAL_TEMP_DATABASE {
        for v in names::global_temp_names().into_iter().filter(|v| matches(v)) {
            rows.push(vec![Cell::from(GLOBAL_TEMP_DATABASE), Cell::from(v), Cell::from(true)]);
        }
    } else {
        session.require_database(&db)?;
        for m in metadata::list(&session.config(), &db).into_iter().filter(|m| matches(&m.name) && (!views_only || m.is_view())) {
            rows.push(vec![Cell::from(db.clone()), Cell::from(m.name), Cell::from(false)]);
        }
    }
    let mut temps: Vec<String> = session.table_names().into_iter().filter(|v| matches(v)).collect();
    temps.sort_by_key(|t| t.to_ascii_lowercase());
    for v in temps {
        rows.push(vec![Cell::from(String::new()), Cell::from(v), Cell::from(true)]);
    }
    Ok(rows)
}

/// `SHOW TABLES [IN db] [LIKE 'pattern']`.
pub(crate) fn show_tables(session: &Session, database: Option<&str>, pattern: Option<&str>) -> Result<DataFrame> {
    let rows = listing(session, database, pattern, false)?;
    rows_df(session, &[Col::Str("namespace", false), Col::Str("tableName", false), Col::Bool("isTemporary")], rows, Some(NAME_COLUMN_LAYOUT))
}

/// `SHOW VIEWS [IN db] [LIKE 'pattern']`.
pub(crate) fn show_views(session: &Session, database: Option<&str>, pattern: Option<&str>) -> Result<DataFrame> {
    let rows = listing(session, database, pattern, true)?;
    rows_df(session, &[Col::Str("namespace", false), Col::Str("viewName", false), Col::Bool("isTemporary")], rows, Some(NAME_COLUMN_LAYOUT))
}

/// `SHOW COLUMNS IN t`: one row per column.
pub(crate) fn show_columns(session: &Session, table: &TableName) -> Result<DataFrame> {
    let relation = session.relation(table)?;
    let plan = session.relation_plan(&relation)?;
    let rows = plan.schema().fields().iter().map(|f| vec![Cell::from(f.name().to_string())]).collect();
    rows_df(session, &[Col::Str("col_name", false)], rows, None)
}

/// `SHOW TBLPROPERTIES t [('key')]`.
pub(crate) fn show_tblproperties(session: &Session, table: &TableName, key: Option<&str>) -> Result<DataFrame> {
    let props = match session.relation(table)? {
        Relation::Catalog(meta) => Some(meta),
        _ => None,
    };
    let cols = [Col::Str("key", false), Col::Str("value", false)];
    let Some(meta) = props else {
        return rows_df(session, &cols, vec![], None);
    };
    let rows = match key {
        Some(k) => match meta.properties.iter().find(|(p, _)| p.eq_ignore_ascii_case(k)) {
            Some((p, v)) => vec![vec![Cell::from(p.clone()), Cell::from(v.clone())]],
            None => vec![vec![Cell::from(k), Cell::from(format!("Table {} does not have property: {k}", meta.qualified()))]],
        },
        None => meta.properties.iter().map(|(k, v)| vec![Cell::from(k.clone()), Cell::from(v.clone())]).collect(),
    };
    rows_df(session, &cols, rows, None)
}
