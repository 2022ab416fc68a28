//! Runs the 22 TPC-H queries on SF 0.1 data (generated once into the target directory) and
//! checks each against `benches/tpch/answers/sf0.1`. Queries Ember cannot run yet are listed
//! in `EXPECTED_FAILURES` with the reason; the test fails when one of them starts passing
//! (shrink the list) or when a query not on the list fails.
//!
//! Each query runs in a child process (this test binary again, told which query by the
//! `EMBER_TPCH_QUERY` variable) that is killed after `QUERY_TIMEOUT`: a plan that would run
//! for hours (a cross join) fails its query instead of hanging the suite.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
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
    let start = Instant::now();
    let exe = std::env::current_exe().expect("test binary path");
    let mut child = Command::new(exe)
        .args(["tpch_sf01_matches_answers", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, n.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the query's process");
    let stdout = drain(child.stdout.take().expect("child stdout"));
    let stderr = drain(child.stderr.take().expect("child stderr"));
    loop {
        if child.try_wait().expect("wait for the query's process").is_some() {
            break;
        }
        if start.elapsed() > QUERY_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return (start.elapsed().as_secs_f64(), format!("TIMEOUT: over {}s", QUERY_TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = stdout.join().unwrap_or_default();
    let line = out.lines().find_map(|l| l.split_once(RESULT_PREFIX).map(|(_, rest)| rest)).map(str::to_string);
    match line.as_deref().and_then(|l| l.split_once(' ')) {
        Some((secs, status)) => (secs.parse().unwrap_or(0.0), status.to_string()),
        None => {
            // A panic: its message is the line after "panicked at".
            let err = stderr.join().unwrap_or_default();
            let lines: Vec<&str> = err.lines().collect();
            let panic = lines.iter().position(|l| l.contains("panicked at")).map_or(String::new(), |i| {
                format!(": {} {}", lines[i].trim(), lines.get(i + 1).copied().unwrap_or("").trim())
            });
            (start.elapsed().as_secs_f64(), format!("CRASH: the query's process ended without a result{panic}"))
        }
    }
}

/// Reads a child's pipe to its end on a thread of its own (so a full pipe never blocks it).
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut out = String::new();
        let _ = pipe.read_to_string(&mut out);
        out
    })
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
