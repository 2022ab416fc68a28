//! The scheduler: runs stages in dependency order; each stage is one task per
//! partition on a rayon pool. A stage that ends in an exchange partitions its output
//! into per-task buffers, merged once all tasks are done.

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_physical::operators::exchange::ExchangeExec;
use ember_physical::{ExecutionPlan, TaskContext};
use rayon::prelude::*;

use crate::stages::StageGraph;

/// Runs physical plans on a thread pool of a fixed size.
#[derive(Debug, Clone)]
pub struct Scheduler {
    pool: Arc<rayon::ThreadPool>,
}

impl Scheduler {
    /// A scheduler with `threads` worker threads.
    pub fn new(threads: usize) -> Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("ember-worker-{i}"))
            .build()
            .map_err(|e| Error::internal(format!("cannot start thread pool: {e}")))?;
        Ok(Scheduler { pool: Arc::new(pool) })
    }

    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs every stage of `plan` and returns the batches of each output partition.
    pub fn collect(&self, plan: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Result<Vec<Vec<RecordBatch>>> {
        let graph = StageGraph::build(plan);
        for stage in &graph.stages {
            match &stage.output {
                Some(exchange) => self.run_shuffle_stage(exchange, ctx)?,
                None => return self.run_result_stage(&stage.root, ctx),
            }
        }
        Err(Error::internal("stage graph without a result stage"))
    }

    /// Runs all partitions of `root` and returns their batches, partition by partition.
    fn run_result_stage(&self, root: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Result<Vec<Vec<RecordBatch>>> {
        let n = root.output_partitioning().partition_count();
        self.pool.install(|| {
            (0..n)
                .into_par_iter()
                .map(|p| root.execute(p, ctx)?.collect::<Result<Vec<_>>>())
                .collect::<Result<Vec<_>>>()
        })
    }

    /// Runs the input of `exchange` as tasks that partition their output into local
    /// buffers, then hands the merged buffers to the exchange.
    fn run_shuffle_stage(&self, exchange: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Result<()> {
        let ex = exchange
            .as_any()
            .downcast_ref::<ExchangeExec>()
            .ok_or_else(|| Error::internal("stage output is not an exchange"))?;
        if ex.is_materialized() {
            return Ok(());
        }
        let input = ex.input().clone();
        let n_in = input.output_partitioning().partition_count();
        let n_out = ex.partitioning().partition_count().max(1);
        let per_task: Vec<Vec<Vec<RecordBatch>>> = self.pool.install(|| {
            (0..n_in)
                .into_par_iter()
                .map(|p| {
                    let mut buffers: Vec<Vec<RecordBatch>> = vec![Vec::new(); n_out];
                    // Round-robin tasks start at different partitions to spread rows evenly.
                    let mut rr = p;
                    for batch in input.execute(p, ctx)? {
                        let batch = batch?;
                        if batch.num_rows() == 0 {
                            continue;
                        }
                        for (out, piece) in ex.partition_batch(&batch, ctx, &mut rr)? {
                            if out >= n_out {
                                return Err(Error::internal(format!("exchange produced partition {out} of {n_out}")));
                            }
                            buffers[out].push(piece);
                        }
                    }
                    Ok(buffers)
                })
                .collect::<Result<Vec<_>>>()
        })?;
        let mut merged: Vec<Vec<RecordBatch>> = vec![Vec::new(); n_out];
        for task in per_task {
            for (i, mut batches) in task.into_iter().enumerate() {
                merged[i].append(&mut batches);
            }
        }
        ex.set_output(merged)
    }
}
