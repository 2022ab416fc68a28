//! Ember: Apache Spark's SQL engine as an embedded Rust library. Spark SQL and a
//! Spark-style DataFrame API produce logical plans; a Catalyst-style optimizer rewrites
//! them; a partitioned executor runs vectorized Arrow operators over CSV, JSON and
//! Parquet.
//!
//! # Brief overview
//! - [`Session`]: configuration, temporary views, functions and the thread pool.
//! - [`DataFrame`]: a lazy, immutable query; actions (`collect`, `show`, `count`) run it.
//! - [`Column`] and [`functions`]: expression builders with Spark's names.
//!
//! ```
//! use ember::{Session, functions::{col, lit, sum}};
//! let session = Session::builder().config("spark.sql.shuffle.partitions", "2").build().unwrap();
//! let df = session.sql("SELECT * FROM VALUES ('a', 1), ('b', 2), ('a', 3) AS t(k, v)").unwrap();
//! let out = df.filter(col("v").gt(lit(1))).unwrap()
//!     .group_by([col("k")]).agg([sum(col("v")).alias("total")]).unwrap()
//!     .order_by([col("k").asc()]).unwrap();
//! assert_eq!(out.count().unwrap(), 2);
//! ```

mod arrow_ipc;
pub mod cache;
pub mod catalog;
pub mod column;
mod command_output;
mod commands;
mod config_commands;
mod const_eval;
pub mod dataframe;
mod dataframe_pivot;
mod dataframe_sample;
mod dataframe_subquery;
mod explain;
pub mod format;
pub mod functions;
pub mod golden;
mod query;
mod scalar_subquery;
pub mod reader;
mod running;
pub mod session;
pub mod stream;
pub mod streaming;
pub mod tables;
pub mod writer;

pub use column::Column;
pub use functions::{col, lit};
pub use dataframe::{DataFrame, GroupedData};
pub use dataframe_pivot::PivotedData;
pub use ember_common::{Error, ErrorKind, Result};
pub use ember_physical::CancelToken;
pub use ember_sql::{split_statements, QueryArgs, StatementText};
pub use reader::DataFrameReader;
pub use session::{Session, SessionBuilder};
pub use stream::RecordBatchStream;
pub use writer::{DataFrameWriter, SaveMode};
