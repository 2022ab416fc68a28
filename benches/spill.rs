//! Spilling benchmark: a sort and a group-by over data several times bigger than a
//! memory limit, each run with no limit and under the limit. Checks that both runs give
//! the same answer and prints wall time, the pool's peak reservation and what spilled.
//!
//! `cargo bench -p ember --bench spill -- [million_rows] [limit]` (default 8 and 64m).

use std::time::Instant;

use ember::{Result, Session};

/// One line per workload: the checksum query's rows.
fn run(sql: &str, limit: Option<&str>) -> Result<(Vec<String>, f64, usize, u64, u64)> {
    let mut b = Session::builder().config("spark.sql.shuffle.partitions", "8");
    if let Some(l) = limit {
        b = b.config("ember.memory.limit", l);
    }
    let session = b.build()?;
    let start = Instant::now();
    let df = session.sql(sql)?;
    // Streams the result so that the output itself is not held.
    let mut checksum = (0usize, String::new(), String::new());
    for batch in df.execute_stream()? {
        let batch = batch?;
        let rows = ember::format::golden_rows(&[batch], "UTC");
        if checksum.1.is_empty() {
            checksum.1 = rows.first().cloned().unwrap_or_default();
        }
        if let Some(last) = rows.last() {
            checksum.2 = last.clone();
        }
        checksum.0 += rows.len();
    }
    let secs = start.elapsed().as_secs_f64();
    let m = session.spill_metrics();
    let answer = vec![checksum.0.to_string(), checksum.1, checksum.2];
    Ok((answer, secs, session.memory_pool().peak(), m.files() as u64, m.bytes()))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let millions: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(8);
    let limit = args.get(1).cloned().unwrap_or_else(|| "64m".to_string());
    let n = millions * 1_000_000;
    let workloads = [
        ("sort", format!("SELECT (id * 7919) % 1000003 AS k, id, id * 3 AS v FROM range(0, {n}) ORDER BY k, id")),
        (
            "group-by",
            format!(
                "SELECT count(*), sum(c), sum(s), max(k) FROM \
                 (SELECT k, count(*) AS c, sum(id) AS s FROM (SELECT (id * 7919) % {} AS k, id FROM range(0, {n})) GROUP BY k)",
                n / 4
            ),
        ),
    ];
    println!("{millions}M rows, limit {limit}");
    println!("{:<10} {:>12} {:>10} {:>12} {:>8} {:>12}", "workload", "limit", "time (s)", "peak (MiB)", "spills", "spilled MiB");
    for (name, sql) in &workloads {
        let (free, t0, p0, f0, b0) = run(sql, None)?;
        let (limited, t1, p1, f1, b1) = run(sql, Some(&limit))?;
        let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
        println!("{name:<10} {:>12} {t0:>10.2} {:>12.1} {f0:>8} {:>12.1}", "none", mib(p0 as u64), mib(b0));
        println!("{name:<10} {limit:>12} {t1:>10.2} {:>12.1} {f1:>8} {:>12.1}", mib(p1 as u64), mib(b1));
        assert_eq!(free, limited, "{name}: results differ under the limit");
    }
    Ok(())
}
