//! `JsonScanExec`: reads JSON files with arrow-json, a chunk of `batch_size` records at
//! a time: JSON Lines split into line-aligned byte ranges, or with `multiLine` whole
//! files holding one document. A chunk that fails to decode is decoded record by record
//! so each malformed record goes through the parse mode (PERMISSIVE: the fields that fit
//! the schema, NULL for the others — all NULL if the text is not a JSON object — and the
//! text in the corrupt-record column; DROPMALFORMED; FAILFAST naming file and line).

use std::any::Any;
use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::{new_null_array, ArrayRef, RecordBatch, StringArray};
use arrow::compute::concat_batches;
use arrow::compute::filter_record_batch;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::json::reader::Decoder;
use arrow::json::ReaderBuilder;
use arrow::record_batch::RecordBatchOptions;
use ember_common::{Error, Result};
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use ember_plan::Expr;

use crate::bad_records::{handle_bad, BadRecord, BadRecordSink, Verdict};
use crate::csv_convert::{failed_rows, parse_datetimes, parse_failure};
use crate::json_infer::JsonOptions;
use crate::json_records::{multi_line_records, JsonLines, JsonRecord};
use crate::listing::FileMeta;
use crate::scan_util::{filter_iter, limit_iter, ScanExtras};
use crate::split::{line_number_at, open_range, FileRange};

/// A column the JSON reader produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonColumn {
    /// field `i` of the decoded schema
    Field(usize),
    /// the corrupt-record column
    Corrupt,
}

/// Scans JSON files. Output schema: the projected columns, in projection order.
#[derive(Debug)]
pub struct JsonScanExec {
    files: Vec<Arc<FileMeta>>,
    partitions: Vec<Vec<FileRange>>,
    inner: Arc<Inner>,
    filters: Vec<Expr>,
    fetch: Option<usize>,
}

#[derive(Debug)]
struct Inner {
    /// what arrow-json decodes
    decode_schema: SchemaRef,
    columns: Vec<JsonColumn>,
    read_schema: SchemaRef,
    schema: SchemaRef,
    opts: JsonOptions,
    sink: Option<Arc<BadRecordSink>>,
    extras: ScanExtras,
    /// decoded fields read as text and parsed with `dateFormat` / `timestampFormat`: (index, type)
    formatted: Vec<(usize, DataType)>,
}

impl JsonScanExec {
    /// `decode_schema` is what arrow-json decodes; `columns` (its fields or the
    /// corrupt-record column) make `read_schema`; `schema` is the output schema.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        files: Vec<Arc<FileMeta>>,
        partitions: Vec<Vec<FileRange>>,
        decode_schema: SchemaRef,
        columns: Vec<JsonColumn>,
        read_schema: SchemaRef,
        schema: SchemaRef,
        opts: JsonOptions,
        filters: Vec<Expr>,
        fetch: Option<usize>,
        extras: ScanExtras,
    ) -> Self {
        let sink = opts.bad_records_path.as_deref().map(|p| Arc::new(BadRecordSink::new(p)));
        let mut formatted = Vec::new();
        let fields: Vec<Field> = decode_schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let text = match f.data_type() {
                    DataType::Date32 => opts.date_format.is_some(),
                    DataType::Timestamp(TimeUnit::Microsecond, _) => opts.timestamp_format.is_some(),
                    _ => false,
                };
                if text {
                    formatted.push((i, f.data_type().clone()));
                    Field::new(f.name(), DataType::Utf8, true)
                } else {
                    f.as_ref().clone()
                }
            })
            .collect();
        let decode_schema = Arc::new(Schema::new(fields));
        let inner = Inner { decode_schema, columns, read_schema, schema, opts, sink, extras, formatted };
        JsonScanExec { files, partitions, inner: Arc::new(inner), filters, fetch }
    }

    pub fn partitions(&self) -> &[Vec<FileRange>] {
        &self.partitions
    }
}

fn decoder(schema: &SchemaRef, batch_size: usize) -> Result<Decoder> {
    Ok(ReaderBuilder::new(schema.clone()).with_batch_size(batch_size.max(1)).with_coerce_primitive(true).build_decoder()?)
}

/// Decodes a chunk of whole records (one per line) into batches.
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

/// Why one record does not decode, if it does not.
fn decode_one(schema: &SchemaRef, rec: &JsonRecord) -> std::result::Result<RecordBatch, String> {
    if let Some(e) = &rec.bad_encoding {
        return Err(e.clone());
    }
    if !rec.text.trim_ascii_start().starts_with(b"{") {
        return Err("the record is not a JSON object".into());
    }
    let mut text = rec.text.clone();
    text.push(b'\n');
    let mut out = VecDeque::new();
    decode_chunk(schema, &text, 1, &mut out).map_err(|e| e.message())?;
    match out.len() {
        1 => out.pop_front().ok_or_else(String::new),
        n => Err(format!("expected one JSON record, found {n}")),
    }
}

