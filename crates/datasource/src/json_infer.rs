//! JSON-lines options and schema inference: arrow-json's inference over every (sampled)
//! record, then adjusted to Spark (`JsonInferSchema`): bigint, double, struct, array,
//! all-NULL fields as string, and field names sorted at every struct level.

use std::io::Cursor;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, Schema};
use arrow::json::reader::infer_json_schema;
use ember_common::{Error, ErrorKind, Result};

use crate::bad_records::{corrupt_column_name, ParseMode};
use crate::datetime_pattern::FormatOption;
use crate::encoding::TextEncoding;
use crate::json_records::{multi_line_records, JsonLines, JsonRecord};
use crate::listing::FileMeta;
use crate::options::ReadOptions;
use crate::split::open_whole;

/// Validated JSON options.
#[derive(Debug, Clone)]
pub struct JsonOptions {
    pub sampling_ratio: f64,
    pub primitives_as_string: bool,
    pub multi_line: bool,
    pub encoding: TextEncoding,
    pub mode: ParseMode,
    pub corrupt_column: String,
    pub bad_records_path: Option<String>,
    /// `dateFormat` / `timestampFormat`: DATE and TIMESTAMP fields are read as text and
    /// parsed with these (else arrow-json's ISO 8601 parsing)
    pub date_format: Option<FormatOption>,
    pub timestamp_format: Option<FormatOption>,
}

impl JsonOptions {
    pub fn try_new(options: &ReadOptions) -> Result<JsonOptions> {
        let multi_line = options.get_bool("multiLine", false)?;
        let encoding = TextEncoding::from_options(options, "JSONOptionsInRead")?;
        if !multi_line {
            check_line_separator(encoding, options.get("lineSep"))?;
        }
        Ok(JsonOptions {
            sampling_ratio: options.get_ratio("samplingRatio", 1.0)?,
            primitives_as_string: options.get_bool("primitivesAsString", false)?,
            multi_line,
            encoding,
            mode: ParseMode::from_options(options),
            corrupt_column: corrupt_column_name(options),
            bad_records_path: options.get("badRecordsPath").map(str::to_string),
            date_format: FormatOption::from_options(options, "dateFormat"),
            timestamp_format: FormatOption::from_options(options, "timestampFormat"),
        })
    }
}

/// Spark's checks of the encoding of JSON lines (`JSONOptionsInRead.checkedEncoding`):
/// UTF-16 and UTF-32 need `multiLine`, and another charset than UTF-8 needs `lineSep`.
/// Ember splits lines at `\n` bytes, so it reads `lineSep` `\n` in an ASCII-compatible
/// charset only.
fn check_line_separator(encoding: TextEncoding, line_sep: Option<&str>) -> Result<()> {
    let name = encoding.name();
    if matches!(encoding, TextEncoding::Utf16 | TextEncoding::Utf32) {
        return Err(Error::invalid_argument(format!(
            "The {name} encoding must not be included in the denyList when multiLine is disabled: denylist: UTF-16, UTF-32"
        )));
    }
    match line_sep {
        None if encoding != TextEncoding::Utf8 => Err(Error::invalid_argument(format!("The lineSep option must be specified for the {name} encoding"))),
        Some("") => Err(Error::invalid_argument("The value '' of the option 'lineSep' is invalid: it cannot be empty.")),
        Some(sep) if sep != "\n" || !encoding.is_ascii_compatible() => {
            Err(Error::unsupported(format!("reading JSON lines separated by {sep:?} in {name} (Ember reads lineSep '\\n' in an ASCII-compatible charset)")))
        }
        _ => Ok(()),
    }
}

/// All records of a file (for inference and multi-line reading).
pub fn file_records(file: &Arc<FileMeta>, opts: &JsonOptions, mut each: impl FnMut(JsonRecord) -> Result<bool>) -> Result<()> {
    let reader = open_whole(file)?;
    if opts.multi_line {
        for r in multi_line_records(reader, &file.path, opts.encoding)? {
            if !each(r)? {
                break;
            }
        }
        return Ok(());
    }
    let mut lines = JsonLines::new(reader, &file.path, opts.encoding);
    while let Some(r) = lines.next_record()? {
        if !each(r)? {
            break;
        }
    }
    Ok(())
}

