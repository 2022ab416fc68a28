//! Ember's physical layer: physical expressions, the `…Exec` operators, the physical
//! planner (logical → physical) and `EnsureRequirements` (exchange insertion).
//!
//! # Brief overview
//! - [`ExecutionPlan`]: the operator trait; `execute(partition, ctx)` returns a
//!   [`BatchIter`] of Arrow record batches.
//! - [`expressions::PhysicalExpr`]: expressions bound to column indices, built from
//!   logical `Expr`s by [`expressions::create_physical_expr`].
//! - [`operators`]: one operator per file (`FilterExec`, `HashAggregateExec`, …).
//! - [`planner::PhysicalPlanner`]: logical plan → physical plan; file scans come from
//!   [`ScanPlanner`]s registered by the session.
//! - [`ensure_requirements`]: inserts `ExchangeExec` where a child's partitioning does
//!   not meet its parent's required distribution.
//! - [`MemoryPool`] / [`MemoryReservation`]: the session's memory budget; operators
//!   reserve before they buffer. [`SpillManager`]: the query's spill files.

pub mod cancel;
pub mod ensure_requirements;
pub mod execution_plan;
pub mod expressions;
pub mod memory_pool;
pub mod operators;
pub mod planner;
pub mod scan_planner;
pub mod spill;

pub use cancel::{CancelToken, QueryRegistry};
pub use memory_pool::{MemoryPool, MemoryReservation};
pub use spill::{SpillManager, SpillMetrics};
pub use execution_plan::{collect_partitions_serial, display_plan, BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
pub use scan_planner::ScanPlanner;
