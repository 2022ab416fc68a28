//! `ParquetScanExec`: reads Parquet files by row groups, with a projection mask, the
//! row groups spread over partitions by size and those the min/max statistics rule
//! out skipped. Columns are matched by name; a column missing in a file reads as NULL.

use std::any::Any;
use std::fs::File;
use std::sync::Arc;

use arrow::array::{new_null_array, ArrayRef, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::RecordBatchOptions;
use ember_common::{Error, Result};
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::Expr;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use crate::listing::FileMeta;
use crate::parquet_pruning::{build_predicate, prune_row_groups};
use crate::parquet_schema::{find_field, load_metadata, parquet_error};
use crate::scan_util::{limit_iter, ScanExtras};
use crate::split::{max_split_bytes, pack, OPEN_COST_BYTES};

/// Consecutive row groups of one file, read by one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowGroupChunk {
    /// index into the scan's files
    pub file: usize,
    pub row_groups: Vec<usize>,
}

#[derive(Debug)]
struct ParquetFile {
    meta: Arc<FileMeta>,
    reader_meta: ArrowReaderMetadata,
    /// sorted root indices of the file columns read
    roots: Vec<usize>,
    /// for each output column, its position in `roots` (None: not in this file)
    positions: Vec<Option<usize>>,
}

#[derive(Debug)]
struct Inner {
    files: Vec<ParquetFile>,
    /// the columns read from the files
    schema: SchemaRef,
    /// the output schema (with partition columns)
    output: SchemaRef,
    extras: ScanExtras,
}

/// Scans Parquet files. Output schema: the projected columns, in projection order.
#[derive(Debug)]
pub struct ParquetScanExec {
    file_list: Vec<Arc<FileMeta>>,
    inner: Arc<Inner>,
    partitions: Vec<Vec<RowGroupChunk>>,
    row_groups_total: usize,
    row_groups_read: usize,
    filters: Vec<Expr>,
    fetch: Option<usize>,
}

impl ParquetScanExec {
    /// Reads the footers, prunes row groups with `filters` and plans the partitions.
    /// `table_schema` is the full table schema, `schema` the projected output schema.
    #[allow(clippy::too_many_arguments)]
    pub fn try_new(
        files: Vec<Arc<FileMeta>>,
        table_schema: &Schema,
        schema: SchemaRef,
        filters: Vec<Expr>,
        fetch: Option<usize>,
        target_partitions: usize,
        max_partition_bytes: u64,
    ) -> Result<Self> {
        let preds: Vec<_> = filters.iter().filter_map(|f| build_predicate(f, table_schema)).collect();
        let mut pfiles = Vec::new();
        let mut units = Vec::new();
        let (mut total, mut read) = (0, 0);
        for (fi, meta) in files.iter().enumerate() {
            // a scan that cannot read a footer fails as any read does (FAILED_READ_FILE.NO_HINT)
            let reader_meta = load_metadata(meta).map_err(|e| parquet_error(&meta.path, format!("[{}] {}", e.class(), e.message())).with_cause(e))?;
            let file_schema = reader_meta.schema().clone();
            let found: Vec<Option<usize>> = schema.fields().iter().map(|f| find_field(&file_schema, f.name())).collect();
            let mut roots: Vec<usize> = found.iter().flatten().copied().collect();
            roots.sort_unstable();
            roots.dedup();
            let positions = found.iter().map(|f| f.and_then(|r| roots.binary_search(&r).ok())).collect();
            let keep = prune_row_groups(&preds, table_schema, &reader_meta);
            for (rg, k) in keep.iter().enumerate() {
                total += 1;
                if *k {
                    read += 1;
                    units.push(((fi, rg), row_group_midpoint(reader_meta.metadata().row_group(rg))));
                }
            }
            pfiles.push(ParquetFile { meta: meta.clone(), reader_meta, roots, positions });
        }
        let file_sizes: Vec<u64> = files.iter().map(|f| f.size).collect();
        let split = max_split_bytes(file_sizes.iter().sum(), files.len(), target_partitions, max_partition_bytes);
        let partitions = split_row_groups(units, &file_sizes, split);
        Ok(ParquetScanExec {
            file_list: files,
            inner: Arc::new(Inner { files: pfiles, output: schema.clone(), schema, extras: ScanExtras::default() }),
            partitions,
            row_groups_total: total,
            row_groups_read: read,
            filters,
            fetch,
        })
    }

