//! Hive-style partition directories (`c=a%2Fb/`): escaping values as Spark's
//! `ExternalCatalogUtils.escapePathName` does, NULL and '' as
//! `__HIVE_DEFAULT_PARTITION__`, and splitting a batch into one piece per directory.

use std::sync::Arc;

use arrow::array::{Array, UInt32Array};
use arrow::compute::take_record_batch;
use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;
use ember_common::Result;

use crate::format::value::{is_null_at, Style, ValueFormatter};

/// The directory name of a NULL or empty partition value.
pub const DEFAULT_PARTITION_NAME: &str = "__HIVE_DEFAULT_PARTITION__";

fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{01}'
            ..='\u{1F}'
                | '"'
                | '#'
                | '%'
                | '\''
                | '*'
                | '/'
                | ':'
                | '='
                | '?'
                | '\\'
                | '\u{7F}'
                | '{'
                | '['
                | ']'
                | '^'
    )
}

/// Escapes a column name or value for a path segment: `a/b` → `a%2Fb`.
pub fn escape_path_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if needs_escape(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Reverses [`escape_path_name`]; malformed `%` sequences are kept as they are.
pub fn unescape_path_name(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `col=value` segments of one row, joined with `/` and ending in `/`.
fn row_dir(
    names: &[String],
    columns: &[&dyn Array],
    row: usize,
    formatter: &ValueFormatter,
) -> String {
    let mut dir = String::new();
    for (name, col) in names.iter().zip(columns) {
        let value = if is_null_at(*col, row) {
            String::new()
        } else {
            formatter.format(*col, row)
        };
        let value = if value.is_empty() {
            DEFAULT_PARTITION_NAME.to_string()
        } else {
            escape_path_name(&value)
        };
        dir.push_str(&escape_path_name(name));
        dir.push('=');
        dir.push_str(&value);
        dir.push('/');
    }
    dir
}

/// Splits `batch` by the values of the columns at `partition_cols`: one piece per
/// directory (in order of first appearance), each without the partition columns.
/// With no partition columns, the whole batch goes to the directory `""`.
pub fn split_by_partition(
    batch: &RecordBatch,
    partition_cols: &[usize],
    time_zone: &str,
) -> Result<Vec<(String, RecordBatch)>> {
    if partition_cols.is_empty() {
        return Ok(vec![(String::new(), batch.clone())]);
    }
    let schema = batch.schema();
    let data_cols: Vec<usize> = (0..schema.fields().len())
        .filter(|i| !partition_cols.contains(i))
        .collect();
    let names: Vec<String> = partition_cols
        .iter()
        .map(|&i| schema.field(i).name().clone())
        .collect();
    let columns: Vec<&dyn Array> = partition_cols
        .iter()
        .map(|&i| batch.column(i).as_ref())
        .collect();
    let formatter = ValueFormatter::new(Style::Pretty, time_zone);
    let mut order: Vec<String> = Vec::new();
    let mut rows: std::collections::HashMap<String, Vec<u32>> = std::collections::HashMap::new();
    for row in 0..batch.num_rows() {
        let dir = row_dir(&names, &columns, row, &formatter);
        rows.entry(dir.clone())
            .or_insert_with(|| {
                order.push(dir);
                Vec::new()
            })
            .push(row as u32);
    }
    let data = batch.project(&data_cols)?;
    let mut out = Vec::with_capacity(order.len());
    for dir in order {
        let indices = UInt32Array::from(rows.remove(&dir).unwrap_or_default());
        out.push((dir, take_record_batch(&data, &indices)?));
    }
    Ok(out)
}

/// The schema of the files: `schema` without the partition columns.
pub fn data_schema(schema: &Schema, partition_cols: &[usize]) -> Arc<Schema> {
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(i, _)| !partition_cols.contains(i))
        .map(|(_, f)| f.clone())
        .collect();
    Arc::new(Schema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{ArrayRef, Int32Array, StringArray};

    #[test]
    fn escapes_like_spark() {
        assert_eq!(escape_path_name("a/b"), "a%2Fb");
        assert_eq!(escape_path_name("x=1:2"), "x%3D1%3A2");
        assert_eq!(escape_path_name("plain ü"), "plain ü");
        assert_eq!(unescape_path_name("a%2Fb%3D"), "a/b=");
        assert_eq!(unescape_path_name("100%"), "100%");
        assert_eq!(unescape_path_name(&escape_path_name("%é/\n")), "%é/\n");
    }

    #[test]
    fn splits_rows_by_directory() {
        let batch = RecordBatch::try_from_iter(vec![
            (
                "v",
                Arc::new(Int32Array::from(vec![1, 2, 3, 4])) as ArrayRef,
            ),
            (
                "c",
                Arc::new(StringArray::from(vec![
                    Some("a/b"),
                    None,
                    Some("a/b"),
                    Some(""),
                ])) as ArrayRef,
            ),
        ])
        .unwrap();
        let pieces = split_by_partition(&batch, &[1], "UTC").unwrap();
        let dirs: Vec<&str> = pieces.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(dirs, vec!["c=a%2Fb/", "c=__HIVE_DEFAULT_PARTITION__/"]);
        assert_eq!(pieces[0].1.num_rows(), 2);
        assert_eq!(pieces[1].1.num_rows(), 2);
        assert_eq!(pieces[0].1.num_columns(), 1);
        let whole = split_by_partition(&batch, &[], "UTC").unwrap();
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].0, "");
        let empty = split_by_partition(&batch.slice(0, 0), &[1], "UTC").unwrap();
        assert!(empty.is_empty());
    }
}
