//! Persistent table metadata: one small JSON file per table in
//! `<warehouse>/.ember_catalog/<name>.json` (`spark.sql.warehouse.dir`, default
//! `spark-warehouse` under the working directory). Files are written to a temporary
//! name and renamed, so a reader never sees half a file; a new session sees every
//! table a previous one created.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use ember_common::config::keys;
use ember_common::{Config, Error, Result};
use serde_json::{json, Value};

/// The catalog directory inside the warehouse.
const CATALOG_DIR: &str = ".ember_catalog";

/// A table's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct TableMeta {
    pub name: String,
    /// `parquet`, `csv` or `json`.
    pub provider: String,
    /// Columns in table order (partition columns last): name and Spark type string.
    pub columns: Vec<(String, String)>,
    pub partition_by: Vec<String>,
    /// The data directory, as written (relative paths are relative to the working directory).
    pub location: String,
    /// Managed tables own their data (DROP TABLE deletes it); external ones do not.
    pub managed: bool,
    pub options: BTreeMap<String, String>,
    pub comment: Option<String>,
}

/// The warehouse directory of a configuration.
pub fn warehouse_dir(config: &Config) -> PathBuf {
    PathBuf::from(config.get(keys::WAREHOUSE_DIR).unwrap_or("spark-warehouse"))
}

fn meta_path(config: &Config, name: &str) -> PathBuf {
    warehouse_dir(config)
        .join(CATALOG_DIR)
        .join(format!("{}.json", name.to_ascii_lowercase()))
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(ember_common::ErrorKind::Other {
        class: "FAILED_CATALOG_OPERATION".into(),
        sqlstate: Some("58030".into()),
        message: format!("Failed to {what} {}: {e}", path.display()),
    })
}

impl TableMeta {
    /// The Arrow schema (all columns nullable), types parsed in the session time zone.
    pub fn schema(&self, time_zone: &str) -> Result<SchemaRef> {
        let fields = self
            .columns
            .iter()
            .map(|(n, t)| {
                let (dt, interval) = ember_sql::parse_cast_type_with_tz(t, time_zone)?;
                let field = Field::new(n, dt, true);
                Ok(match interval {
                    Some(it) => it.annotate(field),
                    None => field,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(Schema::new(fields)))
    }

    pub fn is_partition_column(&self, name: &str) -> bool {
        self.partition_by
            .iter()
            .any(|p| p.eq_ignore_ascii_case(name))
    }

    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "provider": self.provider,
            "columns": self.columns.iter().map(|(n, t)| json!({"name": n, "type": t})).collect::<Vec<_>>(),
            "partition_by": self.partition_by,
            "location": self.location,
            "managed": self.managed,
            "options": self.options,
            "comment": self.comment,
        })
    }

    fn from_json(v: &Value) -> Option<TableMeta> {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(|x| x.to_string());
        let columns = v
            .get("columns")?
            .as_array()?
            .iter()
            .map(|c| {
                Some((
                    c.get("name")?.as_str()?.to_string(),
                    c.get("type")?.as_str()?.to_string(),
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        let partition_by = v
            .get("partition_by")?
            .as_array()?
            .iter()
            .map(|p| p.as_str().map(|x| x.to_string()))
            .collect::<Option<Vec<_>>>()?;
        let options = v
            .get("options")
            .and_then(|o| o.as_object())
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        Some(TableMeta {
            name: s("name")?,
            provider: s("provider")?,
            columns,
            partition_by,
            location: s("location")?,
            managed: v.get("managed")?.as_bool()?,
            options,
            comment: s("comment"),
        })
    }
}

/// The table `name` (case-insensitive), if the warehouse has it.
pub fn load(config: &Config, name: &str) -> Result<Option<TableMeta>> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Ok(None);
    }
    let path = meta_path(config, name);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", &path, e)),
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| io("parse", &path, e))?;
    TableMeta::from_json(&value)
        .map(Some)
        .ok_or_else(|| io("parse", &path, "missing fields"))
}

/// Writes (or replaces) the metadata of `meta.name`.
pub fn save(config: &Config, meta: &TableMeta) -> Result<()> {
    let path = meta_path(config, &meta.name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
    }
    let tmp = path.with_extension(format!(
        "json.{}.tmp",
        super::super::writer::committer::random_hex(4)
    ));
    let text =
        serde_json::to_string_pretty(&meta.to_json()).map_err(|e| io("serialize", &path, e))?;
    std::fs::write(&tmp, text).map_err(|e| io("write", &tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io("rename", &tmp, e))
}

/// Removes the metadata of `name`; returns whether it existed.
pub fn remove(config: &Config, name: &str) -> Result<bool> {
    let path = meta_path(config, name);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io("delete", &path, e)),
    }
}

/// Names of all tables in the warehouse, sorted.
pub fn list(config: &Config) -> Vec<String> {
    let dir = warehouse_dir(config).join(CATALOG_DIR);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.strip_suffix(".json")
                .filter(|s| !s.contains(".json."))
                .map(|_| e.path())
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|t| serde_json::from_str::<Value>(&t).ok())
        .filter_map(|v| TableMeta::from_json(&v).map(|m| m.name))
        .collect();
    names.sort_by_key(|n| n.to_ascii_lowercase());
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_warehouse() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new();
        config
            .set(keys::WAREHOUSE_DIR, &dir.path().to_string_lossy())
            .unwrap();
        let meta = TableMeta {
            name: "Sales".into(),
            provider: "csv".into(),
            columns: vec![
                ("id".into(), "int".into()),
                ("d".into(), "decimal(10,2)".into()),
                ("p".into(), "string".into()),
            ],
            partition_by: vec!["p".into()],
            location: "x/sales".into(),
            managed: false,
            options: BTreeMap::from([("header".to_string(), "true".to_string())]),
            comment: Some("c".into()),
        };
        assert_eq!(load(&config, "sales").unwrap(), None);
        save(&config, &meta).unwrap();
        assert_eq!(load(&config, "SALES").unwrap(), Some(meta.clone()));
        assert_eq!(list(&config), vec!["Sales".to_string()]);
        assert_eq!(
            meta.schema("UTC").unwrap().field(1).data_type(),
            &arrow::datatypes::DataType::Decimal128(10, 2)
        );
        assert!(remove(&config, "sales").unwrap());
        assert!(!remove(&config, "sales").unwrap());
        assert_eq!(load(&config, "../etc").unwrap(), None);
    }
}
