//! The 22 TPC-H queries give the same rows however the work is split. On SF 0.01 CSV data
//! (generated once into the target directory; CSV so files split into byte ranges), each
//! query runs in the reference configuration (4 shuffle partitions, 2 threads) and in
//! each configuration of [`CONFIGS`]; every result must equal the reference's by the
//! answer checker's rules (rows in order on the ORDER BY keys, ties in any order).
//!
//! Each run is a child process (see `common`), told the query and the configuration by
//! environment variables, that prints the result rows.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use ember::Session;
use ember_tpch::answer::{compare, Table};
use ember_tpch::queries::{order_keys, query_text};
use ember_tpch::run::register_tables;
use ember_tpch::{generate, queries, queries_dir, Format};

/// The reference configuration, then the ones compared with it.
const CONFIGS: &[(&str, &[(&str, &str)])] = &[
    ("reference", &[]),
    ("1 partition, 1 thread", &[("spark.sql.shuffle.partitions", "1"), ("ember.executor.threads", "1")]),
    ("7 partitions, 5 threads", &[("spark.sql.shuffle.partitions", "7"), ("ember.executor.threads", "5")]),
    ("batches of 1 row", &[("ember.execution.batchSize", "1")]),
    ("batches of 7 rows", &[("ember.execution.batchSize", "7")]),
    ("64 KB file splits", &[("spark.sql.files.maxPartitionBytes", "64k")]),
];

const QUERY_ENV: &str = "EMBER_TPCH_QUERY";
const CONFIG_ENV: &str = "EMBER_TPCH_CONFIG";
const TIMEOUT: Duration = Duration::from_secs(120);
const DONE: &str = "@@DONE";
const SEP: char = '\u{1f}';

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch/sf0.01-csv")
}

/// In the child: runs query `n` in configuration `c` and prints its columns and rows.
fn run_one(n: u32, c: usize) {
    let mut builder = Session::builder().config("spark.sql.shuffle.partitions", "4").config("ember.executor.threads", "2");
    for (k, v) in CONFIGS[c].1 {
        builder = builder.config(*k, *v);
    }
    let session = builder.build().expect("session");
    register_tables(&session, &data_dir(), Format::Csv).expect("register the tables");
    let sql = query_text(&queries_dir(), n).expect("query text");
    match session.sql(&sql).and_then(|df| Ok((df.schema(), df.collect()?))) {
        Ok((schema, batches)) => {
            let table = Table::from_batches(&schema, &batches);
            println!("\n@@COLS {}", table.columns.join(&SEP.to_string()));
            for row in &table.rows {
                println!("@@ROW {}", row.join(&SEP.to_string()));
            }
        }
        Err(e) => println!("\n@@ERROR {}", e.to_string().lines().next().unwrap_or("")),
    }
    println!("{DONE}");
}

/// In the parent: the table query `n` gives in configuration `c`, or why there is none.
fn table_in_child(n: u32, c: usize) -> Result<Table, String> {
    let env = [(QUERY_ENV, n.to_string()), (CONFIG_ENV, c.to_string())];
    let run = common::run_in_child("tpch_queries_agree_in_every_configuration", &env, TIMEOUT, DONE);
    if let Some(f) = run.failure {
        return Err(f);
    }
    let mut columns = None;
    let mut rows = Vec::new();
    for line in run.stdout.lines() {
        if let Some(cols) = line.strip_prefix("@@COLS ") {
            columns = Some(cols.split(SEP).map(str::to_string).collect());
        } else if let Some(row) = line.strip_prefix("@@ROW ") {
            rows.push(row.split(SEP).map(str::to_string).collect());
        } else if let Some(err) = line.strip_prefix("@@ERROR ") {
            return Err(format!("ERROR: {err}"));
        }
    }
    let columns = columns.ok_or("no result printed")?;
    Ok(Table { columns, rows })
}

#[test]
fn tpch_queries_agree_in_every_configuration() {
    let child = (std::env::var(QUERY_ENV).ok(), std::env::var(CONFIG_ENV).ok());
    if let (Some(n), Some(c)) = child {
        return run_one(n.parse().expect("query number"), c.parse().expect("configuration index"));
    }
    generate::generate(0.01, &data_dir(), Format::Csv).expect("generate SF 0.01");
    let mut problems = Vec::new();
    for n in queries::ALL {
        let reference = match table_in_child(n, 0) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("Q{n:02} reference: {e}"));
                continue;
            }
        };
        let sql = query_text(&queries_dir(), n).expect("query text");
        let keys = order_keys(&sql, &reference.columns);
        for (c, (name, _)) in CONFIGS.iter().enumerate().skip(1) {
            let outcome = table_in_child(n, c).and_then(|t| compare(&reference, &t, keys.as_deref()));
            if let Err(why) = outcome {
                problems.push(format!("Q{n:02} with {name}: {why}"));
            }
        }
        eprintln!("Q{n:02}: {} rows", reference.rows.len());
    }
    assert!(problems.is_empty(), "TPC-H SF 0.01 results differ between configurations:\n{}", problems.join("\n"));
}
