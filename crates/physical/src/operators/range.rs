//! `range(start, end, step, partitions)`: a table of `id` values (Spark's `spark.range`),
//! generated lazily in batches, split into contiguous slices per partition.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Int64Array, RecordBatch, RecordBatchOptions};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use ember_common::{Error, Result};
use ember_plan::TableSource;

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};

/// The numbers `start, start + step, …` below `end` (above it for a negative step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeSpec {
    pub start: i64,
    pub end: i64,
    pub step: i64,
    /// Partitions to split into; `None` uses the planner's target.
    pub partitions: Option<usize>,
}

impl RangeSpec {
    /// Validates the step and partition count as Spark does.
    pub fn try_new(start: i64, end: i64, step: i64, partitions: Option<usize>) -> Result<Self> {
        if step == 0 {
            return Err(Error::invalid_argument("The step of range must not be 0."));
        }
        if partitions == Some(0) {
            return Err(Error::invalid_argument("The number of partitions of range must be positive."));
        }
        Ok(RangeSpec { start, end, step, partitions })
    }

    /// How many values the range holds.
    pub fn len(&self) -> u64 {
        let (start, end, step) = (self.start as i128, self.end as i128, self.step as i128);
        let span = end - start;
        if span == 0 || (span > 0) != (step > 0) {
            return 0;
        }
        ((span.abs() + step.abs() - 1) / step.abs()) as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `id bigint` schema of a range.
pub fn range_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]))
}

/// A range as a table source (what `session.range(…)` and SQL `range(…)` scan).
#[derive(Debug)]
pub struct RangeTable {
    pub spec: RangeSpec,
}

impl TableSource for RangeTable {
    fn schema(&self) -> SchemaRef {
        range_schema()
    }

    fn describe(&self) -> String {
        format!("Range ({}, {}, step={})", self.spec.start, self.spec.end, self.spec.step)
    }

    fn estimated_size_bytes(&self) -> Option<u64> {
        Some(self.spec.len().saturating_mul(8))
    }

    fn estimated_rows(&self) -> Option<u64> {
        Some(self.spec.len())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Generates the range; with an empty projection it yields row counts only.
#[derive(Debug)]
pub struct RangeExec {
    spec: RangeSpec,
    partitions: usize,
    schema: SchemaRef,
    fetch: Option<usize>,
}

impl RangeExec {
    /// `schema` is the range schema or its zero-column projection (for `count(*)`).
    pub fn new(spec: RangeSpec, partitions: usize, schema: SchemaRef, fetch: Option<usize>) -> Self {
        RangeExec { spec, partitions: partitions.max(1), schema, fetch }
    }
}

impl ExecutionPlan for RangeExec {
    fn name(&self) -> &'static str {
        "RangeExec"
    }

    fn details(&self) -> String {
        let range = format!("({}, {}, step={}, splits={})", self.spec.start, self.spec.end, self.spec.step, self.partitions);
        match self.fetch {
            Some(n) => format!("{range}, fetch={n} per split"),
            None => range,
        }
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if !children.is_empty() {
            return Err(Error::internal("RangeExec has no children"));
        }
        Ok(self)
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.partitions)
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if partition >= self.partitions {
            return Err(Error::internal(format!("RangeExec has no partition {partition}")));
        }
        let total = self.spec.len() as u128;
        let n = self.partitions as u128;
        let first = (total * partition as u128 / n) as u64;
        let mut last = (total * (partition as u128 + 1) / n) as u64;
        if let Some(f) = self.fetch {
            last = last.min(first.saturating_add(f as u64));
        }
        let (start, step) = (self.spec.start as i128, self.spec.step as i128);
        let batch_size = ctx.batch_size().max(1) as u64;
        let schema = self.schema.clone();
        let mut next = first;
        let panic_for_tests = cfg!(debug_assertions)
            && ctx.config.get(ember_common::config::keys::DEBUG_PANIC_IN_RANGE).and_then(ember_common::config::parse_bool) == Some(true);
        Ok(Box::new(std::iter::from_fn(move || {
            if panic_for_tests {
                panic!("{} is set", ember_common::config::keys::DEBUG_PANIC_IN_RANGE);
            }
            if next >= last {
                return None;
            }
            let upto = (next + batch_size).min(last);
            let rows = (upto - next) as usize;
            let columns = if schema.fields().is_empty() {
                vec![]
            } else {
                // Values stay within [start, end), so they fit in i64.
                let values: Int64Array = (next..upto).map(|i| (start + step * i as i128) as i64).collect();
                vec![Arc::new(values) as _]
            };
            next = upto;
            let opts = RecordBatchOptions::new().with_row_count(Some(rows));
            Some(RecordBatch::try_new_with_options(schema.clone(), columns, &opts).map_err(Error::from))
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;

    fn ids(spec: RangeSpec, partitions: usize, batch: &str) -> Vec<i64> {
        let mut config = ember_common::Config::new();
        config.set("ember.execution.batchSize", batch).unwrap();
        let ctx = TaskContext::new(Arc::new(config));
        let exec: Arc<dyn ExecutionPlan> = Arc::new(RangeExec::new(spec, partitions, range_schema(), None));
        collect_partitions_serial(&exec, &ctx)
            .unwrap()
            .iter()
            .flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec())
            .collect()
    }

    #[test]
    fn lengths_follow_spark() {
        assert_eq!(RangeSpec::try_new(0, 10, 1, None).unwrap().len(), 10);
        assert_eq!(RangeSpec::try_new(0, 10, 3, None).unwrap().len(), 4);
        assert_eq!(RangeSpec::try_new(10, 0, -3, None).unwrap().len(), 4);
        assert_eq!(RangeSpec::try_new(5, 5, 1, None).unwrap().len(), 0);
        assert_eq!(RangeSpec::try_new(0, 10, -1, None).unwrap().len(), 0);
        assert_eq!(RangeSpec::try_new(i64::MIN, i64::MAX, i64::MAX, None).unwrap().len(), 3);
        assert!(RangeSpec::try_new(0, 1, 0, None).is_err());
        assert!(RangeSpec::try_new(0, 1, 1, Some(0)).is_err());
    }

    #[test]
    fn same_values_for_any_partitioning_and_batch_size() {
        let spec = RangeSpec::try_new(-3, 20, 4, None).unwrap();
        let expected: Vec<i64> = vec![-3, 1, 5, 9, 13, 17];
        assert_eq!(ids(spec, 1, "8192"), expected);
        assert_eq!(ids(spec, 4, "2"), expected);
        assert_eq!(ids(spec, 10, "1"), expected);
        let down = RangeSpec::try_new(3, -1, -1, None).unwrap();
        assert_eq!(ids(down, 3, "1"), vec![3, 2, 1, 0]);
        assert!(ids(RangeSpec::try_new(0, 0, 1, None).unwrap(), 2, "4").is_empty());
    }

    #[test]
    fn zero_columns_still_count_rows() {
        let exec = RangeExec::new(RangeSpec::try_new(0, 7, 1, None).unwrap(), 2, Arc::new(Schema::empty()), None);
        let rows: usize = (0..2).flat_map(|p| exec.execute(p, &TaskContext::default()).unwrap()).map(|b| b.unwrap().num_rows()).sum();
        assert_eq!(rows, 7);
    }
}
