//! `SortExec`: sorts each partition on its keys (arrow-row encoded), spilling sorted
//! runs under memory pressure (`external_sort`), or keeps only the first `fetch` rows
//! (top-K) without holding the whole input.

use std::any::Any;
use std::sync::Arc;

use arrow::array::UInt32Array;
use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, Rows, SortField};
use ember_common::{Error, Result};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{evaluate_to_array, PhysicalSortExpr};
use crate::operators::external_sort::{slices, ExternalSorter};
use crate::operators::hash_join::keys::normalize_floats;

/// Encodes sort keys so that byte order is the requested order (shared with
/// `SortPreservingMergeExec`).
#[derive(Debug)]
pub(crate) struct SortKeys {
    exprs: Vec<PhysicalSortExpr>,
    types: Vec<arrow::datatypes::DataType>,
    converter: RowConverter,
}

impl SortKeys {
    pub(crate) fn try_new(exprs: &[PhysicalSortExpr], schema: &Schema) -> Result<Self> {
        let types = exprs.iter().map(|e| e.expr.data_type(schema)).collect::<Result<Vec<_>>>()?;
        let fields = types.iter().zip(exprs).map(|(t, e)| SortField::new_with_options(t.clone(), e.options)).collect::<Vec<_>>();
        if !RowConverter::supports_fields(&fields) {
            return Err(Error::unsupported("sorting on a key of this type"));
        }
        Ok(SortKeys { exprs: exprs.to_vec(), types, converter: RowConverter::new(fields)? })
    }