/// Is this line blank (Spark skips blank lines)?
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// Spark's type for an arrow-json inferred type; `None` drops the field (empty struct).
fn spark_type(dt: &DataType, as_string: bool) -> Option<DataType> {
    Some(match dt {
        DataType::Null | DataType::Utf8 => DataType::Utf8,
        DataType::Int64 | DataType::Float64 | DataType::Boolean if as_string => DataType::Utf8,
        DataType::List(f) => {
            let inner = spark_type(f.data_type(), as_string).unwrap_or(DataType::Utf8);
            DataType::List(Arc::new(Field::new_list_field(inner, true)))
        }
        DataType::Struct(fields) => {
            let fields = spark_fields(fields, as_string);
            if fields.is_empty() {
                return None;
            }
            DataType::Struct(fields)
        }
        other => other.clone(),
    })
}

fn spark_fields(fields: &Fields, as_string: bool) -> Fields {
    let mut out: Vec<Field> = fields
        .iter()
        .filter_map(|f| spark_type(f.data_type(), as_string).map(|t| Field::new(f.name(), t, true)))
        .collect();
    out.sort_by(|a, b| a.name().cmp(b.name()));
    out.into()
}

fn unable_to_infer() -> Error {
    Error::new(ErrorKind::Other {
        class: "UNABLE_TO_INFER_SCHEMA".into(),
        sqlstate: Some("42KD9".into()),
        message: "Unable to infer schema for JSON. It must be specified manually.".into(),
    })
}

/// Is one record valid JSON that inference can type?
fn record_error(rec: &JsonRecord) -> Option<String> {
    if let Some(e) = &rec.bad_encoding {
        return Some(e.clone());
    }
    let mut text = rec.text.clone();
    text.push(b'\n');
    match infer_json_schema(Cursor::new(&text), None) {
        Ok(_) if rec.text.trim_ascii_start().starts_with(b"{") => None,
        Ok(_) => Some("the record is not a JSON object".into()),
        Err(e) => Some(e.to_string()),
    }
}