/// Spark's partial results for a record that is a JSON object but has fields that do
/// not fit the schema: the fields that decode keep their values, the others are NULL. A
/// string that is not valid UTF-8 fails its own field only (Spark's parser reads string
/// values lazily), so the fields around it keep their values.
fn partial_row(schema: &SchemaRef, rec: &JsonRecord) -> Option<RecordBatch> {
    let text = String::from_utf8_lossy(&rec.text);
    let serde_json::Value::Object(mut map) = serde_json::from_str::<serde_json::Value>(&text).ok()? else { return None };
    if rec.bad_encoding.is_some() {
        map.retain(|_, v| !v.to_string().contains('\u{fffd}'));
    }
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let one = Arc::new(arrow::datatypes::Schema::new(vec![field.as_ref().clone()]));
        let col = map.get(field.name()).and_then(|v| {
            let mut obj = serde_json::Map::new();
            obj.insert(field.name().clone(), v.clone());
            let text = serde_json::Value::Object(obj).to_string().into_bytes();
            let r = JsonRecord { text, line: rec.line, byte: rec.byte, bad_encoding: None };
            decode_one(&one, &r).ok().map(|b| b.column(0).clone())
        });
        cols.push(col.unwrap_or_else(|| new_null_array(field.data_type(), 1)));
    }
    let opts = RecordBatchOptions::new().with_row_count(Some(1));
    RecordBatch::try_new_with_options(schema.clone(), cols, &opts).ok()
}

/// Where the records of a range come from.
enum Source {
    Lines(JsonLines),
    Whole(std::vec::IntoIter<JsonRecord>),
}

/// Reads one range.
struct RangeRecords {
    source: Source,
    path: String,
    first_line_start: u64,
    base_line: Option<u64>,
    inner: Arc<Inner>,
    batch_size: usize,
    done: bool,
}

