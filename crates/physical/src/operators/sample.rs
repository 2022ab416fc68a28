//! `SampleExec`: a random subset of the input's rows (TABLESAMPLE, `df.sample`,
//! `df.sample_by`) with Spark's samplers and generators.
//!
//! The input's partitions are read one after another, in order, in one task, and one
//! generator seeded with `seed` draws for every row: the sample of a given input does
//! not depend on how many partitions, threads or rows per batch produced it (Spark seeds
//! `seed + partition index` per partition, so its sample does; the two agree whenever
//! Spark reads the input as one partition). Reading stays streaming: nothing is
//! buffered, but the operators below run on one thread.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, UInt32Array};
use arrow::compute::kernels::cmp::eq;
use arrow::compute::{filter_record_batch, take_record_batch};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::random::{PoissonSampler, XorShiftRandom};
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{evaluate_to_array, PhysicalExprRef};

/// How rows are drawn (the physical form of `ember_plan::SampleMethod`).
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Keeps a row when a uniform draw falls in `[lower, upper)`.
    Bernoulli { lower: f64, upper: f64 },
    /// Emits each row Poisson(`fraction`) times.
    Poisson { fraction: f64 },
    /// Keeps a row when a uniform draw is below its stratum's fraction. Each stratum is
    /// a one-element array of the key's type.
    Stratified { key: PhysicalExprRef, fractions: Vec<(ArrayRef, f64)> },
}

#[derive(Debug)]
pub struct SampleExec {
    input: Arc<dyn ExecutionPlan>,
    sampler: Sampler,
    seed: i64,
}

impl SampleExec {
    pub fn new(input: Arc<dyn ExecutionPlan>, sampler: Sampler, seed: i64) -> Self {
        SampleExec { input, sampler, seed }
    }
}

