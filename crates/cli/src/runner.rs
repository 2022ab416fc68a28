//! Runs a script statement by statement and prints each result in the chosen format;
//! errors go to stderr (or into the golden block) and the script goes on.

use std::io::{self, Write};
use std::time::Instant;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use ember::format::{csv_string, golden_block, json_lines, table_string, tsv_string};
use ember::{Error, StatementText};
use ember_common::Span;

use crate::args::OutputFormat;
use crate::backend::SqlBackend;
use crate::interrupt::Interrupted;
use crate::sql_text::is_blank;

/// Runs scripts against one backend, numbering statements across calls (for `golden`).
pub struct Runner<'a> {
    backend: &'a dyn SqlBackend,
    format: OutputFormat,
    time: bool,
    statements: usize,
    failures: usize,
    /// Set by Ctrl-C: the rest of the script is skipped.
    interrupted: Option<Interrupted>,
}

impl<'a> Runner<'a> {
    pub fn new(backend: &'a dyn SqlBackend, format: OutputFormat, time: bool) -> Self {
        Runner { backend, format, time, statements: 0, failures: 0, interrupted: None }
    }

    /// Stops a script at the statement that Ctrl-C (`flag`) interrupted.
    pub fn with_interrupt(mut self, flag: Interrupted) -> Self {
        self.interrupted = Some(flag);
        self
    }

    /// Forgets an earlier Ctrl-C (the shell, before the next statement).
    pub fn clear_interrupt(&self) {
        if let Some(f) = &self.interrupted {
            f.clear();
        }
    }

    fn is_interrupted(&self) -> bool {
        self.interrupted.as_ref().is_some_and(|f| f.is_set())
    }

    /// How many statements failed so far.
    pub fn failures(&self) -> usize {
        self.failures
    }

    /// Splits `script` into statements and runs them in order, whatever fails, until
    /// Ctrl-C interrupts one.
    pub fn run_script(&mut self, script: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        for stmt in ember::split_statements(script) {
            if is_blank(&stmt.text) {
                continue;
            }
            if self.is_interrupted() {
                break;
            }
            self.run_statement(&stmt, script, out, err)?;
        }
        out.flush()?;
        err.flush()
    }

    fn run_statement(
        &mut self,
        stmt: &StatementText,
        script: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        self.statements += 1;
        let start = Instant::now();
        let result = self.backend.run(&stmt.text);
        let elapsed = start.elapsed();
        let time_zone = self.backend.time_zone();
        if result.is_err() {
            self.failures += 1;
        }
        match (&result, self.format) {
            (_, OutputFormat::Golden) => out.write_all(golden_block(self.statements, &result, &time_zone).as_bytes())?,
            (Ok((schema, batches)), format) => out.write_all(render(format, schema, batches, &time_zone).as_bytes())?,
            (Err(e), _) => writeln!(err, "{}", script_error(e, stmt, script))?,
        }
        if self.time {
            let rows = match &result {
                Ok((_, batches)) => batches.iter().map(|b| b.num_rows()).sum(),
                Err(_) => 0,
            };
            writeln!(err, "Time taken: {:.3} seconds, Fetched {rows} row(s)", elapsed.as_secs_f64())?;
        }
        Ok(())
    }
}

/// One result set in a non-golden format; nothing for results without columns
/// (commands such as `CREATE VIEW`).
pub fn render(format: OutputFormat, schema: &SchemaRef, batches: &[RecordBatch], time_zone: &str) -> String {
    if schema.fields().is_empty() {
        return String::new();
    }
    if matches!(format, OutputFormat::Table | OutputFormat::Tsv) {
        if let Some(plan) = explain_text(schema, batches) {
            // EXPLAIN output reads as text, as spark-sql prints it.
            return format!("{plan}\n");
        }
    }
    match format {
        OutputFormat::Table => table_string(batches, schema, time_zone),
        OutputFormat::Csv => csv_string(batches, schema, time_zone),
        OutputFormat::Tsv => tsv_string(batches, schema, time_zone),
        OutputFormat::Json => json_lines(batches, schema, time_zone),
        OutputFormat::Golden => ember::format::golden_rows(batches, time_zone).join("\n"),
    }
}

/// The plan text of an EXPLAIN result (one string column named `plan`, one row).
fn explain_text(schema: &SchemaRef, batches: &[RecordBatch]) -> Option<String> {
    if schema.fields().len() != 1 || schema.field(0).name() != "plan" {
        return None;
    }
    let rows: Vec<&RecordBatch> = batches.iter().filter(|b| b.num_rows() > 0).collect();
    if rows.len() != 1 || rows[0].num_rows() != 1 {
        return None;
    }
    let column = rows[0].column(0);
    let strings = column.as_any().downcast_ref::<arrow::array::StringArray>()?;
    if arrow::array::Array::is_null(strings, 0) {
        return None;
    }
    Some(strings.value(0).to_string())
}

/// `err.to_string()`, with the caret line re-based onto the script's own line numbers when
/// the error's span points into this statement's text.
pub fn script_error(err: &Error, stmt: &StatementText, script: &str) -> String {
    let rebased = err.span().and_then(|span| {
        let own = span.render(&stmt.text)?;
        let with_snippet = err.message_with_snippet();
        let points_here = with_snippet == err.message() || with_snippet == format!("{}\n{own}", err.message());
        if !points_here {
            return None;
        }
        let col = |line: u32, c: u32| if line == 1 { c + stmt.column.saturating_sub(1) } else { c };
        let base = stmt.line.saturating_sub(1);
        Span::new(
            span.start_line + base,
            col(span.start_line, span.start_column),
            span.end_line + base,
            col(span.end_line, span.end_column),
        )
        .render(script)
    });
    match rebased {
        None => err.to_string(),
        Some(snippet) => {
            let mut s = format!("[{}] {}\n{snippet}", err.class(), err.message());
            if let Some(state) = err.sqlstate() {
                s.push_str(&format!("\nSQLSTATE: {state}"));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests;
