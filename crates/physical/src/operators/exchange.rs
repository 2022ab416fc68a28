//! `ExchangeExec`: the stage boundary. The scheduler runs the input partitions as
//! tasks, routes each batch with [`ExchangeExec::partition_batch`] into per-task
//! buffers, then hands the merged buffers to [`ExchangeExec::set_output`]; the next
//! stage reads them through `execute`.

use std::any::Any;
use std::sync::{Arc, OnceLock};

use arrow::array::{ArrayRef, UInt32Array};
use arrow::compute::take_record_batch;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::evaluate_to_array;

#[derive(Debug)]
pub struct ExchangeExec {
    input: Arc<dyn ExecutionPlan>,
    partitioning: Partitioning,
    output: OnceLock<Vec<Vec<RecordBatch>>>,
}

impl ExchangeExec {
    /// `partitioning` is one of Hash, RoundRobin, Single, Broadcast (`Unknown(n)` is
    /// treated as round-robin over `n`).
    pub fn new(input: Arc<dyn ExecutionPlan>, partitioning: Partitioning) -> Self {
        let partitioning = match partitioning {
            Partitioning::Unknown(n) => Partitioning::RoundRobin(n),
            Partitioning::Hash(k, n) => Partitioning::Hash(k, n.max(1)),
            Partitioning::RoundRobin(n) => Partitioning::RoundRobin(n.max(1)),
            p => p,
        };
        ExchangeExec { input, partitioning, output: OnceLock::new() }
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }

    pub fn partitioning(&self) -> &Partitioning {
        &self.partitioning
    }

    /// Number of output partitions the scheduler must provide to `set_output`.
    pub fn output_partition_count(&self) -> usize {
        self.partitioning.partition_count()
    }

    /// Splits one input batch into `(output partition, rows)` pieces. `rr_start` is the
    /// task's round-robin cursor (start it at the task's partition index).
    pub fn partition_batch(&self, batch: &RecordBatch, ctx: &TaskContext, rr_start: &mut usize) -> Result<Vec<(usize, RecordBatch)>> {
        if batch.num_rows() == 0 {
            return Ok(vec![]);
        }
        let n = self.partitioning.partition_count();
        let assignment: Vec<usize> = match &self.partitioning {
            Partitioning::Single | Partitioning::Broadcast | Partitioning::Unknown(_) => return Ok(vec![(0, batch.clone())]),
            Partitioning::RoundRobin(_) => {
                let start = *rr_start;
                *rr_start = (start + batch.num_rows()) % n;
                (0..batch.num_rows()).map(|i| (start + i) % n).collect()
            }
            Partitioning::Hash(keys, _) => {
                // Keys Spark treats as equal (-0.0 and 0.0, NaNs) go to the same partition.
                let cols = keys
                    .iter()
                    .map(|k| Ok(crate::expressions::normalize::normalize_floats(evaluate_to_array(k.as_ref(), batch, ctx)?)))
                    .collect::<Result<Vec<_>>>()?;
                hash_rows(&cols)?.into_iter().map(|h| (h % n as u64) as usize).collect()
            }
        };
        if n == 1 {
            return Ok(vec![(0, batch.clone())]);
        }
        let mut indices: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (row, p) in assignment.into_iter().enumerate() {
            indices[p].push(row as u32);
        }
        let mut out = Vec::new();
        for (p, idx) in indices.into_iter().enumerate() {
            if idx.is_empty() {
                continue;
            }
            if idx.len() == batch.num_rows() {
                out.push((p, batch.clone()));
            } else {
                out.push((p, take_record_batch(batch, &UInt32Array::from(idx))?));
            }
        }
        Ok(out)
    }

    /// Stores the exchanged data: one list of batches per output partition.
    pub fn set_output(&self, per_partition: Vec<Vec<RecordBatch>>) -> Result<()> {
        let expected = self.partitioning.partition_count();
        if per_partition.len() != expected {
            return Err(Error::internal(format!("exchange expects {expected} output partitions, got {}", per_partition.len())));
        }
        self.output.set(per_partition).map_err(|_| Error::internal("exchange output set twice"))
    }

    pub fn is_materialized(&self) -> bool {
        self.output.get().is_some()
    }
}

/// A 64-bit hash per row of `columns`, stable for equal values of equal types (the
/// row encoding is canonical and the hash has a fixed seed), so both sides of a join
/// route equal keys to the same partition.
pub fn hash_rows(columns: &[ArrayRef]) -> Result<Vec<u64>> {
    let Some(first) = columns.first() else {
        return Ok(vec![]);
    };
    let fields = columns.iter().map(|c| SortField::new(c.data_type().clone())).collect();
    let converter = RowConverter::new(fields)?;
    let rows = converter.convert_columns(columns)?;
    let mut out = Vec::with_capacity(first.len());
    for row in rows.iter() {
        out.push(hash_bytes(row.as_ref()));
    }
    Ok(out)
}

