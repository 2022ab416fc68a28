//! The rows commands return (SHOW, DESCRIBE, SET, EXPLAIN): small string tables in a
//! defined order, optionally tagged with the layout `spark-sql` prints them in.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::{LogicalPlan, LogicalPlanBuilder, PlanSchema};

use crate::dataframe::DataFrame;
use crate::session::Session;

/// A column of a command's output.
pub(crate) enum Col {
    /// A string column: name, nullable.
    Str(&'static str, bool),
    /// A boolean column (`isTemporary`).
    Bool(&'static str),
}

/// One cell.
pub(crate) enum Cell {
    Str(Option<String>),
    Bool(bool),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Str(Some(s.to_string()))
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Str(Some(s))
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        Cell::Str(s)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}

/// A DataFrame over `rows` (in this order) with columns `cols`; `layout` is one of
/// `format::golden`'s layouts for `spark-sql`-style printing.
pub(crate) fn rows_df(session: &Session, cols: &[Col], rows: Vec<Vec<Cell>>, layout: Option<&str>) -> Result<DataFrame> {
    let fields: Vec<Field> = cols
        .iter()
        .map(|c| match c {
            Col::Str(n, nullable) => Field::new(*n, DataType::Utf8, *nullable),
            Col::Bool(n) => Field::new(*n, DataType::Boolean, false),
        })
        .collect();
    let metadata: HashMap<String, String> = layout.map(|l| (crate::format::OUTPUT_LAYOUT_KEY.to_string(), l.to_string())).into_iter().collect();
    let schema = Arc::new(Schema::new_with_metadata(fields, metadata));
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(cols.len());
    for (i, c) in cols.iter().enumerate() {
        let cells = rows.iter().map(|r| r.get(i));
        columns.push(match c {
            Col::Str(..) => Arc::new(cells.map(|v| match v {
                Some(Cell::Str(s)) => s.clone(),
                _ => None,
            }).collect::<StringArray>()),
            Col::Bool(_) => Arc::new(cells.map(|v| matches!(v, Some(Cell::Bool(true)))).map(Some).collect::<BooleanArray>()),
        });
    }
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    let table = ember_physical::operators::memory::MemTable::try_new(schema, vec![vec![batch]])?;
    let plan = LogicalPlanBuilder::scan("command", Arc::new(table))?.build();
    Ok(DataFrame::new(session.clone(), plan).into_ordered())
}

/// The result of a command without output rows (`struct<>`).
pub(crate) fn empty_df(session: &Session) -> DataFrame {
    let plan = LogicalPlan::EmptyRelation(ember_plan::EmptyRelation { produce_one_row: false, schema: PlanSchema::empty() });
    DataFrame::new(session.clone(), plan)
}

/// Spark's `SHOW … LIKE 'pattern'`: `*` matches anything, `|` separates
/// alternatives, matching is case-insensitive.
pub(crate) fn like_pattern(pattern: &str, name: &str) -> bool {
    pattern.split('|').any(|alt| glob(&alt.trim().to_ascii_lowercase(), &name.to_ascii_lowercase()))
}

fn glob(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && (p[pi] == t[ti] || p[pi] == '.') && p[pi] != '*' {
            pi += 1;
            ti += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn show_patterns() {
        assert!(like_pattern("db*", "db1"));
        assert!(like_pattern("db1|def*", "default"));
        assert!(!like_pattern("db1|def*", "db2"));
        assert!(like_pattern("*", "anything"));
        assert!(like_pattern("T*", "tab"));
        assert!(!like_pattern("t", "tab"));
    }
}
