//! Ember's file sources: CSV, JSON and Parquet scans and schema inference.
