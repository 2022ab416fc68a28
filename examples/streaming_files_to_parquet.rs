//! A file pipeline: JSON files dropped into `in/` are copied, filtered, into a parquet
//! table `out/` exactly once, and a running count per key is kept beside it. Stop it
//! at any moment (even `kill -9`) and run it again: it resumes from `checkpoint/`.
//!
//! Run from the repository root:
//! `cargo run -p ember --example streaming_files_to_parquet -- /tmp/pipeline`
//! (it writes a few input files itself, processes everything available, prints the
//! results and stops; run it twice to see the restart pick up only new files).

use std::path::Path;

use ember::streaming::Trigger;
use ember::{col, lit, Result, Session};

fn main() -> Result<()> {
    let root = std::env::args().nth(1).unwrap_or_else(|| std::env::temp_dir().join("ember-pipeline").to_string_lossy().into_owned());
    let root = Path::new(&root);
    let inp = root.join("in");
    std::fs::create_dir_all(&inp)?;
    // New input for this run: files appear atomically (written aside, then renamed in).
    let run = std::fs::read_dir(&inp)?.count();
    let staged = root.join(".staged.json");
    std::fs::write(&staged, format!("{{\"id\":{run},\"k\":\"a\",\"v\":{run}}}\n{{\"id\":{},\"k\":\"b\",\"v\":-1}}\n", run + 1000))?;
    std::fs::rename(&staged, inp.join(format!("batch-{run:04}.json")))?;

    let session = Session::builder().build()?;
    let events = session.read_stream().schema("id BIGINT, k STRING, v BIGINT").json(&inp.to_string_lossy())?;
    let copy = events
        .filter(col("v").geq(lit(0i64)))?
        .write_stream()
        .format("parquet")
        .option("path", root.join("out").to_string_lossy())
        .option("checkpointLocation", root.join("checkpoint/copy").to_string_lossy())
        .trigger(Trigger::AvailableNow)
        .start()?;
    events.create_or_replace_temp_view("events")?;
    let counts = session
        .sql("SELECT k, count(*) AS n FROM events GROUP BY k")?
        .write_stream()
        .format("memory")
        .query_name("counts")
        .output_mode("complete")
        .option("checkpointLocation", root.join("checkpoint/counts").to_string_lossy())
        .trigger(Trigger::AvailableNow)
        .start()?;
    copy.await_termination()?;
    counts.await_termination()?;
    if let Some(p) = copy.last_progress() {
        println!("last batch of the copy:\n{}", p.pretty_json());
    }
    println!("rows in out/ (read through its _spark_metadata log):");
    session.read().parquet(&root.join("out").to_string_lossy())?.order_by([col("id").asc()])?.show()?;
    println!("count per key:");
    session.sql("SELECT * FROM counts ORDER BY k")?.show()?;
    Ok(())
}
