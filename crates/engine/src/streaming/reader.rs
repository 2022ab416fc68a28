//! `DataStreamReader`: `session.read_stream().format("json").schema("…").load(dir)`
//! gives a streaming DataFrame whose plan reads a `StreamingTableSource`.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::datatypes::{Schema, SchemaRef};
use ember_common::{Error, Result};
use ember_plan::LogicalPlanBuilder;
use ember_streaming::memory_source::MemoryStream;
use ember_streaming::streaming_relation::{SourceSpec, StreamingTableSource};

use crate::dataframe::DataFrame;
use crate::session::Session;

/// A schema given as a DDL string or as an Arrow schema.
#[derive(Debug, Clone)]
pub enum SchemaArg {
    Ddl(String),
    Arrow(SchemaRef),
}

impl From<&str> for SchemaArg {
    fn from(s: &str) -> Self {
        SchemaArg::Ddl(s.to_string())
    }
}
impl From<String> for SchemaArg {
    fn from(s: String) -> Self {
        SchemaArg::Ddl(s)
    }
}
impl From<SchemaRef> for SchemaArg {
    fn from(s: SchemaRef) -> Self {
        SchemaArg::Arrow(s)
    }
}
impl From<Schema> for SchemaArg {
    fn from(s: Schema) -> Self {
        SchemaArg::Arrow(Arc::new(s))
    }
}

/// Builds streaming DataFrames; options use Spark's names.
#[derive(Debug, Clone)]
pub struct DataStreamReader {
    session: Session,
    format: Option<String>,
    options: BTreeMap<String, String>,
    schema: Option<SchemaArg>,
}

impl DataStreamReader {
    pub(crate) fn new(session: Session) -> Self {
        DataStreamReader { session, format: None, options: BTreeMap::new(), schema: None }
    }

    /// `json`, `csv`, `parquet`, `text`, `rate`, `rate-micro-batch`, `socket`.
    pub fn format(mut self, format: &str) -> Self {
        self.format = Some(format.to_string());
        self
    }

    /// The rows' schema (required for file sources, as in Spark).
    pub fn schema(mut self, schema: impl Into<SchemaArg>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    pub fn option(mut self, key: &str, value: impl ToString) -> Self {
        self.options.insert(key.to_string(), value.to_string());
        self
    }

    pub fn options<'a>(mut self, options: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (k, v) in options {
            self.options.insert(k.to_string(), v.to_string());
        }
        self
    }

    pub fn json(self, path: &str) -> Result<DataFrame> {
        self.format("json").load(path)
    }

    pub fn csv(self, path: &str) -> Result<DataFrame> {
        self.format("csv").load(path)
    }

    pub fn parquet(self, path: &str) -> Result<DataFrame> {
        self.format("parquet").load(path)
    }

    /// Text files: one row `value STRING` per line.
    pub fn text(self, path: &str) -> Result<DataFrame> {
        self.format("text").load(path)
    }

    /// A streaming DataFrame over `path` in the set format (default parquet); the
    /// path is ignored by `rate` and `rate-micro-batch`.
    pub fn load(self, path: &str) -> Result<DataFrame> {
        let format = self.format.clone().unwrap_or_else(|| "parquet".to_string()).trim().to_ascii_lowercase();
        let path = (!path.trim().is_empty()).then(|| path.to_string()).or_else(|| self.options.iter().find(|(k, _)| k.eq_ignore_ascii_case("path")).map(|(_, v)| v.clone()));
        let config = self.session.config();
        let schema: SchemaRef = match format.as_str() {
            "rate" | "rate-micro-batch" => {
                if self.schema.is_some() {
                    return Err(Error::invalid_argument(format!("The {format} source does not support a user-specified schema.")));
                }
                ember_streaming::rate_source::rate_schema(&config.time_zone())
            }
            "socket" => {
                let include = self.options.iter().any(|(k, v)| k.eq_ignore_ascii_case("includeTimestamp") && v.trim().eq_ignore_ascii_case("true"));
                ember_streaming::socket_source::socket_schema(include, &config.time_zone())
            }
            "text" => {
                if path.is_none() {
                    return Err(Error::invalid_argument("'path' is not specified"));
                }
                ember_streaming::file_source::text_schema()
            }
            "json" | "csv" | "parquet" => {
                if path.is_none() {
                    return Err(Error::invalid_argument("'path' is not specified"));
                }
                match &self.schema {
                    Some(SchemaArg::Arrow(s)) => s.clone(),
                    Some(SchemaArg::Ddl(ddl)) => Arc::new(ember_sql::parse_ddl_schema(ddl)?),
                    None => {
                        // Spark infers only with spark.sql.streaming.schemaInference.
                        let infer = config.get("spark.sql.streaming.schemaInference").is_some_and(|v| v.eq_ignore_ascii_case("true"));
                        if !infer {
                            return Err(Error::legacy(
                                "_LEGACY_ERROR_TEMP_1193",
                                "Schema must be specified when creating a streaming source DataFrame. If some files already exist in the directory, then depending on the file format you may be able to create a static DataFrame on that directory with 'spark.read.load(directory)' and infer schema from it.",
                            ));
                        }
                        let mut batch = self.session.read().format(&format);
                        for (k, v) in &self.options {
                            batch = batch.option(k, v);
                        }
                        batch.load(path.as_deref().unwrap_or_default())?.schema()
                    }
                }
            }
            other => {
                return Err(match ember_datasource::FileFormat::from_name(other) {
                    Err(e) => e,
                    Ok(_) => Error::unsupported(format!("the streaming source format '{other}'")),
                })
            }
        };
        let spec = SourceSpec { format: format.clone(), options: self.options.clone().into_iter().collect(), path: path.clone() };
        let name = path.as_deref().map(crate::reader::relation_name).unwrap_or_else(|| format.clone());
        let table = StreamingTableSource { spec, schema, prebuilt: None };
        let plan = LogicalPlanBuilder::scan(&name, Arc::new(table))?.build();
        Ok(DataFrame::new(self.session.clone(), plan))
    }

    /// A streaming DataFrame over rows added from Rust (Spark's `MemoryStream`).
    pub fn memory(self, stream: &MemoryStream) -> Result<DataFrame> {
        use ember_streaming::Source;
        let spec = SourceSpec { format: "memory".into(), options: vec![], path: None };
        let table = StreamingTableSource { spec, schema: stream.schema(), prebuilt: Some(Arc::new(stream.clone())) };
        let plan = LogicalPlanBuilder::scan("memory", Arc::new(table))?.build();
        Ok(DataFrame::new(self.session.clone(), plan))
    }
}
