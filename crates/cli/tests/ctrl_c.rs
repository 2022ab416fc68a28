//! Ctrl-C (SIGINT) to `ember -c` / `-f` running a long statement cancels it: the
//! process prints `OPERATION_CANCELED`, skips the rest of the script and exits with
//! status 130 within a second.
#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LONG_QUERY: &str = "SELECT count(*) FROM range(100000) a CROSS JOIN range(100000) b";

/// Starts `ember args`, sends SIGINT once the long statement runs, and returns the
/// exit code, stderr, stdout and how long the process took to end after the signal.
fn interrupt(args: &[&str]) -> (Option<i32>, String, String, Duration) {
    let child = Command::new(env!("CARGO_BIN_EXE_ember"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ember");
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("run kill");
    assert!(kill.success());
    let out = child.wait_with_output().expect("wait for ember");
    let took = sent.elapsed();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned(), String::from_utf8_lossy(&out.stdout).into_owned(), took)
}

#[test]
fn sigint_cancels_a_command_and_exits_130() {
    let script = format!("SELECT 1 AS first; {LONG_QUERY}; SELECT 'not reached' AS last");
    let (code, err, out, took) = interrupt(&["-c", &script]);
    assert_eq!(code, Some(130), "stderr: {err}");
    assert!(err.contains("[OPERATION_CANCELED]") && err.contains("SQLSTATE: HY008"), "{err}");
    assert!(out.contains("first") && !out.contains("not reached"), "{out}");
    assert!(took < Duration::from_secs(1), "ember took {took:?} to stop after SIGINT");
}

#[test]
fn sigint_cancels_a_file_and_exits_130() {
    let path = std::env::temp_dir().join(format!("ember-ctrl-c-{}.sql", std::process::id()));
    std::fs::write(&path, format!("{LONG_QUERY};\nSELECT 2;\n")).unwrap();
    let (code, err, _, took) = interrupt(&["-f", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, Some(130), "stderr: {err}");
    assert!(err.contains("[OPERATION_CANCELED]"), "{err}");
    assert!(took < Duration::from_secs(1), "ember took {took:?} to stop after SIGINT");
}
