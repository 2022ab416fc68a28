//! Structured Streaming's building blocks, below the engine: the checkpoint's logs
//! (`metadata`, `offsets/`, `commits/`), sources (file, rate, memory) that say how far
//! their data goes and hand out the rows between two offsets, the file sink's
//! `_spark_metadata` log, the versioned state store and the stateful aggregation
//! operator. The micro-batch loop that ties them to a `Session` lives in `ember`
//! (`ember::streaming`).

pub mod checkpoint;

pub mod file_source;
pub mod memory_source;
pub mod offset_log;
pub mod rate_source;
pub mod socket_source;
pub mod source;
pub mod state_store;
pub mod stateful_aggregate;
pub mod stateful_deduplicate;
pub mod stateful_map_groups;
pub mod stateful_specs;
pub mod stream_batch;
pub mod stream_stream_join;
pub mod streaming_relation;
pub mod watermark;

pub use checkpoint::{write_atomically, MetadataLog};
pub use offset_log::{CommitMetadata, OffsetSeq};
pub use source::{Offset, ReadLimit, Source};
pub use streaming_relation::StreamingTableSource;
