//! Persistent catalog metadata: databases, tables and views, one small JSON file each
//! under `<warehouse>/.ember_catalog/` (`spark.sql.warehouse.dir`, default
//! `spark-warehouse` under the working directory):
//!
//! ```text
//! .ember_catalog/<table>.json             tables and views of `default`
//! .ember_catalog/<db>.db/.database.json   database `db`
//! .ember_catalog/<db>.db/<table>.json     its tables and views
//! ```
//!
//! Names are stored lower-case. Files are written to a temporary name and renamed, so a
//! reader never sees half a file; a new session sees everything a previous one created.
//! Managed data lives in `<warehouse>/<table>` for `default` and in
//! `<database location>/<table>` (default `<warehouse>/<db>.db`) for other databases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use ember_common::config::keys;
use ember_common::{Config, Error, Result};
use ember_plan::QualifiedName;
use serde_json::{json, Value};

/// The catalog directory inside the warehouse.
const CATALOG_DIR: &str = ".ember_catalog";
/// A database's own file inside its catalog directory.
const DATABASE_FILE: &str = ".database.json";
/// The database every session starts in; it always exists.
pub const DEFAULT_DATABASE: &str = "default";

/// One column: name, Spark type string, comment.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMeta {
    pub name: String,
    pub data_type: String,
    pub comment: Option<String>,
}

impl ColumnMeta {
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        ColumnMeta { name: name.into(), data_type: data_type.into(), comment: None }
    }
}

/// What a persistent view stores: its query's SQL text and the database the text's
/// names resolve in.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewMeta {
    pub sql: String,
    pub current_database: String,
}

/// A table's or view's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct TableMeta {
    pub database: String,
    pub name: String,
    /// `parquet`, `csv` or `json` (empty for a view).
    pub provider: String,
    /// Columns in table order (partition columns last).
    pub columns: Vec<ColumnMeta>,
    pub partition_by: Vec<String>,
    /// The data directory, as written (relative paths are relative to the working
    /// directory); empty for a view.
    pub location: String,
    /// Managed tables own their data (DROP TABLE deletes it); external ones do not.
    pub managed: bool,
    pub options: BTreeMap<String, String>,
    /// `TBLPROPERTIES`.
    pub properties: BTreeMap<String, String>,
    pub comment: Option<String>,
    /// Set for a persistent view.
    pub view: Option<ViewMeta>,
}

/// A database's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseMeta {
    pub name: String,
    pub comment: Option<String>,
    pub location: String,
    pub properties: BTreeMap<String, String>,
}

/// The warehouse directory of a configuration.
pub fn warehouse_dir(config: &Config) -> PathBuf {
    PathBuf::from(config.get(keys::WAREHOUSE_DIR).unwrap_or("spark-warehouse"))
}

/// The catalog directory holding database `db`'s metadata files.
fn database_dir(config: &Config, db: &str) -> PathBuf {
    let root = warehouse_dir(config).join(CATALOG_DIR);
    if db == DEFAULT_DATABASE {
        root
    } else {
        root.join(format!("{db}.db"))
    }
}

/// A name that can be a file name in the catalog.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.')
}

fn meta_path(config: &Config, name: &QualifiedName) -> PathBuf {
    database_dir(config, &name.database).join(format!("{}.json", name.table.to_ascii_lowercase()))
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(ember_common::ErrorKind::Other {
        class: "FAILED_CATALOG_OPERATION".into(),
        sqlstate: Some("58030".into()),
        message: format!("Failed to {what} {}: {e}", path.display()),
    })
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(|o| o.as_object())
        .map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default()
}

impl TableMeta {
    /// The catalog name of this table.
    pub fn qualified(&self) -> QualifiedName {
        QualifiedName::new(&self.database, &self.name)
    }

    pub fn is_view(&self) -> bool {
        self.view.is_some()
    }