impl RangeRecords {
    fn next_chunk(&mut self) -> Result<Vec<JsonRecord>> {
        let mut chunk = Vec::new();
        while chunk.len() < self.batch_size {
            let next = match &mut self.source {
                Source::Lines(l) => l.next_record()?,
                Source::Whole(it) => it.next(),
            };
            match next {
                Some(r) => chunk.push(r),
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        Ok(chunk)
    }

    fn bad_record(&mut self, rec: &JsonRecord, reason: String) -> BadRecord {
        let base = *self.base_line.get_or_insert_with(|| line_number_at(&self.path, self.first_line_start).unwrap_or(1));
        BadRecord {
            file: self.path.clone(),
            line: base + rec.line.saturating_sub(1),
            byte_offset: self.first_line_start + rec.byte,
            reason,
            record: String::from_utf8_lossy(&rec.text).into_owned(),
        }
    }

    /// The batch of one chunk of records, malformed ones handled by the mode.
    fn convert(&mut self, chunk: Vec<JsonRecord>) -> Result<RecordBatch> {
        let inner = self.inner.clone();
        let schema = &inner.decode_schema;
        let n = chunk.len();
        let mut fast = VecDeque::new();
        let clean = chunk.iter().all(|r| r.bad_encoding.is_none() && r.text.trim_ascii_start().starts_with(b"{"));
        let mut pieces: Vec<RecordBatch> = Vec::new();
        let mut corrupt: Vec<Option<String>> = Vec::new();
        // the chunk record of each row
        let mut row_recs: Vec<usize> = Vec::new();
        let joined_ok = clean && {
            let mut text = Vec::with_capacity(chunk.iter().map(|r| r.text.len() + 1).sum());
            for r in &chunk {
                text.extend_from_slice(&r.text);
                text.push(b'\n');
            }
            decode_chunk(schema, &text, self.batch_size.max(n), &mut fast).is_ok() && fast.iter().map(|b| b.num_rows()).sum::<usize>() == n
        };
        if joined_ok {
            pieces.extend(fast);
            corrupt = vec![None; n];
            row_recs = (0..n).collect();
        } else {
            for (ri, rec) in chunk.iter().enumerate() {
                match decode_one(schema, rec) {
                    Ok(b) => {
                        pieces.push(b);
                        corrupt.push(None);
                        row_recs.push(ri);
                    }
                    Err(reason) => {
                        let bad = self.bad_record(rec, reason);
                        let text = bad.record.clone();
                        if handle_bad(inner.opts.mode, inner.sink.as_deref(), bad)? == Verdict::Keep {
                            let row = match partial_row(schema, rec) {
                                Some(row) => row,
                                None => {
                                    let nulls: Vec<ArrayRef> = schema.fields().iter().map(|f| new_null_array(f.data_type(), 1)).collect();
                                    let opts = RecordBatchOptions::new().with_row_count(Some(1));
                                    RecordBatch::try_new_with_options(schema.clone(), nulls, &opts)?
                                }
                            };
                            pieces.push(row);
                            corrupt.push(Some(text));
                            row_recs.push(ri);
                        }
                    }
                }
            }
        }
        let rows = corrupt.len();
        let decoded = if pieces.is_empty() {
            RecordBatch::new_empty(schema.clone())
        } else {
            concat_batches(schema, &pieces)?
        };
        let mut decoded_cols = decoded.columns().to_vec();
        let mut keep: Option<Vec<bool>> = None;
        for (i, dt) in &inner.formatted {
            let Some(strings) = decoded_cols.get(*i).and_then(|c| c.as_any().downcast_ref::<StringArray>()).cloned() else { continue };
            let typed = parse_datetimes(&strings, dt, inner.opts.date_format.as_ref(), inner.opts.timestamp_format.as_ref())?;
            for r in failed_rows(&strings, typed.as_ref()) {
                if corrupt[r].is_some() || keep.as_ref().is_some_and(|k| !k[r]) {
                    continue;
                }
                let reason = parse_failure(strings.value(r), dt, schema.field(*i).name(), inner.opts.date_format.as_ref(), inner.opts.timestamp_format.as_ref());
                let bad = self.bad_record(&chunk[row_recs[r]], reason);
                let text = bad.record.clone();
                match handle_bad(inner.opts.mode, inner.sink.as_deref(), bad)? {
                    Verdict::Keep => corrupt[r] = Some(text),
                    Verdict::Drop => keep.get_or_insert_with(|| vec![true; rows])[r] = false,
                }
            }
            decoded_cols[*i] = typed;
        }
        let mut corrupt = Some(corrupt);
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(inner.columns.len());
        for c in &inner.columns {
            cols.push(match c {
                JsonColumn::Field(i) => decoded_cols.get(*i).cloned().ok_or_else(|| Error::internal("JSON column missing"))?,
                JsonColumn::Corrupt => Arc::new(StringArray::from(corrupt.take().unwrap_or_else(|| vec![None; rows]))),
            });
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(rows));
        let batch = RecordBatch::try_new_with_options(inner.read_schema.clone(), cols, &opts)?;
        match keep {
            None => Ok(batch),
            Some(k) => Ok(filter_record_batch(&batch, &arrow::array::BooleanArray::from(k))?),
        }
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        loop {
            if self.done {
                return Ok(None);
            }
            let chunk = self.next_chunk()?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let batch = self.convert(chunk)?;
            if batch.num_rows() > 0 {
                return Ok(Some(self.inner.extras.finish(batch, &self.path, &self.inner.schema)?));
            }
        }
    }
}

impl Iterator for RangeRecords {
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
    inner.extras.opened();
    let path = range.file.path.clone();
    let open = match open_range(&range) {
        Ok(o) => o,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let first_line_start = open.first_line_start;
    let source = if inner.opts.multi_line {
        match multi_line_records(open.reader, &path, inner.opts.encoding) {
            Ok(recs) => Source::Whole(recs.into_iter()),
            Err(e) => return Box::new(std::iter::once(Err(e))),
        }
    } else {
        Source::Lines(JsonLines::new(open.reader, &path, inner.opts.encoding))
    };
    Box::new(RangeRecords { source, path, first_line_start, base_line: None, inner, batch_size: batch_size.max(1), done: false })
}

impl ExecutionPlan for JsonScanExec {
    fn name(&self) -> &'static str {
        "JsonScanExec"
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
    use arrow::datatypes::{DataType, Field, Schema};
    use ember_common::ErrorKind;

    use crate::test_util::{collect, ctx, plan, rows, schema_string, table, write, write_bytes};
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
        FileTable::try_new(FileFormat::Json, vec![path.to_string()], ReadOptions::new().with("mode", "FAILFAST"), Some(schema)).unwrap()
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
        assert_eq!(err.class(), "FAILED_READ_FILE.NO_HINT");
        match err.cause().map(|c| c.kind()) {
            Some(ErrorKind::MalformedRecord { file, line, .. }) => assert_eq!((file.as_str(), *line), (p.as_str(), 170)),
            other => panic!("{other:?}"),
        }
        let bad_type = write(dir.path(), "b.json", "{\"a\": 1}\n{\"a\": \"x\"}\n");
        let err = collect(&plan(typed(&bad_type), None, vec![], None, &small).unwrap(), &small).unwrap_err();
        assert!(matches!(err.cause().map(|c| c.kind()), Some(ErrorKind::MalformedRecord { line: 2, .. })), "{err}");
    }

    #[test]
    fn bad_utf8_fails_only_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_bytes(dir.path(), "u.json", b"{\"a\": 1, \"s\": \"ok\"}\n{\"a\": 2, \"s\": \"caf\xe9\"}\n");
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("_corrupt_record", DataType::Utf8, true),
        ]));
        let t = FileTable::try_new(FileFormat::Json, vec![p], ReadOptions::new(), Some(schema)).unwrap();
        let ctx = ctx(None);
        let out = rows(&collect(&plan(t, None, vec![], None, &ctx).unwrap(), &ctx).unwrap());
        assert_eq!(out, vec!["1|ok|NULL", "2|NULL|{\"a\": 2, \"s\": \"caf\u{fffd}\"}"]);
    }
}
