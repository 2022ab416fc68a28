//! Spill files: one [`SpillManager`] per query writes batches that do not fit in
//! memory as LZ4-compressed Arrow IPC streams into a temporary directory of its own
//! under `ember.spill.dir` (default: the system temp dir). A [`SpillFile`] is deleted
//! when dropped and the directory when the query's last file and context are gone, so
//! nothing is left after a query succeeds, fails or is cancelled.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::{IpcWriteOptions, StreamWriter};
use arrow::ipc::CompressionType;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use tempfile::{NamedTempFile, TempDir};

use crate::execution_plan::BatchIter;

/// What a query spilled, summed over its operators.
#[derive(Debug, Default)]
pub struct SpillMetrics {
    files: AtomicUsize,
    rows: AtomicU64,
    bytes: AtomicU64,
}

impl SpillMetrics {
    /// Spill files written.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Rows written to spill files.
    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }

    /// Bytes written to spill files (compressed).
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// Makes the spill files of one query.
#[derive(Debug)]
pub struct SpillManager {
    /// `ember.spill.dir`; `None` for the system temp dir.
    base: Option<PathBuf>,
    /// The query's own directory, made on the first spill.
    dir: Mutex<Option<Arc<TempDir>>>,
    metrics: Arc<SpillMetrics>,
}

impl SpillManager {
    pub fn new(base: Option<PathBuf>) -> Self {
        Self::with_metrics(base, Arc::default())
    }

    /// A manager that adds what it spills to `metrics` (a session's running totals).
    pub fn with_metrics(base: Option<PathBuf>, metrics: Arc<SpillMetrics>) -> Self {
        SpillManager { base, dir: Mutex::new(None), metrics }
    }

    pub fn metrics(&self) -> &Arc<SpillMetrics> {
        &self.metrics
    }

    /// The query's spill directory, if it spilled yet.
    pub fn dir(&self) -> Option<PathBuf> {
        self.dir.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|d| d.path().to_path_buf())
    }

    fn query_dir(&self) -> Result<Arc<TempDir>> {
        let mut dir = self.dir.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(d) = dir.as_ref() {
            return Ok(d.clone());
        }
        let base = self.base.clone().unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&base).map_err(|e| spill_error(&base, e))?;
        let made = Arc::new(tempfile::Builder::new().prefix("ember-spill-").tempdir_in(&base).map_err(|e| spill_error(&base, e))?);
        *dir = Some(made.clone());
        Ok(made)
    }

    /// Writes `batches` (all of `schema`) to a new spill file.
    pub fn spill(&self, schema: &SchemaRef, batches: impl IntoIterator<Item = Result<RecordBatch>>) -> Result<SpillFile> {
        let mut writer = self.writer(schema)?;
        for b in batches {
            writer.write(&b?)?;
        }
        writer.finish()
    }

    /// A writer of a new spill file.
    pub fn writer(&self, schema: &SchemaRef) -> Result<SpillWriter> {
        let dir = self.query_dir()?;
        let file = tempfile::Builder::new().prefix("spill-").suffix(".arrow").tempfile_in(dir.path()).map_err(|e| spill_error(dir.path(), e))?;
        let handle = file.reopen().map_err(|e| spill_error(file.path(), e))?;
        let options = IpcWriteOptions::default().try_with_compression(Some(CompressionType::LZ4_FRAME))?;
        let writer = StreamWriter::try_new_with_options(std::io::BufWriter::new(handle), schema, options)?;
        Ok(SpillWriter { writer, file, dir, rows: 0, metrics: self.metrics.clone() })
    }
}

fn spill_error(path: &Path, e: std::io::Error) -> Error {
    Error::from(e).context(format!("while spilling to {} (set ember.spill.dir to another directory)", path.display()))
}

/// A spill file being written.
pub struct SpillWriter {
    writer: StreamWriter<std::io::BufWriter<File>>,
    file: NamedTempFile,
    dir: Arc<TempDir>,
    rows: usize,
    metrics: Arc<SpillMetrics>,
}

impl SpillWriter {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() > 0 {
            self.writer.write(batch)?;
            self.rows += batch.num_rows();
        }
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn finish(mut self) -> Result<SpillFile> {
        self.writer.finish()?;
        self.writer.get_mut().get_ref().sync_data().ok();
        let bytes = std::fs::metadata(self.file.path()).map(|m| m.len()).unwrap_or(0);
        self.metrics.files.fetch_add(1, Ordering::Relaxed);
        self.metrics.rows.fetch_add(self.rows as u64, Ordering::Relaxed);
        self.metrics.bytes.fetch_add(bytes, Ordering::Relaxed);
        Ok(SpillFile { file: self.file, _dir: self.dir, rows: self.rows, bytes })
    }
}

/// A finished spill file; deleted when dropped.
#[derive(Debug)]
pub struct SpillFile {
    file: NamedTempFile,
    /// Keeps the query's directory until its last file is gone.
    _dir: Arc<TempDir>,
    rows: usize,
    bytes: u64,
}

impl SpillFile {
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Reads the batches back, in the order written; the file is deleted once the
    /// iterator is dropped.
    pub fn read(self) -> Result<BatchIter> {
        let handle = self.file.reopen().map_err(|e| spill_error(self.file.path(), e))?;
        let reader = StreamReader::try_new(BufReader::new(handle), None)?;
        Ok(Box::new(SpillReader { reader, _file: self }))
    }
}

struct SpillReader {
    reader: StreamReader<BufReader<File>>,
    _file: SpillFile,
}

impl Iterator for SpillReader {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.next().map(|r| r.map_err(Error::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    #[test]
    fn spills_round_trip_and_are_deleted() {
        let base = tempfile::tempdir().unwrap();
        let schema: SchemaRef =
            Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("s", DataType::Utf8, true)]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int64Array::from(vec![Some(1), None])), Arc::new(StringArray::from(vec![Some("x"), None]))],
        )
        .unwrap();
        let manager = SpillManager::new(Some(base.path().join("spill")));
        assert!(manager.dir().is_none());
        let file = manager.spill(&schema, vec![Ok(batch.clone()), Ok(batch.slice(0, 0)), Ok(batch.slice(1, 1))]).unwrap();
        assert_eq!((file.rows(), manager.metrics().files(), manager.metrics().rows()), (3, 1, 3));
        assert!(manager.metrics().bytes() > 0);
        let path = file.path().to_path_buf();
        let dir = manager.dir().unwrap();
        let back = file.read().unwrap().collect::<Result<Vec<_>>>().unwrap();
        assert_eq!(back, vec![batch.clone(), batch.slice(1, 1)]);
        assert!(!path.exists());
        drop(manager);
        assert!(!dir.exists());
    }
}
