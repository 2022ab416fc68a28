//! Ember's shared foundation: the one `Error` type (with error classes, SQLSTATEs and
//! spans into the SQL text), session configuration, Spark type names, and the tree
//! rewrite API (`TreeNode`, `Transformed`) used by logical and physical plans alike.
//!
//! # Brief overview
//! - [`Error`] / [`ErrorKind`]: every failure, one pointer wide, rendered with a caret.
//! - [`Config`]: Spark-spelled config keys with typed getters.
//! - [`TreeNode`]: implement `map_children` once, get `transform_up`/`transform_down`.
//! - [`types::catalog_string`]: Spark's `catalogString` for an Arrow type.
//! - [`interval_type::IntervalType`]: Spark's ANSI interval types, kept in field metadata.
//!
//! ```
//! use ember_common::{Error, ErrorKind, Span};
//! let err = Error::new(ErrorKind::ParseSyntaxError { message: "Syntax error at or near 'FORM'".into() })
//!     .with_span(Span::point(1, 10))
//!     .with_sql("SELECT 1 FORM t");
//! assert_eq!(err.class(), "PARSE_SYNTAX_ERROR");
//! assert!(err.to_string().contains("^"));
//! ```

pub mod config;
pub mod error;
pub mod error_class;
pub mod interval_type;
pub mod panic;
pub mod random;
pub mod span;
pub mod stack;
pub mod suggest;
pub mod tree_node;
pub mod types;

pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use panic::catch_panic;
pub use span::Span;
pub use stack::with_stack;
pub use tree_node::{Transformed, TreeNode, TreeNodeRecursion};
