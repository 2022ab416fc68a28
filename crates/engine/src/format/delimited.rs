//! CSV (RFC 4180) and TSV output: a header line, then one line per row.

use arrow::array::RecordBatch;
use arrow::datatypes::Schema;

use super::value::{is_null_at, Style, ValueFormatter};

/// CSV with a header line; fields holding `,`, `"`, CR or LF are quoted (quotes doubled);
/// NULL is an empty field. Lines end in `\n`.
pub fn csv_string(batches: &[RecordBatch], schema: &Schema, time_zone: &str) -> String {
    delimited(batches, schema, time_zone, ',', &|v| match v {
        None => String::new(),
        Some(s) => csv_quote(&s),
    })
}

/// TSV with a header line; NULL is `NULL`; backslash, TAB, CR and LF inside values are
/// escaped as `\\`, `\t`, `\r`, `\n` so every row stays on one line.
pub fn tsv_string(batches: &[RecordBatch], schema: &Schema, time_zone: &str) -> String {
    delimited(batches, schema, time_zone, '\t', &|v| match v {
        None => "NULL".into(),
        Some(s) => tsv_escape(&s),
    })
}

fn delimited(
    batches: &[RecordBatch],
    schema: &Schema,
    time_zone: &str,
    sep: char,
    render: &dyn Fn(Option<String>) -> String,
) -> String {
    let f = ValueFormatter::new(Style::Pretty, time_zone);
    let sep = sep.to_string();
    let header: Vec<String> = schema.fields().iter().map(|f| render(Some(f.name().clone()))).collect();
    let mut out = header.join(&sep);
    out.push('\n');
    for batch in batches {
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = batch
                .columns()
                .iter()
                .zip(schema.fields())
                .map(|(c, field)| render(if is_null_at(c.as_ref(), row) { None } else { Some(f.format_in(field, c.as_ref(), row)) }))
                .collect();
            out.push_str(&cells.join(&sep));
            out.push('\n');
        }
    }
    out
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn tsv_escape(s: &str) -> String {
    if !s.contains(['\\', '\t', '\n', '\r']) {
        return s.to_string();
    }
    s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}
