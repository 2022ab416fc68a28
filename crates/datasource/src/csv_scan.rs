//! `CsvScanExec`: reads CSV files split into line-aligned byte ranges, one group of
//! ranges per partition; only the first range of a file skips the header. Records are
//! split as Spark's parser splits them ([`crate::csv_tokenizer`]) and the columns the
//! query reads converted one by one; malformed records (values that do not parse, wrong
//! field counts) go through the parse mode.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, RecordBatch, StringArray, StringBuilder};
use arrow::compute::filter_record_batch;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatchOptions;
use ember_common::{Error, Result};
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::Expr;

use crate::bad_records::{handle_bad, BadRecord, BadRecordSink, Verdict};
use crate::csv_convert::{convert_column, failed_rows, parse_failure};
use crate::csv_options::CsvOptions;
use crate::csv_records::{CsvRecord, CsvRecords};
use crate::listing::FileMeta;
use crate::scan_util::{filter_iter, limit_iter, ScanExtras};
use crate::split::{open_range, FileRange};

/// A column the CSV reader produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvColumn {
    /// field `i` of the records (a column of the file schema)
    Field(usize),
    /// the corrupt-record column: the raw text of malformed records
    Corrupt,
}

/// Scans CSV files. Output schema: the projected columns, in projection order.
#[derive(Debug)]
pub struct CsvScanExec {
    files: Vec<Arc<FileMeta>>,
    partitions: Vec<Vec<FileRange>>,
    inner: Arc<Inner>,
    filters: Vec<Expr>,
    fetch: Option<usize>,
}

#[derive(Debug)]
struct Inner {
    /// the fields of the records, in file order (no corrupt-record column)
    file_schema: SchemaRef,
    columns: Vec<CsvColumn>,
    /// the schema of what the reader produces (`columns`)
    read_schema: SchemaRef,
    /// the scan's output schema (with partition columns)
    schema: SchemaRef,
    opts: CsvOptions,
    sink: Option<Arc<BadRecordSink>>,
    extras: ScanExtras,
}

impl CsvScanExec {
    /// `partitions` come from [`crate::split::plan_text_partitions`]; `columns` are what
    /// to read (fields of `file_schema` or the corrupt-record column), `read_schema` their
    /// schema, and `schema` the output schema (`extras.fill` adds partition columns).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        files: Vec<Arc<FileMeta>>,
        partitions: Vec<Vec<FileRange>>,
        file_schema: SchemaRef,
        columns: Vec<CsvColumn>,
        read_schema: SchemaRef,
        schema: SchemaRef,
        opts: CsvOptions,
        filters: Vec<Expr>,
        fetch: Option<usize>,
        extras: ScanExtras,
    ) -> Self {
        let sink = opts.bad_records_path.as_deref().map(|p| Arc::new(BadRecordSink::new(p)));
        let inner = Inner { file_schema, columns, read_schema, schema, opts, sink, extras };
        CsvScanExec { files, partitions, inner: Arc::new(inner), filters, fetch }
    }

    /// The byte ranges each partition reads.
    pub fn partitions(&self) -> &[Vec<FileRange>] {
        &self.partitions
    }

    /// Rows written to `badRecordsPath` so far.
    pub fn bad_records_written(&self) -> u64 {
        self.inner.sink.as_ref().map(|s| s.written()).unwrap_or(0)
    }
}

/// Reads one range into batches of `batch_size` records.
struct RangeBatches {
    records: CsvRecords,
    inner: Arc<Inner>,
    batch_size: usize,
    pool: Vec<CsvRecord>,
    done: bool,
}

