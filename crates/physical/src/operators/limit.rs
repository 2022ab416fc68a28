//! `LocalLimitExec` (first `fetch` rows of each partition) and `GlobalLimitExec`
//! (skip then fetch over a single partition).

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};

/// Skips `skip` rows then yields at most `fetch` rows of `input`.
fn limit_iter(input: BatchIter, skip: usize, fetch: Option<usize>) -> BatchIter {
    let mut to_skip = skip;
    let mut left = fetch.unwrap_or(usize::MAX);
    Box::new(
        input
            .map_while(move |b| {
                if left == 0 {
                    return None;
                }
                Some(b.map(|b| {
                    let start = to_skip.min(b.num_rows());
                    to_skip -= start;
                    let len = (b.num_rows() - start).min(left);
                    left -= len;
                    b.slice(start, len)
                }))
            })
            .filter(|b| !matches!(b, Ok(b) if b.num_rows() == 0)),
    )
}

#[derive(Debug)]
pub struct LocalLimitExec {
    input: Arc<dyn ExecutionPlan>,
    fetch: usize,
}

impl LocalLimitExec {
    pub fn new(input: Arc<dyn ExecutionPlan>, fetch: usize) -> Self {
        LocalLimitExec { input, fetch }
    }
    pub fn fetch(&self) -> usize {
        self.fetch
    }
}

impl ExecutionPlan for LocalLimitExec {
    fn name(&self) -> &'static str {
        "LocalLimitExec"
    }

    fn details(&self) -> String {
        self.fetch.to_string()
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(Error::internal("LocalLimitExec takes one child"));
        }
        Ok(Arc::new(LocalLimitExec::new(children.remove(0), self.fetch)))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if self.fetch == 0 {
            return Ok(Box::new(std::iter::empty()));
        }
        Ok(limit_iter(ctx.execute(&self.input, partition)?, 0, Some(self.fetch)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Debug)]
pub struct GlobalLimitExec {
    input: Arc<dyn ExecutionPlan>,
    skip: usize,
    fetch: Option<usize>,
}

impl GlobalLimitExec {
    pub fn new(input: Arc<dyn ExecutionPlan>, skip: usize, fetch: Option<usize>) -> Self {
        GlobalLimitExec { input, skip, fetch }
    }
    pub fn skip(&self) -> usize {
        self.skip
    }
    pub fn fetch(&self) -> Option<usize> {
        self.fetch
    }
}

impl ExecutionPlan for GlobalLimitExec {
    fn name(&self) -> &'static str {
        "GlobalLimitExec"
    }

    fn details(&self) -> String {
        match (self.skip, self.fetch) {
            (0, Some(n)) => n.to_string(),
            (s, Some(n)) => format!("{n}, offset={s}"),
            (s, None) => format!("offset={s}"),
        }
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(Error::internal("GlobalLimitExec takes one child"));
        }
        Ok(Arc::new(GlobalLimitExec::new(children.remove(0), self.skip, self.fetch)))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Single
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![Distribution::SinglePartition]
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if partition != 0 {
            return Err(Error::internal(format!("GlobalLimitExec has no partition {partition}")));
        }
        if self.fetch == Some(0) {
            return Ok(Box::new(std::iter::empty()));
        }
        Ok(limit_iter(ctx.execute(&self.input, 0)?, self.skip, self.fetch))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use crate::operators::memory::MemoryExec;
    use arrow::array::{ArrayRef, AsArray, Int32Array};
    use arrow::datatypes::Int32Type;
    use arrow::record_batch::RecordBatch;

    fn batch(v: Vec<Option<i32>>) -> RecordBatch {
        RecordBatch::try_from_iter(vec![("a", Arc::new(Int32Array::from(v)) as ArrayRef)]).unwrap()
    }

    fn values(p: Arc<dyn ExecutionPlan>) -> Vec<Option<i32>> {
        let out = collect_partitions_serial(&p, &TaskContext::default()).unwrap();
        out.iter().flat_map(|b| b.column(0).as_primitive::<Int32Type>().iter().collect::<Vec<_>>()).collect()
    }

    fn mem(parts: Vec<Vec<RecordBatch>>) -> Arc<dyn ExecutionPlan> {
        Arc::new(MemoryExec::try_new(parts, batch(vec![]).schema(), None).unwrap())
    }

    #[test]
    fn local_limit_per_partition() {
        let parts = vec![vec![batch(vec![Some(1), None]), batch(vec![Some(3)])], vec![], vec![batch(vec![Some(4), Some(5), Some(6)])]];
        assert_eq!(values(Arc::new(LocalLimitExec::new(mem(parts.clone()), 2))), vec![Some(1), None, Some(4), Some(5)]);
        assert_eq!(values(Arc::new(LocalLimitExec::new(mem(parts), 0))), vec![]);
    }

    #[test]
    fn global_limit_skips_across_batches() {
        let one = vec![vec![batch(vec![Some(1), Some(2)]), batch(vec![]), batch(vec![Some(3), Some(4), Some(5)])]];
        assert_eq!(values(Arc::new(GlobalLimitExec::new(mem(one.clone()), 1, Some(3)))), vec![Some(2), Some(3), Some(4)]);
        assert_eq!(values(Arc::new(GlobalLimitExec::new(mem(one.clone()), 4, None))), vec![Some(5)]);
        assert_eq!(values(Arc::new(GlobalLimitExec::new(mem(one.clone()), 9, Some(1)))), vec![]);
        assert_eq!(values(Arc::new(GlobalLimitExec::new(mem(vec![vec![]]), 0, Some(1)))), vec![]);
        let g = GlobalLimitExec::new(mem(one), 0, Some(1));
        assert!(matches!(g.required_input_distribution()[0], Distribution::SinglePartition));
    }
}
