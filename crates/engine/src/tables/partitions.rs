//! Partitions of a partitioned table: its `col=value/…` directories. `SHOW
//! PARTITIONS`, `ALTER TABLE … ADD | DROP PARTITION` and the directory a partition
//! spec names (values cast to the column's type and printed as Spark writes them).

use std::path::{Path, PathBuf};

use ember_common::{Error, Result};
use ember_plan::{PartitionSpec, TableName};

use super::metadata::TableMeta;
use crate::command_output::{rows_df, Cell, Col};
use crate::dataframe::DataFrame;
use crate::session::Session;
use crate::writer::partition_dirs::{escape_path_name, unescape_path_name, DEFAULT_PARTITION_NAME};

/// Every partition directory of `meta` (files or not), as `col=value/…` paths relative
/// to the table's location, sorted.
pub(crate) fn list(meta: &TableMeta) -> Vec<String> {
    fn walk(dir: &Path, columns: &[String], depth: usize, prefix: String, out: &mut Vec<String>) {
        if depth == columns.len() {
            out.push(prefix);
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
        children.sort();
        for child in children {
            let name = child.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let Some((key, _)) = name.split_once('=') else { continue };
            if name.starts_with(['_', '.']) || !unescape_path_name(key).eq_ignore_ascii_case(&columns[depth]) {
                continue;
            }
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            walk(&child, columns, depth + 1, path, out);
        }
    }
    let mut out = Vec::new();
    walk(Path::new(&meta.location), &meta.partition_by, 0, String::new(), &mut out);
    out.sort();
    out
}

/// ADD/DROP PARTITION on a table without partition columns: Spark's data source tables
/// keep no partition metadata then.
fn no_partition_metadata(meta: &TableMeta, action: &str) -> Result<()> {
    if meta.partition_by.is_empty() {
        return Err(Error::spark("_LEGACY_ERROR_TEMP_1251", &[("action", action), ("tableName", &meta.name)]));
    }
    Ok(())
}

fn not_partitioned(meta: &TableMeta) -> Error {
    Error::spark("INVALID_PARTITION_OPERATION.PARTITION_SCHEMA_IS_EMPTY", &[("name", &meta.qualified().quoted())])
}

/// Spark's `PARTITION (`y` = 2025, `m` = c)` for messages.
fn spec_text(spec: &[(String, String)]) -> String {
    let parts: Vec<String> = spec.iter().map(|(c, v)| format!("`{c}` = {v}")).collect();
    format!("PARTITION ({})", parts.join(", "))
}

/// The spec's values in table column order, each cast to its column's type and printed
/// as a partition directory holds it; every spec column must be a partition column
/// (all of them when `full`).
pub(crate) fn resolve_spec(session: &Session, meta: &TableMeta, spec: &PartitionSpec, full: bool) -> Result<Vec<(String, String)>> {
    if meta.partition_by.is_empty() {
        return Err(not_partitioned(meta));
    }
    let not_found = |what: String| Error::spark("PARTITIONS_NOT_FOUND", &[("partitionList", &what), ("tableName", &meta.qualified().quoted())]);
    let exact = spec.len() == meta.partition_by.len() && spec.iter().all(|(c, _)| meta.is_partition_column(c));
    if full && !exact {
        let keys: Vec<&str> = spec.iter().map(|(c, _)| c.as_str()).collect();
        return Err(Error::spark(
            "_LEGACY_ERROR_TEMP_1232",
            &[("specKeys", &keys.join(", ")), ("partitionColumnNames", &meta.partition_by.join(", ")), ("tableName", &meta.qualified().quoted_in_catalog())],
        ));
    }
    for (c, _) in spec {
        if !meta.is_partition_column(c) {
            return Err(not_found(format!("`{c}`")));
        }
    }
    let mut out = Vec::new();
    for p in &meta.partition_by {
        match spec.iter().find(|(c, _)| c.eq_ignore_ascii_case(p)) {
            Some((_, v)) => {
                let data_type = meta.column(p).map(|c| c.data_type.clone()).unwrap_or_else(|| "string".into());
                out.push((p.clone(), partition_value_text(session, v.as_deref(), &data_type)?));
            }
            None => {}
        }
    }
    Ok(out)
}

/// A partition value as its directory name holds it: `v` cast to `data_type` and printed
/// (`NULL` and the empty string are Hive's default partition).
pub(crate) fn partition_value_text(session: &Session, v: Option<&str>, data_type: &str) -> Result<String> {
    let Some(v) = v else { return Ok(DEFAULT_PARTITION_NAME.to_string()) };
    let df = session.sql(&format!("SELECT CAST('{}' AS {data_type})", v.replace('\\', "\\\\").replace('\'', "\\'")))?;
    let batches = df.collect()?;
    let cell = batches.first().filter(|b| b.num_rows() > 0).map(|b| {
        crate::format::value::ValueFormatter::new(crate::format::value::Style::Pretty, &session.time_zone()).format(b.column(0).as_ref(), 0)
    });
    Ok(match cell {
        Some(c) if !c.is_empty() && c != "NULL" => escape_path_name(&c),
        _ => DEFAULT_PARTITION_NAME.to_string(),
    })
}

/// `col=value/…` for resolved spec values.
pub(crate) fn dir_name(values: &[(String, String)]) -> String {
    values.iter().map(|(c, v)| format!("{}={v}", escape_path_name(c))).collect::<Vec<_>>().join("/")
}

/// `SHOW PARTITIONS t [PARTITION (…)]`.
pub(crate) fn show(session: &Session, table: &TableName, spec: &PartitionSpec) -> Result<DataFrame> {
    let meta = session.catalog_table(table)?;
    let filter = resolve_spec(session, &meta, spec, false)?;
    let rows = list(&meta)
        .into_iter()
        .filter(|p| {
            filter.iter().all(|(c, v)| p.split('/').any(|kv| kv.split_once('=').is_some_and(|(k, x)| unescape_path_name(k).eq_ignore_ascii_case(c) && x == v)))
        })
        .map(|p| vec![Cell::from(p)])
        .collect();
    rows_df(session, &[Col::Str("partition", false)], rows, None)
}

/// `ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (…) …`: creates the directories.
pub(crate) fn add(session: &Session, table: &TableName, specs: &[PartitionSpec], if_not_exists: bool) -> Result<()> {
    let meta = session.catalog_table(table)?;
    no_partition_metadata(&meta, "ALTER TABLE ADD PARTITION")?;
    let existing = list(&meta);
    let mut dirs = Vec::new();
    for spec in specs {
        let values = resolve_spec(session, &meta, spec, true)?;
        let dir = dir_name(&values);
        if existing.contains(&dir) {
            if if_not_exists {
                continue;
            }
            return Err(Error::spark("PARTITIONS_ALREADY_EXIST", &[("partitionList", &spec_text(&values)), ("tableName", &meta.qualified().quoted_in_catalog())]));
        }
        dirs.push(dir);
    }
    for dir in dirs {
        let path = Path::new(&meta.location).join(&dir);
        std::fs::create_dir_all(&path).map_err(|e| Error::invalid_argument(format!("Cannot create the partition directory '{}': {e}", path.display())))?;
    }
    Ok(())
}

/// `ALTER TABLE t DROP [IF EXISTS] PARTITION (…), …`: deletes a managed table's
/// partition directories.
pub(crate) fn drop(session: &Session, table: &TableName, specs: &[PartitionSpec], if_exists: bool) -> Result<()> {
    let meta = session.catalog_table(table)?;
    no_partition_metadata(&meta, "ALTER TABLE DROP PARTITION")?;
    let existing = list(&meta);
    let mut dirs = Vec::new();
    for spec in specs {
        let values = resolve_spec(session, &meta, spec, true)?;
        let dir = dir_name(&values);
        if !existing.contains(&dir) {
            if if_exists {
                continue;
            }
            return Err(Error::spark("PARTITIONS_NOT_FOUND", &[("partitionList", &spec_text(&values)), ("tableName", &meta.qualified().quoted_in_catalog())]));
        }
        dirs.push(dir);
    }
    if !meta.managed && !dirs.is_empty() {
        return Err(Error::unsupported("dropping partitions of an external table (its files are not Ember's to delete)"));
    }
    for dir in dirs {
        let path = Path::new(&meta.location).join(&dir);
        std::fs::remove_dir_all(&path).map_err(|e| Error::invalid_argument(format!("Cannot delete the partition directory '{}': {e}", path.display())))?;
    }
    session.uncache_relation_key(&meta.qualified().to_string());
    Ok(())
}

/// The partition directory `TRUNCATE TABLE t PARTITION (…)` empties (must exist).
pub(crate) fn truncate_dir(session: &Session, meta: &TableMeta, spec: &PartitionSpec) -> Result<PathBuf> {
    let values = resolve_spec(session, meta, spec, false)?;
    let full = values.len() == meta.partition_by.len();
    let dir = dir_name(&values);
    if full && !list(meta).contains(&dir) {
        return Err(Error::spark("PARTITIONS_NOT_FOUND", &[("partitionList", &spec_text(&values)), ("tableName", &meta.qualified().quoted_in_catalog())]));
    }
    Ok(Path::new(&meta.location).join(dir))
}

/// `DESCRIBE [EXTENDED] t PARTITION (…)` rows after the columns: the partition columns,
/// and with EXTENDED the partition's details and the table's storage location. The
/// spec names every partition column and the partition exists.
pub(crate) fn describe_rows(session: &Session, meta: &TableMeta, spec: &PartitionSpec, extended: bool) -> Result<Vec<(String, String, Option<String>)>> {
    no_partition_metadata(meta, "DESC PARTITION")?;
    let values = resolve_spec(session, meta, spec, true)?;
    let dir = dir_name(&values);
    if !list(meta).contains(&dir) {
        return Err(Error::spark("PARTITIONS_NOT_FOUND", &[("partitionList", &spec_text(&values)), ("tableName", &meta.qualified().quoted())]));
    }
    let mut rows = super::commands::describe_rows(meta, false);
    if extended {
        let mut detail = |k: &str, v: String| rows.push((k.to_string(), v, Some(String::new())));
        let shown: Vec<String> = values.iter().map(|(c, v)| format!("{c}={}", unescape_path_name(v))).collect();
        detail("", String::new());
        detail("# Detailed Partition Information", String::new());
        detail("Database", meta.database.clone());
        detail("Table", meta.name.clone());
        detail("Partition Values", format!("[{}]", shown.join(", ")));
        detail("Location", Path::new(&meta.location).join(&dir).to_string_lossy().to_string());
        detail("Last Access", "UNKNOWN".into());
        detail("", String::new());
        detail("# Storage Information", String::new());
        detail("Location", meta.location.clone());
    }
    Ok(rows)
}
