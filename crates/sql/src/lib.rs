//! Ember's SQL front end: splits scripts into statements, parses Spark SQL with
//! sqlparser, and binds the AST to [`ember_plan::Statement`]s and logical plans.
//!
//! # Brief overview
//! - [`split_statements`]: a script → [`StatementText`]s with their line and column.
//! - [`Binder`]: [`Binder::bind_sql`] binds one statement against a catalog and a
//!   function registry; [`Binder::bind_expr_sql`] binds a standalone expression.
//! - [`parse_data_type`] / [`parse_ddl_schema`]: Spark type names and DDL schemas.
//!
//! Errors carry Spark error classes and a span into the SQL text:
//!
//! ```
//! use ember_sql::split_statements;
//! let parts = split_statements("SELECT 1;\nSELECT ';'");
//! assert_eq!(parts.len(), 2);
//! assert_eq!((parts[1].line, parts[1].column), (2, 1));
//! ```

mod binder;
mod catalog_statements;
mod datetime_arith;
mod ddl;
mod depth;
mod dialect;
mod errors;
mod expr;
mod field_access;
mod lateral;
mod lateral_view;
mod like_quantifier;
mod function;
mod function_rewrites;
mod generators;
mod identifier_clause;
mod interval;
mod lambda;
mod literal;
mod named_args;
mod params;
mod parser;
mod pipe;
mod pivot;
mod query;
mod recursive_cte;
mod relation;
mod sample;
mod select;
mod split;
mod star_except;
mod statement;
mod subquery;
mod types;
mod window;
mod within_group;

#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_query;
#[cfg(test)]
mod tests_statement;
#[cfg(test)]
mod tests_syntax;

pub use binder::Binder;
pub use params::QueryArgs;
pub use function_rewrites::binder_function_names;
pub use split::{split_statements, StatementText};
pub use statement::lowercase_keys;
pub use types::{COMMENT_KEY, parse_cast_type_with_tz, parse_data_type, parse_data_type_with_tz, parse_ddl_schema, parse_ddl_schema_with_tz, parse_schema_or_type_with_tz};
