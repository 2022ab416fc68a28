//! `FileTable`: a `TableSource` over files of one format: lists the files once, infers
//! or takes the schema, answers filter pushdown, and builds the scan operator.

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use ember_common::types::sql_type_name;
use ember_common::{Error, ErrorKind, Result};
use ember_physical::ExecutionPlan;
use ember_plan::{Expr, FilterPushdown, TableSource};

use crate::bad_records::{corrupt_column_index, only_corrupt_column_read};
use crate::csv_infer::infer_csv_schema;
use crate::csv_options::CsvOptions;
use crate::csv_scan::{CsvColumn, CsvScanExec};
use crate::format::FileFormat;
use crate::json_infer::{infer_json, JsonOptions};
use crate::json_scan::{JsonColumn, JsonScanExec};
use crate::listing::{list_files_with, FileMeta, ListingOptions};
use crate::options::ReadOptions;
use crate::parquet_pruning::build_predicate;
use crate::parquet_scan::ParquetScanExec;
use crate::parquet_schema::{load_metadata, merge_parquet_schemas, spark_schema};
use crate::partitions::{discover, FillColumn, PartitionFill, PartitionSpec};
use crate::scan_util::ScanExtras;
use crate::split::plan_text_partitions_with;

/// The session setting that turns partition column type inference off.
pub const PARTITION_TYPE_INFERENCE: &str = "spark.sql.sources.partitionColumnTypeInference.enabled";

#[derive(Debug, Clone)]
enum FormatOptions {
    Csv(CsvOptions),
    Json(JsonOptions),
    Parquet,
}

/// A table read from files (`spark.read.format(..).load(paths)`). The files are listed
/// once, when the table is created (a read or a query over a view uses that listing).
#[derive(Debug)]
pub struct FileTable {
    format: FileFormat,
    paths: Vec<String>,
    files: Vec<Arc<FileMeta>>,
    options: ReadOptions,
    format_options: FormatOptions,
    /// the columns stored in the files (with the corrupt-record column, if any)
    data_schema: SchemaRef,
    /// the table's columns: the data columns (a partition column of the same name
    /// replacing one) then the other partition columns
    schema: SchemaRef,
    /// where each column of `schema` comes from
    sources: Vec<FillColumn>,
    partitions: Option<PartitionSpec>,
    files_opened: Arc<AtomicUsize>,
}

/// Spark makes file source schemas nullable.
fn nullable(schema: &Schema) -> Schema {
    Schema::new(schema.fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect::<Vec<Field>>())
}

