//! Corrupted files never panic the engine: Parquet, CSV and JSON files truncated, with
//! flipped bytes, or (Parquet) with a footer whose length lies, give an error that
//! names the file (or read as far as they still parse). Mutations come from fixed
//! seeds, so a failure reproduces.

use std::path::{Path, PathBuf};

use ember::Session;
use ember_common::random::XorShiftRandom;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ember-corrupt-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "2").threads(2).build().unwrap()
}

/// One good file of `format` with a few row groups / lines of several types.
fn good_file(s: &Session, format: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!("good-{format}"));
    let cols = if format == "csv" {
        "id, CAST(id AS STRING) AS s, id * 1.5D AS d, DATE'2024-01-01' + CAST(id AS INT) AS day"
    } else {
        "id, CAST(id AS STRING) AS s, id * 1.5D AS d, array(id, id + 1) AS a, named_struct('x', id, 'y', CAST(id AS STRING)) AS st"
    };
    let df = s.sql(&format!("SELECT {cols} FROM range(0, 3000, 1, 1)")).unwrap();
    let w = df.write().mode("overwrite");
    match format {
        "parquet" => w.parquet(out.to_str().unwrap()),
        "csv" => w.option("header", "true").csv(out.to_str().unwrap()),
        _ => w.json(out.to_str().unwrap()),
    }
    .unwrap();
    let file = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("part-")))
        .expect("a part file");
    std::fs::read(file).unwrap()
}

/// `count` corrupted copies of `bytes`: truncations, flipped bytes, zeroed runs, and
/// for Parquet footers whose length is negative, huge or off by a little.
fn mutations(bytes: &[u8], parquet: bool, seed: i64, count: usize) -> Vec<(String, Vec<u8>)> {
    let mut rng = XorShiftRandom::new(seed);
    let mut pick = |n: usize| rng.next_int_bounded(n.max(1) as i32) as usize;
    let mut out = Vec::new();
    for i in 0..count {
        let mut b = bytes.to_vec();
        let what = match i % 4 {
            0 => {
                let at = pick(b.len());
                b.truncate(at);
                format!("truncated at {at}")
            }
            1 => {
                let n = 1 + pick(8);
                for _ in 0..n {
                    let at = pick(b.len());
                    b[at] ^= 1 << pick(8);
                }
                format!("{n} bits flipped")
            }
            2 => {
                let at = pick(b.len());
                let len = pick(64).min(b.len() - at);
                b[at..at + len].fill(0xff);
                format!("{len} bytes at {at} set")
            }
            _ if parquet && b.len() > 8 => {
                let lies = [-1i32, i32::MIN, i32::MAX, b.len() as i32, 1, 7];
                let lie = if i % 8 == 3 { lies[pick(lies.len())] } else { pick(b.len() * 2) as i32 - b.len() as i32 / 2 };
                let at = b.len() - 8;
                b[at..at + 4].copy_from_slice(&lie.to_le_bytes());
                format!("footer length {lie}")
            }
            _ => {
                let at = pick(b.len());
                let end = (at + pick(200)).min(b.len());
                b.drain(at..end);
                format!("bytes {at}..{end} removed")
            }
        };
        out.push((what, b));
    }
    out
}

fn check_format(format: &str, seed: i64, count: usize) {
    let s = session();
    let d = dir().join(format);
    std::fs::create_dir_all(&d).unwrap();
    let good = good_file(&s, format, &d);
    for (i, (what, bytes)) in mutations(&good, format == "parquet", seed, count).into_iter().enumerate() {
        let path = d.join(format!("bad-{i}.{format}"));
        std::fs::write(&path, &bytes).unwrap();
        let p = path.to_str().unwrap();
        let reads: Vec<ember::Result<ember::DataFrame>> = match format {
            "parquet" => vec![s.read().parquet(p)],
            "csv" => vec![
                s.read().option("header", "true").option("inferSchema", "true").csv(p),
                s.read().option("header", "true").option("mode", "FAILFAST").schema_ddl("id BIGINT, s STRING, d DOUBLE, day DATE").csv(p),
            ],
            _ => vec![s.read().json(p), s.read().option("mode", "FAILFAST").schema_ddl("id BIGINT, s STRING, d DOUBLE, a ARRAY<BIGINT>, st STRUCT<x: BIGINT, y: STRING>").json(p)],
        };
        for df in reads {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| df.and_then(|df| df.collect())));
            match r {
                Err(_) => panic!("{format} {what} ({p}): panicked"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    let text = e.to_string() + &e.cause().map(|c| c.to_string()).unwrap_or_default();
                    assert_ne!(e.class(), "INTERNAL_ERROR", "{format} {what}: {e}");
                    assert!(text.contains(&format!("bad-{i}.{format}")), "{format} {what}: error does not name the file: {e}");
                }
            }
        }
        let _ = std::fs::remove_file(&path);
    }
    assert!(s.sql("SELECT 1").unwrap().collect().is_ok());
}

#[test]
fn corrupted_parquet_files_give_errors_naming_them() {
    check_format("parquet", 13, 160);
}

#[test]
fn corrupted_csv_files_give_errors_naming_them() {
    check_format("csv", 17, 60);
}

#[test]
fn corrupted_json_files_give_errors_naming_them() {
    check_format("json", 19, 60);
}
