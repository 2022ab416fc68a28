//! Ember's executor: cuts a physical plan into stages at its exchanges
//! ([`stages::StageGraph`]) and runs each stage as one task per partition on a rayon
//! pool ([`Scheduler`]). Exchange writers keep per-task buffers and merge them when the
//! stage finishes, so no task takes a lock on the hot path.
//!
//! # Brief overview
//! - [`Scheduler::collect`]: run a plan, return the batches of every output partition.
//! - [`stages::explain_with_stages`]: the physical plan with Spark-style stage ids.

pub mod scheduler;
pub mod stages;

pub use scheduler::Scheduler;
pub use stages::{explain_with_stages, StageGraph};
