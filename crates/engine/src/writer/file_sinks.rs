//! One output file of a write: a [`FileSink`] per format (Parquet with Spark's
//! compression codecs, CSV and JSON lines as Spark's writers print them, Arrow IPC).
//! [`SinkFactory`] validates the options once per job and opens sinks per file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, ErrorKind, Result};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::text_values::{check_patterns, TextValues};
use crate::format::json::write_json_string as json_string;
use crate::format::value::is_null_at;
use ember_functions::scalar::encoding::base64_encode as base64;

/// A file being written.
pub trait FileSink: Send {
    fn write(&mut self, batch: &RecordBatch) -> Result<()>;
    /// Flushes and closes the file (footers included).
    fn finish(self: Box<Self>) -> Result<()>;
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFormat {
    Parquet,
    Csv,
    Json,
    Arrow,
}

impl WriteFormat {
    pub fn from_name(name: &str) -> Result<Self> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "parquet" => WriteFormat::Parquet,
            "csv" => WriteFormat::Csv,
            "json" => WriteFormat::Json,
            "arrow" | "ipc" | "feather" => WriteFormat::Arrow,
            other => {
                return Err(Error::new(ErrorKind::Other {
                    class: "DATA_SOURCE_NOT_FOUND".into(),
                    sqlstate: Some("42K02".into()),
                    message: format!("Failed to find the data source: {other}. Supported: parquet, csv, json, arrow."),
                }))
            }
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            WriteFormat::Parquet => "parquet",
            WriteFormat::Csv => "csv",
            WriteFormat::Json => "json",
            WriteFormat::Arrow => "arrow",
        }
    }
}

fn io(path: &str, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Other {
        class: "FAILED_WRITE_FILE".into(),
        sqlstate: Some("58030".into()),
        message: format!("Failed to write file {path}: {e}"),
    })
}

fn get<'a>(options: &'a BTreeMap<String, String>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| options.get(&k.to_ascii_lowercase()).map(|s| s.as_str()))
}

fn get_bool(options: &BTreeMap<String, String>, key: &str, default: bool) -> Result<bool> {
    match get(options, &[key]) {
        None => Ok(default),
        Some(v) => ember_common::config::parse_bool(v).ok_or_else(|| {
            Error::invalid_argument(format!(
                "The value '{v}' of the option '{key}' is invalid: it must be 'true' or 'false'."
            ))
        }),
    }
}

fn get_char(
    options: &BTreeMap<String, String>,
    keys: &[&str],
    default: Option<char>,
) -> Result<Option<char>> {
    match get(options, keys) {
        None => Ok(default),
        Some("") => Ok(None),
        Some("\\t") => Ok(Some('\t')),
        Some(v) if v.chars().count() == 1 => Ok(v.chars().next()),
        Some(v) => Err(Error::invalid_argument(format!(
            "The value '{v}' of the option '{}' is invalid: it must be a single character.",
            keys[0]
        ))),
    }
}

/// Text compression of CSV and JSON files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextCompression {
    None,
    Gzip,
}

/// What every file of one write needs: format, validated options, data schema.
#[derive(Clone)]
pub struct SinkFactory {
    pub format: WriteFormat,
    schema: SchemaRef,
    parquet: Option<(WriterProperties, &'static str)>,
    csv: Option<CsvSettings>,
    text_compression: TextCompression,
    time_zone: String,
}

#[derive(Clone)]
struct CsvSettings {
    header: bool,
    sep: char,
    quote: Option<char>,
    escape: Option<char>,
    null_value: String,
    empty_value: String,
    quote_all: bool,
}

fn parquet_codec(name: &str) -> Result<(Compression, &'static str)> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "none" | "uncompressed" => (Compression::UNCOMPRESSED, ""),
        "snappy" => (Compression::SNAPPY, ".snappy"),
        "gzip" => (Compression::GZIP(GzipLevel::default()), ".gz"),
        "zstd" => (Compression::ZSTD(ZstdLevel::default()), ".zstd"),
        "lz4" => (Compression::LZ4, ".lz4hadoop"),
        "lz4_raw" => (Compression::LZ4_RAW, ".lz4raw"),
        other => {
            return Err(Error::invalid_argument(format!(
                "Codec [{other}] is not available. Known codecs are uncompressed, none, snappy, gzip, lz4, lz4_raw, zstd."
            )))
        }
    })
}

