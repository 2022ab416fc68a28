//! `TableSource`: what a `TableScan` reads. Implemented by file tables (in
//! `ember-datasource`) and in-memory tables (in `ember-physical`); the physical
//! planner turns a source into a scan operator.

use std::any::Any;
use std::fmt::Debug;

use arrow::datatypes::SchemaRef;

use crate::expr::Expr;

/// How much of a pushed-down filter a source applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterPushdown {
    /// The source cannot use the filter.
    Unsupported,
    /// The source uses the filter to skip data (row groups, files) but may return
    /// rows that fail it; the filter stays above the scan.
    Inexact,
    /// The source returns only rows that pass; the filter above can be dropped.
    Exact,
}

/// A readable table.
pub trait TableSource: Send + Sync + Debug {
    /// The full (unprojected) schema.
    fn schema(&self) -> SchemaRef;

    /// A short description for EXPLAIN, e.g. `parquet [data/t.parquet]`.
    fn describe(&self) -> String;

    /// What the source can do with `filter` (an expression over its columns).
    fn filter_pushdown(&self, _filter: &Expr) -> FilterPushdown {
        FilterPushdown::Unsupported
    }

    /// Estimated size in bytes of the whole table, for join planning.
    fn estimated_size_bytes(&self) -> Option<u64> {
        None
    }

    /// Estimated (or exact) number of rows, for join ordering.
    fn estimated_rows(&self) -> Option<u64> {
        None
    }

    /// `(min, max)` of an integer column, from file metadata, for join ordering: a
    /// column cannot have more distinct values than `max - min + 1`.
    fn int_column_range(&self, _column: &str) -> Option<(i64, i64)> {
        None
    }

    /// The files or directories the source reads (empty for in-memory sources).
    fn paths(&self) -> Vec<String> {
        vec![]
    }

    /// Can a scan read no column at all (only count rows)? Column pruning then gives a
    /// scan that needs no column an empty projection instead of its narrowest column.
    /// Text sources say yes: Spark parses nothing for `count(*)` over CSV or JSON, so
    /// no record is malformed there.
    fn reads_row_counts(&self) -> bool {
        false
    }

    fn as_any(&self) -> &dyn Any;
}
