//! Ember's physical layer: physical expressions, the `…Exec` operators, the physical
//! planner (logical → physical) and `EnsureRequirements` (exchange insertion).
//!
//! # Brief overview
//! - [`ExecutionPlan`]: the operator trait; `execute(partition, ctx)` returns a
//!   [`BatchIter`] of Arrow record batches.
//! - [`expressions::PhysicalExpr`]: expressions bound to column indices.

pub mod execution_plan;
pub mod expressions;

pub use execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
