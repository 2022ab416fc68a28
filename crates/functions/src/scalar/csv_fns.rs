//! `to_csv(struct[, options])`, `from_csv(csv, schema[, options])` and
//! `schema_of_csv(csv[, options])`: one CSV record per
//! row, as Spark's CSV writer and reader (PERMISSIVE) handle it: `sep` (`,`), `"` quotes
//! with `\` escapes, empty fields NULL, values formatted as `to_json` formats them.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray, StringBuilder, StructArray};
use arrow::buffer::NullBuffer;
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::DataType;
use ember_common::{Error, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::json_fns::write_json;
use super::utils::{as_strings, check_arity, eval_arrays, string_arg};

/// The `sep` option of a constant options map (`,` without one).
fn separator(options: Option<&ArrayRef>) -> Result<char> {
    let Some(m) = options.and_then(|o| o.as_map_opt()) else { return Ok(',') };
    if m.is_empty() || m.is_null(0) {
        return Ok(',');
    }
    let (k, v) = (as_strings(m.keys())?, as_strings(m.values())?);
    for j in m.value_offsets()[0] as usize..m.value_offsets()[1] as usize {
        if k.value(j).eq_ignore_ascii_case("sep") || k.value(j).eq_ignore_ascii_case("delimiter") {
            return v.value(j).chars().next().ok_or_else(|| Error::spark("INVALID_DELIMITER_VALUE.EMPTY_STRING", &[]));
        }
    }
    Ok(',')
}

fn check_options(name: &str, t: Option<&DataType>) -> Result<()> {
    match t {
        None | Some(DataType::Map(..)) => Ok(()),
        Some(other) => Err(super::utils::unexpected_type(name, 3, "\"MAP\"", other)),
    }
}

/// `to_csv(struct[, options])`
#[derive(Debug)]
pub struct ToCsv;

impl ScalarFunctionImpl for ToCsv {
    fn name(&self) -> &str {
        "to_csv"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("to_csv", t.len(), 1, 2)?;
        if !matches!(t[0], DataType::Struct(_)) {
            return Err(Error::new(ember_common::ErrorKind::DatatypeMismatch {
                sub: "UNSUPPORTED_INPUT_TYPE",
                expr: "\"to_csv\"".into(),
                message: format!("The input of `to_csv` can't be \"{}\" type data.", ember_common::types::catalog_string(&t[0]).to_uppercase()),
            }));
        }
        t.get(1).map(|o| check_options("to_csv", Some(o))).transpose()?;
        Ok(t.to_vec())
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        args.first().map(|a| format!("to_csv({a})"))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let s = a[0].as_struct_opt().ok_or_else(|| Error::internal("to_csv: struct expected"))?;
            let sep = separator(a.get(1))?;
            let mut out = StringBuilder::new();
            let mut line = String::new();
            let mut value = String::new();
            for i in 0..n {
                if s.is_null(i) {
                    out.append_null();
                    continue;
                }
                line.clear();
                for (c, col) in s.columns().iter().enumerate() {
                    if c > 0 {
                        line.push(sep);
                    }
                    if col.data_type() == &DataType::Null || col.is_null(i) {
                        continue;
                    }
                    value.clear();
                    match col.data_type() {
                        DataType::Utf8 => value.push_str(col.as_string::<i32>().value(i)),
                        DataType::LargeUtf8 => value.push_str(col.as_string::<i64>().value(i)),
                        _ => {
                            write_json(&mut value, col.as_ref(), i, None)?;
                            if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
                                value = value[1..value.len() - 1].to_string();
                            }
                        }
                    }
                    let needs_quotes = value.is_empty() || value.contains([sep, '"', '\n', '\r', '\\']);
                    if needs_quotes {
                        line.push('"');
                        for ch in value.chars() {
                            if ch == '"' || ch == '\\' {
                                line.push('\\');
                            }
                            line.push(ch);
                        }
                        line.push('"');
                    } else {
                        line.push_str(&value);
                    }
                }
                out.append_value(&line);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        })
    }
}

/// The fields of one CSV record (`None` for an empty, unquoted field).
fn split_record(line: &str, sep: char) -> Vec<Option<String>> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut in_quotes, mut chars) = (false, false, line.chars().peekable());
    while let Some(ch) = chars.next() {
        match ch {
            '\\' if in_quotes => {
                if let Some(next) = chars.next() {
                    cur.push(next);
                }
            }
            '"' if in_quotes => in_quotes = false,
            '"' if cur.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
            }
            c if c == sep && !in_quotes => {
                fields.push(if cur.is_empty() && !quoted { None } else { Some(std::mem::take(&mut cur)) });
                quoted = false;
            }
            c => cur.push(c),
        }
    }
    fields.push(if cur.is_empty() && !quoted { None } else { Some(cur) });
    fields
}

