//! The state store: what stateful operators keep between micro-batches, one store per
//! (operator, shuffle partition), versioned by batch (version `N + 1` is the state
//! after batch `N`). Each version is kept in memory for the next batch and written to
//! `<checkpoint>/state/<operator>/<partition>/<version>.arrow` (Arrow IPC, atomically)
//! before the batch commits, so a restarted query loads exactly the state its last
//! committed batch left. Old versions are deleted past `minBatchesToRetain`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};

use crate::checkpoint::{corrupt, io_error, write_atomically};

/// Every operator's state of one query.
#[derive(Debug)]
pub struct StateStore {
    dir: PathBuf,
    retain: u64,
    cache: Mutex<HashMap<(usize, usize), (u64, Arc<Vec<RecordBatch>>)>>,
}

impl StateStore {
    /// The store under `<checkpoint>/state`, keeping `retain` versions on disk.
    pub fn new(dir: PathBuf, retain: u64) -> Self {
        StateStore { dir, retain: retain.max(2), cache: Mutex::new(HashMap::new()) }
    }

    fn file(&self, op: usize, partition: usize, version: u64) -> PathBuf {
        self.dir.join(op.to_string()).join(partition.to_string()).join(format!("{version}.arrow"))
    }

    /// The rows of `version` (empty for version 0, before the first batch).
    pub fn load(&self, op: usize, partition: usize, version: u64, schema: &SchemaRef) -> Result<Arc<Vec<RecordBatch>>> {
        if version == 0 {
            return Ok(Arc::new(vec![]));
        }
        if let Some((v, rows)) = self.cache.lock().map_err(|_| Error::internal("state cache poisoned"))?.get(&(op, partition)) {
            if *v == version {
                return Ok(rows.clone());
            }
        }
        let path = self.file(op, partition, version);
        let file = std::fs::File::open(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::spark(
                    "CANNOT_LOAD_STATE_STORE.CANNOT_READ_MISSING_SNAPSHOT_FILE",
                    &[("fileToRead", &path.display().to_string()), ("clazz", &format!("state store (operator {op}, partition {partition})"))],
                )
            } else {
                io_error("read", &path, e)
            }
        })?;
        let reader = FileReader::try_new(file, None).map_err(|e| corrupt(&path, e))?;
        let stored = reader.schema();
        if stored.fields().len() != schema.fields().len()
            || stored.fields().iter().zip(schema.fields()).any(|(a, b)| a.data_type() != b.data_type())
        {
            return Err(Error::spark(
                "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE",
                &[("storedKeySchema", &format!("{stored:?}")), ("newKeySchema", &format!("{schema:?}"))],
            ));
        }
        let rows = reader
            .map(|b| b.map_err(|e| corrupt(&path, e)).and_then(|b| Ok(b.with_schema(schema.clone())?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(rows))
    }

    /// Stores `rows` as `version` (on disk, then in memory) and deletes versions older
    /// than the retained ones.
    pub fn commit(&self, op: usize, partition: usize, version: u64, schema: &SchemaRef, rows: Vec<RecordBatch>) -> Result<()> {
        let path = self.file(op, partition, version);
        let mut buf = Vec::new();
        {
            let mut w = FileWriter::try_new(&mut buf, schema)?;
            for b in &rows {
                w.write(b)?;
            }
            w.finish()?;
        }
        write_atomically(&path, &buf)?;
        self.cache.lock().map_err(|_| Error::internal("state cache poisoned"))?.insert((op, partition), (version, Arc::new(rows)));
        if version > self.retain {
            let dir = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for e in entries.filter_map(|e| e.ok()) {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if let Some(v) = name.strip_suffix(".arrow").and_then(|v| v.parse::<u64>().ok()) {
                        if v + self.retain <= version {
                            let _ = std::fs::remove_file(e.path());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Forgets what is cached in memory (a restarted query reads from disk).
    pub fn clear_cache(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    #[test]
    fn versions_round_trip_and_old_ones_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let schema: SchemaRef = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true)]));
        let store = StateStore::new(dir.path().join("state"), 2);
        assert!(store.load(0, 1, 0, &schema).unwrap().is_empty());
        for v in 1..=4 {
            let b = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![v as i64]))]).unwrap();
            store.commit(0, 1, v, &schema, vec![b]).unwrap();
        }
        let fresh = StateStore::new(dir.path().join("state"), 2);
        let rows = fresh.load(0, 1, 4, &schema).unwrap();
        assert_eq!(rows[0].column(0).as_any().downcast_ref::<Int64Array>().unwrap().value(0), 4);
        assert!(fresh.load(0, 1, 3, &schema).is_ok());
        assert_eq!(fresh.load(0, 1, 1, &schema).unwrap_err().class(), "CANNOT_LOAD_STATE_STORE.CANNOT_READ_MISSING_SNAPSHOT_FILE");
        let other: SchemaRef = Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true)]));
        assert_eq!(fresh.load(0, 1, 4, &other).unwrap_err().class(), "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE");
    }
}
