//! The `ember` CLI's default `table` output: a bordered table in Spark's `show()` look,
//! every row, no truncation, numbers right-aligned and text left-aligned.

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Schema};

use super::show::{escape_meta, half_width};
use super::value::{Style, ValueFormatter};

/// All rows of `batches` as a bordered table; NULL is shown as `NULL`.
pub fn table_string(batches: &[RecordBatch], schema: &Schema, time_zone: &str) -> String {
    let f = ValueFormatter::new(Style::Pretty, time_zone);
    let header: Vec<String> = schema.fields().iter().map(|f| escape_meta(f.name())).collect();
    let right: Vec<bool> = schema.fields().iter().map(|f| is_numeric(f.data_type())).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            rows.push(batch.columns().iter().zip(schema.fields()).map(|(c, field)| escape_meta(&f.format_in(field, c.as_ref(), row))).collect());
        }
    }
    let mut widths: Vec<usize> = header.iter().map(|h| half_width(h).max(1)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(half_width(cell));
        }
    }
    let sep = format!("+{}+\n", widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+"));
    let line = |row: &[String], align_right: &dyn Fn(usize) -> bool| {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let fill = " ".repeat(widths[i].saturating_sub(half_width(c)));
                if align_right(i) {
                    format!(" {fill}{c} ")
                } else {
                    format!(" {c}{fill} ")
                }
            })
            .collect();
        format!("|{}|\n", cells.join("|"))
    };
    let mut out = sep.clone();
    out.push_str(&line(&header, &|_| false));
    out.push_str(&sep);
    for row in &rows {
        out.push_str(&line(row, &|i| right[i]));
    }
    out.push_str(&sep);
    out
}

fn is_numeric(dt: &DataType) -> bool {
    dt.is_numeric()
}
