//! `ALTER TABLE` / `ALTER VIEW` (rename, add columns, column comments, properties,
//! partitions, location) and `TRUNCATE TABLE`, as Spark's session catalog runs them on
//! data source tables: what it refuses there (renaming or dropping a column) is
//! refused here with the same error.

use std::path::{Path, PathBuf};

use ember_common::{Error, ErrorKind, Result};
use ember_plan::{AlterTableAction, PartitionSpec, QualifiedName, TableName};

use super::metadata::{self, ColumnMeta, TableMeta};
use crate::catalog::names::{self, Relation, Target};
use crate::session::Session;

fn unsupported_operation(meta: &TableMeta, operation: &str) -> Error {
    Error::spark("UNSUPPORTED_FEATURE.TABLE_OPERATION", &[("tableName", &meta.qualified().quoted()), ("operation", operation)])
}

/// Runs `ALTER TABLE|VIEW name action`.
pub(crate) fn alter(session: &Session, name: &TableName, view: bool, action: AlterTableAction) -> Result<()> {
    if let AlterTableAction::RenameTo(new) = &action {
        return rename(session, name, new, view);
    }
    let mut meta = match session.relation(name)? {
        Relation::Catalog(meta) => meta,
        Relation::TempView { name, .. } | Relation::GlobalTempView { name, .. } => {
            let op = if view { "ALTER VIEW" } else { "ALTER TABLE" };
            return Err(Error::spark("EXPECT_PERMANENT_VIEW_NOT_TEMP", &[("viewName", &format!("`{name}`")), ("operation", op)]));
        }
    };
    match (view, meta.is_view()) {
        (true, false) => return Err(Error::spark("EXPECT_VIEW_NOT_TABLE.USE_ALTER_TABLE", &[("tableName", &meta.qualified().quoted()), ("operation", "ALTER VIEW")])),
        (false, true) if !matches!(action, AlterTableAction::SetProperties(_) | AlterTableAction::UnsetProperties { .. }) => {
            return Err(Error::spark("EXPECT_TABLE_NOT_VIEW.USE_ALTER_VIEW", &[("viewName", &meta.qualified().quoted()), ("operation", "ALTER TABLE")]));
        }
        _ => {}
    }
    let config = session.config();
    match action {
        AlterTableAction::RenameTo(_) => unreachable!("handled above"),
        AlterTableAction::AddColumns(cols) => {
            for (n, t, c) in cols {
                if meta.column(&n).is_some() {
                    return Err(Error::spark("COLUMN_ALREADY_EXISTS", &[("columnName", &format!("`{}`", n.to_ascii_lowercase()))]));
                }
                // New data columns go after the others, before the partition columns.
                let at = meta.columns.len() - meta.partition_by.len();
                meta.columns.insert(at, ColumnMeta { name: n, data_type: t, comment: c });
            }
        }
        AlterTableAction::RenameColumn { .. } => return Err(unsupported_operation(&meta, "RENAME COLUMN")),
        AlterTableAction::DropColumns(_) => return Err(unsupported_operation(&meta, "DROP COLUMN")),
        AlterTableAction::AlterColumn { column, data_type, comment } => {
            let table = meta.qualified().quoted();
            let Some(col) = meta.columns.iter_mut().find(|c| c.name.eq_ignore_ascii_case(&column)) else {
                return Err(Error::spark("COLUMN_NOT_FOUND", &[("colName", &format!("`{column}`")), ("caseSensitiveConfig", "\"spark.sql.caseSensitive\"")]));
            };
            if let Some(t) = data_type {
                if !t.eq_ignore_ascii_case(&col.data_type) {
                    return Err(Error::spark(
                        "NOT_SUPPORTED_CHANGE_COLUMN",
                        &[
                            ("table", &table),
                            ("originName", &format!("`{}`", col.name)),
                            ("originType", &format!("\"{}\"", col.data_type.to_ascii_uppercase())),
                            ("newName", &format!("`{}`", col.name)),
                            ("newType", &format!("\"{}\"", t.to_ascii_uppercase())),
                        ],
                    ));
                }
            }
            if comment.is_some() {
                col.comment = comment;
            }
        }
        AlterTableAction::SetProperties(props) => meta.properties.extend(props),
        AlterTableAction::UnsetProperties { keys, if_exists: _ } => {
            for k in keys {
                meta.properties.remove(&k);
            }
        }
        AlterTableAction::AddPartitions { specs, if_not_exists } => return super::partitions::add(session, name, &specs, if_not_exists),
        AlterTableAction::DropPartitions { specs, if_exists } => return super::partitions::drop(session, name, &specs, if_exists),
        AlterTableAction::SetLocation(location) => {
            let db = session.require_database(&meta.database)?;
            meta.location = metadata::table_location(&config, &db, &location);
            meta.managed = false;
        }
        AlterTableAction::RecoverPartitions => {
            if meta.partition_by.is_empty() {
                return Err(Error::spark("NOT_A_PARTITIONED_TABLE", &[("operation", "ALTER TABLE RECOVER PARTITIONS"), ("tableIdentWithDB", &meta.qualified().quoted_in_catalog())]));
            }
            // Partitions are read from the table's directories: nothing to recover.
            return Ok(());
        }
    }
    metadata::save(&config, &meta)?;
    session.uncache_relation_key(&meta.qualified().to_string());
    Ok(())
}

