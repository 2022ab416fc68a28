//! JSON-lines options and schema inference: arrow-json's inference over a sample of
//! lines, then adjusted to Spark (`JsonInferSchema`): bigint, double, struct, array,
//! all-NULL fields as string, and field names sorted at every struct level.

use std::io::{BufRead, Cursor};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, Schema};
use arrow::json::reader::infer_json_schema;
use ember_common::{Error, ErrorKind, Result};

use crate::csv_infer::INFER_MAX_ROWS;
use crate::csv_options::check_unsupported;
use crate::listing::FileMeta;
use crate::options::ReadOptions;
use crate::split::{open_whole, read_error};

/// Validated JSON options.
#[derive(Debug, Clone)]
pub struct JsonOptions {
    pub sampling_ratio: f64,
    pub primitives_as_string: bool,
}

impl JsonOptions {
    pub fn try_new(options: &ReadOptions) -> Result<JsonOptions> {
        check_unsupported(options, "JSON")?;
        Ok(JsonOptions {
            sampling_ratio: options.get_ratio("samplingRatio", 1.0)?,
            primitives_as_string: options.get_bool("primitivesAsString", false)?,
        })
    }
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

/// Infers the schema of JSON-lines files from their first (sampled) lines.
pub fn infer_json(files: &[Arc<FileMeta>], opts: &JsonOptions) -> Result<Schema> {
    if files.is_empty() {
        return Err(unable_to_infer());
    }
    let mut sample = Vec::new();
    let mut origin: Vec<(usize, u64)> = Vec::new();
    let mut seen = 0usize;
    'files: for (fi, f) in files.iter().enumerate().filter(|(_, f)| f.size > 0) {
        let mut reader = open_whole(f)?;
        let mut line = Vec::new();
        let mut line_no = 0u64;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(|e| read_error(&f.path, e))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            if is_blank(&line) {
                continue;
            }
            let r = opts.sampling_ratio;
            let keep = r >= 1.0 || ((seen + 1) as f64 * r).floor() > (seen as f64 * r).floor();
            seen += 1;
            if !keep {
                continue;
            }
            sample.extend_from_slice(&line);
            if !line.ends_with(b"\n") {
                sample.push(b'\n');
            }
            origin.push((fi, line_no));
            if origin.len() >= INFER_MAX_ROWS {
                break 'files;
            }
        }
    }
    match infer_json_schema(Cursor::new(&sample), None) {
        Ok((schema, _)) => Ok(Schema::new(spark_fields(schema.fields(), opts.primitives_as_string))),
        Err(whole) => {
            // find the line that is malformed on its own
            for (line, (fi, line_no)) in sample.split(|b| *b == b'\n').zip(&origin) {
                if let Err(e) = infer_json_schema(Cursor::new(line), None) {
                    return Err(Error::new(ErrorKind::MalformedRecord {
                        file: files[*fi].path.clone(),
                        line: *line_no,
                        message: e.to_string(),
                    }));
                }
            }
            Err(Error::unsupported(format!("JSON schema inference over conflicting types ({whole}); specify the schema")))
        }
    }
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
    fn malformed_line_is_located() {
        let err = infer("{\"a\": 1}\n\n{\"a\": \n", &ReadOptions::new()).unwrap_err();
        assert_eq!(err.class(), "MALFORMED_RECORD_IN_PARSING");
        match err.kind() {
            ErrorKind::MalformedRecord { line, .. } => assert_eq!(*line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn empty_file_gives_empty_schema() {
        assert!(infer("", &ReadOptions::new()).unwrap().fields().is_empty());
        assert_eq!(infer_json(&[], &JsonOptions::try_new(&ReadOptions::new()).unwrap()).unwrap_err().class(), "UNABLE_TO_INFER_SCHEMA");
    }
}
