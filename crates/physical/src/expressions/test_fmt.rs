//! Test helper: renders arrays and batches as text (arrow's pretty printer is not
//! enabled in this workspace).

use arrow::array::{Array, ArrayRef};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};

/// Cells of `a`, NULL shown as `NULL`, joined by `,`.
pub(crate) fn fmt_array(a: &ArrayRef) -> String {
    let opts = FormatOptions::default().with_null("NULL");
    let f = ArrayFormatter::try_new(a.as_ref(), &opts).unwrap();
    (0..a.len()).map(|i| f.value(i).to_string()).collect::<Vec<_>>().join(",")
}

/// A header line of column names, then one line per row (`a | b`), optionally sorted.
pub(crate) fn fmt_batches(batches: &[RecordBatch], sort: bool) -> String {
    let Some(first) = batches.first() else {
        return String::new();
    };
    let header = first.schema().fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>().join(" | ");
    let opts = FormatOptions::default().with_null("NULL");
    let mut lines = Vec::new();
    for b in batches {
        let fs: Vec<ArrayFormatter> = b.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &opts).unwrap()).collect();
        for r in 0..b.num_rows() {
            lines.push(fs.iter().map(|f| f.value(r).to_string()).collect::<Vec<_>>().join(" | "));
        }
    }
    if sort {
        lines.sort();
    }
    std::iter::once(header).chain(lines).collect::<Vec<_>>().join("\n")
}