    /// Spark's table type: `MANAGED`, `EXTERNAL` or `VIEW`.
    pub fn kind(&self) -> &'static str {
        match (&self.view, self.managed) {
            (Some(_), _) => "VIEW",
            (None, true) => "MANAGED",
            (None, false) => "EXTERNAL",
        }
    }

    /// The Arrow schema (all columns nullable), types parsed in the session time zone.
    pub fn schema(&self, time_zone: &str) -> Result<SchemaRef> {
        let fields = self
            .columns
            .iter()
            .map(|c| {
                let (dt, interval) = ember_sql::parse_cast_type_with_tz(&c.data_type, time_zone)?;
                let field = Field::new(&c.name, dt, true);
                Ok(match interval {
                    Some(it) => it.annotate(field),
                    None => field,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(Schema::new(fields)))
    }

    pub fn is_partition_column(&self, name: &str) -> bool {
        self.partition_by.iter().any(|p| p.eq_ignore_ascii_case(name))
    }

    pub fn column(&self, name: &str) -> Option<&ColumnMeta> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    fn to_json(&self) -> Value {
        let mut v = json!({
            "database": self.database,
            "name": self.name,
            "provider": self.provider,
            "columns": self.columns.iter().map(|c| json!({"name": c.name, "type": c.data_type, "comment": c.comment})).collect::<Vec<_>>(),
            "partition_by": self.partition_by,
            "location": self.location,
            "managed": self.managed,
            "options": self.options,
            "properties": self.properties,
            "comment": self.comment,
        });
        if let (Some(view), Some(obj)) = (&self.view, v.as_object_mut()) {
            obj.insert("view".into(), json!({"sql": view.sql, "current_database": view.current_database}));
        }
        v
    }

    fn from_json(v: &Value, database: &str) -> Option<TableMeta> {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(|x| x.to_string());
        let columns = v
            .get("columns")?
            .as_array()?
            .iter()
            .map(|c| {
                Some(ColumnMeta {
                    name: c.get("name")?.as_str()?.to_string(),
                    data_type: c.get("type")?.as_str()?.to_string(),
                    comment: c.get("comment").and_then(|x| x.as_str()).map(str::to_string),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let partition_by = v.get("partition_by")?.as_array()?.iter().map(|p| p.as_str().map(|x| x.to_string())).collect::<Option<Vec<_>>>()?;
        let view = v.get("view").and_then(|w| {
            Some(ViewMeta { sql: w.get("sql")?.as_str()?.to_string(), current_database: w.get("current_database")?.as_str()?.to_string() })
        });
        Some(TableMeta {
            database: s("database").unwrap_or_else(|| database.to_string()),
            name: s("name")?,
            provider: s("provider")?,
            columns,
            partition_by,
            location: s("location")?,
            managed: v.get("managed")?.as_bool()?,
            options: string_map(v.get("options")),
            properties: string_map(v.get("properties")),
            comment: s("comment"),
            view,
        })
    }
}

impl DatabaseMeta {
    fn to_json(&self) -> Value {
        json!({"name": self.name, "comment": self.comment, "location": self.location, "properties": self.properties})
    }

    fn from_json(v: &Value) -> Option<DatabaseMeta> {
        Some(DatabaseMeta {
            name: v.get("name")?.as_str()?.to_string(),
            comment: v.get("comment").and_then(|c| c.as_str()).map(str::to_string),
            location: v.get("location")?.as_str()?.to_string(),
            properties: string_map(v.get("properties")),
        })
    }
}

/// Reads and parses a JSON file; `None` if it does not exist.
fn read_json(path: &Path) -> Result<Option<Value>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", path, e)),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| io("parse", path, e))
}

/// Writes `value` to `path` through a temporary file and a rename.
fn write_json(path: &Path, value: &Value) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
    }
    let tmp = path.with_extension(format!("json.{}.tmp", crate::writer::committer::random_hex(4)));
    let text = serde_json::to_string_pretty(value).map_err(|e| io("serialize", path, e))?;
    std::fs::write(&tmp, text).map_err(|e| io("write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io("rename", &tmp, e))
}

/// The table or view `name` (case-insensitive), if the catalog has it.
pub fn load(config: &Config, name: &QualifiedName) -> Result<Option<TableMeta>> {
    if !valid_name(&name.table) || !valid_name(&name.database) {
        return Ok(None);
    }
    let path = meta_path(config, name);
    match read_json(&path)? {
        Some(value) => TableMeta::from_json(&value, &name.database).map(Some).ok_or_else(|| io("parse", &path, "missing fields")),
        None => Ok(None),
    }
}

/// Writes (or replaces) the metadata of `meta`.
pub fn save(config: &Config, meta: &TableMeta) -> Result<()> {
    write_json(&meta_path(config, &meta.qualified()), &meta.to_json())
}

/// Removes the metadata of `name`; returns whether it existed.
pub fn remove(config: &Config, name: &QualifiedName) -> Result<bool> {
    let path = meta_path(config, name);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io("delete", &path, e)),
    }
}

/// Every table and view of database `db`, sorted by name.
pub fn list(config: &Config, db: &str) -> Vec<TableMeta> {
    let Ok(entries) = std::fs::read_dir(database_dir(config, db)) else {
        return vec![];
    };
    let mut out: Vec<TableMeta> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            valid_name(&n) && n.ends_with(".json") && !n.trim_end_matches(".json").contains(".json.") && e.path().is_file()
        })
        .filter_map(|e| read_json(&e.path()).ok().flatten())
        .filter_map(|v| TableMeta::from_json(&v, db))
        .collect();
    out.sort_by_key(|m| m.name.to_ascii_lowercase());
    out
}

/// Database `name`: `default` always exists (at the warehouse).
pub fn load_database(config: &Config, name: &str) -> Result<Option<DatabaseMeta>> {
    if name == DEFAULT_DATABASE {
        let location = warehouse_dir(config).to_string_lossy().to_string();
        return Ok(Some(DatabaseMeta { name: name.into(), comment: Some("default database".into()), location, properties: BTreeMap::new() }));
    }
    if !valid_name(name) {
        return Ok(None);
    }
    let path = database_dir(config, name).join(DATABASE_FILE);
    match read_json(&path)? {
        Some(v) => DatabaseMeta::from_json(&v).map(Some).ok_or_else(|| io("parse", &path, "missing fields")),
        None => Ok(None),
    }
}

/// Writes (or replaces) database `meta`.
pub fn save_database(config: &Config, meta: &DatabaseMeta) -> Result<()> {
    if meta.name == DEFAULT_DATABASE {
        return Err(Error::unsupported("changing the default database"));
    }
    write_json(&database_dir(config, &meta.name).join(DATABASE_FILE), &meta.to_json())
}

/// Removes database `name`'s catalog directory (its tables must be dropped first).
pub fn remove_database(config: &Config, name: &str) -> Result<()> {
    let dir = database_dir(config, name);
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io("delete", &dir, e)),
    }
}

