//! `Source`: a streaming input. It says how far its data goes (an `Offset`, kept as
//! JSON in the offset log) and hands out the rows between two offsets as a table the
//! ordinary planner scans.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result};
use ember_plan::TableSource;
use serde_json::Value;

/// A position in a source, as the JSON text Spark writes in `offsets/N`
/// (`{"logOffset":3}` for files, a number for memory and rate sources).
#[derive(Debug, Clone, PartialEq)]
pub struct Offset(pub Value);

impl Offset {
    pub fn parse(text: &str) -> Result<Offset> {
        serde_json::from_str(text.trim()).map(Offset).map_err(|e| Error::invalid_argument(format!("bad offset `{text}`: {e}")))
    }

    pub fn json(&self) -> String {
        self.0.to_string()
    }

    /// The offset as a number (memory and rate sources), or the `logOffset` of a file
    /// source.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.as_i64().or_else(|| self.0.get("logOffset").and_then(|v| v.as_i64()))
    }
}

/// How much a source may hand out in one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadLimit {
    /// Everything available (the `Once` trigger).
    All,
    /// The source's own limits (`maxFilesPerTrigger`, `rowsPerBatch`, …).
    Default,
}

/// A streaming input.
pub trait Source: Send + Sync + std::fmt::Debug {
    /// The rows' schema (fixed for the query's lifetime).
    fn schema(&self) -> SchemaRef;

    /// A short description for progress reports, e.g. `FileStreamSource[file:/in]`.
    fn describe(&self) -> String;

    /// The offset a batch starting after `start` should end at, or `None` when the
    /// source has nothing past `start`.
    fn latest_offset(&self, start: Option<&Offset>, limit: ReadLimit) -> Result<Option<Offset>>;

    /// The rows after `start` up to and including `end`, as a table to scan. Called
    /// again with the same offsets when a batch is re-run after a restart: it must
    /// return the same rows.
    fn get_batch(&self, start: Option<&Offset>, end: &Offset) -> Result<Arc<dyn TableSource>>;

    /// Everything up to `end` is processed and will never be asked for again.
    fn commit(&self, _end: &Offset) -> Result<()> {
        Ok(())
    }

    /// Called once when an `AvailableNow` query starts: later batches stop at what is
    /// available now.
    fn prepare_for_available_now(&self) -> Result<()> {
        Ok(())
    }

    /// Releases what the source holds when its query stops.
    fn stop(&self) {}
}
