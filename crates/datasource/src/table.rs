//! `FileTable`: a `TableSource` over files of one format: lists the files once, infers
//! or takes the schema, answers filter pushdown, and builds the scan operator.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use ember_common::types::sql_type_name;
use ember_common::{Error, ErrorKind, Result};
use ember_physical::ExecutionPlan;
use ember_plan::{Expr, FilterPushdown, TableSource};

use crate::csv_infer::infer_csv_schema;
use crate::csv_options::CsvOptions;
use crate::csv_scan::CsvScanExec;
use crate::format::FileFormat;
use crate::json_infer::{infer_json, JsonOptions};
use crate::json_scan::JsonScanExec;
use crate::listing::{list_files, FileMeta};
use crate::options::ReadOptions;
use crate::parquet_pruning::build_predicate;
use crate::parquet_scan::ParquetScanExec;
use crate::parquet_schema::{load_metadata, spark_schema};
use crate::split::plan_text_partitions;

#[derive(Debug, Clone)]
enum FormatOptions {
    Csv(CsvOptions),
    Json(JsonOptions),
    Parquet,
}

/// A table read from files (`spark.read.format(..).load(paths)`).
#[derive(Debug)]
pub struct FileTable {
    format: FileFormat,
    paths: Vec<String>,
    files: Vec<Arc<FileMeta>>,
    options: ReadOptions,
    format_options: FormatOptions,
    schema: SchemaRef,
}

/// Spark makes file source schemas nullable.
fn nullable(schema: &Schema) -> Schema {
    Schema::new(schema.fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect::<Vec<Field>>())
}

/// Can arrow-csv parse a column of this type?
fn csv_type_supported(dt: &DataType) -> bool {
    dt.is_primitive() || matches!(dt, DataType::Boolean | DataType::Utf8 | DataType::Null)
}

fn unsupported_type(format: FileFormat, field: &Field) -> Error {
    Error::new(ErrorKind::Other {
        class: "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE".into(),
        sqlstate: Some("0A000".into()),
        message: format!(
            "The {} datasource doesn't support the column `{}` of the type \"{}\".",
            format.display_name(),
            field.name(),
            sql_type_name(field.data_type())
        ),
    })
}

fn unable_to_infer(format: FileFormat) -> Error {
    Error::new(ErrorKind::Other {
        class: "UNABLE_TO_INFER_SCHEMA".into(),
        sqlstate: Some("42KD9".into()),
        message: format!("Unable to infer schema for {}. It must be specified manually.", format.display_name()),
    })
}

impl FileTable {
    /// Lists the files, validates the options and infers the schema unless given.
    pub fn try_new(format: FileFormat, paths: Vec<String>, options: ReadOptions, schema: Option<SchemaRef>) -> Result<FileTable> {
        let files: Vec<Arc<FileMeta>> = list_files(&paths)?.into_iter().map(Arc::new).collect();
        let format_options = match format {
            FileFormat::Csv => FormatOptions::Csv(CsvOptions::try_new(&options)?),
            FileFormat::Json => FormatOptions::Json(JsonOptions::try_new(&options)?),
            FileFormat::Parquet => FormatOptions::Parquet,
        };
        let schema = match (schema, &format_options) {
            (Some(s), _) => {
                if let FormatOptions::Csv(_) = format_options {
                    if let Some(f) = s.fields().iter().find(|f| !csv_type_supported(f.data_type())) {
                        return Err(unsupported_type(format, f));
                    }
                }
                nullable(&s)
            }
            (None, FormatOptions::Csv(o)) => infer_csv_schema(&files, o)?,
            (None, FormatOptions::Json(o)) => infer_json(&files, o)?,
            (None, FormatOptions::Parquet) => match files.first() {
                Some(f) => spark_schema(&load_metadata(f)?),
                None => return Err(unable_to_infer(format)),
            },
        };
        Ok(FileTable { format, paths, files, options, format_options, schema: Arc::new(schema) })
    }

    pub fn format(&self) -> FileFormat {
        self.format
    }

    /// The paths as given.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// The data files found when the table was created, sorted by path.
    pub fn files(&self) -> &[Arc<FileMeta>] {
        &self.files
    }

    pub fn options(&self) -> &ReadOptions {
        &self.options
    }

    /// The scan operator for `projection` (indices into [`TableSource::schema`]), whose
    /// output schema is `output` (the projected fields, possibly re-labelled).
    #[allow(clippy::too_many_arguments)]
    pub fn create_scan(
        &self,
        projection: Option<&[usize]>,
        output: SchemaRef,
        filters: &[Expr],
        fetch: Option<usize>,
        target_partitions: usize,
        max_partition_bytes: u64,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let all: Vec<usize> = (0..self.schema.fields().len()).collect();
        let projection = projection.map(|p| p.to_vec()).unwrap_or(all);
        if output.fields().len() != projection.len() || projection.iter().any(|&i| i >= self.schema.fields().len()) {
            return Err(Error::internal("file scan projection does not match its output schema"));
        }
        let files = self.files.clone();
        let filters = filters.to_vec();
        Ok(match &self.format_options {
            FormatOptions::Csv(o) => {
                let parts = plan_text_partitions(&files, target_partitions, max_partition_bytes);
                Arc::new(CsvScanExec::new(files, parts, self.schema.clone(), projection, output, o.clone(), filters, fetch))
            }
            FormatOptions::Json(_) => {
                let parts = plan_text_partitions(&files, target_partitions, max_partition_bytes);
                Arc::new(JsonScanExec::new(files, parts, output, filters, fetch))
            }
            FormatOptions::Parquet => {
                // columns are matched by name in each file
                Arc::new(ParquetScanExec::try_new(files, &self.schema, output, filters, fetch, target_partitions, max_partition_bytes)?)
            }
        })
    }
}

impl TableSource for FileTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        format!("{} [{}]", self.format, self.paths.join(", "))
    }

    fn filter_pushdown(&self, filter: &Expr) -> FilterPushdown {
        match self.format {
            FileFormat::Parquet if build_predicate(filter, &self.schema).is_some() => FilterPushdown::Inexact,
            FileFormat::Parquet => FilterPushdown::Unsupported,
            // CSV and JSON scans evaluate deterministic filters on each parsed batch.
            FileFormat::Csv | FileFormat::Json if filter.is_deterministic() && !filter.contains_aggregate() => FilterPushdown::Inexact,
            FileFormat::Csv | FileFormat::Json => FilterPushdown::Unsupported,
        }
    }

    fn estimated_size_bytes(&self) -> Option<u64> {
        Some(self.files.iter().map(|f| f.size).sum())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