/// Every database name, sorted (`default` included).
pub fn list_databases(config: &Config) -> Vec<String> {
    let mut out = vec![DEFAULT_DATABASE.to_string()];
    if let Ok(entries) = std::fs::read_dir(warehouse_dir(config).join(CATALOG_DIR)) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if let Some(db) = n.strip_suffix(".db") {
                if e.path().join(DATABASE_FILE).is_file() {
                    out.push(db.to_string());
                }
            }
        }
    }
    out.sort();
    out
}

/// The directory database `db`'s tables live under (the warehouse for `default`).
fn database_base(config: &Config, db: &DatabaseMeta) -> PathBuf {
    if db.name == DEFAULT_DATABASE {
        warehouse_dir(config)
    } else {
        PathBuf::from(&db.location)
    }
}

/// Where a managed table of database `db` keeps its data.
pub fn managed_location(config: &Config, db: &DatabaseMeta, table: &str) -> String {
    database_base(config, db).join(table.to_ascii_lowercase()).to_string_lossy().to_string()
}

/// A table `LOCATION` as Spark qualifies it: a relative path is under the database's
/// location (`CREATE TABLE … LOCATION 'x'` in `default` lands in `<warehouse>/x`).
pub fn table_location(config: &Config, db: &DatabaseMeta, given: &str) -> String {
    qualify(&database_base(config, db), given)
}

