//! The golden-file / `spark-sql` rendering of results: values as `HiveResult.toHiveString`,
//! rows joined by TAB, schemas as `catalogString`, and whole statement blocks.

use arrow::array::{Array, RecordBatch};
use arrow::datatypes::{DataType, Schema, SchemaRef};
use ember_common::types::catalog_string;
use ember_common::Error;

use super::value::{Style, ValueFormatter};

/// One value as the `spark-sql` CLI prints it (`HiveResult.toHiveString`): top-level NULL is
/// `NULL`, nested null is `null`, nested strings are quoted, timestamps in `time_zone`.
pub fn golden_value(array: &dyn Array, row: usize, time_zone: &str) -> String {
    ValueFormatter::new(Style::Hive, time_zone).format(array, row)
}

/// Spark's `catalogString` of a schema: `struct<a:int,b:string>` (`struct<>` when empty).
pub fn catalog_schema(schema: &Schema) -> String {
    catalog_string(&DataType::Struct(schema.fields().clone()))
}

/// Every row of `batches`, in order, values rendered by [`golden_value`] and joined by TAB.
pub fn golden_rows(batches: &[RecordBatch], time_zone: &str) -> Vec<String> {
    let f = ValueFormatter::new(Style::Hive, time_zone);
    let mut rows = Vec::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = batch.columns().iter().map(|c| f.format(c.as_ref(), row)).collect();
            rows.push(cells.join("\t"));
        }
    }
    rows
}

/// Is `sql` a DESCRIBE of a table or query (not of a function or namespace), whose
/// output `spark-sql` lays out as a table description?
fn is_describe(sql: &str) -> bool {
    let mut rest = sql.trim_start();
    while let Some(r) = rest.strip_prefix("--") {
        rest = r.split_once('\n').map_or("", |(_, after)| after).trim_start();
    }
    let mut words = rest.split_whitespace().map(|w| w.to_ascii_uppercase());
    matches!(words.next().as_deref(), Some("DESC" | "DESCRIBE"))
        && !matches!(words.next().as_deref(), Some("FUNCTION" | "DATABASE" | "SCHEMA" | "NAMESPACE" | "CATALOG" | "PROCEDURE"))
}

/// The rows of one statement's result as `spark-sql` prints them: [`golden_rows`],
/// except that DESCRIBE output is laid out as Spark's `HiveResult` does it (name, type
/// and comment each left-aligned in 20 characters, a NULL comment empty).
pub fn golden_result_rows(sql: &str, schema: &Schema, batches: &[RecordBatch], time_zone: &str) -> Vec<String> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    if names != ["col_name", "data_type", "comment"] || !is_describe(sql) {
        return golden_rows(batches, time_zone);
    }
    let f = ValueFormatter::new(Style::Hive, time_zone);
    let mut rows = Vec::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = batch
                .columns()
                .iter()
                .map(|c| if c.is_null(row) { String::new() } else { f.format(c.as_ref(), row) })
                .map(|v| format!("{v:<20}"))
                .collect();
            rows.push(cells.join("\t"));
        }
    }
    rows
}

/// One statement's block in a golden file, every line ending in `\n`:
///
/// ```text
/// @@ STATEMENT 1
/// @@ SCHEMA struct<a:int>
/// 1
/// @@ END
/// ```
///
/// or, for a failure, `@@ ERROR <CLASS> <SQLSTATE or ->`, the message with its caret lines,
/// then `@@ END`. Rows stay in result order (callers sort them when the query has no ORDER BY);
/// `sql` is the statement, for the layouts that depend on it ([`golden_result_rows`]).
pub fn golden_block(n: usize, sql: &str, result: &Result<(SchemaRef, Vec<RecordBatch>), Error>, time_zone: &str) -> String {
    let rendered = result.as_ref().map(|(schema, batches)| (schema.as_ref(), golden_result_rows(sql, schema, batches, time_zone)));
    golden_block_from_rows(n, rendered)
}

/// A golden block from already rendered rows (callers that reorder rows use this).
pub fn golden_block_from_rows(n: usize, result: Result<(&Schema, Vec<String>), &Error>) -> String {
    let mut out = format!("@@ STATEMENT {n}\n");
    match result {
        Ok((schema, rows)) => {
            out.push_str(&format!("@@ SCHEMA {}\n", catalog_schema(schema)));
            for row in rows {
                out.push_str(&row);
                out.push('\n');
            }
        }
        Err(err) => out.push_str(&golden_error(err)),
    }
    out.push_str("@@ END\n");
    out
}

/// The `@@ ERROR CLASS SQLSTATE` line and the message lines of an error block.
pub fn golden_error(err: &Error) -> String {
    let mut out = format!("@@ ERROR {} {}\n", err.class(), err.sqlstate().unwrap_or("-"));
    for line in err.message_with_snippet().lines() {
        out.push_str(line);
        out.push('\n');
    }
    out
}
