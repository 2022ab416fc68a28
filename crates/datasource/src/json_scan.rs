//! `JsonScanExec`: reads JSON-lines files split into line-aligned byte ranges with
//! arrow-json, a chunk of `batch_size` lines at a time; a malformed line fails the
//! query (FAILFAST) naming the file and its line.

use std::any::Any;
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use arrow::json::reader::Decoder;
use arrow::json::ReaderBuilder;
use ember_common::{Error, ErrorKind, Result};
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::Expr;

use crate::json_infer::is_blank;
use crate::listing::FileMeta;
use crate::scan_util::{filter_iter, fit_to_schema, limit_iter, scan_details};
use crate::split::{line_number_at, open_range, read_error, FileRange};

/// Scans JSON-lines files. Output schema: the projected columns, in projection order.
#[derive(Debug)]
pub struct JsonScanExec {
    files: Vec<Arc<FileMeta>>,
    partitions: Vec<Vec<FileRange>>,
    schema: SchemaRef,
    filters: Vec<Expr>,
    fetch: Option<usize>,
}

impl JsonScanExec {
    /// `schema` is the projected output schema: arrow-json only decodes those fields.
    pub fn new(files: Vec<Arc<FileMeta>>, partitions: Vec<Vec<FileRange>>, schema: SchemaRef, filters: Vec<Expr>, fetch: Option<usize>) -> Self {
        JsonScanExec { files, partitions, schema, filters, fetch }
    }

    pub fn partitions(&self) -> &[Vec<FileRange>] {
        &self.partitions
    }
}

fn decoder(schema: &SchemaRef, batch_size: usize) -> Result<Decoder> {
    Ok(ReaderBuilder::new(schema.clone()).with_batch_size(batch_size.max(1)).with_coerce_primitive(true).build_decoder()?)
}

/// Decodes a chunk of whole lines into batches.
fn decode_chunk(schema: &SchemaRef, chunk: &[u8], batch_size: usize, out: &mut VecDeque<RecordBatch>) -> Result<()> {
    let mut dec = decoder(schema, batch_size)?;
    let mut rest = chunk;
    loop {
        let n = dec.decode(rest)?;
        rest = &rest[n..];
        if rest.is_empty() {
            if dec.has_partial_record() {
                return Err(Error::invalid_argument("Unexpected end of JSON record"));
            }
            if let Some(b) = dec.flush()? {
                out.push_back(b);
            }
            return Ok(());
        }
        if n == 0 {
            // the decoder is full: emit what it holds and go on
            match dec.flush()? {
                Some(b) => out.push_back(b),
                None => return Err(Error::invalid_argument("JSON decoder made no progress")),
            }
        }
    }
}

/// Reads one range, `batch_size` lines per chunk.
struct RangeLines {
    reader: Box<dyn BufRead + Send>,
    range: FileRange,
    first_line_start: u64,
    schema: SchemaRef,
    batch_size: usize,
    /// lines read so far in this range (blank ones included)
    lines_read: u64,
    ready: VecDeque<RecordBatch>,
}

impl RangeLines {
    fn malformed(&self, chunk: &[u8], chunk_first_line: u64, err: Error) -> Error {
        let path = self.range.file.path.clone();
        let mut message = err.message();
        let mut line = 0;
        for (i, l) in chunk.split(|b| *b == b'\n').enumerate() {
            let mut scratch = VecDeque::new();
            if let Err(e) = decode_chunk(&self.schema, l, 1, &mut scratch) {
                message = e.message();
                let base = line_number_at(&path, self.first_line_start).unwrap_or(1);
                line = base + chunk_first_line + i as u64;
                break;
            }
        }
        Error::new(ErrorKind::MalformedRecord { file: path, line, message })
    }

    fn next_chunk(&mut self) -> Result<bool> {
        let mut chunk = Vec::new();
        let chunk_first_line = self.lines_read;
        let mut records = 0;
        let mut line = Vec::new();
        while records < self.batch_size {
            line.clear();
            let n = self.reader.read_until(b'\n', &mut line).map_err(|e| read_error(&self.range.file.path, e))?;
            if n == 0 {
                break;
            }
            self.lines_read += 1;
            // blank lines keep their place so line numbers stay right
            if !is_blank(&line) {
                records += 1;
            }
            chunk.extend_from_slice(&line);
            if !line.ends_with(b"\n") {
                chunk.push(b'\n');
            }
        }
        if chunk.is_empty() {
            return Ok(false);
        }
        let mut out = VecDeque::new();
        match decode_chunk(&self.schema, &chunk, self.batch_size, &mut out) {
            Ok(()) => {
                self.ready.extend(out);
                Ok(true)
            }
            Err(e) => Err(self.malformed(&chunk, chunk_first_line, e)),
        }
    }
}

