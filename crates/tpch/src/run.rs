//! Runs TPC-H queries in an Ember session: registers the tables as temporary views over the
//! generated files, runs a query, times it and checks its rows against the reference answer.

use std::fmt;
use std::path::Path;
use std::time::Instant;

use ember::Session;

use crate::answer::{compare, Table};
use crate::generate::{table_path, table_schema, Format};
use crate::queries::{order_keys, query_text};
use crate::{queries_dir, Result, TABLES};

/// Registers the eight tables of `dir` as temporary views named after the tables.
pub fn register_tables(session: &Session, dir: &Path, format: Format) -> Result<()> {
    for table in TABLES {
        let path = table_path(dir, table, format);
        let path = path.to_str().ok_or_else(|| format!("path {} is not UTF-8", path.display()))?;
        let df = match format {
            Format::Parquet => session.read().parquet(path)?,
            Format::Csv => {
                let schema = table_schema(table).ok_or_else(|| format!("unknown table {table}"))?;
                session.read().option("header", "true").schema(schema).csv(path)?
            }
        };
        df.create_or_replace_temp_view(table)?;
    }
    Ok(())
}

/// How a query ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Ran and matched the answer.
    Pass,
    /// Ran, but its rows differ from the answer.
    Fail(String),
    /// Ran; no answer file for this scale factor.
    Unchecked,
    /// Ember returned an error.
    Error(String),
}

impl Status {
    pub fn label(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail(_) => "FAIL",
            Status::Unchecked => "ran",
            Status::Error(_) => "ERROR",
        }
    }

    /// Ran without error (whether or not the rows were right).
    pub fn ran(&self) -> bool {
        !matches!(self, Status::Error(_))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Fail(why) | Status::Error(why) => write!(f, "{}: {why}", self.label()),
            _ => f.write_str(self.label()),
        }
    }
}

/// The result of running one query once.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub query: u32,
    pub status: Status,
    /// Wall time of planning and running, with collecting the rows.
    pub seconds: f64,
    pub rows: usize,
}

/// Runs query `n` (text from `benches/tpch/queries`) and checks it against `answers/qNN.csv`.
pub fn run_query(session: &Session, n: u32, answers: &Path) -> Outcome {
    let sql = match query_text(&queries_dir(), n) {
        Ok(sql) => sql,
        Err(e) => return Outcome { query: n, status: Status::Error(e.to_string()), seconds: 0.0, rows: 0 },
    };
    run_sql(session, n, &sql, answers)
}

/// Runs `sql` as query `n` and checks it against `answers/qNN.csv` when that file exists.
pub fn run_sql(session: &Session, n: u32, sql: &str, answers: &Path) -> Outcome {
    let start = Instant::now();
    let result = session.sql(sql).and_then(|df| Ok((df.schema(), df.collect()?)));
    let seconds = start.elapsed().as_secs_f64();
    let (schema, batches) = match result {
        Ok(r) => r,
        Err(e) => return Outcome { query: n, status: Status::Error(one_line(&e.to_string())), seconds, rows: 0 },
    };
    let actual = Table::from_batches(&schema, &batches);
    let rows = actual.rows.len();
    let answer_path = answers.join(format!("q{n:02}.csv"));
    let status = if !answer_path.exists() {
        Status::Unchecked
    } else {
        match Table::read_csv(&answer_path) {
            Err(e) => Status::Error(e.to_string()),
            Ok(expected) => match compare(&expected, &actual, order_keys(sql, &expected.columns).as_deref()) {
                Ok(()) => Status::Pass,
                Err(why) => Status::Fail(why),
            },
        }
    };
    Outcome { query: n, status, seconds, rows }
}

/// The first line of an error message (Ember's carry the SQL with a caret below).
fn one_line(message: &str) -> String {
    message.lines().next().unwrap_or("").to_string()
}
