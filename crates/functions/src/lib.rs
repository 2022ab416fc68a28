//! Ember's scalar and aggregate functions with Spark names and semantics.
