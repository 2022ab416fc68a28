//! `df.execute_stream()`: the result as an iterator of Arrow batches. Shuffle stages
//! run first (on the pool); then the result stage's partitions are pulled one after
//! the other on the caller's thread, so only one partition's pipeline is live at a time
//! and nothing is collected up front.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_physical::{BatchIter, ExecutionPlan, TaskContext};

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
}

impl Iterator for RecordBatchStream {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            if let Some(it) = self.current.as_mut() {
                match it.next() {
                    Some(Ok(b)) if b.num_rows() == 0 => continue,
                    Some(Ok(b)) => return Some(Ok(b)),
                    Some(Err(e)) => {
                        self.failed = true;
                        return Some(Err(e));
                    }
                    None => self.current = None,
                }
            }
            if self.next_partition >= self.partitions {
                return None;
            }
            let p = self.next_partition;
            self.next_partition += 1;
            match self.root.execute(p, &self.ctx) {
                Ok(it) => self.current = Some(it),
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl DataFrame {
    /// Runs the query and returns its rows as a stream of batches, one partition
    /// after the other, without collecting them first.
    pub fn execute_stream(&self) -> Result<RecordBatchStream> {
        let qe = self.query_execution()?;
        let ctx = TaskContext::new(qe.config.clone());
        let root = self
            .session()
            .scheduler()
            .run_shuffle_stages(&qe.physical, &ctx)?;
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