    /// Sets the output schema and the partition columns filled in (see [`ScanExtras`]).
    pub fn with_extras(mut self, output: SchemaRef, extras: ScanExtras) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.output = output;
            inner.extras = extras;
        }
        self
    }

    /// The row groups each partition reads.
    pub fn partitions(&self) -> &[Vec<RowGroupChunk>] {
        &self.partitions
    }

    /// (row groups read, row groups in the files).
    pub fn row_group_counts(&self) -> (usize, usize) {
        (self.row_groups_read, self.row_groups_total)
    }
}

/// Puts the file's columns in output order and types.
fn to_output(batch: RecordBatch, file: &ParquetFile, schema: &SchemaRef) -> Result<RecordBatch> {
    let rows = batch.num_rows();
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, pos) in schema.fields().iter().zip(&file.positions) {
        let col = match pos.and_then(|p| batch.columns().get(p)) {
            Some(c) if c.data_type() == field.data_type() => c.clone(),
            Some(c) => cast(c, field.data_type()).map_err(|e| parquet_error(&file.meta.path, format!("column {}: {e}", field.name())))?,
            None => new_null_array(field.data_type(), rows),
        };
        cols.push(col);
    }
    let opts = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(schema.clone(), cols, &opts)?)
}

/// Batches of row counts only, from the footer: no column is read, the file is not opened.
fn count_only_batches(chunk: RowGroupChunk, inner: Arc<Inner>) -> Result<BatchIter> {
    let file = inner.files.get(chunk.file).ok_or_else(|| Error::internal("parquet chunk names no file"))?;
    let path = file.meta.path.clone();
    let counts: Vec<usize> =
        chunk.row_groups.iter().map(|&rg| file.reader_meta.metadata().row_group(rg).num_rows().max(0) as usize).collect();
    Ok(Box::new(counts.into_iter().filter(|n| *n > 0).map(move |n| {
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        let batch = RecordBatch::try_new_with_options(inner.schema.clone(), vec![], &opts)?;
        inner.extras.finish(batch, &path, &inner.output)
    })))
}

/// Where Spark places a row group: the middle of its bytes (`ParquetFileReader`
/// assigns a row group to the file split that holds its midpoint).
fn row_group_midpoint(rg: &parquet::file::metadata::RowGroupMetaData) -> u64 {
    let start = rg.columns().first().map_or(0, |c| c.dictionary_page_offset().unwrap_or_else(|| c.data_page_offset()));
    start.max(0) as u64 + rg.compressed_size().max(0) as u64 / 2
}

/// Spark's layout of Parquet reads: each file cut into byte ranges of `split` bytes, a
/// row group read by the range holding its midpoint, the ranges packed into partitions
/// as text splits are (`split::pack`, longest first). `row_groups` are `((file, row
/// group), midpoint)` in file order. Partitions without row groups are left out.
fn split_row_groups(row_groups: Vec<((usize, usize), u64)>, file_sizes: &[u64], split: u64) -> Vec<Vec<RowGroupChunk>> {
    let split = split.max(1);
    let mut ranges: Vec<(Vec<RowGroupChunk>, u64)> = Vec::new();
    let mut range_of: std::collections::HashMap<(usize, u64), usize> = std::collections::HashMap::new();
    for (fi, &size) in file_sizes.iter().enumerate() {
        for j in 0..size.div_ceil(split) {
            range_of.insert((fi, j), ranges.len());
            ranges.push((Vec::new(), (size - j * split).min(split)));
        }
    }
    for ((fi, rg), mid) in row_groups {
        let j = mid.min(file_sizes[fi].saturating_sub(1)) / split;
        let Some(&r) = range_of.get(&(fi, j)) else { continue };
        let chunks = &mut ranges[r].0;
        match chunks.last_mut() {
            Some(c) => c.row_groups.push(rg),
            None => chunks.push(RowGroupChunk { file: fi, row_groups: vec![rg] }),
        }
    }
    pack(ranges, split, OPEN_COST_BYTES)
        .into_iter()
        .map(|group| group.into_iter().flatten().collect::<Vec<_>>())
        .filter(|chunks: &Vec<RowGroupChunk>| !chunks.is_empty())
        .collect()
}

