//! Malformed records, as Spark's `mode` option handles them: `PERMISSIVE` (keep the row,
//! bad fields NULL, the raw text in the corrupt-record column if the schema has one),
//! `DROPMALFORMED`, `FAILFAST`; and `badRecordsPath`, where rejected rows are written as
//! JSON lines (file, line, byte offset, reason, record) instead of being returned.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use arrow::datatypes::{DataType, Schema};
use ember_common::{Error, ErrorKind, Result};

use crate::options::ReadOptions;

/// Spark's parse modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseMode {
    Permissive,
    DropMalformed,
    FailFast,
}


/// Spark's default name of the corrupt-record column.
pub const DEFAULT_CORRUPT_COLUMN: &str = "_corrupt_record";

impl ParseMode {
    /// Spark's `ParseMode.fromString`: the name, any case; a value it does not know
    /// (`lenient`, a misspelling) is PERMISSIVE, as Spark falls back with a warning.
    pub fn from_options(options: &ReadOptions) -> ParseMode {
        match options.get("mode").map(|m| m.to_ascii_uppercase()).as_deref() {
            Some("DROPMALFORMED") => ParseMode::DropMalformed,
            Some("FAILFAST") => ParseMode::FailFast,
            _ => ParseMode::Permissive,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            ParseMode::Permissive => "PERMISSIVE",
            ParseMode::DropMalformed => "DROPMALFORMED",
            ParseMode::FailFast => "FAILFAST",
        }
    }
}

/// `columnNameOfCorruptRecord` (default `_corrupt_record`).
pub fn corrupt_column_name(options: &ReadOptions) -> String {
    options.get("columnNameOfCorruptRecord").map(str::to_string).unwrap_or_else(|| DEFAULT_CORRUPT_COLUMN.to_string())
}

/// Index of the corrupt-record column in a (user) schema. Spark checks it is a nullable
/// STRING when a query reads the files (not when the table is defined).
pub fn corrupt_column_index(schema: &Schema, name: &str) -> Result<Option<usize>> {
    let Some((i, f)) = schema.fields().iter().enumerate().find(|(_, f)| f.name() == name) else { return Ok(None) };
    if f.data_type() != &DataType::Utf8 {
        return Err(Error::new(ErrorKind::Other {
            class: "INVALID_CORRUPT_RECORD_TYPE".into(),
            sqlstate: Some("42804".into()),
            message: format!(
                "The column `{name}` for corrupt records must have the nullable STRING type, but got \"{}\".",
                ember_common::types::sql_type_name(f.data_type())
            ),
        }));
    }
    Ok(Some(i))
}

/// Spark refuses a query that reads only the corrupt-record column of raw CSV/JSON
/// files (its value depends on which other columns are parsed).
pub fn only_corrupt_column_read() -> Error {
    Error::new(ErrorKind::Other {
        class: "UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN".into(),
        sqlstate: Some("0A000".into()),
        message: "The feature is not supported: Queries from raw JSON/CSV/XML files are disallowed when the referenced columns only include the internal corrupt record column (named `_corrupt_record` by default). For example: `spark.read.schema(schema).json(file).filter($\"_corrupt_record\".isNotNull).count()` and `spark.read.schema(schema).json(file).select(\"_corrupt_record\").show()`. Instead, you can cache or save the parsed results and then send the same query. For example, `val df = spark.read.schema(schema).json(file).cache()` and then `df.filter($\"_corrupt_record\".isNotNull).count()`.".into(),
    })
}

/// One rejected record.
#[derive(Debug, Clone)]
pub struct BadRecord {
    pub file: String,
    /// 1-based line where the record starts
    pub line: u64,
    /// byte offset of the record in the (decompressed) file
    pub byte_offset: u64,
    pub reason: String,
    pub record: String,
}

impl BadRecord {
    /// The FAILFAST error of schema inference: `MALFORMED_RECORD_IN_PARSING`.
    pub fn into_parse_error(self) -> Error {
        Error::new(ErrorKind::MalformedRecord { file: self.file, line: self.line, message: self.reason })
    }

    /// The FAILFAST error of a scan: Spark wraps whatever fails while a file is read in
    /// `FAILED_READ_FILE.NO_HINT`, the malformed record being its cause.
    pub fn into_error(self) -> Error {
        let file = self.file.clone();
        let cause = self.into_parse_error();
        let message = format!("[{}] {}", cause.class(), cause.message());
        Error::new(ErrorKind::FailedReadFile { file, message }).with_cause(cause)
    }
}

/// Where `badRecordsPath` rows go: one JSON-lines file per scan, created on first use
/// under `<badRecordsPath>/<timestamp>/bad_records/`.
#[derive(Debug)]
pub struct BadRecordSink {
    dir: PathBuf,
    file: Mutex<Option<File>>,
    written: AtomicU64,
}

