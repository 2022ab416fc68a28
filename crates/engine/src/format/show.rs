//! `Dataset.show()`: Spark's `showString` table, vertical mode and footer, cell for cell.

use arrow::array::RecordBatch;
use arrow::datatypes::Schema;

use super::value::{Style, ValueFormatter};

/// Spark's `Dataset.showString(numRows, truncate, vertical)`, timestamps in UTC; see
/// [`show_string_with_zone`] to render them in the session time zone.
pub fn show_string(batches: &[RecordBatch], schema: &Schema, num_rows: usize, truncate: usize, vertical: bool) -> String {
    show_string_with_zone(batches, schema, num_rows, truncate, vertical, "UTC")
}

/// Spark's `Dataset.showString(numRows, truncate, vertical)`, timestamps in `time_zone`.
///
/// Cells use Spark's `ToPrettyString` (`NULL`, `[1, 2]`, `{a -> 1}`, `{1, x}`); with
/// `truncate > 0` cells longer than `truncate` keep `truncate - 3` characters and `...`
/// and are right-aligned, otherwise left-aligned. After the table comes
/// `only showing top N rows` when `batches` hold more than `num_rows` rows.
pub fn show_string_with_zone(
    batches: &[RecordBatch],
    schema: &Schema,
    num_rows: usize,
    truncate: usize,
    vertical: bool,
    time_zone: &str,
) -> String {
    let f = ValueFormatter::new(Style::Pretty, time_zone);
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    let has_more = total > num_rows;

    let header: Vec<String> = schema.fields().iter().map(|f| escape_meta(f.name())).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    'outer: for batch in batches {
        for row in 0..batch.num_rows() {
            if rows.len() >= num_rows {
                break 'outer;
            }
            rows.push(
                batch
                    .columns()
                    .iter()
                    .zip(schema.fields())
                    .map(|(c, field)| truncate_cell(escape_meta(&f.format_in(field, c.as_ref(), row)), truncate))
                    .collect(),
            );
        }
    }

    let mut sb = if vertical { vertical_table(&header, &rows) } else { horizontal_table(&header, &rows, truncate) };
    if vertical && rows.is_empty() {
        sb.push_str("(0 rows)\n");
    } else if has_more {
        let unit = if num_rows == 1 { "row" } else { "rows" };
        sb.push_str(&format!("only showing top {num_rows} {unit}\n"));
    }
    sb
}

const MIN_COL_WIDTH: usize = 3;

fn horizontal_table(header: &[String], rows: &[Vec<String>], truncate: usize) -> String {
    let mut widths = vec![MIN_COL_WIDTH; header.len()];
    for row in std::iter::once(header).chain(rows.iter().map(|r| r.as_slice())) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(half_width(cell));
        }
    }
    let pad = |cell: &str, w: usize| {
        let fill = " ".repeat(w.saturating_sub(half_width(cell)));
        if truncate > 0 {
            format!("{fill}{cell}")
        } else {
            format!("{cell}{fill}")
        }
    };
    let line = |row: &[String]| {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        format!("|{}|\n", cells.join("|"))
    };
    let sep = format!("+{}+\n", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("+"));
    let mut sb = sep.clone();
    sb.push_str(&line(header));
    sb.push_str(&sep);
    for row in rows {
        sb.push_str(&line(row));
    }
    sb.push_str(&sep);
    sb
}

fn vertical_table(header: &[String], rows: &[Vec<String>]) -> String {
    let name_width = header.iter().map(|h| half_width(h)).fold(MIN_COL_WIDTH, usize::max);
    let data_width = rows.iter().flatten().map(|c| half_width(c)).fold(MIN_COL_WIDTH, usize::max);
    let mut sb = String::new();
    for (i, row) in rows.iter().enumerate() {
        let title = format!("-RECORD {i}");
        let dashes = (name_width + data_width + 5).saturating_sub(title.chars().count());
        sb.push_str(&title);
        sb.push_str(&"-".repeat(dashes));
        sb.push('\n');
        for (name, cell) in header.iter().zip(row) {
            let name_pad = " ".repeat(name_width.saturating_sub(half_width(name)));
            let cell_pad = " ".repeat(data_width.saturating_sub(half_width(cell)));
            sb.push_str(&format!(" {name}{name_pad} | {cell}{cell_pad} \n"));
        }
    }
    sb
}

fn truncate_cell(s: String, truncate: usize) -> String {
    if truncate == 0 || s.chars().count() <= truncate {
        return s;
    }
    // Spark shows no ellipsis when truncating to fewer than 4 characters.
    if truncate < 4 {
        s.chars().take(truncate).collect()
    } else {
        let mut t: String = s.chars().take(truncate - 3).collect();
        t.push_str("...");
        t
    }
}

/// Spark's `SchemaUtils.escapeMetaCharacters`: control characters become `\n`, `\t`, ….
pub(crate) fn escape_meta(s: &str) -> String {
    if !s.contains(['\n', '\r', '\t', '\u{c}', '\u{8}', '\u{b}', '\u{7}']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{7}' => out.push_str("\\a"),
            c => out.push(c),
        }
    }
    out
}

/// Display width: East Asian full-width characters count twice (Spark's `stringHalfWidth`).
pub(crate) fn half_width(s: &str) -> usize {
    s.chars().map(|c| if is_full_width(c) { 2 } else { 1 }).sum()
}

fn is_full_width(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}
