//! Atomic commit under SIGKILL: a child process (this test binary, re-invoked with
//! `EMBER_ATOMIC_TARGET` set) overwrites a dataset in a loop; the parent kills it
//! after random delays, many times, and after each kill reads the target with Ember:
//! it must hold exactly one complete version (all rows, one version number), never a
//! mix of two versions or a partial write.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use arrow::array::{AsArray, Int64Array};
use arrow::datatypes::Int64Type;
use ember::Session;

const ROWS: i64 = 2000;
const TARGET_ENV: &str = "EMBER_ATOMIC_TARGET";

fn session() -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", "4")
        .threads(2)
        .build()
        .unwrap()
}

/// Writes version `v` of the dataset: ids 0..ROWS, spread over 8 tasks and many files.
fn write_version(s: &Session, target: &str, v: i64) -> ember::Result<()> {
    let df = s.sql(&format!(
        "SELECT id, CAST({v} AS BIGINT) AS version FROM range(0, {ROWS}, 1, 8)"
    ))?;
    df.write()
        .mode("overwrite")
        .option("maxRecordsPerFile", 40)
        .parquet(target)
}

/// The child: overwrite forever with increasing versions (the parent kills it).
#[test]
fn atomic_child_writer() {
    let Ok(target) = std::env::var(TARGET_ENV) else {
        return;
    };
    let start: i64 = std::env::var("EMBER_ATOMIC_START")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let s = session();
    for v in start.. {
        write_version(&s, &target, v).unwrap();
    }
}

/// The version the target holds; panics unless it is one complete version.
fn check(s: &Session, target: &str) -> i64 {
    let batches = s.read().parquet(target).unwrap().collect().unwrap();
    let mut ids = BTreeSet::new();
    let mut versions = BTreeSet::new();
    for b in &batches {
        let id: &Int64Array = b.column(0).as_primitive::<Int64Type>();
        let ver = b.column(1).as_primitive::<Int64Type>();
        for i in 0..b.num_rows() {
            assert!(
                ids.insert(id.value(i)),
                "duplicate id {} (two versions mixed?)",
                id.value(i)
            );
            versions.insert(ver.value(i));
        }
    }
    assert_eq!(
        ids.len() as i64,
        ROWS,
        "partial data: {} rows, versions {versions:?}",
        ids.len()
    );
    assert_eq!(versions.len(), 1, "versions mixed: {versions:?}");
    *versions.iter().next().unwrap_or(&-1)
}

/// A small deterministic-per-run pseudo-random sequence (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

#[test]
fn killed_writers_leave_old_or_new_data() {
    if std::env::var(TARGET_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("data").to_string_lossy().to_string();
    let s = session();
    write_version(&s, &target, 0).unwrap();
    assert_eq!(check(&s, &target), 0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let mut seen = BTreeSet::new();
    let mut kills = 0;
    let mut next_start = 1;
    while kills < 60 && started.elapsed() < Duration::from_secs(20) {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "atomic_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(TARGET_ENV, &target)
            .env("EMBER_ATOMIC_START", next_start.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5 + rng.next(400)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;
        let v = check(&s, &target);
        assert!(v < next_start + 100_000);
        if v >= next_start {
            next_start = v + 1;
        }
        seen.insert(v);
    }
    eprintln!(
        "{kills} kills, {} distinct versions seen (seed {seed})",
        seen.len()
    );
    assert!(kills >= 10, "only {kills} kills in the time budget");
    // The children made progress, so kills landed both between and inside commits.
    assert!(
        seen.len() >= 2,
        "no write ever committed: {seen:?} (seed {seed})"
    );
}
