//! A streaming pipeline killed with SIGKILL at arbitrary moments and restarted from
//! its checkpoint, many times: the parquet sink ends up with every input row exactly
//! once, the running count per key is exact, and a deduplication under a watermark
//! (whose state survives the kills) writes every id once although the input repeats
//! rows within and across files. The test runs itself as the child
//! process (`EMBER_STREAM_CRASH_CHILD` names the working directory).

mod api_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use ember::streaming::Trigger;
use ember::{col, Session};

const CHILD: &str = "EMBER_STREAM_CRASH_CHILD";
const FINISH: &str = "EMBER_STREAM_CRASH_FINISH";

fn start_queries(s: &Session, dir: &Path, trigger: Trigger) -> Vec<ember::streaming::StreamingQuery> {
    let input = || s.read_stream().schema("id BIGINT, k STRING, ts TIMESTAMP").option("maxFilesPerTrigger", "2").json(dir.join("in").to_str().unwrap()).unwrap();
    let dedup = input()
        .with_watermark("ts", "1 hour")
        .unwrap()
        .drop_duplicates(["id", "ts"])
        .unwrap()
        .write_stream()
        .format("parquet")
        .option("path", dir.join("dedup").to_str().unwrap())
        .option("checkpointLocation", dir.join("cp_dedup").to_str().unwrap())
        .trigger(trigger.clone())
        .start()
        .unwrap();
    let copy = input()
        .write_stream()
        .format("parquet")
        .option("path", dir.join("out").to_str().unwrap())
        .option("checkpointLocation", dir.join("cp_copy").to_str().unwrap())
        .trigger(trigger.clone())
        .start()
        .unwrap();
    let counts_file = dir.join("counts.txt");
    let counts = input()
        .group_by([col("k")])
        .count()
        .unwrap()
        .write_stream()
        .output_mode("complete")
        .option("checkpointLocation", dir.join("cp_counts").to_str().unwrap())
        .trigger(trigger)
        .foreach_batch(move |batch, _id| {
            let mut lines = api_support::rows(&batch.collect()?);
            lines.sort();
            let tmp = counts_file.with_extension("tmp");
            std::fs::write(&tmp, lines.join("\n")).map_err(|e| ember::Error::invalid_argument(e.to_string()))?;
            std::fs::rename(&tmp, &counts_file).map_err(|e| ember::Error::invalid_argument(e.to_string()))?;
            Ok(())
        })
        .start()
        .unwrap();
    vec![copy, counts, dedup]
}

fn run_child(dir: PathBuf) {
    let s = Session::builder().config("spark.sql.shuffle.partitions", "3").build().unwrap();
    if std::env::var(FINISH).is_ok() {
        for q in start_queries(&s, &dir, Trigger::AvailableNow) {
            q.await_termination().unwrap();
        }
        return;
    }
    let queries = start_queries(&s, &dir, Trigger::Default);
    loop {
        for q in &queries {
            if let Some(e) = q.exception() {
                panic!("query failed: {e}");
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A deterministic pseudo-random sequence (no dependency needed for a few numbers).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn spawn(dir: &Path, finish: bool) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["killed_pipeline_resumes_exactly_once", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if finish {
        cmd.env(FINISH, "1");
    }
    cmd.spawn().unwrap()
}

#[test]
fn killed_pipeline_resumes_exactly_once() {
    if let Ok(dir) = std::env::var(CHILD) {
        run_child(PathBuf::from(dir));
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::create_dir_all(dir.join("in")).unwrap();
    // EMBER_STREAM_CRASH_SEED / _ROUNDS run other or longer sequences on demand.
    let env = |k: &str, d: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let mut rng = Lcg(env("EMBER_STREAM_CRASH_SEED", 42));
    let mut next_id = 0i64;
    let mut expected_counts = std::collections::BTreeMap::<String, i64>::new();
    let mut file_no = 0;
    let mut last_line: Option<(String, String)> = None;
    let mut copies = 0i64;
    let rounds = env("EMBER_STREAM_CRASH_ROUNDS", 12);
    for round in 0..rounds {
        for _ in 0..1 + rng.next(3) {
            let mut lines = Vec::new();
            // A row repeated from the previous file (a duplicate across batches).
            if let Some((l, k)) = last_line.take().filter(|_| rng.next(2) == 0) {
                *expected_counts.entry(k).or_default() += 1;
                lines.push(l);
                copies += 1;
            }
            for _ in 0..1 + rng.next(5) {
                let k = format!("k{}", rng.next(4));
                let ts = format!("2024-01-01T{:02}:{:02}:{:02}", next_id / 3600, next_id / 60 % 60, next_id % 60);
                let line = format!(r#"{{"id":{next_id},"k":"{k}","ts":"{ts}"}}"#);
                *expected_counts.entry(k.clone()).or_default() += 1;
                lines.push(line.clone());
                if rng.next(3) == 0 {
                    *expected_counts.entry(k.clone()).or_default() += 1;
                    lines.push(line.clone());
                    copies += 1;
                }
                last_line = Some((line, k));
                next_id += 1;
            }
            let staging = dir.join(format!(".f{file_no}.json"));
            std::fs::write(&staging, lines.join("\n")).unwrap();
            std::fs::rename(&staging, dir.join("in").join(format!("f{file_no:04}.json"))).unwrap();
            file_no += 1;
        }
        let mut child = spawn(&dir, false);
        std::thread::sleep(Duration::from_millis(100 + rng.next(900)));
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("round {round}: the pipeline exited on its own ({status}): {err}");
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let out = spawn(&dir, true).wait_with_output().unwrap();
    assert!(out.status.success(), "final run failed: {}", String::from_utf8_lossy(&out.stderr));

    let s = Session::builder().build().unwrap();
    let copied = s.read().parquet(dir.join("out").to_str().unwrap()).unwrap();
    let mut ids: Vec<i64> = api_support::rows(&copied.select([col("id")]).unwrap().collect().unwrap()).iter().map(|r| r.parse().unwrap()).collect();
    ids.sort();
    let mut dedup_ids: Vec<i64> = Vec::new();
    let deduped = s.read().parquet(dir.join("dedup").to_str().unwrap()).unwrap();
    dedup_ids.extend(api_support::rows(&deduped.select([col("id")]).unwrap().collect().unwrap()).iter().map(|r| r.parse::<i64>().unwrap()));
    dedup_ids.sort();
    assert_eq!(dedup_ids, (0..next_id).collect::<Vec<_>>(), "every id once after deduplication");
    assert_eq!(ids.len() as i64, next_id + copies, "every input line exactly once in the copy");
    ids.dedup();
    assert_eq!(ids, (0..next_id).collect::<Vec<_>>(), "every input row exactly once in the sink");
    let counts = std::fs::read_to_string(dir.join("counts.txt")).unwrap();
    let expected = expected_counts.iter().map(|(k, n)| format!("{k}\t{n}")).collect::<Vec<_>>().join("\n");
    assert_eq!(counts, expected, "exact counts per key");
}