/// Infers the schema of JSON files from their first (sampled) records. Malformed
/// records follow the mode: PERMISSIVE adds the corrupt-record column (as Spark does),
/// DROPMALFORMED skips them, FAILFAST fails naming the file and line.
pub fn infer_json(files: &[Arc<FileMeta>], opts: &JsonOptions) -> Result<Schema> {
    if files.is_empty() {
        return Err(unable_to_infer());
    }
    if let Some(f) = &opts.timestamp_format {
        // Spark's JSON inference builds its timestamp parser eagerly
        f.check()?;
    }
    let mut sample = Vec::new();
    let mut seen = 0usize;
    let mut any_bad = false;
    for f in files.iter().filter(|f| f.size > 0) {
        file_records(f, opts, |rec| {
            let r = opts.sampling_ratio;
            let keep = r >= 1.0 || ((seen + 1) as f64 * r).floor() > (seen as f64 * r).floor();
            seen += 1;
            if !keep {
                return Ok(true);
            }
            if let Some(reason) = record_error(&rec) {
                if opts.mode == ParseMode::FailFast {
                    return Err(Error::new(ErrorKind::MalformedRecord { file: f.path.clone(), line: rec.line, message: reason }));
                }
                any_bad = true;
            } else {
                sample.extend_from_slice(&rec.text);
                sample.push(b'\n');
            }
            Ok(true)
        })?;
    }
    let mut fields: Vec<Field> = match infer_json_schema(Cursor::new(&sample), None) {
        Ok((schema, _)) => spark_fields(schema.fields(), opts.primitives_as_string).iter().map(|f| f.as_ref().clone()).collect(),
        Err(whole) => return Err(Error::unsupported(format!("JSON schema inference over conflicting types ({whole}); specify the schema"))),
    };
    if any_bad && opts.mode == ParseMode::Permissive && !fields.iter().any(|f| f.name() == &opts.corrupt_column) {
        fields.push(Field::new(&opts.corrupt_column, DataType::Utf8, true));
        fields.sort_by(|a, b| a.name().cmp(b.name()));
    }
    Ok(Schema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(text: &str, opts: &ReadOptions) -> Result<Schema> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, text).unwrap();
        let files = crate::listing::list_files(&[path.to_string_lossy().to_string()]).unwrap();
        let files: Vec<Arc<FileMeta>> = files.into_iter().map(Arc::new).collect();
        infer_json(&files, &JsonOptions::try_new(opts).unwrap())
    }

    fn catalog(schema: &Schema) -> String {
        crate::scan_util::read_schema_string(&Arc::new(schema.clone()))
    }

    #[test]
    fn nested_sorted_spark_types() {
        let text = "{\"z\": 1, \"a\": {\"y\": 1.5, \"b\": [1, 2]}, \"n\": null}\n\n{\"z\": 2, \"m\": true, \"e\": {}}\n";
        let schema = infer(text, &ReadOptions::new()).unwrap();
        insta::assert_snapshot!(catalog(&schema), @"struct<a:struct<b:array<bigint>,y:double>,m:boolean,n:string,z:bigint>");
        let schema = infer(text, &ReadOptions::new().with("primitivesAsString", "true")).unwrap();
        insta::assert_snapshot!(catalog(&schema), @"struct<a:struct<b:array<string>,y:string>,m:string,n:string,z:string>");
    }

    #[test]
    fn malformed_lines_follow_the_mode() {
        let text = "{\"a\": 1}\n\n{\"a\": \n";
        let schema = infer(text, &ReadOptions::new()).unwrap();
        insta::assert_snapshot!(catalog(&schema), @"struct<_corrupt_record:string,a:bigint>");
        let schema = infer(text, &ReadOptions::new().with("columnNameOfCorruptRecord", "bad")).unwrap();
        insta::assert_snapshot!(catalog(&schema), @"struct<a:bigint,bad:string>");
        let schema = infer(text, &ReadOptions::new().with("mode", "DROPMALFORMED")).unwrap();
        insta::assert_snapshot!(catalog(&schema), @"struct<a:bigint>");
        let err = infer(text, &ReadOptions::new().with("mode", "FAILFAST")).unwrap_err();
        assert_eq!(err.class(), "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
        match err.kind() {
            ErrorKind::MalformedRecord { line, .. } => assert_eq!(*line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn charsets_of_json_lines() {
        let opts = |kv: &[(&str, &str)]| JsonOptions::try_new(&kv.iter().copied().collect());
        assert!(opts(&[("encoding", "UTF-16")]).unwrap_err().message().contains("denyList"));
        assert!(opts(&[("encoding", "UTF-16"), ("multiLine", "true")]).is_ok());
        let err = opts(&[("encoding", "ISO-8859-1")]).unwrap_err();
        assert!(err.message().contains("lineSep option must be specified"), "{err}");
        assert!(opts(&[("encoding", "ISO-8859-1"), ("lineSep", "\n")]).is_ok());
        assert_eq!(opts(&[("encoding", "latin1")]).unwrap_err().class(), "INVALID_PARAMETER_VALUE.CHARSET");
        assert_eq!(opts(&[("lineSep", "|")]).unwrap_err().class(), "UNSUPPORTED_FEATURE");
    }

    #[test]
    fn empty_file_gives_empty_schema() {
        assert!(infer("", &ReadOptions::new()).unwrap().fields().is_empty());
        assert_eq!(infer_json(&[], &JsonOptions::try_new(&ReadOptions::new()).unwrap()).unwrap_err().class(), "UNABLE_TO_INFER_SCHEMA");
    }
}
