//! `SHOW [USER|SYSTEM|ALL] FUNCTIONS [[LIKE] 'pattern']`: the built-in functions of the
//! registry and those the binder implements (casts by type name, operators, …), sorted,
//! in one `function` column as Spark prints them.

use ember_common::Result;
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
