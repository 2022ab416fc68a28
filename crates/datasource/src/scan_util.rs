//! Pieces shared by the three scan operators: fitting batches to the output schema,
//! applying pushed filters, stopping at `fetch`, and the Spark-like `FileScan` details
//! line for EXPLAIN.

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatchOptions;
use ember_common::types::catalog_string;
use ember_common::Result;
use ember_common::{Transformed, TreeNode};
use ember_physical::expressions::create_physical_expr;
use ember_physical::operators::filter::filter_batch;
use ember_physical::{BatchIter, TaskContext};
use ember_plan::{conjunction, Column, Expr, PlanSchema};

use crate::listing::FileMeta;
use crate::partitions::PartitionFill;

/// What every file scan shares besides its format: the partition columns to fill in,
/// the counter of files opened, and how many files the table has before pruning.
#[derive(Debug, Clone, Default)]
pub struct ScanExtras {
    pub fill: Option<Arc<PartitionFill>>,
    /// incremented each time the scan opens a file (a byte range, a footer, a row-group chunk)
    pub files_opened: Arc<std::sync::atomic::AtomicUsize>,
    /// the table's files before partition pruning
    pub files_total: usize,
}

impl ScanExtras {
    pub fn opened(&self) {
        self.files_opened.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Adds the partition columns to a batch read from `path`, or re-labels it.
    pub fn finish(&self, batch: RecordBatch, path: &str, schema: &SchemaRef) -> Result<RecordBatch> {
        match &self.fill {
            Some(fill) => fill.apply(batch, path),
            None => fit_to_schema(batch, schema),
        }
    }

    /// The EXPLAIN line of a scan over `files` that reads `read_schema` from them
    /// (`extra` goes before `ReadSchema`). For a partitioned table, filters on partition
    /// columns show as `PartitionFilters`, with how many files they left.
    pub fn explain(&self, output: &SchemaRef, read_schema: &SchemaRef, files: &[Arc<FileMeta>], filters: &[Expr], extra: &str) -> String {
        let Some(fill) = &self.fill else { return scan_details(output, files, filters, extra) };
        let (partition, data): (Vec<Expr>, Vec<Expr>) = filters.iter().cloned().partition(|f| {
            let refs = f.column_refs();
            !refs.is_empty() && refs.iter().all(|c| fill.is_partition_column(&c.name))
        });
        let cols: Vec<&str> = output.fields().iter().map(|f| f.name().as_str()).collect();
        let show = |fs: &[Expr]| fs.iter().map(|f| f.to_string()).collect::<Vec<_>>().join(", ");
        format!(
            "[{}] Location: {}, PartitionFilters: [{}], PartitionsRead: {}/{} files, PushedFilters: [{}], {}ReadSchema: {}",
            cols.join(", "),
            files_string(files),
            show(&partition),
            files.len(),
            self.files_total,
            show(&data),
            extra,
            read_schema_string(read_schema)
        )
    }
}

/// Re-labels a batch with the scan's output schema (same columns, in order).
pub fn fit_to_schema(batch: RecordBatch, schema: &SchemaRef) -> Result<RecordBatch> {
    if Arc::ptr_eq(&batch.schema(), schema) {
        return Ok(batch);
    }
    let rows = batch.num_rows();
    let opts = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(schema.clone(), batch.columns().to_vec(), &opts)?)
}

/// Keeps only rows passing every pushed filter (CSV and JSON apply them right after
/// parsing, as Spark's CSV/JSON filter pushdown does; the filter above the scan stays).
/// Filter columns are matched by name against the scan's output schema.
pub fn filter_iter(iter: BatchIter, filters: &[Expr], schema: &SchemaRef, ctx: &TaskContext) -> Result<BatchIter> {
    let Some(predicate) = conjunction(filters.iter().cloned()) else {
        return Ok(iter);
    };
    let unqualified = predicate
        .transform_up(|e| match e {
            Expr::Column(c) if c.relation.is_some() => Ok(Transformed::yes(Expr::Column(Column::from_name(c.name)))),
            other => Ok(Transformed::no(other)),
        })?
        .data;
    let physical = create_physical_expr(&unqualified, &PlanSchema::from_arrow(None, schema))?;
    let ctx = ctx.clone();
    Ok(Box::new(iter.map(move |b| b.and_then(|b| filter_batch(&physical, &b, &ctx))).filter(|b| !matches!(b, Ok(b) if b.num_rows() == 0))))
}

/// Stops after `fetch` rows (slicing the last batch) and after the first error.
pub fn limit_iter(iter: BatchIter, fetch: Option<usize>) -> BatchIter {
    let mut remaining = fetch.unwrap_or(usize::MAX);
    let mut failed = false;
    let mut inner = iter;
    Box::new(std::iter::from_fn(move || {
        if remaining == 0 || failed {
            return None;
        }
        match inner.next()? {
            Ok(b) => {
                let b = if b.num_rows() > remaining { b.slice(0, remaining) } else { b };
                remaining -= b.num_rows();
                Some(Ok(b))
            }
            Err(e) => {
                failed = true;
                Some(Err(e))
            }
        }
    }))
}

/// `struct<a:int,b:string>` of a schema.
pub fn read_schema_string(schema: &SchemaRef) -> String {
    let fields: Vec<String> =
        schema.fields().iter().map(|f| format!("{}:{}", f.name(), catalog_string(f.data_type()))).collect();
    format!("struct<{}>", fields.join(","))
}

/// The file list for EXPLAIN: the paths when few, else their count.
pub fn files_string(files: &[Arc<FileMeta>]) -> String {
    if files.len() <= 3 {
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        format!("[{}]", paths.join(", "))
    } else {
        format!("[{} files]", files.len())
    }
}

/// Spark's `FileScan` line: `[a, b] Location: [...], PushedFilters: [...], ReadSchema: struct<...>`.
pub fn scan_details(schema: &SchemaRef, files: &[Arc<FileMeta>], filters: &[Expr], extra: &str) -> String {
    let cols: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
    format!(
        "[{}] Location: {}, PushedFilters: [{}], {}ReadSchema: {}",
        cols.join(", "),
        files_string(files),
        filters.join(", "),
        extra,
        read_schema_string(schema)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int32Array;
    use arrow::datatypes::{DataType, Field, Schema};

    fn batch(n: i32) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int32Array::from((0..n).collect::<Vec<_>>()))]).unwrap()
    }

    #[test]
    fn limit_slices_last_batch() {
        let it: BatchIter = Box::new(vec![Ok(batch(3)), Ok(batch(3)), Ok(batch(3))].into_iter());
        let rows: Vec<usize> = limit_iter(it, Some(5)).map(|b| b.unwrap().num_rows()).collect();
        assert_eq!(rows, vec![3, 2]);
        let it: BatchIter = Box::new(vec![Ok(batch(3))].into_iter());
        assert_eq!(limit_iter(it, None).count(), 1);
        let it: BatchIter = Box::new(vec![Ok(batch(3))].into_iter());
        assert_eq!(limit_iter(it, Some(0)).count(), 0);
    }

    #[test]
    fn details_line() {
        let schema = batch(0).schema();
        let f = Arc::new(FileMeta { path: "t.csv".into(), size: 1 });
        insta::assert_snapshot!(scan_details(&schema, &[f], &[], ""), @"[a] Location: [t.csv], PushedFilters: [], ReadSchema: struct<a:int>");
    }
}
