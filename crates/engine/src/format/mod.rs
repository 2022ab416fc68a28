//! Rendering query results as text: golden files and the `spark-sql` look
//! ([`golden_block`]), `Dataset.show()` ([`show_string`]) and the CLI's table, CSV, TSV
//! and JSON Lines outputs. Pure functions over Arrow record batches.
//!
//! # Brief overview
//! - [`golden_value`], [`golden_rows`], [`golden_block`], [`catalog_schema`]: Spark's
//!   `HiveResult.toHiveString` rendering used by `spark-sql` and Spark's SQL golden files.
//! - [`show_string`] / [`show_string_with_zone`]: `Dataset.showString(numRows, truncate, vertical)`.
//! - [`table_string`], [`csv_string`], [`tsv_string`], [`json_lines`]: CLI output formats.
//! - [`ValueFormatter`] / [`Style`]: one value in either of Spark's two text renderings.

mod delimited;
mod golden;
pub(crate) mod json;
mod show;
mod table;
pub(crate) mod value;
pub(crate) mod zone;

pub use delimited::{csv_string, tsv_string};
pub use golden::{catalog_schema, golden_block, golden_block_from_rows, golden_error, golden_rows, golden_value, statement_rows};
pub use json::json_lines;
pub use show::{show_string, show_string_with_zone};
pub use table::table_string;
pub use value::{is_null_at, Style, ValueFormatter};
pub use zone::SessionZone;

#[cfg(test)]
mod tests;
