//! The scheduler: runs stages in dependency order; each stage is one task per
//! partition on a rayon pool. A stage that ends in an exchange partitions its output
//! into per-task buffers, merged once all tasks are done.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use ember_common::{catch_panic, Error, Result};
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

    /// Runs every shuffle stage of `plan` and returns the root of its result stage, whose
    /// partitions can then be executed one by one (for streaming results or writing files).
    pub fn run_shuffle_stages(&self, plan: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Result<Arc<dyn ExecutionPlan>> {
        let graph = StageGraph::build(plan);
        for stage in &graph.stages {
            match &stage.output {
                Some(exchange) => self.run_shuffle_stage(exchange, ctx)?,
                None => return Ok(stage.root.clone()),
            }
        }
        Err(Error::internal("stage graph without a result stage"))
    }

    /// Runs `plan` with `task` consuming each result partition's batches (one task per
    /// partition on the pool), e.g. a file writer; returns each task's output in order.
    pub fn run_tasks<T, F>(&self, plan: &Arc<dyn ExecutionPlan>, ctx: &TaskContext, task: F) -> Result<Vec<T>>
    where
        T: Send,
        F: Fn(usize, ember_physical::BatchIter) -> Result<T> + Sync + Send,
    {
        let root = self.run_shuffle_stages(plan, ctx)?;
        let n = root.output_partitioning().partition_count();
        self.run_partitions(n, ctx, |p, _| task(p, ctx.execute(&root, p)?))
    }

    /// Runs `task(p, stop)` for every partition `p` in `0..n` on the pool and returns
    /// their results in partition order. When tasks fail, the error of the lowest
    /// partition is returned, so which error a query reports does not depend on thread
    /// timing: a partition's rows come before the next one's in the input. `stop()`
    /// tells a task that a lower partition has failed already, so its own result cannot
    /// matter any more. A task does not start once the query is cancelled, and a panic
    /// inside a task fails the query with `INTERNAL_ERROR`.
    fn run_partitions<T, F>(&self, n: usize, ctx: &TaskContext, task: F) -> Result<Vec<T>>
    where
        T: Send,
        F: Fn(usize, &dyn Fn() -> bool) -> Result<T> + Sync + Send,
    {
        let first_failed = AtomicUsize::new(usize::MAX);
        let results: Vec<Option<Result<T>>> = self.pool.install(|| {
            (0..n)
                .into_par_iter()
                .map(|p| {
                    let stop = || first_failed.load(Ordering::Relaxed) < p;
                    if stop() {
                        return None;
                    }
                    let r = ctx.check_cancelled().and_then(|()| catch_panic(|| task(p, &stop)));
                    if r.is_err() {
                        first_failed.fetch_min(p, Ordering::Relaxed);
                    }
                    Some(r)
                })
                .collect()
        });
        let mut out = Vec::with_capacity(n);
        for r in results {
            match r {
                Some(Ok(v)) => out.push(v),
                Some(Err(e)) => return Err(e),
                // Skipped because a lower partition failed: that error comes first.
                None => {}
            }
        }
        if out.len() != n {
            return Err(Error::internal("a task was skipped but no task failed"));
        }
        Ok(out)
    }

    /// Runs all partitions of `root` and returns their batches, partition by partition.
    fn run_result_stage(&self, root: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Result<Vec<Vec<RecordBatch>>> {
        let n = root.output_partitioning().partition_count();
        self.run_partitions(n, ctx, |p, stop| {
            let mut batches = Vec::new();
            for b in ctx.execute(root, p)? {
                batches.push(b?);
                if stop() {
                    break;
                }
            }
            Ok(batches)
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
        let per_task: Vec<Vec<Vec<RecordBatch>>> = self.run_partitions(n_in, ctx, |p, stop| {
            let mut buffers: Vec<Vec<RecordBatch>> = vec![Vec::new(); n_out];
            // Round-robin tasks start at different partitions to spread rows evenly.
            let mut rr = p;
            for batch in ctx.execute(&input, p)? {
                let batch = batch?;
                if stop() {
                    break;
                }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, Int64Array};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;
    use ember_physical::expressions::ColumnExpr;
    use ember_physical::operators::exchange::ExchangeExec;
    use ember_physical::operators::memory::MemoryExec;
    use ember_physical::{ExecutionPlan, Partitioning, TaskContext};

    use super::Scheduler;
    use crate::stages::{explain_with_stages, StageGraph};

    fn batch(values: &[Option<i64>]) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(values.to_vec()))]).unwrap()
    }

    /// Three input partitions (one empty, one with NULLs, several batches).
    fn source() -> Arc<dyn ExecutionPlan> {
        let parts = vec![
            vec![batch(&[Some(1), Some(2)]), batch(&[Some(3)])],
            vec![],
            vec![batch(&[None, Some(2), Some(5), Some(1)])],
        ];
        let schema = parts[0][0].schema();
        Arc::new(MemoryExec::try_new(parts, schema, None).unwrap())
    }

    fn values(parts: &[Vec<RecordBatch>]) -> Vec<Vec<Option<i64>>> {
        parts
            .iter()
            .map(|p| {
                let mut v: Vec<Option<i64>> = p
                    .iter()
                    .flat_map(|b| {
                        let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().clone();
                        (0..a.len()).map(move |i| if a.is_null(i) { None } else { Some(a.value(i)) }).collect::<Vec<_>>()
                    })
                    .collect();
                v.sort();
                v
            })
            .collect()
    }

    /// Whatever the timing, the reported error is the lowest failing partition's.
    #[test]
    fn the_lowest_partitions_error_wins() {
        let sched = Scheduler::new(4).unwrap();
        for round in 0..30u64 {
            let r = sched.run_partitions(9, &TaskContext::default(), |p, _stop| {
                // Later partitions fail sooner, so the lowest failure is usually last.
                std::thread::sleep(std::time::Duration::from_micros((9 - p as u64) * 200 + round % 3));
                if p % 3 == 2 {
                    return Err(ember_common::Error::internal(format!("partition {p}")));
                }
                Ok(p)
            });
            assert!(r.unwrap_err().to_string().contains("partition 2"));
        }
        let ok = sched.run_partitions(5, &TaskContext::default(), |p, _| Ok(p * 10)).unwrap();
        assert_eq!(ok, vec![0, 10, 20, 30, 40]);
    }

    #[test]
    fn hash_exchange_puts_equal_keys_together() {
        let key = Arc::new(ColumnExpr::new("k", 0));
        let ex: Arc<dyn ExecutionPlan> = Arc::new(ExchangeExec::new(source(), Partitioning::Hash(vec![key], 4)));
        let out = Scheduler::new(2).unwrap().collect(&ex, &TaskContext::default()).unwrap();
        assert_eq!(out.len(), 4);
        let parts = values(&out);
        let mut all: Vec<Option<i64>> = parts.iter().flatten().cloned().collect();
        all.sort();
        assert_eq!(all, vec![None, Some(1), Some(1), Some(2), Some(2), Some(3), Some(5)]);
        for k in [Some(1), Some(2)] {
            assert_eq!(parts.iter().filter(|p| p.contains(&k)).count(), 1, "key {k:?} split over partitions");
        }
    }

    #[test]
    fn single_and_round_robin_exchanges() {
        let single: Arc<dyn ExecutionPlan> = Arc::new(ExchangeExec::new(source(), Partitioning::Single));
        let out = Scheduler::new(1).unwrap().collect(&single, &TaskContext::default()).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(values(&out)[0].len(), 7);
        let rr: Arc<dyn ExecutionPlan> = Arc::new(ExchangeExec::new(source(), Partitioning::RoundRobin(3)));
        let out = Scheduler::new(2).unwrap().collect(&rr, &TaskContext::default()).unwrap();
        assert_eq!(out.len(), 3);
        assert_eq!(values(&out).iter().map(|p| p.len()).sum::<usize>(), 7);
    }

    #[test]
    fn empty_input_and_stage_graph() {
        let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true)]));
        let empty: Arc<dyn ExecutionPlan> = Arc::new(MemoryExec::try_new(vec![vec![]], schema, None).unwrap());
        let inner: Arc<dyn ExecutionPlan> = Arc::new(ExchangeExec::new(empty, Partitioning::RoundRobin(2)));
        let outer: Arc<dyn ExecutionPlan> = Arc::new(ExchangeExec::new(inner, Partitioning::Single));
        let graph = StageGraph::build(&outer);
        assert_eq!(graph.stages.len(), 3);
        assert_eq!(graph.stages[1].inputs, vec![1]);
        assert_eq!(graph.stages[2].inputs, vec![2]);
        let out = Scheduler::new(2).unwrap().collect(&outer, &TaskContext::default()).unwrap();
        assert_eq!(values(&out), vec![Vec::<Option<i64>>::new()]);
        let text = explain_with_stages(&outer);
        assert!(text.contains("[stage 2 → stage 3]") && text.contains("[stage 1 → stage 2]"), "{text}");
    }
}
