//! `MemoryStream`: a source fed from Rust between batches (tests and demos), as
//! Spark's `MemoryStream`. Its offset is the index of the last added batch.

use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_physical::operators::memory::MemTable;
use ember_plan::TableSource;
use serde_json::json;

use crate::source::{Offset, ReadLimit, Source};

/// Rows added from Rust; clones share the data.
#[derive(Debug, Clone)]
pub struct MemoryStream {
    schema: SchemaRef,
    batches: Arc<Mutex<Vec<RecordBatch>>>,
}

impl MemoryStream {
    pub fn new(schema: SchemaRef) -> Self {
        MemoryStream { schema, batches: Arc::new(Mutex::new(Vec::new())) }
    }

    /// Adds rows (one future micro-batch's worth, or part of one); returns the new
    /// offset.
    pub fn add_batch(&self, batch: RecordBatch) -> Result<i64> {
        // Same column types, possibly other names: the stream's names win.
        let fixed = RecordBatch::try_new(self.schema.clone(), batch.columns().to_vec()).map_err(|_| {
            Error::invalid_argument(format!(
                "MemoryStream rows have schema {:?}, expected {:?}",
                batch.schema().fields(),
                self.schema.fields()
            ))
        })?;
        self.push(fixed)
    }

    fn push(&self, batch: RecordBatch) -> Result<i64> {
        let mut b = self.batches.lock().map_err(|_| Error::internal("memory stream lock poisoned"))?;
        b.push(batch);
        Ok(b.len() as i64 - 1)
    }
}

impl Source for MemoryStream {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        "MemoryStream".to_string()
    }

    fn latest_offset(&self, start: Option<&Offset>, _limit: ReadLimit) -> Result<Option<Offset>> {
        let n = self.batches.lock().map_err(|_| Error::internal("memory stream lock poisoned"))?.len() as i64;
        let start = start.and_then(|o| o.as_i64()).unwrap_or(-1);
        Ok((n - 1 > start).then(|| Offset(json!(n - 1))))
    }

    fn get_batch(&self, start: Option<&Offset>, end: &Offset) -> Result<Arc<dyn TableSource>> {
        let from = (start.and_then(|o| o.as_i64()).unwrap_or(-1) + 1).max(0) as usize;
        let to = end.as_i64().ok_or_else(|| Error::internal(format!("memory stream offset {}", end.json())))? as usize;
        let b = self.batches.lock().map_err(|_| Error::internal("memory stream lock poisoned"))?;
        let parts = b.get(from..=to.min(b.len().saturating_sub(1))).unwrap_or(&[]).iter().map(|b| vec![b.clone()]).collect::<Vec<_>>();
        let parts = if parts.is_empty() { vec![vec![]] } else { parts };
        Ok(Arc::new(MemTable::try_new(self.schema.clone(), parts)?))
    }
}
