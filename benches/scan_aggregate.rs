//! Scaling benchmark: generates a CSV file of the requested size (default 200 MB) under
//! `benches/data/`, then runs a filter + group-by + sort query over it twice — with 1
//! thread and 1 shuffle partition, and with all cores and 8 shuffle partitions — checks
//! both give the same rows (amounts are decimals, so sums are exact whatever the
//! partitioning), and prints wall time, CPU time and their ratio.
//!
//! `cargo bench -p ember --bench scan_aggregate -- [size_mb]`

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use ember::{Result, Session};

/// CPU time (user + system) of this process in seconds, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn generate(path: &PathBuf, size_mb: u64) -> std::io::Result<()> {
    if path.exists() && path.metadata()?.len() >= size_mb * 1_000_000 {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().unwrap_or(&PathBuf::from(".")))?;
    let mut w = BufWriter::new(File::create(path)?);
    writeln!(w, "id,category,city,amount,quantity,note")?;
    let cities = ["Lisbon", "Porto", "Braga", "Faro", "Coimbra", "Evora", "Aveiro", "Viseu"];
    let mut written = 0u64;
    let mut i = 0u64;
    let mut x: u64 = 0x2545F4914F6CDD1D;
    while written < size_mb * 1_000_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let line = format!(
            "{i},cat{},{},{}.{:02},{},note number {}\n",
            x % 97,
            cities[(x >> 8) as usize % cities.len()],
            (x >> 16) % 10_000,
            (x >> 32) % 100,
            (x >> 40) % 50,
            x % 1000
        );
        written += line.len() as u64;
        w.write_all(line.as_bytes())?;
        i += 1;
    }
    w.flush()
}

fn run(path: &str, threads: usize, partitions: usize) -> Result<(Vec<String>, f64, f64)> {
    let session = Session::builder()
        .config("ember.executor.threads", threads.to_string())
        .config("spark.sql.shuffle.partitions", partitions.to_string())
        .build()?;
    session.sql(&format!(
        "CREATE OR REPLACE TEMPORARY VIEW t (id BIGINT, category STRING, city STRING, amount DECIMAL(12,2), quantity INT, note STRING) \
         USING csv OPTIONS (path '{path}', header 'true')"
    ))?;
    let (wall0, cpu0) = (Instant::now(), cpu_seconds());
    let batches = session
        .sql(
            "SELECT city, category, count(*) AS n, sum(amount) AS total, avg(quantity) AS avg_q \
             FROM t WHERE quantity > 5 GROUP BY city, category ORDER BY total DESC, city, category LIMIT 20",
        )?
        .collect()?;
    let (wall, cpu) = (wall0.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
    let rows = ember::format::golden_rows(&batches, "UTC");
    Ok((rows, wall, cpu))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let size_mb: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(200);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../benches/data/scan_{size_mb}mb.csv"));
    generate(&path, size_mb)?;
    let path_str = path.to_string_lossy().to_string();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("data: {path_str} ({size_mb} MB), cores: {cores}");
    let (serial_rows, w1, c1) = run(&path_str, 1, 1)?;
    println!("1 thread,  1 shuffle partition : wall {w1:.2}s, cpu {c1:.2}s, cpu/wall {:.2}", c1 / w1);
    let (par_rows, wn, cn) = run(&path_str, cores, 8)?;
    println!("{cores} threads, 8 shuffle partitions: wall {wn:.2}s, cpu {cn:.2}s, cpu/wall {:.2}", cn / wn);
    println!("speed-up: {:.2}x; same result: {}", w1 / wn, serial_rows == par_rows);
    if serial_rows != par_rows {
        for (a, b) in serial_rows.iter().zip(&par_rows) {
            if a != b {
                println!("1 partition : {a}\n8 partitions: {b}");
            }
        }
        return Err(ember::Error::internal("results differ between 1 and 8 shuffle partitions"));
    }
    Ok(())
}
