//! Ember: Spark SQL and DataFrames, embedded in Rust.
