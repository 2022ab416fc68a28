//! Results do not depend on how work is split: every golden SQL script gives the same
//! rows with 1 shuffle partition, 1 thread and large batches as with 7 partitions,
//! 2 threads and 2-row batches (many batches, many partitions, real exchanges).
//! EXPLAIN output, which shows the partitioning, is left out.

use std::path::Path;

use ember::golden::{golden_block, run_script};
use ember::Session;

fn run(script: &str, partitions: &str, threads: &str, batch: &str) -> Vec<String> {
    let session = Session::builder()
        .config("spark.sql.shuffle.partitions", partitions)
        .config("ember.executor.threads", threads)
        .config("ember.execution.batchSize", batch)
        .build()
        .unwrap();
    let tz = session.time_zone();
    run_script(&session, script)
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let t = r.text.to_ascii_uppercase();
            let body = t.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join(" ");
            !body.trim_start().starts_with("EXPLAIN") && !body.contains("SHUFFLE.PARTITIONS")
        })
        .map(|(i, r)| golden_block(i + 1, r, &tz, true))
        .collect()
}

#[test]
fn golden_scripts_agree_across_partitionings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::set_current_dir(&root).unwrap();
    let mut files = Vec::new();
    let mut dirs = vec![root.join("sql-tests/inputs")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "sql") {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 20, "golden inputs not found");
    for f in files {
        let script = std::fs::read_to_string(&f).unwrap();
        let one = run(&script, "1", "1", "8192");
        let many = run(&script, "7", "2", "2");
        for (a, b) in one.iter().zip(&many) {
            assert_eq!(a, b, "{} differs between 1 and 7 partitions", f.display());
        }
    }
}