impl RangeBatches {
    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        loop {
            if self.done {
                return Ok(None);
            }
            let mut n = 0;
            while n < self.batch_size {
                if self.pool.len() <= n {
                    self.pool.push(CsvRecord::default());
                }
                if !self.records.next_into(&mut self.pool[n])? {
                    self.done = true;
                    break;
                }
                n += 1;
            }
            if n == 0 {
                return Ok(None);
            }
            let batch = self.convert(n)?;
            if batch.num_rows() > 0 || self.inner.read_schema.fields().is_empty() {
                let path = self.records.path().to_string();
                return Ok(Some(self.inner.extras.finish(batch, &path, &self.inner.schema)?));
            }
        }
    }

    /// Converts the first `n` pooled records, applying the parse mode.
    fn convert(&mut self, n: usize) -> Result<RecordBatch> {
        let inner = self.inner.clone();
        let opts = &inner.opts;
        let records = &self.pool[..n];
        let wants_corrupt = inner.columns.contains(&CsvColumn::Corrupt);
        let field_count = inner.file_schema.fields().len();
        // As Spark's CSV column pruning: only the columns the query reads are parsed, and
        // a record's field count is checked only when all of them are read.
        let mut parsed: Vec<usize> = Vec::new();
        for c in &inner.columns {
            if let CsvColumn::Field(i) = c {
                if !parsed.contains(i) {
                    parsed.push(*i);
                }
            }
        }
        let check_counts = field_count > 0 && parsed.len() == field_count;
        if parsed.is_empty() {
            let opts = RecordBatchOptions::new().with_row_count(Some(n));
            let cols: Vec<ArrayRef> = inner.columns.iter().map(|_| Arc::new(StringArray::new_null(n)) as ArrayRef).collect();
            return Ok(RecordBatch::try_new_with_options(inner.read_schema.clone(), cols, &opts)?);
        }
        let mut reasons: Vec<Option<String>> = vec![None; n];
        if check_counts {
            for (r, rec) in records.iter().enumerate() {
                if rec.fields.len() != field_count {
                    reasons[r] = Some(format!("Malformed CSV record: expected {field_count} fields, found {}", rec.fields.len()));
                }
            }
        }
        let mut typed: Vec<Option<ArrayRef>> = vec![None; field_count];
        for &f in &parsed {
            let mut b = StringBuilder::with_capacity(n, n * 8);
            for rec in records {
                b.append_option(rec.value(f, opts));
            }
            let strings = b.finish();
            let field = inner.file_schema.field(f);
            let col = convert_column(&strings, field.data_type(), opts)?;
            for r in failed_rows(&strings, col.as_ref()) {
                if reasons[r].is_none() {
                    reasons[r] = Some(parse_failure(strings.value(r), field.data_type(), field.name(), opts.date_format.as_ref(), opts.timestamp_format.as_ref()));
                }
            }
            typed[f] = Some(col);
        }
        let mut keep: Option<Vec<bool>> = None;
        let mut corrupt: Vec<Option<String>> = vec![None; if wants_corrupt { n } else { 0 }];
        for (r, reason) in reasons.into_iter().enumerate() {
            let Some(reason) = reason else { continue };
            let rec = &records[r];
            let bad = BadRecord {
                file: self.records.path().to_string(),
                line: self.records.file_line(rec.line),
                byte_offset: self.records.file_offset(rec.byte),
                reason,
                record: rec.raw.clone(),
            };
            match handle_bad(opts.mode, inner.sink.as_deref(), bad)? {
                Verdict::Keep => {
                    if wants_corrupt {
                        corrupt[r] = Some(rec.raw.clone());
                    }
                }
                Verdict::Drop => keep.get_or_insert_with(|| vec![true; n])[r] = false,
            }
        }
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(inner.columns.len());
        for c in &inner.columns {
            cols.push(match c {
                CsvColumn::Field(f) => typed[*f].clone().ok_or_else(|| Error::internal("CSV column not parsed"))?,
                CsvColumn::Corrupt => Arc::new(StringArray::from(corrupt.clone())),
            });
        }
        let batch_opts = RecordBatchOptions::new().with_row_count(Some(n));
        let batch = RecordBatch::try_new_with_options(inner.read_schema.clone(), cols, &batch_opts)?;
        match keep {
            None => Ok(batch),
            Some(k) => Ok(filter_record_batch(&batch, &BooleanArray::from(k))?),
        }
    }
}

