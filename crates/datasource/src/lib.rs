//! Ember's file sources: CSV, JSON and Parquet scans and schema inference.
//!
//! # Brief overview
//! - [`FileTable`]: an `ember_plan::TableSource` over files of one [`FileFormat`], with
//!   Spark's reader [`ReadOptions`]; lists the files (files, directories, globs) and
//!   infers the schema once, when created.
//! - [`FileScanPlanner`]: the `ember_physical::ScanPlanner` that turns a `TableScan` of
//!   a `FileTable` into [`CsvScanExec`], [`JsonScanExec`] or [`ParquetScanExec`].
//! - CSV text splits into fields as Spark's parser (univocity) splits it
//!   ([`csv_tokenizer`]): a record per line, or with `multiLine` records spanning lines.
//! - Text files are split into line-aligned byte ranges ([`split`]) so one big file
//!   uses every core; Parquet files are split by row groups, pruned with min/max
//!   statistics ([`parquet_pruning`]).
//! - Hive-style partition directories (`year=2024/`) become columns, and filters on
//!   them prune files before any is opened ([`partitions`]); malformed CSV/JSON records
//!   follow Spark's `mode` and `badRecordsPath` ([`bad_records`]).
//!
//! ```
//! use std::sync::Arc;
//! use ember_datasource::{FileFormat, FileTable, ReadOptions};
//! use ember_plan::TableSource;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("people.csv");
//! std::fs::write(&path, "name,age\nAda,36\nAlan,41\n").unwrap();
//! let options = ReadOptions::new().with("header", "true").with("inferSchema", "true");
//! let table = FileTable::try_new(FileFormat::Csv, vec![path.to_string_lossy().into()], options, None).unwrap();
//! assert_eq!(table.schema().field(1).data_type(), &arrow::datatypes::DataType::Int32);
//! ```

pub mod bad_records;
pub mod csv_convert;
pub mod csv_infer;
pub mod csv_options;
pub mod csv_records;
pub mod csv_tokenizer;
pub mod csv_scan;
pub mod datetime_pattern;
pub mod encoding;
pub mod format;
pub mod json_infer;
pub mod json_records;
pub mod json_scan;
pub mod listing;
pub mod options;
pub mod parquet_pruning;
pub mod parquet_row_count;
pub mod parquet_scan;
pub mod parquet_schema;
pub mod partitions;
pub mod planner;
pub mod scan_util;
pub mod sink_log;
pub mod split;
pub mod table;

pub use csv_scan::CsvScanExec;
pub use format::FileFormat;
pub use json_scan::JsonScanExec;
pub use bad_records::ParseMode;
pub use listing::FileMeta;
pub use options::ReadOptions;
pub use parquet_scan::ParquetScanExec;
pub use planner::FileScanPlanner;
pub use table::FileTable;

#[cfg(test)]
mod test_util;
