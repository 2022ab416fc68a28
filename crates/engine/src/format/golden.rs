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

/// The rows of statement `sql`'s result as the `spark-sql` CLI prints them
/// (`HiveResult.hiveResultString`): [`golden_rows`], except that `SHOW TABLES` and
/// `SHOW VIEWS` print only the name column (the schema stays whole).
pub fn statement_rows(sql: &str, batches: &[RecordBatch], time_zone: &str) -> Vec<String> {
    let words: Vec<String> = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .flat_map(|l| l.split_whitespace())
        .take(2)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    if !matches!(words.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), ["SHOW", "TABLES" | "VIEWS"]) {
        return golden_rows(batches, time_zone);
    }
    let names: Vec<RecordBatch> = batches.iter().filter_map(|b| b.project(&[1]).ok()).collect();
    golden_rows(&names, time_zone)
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
/// then `@@ END`. Rows stay in result order (callers sort them when the query has no ORDER BY).
pub fn golden_block(n: usize, result: &Result<(SchemaRef, Vec<RecordBatch>), Error>, time_zone: &str) -> String {
    let rendered = result.as_ref().map(|(schema, batches)| (schema.as_ref(), golden_rows(batches, time_zone)));
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
