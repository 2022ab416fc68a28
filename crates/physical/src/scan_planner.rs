//! `ScanPlanner`: turns a logical `TableScan` into a scan operator. File sources
//! (`ember-datasource`) and in-memory tables register one with the physical planner.

use std::fmt::Debug;
use std::sync::Arc;

use ember_common::Result;
use ember_plan::TableScan;

use crate::execution_plan::{ExecutionPlan, TaskContext};

/// Plans scans of the sources it knows (found by downcasting `scan.source.as_any()`).
pub trait ScanPlanner: Send + Sync + Debug {
    /// A scan operator whose output schema is exactly `scan.schema` (the projected
    /// columns, in order), or `None` if this planner does not handle the source.
    /// `scan.filters` may be used to skip data; rows failing them may still be returned
    /// unless the source reported `FilterPushdown::Exact` for them.
    /// `target_partitions` is how many partitions the scan should aim for.
    fn plan_scan(&self, scan: &TableScan, target_partitions: usize, ctx: &TaskContext) -> Result<Option<Arc<dyn ExecutionPlan>>>;
}
