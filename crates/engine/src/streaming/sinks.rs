//! Streaming sinks: where each micro-batch's rows go. `add_batch` must be idempotent
//! per batch id: after a crash the last batch may run again with the same rows.
//! The file sink gets that from its `_spark_metadata` log (a batch already logged is
//! skipped, files of a batch killed before its log entry are never read); the memory
//! and console sinks live only as long as the process; `foreach_batch` hands the rows
//! to user code, which sees a re-run batch again (at least once, as in Spark).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_datasource::sink_log::{batch_log_text, SinkFileEntry, SINK_LOG_DIR};
use ember_physical::operators::memory::MemTable;
use ember_plan::LogicalPlanBuilder;
use ember_streaming::MetadataLog;

use super::OutputMode;
use crate::dataframe::DataFrame;
use crate::session::Session;
use crate::writer::committer::CommitKind;
use crate::writer::file_sinks::WriteFormat;
use crate::writer::write_job::{run_write_job, WriteRequest};

/// User code run on each batch: `(rows, batch id)`.
pub type ForeachBatchFn = Box<dyn FnMut(DataFrame, i64) -> Result<()> + Send>;

/// Where a streaming query writes.
pub(crate) trait Sink: Send {
    /// `FileSink[file:/out]`, `MemorySink`, … (progress reports).
    fn describe(&self) -> String;

    /// Writes batch `batch_id`'s rows.
    fn add_batch(&mut self, batch_id: u64, rows: &BatchRows, mode: OutputMode) -> Result<()>;

    /// Does progress report the rows written? (Spark's file sink says -1.)
    fn reports_output_rows(&self) -> bool {
        true
    }
}

/// The rows one batch produced, computed once.
pub(crate) struct BatchRows {
    pub session: Session,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl BatchRows {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// The rows as a DataFrame (one partition per batch).
    pub fn to_dataframe(&self) -> Result<DataFrame> {
        let parts = if self.batches.is_empty() { vec![vec![]] } else { self.batches.iter().map(|b| vec![b.clone()]).collect() };
        let table = MemTable::try_new(self.schema.clone(), parts)?;
        let plan = LogicalPlanBuilder::scan("batch", Arc::new(table))?.build();
        Ok(DataFrame::new(self.session.clone(), plan))
    }
}

/// Files in a directory, recorded per batch in `_spark_metadata`.
pub(crate) struct FileSink {
    path: PathBuf,
    format: WriteFormat,
    options: BTreeMap<String, String>,
    partition_by: Vec<String>,
    log: MetadataLog,
}

impl FileSink {
    pub fn try_new(path: &str, format: &str, options: BTreeMap<String, String>, partition_by: Vec<String>) -> Result<Self> {
        let write_format = WriteFormat::from_name(format)?;
        let path = std::path::absolute(path).map_err(|e| Error::invalid_argument(format!("bad sink path '{path}': {e}")))?;
        let log = MetadataLog::new(path.join(SINK_LOG_DIR));
        // The log exists before any file: readers list the directory through it.
        log.create()?;
        Ok(FileSink { path, format: write_format, options, partition_by, log })
    }
}

impl Sink for FileSink {
    fn describe(&self) -> String {
        format!("FileSink[file:{}]", self.path.display())
    }

    fn reports_output_rows(&self) -> bool {
        false
    }

    fn add_batch(&mut self, batch_id: u64, rows: &BatchRows, _mode: OutputMode) -> Result<()> {
        if self.log.get(batch_id)?.is_some() {
            return Ok(()); // committed before a restart
        }
        let df = rows.to_dataframe()?;
        let request = WriteRequest {
            format: self.format,
            target: &self.path,
            partition_by: &self.partition_by,
            options: &self.options,
            commit: CommitKind::Append,
        };
        let files = run_write_job(&rows.session, df.logical_plan().clone(), &request)?;
        let mut entries = Vec::with_capacity(files.len());
        for rel in files {
            let path = self.path.join(&rel);
            let md = std::fs::metadata(&path).map_err(|e| Error::invalid_argument(format!("written file {} is gone: {e}", path.display())))?;
            let mtime = md.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_millis() as i64).unwrap_or(0);
            entries.push(SinkFileEntry { path: path.to_string_lossy().into_owned(), size: md.len(), modification_time_ms: mtime });
        }
        if !self.log.add(batch_id, &batch_log_text(&entries))? {
            return Err(Error::spark("CONCURRENT_STREAM_LOG_UPDATE", &[("batchId", &batch_id.to_string())]));
        }
        Ok(())
    }
}

