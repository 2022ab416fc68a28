//! `DataFrameWriter`: Spark's `df.write.mode(…).partitionBy(…).option(…).parquet(path)`.
//! Writes run as one task per result partition, commit atomically
//! ([`committer`]) and lay out Hive-style partition directories ([`partition_dirs`]).
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("out").to_string_lossy().to_string();
//! let session = ember::Session::builder().build().unwrap();
//! let df = session.sql("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, c)").unwrap();
//! df.write().mode("overwrite").partition_by(["c"]).parquet(&path).unwrap();
//! assert_eq!(session.read().parquet(&format!("{path}/c=a")).unwrap().count().unwrap(), 1);
//! ```

pub mod committer;
pub mod file_sinks;
pub mod partition_dirs;
pub mod text_values;
pub(crate) mod write_job;

use std::collections::BTreeMap;
use std::path::Path;

use ember_common::{Error, ErrorKind, Result};

use crate::dataframe::DataFrame;
use committer::CommitKind;
use file_sinks::WriteFormat;
use write_job::{run_write_job, WriteRequest};

/// What to do when the target already exists (Spark's `SaveMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    /// Fail if the target exists (`error`, `errorifexists`, the default).
    ErrorIfExists,
    /// Add files next to the existing ones.
    Append,
    /// Replace the existing contents once the new data is complete.
    Overwrite,
    /// Do nothing if the target exists.
    Ignore,
}

impl SaveMode {
    /// Parses Spark's names, case-insensitively.
    pub fn parse(name: &str) -> Result<SaveMode> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "error" | "errorifexists" | "default" => SaveMode::ErrorIfExists,
            "append" => SaveMode::Append,
            "overwrite" => SaveMode::Overwrite,
            "ignore" => SaveMode::Ignore,
            _ => {
                return Err(Error::new(ErrorKind::Other {
                    class: "INVALID_SAVE_MODE".into(),
                    sqlstate: Some("42000".into()),
                    message: format!(
                        "The specified save mode \"{name}\" is invalid. Valid save modes include \"append\", \"overwrite\", \"ignore\", \"error\", \"errorifexists\", and \"default\"."
                    ),
                }))
            }
        })
    }
}

/// `partitionOverwriteMode` (writer option, else `spark.sql.sources.partitionOverwriteMode`)
/// is `dynamic`: an overwrite replaces only the partitions it writes.
pub(crate) fn dynamic_overwrite(
    options: &BTreeMap<String, String>,
    config: &ember_common::Config,
) -> bool {
    options
        .get("partitionoverwritemode")
        .map(|s| s.as_str())
        .or_else(|| config.get(ember_common::config::keys::PARTITION_OVERWRITE_MODE))
        .is_some_and(|m| m.eq_ignore_ascii_case("dynamic"))
}

/// PATH_ALREADY_EXISTS for `mode("error")`.
pub(crate) fn path_exists_error(path: &str) -> Error {
    Error::new(ErrorKind::Other {
        class: "PATH_ALREADY_EXISTS".into(),
        sqlstate: Some("42K04".into()),
        message: format!(
            "Path {path} already exists. Set mode as \"overwrite\" to overwrite the existing path."
        ),
    })
}

/// Writes a DataFrame to files. Build with [`DataFrame::write`].
#[derive(Debug, Clone)]
pub struct DataFrameWriter {
    df: DataFrame,
    format: Option<String>,
    mode: std::result::Result<SaveMode, String>,
    partition_by: Vec<String>,
    options: BTreeMap<String, String>,
}

impl DataFrameWriter {
    pub(crate) fn new(df: DataFrame) -> Self {
        DataFrameWriter {
            df,
            format: None,
            mode: Ok(SaveMode::ErrorIfExists),
            partition_by: vec![],
            options: BTreeMap::new(),
        }
    }

    /// `error`/`errorifexists` (default), `append`, `overwrite` or `ignore`; an unknown
    /// name fails when the write runs (INVALID_SAVE_MODE).
    pub fn mode(mut self, mode: &str) -> Self {
        self.mode = SaveMode::parse(mode).map_err(|_| mode.to_string());
        self
    }

    pub fn save_mode(mut self, mode: SaveMode) -> Self {
        self.mode = Ok(mode);
        self
    }

    /// `parquet` (default), `csv`, `json` or `arrow`.
    pub fn format(mut self, format: &str) -> Self {
        self.format = Some(format.to_string());
        self
    }

    /// A writer option (case-insensitive key): `compression`, `header`, `sep`,
    /// `quote`, `escape`, `nullValue`, `emptyValue`, `quoteAll`, `dateFormat`,
    /// `timestampFormat`, `maxRecordsPerFile`.
    pub fn option(mut self, key: &str, value: impl ToString) -> Self {
        self.options
            .insert(key.to_ascii_lowercase(), value.to_string());
        self
    }