fn chunk_batches(chunk: RowGroupChunk, inner: Arc<Inner>, batch_size: usize, fetch: Option<usize>) -> Result<BatchIter> {
    if inner.schema.fields().is_empty() {
        return count_only_batches(chunk, inner);
    }
    inner.extras.opened();
    let file = inner.files.get(chunk.file).ok_or_else(|| Error::internal("parquet chunk names no file"))?;
    let path = &file.meta.path;
    let f = File::open(path).map_err(|e| parquet_error(path, e))?;
    let mask = ProjectionMask::roots(file.reader_meta.parquet_schema(), file.roots.iter().copied());
    let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(f, file.reader_meta.clone())
        .with_projection(mask)
        .with_row_groups(chunk.row_groups.clone())
        .with_batch_size(batch_size.max(1));
    if let Some(n) = fetch {
        builder = builder.with_limit(n);
    }
    let reader = builder.build().map_err(|e| parquet_error(path, e))?;
    let file_index = chunk.file;
    Ok(Box::new(reader.map(move |b| {
        let file = &inner.files[file_index];
        let b = b.map_err(|e| parquet_error(&file.meta.path, e))?;
        let b = to_output(b, file, &inner.schema)?;
        inner.extras.finish(b, &file.meta.path, &inner.output)
    })))
}