impl Iterator for RangeBatches {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_batch() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn range_batches(range: FileRange, inner: Arc<Inner>, batch_size: usize) -> BatchIter {
    let header = inner.opts.header && range.start == 0;
    inner.extras.opened();
    match open_range(&range).and_then(|open| CsvRecords::new(open, &range.file.path, &inner.opts, header)) {
        Ok(records) => Box::new(RangeBatches { records, inner, batch_size: batch_size.max(1), pool: Vec::new(), done: false }),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}

impl ExecutionPlan for CsvScanExec {
    fn name(&self) -> &'static str {
        "CsvScanExec"
    }

    fn details(&self) -> String {
        self.inner.extras.explain(&self.inner.schema, &self.inner.read_schema, &self.files, &self.filters, "")
    }

    fn schema(&self) -> SchemaRef {
        self.inner.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if !children.is_empty() {
            return Err(Error::internal("CsvScanExec has no children"));
        }
        Ok(self)
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.partitions.len().max(1))
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if partition >= self.partitions.len().max(1) {
            return Err(Error::internal(format!("CsvScanExec has no partition {partition}")));
        }
        let ranges = self.partitions.get(partition).cloned().unwrap_or_default();
        let inner = self.inner.clone();
        let batch_size = ctx.batch_size();
        let iter = ranges.into_iter().flat_map(move |r| range_batches(r, inner.clone(), batch_size));
        let filtered = filter_iter(Box::new(iter), &self.filters, &self.inner.schema, ctx)?;
        Ok(limit_iter(filtered, self.fetch))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use arrow::datatypes::{DataType, Field, Schema};
    use ember_common::ErrorKind;

    use crate::test_util::{collect, ctx, plan, rows, schema_string, table, write};
    use crate::{FileFormat, FileTable, ReadOptions};

    use super::*;

    /// The file and line of a FAILFAST error (`FAILED_READ_FILE.NO_HINT` caused by the
    /// malformed record).
    fn malformed_line(err: &Error) -> (String, u64) {
        assert_eq!(err.class(), "FAILED_READ_FILE.NO_HINT", "{err}");
        match err.cause().map(|c| c.kind()) {
            Some(ErrorKind::MalformedRecord { file, line, .. }) => (file.clone(), *line),
            other => panic!("not a malformed record: {other:?}"),
        }
    }