impl ExecutionPlan for SampleExec {
    fn name(&self) -> &'static str {
        "SampleExec"
    }

    fn details(&self) -> String {
        match &self.sampler {
            Sampler::Bernoulli { lower, upper } => format!("{lower:?}, {upper:?}, false, {}", self.seed),
            Sampler::Poisson { fraction } => format!("0.0, {fraction:?}, true, {}", self.seed),
            Sampler::Stratified { key, fractions } => format!("by {key}, {} strata, {}", fractions.len(), self.seed),
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
            return Err(Error::internal("SampleExec takes one child"));
        }
        Ok(Arc::new(SampleExec::new(children.remove(0), self.sampler.clone(), self.seed)))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Single
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if partition != 0 {
            return Err(Error::internal(format!("SampleExec has no partition {partition}")));
        }
        let input = self.input.clone();
        let parts = input.output_partitioning().partition_count();
        let ctx2 = ctx.clone();
        let batches = (0..parts).flat_map(move |p| match ctx2.execute(&input, p) {
            Ok(it) => it,
            Err(e) => Box::new(std::iter::once(Err(e))),
        });
        let mut state = State::new(&self.sampler, self.seed);
        let ctx = ctx.clone();
        Ok(Box::new(
            batches
                .map(move |b| b.and_then(|b| state.sample(&b, &ctx)))
                .filter(|b| !matches!(b, Ok(b) if b.num_rows() == 0)),
        ))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The generator and sampler of one run.
struct State {
    sampler: Sampler,
    uniform: XorShiftRandom,
    poisson: Option<PoissonSampler>,
}

impl State {
    fn new(sampler: &Sampler, seed: i64) -> Self {
        let poisson = match sampler {
            Sampler::Poisson { fraction } => Some(PoissonSampler::new(*fraction, seed)),
            _ => None,
        };
        State { sampler: sampler.clone(), uniform: XorShiftRandom::new(seed), poisson }
    }

    fn sample(&mut self, batch: &RecordBatch, ctx: &TaskContext) -> Result<RecordBatch> {
        let n = batch.num_rows();
        match &self.sampler {
            Sampler::Bernoulli { lower, upper } => {
                let (lower, upper) = (*lower, *upper);
                if upper - lower <= 0.0 {
                    return Ok(batch.slice(0, 0));
                }
                let keep: BooleanArray = (0..n)
                    .map(|_| {
                        let x = self.uniform.next_double();
                        Some(x >= lower && x < upper)
                    })
                    .collect();
                Ok(filter_record_batch(batch, &keep)?)
            }
            Sampler::Poisson { .. } => {
                let Some(p) = self.poisson.as_mut() else { return Err(Error::internal("sample: no Poisson sampler")) };
                let mut idx = Vec::new();
                for row in 0..n {
                    for _ in 0..p.sample() {
                        idx.push(row as u32);
                    }
                }
                Ok(take_record_batch(batch, &UInt32Array::from(idx))?)
            }
            Sampler::Stratified { key, fractions } => {
                let keys = evaluate_to_array(key.as_ref(), batch, ctx)?;
                let per_row = stratum_fractions(&keys, fractions)?;
                let keep: BooleanArray = (0..n)
                    .map(|row| {
                        let x = self.uniform.next_double();
                        Some(per_row.is_valid(row) && x < per_row.value(row))
                    })
                    .collect();
                Ok(filter_record_batch(batch, &keep)?)
            }
        }
    }
}

/// Each row's stratum fraction (NULL where its key is in no listed stratum).
fn stratum_fractions(keys: &ArrayRef, fractions: &[(ArrayRef, f64)]) -> Result<Float64Array> {
    let mut out: Vec<Option<f64>> = vec![None; keys.len()];
    for (value, fraction) in fractions {
        let hits = eq(keys, &arrow::array::Scalar::new(value.clone()))?;
        for (row, hit) in hits.iter().enumerate() {
            if hit == Some(true) && out[row].is_none() {
                out[row] = Some(*fraction);
            }
        }
    }
    Ok(Float64Array::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use crate::operators::memory::MemoryExec;
    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    fn ids(lo: i64, hi: i64, parts: usize, batch: usize) -> Arc<dyn ExecutionPlan> {
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, true)]));
        let all: Vec<i64> = (lo..hi).collect();
        let per = all.len().div_ceil(parts).max(1);
        let partitions = all
            .chunks(per)
            .map(|c| c.chunks(batch).map(|b| RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(b.to_vec()))]).unwrap()).collect())
            .collect();
        Arc::new(MemoryExec::try_new(partitions, schema, None).unwrap())
    }

    fn run(input: Arc<dyn ExecutionPlan>, sampler: Sampler, seed: i64) -> Vec<i64> {
        let exec: Arc<dyn ExecutionPlan> = Arc::new(SampleExec::new(input, sampler, seed));
        collect_partitions_serial(&exec, &TaskContext::default())
            .unwrap()
            .iter()
            .flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec())
            .collect()
    }

    /// Spark 4.2.1, local[2]: `SELECT * FROM range(0, 100) TABLESAMPLE (10 PERCENT)
    /// REPEATABLE (42)` reads ids 0-49 with seed 42 and ids 50-99 with seed 43.
    #[test]
    fn bernoulli_matches_spark_per_partition_seed() {
        let ten = Sampler::Bernoulli { lower: 0.0, upper: 0.1 };
        assert_eq!(run(ids(0, 50, 1, 8192), ten.clone(), 42), vec![7, 16, 18]);
        let second: Vec<i64> = run(ids(50, 100, 1, 8192), ten, 43);
        assert_eq!(second, vec![59, 67, 69, 76, 81, 83, 84, 99]);
    }

    /// PySpark 4.2.1 over `spark.range(0, 30, 1, 1)` (one partition): `sample(False,
    /// 0.3, 5)`, `sample(True, 0.5, 3)` and `sample(True, 2.0, 11)`.
    #[test]
    fn samplers_match_spark_on_one_partition() {
        assert_eq!(run(ids(0, 30, 1, 8192), Sampler::Bernoulli { lower: 0.0, upper: 0.3 }, 5), vec![0, 1, 5, 6, 8, 9, 11, 15, 16, 20, 23, 25, 28, 29]);
        assert_eq!(run(ids(0, 30, 1, 8192), Sampler::Poisson { fraction: 0.5 }, 3), vec![5, 6, 10, 13, 21, 27, 27, 27, 28]);
        let twice = vec![
            2, 2, 2, 2, 3, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 7, 7, 8, 8, 9, 9, 10, 12, 12, 12, 12, 12, 13, 14, 14, 14, 14, 16, 17, 19, 19, 20, 21, 22,
            22, 22, 23, 24, 25, 25, 26, 27, 28,
        ];
        assert_eq!(run(ids(0, 30, 1, 8192), Sampler::Poisson { fraction: 2.0 }, 11), twice);
    }

    /// PySpark 4.2.1: `spark.range(0, 30, 1, 1).withColumn("k", col("id") % 3)
    /// .sampleBy("k", {0: 0.5, 1: 1.0}, 7)`.
    #[test]
    fn stratified_matches_spark_sample_by() {
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, true), Field::new("k", DataType::Int64, true)]));
        let id: Vec<i64> = (0..30).collect();
        let k: Vec<i64> = id.iter().map(|i| i % 3).collect();
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(id)), Arc::new(Int64Array::from(k))]).unwrap();
        let input: Arc<dyn ExecutionPlan> = Arc::new(MemoryExec::try_new(vec![vec![batch]], schema, None).unwrap());
        let key: PhysicalExprRef = Arc::new(crate::expressions::ColumnExpr::new("k", 1));
        let one = |v: i64| Arc::new(Int64Array::from(vec![v])) as ArrayRef;
        let s = Sampler::Stratified { key, fractions: vec![(one(0), 0.5), (one(1), 1.0)] };
        assert_eq!(run(input, s, 7), vec![0, 1, 4, 6, 7, 10, 13, 15, 16, 19, 22, 25, 27, 28]);
    }

    #[test]
    fn same_sample_at_any_partitioning_and_batch_size() {
        let s = Sampler::Bernoulli { lower: 0.0, upper: 0.3 };
        let reference = run(ids(0, 1000, 1, 8192), s.clone(), 5);
        assert!(reference.len() > 200 && reference.len() < 400, "{}", reference.len());
        for (parts, batch) in [(7, 1), (3, 7), (16, 100)] {
            assert_eq!(run(ids(0, 1000, parts, batch), s.clone(), 5), reference);
        }
        let p = Sampler::Poisson { fraction: 1.5 };
        assert_eq!(run(ids(0, 300, 1, 8192), p.clone(), 9), run(ids(0, 300, 5, 3), p, 9));
    }

    #[test]
    fn empty_input_zero_fraction_and_all_rows() {
        assert!(run(ids(0, 0, 1, 8), Sampler::Bernoulli { lower: 0.0, upper: 0.5 }, 1).is_empty());
        assert!(run(ids(0, 100, 2, 8), Sampler::Bernoulli { lower: 0.0, upper: 0.0 }, 1).is_empty());
        assert_eq!(run(ids(0, 100, 2, 8), Sampler::Bernoulli { lower: 0.0, upper: 1.0 }, 1).len(), 100);
        assert!(run(ids(0, 100, 2, 8), Sampler::Poisson { fraction: 0.0 }, 1).is_empty());
    }

    #[test]
    fn stratified_keeps_listed_strata_only() {
        let input = ids(0, 100, 3, 10);
        let key: PhysicalExprRef = Arc::new(crate::expressions::ColumnExpr::new("id", 0));
        let one = |v: i64| Arc::new(Int64Array::from(vec![v])) as ArrayRef;
        let s = Sampler::Stratified { key, fractions: vec![(one(3), 1.0), (one(4), 0.0), (one(5), 1.0)] };
        assert_eq!(run(input, s, 1), vec![3, 5]);
    }
}
