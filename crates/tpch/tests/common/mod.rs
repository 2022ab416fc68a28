//! Running one TPC-H query in a child process (this test binary again, told what to run
//! by environment variables) that is killed after a timeout: a plan that would run for
//! hours (a cross join) fails its query instead of hanging the suite.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a child printed, or why it printed nothing useful.
pub struct ChildRun {
    #[allow(dead_code)] // read by tpch_sf01, not by tpch_configs
    pub seconds: f64,
    pub stdout: String,
    /// `Some(reason)` when the child timed out or ended without printing `marker`.
    pub failure: Option<String>,
}

/// Runs the test `test_name` of this binary in a child with `env` set, killing it after
/// `timeout`; a child that does not print `marker` failed (its panic message is kept).
pub fn run_in_child(test_name: &str, env: &[(&str, String)], timeout: Duration, marker: &str) -> ChildRun {
    let start = Instant::now();
    let exe = std::env::current_exe().expect("test binary path");
    let mut command = Command::new(exe);
    command.args([test_name, "--exact", "--nocapture", "--test-threads=1"]).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("start the query's process");
    let stdout = drain(child.stdout.take().expect("child stdout"));
    let stderr = drain(child.stderr.take().expect("child stderr"));
    loop {
        if child.try_wait().expect("wait for the query's process").is_some() {
            break;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            let seconds = start.elapsed().as_secs_f64();
            return ChildRun { seconds, stdout: String::new(), failure: Some(format!("TIMEOUT: over {}s", timeout.as_secs())) };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = stdout.join().unwrap_or_default();
    let seconds = start.elapsed().as_secs_f64();
    if out.contains(marker) {
        return ChildRun { seconds, stdout: out, failure: None };
    }
    // A panic: its message is the line after "panicked at".
    let err = stderr.join().unwrap_or_default();
    let lines: Vec<&str> = err.lines().collect();
    let panic = lines.iter().position(|l| l.contains("panicked at")).map_or(String::new(), |i| {
        format!(": {} {}", lines[i].trim(), lines.get(i + 1).copied().unwrap_or("").trim())
    });
    ChildRun { seconds, stdout: out, failure: Some(format!("CRASH: the query's process ended without a result{panic}")) }
}

/// Reads a child's pipe to its end on a thread of its own (so a full pipe never blocks it).
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut out = String::new();
        let _ = pipe.read_to_string(&mut out);
        out
    })
}
