//! Runs SQL scripts in the `golden` format: for each statement `@@ STATEMENT n`, then
//! `@@ SCHEMA struct<…>` and one TAB-separated line per row, or `@@ ERROR CLASS SQLSTATE`
//! and the message; then `@@ END`. Used by `ember --format golden` and `sql-tests/`.

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::Error;

use crate::session::Session;

/// The outcome of one statement.
pub struct StatementResult {
    pub text: String,
    pub outcome: Result<(SchemaRef, Vec<RecordBatch>, bool), Error>,
}

/// Runs every statement of `script` in order, continuing after failures.
pub fn run_script(session: &Session, script: &str) -> Vec<StatementResult> {
    ember_sql::split_statements(script)
        .into_iter()
        .map(|st| {
            let outcome = session.sql(&st.text).and_then(|df| {
                let batches = df.collect()?;
                Ok((df.schema(), batches, df.is_ordered()))
            });
            StatementResult { text: st.text, outcome }
        })
        .collect()
}

/// One statement's golden block. With `sort_unordered`, rows of queries without a
/// defined order are sorted, so results do not depend on partitioning.
pub fn golden_block(n: usize, result: &StatementResult, time_zone: &str, sort_unordered: bool) -> String {
    let rendered = result.outcome.as_ref().map(|(schema, batches, ordered)| {
        let mut rows = crate::format::statement_rows(&result.text, batches, time_zone);
        if sort_unordered && !ordered {
            rows.sort();
        }
        (schema.as_ref(), rows)
    });
    crate::format::golden_block_from_rows(n, rendered)
}

/// The whole script in golden format, as `ember --format golden -f script` prints it.
pub fn run_golden_script(session: &Session, script: &str, sort_unordered: bool) -> String {
    let tz = session.time_zone();
    run_script(session, script)
        .iter()
        .enumerate()
        .map(|(i, r)| golden_block(i + 1, r, &tz, sort_unordered))
        .collect()
}