fn text_codec(name: Option<&str>) -> Result<TextCompression> {
    match name.map(|s| s.to_ascii_lowercase()) {
        None => Ok(TextCompression::None),
        Some(s) if s == "none" || s == "uncompressed" => Ok(TextCompression::None),
        Some(s) if s == "gzip" => Ok(TextCompression::Gzip),
        Some(s) => Err(Error::invalid_argument(format!(
            "Codec [{s}] is not available. Known codecs are none, uncompressed, gzip."
        ))),
    }
}

/// CSV cannot hold nested values, as Spark says.
fn check_csv_types(schema: &SchemaRef) -> Result<()> {
    for f in schema.fields() {
        if matches!(
            f.data_type(),
            DataType::List(_)
                | DataType::LargeList(_)
                | DataType::Struct(_)
                | DataType::Map(_, _)
                | DataType::Binary
        ) {
            return Err(Error::new(ErrorKind::Other {
                class: "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE".into(),
                sqlstate: Some("0A000".into()),
                message: format!(
                    "The CSV datasource doesn't support the column `{}` of the type \"{}\".",
                    f.name(),
                    ember_common::types::sql_type_name(f.data_type())
                ),
            }));
        }
    }
    Ok(())
}

impl SinkFactory {
    /// Validates `options` (lower-case keys) for `format` over files of `schema`.
    pub fn try_new(
        format: WriteFormat,
        schema: SchemaRef,
        options: &BTreeMap<String, String>,
        time_zone: &str,
    ) -> Result<Self> {
        let mut factory = SinkFactory {
            format,
            schema: schema.clone(),
            parquet: None,
            csv: None,
            text_compression: TextCompression::None,
            time_zone: time_zone.to_string(),
        };
        match format {
            WriteFormat::Parquet => {
                let (codec, ext) = parquet_codec(
                    get(options, &["compression", "parquet.compression"]).unwrap_or("snappy"),
                )?;
                let props = WriterProperties::builder().set_compression(codec).build();
                factory.parquet = Some((props, ext));
            }
            WriteFormat::Csv => {
                check_csv_types(&schema)?;
                check_patterns(
                    get(options, &["dateFormat"]),
                    get(options, &["timestampFormat"]),
                    "CSV",
                )?;
                factory.text_compression = text_codec(get(options, &["compression", "codec"]))?;
                let sep = get_char(options, &["sep", "delimiter"], Some(','))?
                    .ok_or_else(|| Error::invalid_argument("The value '' of the option 'sep' is invalid: the delimiter cannot be empty."))?;
                factory.csv = Some(CsvSettings {
                    header: get_bool(options, "header", false)?,
                    sep,
                    quote: get_char(options, &["quote"], Some('"'))?,
                    escape: get_char(options, &["escape"], Some('\\'))?,
                    null_value: get(options, &["nullValue"]).unwrap_or("").to_string(),
                    empty_value: get(options, &["emptyValue"]).unwrap_or("\"\"").to_string(),
                    quote_all: get_bool(options, "quoteAll", false)?,
                });
            }
            WriteFormat::Json => {
                check_patterns(
                    get(options, &["dateFormat"]),
                    get(options, &["timestampFormat"]),
                    "JSON",
                )?;
                factory.text_compression = text_codec(get(options, &["compression", "codec"]))?;
            }
            WriteFormat::Arrow => {}
        }
        Ok(factory)
    }