impl Iterator for RangeLines {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(b) = self.ready.pop_front() {
                return Some(fit_to_schema(b, &self.schema));
            }
            match self.next_chunk() {
                Ok(true) => continue,
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

fn range_batches(range: FileRange, schema: SchemaRef, batch_size: usize) -> BatchIter {
    match open_range(&range) {
        Ok(open) => Box::new(RangeLines {
            reader: open.reader,
            range,
            first_line_start: open.first_line_start,
            schema,
            batch_size: batch_size.max(1),
            lines_read: 0,
            ready: VecDeque::new(),
        }),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}

impl ExecutionPlan for JsonScanExec {
    fn name(&self) -> &'static str {
        "JsonScanExec"
    }

    fn details(&self) -> String {
        scan_details(&self.schema, &self.files, &self.filters, "")
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if !children.is_empty() {
            return Err(Error::internal("JsonScanExec has no children"));
        }
        Ok(self)
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.partitions.len().max(1))
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if partition >= self.partitions.len().max(1) {
            return Err(Error::internal(format!("JsonScanExec has no partition {partition}")));
        }
        let ranges = self.partitions.get(partition).cloned().unwrap_or_default();
        let schema = self.schema.clone();
        let batch_size = ctx.batch_size();
        let iter = ranges.into_iter().flat_map(move |r| range_batches(r, schema.clone(), batch_size));
        let filtered = filter_iter(Box::new(iter), &self.filters, &self.schema, ctx)?;
        Ok(limit_iter(filtered, self.fetch))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{DataType, Field, Schema};

    use crate::test_util::{collect, ctx, plan, rows, schema_string, table, write};
    use crate::{FileFormat, FileTable, ReadOptions};

    use super::*;

    #[test]
    fn nested_struct_sorted_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "t.json",
            "{\"name\": \"a\", \"info\": {\"z\": 1, \"b\": [1, 2]}, \"x\": 1.5}\n\n{\"name\": \"b\", \"x\": 2, \"extra\": null}\n",
        );
        let t = table(FileFormat::Json, &[&p], &[]).unwrap();
        insta::assert_snapshot!(schema_string(&t), @"struct<extra:string,info:struct<b:array<bigint>,z:bigint>,name:string,x:double>");
        let ctx = ctx(None);
        let out = rows(&collect(&plan(t, Some(vec![2, 1, 3]), vec![], None, &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out, vec!["a|{b: [1, 2], z: 1}|1.5", "b|NULL|2.0"]);
    }

    fn json_lines(dir: &std::path::Path, n: usize, bad_line: Option<usize>) -> String {
        let mut text = String::new();
        for line in 1..=n {
            if Some(line) == bad_line {
                text.push_str("{\"a\": \n");
            } else {
                text.push_str(&format!("{{\"a\": {line}, \"s\": \"v{line}\"}}\n"));
            }
        }
        write(dir, "n.json", &text)
    }

    fn typed(path: &str) -> FileTable {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("s", DataType::Utf8, true)]));
        FileTable::try_new(FileFormat::Json, vec![path.to_string()], ReadOptions::new(), Some(schema)).unwrap()
    }

    #[test]
    fn splits_give_the_same_rows_and_fetch_stops() {
        let dir = tempfile::tempdir().unwrap();
        let p = json_lines(dir.path(), 200, None);
        let one = ctx(None);
        let expected = rows(&collect(&plan(typed(&p), None, vec![], None, &one).unwrap(), &one).unwrap());
        assert_eq!(expected.len(), 200);
        let small = ctx(Some(300));
        let split = plan(typed(&p), None, vec![], None, &small).unwrap();
        assert!(split.output_partitioning().partition_count() > 5);
        assert_eq!(rows(&collect(&split, &small).unwrap()), expected);
        let fetched = plan(typed(&p), Some(vec![1]), vec![], Some(2), &one).unwrap();
        assert_eq!(rows(&collect(&fetched, &one).unwrap()), vec!["v1", "v2"]);
        let count = plan(typed(&p), Some(vec![]), vec![], None, &one).unwrap();
        assert_eq!(collect(&count, &one).unwrap().iter().map(|b| b.num_rows()).sum::<usize>(), 200);
    }

    #[test]
    fn malformed_line_in_a_later_split() {
        let dir = tempfile::tempdir().unwrap();
        let p = json_lines(dir.path(), 200, Some(170));
        let small = ctx(Some(300));
        let err = collect(&plan(typed(&p), None, vec![], None, &small).unwrap(), &small).unwrap_err();
        match err.kind() {
            ErrorKind::MalformedRecord { file, line, .. } => assert_eq!((file.as_str(), *line), (p.as_str(), 170)),
            other => panic!("{other:?}"),
        }
        let bad_type = write(dir.path(), "b.json", "{\"a\": 1}\n{\"a\": \"x\"}\n");
        let err = collect(&plan(typed(&bad_type), None, vec![], None, &small).unwrap(), &small).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::MalformedRecord { line: 2, .. }), "{err}");
    }
}
