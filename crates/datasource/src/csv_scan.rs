//! `CsvScanExec`: reads CSV files split into line-aligned byte ranges, one group of
//! ranges per partition, with arrow-csv; only the first range of a file skips the header.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result};
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::Expr;

use crate::csv_lines::{locate_error, CsvReadSpec};
use crate::csv_options::CsvOptions;
use crate::listing::FileMeta;
use crate::scan_util::{filter_iter, fit_to_schema, limit_iter, scan_details};
use crate::split::{open_range, FileRange};

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
    /// every column of the files, as arrow-csv parses them
    file_schema: SchemaRef,
    projection: Vec<usize>,
    schema: SchemaRef,
    opts: CsvOptions,
}

impl CsvScanExec {
    /// `partitions` come from [`crate::split::plan_text_partitions`]; `projection`
    /// indexes `file_schema` and `schema` is the projected output schema.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        files: Vec<Arc<FileMeta>>,
        partitions: Vec<Vec<FileRange>>,
        file_schema: SchemaRef,
        projection: Vec<usize>,
        schema: SchemaRef,
        opts: CsvOptions,
        filters: Vec<Expr>,
        fetch: Option<usize>,
    ) -> Self {
        CsvScanExec { files, partitions, inner: Arc::new(Inner { file_schema, projection, schema, opts }), filters, fetch }
    }

    /// The byte ranges each partition reads.
    pub fn partitions(&self) -> &[Vec<FileRange>] {
        &self.partitions
    }
}

fn range_batches(range: FileRange, inner: Arc<Inner>, batch_size: usize) -> BatchIter {
    let header = inner.opts.header && range.start == 0;
    let reader = open_range(&range).and_then(|open| {
        Ok(inner
            .opts
            .reader_builder(inner.file_schema.clone(), header, batch_size)
            .with_projection(inner.projection.clone())
            .build_buffered(open.reader)?)
    });
    let mut reader = match reader {
        Ok(r) => r,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let mut rows_before = 0usize;
    Box::new(std::iter::from_fn(move || match reader.next()? {
        Ok(batch) => {
            rows_before += batch.num_rows();
            Some(fit_to_schema(batch, &inner.schema))
        }
        Err(e) => {
            let spec = CsvReadSpec {
                range: &range,
                opts: &inner.opts,
                schema: &inner.file_schema,
                projection: Some(&inner.projection),
                header,
            };
            Some(Err(locate_error(e, &spec, rows_before)))
        }
    }))
}

impl ExecutionPlan for CsvScanExec {
    fn name(&self) -> &'static str {
        "CsvScanExec"
    }

    fn details(&self) -> String {
        scan_details(&self.inner.schema, &self.files, &self.filters, "")
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

    fn malformed_line(err: &Error) -> (String, u64) {
        match err.kind() {
            ErrorKind::MalformedRecord { file, line, .. } => (file.clone(), *line),
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
        let t = table(FileFormat::Csv, &[&p], &opts).unwrap();
        insta::assert_snapshot!(schema_string(&t), @"struct<a:string,b:string,c:int>");
        let ctx = ctx(None);
        let out = rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out, vec!["x;y|NULL|1", "it's|NULL|NULL", "multi\nline|z|3"]);
    }

    fn int_table(paths: &[&str], header: bool) -> FileTable {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, false), Field::new("b", DataType::Int32, true)]));
        let opts = ReadOptions::new().with("header", header.to_string());
        FileTable::try_new(FileFormat::Csv, paths.iter().map(|p| p.to_string()).collect(), opts, Some(schema)).unwrap()
    }

    #[test]
    fn malformed_rows_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad_value = write(dir.path(), "v.csv", "a,b\n1,2\n\n3,x\n");
        let ctx = ctx(None);
        let err = collect(&plan(int_table(&[&bad_value], true), None, vec![], None, &ctx).unwrap(), &ctx).unwrap_err();
        assert_eq!(err.class(), "MALFORMED_RECORD_IN_PARSING");
        assert_eq!(malformed_line(&err), (bad_value.clone(), 4));
        assert!(err.message().contains("column `b`"), "{err}");
        let bad_count = write(dir.path(), "c.csv", "1,2\n\"q\nq\",2\n3,4,5\n");
        let err = collect(&plan(int_table(&[&bad_count], false), None, vec![], None, &ctx).unwrap(), &ctx).unwrap_err();
        assert_eq!(malformed_line(&err), (bad_count, 4));
        let bad_decimal = write(dir.path(), "d.csv", "1.5\n2.25\nabc\n");
        let schema = Arc::new(Schema::new(vec![Field::new("d", DataType::Decimal128(5, 2), true)]));
        let t = FileTable::try_new(FileFormat::Csv, vec![bad_decimal.clone()], ReadOptions::new(), Some(schema)).unwrap();
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
        assert_eq!(rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap()), vec!["1", "2", "3"]);
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