/// `from_csv(csv, schema[, options])`; the second argument is a NULL of the schema's type.
#[derive(Debug)]
pub struct FromCsv;

impl ScalarFunctionImpl for FromCsv {
    fn name(&self) -> &str {
        "from_csv"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("from_csv", t.len(), 2, 3)?;
        if !matches!(t[1], DataType::Struct(_)) {
            return Err(Error::spark("INVALID_SCHEMA.NON_STRUCT_TYPE", &[("inputSchema", &format!("\"{}\"", ember_common::types::catalog_string(&t[1]).to_uppercase())), ("dataType", &ember_common::types::catalog_string(&t[1]))]));
        }
        check_options("from_csv", t.get(2))?;
        let mut out = vec![string_arg("from_csv", 1, &t[0])?, t[1].clone()];
        out.extend(t.get(2).cloned());
        Ok(out)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[1].clone())
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        args.first().map(|a| format!("from_csv({a})"))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let DataType::Struct(fields) = args[1].data_type() else { return Err(Error::internal("from_csv: struct schema expected")) };
        let mut rest = vec![args[0].clone()];
        rest.extend(args.get(2).cloned());
        eval_arrays(&rest, num_rows, |a, n| {
            let text = as_strings(&a[0])?;
            let sep = separator(a.get(1))?;
            let mut columns: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(n); fields.len()];
            for i in 0..n {
                let record = if text.is_null(i) { Vec::new() } else { split_record(text.value(i), sep) };
                for (c, col) in columns.iter_mut().enumerate() {
                    col.push(record.get(c).cloned().flatten());
                }
            }
            let opts = CastOptions { safe: true, ..Default::default() };
            let arrays = fields
                .iter()
                .zip(columns)
                .map(|(f, vals)| {
                    let strings: ArrayRef = Arc::new(StringArray::from(vals));
                    Ok(cast_with_options(&strings, f.data_type(), &opts)?)
                })
                .collect::<Result<Vec<ArrayRef>>>()?;
            let nulls = NullBuffer::from((0..n).map(|i| !text.is_null(i)).collect::<Vec<_>>());
            let fields = fields.iter().map(|f| Arc::new(f.as_ref().clone().with_nullable(true))).collect::<Vec<_>>();
            Ok(Arc::new(StructArray::try_new(fields.into(), arrays, Some(nulls))?) as ArrayRef)
        })
    }
}

/// `schema_of_csv(csv[, options])`: the DDL type Spark's CSV inference gives a constant
/// record (`STRUCT<_c0: INT, …>`).
#[derive(Debug)]
pub struct SchemaOfCsv;

impl ScalarFunctionImpl for SchemaOfCsv {
    fn name(&self) -> &str {
        "schema_of_csv"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("schema_of_csv", t.len(), 1, 2)?;
        check_options("schema_of_csv", t.get(1))?;
        let mut out = vec![string_arg("schema_of_csv", 1, &t[0])?];
        out.extend(t.get(1).cloned());
        Ok(out)
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        args.first().map(|a| format!("schema_of_csv({a})"))
    }
    /// Spark infers at analysis: the record must be a constant.
    fn specialize(&self, literals: &[Option<&ember_plan::ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        if literals.first().is_some_and(|l| l.is_none()) {
            return Err(Error::spark(
                "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                &[("sqlExpr", "\"schema_of_csv\""), ("inputName", "`csv`"), ("inputType", "\"STRING\""), ("inputExpr", "\"csv\"")],
            ));
        }
        Ok(None)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let text = as_strings(&a[0])?;
            let sep = separator(a.get(1))?;
            let mut out = StringBuilder::new();
            for i in 0..n {
                if text.is_null(i) {
                    out.append_null();
                    continue;
                }
                let fields: Vec<String> =
                    split_record(text.value(i), sep).iter().enumerate().map(|(c, f)| format!("_c{c}: {}", infer(f.as_deref()))).collect();
                out.append_value(format!("STRUCT<{}>", fields.join(", ")));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        })
    }
}

/// The type Spark's CSV inference gives one field.
fn infer(field: Option<&str>) -> &'static str {
    let Some(v) = field else { return "STRING" };
    if v.parse::<i32>().is_ok() {
        "INT"
    } else if v.parse::<i64>().is_ok() {
        "BIGINT"
    } else if matches!(v, "NaN" | "Infinity" | "-Infinity" | "+Infinity") || (v.parse::<f64>().is_ok() && !v.chars().any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')) {
        "DOUBLE"
    } else if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
        "BOOLEAN"
    } else if chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok() {
        "DATE"
    } else if ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"].iter().any(|f| chrono::NaiveDateTime::parse_from_str(v, f).is_ok()) {
        "TIMESTAMP"
    } else {
        "STRING"
    }
}