/// `ALTER TABLE|VIEW old RENAME TO new`: a temporary view keeps being temporary; a
/// table or view stays in its database (a managed table's data moves along).
fn rename(session: &Session, old: &TableName, new: &TableName, view: bool) -> Result<()> {
    match session.relation(old)? {
        Relation::TempView { name, plan } => {
            if !new.is_bare() {
                return Err(Error::spark("TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS", &[("actualName", &new.quoted())]));
            }
            if session.temp_view(new.object()).is_some() {
                return Err(Error::spark("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", &[("relationName", &format!("`{}`", new.object()))]));
            }
            session.drop_view(&name)?;
            session.register_view(new.object(), plan, false)
        }
        Relation::GlobalTempView { name, plan } => {
            names::drop_global_temp(&name)?;
            names::register_global_temp(new.object(), plan, false)
        }
        Relation::Catalog(meta) => {
            if view && !meta.is_view() {
                return Err(Error::spark("EXPECT_VIEW_NOT_TABLE.USE_ALTER_TABLE", &[("tableName", &meta.qualified().quoted()), ("operation", "ALTER VIEW ... RENAME TO")]));
            }
            if !view && meta.is_view() {
                return Err(Error::spark("EXPECT_TABLE_NOT_VIEW.USE_ALTER_VIEW", &[("viewName", &meta.qualified().quoted()), ("operation", "ALTER TABLE ... RENAME TO")]));
            }
            let target = match session.target(new)? {
                Target::Bare(t) => QualifiedName::new(meta.database.clone(), t),
                Target::Persistent(q) => q,
                Target::GlobalTemp(_) => return Err(names::schema_not_found(ember_plan::table_name::GLOBAL_TEMP_DATABASE)),
            };
            if target.database != meta.database {
                return Err(Error::spark("_LEGACY_ERROR_TEMP_1073", &[("db", &meta.database), ("newDb", &target.database)]));
            }
            let config = session.config();
            if metadata::load(&config, &target)?.is_some() {
                return Err(Error::new(ErrorKind::TableOrViewAlreadyExists { name: target.quoted_in_catalog() }));
            }
            let mut renamed = meta.clone();
            renamed.name = target.table.clone();
            if meta.managed && !meta.is_view() {
                let db = session.require_database(&meta.database)?;
                renamed.location = metadata::managed_location(&config, &db, &target.table);
                if Path::new(&meta.location).exists() {
                    std::fs::rename(&meta.location, &renamed.location)
                        .map_err(|e| Error::invalid_argument(format!("Cannot move the data of {} to '{}': {e}", meta.qualified().quoted(), renamed.location)))?;
                }
            }
            metadata::save(&config, &renamed)?;
            metadata::remove(&config, &meta.qualified())?;
            session.uncache_relation_key(&meta.qualified().to_string());
            Ok(())
        }
    }
}

/// `TRUNCATE TABLE t [PARTITION (…)]`: deletes the data files (directories stay).
pub(crate) fn truncate(session: &Session, name: &TableName, partition: &PartitionSpec) -> Result<()> {
    let meta = match session.relation(name)? {
        Relation::Catalog(meta) if !meta.is_view() => meta,
        Relation::Catalog(meta) => {
            return Err(Error::spark("EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE", &[("operation", "TRUNCATE TABLE"), ("viewName", &meta.qualified().quoted())]))
        }
        Relation::TempView { name, .. } | Relation::GlobalTempView { name, .. } => {
            return Err(Error::spark("EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE", &[("operation", "TRUNCATE TABLE"), ("viewName", &format!("`{name}`"))]))
        }
    };
    let dirs: Vec<PathBuf> = if partition.is_empty() {
        vec![PathBuf::from(&meta.location)]
    } else {
        if meta.partition_by.is_empty() {
            return Err(Error::spark("_LEGACY_ERROR_TEMP_1267", &[("tableIdentWithDB", &meta.qualified().quoted_in_catalog())]));
        }
        let values = super::partitions::resolve_spec(session, &meta, partition, false)?;
        if values.len() == meta.partition_by.len() {
            vec![super::partitions::truncate_dir(session, &meta, partition)?]
        } else {
            super::partitions::list(&meta)
                .into_iter()
                .filter(|p| values.iter().all(|(c, v)| p.split('/').any(|kv| kv.eq_ignore_ascii_case(&format!("{c}={v}")))))
                .map(|p| Path::new(&meta.location).join(p))
                .collect()
        }
    };
    for dir in dirs {
        delete_data_files(&dir)?;
    }
    session.uncache_relation_key(&meta.qualified().to_string());
    Ok(())
}

/// Deletes every visible file under `dir`, keeping the directories.
fn delete_data_files(dir: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            delete_data_files(&path)?;
        } else if !e.file_name().to_string_lossy().starts_with(['_', '.']) {
            std::fs::remove_file(&path).map_err(|err| Error::invalid_argument(format!("Cannot delete '{}': {err}", path.display())))?;
        }
    }
    Ok(())
}
