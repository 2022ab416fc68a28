//! `SHOW [USER|SYSTEM|ALL] FUNCTIONS [[LIKE] 'pattern']`: the built-in functions of the
//! registry and those the binder implements (casts by type name, operators, …), sorted,
//! in one `function` column as Spark prints them; and `DESCRIBE FUNCTION [EXTENDED] f`
//! with Spark 4.2.1's usage text and examples (`function_docs.txt`, from Apache Spark's
//! `ExpressionDescription`s, Apache License 2.0).

use ember_common::{Error, ErrorKind, Result};
use ember_plan::FunctionRegistry;

use crate::command_output::{like_pattern, rows_df, Cell, Col};
use crate::dataframe::DataFrame;
use crate::session::Session;

/// Registry names Spark's grammar reaches but does not list as functions.
const UNLISTED: [&str; 4] = ["timestampadd", "timestampdiff", "get_item", "get_field"];

/// Every built-in function name, sorted.
pub(crate) fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = crate::functions::registry().names().into_iter().filter(|n| !UNLISTED.contains(&n.as_str())).collect();
    names.extend(ember_sql::binder_function_names().into_iter().map(str::to_string));
    names.extend(ember_plan::BuiltinWindowFunction::ALL.iter().map(|w| w.name().to_string()));
    names.sort();
    names.dedup();
    names
}

pub(crate) fn show(session: &Session, user: bool, pattern: Option<&str>) -> Result<DataFrame> {
    let names = if user { Vec::new() } else { builtin_names() };
    let rows = names.into_iter().filter(|n| pattern.is_none_or(|p| like_pattern(p, n))).map(|n| vec![Cell::from(n)]).collect();
    rows_df(session, &[Col::Str("function", false)], rows, None)
}

/// `== name` lines, each followed by the rows Spark's `DESCRIBE FUNCTION EXTENDED` prints.
const DOCS: &str = include_str!("function_docs.txt");

/// The rows Spark prints for `name`, if it documents it.
fn doc_rows(name: &str) -> Option<Vec<&'static str>> {
    let header = format!("== {name}\n");
    let start = if DOCS.starts_with(&header) { 0 } else { DOCS.find(&format!("\n{header}"))? + 1 } + header.len();
    let end = DOCS[start..].find("\n== ").map_or(DOCS.len(), |e| start + e + 1);
    Some(DOCS[start..end].lines().collect())
}

/// `DESCRIBE FUNCTION [EXTENDED] name`: Spark's function, class and usage lines (and with
/// EXTENDED its examples); UNRESOLVED_ROUTINE for a function Ember does not have.
pub(crate) fn describe(session: &Session, name: &str, extended: bool) -> Result<DataFrame> {
    let lower = name.to_ascii_lowercase();
    let names = builtin_names();
    if !names.contains(&lower) {
        let suggestions = ember_common::suggest::closest(&lower, names.iter().map(|s| s.as_str()), 5);
        return Err(Error::new(ErrorKind::UnresolvedRoutine { name: name.to_string(), suggestions }));
    }
    let rows: Vec<String> = match doc_rows(&lower) {
        Some(rows) if extended => rows.into_iter().map(str::to_string).collect(),
        Some(rows) => rows.into_iter().take_while(|r| *r != "Extended Usage:").map(str::to_string).collect(),
        None => vec![format!("Function: {lower}"), "Usage: N/A.".to_string()],
    };
    rows_df(session, &[Col::Str("function_desc", false)], rows.into_iter().map(|r| vec![Cell::from(r)]).collect(), None)
}