    pub fn options<'a>(mut self, options: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (k, v) in options {
            self.options.insert(k.to_ascii_lowercase(), v.to_string());
        }
        self
    }

    /// Partitions the output by these columns: one directory per value
    /// (`c=value/`), the columns themselves are left out of the files.
    pub fn partition_by<S: AsRef<str>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.partition_by = columns
            .into_iter()
            .map(|c| c.as_ref().to_string())
            .collect();
        self
    }

    pub fn parquet(self, path: &str) -> Result<()> {
        self.format("parquet").save(path)
    }

    pub fn csv(self, path: &str) -> Result<()> {
        self.format("csv").save(path)
    }

    pub fn json(self, path: &str) -> Result<()> {
        self.format("json").save(path)
    }

    /// Arrow IPC files (`.arrow`).
    pub fn arrow(self, path: &str) -> Result<()> {
        self.format("arrow").save(path)
    }

    /// Same as [`DataFrameWriter::arrow`].
    pub fn ipc(self, path: &str) -> Result<()> {
        self.arrow(path)
    }

    /// Writes in the format set by [`DataFrameWriter::format`] (default parquet).
    pub fn save(self, path: &str) -> Result<()> {
        let mode = self.resolved_mode()?;
        let format = WriteFormat::from_name(self.format.as_deref().unwrap_or("parquet"))?;
        if path.trim().is_empty() {
            return Err(Error::invalid_argument(
                "Expected exactly one path to be specified, but got: ''.",
            ));
        }
        let target = Path::new(path);
        committer::recover(target)?;
        let commit = match (mode, target.exists()) {
            (SaveMode::ErrorIfExists, true) => return Err(path_exists_error(path)),
            (SaveMode::Ignore, true) => return Ok(()),
            (SaveMode::Overwrite, _)
                if !self.partition_by.is_empty()
                    && dynamic_overwrite(&self.options, &self.df.session().config()) =>
            {
                CommitKind::OverwritePartitions
            }
            (SaveMode::Overwrite, _) => CommitKind::Overwrite(String::new()),
            _ => CommitKind::Append,
        };
        let request = WriteRequest {
            format,
            target,
            partition_by: &self.partition_by,
            options: &self.options,
            commit,
        };
        run_write_job(self.df.session(), self.df.logical_plan().clone(), &request)?;
        Ok(())
    }
}

impl DataFrameWriter {
    fn resolved_mode(&self) -> Result<SaveMode> {
        self.mode.clone().map_err(|m| {
            SaveMode::parse(&m)
                .err()
                .unwrap_or_else(|| Error::internal("save mode"))
        })
    }

    /// Writes the rows as the catalog table `name` (Spark's `saveAsTable`): creates it
    /// (format, `partition_by` and options of this writer; option `path` makes it
    /// external) or, if it exists, fails (`error`), does nothing (`ignore`), appends
    /// matching columns by name (`append`) or replaces the table (`overwrite`).
    pub fn save_as_table(self, name: &str) -> Result<()> {
        let mode = self.resolved_mode()?;
        let session = self.df.session().clone();
        let table = ember_plan::TableName::parse(name);
        let q = session.qualify(&table)?;
        let existing = crate::tables::metadata::load(&session.config(), &q)?;
        let plan = self.df.logical_plan().clone();
        match (mode, existing) {
            (SaveMode::ErrorIfExists, Some(_)) => Err(Error::new(ErrorKind::TableOrViewAlreadyExists { name: q.quoted() })),
            (SaveMode::Ignore, Some(_)) => Ok(()),
            (SaveMode::Append, Some(meta)) => {
                let schema = plan.schema().clone();
                let exprs = meta
                    .columns
                    .iter()
                    .map(|c| {
                        let f = schema.fields().iter().find(|f| f.name().eq_ignore_ascii_case(&c.name)).ok_or_else(|| {
                            Error::spark("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA", &[("tableName", &q.quoted()), ("colName", &format!("`{}`", c.name))])
                        })?;
                        Ok(ember_plan::Expr::Column(f.column()))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let query = ember_plan::LogicalPlanBuilder::from(plan).project(exprs)?.build();
                crate::tables::commands::insert(&session, ember_plan::InsertInto { table, overwrite: false, partition: vec![], query })
            }
            (mode, existing) => {
                if mode == SaveMode::Overwrite && existing.is_some() {
                    crate::tables::commands::drop_table(&session, &table, true)?;
                }
                let mut options = self.options.clone();
                let location = options.remove("path");
                let provider = WriteFormat::from_name(self.format.as_deref().unwrap_or("parquet"))?;
                if provider == WriteFormat::Arrow {
                    return Err(Error::unsupported("tables in the arrow format"));
                }
                let create = ember_plan::CreateTable {
                    name: table,
                    if_not_exists: false,
                    replace: false,
                    schema_ddl: None,
                    provider: Some(provider.name().to_string()),
                    partition_by: self.partition_by.clone(),
                    location,
                    options,
                    properties: BTreeMap::new(),
                    comment: None,
                    query: Some(plan),
                };
                crate::tables::commands::create_table(&session, create)
            }
        }
    }

    /// Inserts the rows into the existing table `name` by position (Spark's
    /// `insertInto`); mode `overwrite` replaces its contents.
    pub fn insert_into(self, name: &str) -> Result<()> {
        let overwrite = self.resolved_mode()? == SaveMode::Overwrite;
        let query = self.df.logical_plan().clone();
        crate::tables::commands::insert(self.df.session(), ember_plan::InsertInto { table: ember_plan::TableName::parse(name), overwrite, partition: vec![], query })
    }
}

impl DataFrame {
    /// A writer for this DataFrame's rows: `df.write().mode("overwrite").parquet(path)`.
    pub fn write(&self) -> DataFrameWriter {
        DataFrameWriter::new(self.clone())
    }
}