/// A database `LOCATION` as Spark qualifies it: a relative path is under the warehouse.
pub fn database_location(config: &Config, given: &str) -> String {
    qualify(&warehouse_dir(config), given)
}

/// `given` if absolute (or a `scheme:` URI), else `base/given`.
fn qualify(base: &Path, given: &str) -> String {
    let has_scheme = given.split_once(':').is_some_and(|(s, _)| s.len() > 1 && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if Path::new(given).is_absolute() || has_scheme {
        given.to_string()
    } else {
        base.join(given).to_string_lossy().to_string()
    }
}

/// Where a new database keeps its tables unless `LOCATION` says otherwise.
pub fn default_database_location(config: &Config, name: &str) -> String {
    warehouse_dir(config).join(format!("{name}.db")).to_string_lossy().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path) -> Config {
        let mut config = Config::new();
        config.set(keys::WAREHOUSE_DIR, &dir.to_string_lossy()).unwrap();
        config
    }

    fn table(db: &str, name: &str) -> TableMeta {
        TableMeta {
            database: db.into(),
            name: name.into(),
            provider: "csv".into(),
            columns: vec![
                ColumnMeta::new("id", "int"),
                ColumnMeta { name: "d".into(), data_type: "decimal(10,2)".into(), comment: Some("money".into()) },
                ColumnMeta::new("p", "string"),
            ],
            partition_by: vec!["p".into()],
            location: "x/sales".into(),
            managed: false,
            options: BTreeMap::from([("header".to_string(), "true".to_string())]),
            properties: BTreeMap::from([("k".to_string(), "v".to_string())]),
            comment: Some("c".into()),
            view: None,
        }
    }

    #[test]
    fn tables_round_trip_through_the_warehouse() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let meta = table("default", "sales");
        let name = QualifiedName::new("default", "sales");
        assert_eq!(load(&config, &name).unwrap(), None);
        save(&config, &meta).unwrap();
        assert_eq!(load(&config, &name).unwrap(), Some(meta.clone()));
        assert_eq!(list(&config, "default").iter().map(|m| m.name.clone()).collect::<Vec<_>>(), vec!["sales".to_string()]);
        assert_eq!(meta.schema("UTC").unwrap().field(1).data_type(), &arrow::datatypes::DataType::Decimal128(10, 2));
        assert!(remove(&config, &name).unwrap());
        assert!(!remove(&config, &name).unwrap());
        assert_eq!(load(&config, &QualifiedName::new("default", "../etc")).unwrap(), None);
    }

    #[test]
    fn databases_hold_their_own_tables_and_views() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        assert_eq!(list_databases(&config), vec!["default"]);
        let db = DatabaseMeta { name: "db1".into(), comment: None, location: default_database_location(&config, "db1"), properties: BTreeMap::new() };
        save_database(&config, &db).unwrap();
        assert_eq!(load_database(&config, "db1").unwrap(), Some(db.clone()));
        let mut v = table("db1", "v");
        v.view = Some(ViewMeta { sql: "SELECT 1".into(), current_database: "db1".into() });
        save(&config, &v).unwrap();
        save(&config, &table("default", "v")).unwrap();
        assert_eq!(load(&config, &QualifiedName::new("db1", "v")).unwrap().unwrap().kind(), "VIEW");
        assert_eq!(load(&config, &QualifiedName::new("default", "v")).unwrap().unwrap().kind(), "EXTERNAL");
        assert_eq!(list_databases(&config), vec!["db1", "default"]);
        assert!(managed_location(&config, &db, "T").ends_with("db1.db/t"));
        remove_database(&config, "db1").unwrap();
        assert_eq!(load_database(&config, "db1").unwrap(), None);
        assert_eq!(list(&config, "default").len(), 1);
    }
}
