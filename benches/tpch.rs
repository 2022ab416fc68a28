//! TPC-H benchmark: generates the tables (once, cached under `benches/data/tpch/sf<SF>/`),
//! registers them as temporary views, runs each query once to warm up and check its rows
//! against `benches/tpch/answers/sf<SF>/`, then times it over several runs; prints per query
//! the median time, pass/fail, and the total, geometric mean and peak RSS.
//!
//! `cargo bench -p ember-tpch --bench tpch -- [--sf 1] [--threads 2] [--format parquet|csv]
//!  [--queries 1,3,5-7] [--iterations 3] [--partitions N] [--data DIR] [--json FILE] [--generate-only]`

use std::path::PathBuf;

/// As in `ember` (the CLI): buffers are reused instead of returned to the kernel.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use ember::Session;
use ember_tpch::run::{register_tables, run_query, Outcome, Status};
use ember_tpch::{answers_dir, data_dir, generate, queries, Format};

struct Args {
    sf: f64,
    threads: usize,
    partitions: Option<usize>,
    format: Format,
    queries: Vec<u32>,
    iterations: usize,
    data: Option<PathBuf>,
    json: Option<PathBuf>,
    generate_only: bool,
}

const USAGE: &str = "usage: tpch [--sf 1] [--threads 2] [--partitions N] [--format parquet|csv] \
[--queries 1,3,5-7] [--iterations 3] [--data DIR] [--json FILE] [--generate-only]";

fn parse_queries(list: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in list.split(',').filter(|p| !p.is_empty()) {
        let bad = || format!("bad query list `{list}`: queries are 1 to 22, as `1,3,5-7`");
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (a, b): (u32, u32) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
        if a < 1 || b > 22 || a > b {
            return Err(bad());
        }
        out.extend(a..=b);
    }
    Ok(out)
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        sf: 1.0,
        threads: 2,
        partitions: None,
        format: Format::Parquet,
        queries: queries::ALL.collect(),
        iterations: 3,
        data: None,
        json: None,
        generate_only: false,
    };
    let mut it = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(flag) = it.next() {
        if flag == "--generate-only" {
            args.generate_only = true;
            continue;
        }
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_string());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |what: &str| format!("bad {flag} `{value}`: {what}\n{USAGE}");
        match flag.as_str() {
            "--sf" => {
                args.sf = value.parse().ok().filter(|s: &f64| *s > 0.0).ok_or_else(|| bad("a positive number"))?
            }
            "--threads" => {
                args.threads = value.parse().ok().filter(|t| *t > 0).ok_or_else(|| bad("a positive integer"))?
            }
            "--partitions" => {
                args.partitions = Some(value.parse().ok().filter(|t| *t > 0).ok_or_else(|| bad("a positive integer"))?)
            }
            "--format" => args.format = Format::parse(&value).ok_or_else(|| bad("parquet or csv"))?,
            "--queries" => args.queries = parse_queries(&value)?,
            "--iterations" => {
                args.iterations = value.parse().ok().filter(|t| *t > 0).ok_or_else(|| bad("a positive integer"))?
            }
            "--data" => args.data = Some(PathBuf::from(value)),
            "--json" => args.json = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    Ok(args)
}

/// Peak resident memory of this process in KiB (`VmHWM` in /proc/self/status; Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(|a, b| a.total_cmp(b));
    let n = times.len();
    if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Timed {
    outcome: Outcome,
    median: f64,
    min: f64,
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = bench(&args) {
        eprintln!("tpch: {e}");
        std::process::exit(1);
    }
}

fn bench(args: &Args) -> ember_tpch::Result<()> {
    let dir = args.data.clone().unwrap_or_else(|| data_dir(args.sf));
    let start = Instant::now();
    let written = generate::generate(args.sf, &dir, args.format)?;
    if !written.is_empty() {
        eprintln!(
            "generated {} at SF {} in {:.1}s under {}",
            written.join(", "),
            args.sf,
            start.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    if args.generate_only {
        return Ok(());
    }
    let partitions = args.partitions.unwrap_or(args.threads);
    let session = Session::builder()
        .config("ember.executor.threads", args.threads.to_string())
        .config("spark.sql.shuffle.partitions", partitions.to_string())
        .build()?;
    register_tables(&session, &dir, args.format)?;
    let answers = answers_dir(args.sf);
    println!(
        "TPC-H SF {} | {} | {} threads, {} shuffle partitions | median of {} runs after a warm-up",
        args.sf,
        args.format.extension(),
        args.threads,
        partitions,
        args.iterations
    );
    println!("{:>5} {:>10} {:>10} {:>7}  status", "query", "median s", "min s", "rows");
    let mut results = Vec::new();
    for &n in &args.queries {
        let outcome = run_query(&session, n, &answers);
        let mut times = Vec::new();
        if outcome.status.ran() {
            for _ in 0..args.iterations {
                times.push(run_query(&session, n, &answers).seconds);
            }
        } else {
            times.push(outcome.seconds);
        }
        let min = times.iter().copied().fold(f64::INFINITY, f64::min);
        let timed = Timed { median: median(&mut times), min, outcome };
        println!(
            "{:>5} {:>10.3} {:>10.3} {:>7}  {}",
            format!("Q{n:02}"),
            timed.median,
            timed.min,
            timed.outcome.rows,
            timed.outcome.status
        );
        results.push(timed);
    }
    let passed: Vec<&Timed> = results.iter().filter(|t| t.outcome.status == Status::Pass).collect();
    let ran: Vec<&Timed> = results.iter().filter(|t| t.outcome.status.ran()).collect();
    let total: f64 = ran.iter().map(|t| t.median).sum();
    let geomean = |set: &[&Timed]| {
        if set.is_empty() {
            f64::NAN
        } else {
            (set.iter().map(|t| t.median.max(1e-6).ln()).sum::<f64>() / set.len() as f64).exp()
        }
    };
    let peak = peak_rss_kib();
    println!(
        "passed {}/{}, ran {}/{} | total {:.3}s over the queries that ran | geometric mean {:.4}s (passed), {:.4}s (ran) | peak RSS {}",
        passed.len(),
        results.len(),
        ran.len(),
        results.len(),
        total,
        geomean(&passed),
        geomean(&ran),
        peak.map_or("unknown".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
    );
    if let Some(path) = &args.json {
        let entries: Vec<String> = results
            .iter()
            .map(|t| {
                let detail = match &t.outcome.status {
                    Status::Fail(m) | Status::Error(m) => m.as_str(),
                    _ => "",
                };
                format!(
                    "{{\"query\": {}, \"status\": {}, \"median_s\": {}, \"min_s\": {}, \"rows\": {}, \"detail\": {}}}",
                    t.outcome.query,
                    json_string(t.outcome.status.label()),
                    t.median,
                    t.min,
                    t.outcome.rows,
                    json_string(detail)
                )
            })
            .collect();
        let json = format!(
            "{{\"engine\": \"ember\", \"sf\": {}, \"threads\": {}, \"peak_rss_kib\": {}, \"queries\": [\n  {}\n]}}\n",
            args.sf,
            args.threads,
            peak.map_or("null".to_string(), |k| k.to_string()),
            entries.join(",\n  ")
        );
        std::fs::write(path, json)?;
    }
    Ok(())
}
