//! One micro-batch's rows of a streaming source, as the batch's plan reads them: a
//! `StreamBatchTable` leaf in the logical plan, scanned by a `StreamBatchExec`. Both
//! only mark their data as streaming, so the stateful planning can tell the operators
//! over a stream (which keep state between batches) from those over static tables.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result, TreeNode};
use ember_physical::operators::memory::{MemTable, MemoryExec};
use ember_physical::scan_planner::ScanPlanner;
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::{LogicalPlan, TableScan, TableSource};

/// The rows of one source for one micro-batch.
#[derive(Debug)]
pub struct StreamBatchTable {
    pub rows: Arc<MemTable>,
    pub description: String,
}

impl TableSource for StreamBatchTable {
    fn schema(&self) -> SchemaRef {
        self.rows.schema()
    }

    fn describe(&self) -> String {
        self.description.clone()
    }

    fn estimated_size_bytes(&self) -> Option<u64> {
        self.rows.estimated_size_bytes()
    }

    fn estimated_rows(&self) -> Option<u64> {
        self.rows.estimated_rows()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Does the logical `plan` read a micro-batch of a stream?
pub fn reads_stream_batch(plan: &LogicalPlan) -> bool {
    plan.exists(|p| matches!(p, LogicalPlan::TableScan(s) if s.source.as_any().is::<StreamBatchTable>()))
}

/// Does the physical `plan` read a micro-batch of a stream?
pub fn executes_stream_batch(plan: &Arc<dyn ExecutionPlan>) -> bool {
    plan.as_any().is::<StreamBatchExec>() || plan.children().into_iter().any(executes_stream_batch)
}

/// Scans a [`StreamBatchTable`] (passes the in-memory rows on).
#[derive(Debug)]
pub struct StreamBatchExec {
    input: Arc<dyn ExecutionPlan>,
}

impl ExecutionPlan for StreamBatchExec {
    fn name(&self) -> &'static str {
        "StreamBatchExec"
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("StreamBatchExec takes one child"))?;
        Ok(Arc::new(StreamBatchExec { input }))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        ctx.execute(&self.input, partition)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Plans scans of [`StreamBatchTable`]s.
#[derive(Debug, Default)]
pub struct StreamBatchScanPlanner;

impl ScanPlanner for StreamBatchScanPlanner {
    fn plan_scan(&self, scan: &TableScan, _target_partitions: usize, _ctx: &TaskContext) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let Some(table) = scan.source.as_any().downcast_ref::<StreamBatchTable>() else {
            return Ok(None);
        };
        let mem = MemoryExec::try_new(table.rows.partitions().to_vec(), table.rows.schema(), scan.projection.clone())?;
        Ok(Some(Arc::new(StreamBatchExec { input: Arc::new(mem) })))
    }
}
