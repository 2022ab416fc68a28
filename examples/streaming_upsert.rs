//! `foreach_batch` upsert: each micro-batch of changes (`id`, `name`, `version`) is
//! merged into a parquet table so that it holds the latest version of every id. The
//! merge reads the table, keeps for each id the row with the highest version and
//! overwrites the table; a re-run batch (after a crash) merges to the same result, so
//! the upsert is idempotent.
//!
//! Run from the repository root: `cargo run -p ember --example streaming_upsert`

use std::sync::Arc;

use arrow::array::{Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use ember::streaming::MemoryStream;
use ember::{Result, Session};

fn changes(rows: &[(i64, &str, i64)]) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("name", DataType::Utf8, true),
        Field::new("version", DataType::Int64, true),
    ]));
    RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from(rows.iter().map(|r| r.0).collect::<Vec<_>>())),
            Arc::new(StringArray::from(rows.iter().map(|r| r.1).collect::<Vec<_>>())),
            Arc::new(Int64Array::from(rows.iter().map(|r| r.2).collect::<Vec<_>>())),
        ],
    )
    .expect("example rows match the schema")
}

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("ember-upsert-{}", std::process::id()));
    let table = dir.join("people").to_string_lossy().into_owned();
    let session = Session::builder().build()?;
    let input = MemoryStream::new(changes(&[]).schema());
    let target = table.clone();
    let query = session
        .read_stream()
        .memory(&input)?
        .write_stream()
        .foreach_batch(move |batch, batch_id| {
            let s = batch.session().clone();
            batch.create_or_replace_temp_view("changes")?;
            let merged = if std::path::Path::new(&target).exists() {
                s.read().parquet(&target)?.create_or_replace_temp_view("current")?;
                "SELECT * FROM current UNION ALL SELECT * FROM changes"
            } else {
                "SELECT * FROM changes"
            };
            let latest = s.sql(&format!(
                "SELECT id, name, version FROM (
                   SELECT *, row_number() OVER (PARTITION BY id ORDER BY version DESC) AS rn FROM ({merged}))
                 WHERE rn = 1"
            ))?;
            // Materialize before overwriting the files the merge reads.
            let rows = latest.collect()?;
            s.create_dataframe(rows)?.write().mode("overwrite").parquet(&target)?;
            println!("batch {batch_id} merged");
            Ok(())
        })
        .start()?;
    input.add_batch(changes(&[(1, "ada", 1), (2, "bob", 1)]))?;
    query.process_all_available()?;
    input.add_batch(changes(&[(2, "robert", 2), (3, "cy", 1), (1, "ada (old)", 0)]))?;
    query.process_all_available()?;
    query.stop()?;
    session.sql(&format!("SELECT * FROM parquet.`{table}` ORDER BY id"))?.show()?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