impl ExecutionPlan for ParquetScanExec {
    fn name(&self) -> &'static str {
        "ParquetScanExec"
    }

    fn details(&self) -> String {
        let extra = format!("RowGroups: {}/{}, ", self.row_groups_read, self.row_groups_total);
        self.inner.extras.explain(&self.inner.output, &self.inner.schema, &self.file_list, &self.filters, &extra)
    }

    fn schema(&self) -> SchemaRef {
        self.inner.output.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if !children.is_empty() {
            return Err(Error::internal("ParquetScanExec has no children"));
        }
        Ok(self)
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.partitions.len().max(1))
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if partition >= self.partitions.len().max(1) {
            return Err(Error::internal(format!("ParquetScanExec has no partition {partition}")));
        }
        let chunks = self.partitions.get(partition).cloned().unwrap_or_default();
        let inner = self.inner.clone();
        let (batch_size, fetch) = (ctx.batch_size(), self.fetch);
        let iter = chunks.into_iter().flat_map(move |c| match chunk_batches(c, inner.clone(), batch_size, fetch) {
            Ok(it) => it,
            Err(e) => Box::new(std::iter::once(Err(e))),
        });
        Ok(limit_iter(Box::new(iter), self.fetch))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn row_groups_go_to_the_split_holding_their_midpoint() {
        let rgs = vec![((0, 0), 50), ((1, 0), 40), ((1, 1), 150), ((1, 2), 160), ((1, 3), 290)];
        let chunk = |file, row_groups: Vec<usize>| RowGroupChunk { file, row_groups };
        let parts = split_row_groups(rgs.clone(), &[100, 300], 100);
        assert_eq!(parts, vec![vec![chunk(0, vec![0])], vec![chunk(1, vec![0])], vec![chunk(1, vec![1, 2])], vec![chunk(1, vec![3])]]);
        // Longer splits first: the second file's 250-byte split leads.
        let parts = split_row_groups(rgs, &[100, 300], 250);
        assert_eq!(parts, vec![vec![chunk(1, vec![0, 1, 2])], vec![chunk(0, vec![0])], vec![chunk(1, vec![3])]]);
    }
    use arrow::array::{Int32Array, StringArray, TimestampNanosecondArray};
    use arrow::datatypes::{DataType, Field, TimeUnit};
    use ember_plan::{col, lit};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    use crate::test_util::{collect, ctx, plan, rows, schema_string, table};
    use crate::FileFormat;

    use super::*;

    /// Writes `n` rows (a = 0..n, s = "s<a>", ts) in row groups of `rg` rows.
    fn write_parquet(path: &std::path::Path, n: i32, rg: usize) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int32, false),
            Field::new("s", DataType::Utf8, true),
            Field::new("ts", DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())), true),
        ]));
        let a = Int32Array::from((0..n).collect::<Vec<_>>());
        let s = StringArray::from((0..n).map(|i| if i % 5 == 4 { None } else { Some(format!("s{i}")) }).collect::<Vec<_>>());
        let ts = TimestampNanosecondArray::from((0..n).map(|i| i as i64 * 1_000_000_000).collect::<Vec<_>>()).with_timezone("UTC");
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(a), Arc::new(s), Arc::new(ts)]).unwrap();
        let props = WriterProperties::builder().set_max_row_group_row_count(Some(rg)).build();
        let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    #[test]
    fn reads_with_projection_and_spark_types() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_parquet(&p, 6, 100);
        let path = p.to_string_lossy().to_string();
        let t = table(FileFormat::Parquet, &[&path], &[]).unwrap();
        insta::assert_snapshot!(schema_string(&t), @"struct<a:int,s:string,ts:timestamp>");
        let ctx = ctx(None);
        let out = rows(&collect(&plan(t, Some(vec![2, 0]), vec![], None, &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out[1], "1970-01-01T00:00:01Z|1");
        assert_eq!(out.len(), 6);
        let t = table(FileFormat::Parquet, &[&path], &[]).unwrap();
        let out = rows(&collect(&plan(t, Some(vec![1]), vec![], Some(5), &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out, vec!["s0", "s1", "s2", "s3", "NULL"]);
    }

    fn scan_with(path: &str, filters: Vec<Expr>) -> (Arc<dyn ExecutionPlan>, (usize, usize)) {
        let ctx = ctx(None);
        let t = table(FileFormat::Parquet, &[path], &[]).unwrap();
        let scan = plan(t, None, filters, None, &ctx).unwrap();
        let counts = scan.as_any().downcast_ref::<ParquetScanExec>().unwrap().row_group_counts();
        (scan, counts)
    }

    #[test]
    fn prunes_row_groups_with_min_max() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_parquet(&p, 100, 10);
        let path = p.to_string_lossy().to_string();
        let ctx = ctx(None);
        let (scan, counts) = scan_with(&path, vec![col("a").gt_eq(lit(75))]);
        assert_eq!(counts, (3, 10));
        assert!(scan.details().contains("RowGroups: 3/10, ReadSchema"), "{}", scan.details());
        let out = collect(&scan, &ctx).unwrap();
        assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 30);
        assert_eq!(scan_with(&path, vec![col("a").eq(lit(5)).or(col("a").eq(lit(95)))]).1, (2, 10));
        let in_list = Expr::InList(ember_plan::expr::InList { expr: Box::new(col("a")), list: vec![lit(1), lit(42)], negated: false });
        assert_eq!(scan_with(&path, vec![in_list]).1, (2, 10));
        let cast = Expr::Cast(ember_plan::expr::Cast { expr: Box::new(col("a")), data_type: DataType::Int64, try_cast: false, interval_type: None });
        assert_eq!(scan_with(&path, vec![cast.lt(lit(10i64))]).1, (1, 10));
        // strings compare byte-wise: rg 0 (s0..s8) may hold "s55" too, rg 5 (s50..s58) does
        assert_eq!(scan_with(&path, vec![col("s").eq(lit("s55"))]).1, (2, 10));
        assert_eq!(scan_with(&path, vec![col("s").eq(lit("s95"))]).1, (1, 10));
        assert_eq!(scan_with(&path, vec![col("s").lt(lit("s1"))]).1, (1, 10));
        assert_eq!(scan_with(&path, vec![Expr::IsNull(Box::new(col("a")))]).1, (0, 10));
        assert_eq!(scan_with(&path, vec![Expr::IsNotNull(Box::new(col("s")))]).1, (10, 10));
        assert_eq!(scan_with(&path, vec![col("a").gt(lit(1000))]).1, (0, 10));
        assert_eq!(scan_with(&path, vec![col("a").not_eq(lit(3))]).1, (10, 10));
        let (empty, _) = scan_with(&path, vec![col("a").gt(lit(1000))]);
        assert_eq!(empty.output_partitioning().partition_count(), 1);
        assert!(collect(&empty, &ctx).unwrap().is_empty());
    }

    #[test]
    fn row_groups_spread_over_partitions_and_files() {
        let dir = tempfile::tempdir().unwrap();
        write_parquet(&dir.path().join("a.parquet"), 100, 10);
        write_parquet(&dir.path().join("b.parquet"), 50, 10);
        let d = dir.path().to_string_lossy().to_string();
        let t = table(FileFormat::Parquet, &[&d], &[]).unwrap();
        let small = ctx(Some(1));
        let scan = plan(t, Some(vec![]), vec![], None, &small).unwrap();
        assert_eq!(scan.output_partitioning().partition_count(), 15);
        let total: usize = collect(&scan, &small).unwrap().iter().map(|b| b.num_rows()).sum();
        assert_eq!(total, 150);
    }

    #[test]
    fn filter_pushdown_answers() {
        use ember_plan::{FilterPushdown, TableSource};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_parquet(&p, 3, 10);
        let t = table(FileFormat::Parquet, &[&p.to_string_lossy()], &[]).unwrap();
        assert_eq!(t.filter_pushdown(&col("a").gt(lit(1))), FilterPushdown::Inexact);
        assert_eq!(t.filter_pushdown(&col("a").gt(col("a"))), FilterPushdown::Unsupported);
        assert!(t.describe().starts_with("parquet ["));
        assert!(t.estimated_size_bytes().unwrap() > 0);
    }
}
