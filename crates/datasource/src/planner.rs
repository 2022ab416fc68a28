//! `FileScanPlanner`: the `ScanPlanner` the session registers for file tables.

use std::sync::Arc;

use ember_common::Result;
use ember_physical::{ExecutionPlan, ScanPlanner, TaskContext};
use ember_plan::TableScan;

use crate::table::FileTable;

/// Plans scans of [`FileTable`] sources; other sources are left to other planners.
#[derive(Debug, Default)]
pub struct FileScanPlanner;

impl ScanPlanner for FileScanPlanner {
    fn plan_scan(&self, scan: &TableScan, target_partitions: usize, ctx: &TaskContext) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let Some(table) = scan.source.as_any().downcast_ref::<FileTable>() else { return Ok(None) };
        let plan = table.create_scan(
            scan.projection.as_deref(),
            scan.schema.arrow_schema().clone(),
            &scan.filters,
            scan.fetch,
            target_partitions,
            ctx.config.max_partition_bytes(),
        )?;
        Ok(Some(plan))
    }
}