/// Can the CSV reader parse a column of this type?
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
    /// Lists the files, discovers partition directories, validates the options and
    /// infers the schema unless given.
    pub fn try_new(format: FileFormat, paths: Vec<String>, options: ReadOptions, schema: Option<SchemaRef>) -> Result<FileTable> {
        let listing_options = ListingOptions::from_options(&options)?;
        let listed = list_files_with(&paths, &listing_options)?;
        let (read, partitions) = if listing_options.recursive_file_lookup {
            (vec![true; listed.len()], None)
        } else {
            let infer_types = options.get_bool(PARTITION_TYPE_INFERENCE, true)?;
            discover(&listed, infer_types, schema.as_deref())?
        };
        // a partitioned table infers its schema from every file listed, as Spark does,
        // but reads only those under partition directories
        let listed_files: Vec<Arc<FileMeta>> = listed.into_iter().map(|f| Arc::new(f.meta)).collect();
        let files: Vec<Arc<FileMeta>> = listed_files.iter().zip(&read).filter(|(_, r)| **r).map(|(f, _)| f.clone()).collect();
        let infer_files = if partitions.is_some() { &listed_files } else { &files };
        let format_options = match format {
            FileFormat::Csv => FormatOptions::Csv(CsvOptions::try_new(&options)?),
            FileFormat::Json => FormatOptions::Json(JsonOptions::try_new(&options)?),
            FileFormat::Parquet => FormatOptions::Parquet,
        };
        let partition_index = |name: &str| partitions.as_ref().and_then(|p| p.index_of(name));
        let data = match (schema, &format_options) {
            (Some(s), _) => {
                let data = Schema::new(s.fields().iter().filter(|f| partition_index(f.name()).is_none()).cloned().collect::<Vec<_>>());
                nullable(&data)
            }
            (None, FormatOptions::Csv(o)) => infer_csv_schema(infer_files, o)?,
            (None, FormatOptions::Json(o)) => infer_json(infer_files, o)?,
            (None, FormatOptions::Parquet) if options.get_bool("mergeSchema", false)? => {
                if infer_files.is_empty() {
                    return Err(unable_to_infer(format));
                }
                merge_parquet_schemas(infer_files)?
            }
            (None, FormatOptions::Parquet) => match infer_files.first() {
                Some(f) => spark_schema(&load_metadata(f)?),
                None => return Err(unable_to_infer(format)),
            },
        };
        if let FormatOptions::Csv(o) = &format_options {
            let corrupt = data.fields().iter().position(|f| f.name() == &o.corrupt_column);
            if let Some((_, f)) = data.fields().iter().enumerate().find(|(i, f)| Some(*i) != corrupt && !csv_type_supported(f.data_type())) {
                return Err(unsupported_type(format, f));
            }
        }
        // Spark's `mergeDataAndPartitionSchema`: a partition column that is also a data
        // column keeps the data column's place (with the partition's type and values)
        let mut fields: Vec<Field> = Vec::new();
        let mut sources = Vec::new();
        for (i, f) in data.fields().iter().enumerate() {
            match (partition_index(f.name()), &partitions) {
                (Some(p), Some(spec)) => {
                    fields.push(spec.fields[p].clone());
                    sources.push(FillColumn::Partition(p));
                }
                _ => {
                    fields.push(f.as_ref().clone());
                    sources.push(FillColumn::Read(i));
                }
            }
        }
        if let Some(spec) = &partitions {
            for (p, f) in spec.fields.iter().enumerate() {
                if !sources.contains(&FillColumn::Partition(p)) {
                    fields.push(f.clone());
                    sources.push(FillColumn::Partition(p));
                }
            }
        }
        Ok(FileTable {
            format,
            paths,
            files,
            options,
            format_options,
            data_schema: Arc::new(data),
            schema: Arc::new(Schema::new(fields)),
            sources,
            partitions,
            files_opened: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The table a query on a path reads (`SELECT * FROM csv.\`path\``). As Spark's
    /// `ResolveSQLOnFile`, a failure Spark raises at run time rather than analysis
    /// (conflicting directories, a file that cannot be read) becomes
    /// `FAILED_TO_CREATE_PLAN_FOR_DIRECT_QUERY`, with that failure as its cause.
    pub fn for_direct_query(format: FileFormat, path: &str) -> Result<FileTable> {
        FileTable::try_new(format, vec![path.to_string()], ReadOptions::new(), None).map_err(|e| {
            let class = e.class();
            if !(class.starts_with("CONFLICTING_") || class.starts_with("FAILED_READ_FILE")) {
                return e;
            }
            Error::new(ErrorKind::Other {
                class: "FAILED_TO_CREATE_PLAN_FOR_DIRECT_QUERY".into(),
                sqlstate: Some("58030".into()),
                message: format!("Failed to create plan for direct query on files: {format}"),
            })
            .context(format!("Caused by: [{class}] {}", e.message()))
            .with_cause(e)
        })
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

    /// The partition columns discovered in the directory names (empty if none).
    pub fn partition_columns(&self) -> Vec<String> {
        self.partitions.as_ref().map(|p| p.fields.iter().map(|f| f.name().clone()).collect()).unwrap_or_default()
    }

    /// How many times scans of this table opened a data file (a byte range of a text
    /// file, or the row groups of a Parquet file). Parquet footers, read when a scan is
    /// planned for the files left after partition pruning, are not counted.
    pub fn files_opened(&self) -> usize {
        self.files_opened.load(Ordering::Relaxed)
    }

    /// The files that can hold rows passing `filters` (partition pruning), with the
    /// partition values of those files.
    fn pruned_files(&self, filters: &[Expr]) -> Result<(Vec<Arc<FileMeta>>, Option<PartitionSpec>)> {
        match &self.partitions {
            None => Ok((self.files.clone(), None)),
            Some(spec) => {
                let keep = spec.prune(filters)?;
                let files = self.files.iter().zip(&keep).filter(|(_, k)| **k).map(|(f, _)| f.clone()).collect();
                Ok((files, Some(spec.select(&keep)?)))
            }
        }
    }

    /// Spark's checks of the corrupt-record column when a query reads the files: it must
    /// be a STRING, and cannot be the only data column read. Returns its index in the
    /// data schema.
    fn check_corrupt_column(&self, name: &str, read: &[usize]) -> Result<Option<usize>> {
        let corrupt = corrupt_column_index(&self.data_schema, name)?;
        if let Some(c) = corrupt {
            if !read.is_empty() && read.iter().all(|&i| i == c) {
                return Err(only_corrupt_column_read());
            }
        }
        Ok(corrupt)
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
        let (files, spec) = self.pruned_files(filters)?;
        // the data columns to read (indices into data_schema) and where each output column comes from
        let mut read: Vec<usize> = Vec::new();
        let mut read_fields: Vec<Field> = Vec::new();
        let mut layout = Vec::new();
        for (pos, &i) in projection.iter().enumerate() {
            match self.sources[i] {
                FillColumn::Read(d) => {
                    layout.push(FillColumn::Read(read.len()));
                    read.push(d);
                    read_fields.push(output.field(pos).clone());
                }
                partition => layout.push(partition),
            }
        }
        let read_schema = Arc::new(Schema::new(read_fields));
        let fill = match spec {
            Some(spec) => {
                let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
                Some(Arc::new(PartitionFill::new(output.clone(), layout, spec, &paths)))
            }
            None => None,
        };
        let extras = ScanExtras { fill, files_opened: self.files_opened.clone(), files_total: self.files.len() };
        let filters = filters.to_vec();
        let corrupt = match &self.format_options {
            FormatOptions::Csv(o) => self.check_corrupt_column(&o.corrupt_column, &read)?,
            FormatOptions::Json(o) => self.check_corrupt_column(&o.corrupt_column, &read)?,
            FormatOptions::Parquet => None,
        };
        Ok(match &self.format_options {
            FormatOptions::Csv(o) => {
                let file_fields: Vec<Field> =
                    self.data_schema.fields().iter().enumerate().filter(|(i, _)| Some(*i) != corrupt).map(|(_, f)| f.as_ref().clone()).collect();
                let to_file = |i: usize| if corrupt.is_some_and(|c| i > c) { i - 1 } else { i };
                let columns = read.iter().map(|&i| if Some(i) == corrupt { CsvColumn::Corrupt } else { CsvColumn::Field(to_file(i)) }).collect();
                let parts = plan_text_partitions_with(&files, target_partitions, max_partition_bytes, !o.multi_line);
                let file_schema = Arc::new(Schema::new(file_fields));
                Arc::new(CsvScanExec::new(files, parts, file_schema, columns, read_schema, output, o.clone(), filters, fetch, extras))
            }
            FormatOptions::Json(o) => {
                // only the fields the query reads are decoded (so only they can make a
                // record malformed), as Spark's JSON parser converts only those
                let mut decoded: Vec<usize> = Vec::new();
                for &i in read.iter().filter(|i| Some(**i) != corrupt) {
                    if !decoded.contains(&i) {
                        decoded.push(i);
                    }
                }
                let decode_schema = Arc::new(Schema::new(decoded.iter().map(|&i| self.data_schema.field(i).clone()).collect::<Vec<_>>()));
                let columns = read
                    .iter()
                    .map(|&i| match decoded.iter().position(|&d| d == i) {
                        Some(p) => JsonColumn::Field(p),
                        None => JsonColumn::Corrupt,
                    })
                    .collect();
                let parts = plan_text_partitions_with(&files, target_partitions, max_partition_bytes, !o.multi_line);
                Arc::new(JsonScanExec::new(files, parts, decode_schema, columns, read_schema, output, o.clone(), filters, fetch, extras))
            }
            FormatOptions::Parquet => {
                // columns are matched by name in each file
                let scan = ParquetScanExec::try_new(files, &self.data_schema, read_schema, filters, fetch, target_partitions, max_partition_bytes)?;
                Arc::new(scan.with_extras(output, extras))
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

    fn paths(&self) -> Vec<String> {
        self.files.iter().map(|f| f.path.clone()).collect()
    }

    fn filter_pushdown(&self, filter: &Expr) -> FilterPushdown {
        // filters on partition columns prune files (exactly, but the filter stays above)
        if let Some(p) = &self.partitions {
            let refs = filter.column_refs();
            if !refs.is_empty() && refs.iter().all(|c| p.index_of(&c.name).is_some()) && filter.is_deterministic() {
                return FilterPushdown::Inexact;
            }
        }
        match self.format {
            FileFormat::Parquet if build_predicate(filter, &self.data_schema).is_some() => FilterPushdown::Inexact,
            FileFormat::Parquet => FilterPushdown::Unsupported,
            // CSV and JSON scans evaluate deterministic filters on each parsed batch.
            FileFormat::Csv | FileFormat::Json if filter.is_deterministic() && !filter.contains_aggregate() => FilterPushdown::Inexact,
            FileFormat::Csv | FileFormat::Json => FilterPushdown::Unsupported,
        }
    }

    fn estimated_size_bytes(&self) -> Option<u64> {
        Some(self.files.iter().map(|f| f.size).sum())
    }

    fn reads_row_counts(&self) -> bool {
        matches!(self.format, FileFormat::Csv | FileFormat::Json)
    }

    fn estimated_rows(&self) -> Option<u64> {
        match self.format {
            FileFormat::Parquet => crate::parquet_row_count::parquet_row_count(&self.files),
            FileFormat::Csv | FileFormat::Json => None,
        }
    }

    fn int_column_range(&self, column: &str) -> Option<(i64, i64)> {
        match self.format {
            FileFormat::Parquet => crate::parquet_row_count::parquet_int_range(&self.files, column),
            FileFormat::Csv | FileFormat::Json => None,
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