    pub(crate) fn encode(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<Rows> {
        let cols = self
            .exprs
            .iter()
            .zip(self.types.iter())
            .map(|(e, t)| {
                let a = evaluate_to_array(e.expr.as_ref(), batch, ctx)?;
                if a.data_type() != t || a.len() != batch.num_rows() {
                    return Err(Error::internal(format!(
                        "sort key `{}` evaluated to {} rows of {}, expected {t}",
                        e.expr,
                        a.len(),
                        a.data_type()
                    )));
                }
                Ok(normalize_floats(a))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(self.converter.convert_columns(&cols)?)
    }
}

/// Sorts `batch` and keeps at most `fetch` rows (ties keep input order).
pub(crate) fn sort_batch(keys: &SortKeys, batch: &RecordBatch, fetch: Option<usize>, ctx: &TaskContext) -> Result<RecordBatch> {
    let n = batch.num_rows();
    let n32 = u32::try_from(n).map_err(|_| Error::unsupported("sorting more than 4 billion rows in one partition"))?;
    let rows = keys.encode(batch, ctx)?;
    let cmp = |a: &u32, b: &u32| rows.row(*a as usize).cmp(&rows.row(*b as usize)).then(a.cmp(b));
    let mut idx: Vec<u32> = (0..n32).collect();
    match fetch {
        Some(k) if k < n => {
            if k > 0 {
                idx.select_nth_unstable_by(k - 1, cmp);
            }
            idx.truncate(k);
        }
        _ => {}
    }
    idx.sort_unstable_by(cmp);
    Ok(arrow::compute::take_record_batch(batch, &UInt32Array::from(idx))?)
}

/// Sorts each partition of its input.
#[derive(Debug)]
pub struct SortExec {
    exprs: Vec<PhysicalSortExpr>,
    input: Arc<dyn ExecutionPlan>,
    fetch: Option<usize>,
}

impl SortExec {
    pub fn new(exprs: Vec<PhysicalSortExpr>, input: Arc<dyn ExecutionPlan>, fetch: Option<usize>) -> Self {
        SortExec { exprs, input, fetch }
    }

    pub fn exprs(&self) -> &[PhysicalSortExpr] {
        &self.exprs
    }

    pub fn fetch(&self) -> Option<usize> {
        self.fetch
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }
}

/// EXPLAIN details shared by the sort operators: `[a ASC NULLS FIRST], fetch=10`.
pub(crate) fn sort_details(exprs: &[PhysicalSortExpr], fetch: Option<usize>) -> String {
    let keys = exprs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ");
    match fetch {
        Some(f) => format!("[{keys}], fetch={f}"),
        None => format!("[{keys}]"),
    }
}

impl ExecutionPlan for SortExec {
    fn name(&self) -> &'static str {
        "SortExec"
    }

    fn details(&self) -> String {
        sort_details(&self.exprs, self.fetch)
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("SortExec takes one child"))?;
        Ok(Arc::new(SortExec::new(self.exprs.clone(), input, self.fetch)))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let keys = SortKeys::try_new(&self.exprs, &self.input.schema())?;
        if self.fetch == Some(0) {
            return Ok(Box::new(std::iter::empty()));
        }
        let input = ctx.execute(&self.input, partition)?;
        let (exprs, schema, fetch, ctx) = (self.exprs.clone(), self.input.schema(), self.fetch, ctx.clone());
        let mut input = Some(input);
        let mut output: BatchIter = Box::new(std::iter::empty());
        Ok(Box::new(std::iter::from_fn(move || {
            if let Some(input) = input.take() {
                let sorted = match fetch {
                    Some(_) => top_k(&keys, &schema, input, fetch, &ctx).map(|b| Box::new(slices(b, ctx.batch_size()).map(Ok)) as BatchIter),
                    None => sort_all(&exprs, &schema, input, partition, &ctx),
                };
                match sorted {
                    Ok(s) => output = s,
                    Err(e) => return Some(Err(e)),
                }
            }
            output.next()
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Sorts the whole partition, spilling sorted runs when the memory pool refuses more.
fn sort_all(exprs: &[PhysicalSortExpr], schema: &SchemaRef, input: BatchIter, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
    let mut sorter = ExternalSorter::try_new(exprs, schema.clone(), format!("SortExec[partition {partition}]"), ctx)?;
    for batch in input {
        sorter.push(batch?)?;
    }
    sorter.finish()
}

/// The first `fetch` rows: re-sorts and truncates whenever the buffer holds enough
/// rows, so memory stays near `2 * max(fetch, batch_size)` rows (not reserved: bounded
/// by the query's LIMIT).
fn top_k(keys: &SortKeys, schema: &SchemaRef, input: BatchIter, fetch: Option<usize>, ctx: &TaskContext) -> Result<RecordBatch> {
    let mut buffered: Vec<RecordBatch> = Vec::new();
    let mut buffered_rows = 0;
    let limit = fetch.map(|k| k.saturating_add(k.max(ctx.batch_size())));
    for batch in input {
        let batch = batch?;
        if batch.num_rows() == 0 {
            continue;
        }
        buffered_rows += batch.num_rows();
        buffered.push(batch);
        if limit.is_some_and(|l| buffered_rows >= l) {
            let all = arrow::compute::concat_batches(schema, &buffered)?;
            let top = sort_batch(keys, &all, fetch, ctx)?;
            buffered_rows = top.num_rows();
            buffered = vec![top];
        }
    }
    let all = arrow::compute::concat_batches(schema, &buffered)?;
    sort_batch(keys, &all, fetch, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use crate::operators::hash_join::test_util::*;
    use arrow::compute::SortOptions;

    fn key(index: usize, descending: bool, nulls_first: bool) -> PhysicalSortExpr {
        PhysicalSortExpr { expr: col(if index == 0 { "a" } else { "b" }, index), options: SortOptions { descending, nulls_first } }
    }

    fn data() -> Vec<RecordBatch> {
        vec![
            int_batch(&[("a", vec![Some(3), None, Some(1)]), ("b", vec![Some(1), Some(2), Some(3)])]),
            int_batch(&[("a", vec![]), ("b", vec![])]),
            int_batch(&[("a", vec![Some(1), Some(2), None]), ("b", vec![Some(4), Some(5), Some(6)])]),
        ]
    }

    fn sort(parts: Vec<Vec<RecordBatch>>, keys: Vec<PhysicalSortExpr>, fetch: Option<usize>, batch_size: usize) -> Vec<Vec<String>> {
        let schema = data()[0].schema();
        let exec: Arc<dyn ExecutionPlan> = Arc::new(SortExec::new(keys, TestMemoryExec::arc(schema, parts.clone()), fetch));
        let ctx = ctx_with_batch_size(batch_size);
        (0..parts.len())
            .map(|p| {
                let batches = exec.execute(p, &ctx).unwrap().collect::<Result<Vec<_>>>().unwrap();
                assert!(batches.iter().all(|b| b.num_rows() <= batch_size && b.num_rows() > 0));
                rows(&batches)
            })
            .collect()
    }

    #[test]
    fn sorts_asc_nulls_first_and_desc_nulls_last() {
        let out = sort(vec![data()], vec![key(0, false, true), key(1, true, false)], None, 2);
        assert_eq!(out[0], ["NULL, 6", "NULL, 2", "1, 4", "1, 3", "2, 5", "3, 1"]);
        let out = sort(vec![data()], vec![key(0, true, false)], None, 100);
        assert_eq!(out[0], ["3, 1", "2, 5", "1, 3", "1, 4", "NULL, 2", "NULL, 6"]);
    }

    #[test]
    fn sorts_each_partition_separately() {
        let d = data();
        let out = sort(vec![vec![d[0].clone()], vec![], vec![d[2].clone()]], vec![key(0, false, false)], None, 10);
        assert_eq!(out, vec![vec!["1, 3", "3, 1", "NULL, 2"], vec![], vec!["1, 4", "2, 5", "NULL, 6"]]);
    }

    #[test]
    fn top_k_keeps_first_rows_across_many_batches() {
        let batches =
            (0..50i64).map(|i| int_batch(&[("a", vec![Some((i * 37) % 101), None]), ("b", vec![Some(i), Some(i)])])).collect::<Vec<_>>();
        let mut expected = (0..50i64).map(|i| ((i * 37) % 101, i)).collect::<Vec<_>>();
        expected.sort();
        let expected = expected.iter().take(3).map(|(a, b)| format!("{a}, {b}")).collect::<Vec<_>>();
        assert_eq!(sort(vec![batches.clone()], vec![key(0, false, false)], Some(3), 4)[0], expected);
        // NULLs first: the three smallest are NULLs, ties kept in input order.
        assert_eq!(sort(vec![batches], vec![key(0, false, true)], Some(3), 4)[0], ["NULL, 0", "NULL, 1", "NULL, 2"]);
    }

    #[test]
    fn fetch_zero_and_one_row() {
        assert!(sort(vec![data()], vec![key(0, false, true)], Some(0), 2)[0].is_empty());
        let one = vec![int_batch(&[("a", vec![Some(7)]), ("b", vec![None])])];
        assert_eq!(sort(vec![one.clone()], vec![key(0, false, true)], Some(5), 2)[0], ["7, NULL"]);
        assert_eq!(sort(vec![one], vec![key(1, false, true)], None, 2)[0], ["7, NULL"]);
    }

    /// `n` rows in batches of 7: `a` cycles through 97 values with NULLs, `b` numbers rows.
    fn many_batches(n: i64) -> Vec<RecordBatch> {
        (0..n)
            .step_by(7)
            .map(|start| {
                let ids = start..(start + 7).min(n);
                let a = ids.clone().map(|i| if i % 13 == 0 { None } else { Some((i * 31) % 97) }).collect();
                int_batch(&[("a", a), ("b", ids.map(Some).collect())])
            })
            .collect()
    }

    fn run_sort(parts: Vec<Vec<RecordBatch>>, keys: Vec<PhysicalSortExpr>, ctx: &TaskContext) -> Vec<Vec<String>> {
        let schema = data()[0].schema();
        let exec: Arc<dyn ExecutionPlan> = Arc::new(SortExec::new(keys, TestMemoryExec::arc(schema, parts.clone()), None));
        (0..parts.len()).map(|p| rows(&exec.execute(p, ctx).unwrap().collect::<Result<Vec<_>>>().unwrap())).collect()
    }

    #[test]
    fn spills_sorted_runs_and_merges_them_like_the_in_memory_sort() {
        for (n, desc) in [(5000, false), (3000, true), (1, false), (0, false)] {
            let parts = vec![many_batches(n), vec![], many_batches(n / 2)];
            let keys = vec![key(0, desc, !desc)];
            let unlimited = run_sort(parts.clone(), keys.clone(), &ctx_with_batch_size(64));
            // 16 KiB: a few batches per run, so well over MAX_FAN_IN runs for 5000 rows.
            let ctx = ctx_with_memory_limit(64, "16k");
            assert_eq!(run_sort(parts, keys, &ctx), unlimited, "{n} rows");
            assert_eq!(ctx.spill.metrics().files() > 0, n > 100, "{n} rows");
            assert_eq!(ctx.memory.reserved(), 0);
        }
    }

    #[test]
    fn details_and_partitioning() {
        let schema = data()[0].schema();
        let exec =
            SortExec::new(vec![key(0, false, true), key(1, true, false)], TestMemoryExec::arc(schema, vec![vec![], vec![]]), Some(3));
        assert_eq!(exec.details(), "[a ASC NULLS FIRST, b DESC NULLS LAST], fetch=3");
        assert_eq!(exec.output_partitioning().partition_count(), 2);
        let all = collect_partitions_serial(&(Arc::new(exec) as Arc<dyn ExecutionPlan>), &TaskContext::default()).unwrap();
        assert!(all.is_empty());
    }
}