/// FNV-1a over the bytes, then a final avalanche (fixed seed, deterministic).
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl ExecutionPlan for ExchangeExec {
    fn name(&self) -> &'static str {
        "ExchangeExec"
    }

    fn details(&self) -> String {
        match &self.partitioning {
            Partitioning::Hash(keys, n) => {
                let k: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
                format!("hashpartitioning({}, {n})", k.join(", "))
            }
            Partitioning::RoundRobin(n) | Partitioning::Unknown(n) => format!("roundrobinpartitioning({n})"),
            Partitioning::Single => "SinglePartition".into(),
            Partitioning::Broadcast => "BroadcastExchange".into(),
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
            return Err(Error::internal("ExchangeExec takes one child"));
        }
        Ok(Arc::new(ExchangeExec::new(children.remove(0), self.partitioning.clone())))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.partitioning.clone()
    }

    fn execute(&self, partition: usize, _ctx: &TaskContext) -> Result<BatchIter> {
        let Some(out) = self.output.get() else {
            return Err(Error::internal("exchange read before its stage ran"));
        };
        let batches = match self.partitioning {
            Partitioning::Broadcast => out.first(),
            _ => out.get(partition),
        }
        .ok_or_else(|| Error::internal(format!("exchange has no partition {partition}")))?;
        Ok(Box::new(batches.clone().into_iter().map(Ok)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expressions::{ColumnExpr, PhysicalExprRef};
    use crate::operators::memory::MemoryExec;
    use arrow::array::{Array, AsArray, Int32Array, Int64Array};
    use arrow::datatypes::Int32Type;

    fn batch(v: Vec<Option<i32>>) -> RecordBatch {
        RecordBatch::try_from_iter(vec![("k", Arc::new(Int32Array::from(v)) as ArrayRef)]).unwrap()
    }

    fn exchange(p: Partitioning) -> ExchangeExec {
        let b = batch(vec![]);
        ExchangeExec::new(Arc::new(MemoryExec::try_new(vec![vec![]], b.schema(), None).unwrap()), p)
    }

    /// Runs the exchange the way the scheduler does, over several input "tasks".
    fn run(ex: &ExchangeExec, tasks: Vec<Vec<RecordBatch>>) -> Vec<Vec<i32>> {
        let n = ex.output_partition_count();
        let mut buffers: Vec<Vec<RecordBatch>> = vec![vec![]; n];
        for (t, batches) in tasks.into_iter().enumerate() {
            let mut rr = t;
            for b in batches {
                for (p, piece) in ex.partition_batch(&b, &TaskContext::default(), &mut rr).unwrap() {
                    buffers[p].push(piece);
                }
            }
        }
        ex.set_output(buffers).unwrap();
        (0..n)
            .map(|p| ex.execute(p, &TaskContext::default()).unwrap().flat_map(|b| b.unwrap().column(0).as_primitive::<Int32Type>().iter().map(|v| v.unwrap_or(-1)).collect::<Vec<_>>()).collect())
            .collect()
    }

    #[test]
    fn hash_partitioning_keeps_equal_keys_together() {
        let key: PhysicalExprRef = Arc::new(ColumnExpr::new("k", 0));
        let ex = exchange(Partitioning::Hash(vec![key], 4));
        assert_eq!(ex.details(), "hashpartitioning(k#0, 4)");
        assert!(ex.execute(0, &TaskContext::default()).is_err());
        let tasks = vec![vec![batch(vec![Some(1), Some(2), None, Some(3)]), batch(vec![])], vec![batch(vec![Some(2), Some(1), None])]];
        let parts = run(&ex, tasks);
        assert!(ex.is_materialized());
        assert_eq!(parts.iter().map(|p| p.len()).sum::<usize>(), 7);
        for v in [1, 2, 3, -1] {
            assert_eq!(parts.iter().filter(|p| p.contains(&v)).count(), 1, "{v} in one partition: {parts:?}");
        }
        assert!(ex.set_output(vec![vec![]; 4]).is_err());
    }

    #[test]
    fn same_values_hash_alike_across_batches() {
        let a: ArrayRef = Arc::new(Int64Array::from(vec![5, 6]));
        let b: ArrayRef = Arc::new(Int64Array::from(vec![6, 5]));
        let (ha, hb) = (hash_rows(&[a]).unwrap(), hash_rows(&[b]).unwrap());
        assert_eq!((ha[0], ha[1]), (hb[1], hb[0]));
    }

    #[test]
    fn round_robin_single_and_broadcast() {
        let ex = exchange(Partitioning::RoundRobin(3));
        assert_eq!(ex.details(), "roundrobinpartitioning(3)");
        let parts = run(&ex, vec![vec![batch(vec![Some(1), Some(2), Some(3), Some(4)])]]);
        assert_eq!(parts, vec![vec![1, 4], vec![2], vec![3]]);

        let ex = exchange(Partitioning::Single);
        assert_eq!(ex.details(), "SinglePartition");
        assert_eq!(run(&ex, vec![vec![batch(vec![Some(1)])], vec![batch(vec![Some(2)])]]), vec![vec![1, 2]]);

        let ex = exchange(Partitioning::Broadcast);
        assert_eq!(ex.details(), "BroadcastExchange");
        assert_eq!(run(&ex, vec![vec![batch(vec![Some(7)])]]), vec![vec![7]]);
        let again: Vec<RecordBatch> = ex.execute(5, &TaskContext::default()).unwrap().map(|b| b.unwrap()).collect();
        assert_eq!(again.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
        assert_eq!(again[0].column(0).len(), 1);
    }
}