    /// The file name suffix, e.g. `.snappy.parquet`, `.csv.gz`.
    pub fn extension(&self) -> String {
        let gz = if self.text_compression == TextCompression::Gzip {
            ".gz"
        } else {
            ""
        };
        match self.format {
            WriteFormat::Parquet => format!(
                "{}.parquet",
                self.parquet.as_ref().map(|p| p.1).unwrap_or("")
            ),
            WriteFormat::Csv => format!(".csv{gz}"),
            WriteFormat::Json => format!(".json{gz}"),
            WriteFormat::Arrow => ".arrow".to_string(),
        }
    }

    /// Creates the file at `path` and a sink writing into it.
    pub fn open(&self, path: &std::path::Path) -> Result<Box<dyn FileSink>> {
        let display = path.display().to_string();
        let file = File::create(path).map_err(|e| io(&display, e))?;
        Ok(match self.format {
            WriteFormat::Parquet => {
                let props = self.parquet.as_ref().map(|p| p.0.clone());
                let writer = ArrowWriter::try_new(file, self.schema.clone(), props)
                    .map_err(|e| Error::internal(format!("parquet writer: {e}")))?;
                Box::new(ParquetSink {
                    writer,
                    path: display,
                })
            }
            WriteFormat::Arrow => {
                let writer =
                    arrow::ipc::writer::FileWriter::try_new(BufWriter::new(file), &self.schema)?;
                Box::new(ArrowSink { writer })
            }
            WriteFormat::Csv | WriteFormat::Json => {
                let out: Box<dyn Write + Send> = match self.text_compression {
                    TextCompression::None => Box::new(BufWriter::new(file)),
                    TextCompression::Gzip => Box::new(flate2::write::GzEncoder::new(
                        BufWriter::new(file),
                        flate2::Compression::default(),
                    )),
                };
                let values = TextValues::new(&self.time_zone);
                match &self.csv {
                    Some(csv) if self.format == WriteFormat::Csv => {
                        let mut sink = CsvSink {
                            out,
                            settings: csv.clone(),
                            values,
                            path: display,
                            line: String::new(),
                        };
                        if csv.header {
                            sink.write_header(&self.schema)?;
                        }
                        Box::new(sink)
                    }
                    _ => Box::new(JsonSink {
                        out,
                        values,
                        path: display,
                        line: String::new(),
                    }),
                }
            }
        })
    }
}

struct ParquetSink {
    writer: ArrowWriter<File>,
    path: String,
}

impl FileSink for ParquetSink {
    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer
            .write(batch)
            .map_err(|e| io(&self.path, std::io::Error::other(e.to_string())))
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let path = self.path.clone();
        let file = self
            .writer
            .into_inner()
            .map_err(|e| io(&path, std::io::Error::other(e.to_string())))?;
        file.sync_all().map_err(|e| io(&path, e))
    }
}

struct ArrowSink {
    writer: arrow::ipc::writer::FileWriter<BufWriter<File>>,
}

impl FileSink for ArrowSink {
    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        Ok(self.writer.write(batch)?)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.writer.finish()?;
        Ok(())
    }
}

struct CsvSink {
    out: Box<dyn Write + Send>,
    settings: CsvSettings,
    values: TextValues,
    path: String,
    line: String,
}

impl CsvSink {
    fn write_header(&mut self, schema: &SchemaRef) -> Result<()> {
        self.line.clear();
        for (i, f) in schema.fields().iter().enumerate() {
            if i > 0 {
                self.line.push(self.settings.sep);
            }
            let cell = self.quoted(f.name());
            self.line.push_str(&cell);
        }
        self.line.push('\n');
        self.out
            .write_all(self.line.as_bytes())
            .map_err(|e| io(&self.path, e))
    }

    /// A field quoted when it must be (or always with `quoteAll`); quotes and escape
    /// characters inside are escaped with the escape character.
    fn quoted(&self, value: &str) -> String {
        let s = &self.settings;
        let Some(q) = s.quote else {
            return value.to_string();
        };
        let must = s.quote_all
            || value.contains([s.sep, q, '\n', '\r'])
            || s.escape.is_some_and(|e| value.contains(e))
            || value.starts_with(char::is_whitespace)
            || value.ends_with(char::is_whitespace);
        if !must {
            return value.to_string();
        }
        let mut out = String::with_capacity(value.len() + 2);
        out.push(q);
        for c in value.chars() {
            if c == q || Some(c) == s.escape {
                out.push(s.escape.unwrap_or(q));
            }
            out.push(c);
        }
        out.push(q);
        out
    }
}