    #[test]
    fn infers_spark_types_with_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "t.csv",
            "i,b,d,bo,dt,ts,s,n\n1,3000000000,1.5,true,2024-01-02,2024-01-02 03:04:05,x,\n-2,,2,FALSE,,2024-01-02 03:04:05.5,y,\n",
        );
        let t = table(FileFormat::Csv, &[&p], &[("header", "true"), ("inferSchema", "true")]).unwrap();
        insta::assert_snapshot!(schema_string(&t), @"struct<i:int,b:bigint,d:double,bo:boolean,dt:date,ts:timestamp,s:string,n:string>");
        let ctx = ctx(None);
        let out = rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out, vec![
            "1|3000000000|1.5|true|2024-01-02|2024-01-02T03:04:05Z|x|NULL",
            "-2|NULL|2.0|false|NULL|2024-01-02T03:04:05.500Z|y|NULL",
        ]);
    }

    #[test]
    fn no_header_all_strings() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "t.csv", "1,a\n2,\n");
        let t = table(FileFormat::Csv, &[&p], &[]).unwrap();
        insta::assert_snapshot!(schema_string(&t), @"struct<_c0:string,_c1:string>");
        let ctx = ctx(None);
        assert_eq!(rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap()), vec!["1|a", "2|NULL"]);
    }

    #[test]
    fn delimiter_quote_escape_null_value() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "t.csv", "a;b;c\n'x;y';NA;1\n'it\\'s';'';NA\n# comment\n'multi\nline';z;3\n");
        let opts = [("header", "true"), ("sep", ";"), ("quote", "'"), ("nullValue", "NA"), ("inferSchema", "true"), ("comment", "#")];
        let ctx = ctx(None);
        // records are lines: the quoted line end splits the last record (as in Spark)
        let t = table(FileFormat::Csv, &[&p], &opts).unwrap();
        insta::assert_snapshot!(schema_string(&t), @"struct<a:string,b:string,c:int>");
        let out = rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out, vec!["x;y|NULL|1", "it's||NULL", "multi|NULL|NULL", "line'|z|3"]);
        // with multiLine it is one record; an empty quoted value is not the nullValue
        let t = table(FileFormat::Csv, &[&p], &[opts.as_slice(), &[("multiLine", "true")]].concat()).unwrap();
        insta::assert_snapshot!(schema_string(&t), @"struct<a:string,b:string,c:int>");
        let out = rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out, vec!["x;y|NULL|1", "it's||NULL", "multi\nline|z|3"]);
    }

    fn int_table(paths: &[&str], header: bool) -> FileTable {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, false), Field::new("b", DataType::Int32, true)]));
        let opts = ReadOptions::new().with("header", header.to_string()).with("mode", "FAILFAST");
        FileTable::try_new(FileFormat::Csv, paths.iter().map(|p| p.to_string()).collect(), opts, Some(schema)).unwrap()
    }

    #[test]
    fn malformed_rows_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad_value = write(dir.path(), "v.csv", "a,b\n1,2\n\n3,x\n");
        let ctx = ctx(None);
        let err = collect(&plan(int_table(&[&bad_value], true), None, vec![], None, &ctx).unwrap(), &ctx).unwrap_err();
        assert_eq!(malformed_line(&err), (bad_value.clone(), 4));
        assert!(err.message().contains("column `b`"), "{err}");
        let bad_count = write(dir.path(), "c.csv", "1,2\n\"q\nq\",2\n3,4,5\n");
        let err = collect(&plan(int_table(&[&bad_count], false), None, vec![], None, &ctx).unwrap(), &ctx).unwrap_err();
        assert_eq!(malformed_line(&err), (bad_count, 2));
        let bad_count = write(dir.path(), "c2.csv", "1,2\n\"3\",2\n3,4,5\n");
        let err = collect(&plan(int_table(&[&bad_count], false), None, vec![], None, &ctx).unwrap(), &ctx).unwrap_err();
        assert!(err.message().contains("expected 2 fields, found 3"), "{err}");
        let bad_decimal = write(dir.path(), "d.csv", "1.5\n2.25\nabc\n");
        let schema = Arc::new(Schema::new(vec![Field::new("d", DataType::Decimal128(5, 2), true)]));
        let t = FileTable::try_new(FileFormat::Csv, vec![bad_decimal.clone()], ReadOptions::new().with("mode", "FAILFAST"), Some(schema)).unwrap();
        let err = collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap_err();
        assert_eq!(malformed_line(&err), (bad_decimal, 3));
    }

    fn numbers_csv(dir: &std::path::Path, n: usize, bad_line: Option<usize>) -> String {
        let mut text = String::from("a,b\n");
        for i in 1..n {
            let line = i + 1;
            if Some(line) == bad_line {
                text.push_str(&format!("{i},oops\n"));
            } else {
                text.push_str(&format!("{i},{}\n", i * 10));
            }
        }
        write(dir, "n.csv", &text)
    }

    #[test]
    fn byte_ranges_give_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = numbers_csv(dir.path(), 300, None);
        let one = ctx(None);
        let whole = plan(int_table(&[&p], true), None, vec![], None, &one).unwrap();
        assert_eq!(whole.output_partitioning().partition_count(), 1);
        let expected = rows(&collect(&whole, &one).unwrap());
        assert_eq!(expected.len(), 299);
        let small = ctx(Some(100));
        let split = plan(int_table(&[&p], true), None, vec![], None, &small).unwrap();
        assert!(split.output_partitioning().partition_count() > 10);
        assert_eq!(rows(&collect(&split, &small).unwrap()), expected);
    }

    #[test]
    fn malformed_row_in_a_later_split() {
        let dir = tempfile::tempdir().unwrap();
        let p = numbers_csv(dir.path(), 300, Some(250));
        let small = ctx(Some(100));
        let err = collect(&plan(int_table(&[&p], true), None, vec![], None, &small).unwrap(), &small).unwrap_err();
        assert_eq!(malformed_line(&err), (p, 250));
    }

    #[test]
    fn projection_fetch_and_counting() {
        let dir = tempfile::tempdir().unwrap();
        let p = numbers_csv(dir.path(), 11, None);
        let ctx = ctx(None);
        let scan = plan(int_table(&[&p], true), Some(vec![1, 0]), vec![], Some(3), &ctx).unwrap();
        assert_eq!(rows(&collect(&scan, &ctx).unwrap()), vec!["10|1", "20|2", "30|3"]);
        assert!(scan.details().starts_with("[b, a] Location: ["), "{}", scan.details());
        assert!(scan.details().ends_with("PushedFilters: [], ReadSchema: struct<b:int,a:int>"), "{}", scan.details());
        let count = plan(int_table(&[&p], true), Some(vec![]), vec![], None, &ctx).unwrap();
        let batches = collect(&count, &ctx).unwrap();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 10);
    }

    #[test]
    fn directories_globs_gzip_and_empty_inputs() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "1.csv", "x\n1\n");
        write(dir.path(), "2.csv", "x\n2\n");
        write(dir.path(), "_SUCCESS", "");
        let gz = dir.path().join("3.csv.gz");
        let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::default());
        enc.write_all(b"x\n3\n").unwrap();
        enc.finish().unwrap();
        let ctx = ctx(None);
        let d = dir.path().to_string_lossy().to_string();
        let t = table(FileFormat::Csv, &[&d], &[("header", "true"), ("inferSchema", "true")]).unwrap();
        assert_eq!(t.files().len(), 3);
        // Splits are read longest first, as Spark packs them: the gzip file is the longest.
        assert_eq!(rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap()), vec!["3", "1", "2"]);
        let glob = format!("{d}/[12].csv");
        let t = table(FileFormat::Csv, &[&glob], &[("header", "true")]).unwrap();
        assert_eq!(rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap()), vec!["1", "2"]);

        let empty = tempfile::tempdir().unwrap();
        let e = empty.path().to_string_lossy().to_string();
        assert_eq!(table(FileFormat::Csv, &[&e], &[]).unwrap_err().class(), "UNABLE_TO_INFER_SCHEMA");
        let scan = plan(int_table(&[&e], true), None, vec![], None, &ctx).unwrap();
        assert_eq!(scan.output_partitioning().partition_count(), 1);
        assert!(collect(&scan, &ctx).unwrap().is_empty());
        let missing = format!("{e}/missing.csv");
        assert_eq!(table(FileFormat::Csv, &[&missing], &[]).unwrap_err().class(), "PATH_NOT_FOUND");
    }

    #[test]
    fn several_batches_per_partition() {
        let dir = tempfile::tempdir().unwrap();
        let p = numbers_csv(dir.path(), 25, None);
        let mut config = ember_common::Config::new();
        config.set(ember_common::config::keys::BATCH_SIZE, "7").unwrap();
        let ctx = TaskContext::new(Arc::new(config));
        let batches = collect(&plan(int_table(&[&p], true), None, vec![], None, &ctx).unwrap(), &ctx).unwrap();
        assert_eq!(batches.iter().map(|b| b.num_rows()).collect::<Vec<_>>(), vec![7, 7, 7, 3]);
    }
}
