//! Runs the 22 TPC-H queries on SF 0.1 data (generated once into the target directory) and
//! checks each against `benches/tpch/answers/sf0.1`. Queries Ember cannot run yet are listed
//! in `EXPECTED_FAILURES` with the reason; the test fails when one of them starts passing
//! (shrink the list) or when a query not on the list fails.
//!
//! Each query runs in a child process (this test binary again, told which query by the
//! `EMBER_TPCH_QUERY` variable) that is killed after `QUERY_TIMEOUT` (see `common`).

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ember::Session;
use ember_tpch::run::{register_tables, run_query, Status};
use ember_tpch::{answers_dir, generate, queries, Format};

/// Queries that do not pass yet, and why, as `(11, "TIMEOUT: …")`. All 22 pass now.
const EXPECTED_FAILURES: &[(u32, &str)] = &[];

/// How long one query may run (dev profile: the slowest passing one takes about 2 s).
const QUERY_TIMEOUT: Duration = Duration::from_secs(30);

const CHILD_ENV: &str = "EMBER_TPCH_QUERY";
const RESULT_PREFIX: &str = "@@TPCH ";

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch/sf0.1")
}

/// In the child: runs one query and prints its status on a line of its own.
fn run_one(n: u32) {
    let session = Session::builder()
        .config("ember.executor.threads", "2")
        .config("spark.sql.shuffle.partitions", "4")
        .build()
        .expect("session");
    register_tables(&session, &data_dir(), Format::Parquet).expect("register the tables");
    let outcome = run_query(&session, n, &answers_dir(0.1));
    let status = outcome.status.to_string().replace('\n', " ");
    println!("\n{RESULT_PREFIX}{:.2} {status}", outcome.seconds);
}

/// In the parent: runs query `n` in a child process; returns its seconds and status line.
fn run_in_child(n: u32) -> (f64, String) {
    let run = common::run_in_child("tpch_sf01_matches_answers", &[(CHILD_ENV, n.to_string())], QUERY_TIMEOUT, RESULT_PREFIX);
    if let Some(failure) = run.failure {
        return (run.seconds, failure);
    }
    let line = run.stdout.lines().find_map(|l| l.split_once(RESULT_PREFIX).map(|(_, rest)| rest.to_string()));
    match line.as_deref().and_then(|l| l.split_once(' ')) {
        Some((secs, status)) => (secs.parse().unwrap_or(0.0), status.to_string()),
        None => (run.seconds, "CRASH: no status line".into()),
    }
}

#[test]
fn tpch_sf01_matches_answers() {
    if let Some(n) = std::env::var(CHILD_ENV).ok().and_then(|v| v.parse().ok()) {
        return run_one(n);
    }
    let start = Instant::now();
    let written = generate::generate(0.1, &data_dir(), Format::Parquet).expect("generate SF 0.1");
    if !written.is_empty() {
        eprintln!("generated {} in {:.1}s", written.join(", "), start.elapsed().as_secs_f64());
    }
    let mut problems = Vec::new();
    for n in queries::ALL {
        let (seconds, status) = run_in_child(n);
        eprintln!("Q{n:02} {seconds:>8.2}s {status}");
        let passed = status == Status::Pass.to_string();
        match (passed, EXPECTED_FAILURES.iter().find(|(q, _)| *q == n)) {
            (true, Some((_, why))) => {
                problems.push(format!("Q{n:02} passes now: remove it from EXPECTED_FAILURES (\"{why}\")"))
            }
            (false, None) => problems.push(format!("Q{n:02} {status}")),
            _ => {}
        }
    }
    eprintln!("total {:.1}s", start.elapsed().as_secs_f64());
    assert!(problems.is_empty(), "TPC-H SF 0.1:\n{}", problems.join("\n"));
}