/// An in-memory table named by the query (`session.sql("SELECT * FROM name")`).
pub(crate) struct MemorySink {
    session: Session,
    name: String,
    rows: Vec<RecordBatch>,
    schema: SchemaRef,
    last_batch: Option<u64>,
}

impl MemorySink {
    pub fn try_new(session: Session, name: &str, schema: SchemaRef) -> Result<Self> {
        let sink = MemorySink { session, name: name.to_string(), rows: vec![], schema, last_batch: None };
        sink.publish(&[])?;
        Ok(sink)
    }

    fn publish(&self, rows: &[RecordBatch]) -> Result<()> {
        let table = MemTable::try_new(self.schema.clone(), vec![rows.to_vec()])?;
        let plan = LogicalPlanBuilder::scan(&self.name, Arc::new(table))?.build();
        self.session.register_view(&self.name, plan, true)
    }
}

impl Sink for MemorySink {
    fn describe(&self) -> String {
        "MemorySink".to_string()
    }

    fn add_batch(&mut self, batch_id: u64, rows: &BatchRows, mode: OutputMode) -> Result<()> {
        if self.last_batch.is_some_and(|b| b >= batch_id) {
            return Ok(());
        }
        if mode == OutputMode::Complete {
            self.rows.clear();
        }
        self.rows.extend(rows.batches.iter().filter(|b| b.num_rows() > 0).cloned());
        self.publish(&self.rows)?;
        self.last_batch = Some(batch_id);
        Ok(())
    }
}

/// Prints each batch as `show()` does, under a `Batch: N` banner.
pub(crate) struct ConsoleSink {
    num_rows: usize,
    truncate: usize,
}

impl ConsoleSink {
    pub fn try_new(options: &BTreeMap<String, String>) -> Result<Self> {
        let get = |k: &str| options.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)).map(|(_, v)| v.trim().to_string());
        let num_rows = match get("numRows") {
            None => 20,
            Some(v) => v.parse::<usize>().map_err(|_| Error::invalid_argument(format!("Invalid value '{v}' for option 'numRows'")))?,
        };
        let truncate = match get("truncate").as_deref() {
            None | Some("true") => 20,
            Some("false") => 0,
            Some(v) => v.parse::<usize>().map_err(|_| Error::invalid_argument(format!("Invalid value '{v}' for option 'truncate'")))?,
        };
        Ok(ConsoleSink { num_rows, truncate })
    }
}

impl Sink for ConsoleSink {
    fn describe(&self) -> String {
        format!("org.apache.spark.sql.execution.streaming.ConsoleTable$@{:x}", self as *const _ as usize & 0xffffff)
    }

    fn add_batch(&mut self, batch_id: u64, rows: &BatchRows, _mode: OutputMode) -> Result<()> {
        let line = "-".repeat(43);
        let table = rows.to_dataframe()?.show_string(self.num_rows, self.truncate)?;
        println!("{line}\nBatch: {batch_id}\n{line}\n{table}");
        Ok(())
    }
}

/// `foreach_batch(f)`.
pub(crate) struct ForeachBatchSink {
    f: ForeachBatchFn,
}

impl ForeachBatchSink {
    pub fn new(f: ForeachBatchFn) -> Self {
        ForeachBatchSink { f }
    }
}

impl Sink for ForeachBatchSink {
    fn describe(&self) -> String {
        "ForeachBatchSink".to_string()
    }

    fn add_batch(&mut self, batch_id: u64, rows: &BatchRows, _mode: OutputMode) -> Result<()> {
        (self.f)(rows.to_dataframe()?, batch_id as i64)
    }
}
