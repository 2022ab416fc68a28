//! Structured Streaming, Spark's API in snake_case: `session.read_stream()` gives a
//! streaming `DataFrame`, `df.write_stream()…start()` runs it as micro-batches on
//! its own thread and returns a [`StreamingQuery`]. The building blocks (sources,
//! checkpoint logs, state store, stateful operators) are in `ember-streaming`; this
//! module holds the API, the sinks that need a `Session` and the micro-batch loop.

mod checks;
mod event_time;
mod group_state;
mod execution;
pub(crate) mod listener;
mod progress;
mod query;
mod reader;
mod sinks;
pub mod testing;
mod writer;

use ember_common::{Error, Result};

pub use ember_streaming::memory_source::MemoryStream;
pub use group_state::{GroupState, GroupStateTimeout};
pub use listener::{QueryIdleEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener};
pub use progress::{SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgress};
pub use query::{StreamingQuery, StreamingQueryManager};
pub use reader::DataStreamReader;
pub use writer::DataStreamWriter;

/// When micro-batches run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trigger {
    /// The next batch as soon as the previous one ends (and there is new data).
    #[default]
    Default,
    /// A batch every interval (`"1 second"`, `"500 milliseconds"`, `"2 minutes"`).
    ProcessingTime(String),
    /// One batch with everything available, then stop.
    Once,
    /// Everything available at start, in as many batches as the rate limits make, then stop.
    AvailableNow,
}

/// Which rows of the result each batch writes to the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputMode {
    /// Only new rows (queries without aggregation, or deduplication).
    #[default]
    Append,
    /// Rows that changed in this batch.
    Update,
    /// The whole result, every batch (aggregations only).
    Complete,
}

impl OutputMode {
    /// Parses Spark's names (`append`, `update`, `complete`, any case).
    pub fn parse(name: &str) -> Result<OutputMode> {
        match name.trim().to_ascii_lowercase().as_str() {
            "append" => Ok(OutputMode::Append),
            "update" => Ok(OutputMode::Update),
            "complete" => Ok(OutputMode::Complete),
            _ => Err(Error::spark("STREAMING_OUTPUT_MODE.INVALID", &[("outputMode", name)])),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            OutputMode::Append => "append",
            OutputMode::Update => "update",
            OutputMode::Complete => "complete",
        }
    }
}

/// What `output_mode` accepts: a name or an [`OutputMode`].
#[derive(Debug, Clone)]
pub struct OutputModeArg(pub(crate) String);

impl From<&str> for OutputModeArg {
    fn from(s: &str) -> Self {
        OutputModeArg(s.to_string())
    }
}

impl From<String> for OutputModeArg {
    fn from(s: String) -> Self {
        OutputModeArg(s)
    }
}

impl From<OutputMode> for OutputModeArg {
    fn from(m: OutputMode) -> Self {
        OutputModeArg(m.name().to_string())
    }
}

/// Milliseconds of a trigger interval such as `"1 second"` or `"interval 10 seconds"`.
pub(crate) fn interval_ms(text: &str) -> Result<u64> {
    let ms = ember_streaming::file_source::parse_duration_ms(text)?;
    if ms < 0 {
        return Err(Error::invalid_argument(format!("Trigger interval must be non-negative: '{text}'")));
    }
    Ok(ms as u64)
}
