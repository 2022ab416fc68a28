//! `DataFrameReader`: Spark's `spark.read.option(…).csv(path)`.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use ember_common::Result;
use ember_datasource::{FileFormat, FileTable, ReadOptions};
use ember_plan::LogicalPlanBuilder;

use crate::dataframe::DataFrame;
use crate::session::Session;

/// Reads files into DataFrames; options use Spark's names (`header`, `sep`, …).
#[derive(Debug, Clone)]
pub struct DataFrameReader {
    session: Session,
    format: Option<String>,
    options: BTreeMap<String, String>,
    schema: Option<SchemaRef>,
    schema_ddl: Option<String>,
}

impl DataFrameReader {
    pub(crate) fn new(session: Session) -> Self {
        DataFrameReader { session, format: None, options: BTreeMap::new(), schema: None, schema_ddl: None }
    }

    /// Sets a reader option (case-insensitive key).
    pub fn option(mut self, key: &str, value: impl ToString) -> Self {
        self.options.insert(key.to_ascii_lowercase(), value.to_string());
        self
    }

    pub fn options<'a>(mut self, options: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (k, v) in options {
            self.options.insert(k.to_ascii_lowercase(), v.to_string());
        }
        self
    }

    /// An explicit Arrow schema instead of inference.
    pub fn schema(mut self, schema: SchemaRef) -> Self {
        self.schema = Some(schema);
        self
    }

    /// An explicit schema as a DDL string: `"id INT, name STRING"`.
    pub fn schema_ddl(mut self, ddl: &str) -> Self {
        self.schema_ddl = Some(ddl.to_string());
        self
    }

    pub fn format(mut self, format: &str) -> Self {
        self.format = Some(format.to_string());
        self
    }

    /// Reads with the format set by [`DataFrameReader::format`] (default parquet, as Spark).
    pub fn load(&self, path: &str) -> Result<DataFrame> {
        let format = self.format.clone().unwrap_or_else(|| "parquet".to_string());
        self.read(&format, path)
    }

    pub fn csv(&self, path: &str) -> Result<DataFrame> {
        self.read("csv", path)
    }

    pub fn json(&self, path: &str) -> Result<DataFrame> {
        self.read("json", path)
    }

    pub fn parquet(&self, path: &str) -> Result<DataFrame> {
        self.read("parquet", path)
    }

    /// Arrow IPC files (`.arrow`), one partition per file.
    pub fn arrow(&self, path: &str) -> Result<DataFrame> {
        self.read("arrow", path)
    }

    fn read(&self, format: &str, path: &str) -> Result<DataFrame> {
        // Finish any interrupted commit of an Ember write before listing (see writer::committer).
        crate::writer::committer::recover(std::path::Path::new(path))?;
        if matches!(format.to_ascii_lowercase().as_str(), "arrow" | "ipc" | "feather") {
            return Ok(DataFrame::new(self.session.clone(), crate::arrow_ipc::read_arrow_plan(&relation_name(path), path)?));
        }
        let plan = read_plan(&relation_name(path), format, path, &self.options, self.schema.clone(), self.schema_ddl.as_deref())?;
        Ok(DataFrame::new(self.session.clone(), plan))
    }
}

/// The reader options plus the session settings file sources read
/// (`spark.sql.sources.partitionColumnTypeInference.enabled`).
pub(crate) fn with_session_conf(session: &Session, options: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = options.clone();
    let key = ember_datasource::table::PARTITION_TYPE_INFERENCE;
    if let Some(v) = session.config().get(key) {
        out.entry(key.to_ascii_lowercase()).or_insert_with(|| v.to_string());
    }
    out
}

/// The name a file relation gets in plans (and as its columns' qualifier): the file
/// or directory name without extension, e.g. `people` for `data/people.csv`.
pub(crate) fn relation_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    let last = trimmed.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(trimmed);
    let stem = last.split('.').next().filter(|s| !s.is_empty()).unwrap_or(last);
    stem.to_string()
}

/// The logical plan reading `path` in `format` as relation `name` (shared by the
/// reader and `CREATE TEMPORARY VIEW … USING`).
pub(crate) fn read_plan(
    name: &str,
    format: &str,
    path: &str,
    options: &BTreeMap<String, String>,
    schema: Option<SchemaRef>,
    schema_ddl: Option<&str>,
) -> Result<ember_plan::LogicalPlan> {
    let format = FileFormat::from_name(format)?;
    let schema = match (schema, schema_ddl) {
        (Some(s), _) => Some(s),
        (None, Some(ddl)) => Some(Arc::new(ember_sql::parse_ddl_schema(ddl)?)),
        (None, None) => None,
    };
    let mut opts = ReadOptions::new();
    for (k, v) in options {
        if k != "path" {
            opts.set(k, v);
        }
    }
    let table = FileTable::try_new(format, vec![path.to_string()], opts, schema)?;
    Ok(LogicalPlanBuilder::scan(name, Arc::new(table))?.build())
}