static SINK_SEQ: AtomicU64 = AtomicU64::new(0);

impl BadRecordSink {
    pub fn new(base: &str) -> BadRecordSink {
        let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        let dir = PathBuf::from(base).join(millis.to_string()).join("bad_records");
        BadRecordSink { dir, file: Mutex::new(None), written: AtomicU64::new(0) }
    }

    /// Rejected rows written so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    pub fn write(&self, r: &BadRecord) -> Result<()> {
        let line = serde_json::json!({
            "path": r.file,
            "line": r.line,
            "byteOffset": r.byte_offset,
            "reason": r.reason,
            "record": r.record,
        });
        let io =
            |e: std::io::Error| Error::new(ErrorKind::FailedReadFile { file: self.dir.to_string_lossy().into(), message: e.to_string() });
        let mut guard = self.file.lock().map_err(|_| Error::internal("bad record sink poisoned"))?;
        if guard.is_none() {
            std::fs::create_dir_all(&self.dir).map_err(io)?;
            let name = format!("part-{:05}-{}.json", SINK_SEQ.fetch_add(1, Ordering::Relaxed), std::process::id());
            *guard = Some(OpenOptions::new().create(true).append(true).open(self.dir.join(name)).map_err(io)?);
        }
        if let Some(f) = guard.as_mut() {
            writeln!(f, "{line}").map_err(io)?;
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// What a reader does with a malformed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// keep the (partial) row, marking it corrupt
    Keep,
    /// leave the row out
    Drop,
}

/// Applies the mode (and `badRecordsPath`) to one malformed record.
pub fn handle_bad(mode: ParseMode, sink: Option<&BadRecordSink>, record: BadRecord) -> Result<Verdict> {
    if let Some(sink) = sink {
        sink.write(&record)?;
        return Ok(Verdict::Drop);
    }
    match mode {
        ParseMode::Permissive => Ok(Verdict::Keep),
        ParseMode::DropMalformed => Ok(Verdict::Drop),
        ParseMode::FailFast => Err(record.into_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::Field;

    fn bad() -> BadRecord {
        BadRecord { file: "f.csv".into(), line: 3, byte_offset: 10, reason: "bad".into(), record: "1,x".into() }
    }

    #[test]
    fn modes_and_verdicts() {
        assert_eq!(ParseMode::from_options(&ReadOptions::new()), ParseMode::Permissive);
        assert_eq!(ParseMode::from_options(&ReadOptions::new().with("MODE", "dropMalformed")), ParseMode::DropMalformed);
        assert_eq!(ParseMode::from_options(&ReadOptions::new().with("mode", "failfast")), ParseMode::FailFast);
        // Spark falls back to PERMISSIVE for a mode it does not know
        assert_eq!(ParseMode::from_options(&ReadOptions::new().with("mode", "FAILFST")), ParseMode::Permissive);
        assert_eq!(handle_bad(ParseMode::Permissive, None, bad()).unwrap(), Verdict::Keep);
        assert_eq!(handle_bad(ParseMode::DropMalformed, None, bad()).unwrap(), Verdict::Drop);
        let err = handle_bad(ParseMode::FailFast, None, bad()).unwrap_err();
        assert_eq!(err.class(), "FAILED_READ_FILE.NO_HINT");
        assert!(err.message().contains("f.csv") && err.message().contains("line 3"), "{err}");
        let cause = err.cause().map(|c| c.class());
        assert_eq!(cause.as_deref(), Some("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION"));
    }

    #[test]
    fn corrupt_column_must_be_string() {
        let s = Schema::new(vec![Field::new("a", DataType::Int32, true), Field::new("_corrupt_record", DataType::Utf8, true)]);
        assert_eq!(corrupt_column_index(&s, "_corrupt_record").unwrap(), Some(1));
        assert_eq!(corrupt_column_index(&s, "other").unwrap(), None);
        let s = Schema::new(vec![Field::new("_corrupt_record", DataType::Int32, true)]);
        assert_eq!(corrupt_column_index(&s, "_corrupt_record").unwrap_err().class(), "INVALID_CORRUPT_RECORD_TYPE");
    }

    #[test]
    fn sink_writes_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let sink = BadRecordSink::new(&dir.path().to_string_lossy());
        assert_eq!(handle_bad(ParseMode::FailFast, Some(&sink), bad()).unwrap(), Verdict::Drop);
        assert_eq!(sink.written(), 1);
        let files: Vec<_> = walk(dir.path());
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(&files[0]).unwrap();
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["line"], 3);
        assert_eq!(v["record"], "1,x");
    }

    fn walk(p: &std::path::Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(p).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