impl FileSink for CsvSink {
    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        for row in 0..batch.num_rows() {
            self.line.clear();
            for (i, col) in batch.columns().iter().enumerate() {
                if i > 0 {
                    self.line.push(self.settings.sep);
                }
                let cell = if is_null_at(col.as_ref(), row) {
                    self.settings.null_value.clone()
                } else {
                    let v = self.values.scalar(col.as_ref(), row);
                    if v.is_empty() {
                        self.settings.empty_value.clone()
                    } else {
                        self.quoted(&v)
                    }
                };
                self.line.push_str(&cell);
            }
            self.line.push('\n');
            self.out
                .write_all(self.line.as_bytes())
                .map_err(|e| io(&self.path, e))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|e| io(&self.path, e))
    }
}

struct JsonSink {
    out: Box<dyn Write + Send>,
    values: TextValues,
    path: String,
    line: String,
}


impl JsonSink {
    /// One JSON value; NULL fields of structs are omitted by the caller.
    fn value(&self, out: &mut String, array: &dyn Array, row: usize) {
        if is_null_at(array, row) {
            out.push_str("null");
            return;
        }
        match array.data_type() {
            DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Decimal128(_, _)
            | DataType::Decimal256(_, _) => out.push_str(&self.values.scalar(array, row)),
            DataType::Float32 | DataType::Float64 => {
                let s = self.values.scalar(array, row);
                if s == "NaN" || s.ends_with("Infinity") {
                    json_string(out, &s);
                } else {
                    out.push_str(&s);
                }
            }
            DataType::Binary => json_string(out, &base64(array.as_binary::<i32>().value(row))),
            DataType::List(_) => {
                let list = array.as_list::<i32>();
                let items = list.value(row);
                out.push('[');
                for i in 0..items.len() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.value(out, items.as_ref(), i);
                }
                out.push(']');
            }
            DataType::Struct(fields) => {
                let s = array.as_struct();
                self.object(
                    out,
                    fields.iter().map(|f| f.name().as_str()),
                    s.columns(),
                    row,
                );
            }
            DataType::Map(_, _) => {
                let m = array.as_map();
                let entries = m.value(row);
                out.push('{');
                for i in 0..entries.len() {
                    if i > 0 {
                        out.push(',');
                    }
                    let key = self.values.scalar(entries.column(0).as_ref(), i);
                    json_string(out, &key);
                    out.push(':');
                    self.value(out, entries.column(1).as_ref(), i);
                }
                out.push('}');
            }
            _ => json_string(out, &self.values.scalar(array, row)),
        }
    }

    fn object<'a>(
        &self,
        out: &mut String,
        names: impl Iterator<Item = &'a str>,
        columns: &[Arc<dyn Array>],
        row: usize,
    ) {
        out.push('{');
        let mut first = true;
        for (name, col) in names.zip(columns) {
            if is_null_at(col.as_ref(), row) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            json_string(out, name);
            out.push(':');
            self.value(out, col.as_ref(), row);
        }
        out.push('}');
    }
}

impl FileSink for JsonSink {
    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let schema = batch.schema();
        let mut line = std::mem::take(&mut self.line);
        for row in 0..batch.num_rows() {
            line.clear();
            self.object(
                &mut line,
                schema.fields().iter().map(|f| f.name().as_str()),
                batch.columns(),
                row,
            );
            line.push('\n');
            self.out
                .write_all(line.as_bytes())
                .map_err(|e| io(&self.path, e))?;
        }
        self.line = line;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|e| io(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_codecs() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(parquet_codec("SNAPPY").unwrap().1, ".snappy");
        assert!(parquet_codec("brotli9").is_err());
        assert!(text_codec(Some("bzip2")).is_err());
        assert!(WriteFormat::from_name("orc").is_err());
    }
}
