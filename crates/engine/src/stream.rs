//! `df.execute_stream()`: the result as an iterator of Arrow batches. Shuffle stages
//! run first (on the pool); then the result stage's partitions are pulled one after
//! the other on the caller's thread, so only one partition's pipeline is live at a time
//! and nothing is collected up front. The stream's cancel token stops it from another
//! thread; a panic while pulling a batch becomes an `INTERNAL_ERROR` item.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{catch_panic, Result};
use ember_physical::{BatchIter, CancelToken, ExecutionPlan, TaskContext};

use crate::dataframe::DataFrame;

/// Batches of a running query, partition by partition (empty batches skipped).
pub struct RecordBatchStream {
    root: Arc<dyn ExecutionPlan>,
    ctx: TaskContext,
    next_partition: usize,
    partitions: usize,
    current: Option<BatchIter>,
    schema: SchemaRef,
    failed: bool,
}

impl std::fmt::Debug for RecordBatchStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordBatchStream")
            .field("partition", &self.next_partition)
            .field("partitions", &self.partitions)
            .finish()
    }
}

impl RecordBatchStream {
    /// The schema of every batch.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// The query's cancel handle: `token.cancel()` from any thread makes the next
    /// batch an `OPERATION_CANCELED` error and ends the stream.
    pub fn cancel_token(&self) -> CancelToken {
        self.ctx.cancel.clone()
    }

    fn next_batch(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some(it) = self.current.as_mut() {
                match it.next() {
                    Some(Ok(b)) if b.num_rows() == 0 => continue,
                    Some(r) => return Some(r),
                    None => self.current = None,
                }
            }
            if self.next_partition >= self.partitions {
                return None;
            }
            let p = self.next_partition;
            self.next_partition += 1;
            match self.ctx.execute(&self.root, p) {
                Ok(it) => self.current = Some(it),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Iterator for RecordBatchStream {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = catch_panic(|| Ok(self.next_batch())).unwrap_or_else(|e| Some(Err(e)));
        if let Some(Err(_)) = next {
            // Stop for good and release the pipeline.
            self.failed = true;
            self.current = None;
        }
        next
    }
}

impl DataFrame {
    /// Runs the query and returns its rows as a stream of batches, one partition
    /// after the other, without collecting them first.
    pub fn execute_stream(&self) -> Result<RecordBatchStream> {
        let session = self.session().for_query();
        let (root, ctx) = catch_panic(|| {
            let qe = self.query_execution(&session)?;
            let ctx = session.task_context(qe.config.clone());
            Ok((session.scheduler().run_shuffle_stages(&qe.physical, &ctx)?, ctx))
        })?;
        let partitions = root.output_partitioning().partition_count();
        Ok(RecordBatchStream {
            schema: self.schema(),
            root,
            ctx,
            next_partition: 0,
            partitions,
            current: None,
            failed: false,
        })
    }
}
