//! JSON functions: `get_json_object(json, path)`, `json_tuple(json, k1, …)` (here the
//! scalar half: one `struct<c0, c1, …>` per row, which the binder explodes with
//! `inline`), `from_json(json, schema)` (PERMISSIVE: a malformed document gives a struct
//! of NULLs, a value of the wrong type a NULL field) and `to_json(struct | map | array)`.
//! `from_json` receives its schema as a NULL literal of the target type; the binder and
//! the DataFrame API parse the DDL string into it.

use std::sync::Arc;

use arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, BooleanArray, Float32Array, Float64Array, Int16Array, Int32Array, Int64Array, Int8Array,
    ListArray, MapArray, StringArray, StructArray,
};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::cast;
use arrow::datatypes::*;
use ember_common::interval_type::IntervalType;
use ember_common::types::catalog_string;
use ember_common::{Error, Result};
use ember_plan::format::{format_date, format_decimal, format_f32, format_f64};
use ember_plan::interval::interval_values;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::collection_util::{error, list_type};
use super::json_value::{write_str, Json};
use super::utils::{as_strings, check_arity, eval_arrays, string_arg, unexpected_type, StringOut};

/// Text Spark returns for a JSON value: strings unquoted, NULL for `null`, other values
/// as compact JSON.
fn value_text(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::Str(s) => Some(s.clone()),
        other => Some(other.to_text()),
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Parses `$.a.b[0]['c d']`; `None` for paths Spark would not match (incl. wildcards).
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let rest = path.strip_prefix('$')?;
    let chars: Vec<char> = rest.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != '.' && chars[j] != '[' {
                    j += 1;
                }
                let name: String = chars[start..j].iter().collect();
                if name.is_empty() || name == "*" {
                    return None;
                }
                steps.push(Step::Key(name));
                i = j;
            }
            '[' => {
                let close = chars[i..].iter().position(|&c| c == ']')? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                if let Some(q) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                    steps.push(Step::Key(q.to_string()));
                } else {
                    steps.push(Step::Index(inner.trim().parse().ok()?));
                }
                i = close + 1;
            }
            _ => return None,
        }
    }
    Some(steps)
}

fn follow<'j>(mut v: &'j Json, steps: &[Step]) -> Option<&'j Json> {
    for s in steps {
        v = match (s, v) {
            (Step::Key(k), Json::Obj(_)) => v.get(k)?,
            (Step::Index(i), Json::Arr(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// `get_json_object(json, path)`
#[derive(Debug)]
pub struct GetJsonObject;

impl ScalarFunctionImpl for GetJsonObject {
    fn name(&self) -> &str {
        "get_json_object"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("get_json_object", t.len(), 2, 2)?;
        Ok(vec![string_arg("get_json_object", 1, &t[0])?, string_arg("get_json_object", 2, &t[1])?])
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let (json, path) = (as_strings(&a[0])?, as_strings(&a[1])?);
            let mut out = StringOut::new("get_json_object", n);
            for i in 0..n {
                let found = if json.is_null(i) || path.is_null(i) {
                    None
                } else {
                    parse_path(path.value(i))
                        .and_then(|steps| Json::parse(json.value(i)).and_then(|doc| follow(&doc, &steps).and_then(value_text)))
                };
                out.push(found.as_deref())?;
            }
            Ok(out.finish())
        })
    }
}

/// The `struct<c0: string, …>` of `json_tuple` with `n` keys.
fn tuple_fields(n: usize) -> Fields {
    Fields::from((0..n).map(|i| Field::new(format!("c{i}"), DataType::Utf8, true)).collect::<Vec<_>>())
}

/// `json_tuple(json, k1, k2, …)` as an array holding one `struct<c0, c1, …>` per row.
#[derive(Debug)]
pub struct JsonTuple;

impl ScalarFunctionImpl for JsonTuple {
    fn name(&self) -> &str {
        "json_tuple"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("json_tuple", t.len(), 2, usize::MAX)?;
        t.iter().enumerate().map(|(i, x)| string_arg("json_tuple", i + 1, x)).collect()
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(list_type(DataType::Struct(tuple_fields(t.len().saturating_sub(1)))))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let strs: Vec<StringArray> = a.iter().map(as_strings).collect::<Result<_>>()?;
            let k = strs.len() - 1;
            let mut cols: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(n); k];
            for i in 0..n {
                let doc = if strs[0].is_null(i) { None } else { Json::parse(strs[0].value(i)) };
                for (c, col) in cols.iter_mut().enumerate() {
                    let key = &strs[c + 1];
                    let v = match (&doc, key.is_null(i)) {
                        (Some(d), false) => d.get(key.value(i)).and_then(value_text),
                        _ => None,
                    };
                    col.push(v);
                }
            }
            let columns: Vec<ArrayRef> = cols.into_iter().map(|c| Arc::new(StringArray::from(c)) as ArrayRef).collect();
            let st = StructArray::try_new(tuple_fields(k), columns, None)?;
            let field = Arc::new(Field::new_list_field(st.data_type().clone(), true));
            Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::from_lengths(std::iter::repeat_n(1, n)), Arc::new(st), None)?) as ArrayRef)
        })
    }
}

/// True for the types `from_json` can produce.
fn json_readable(t: &DataType) -> bool {
    match t {
        DataType::Null | DataType::Boolean | DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => true,
        DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(_, _)
        | DataType::Utf8
        | DataType::Date32
        | DataType::Timestamp(_, _) => true,
        DataType::List(f) => json_readable(f.data_type()),
        DataType::Struct(fs) => fs.iter().all(|f| json_readable(f.data_type())),
        DataType::Map(f, _) => match f.data_type() {
            DataType::Struct(fs) if fs.len() == 2 => fs[0].data_type() == &DataType::Utf8 && json_readable(fs[1].data_type()),
            _ => false,
        },
        _ => false,
    }
}

/// Converts JSON values to an Arrow array of type `t`; values of the wrong kind are NULL.
fn build(t: &DataType, vals: &[Option<&Json>]) -> Result<ArrayRef> {
    fn int_text(v: &Json) -> Option<i64> {
        match v {
            Json::Num(s) if !s.contains(['.', 'e', 'E']) => s.parse().ok(),
            _ => None,
        }
    }
    fn float(v: &Json) -> Option<f64> {
        match v {
            Json::Num(s) => s.parse().ok(),
            Json::Str(s) if s == "NaN" => Some(f64::NAN),
            Json::Str(s) if s == "Infinity" || s == "+Infinity" => Some(f64::INFINITY),
            Json::Str(s) if s == "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        }
    }
    let n = vals.len();
    Ok(match t {
        DataType::Null => new_null_array(t, n),
        DataType::Boolean => Arc::new(
            vals.iter()
                .map(|v| match v {
                    Some(Json::Bool(b)) => Some(*b),
                    _ => None,
                })
                .collect::<BooleanArray>(),
        ),
        DataType::Int8 => Arc::new(vals.iter().map(|v| v.and_then(int_text).and_then(|x| i8::try_from(x).ok())).collect::<Int8Array>()),
        DataType::Int16 => Arc::new(vals.iter().map(|v| v.and_then(int_text).and_then(|x| i16::try_from(x).ok())).collect::<Int16Array>()),
        DataType::Int32 => Arc::new(vals.iter().map(|v| v.and_then(int_text).and_then(|x| i32::try_from(x).ok())).collect::<Int32Array>()),
        DataType::Int64 => Arc::new(vals.iter().map(|v| v.and_then(int_text)).collect::<Int64Array>()),
        DataType::Float32 => Arc::new(vals.iter().map(|v| v.and_then(float).map(|x| x as f32)).collect::<Float32Array>()),
        DataType::Float64 => Arc::new(vals.iter().map(|v| v.and_then(float)).collect::<Float64Array>()),
        DataType::Utf8 => Arc::new(vals.iter().map(|v| v.and_then(value_text)).collect::<StringArray>()),
        DataType::Decimal128(_, _) | DataType::Date32 | DataType::Timestamp(_, _) => {
            let texts: StringArray = vals
                .iter()
                .map(|v| match (t, v) {
                    (DataType::Decimal128(_, _), Some(Json::Num(s))) => Some(s.clone()),
                    (DataType::Date32 | DataType::Timestamp(_, _), Some(Json::Str(s))) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            cast(&texts, t)?
        }
        DataType::List(f) => {
            let mut items: Vec<Option<&Json>> = Vec::new();
            let mut lens = Vec::with_capacity(n);
            let mut valid = Vec::with_capacity(n);
            for v in vals {
                match v {
                    Some(Json::Arr(xs)) => {
                        items.extend(xs.iter().map(Some));
                        lens.push(xs.len());
                        valid.push(true);
                    }
                    _ => {
                        lens.push(0);
                        valid.push(false);
                    }
                }
            }
            let child = build(f.data_type(), &items)?;
            Arc::new(ListArray::try_new(f.clone(), OffsetBuffer::from_lengths(lens), child, Some(NullBuffer::from(valid)))?)
        }
        DataType::Struct(fs) => {
            let valid: Vec<bool> = vals.iter().map(|v| matches!(v, Some(Json::Obj(_)))).collect();
            let children = fs
                .iter()
                .map(|f| {
                    let col: Vec<Option<&Json>> = vals.iter().map(|v| v.and_then(|o| o.get(f.name()))).collect();
                    build(f.data_type(), &col)
                })
                .collect::<Result<Vec<_>>>()?;
            Arc::new(StructArray::try_new(fs.clone(), children, Some(NullBuffer::from(valid)))?)
        }
        DataType::Map(f, sorted) => {
            let DataType::Struct(fs) = f.data_type() else { return Err(Error::internal("map entries")) };
            let mut keys: Vec<String> = Vec::new();
            let mut values: Vec<Option<&Json>> = Vec::new();
            let mut lens = Vec::with_capacity(n);
            let mut valid = Vec::with_capacity(n);
            for v in vals {
                match v {
                    Some(Json::Obj(kv)) => {
                        for (k, x) in kv {
                            keys.push(k.clone());
                            values.push(Some(x));
                        }
                        lens.push(kv.len());
                        valid.push(true);
                    }
                    _ => {
                        lens.push(0);
                        valid.push(false);
                    }
                }
            }
            let keys: ArrayRef = Arc::new(StringArray::from(keys));
            let values = build(fs[1].data_type(), &values)?;
            let entries = StructArray::try_new(fs.clone(), vec![keys, values], None)?;
            Arc::new(MapArray::try_new(f.clone(), OffsetBuffer::from_lengths(lens), entries, Some(NullBuffer::from(valid)), *sorted)?)
        }
        other => return Err(Error::unsupported(format!("from_json to {}", catalog_string(other)))),
    })
}

/// `from_json(json, schema)`; the second argument is a NULL of the schema's type.
#[derive(Debug)]
pub struct FromJson;

impl ScalarFunctionImpl for FromJson {
    fn name(&self) -> &str {
        "from_json"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("from_json", t.len(), 2, 2)?;
        if !matches!(t[1], DataType::Struct(_) | DataType::List(_) | DataType::Map(_, _)) || !json_readable(&t[1]) {
            return Err(error(
                "DATATYPE_MISMATCH.INVALID_JSON_SCHEMA",
                "42K09",
                format!(
                    "Cannot resolve \"from_json\": Input schema \"{}\" must be a struct, an array or a map.",
                    catalog_string(&t[1]).to_uppercase()
                ),
            ));
        }
        Ok(vec![string_arg("from_json", 1, &t[0])?, t[1].clone()])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[1].clone())
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        args.first().map(|a| format!("from_json({a})"))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("from_json", args.len(), 2, 2)?;
        let t = args[1].data_type();
        eval_arrays(&args[..1], num_rows, |a, n| {
            let json = as_strings(&a[0])?;
            let docs: Vec<Option<Json>> = (0..n).map(|i| if json.is_null(i) { None } else { Json::parse(json.value(i)) }).collect();
            // a malformed document reads as an object without fields: a struct of NULLs
            let empty = Json::Obj(vec![]);
            let vals: Vec<Option<&Json>> = docs
                .iter()
                .enumerate()
                .map(|(i, d)| match (d, &t) {
                    _ if json.is_null(i) => None,
                    (Some(d), DataType::Struct(_)) if !matches!(d, Json::Obj(_)) => Some(&empty),
                    (None, DataType::Struct(_)) => Some(&empty),
                    (d, _) => d.as_ref(),
                })
                .collect();
            build(&t, &vals)
        })
    }
}

/// `to_json(struct | map | array)`
#[derive(Debug)]
pub struct ToJson;

impl ScalarFunctionImpl for ToJson {
    fn name(&self) -> &str {
        "to_json"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("to_json", t.len(), 1, 1)?;
        match &t[0] {
            DataType::Struct(_) | DataType::List(_) | DataType::Map(_, _) | DataType::Null => Ok(t.to_vec()),
            other => Err(unexpected_type("to_json", 1, "(\"STRUCT\" or \"ARRAY\" or \"MAP\")", other)),
        }
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let mut out = StringOut::new("to_json", n);
            for i in 0..n {
                if null_at(a[0].as_ref(), i) {
                    out.push(None)?;
                } else {
                    let mut s = String::new();
                    write_json(&mut s, a[0].as_ref(), i, None)?;
                    out.push(Some(&s))?;
                }
            }
            Ok(out.finish())
        })
    }
}

/// True where the value is NULL (every row of a NULL-typed array).
fn null_at(a: &dyn Array, row: usize) -> bool {
    a.data_type() == &DataType::Null || a.is_null(row)
}

/// Appends the value at `row` as JSON the way Spark's generator writes it; `interval` is
/// the Spark type of an interval value (from its field), else its Arrow type's default.
pub(crate) fn write_json(out: &mut String, a: &dyn Array, row: usize, interval: Option<IntervalType>) -> Result<()> {
    if null_at(a, row) {
        out.push_str("null");
        return Ok(());
    }
    match a.data_type() {
        DataType::Boolean => out.push_str(if a.as_boolean().value(row) { "true" } else { "false" }),
        DataType::Int8 => out.push_str(&a.as_primitive::<Int8Type>().value(row).to_string()),
        DataType::Int16 => out.push_str(&a.as_primitive::<Int16Type>().value(row).to_string()),
        DataType::Int32 => out.push_str(&a.as_primitive::<Int32Type>().value(row).to_string()),
        DataType::Int64 => out.push_str(&a.as_primitive::<Int64Type>().value(row).to_string()),
        DataType::Float32 => {
            let v = a.as_primitive::<Float32Type>().value(row);
            if v.is_finite() {
                out.push_str(&format_f32(v))
            } else {
                write_str(out, &format_f32(v))
            }
        }
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>().value(row);
            if v.is_finite() {
                out.push_str(&format_f64(v))
            } else {
                write_str(out, &format_f64(v))
            }
        }
        DataType::Decimal128(_, s) => out.push_str(&format_decimal(a.as_primitive::<Decimal128Type>().value(row), *s)),
        DataType::Utf8 => write_str(out, a.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => write_str(out, a.as_string::<i64>().value(row)),
        DataType::Date32 => write_str(out, &format_date(a.as_primitive::<Date32Type>().value(row))),
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            let micros = a.as_primitive::<TimestampMicrosecondType>().value(row);
            let text = arrow::temporal_conversions::timestamp_us_to_datetime(micros)
                .map(|d| format!("{}Z", d.format("%Y-%m-%dT%H:%M:%S%.3f")))
                .unwrap_or_default();
            write_str(out, &text)
        }
        DataType::List(item) => {
            let l = a.as_list::<i32>();
            let items = l.value(row);
            let item_type = IntervalType::of_field(item);
            out.push('[');
            for j in 0..items.len() {
                if j > 0 {
                    out.push(',');
                }
                write_json(out, items.as_ref(), j, item_type)?;
            }
            out.push(']');
        }
        DataType::Struct(fs) => {
            let st = a.as_struct();
            out.push('{');
            let mut first = true;
            for (f, c) in fs.iter().zip(st.columns()) {
                if null_at(c.as_ref(), row) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                write_str(out, f.name());
                out.push(':');
                write_json(out, c.as_ref(), row, IntervalType::of_field(f))?;
            }
            out.push('}');
        }
        DataType::Map(_, _) => {
            let m = a.as_map();
            let e = m.value(row);
            let key_type = e.fields().first().and_then(|f| IntervalType::of_field(f));
            let value_type = e.fields().get(1).and_then(|f| IntervalType::of_field(f));
            out.push('{');
            for j in 0..e.len() {
                if j > 0 {
                    out.push(',');
                }
                let mut key = String::new();
                write_json(&mut key, e.column(0).as_ref(), j, key_type)?;
                match key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                    Some(_) => out.push_str(&key),
                    None => write_str(out, &key),
                }
                out.push(':');
                write_json(out, e.column(1).as_ref(), j, value_type)?;
            }
            out.push('}');
        }
        other => match interval.or_else(|| IntervalType::default_for(other)) {
            Some(t) => {
                let values = interval_values(&a.slice(row, 1)).unwrap_or_default();
                match values.first().copied().flatten() {
                    Some(v) => write_str(out, &t.format_ansi(v)),
                    None => out.push_str("null"),
                }
            }
            None => write_str(out, &catalog_string(other)),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};

    #[test]
    fn paths() {
        let j = strs(&[Some(r#"{"a":{"b":[10,{"c":"x"}]}}"#), Some("not json"), None]);
        let p = |s: &str| strs(&[Some(s), Some(s), Some(s)]);
        insta::assert_snapshot!(render(&call(&GetJsonObject, vec![j.clone(), p("$.a.b[1].c")]).unwrap()), @"[x, NULL, NULL]");
        insta::assert_snapshot!(render(&call(&GetJsonObject, vec![j.clone(), p("$.a.b")]).unwrap()), @r#"[[10,{"c":"x"}], NULL, NULL]"#);
        insta::assert_snapshot!(render(&call(&GetJsonObject, vec![j, p("$['a'].x")]).unwrap()), @"[NULL, NULL, NULL]");
    }

    #[test]
    fn reads_and_writes_structs() {
        let t =
            DataType::Struct(Fields::from(vec![Field::new("a", DataType::Int32, true), Field::new("b", list_type(DataType::Utf8), true)]));
        let j = strs(&[Some(r#"{"a": 1, "b": ["x", 2]}"#), Some(r#"{"a": "no"}"#), Some("{"), None]);
        let out = FromJson
            .invoke(&[ColumnarValue::Array(j), ColumnarValue::Array(new_null_array(&t, 4))], 4, &FunctionContext::default())
            .unwrap()
            .into_array(4)
            .unwrap();
        insta::assert_snapshot!(render(&out), @"[{a: 1, b: [x, 2]}, {a: NULL, b: NULL}, {a: NULL, b: NULL}, NULL]");
        insta::assert_snapshot!(render(&call(&ToJson, vec![out]).unwrap()), @r#"[{"a":1,"b":["x","2"]}, {}, {}, NULL]"#);
    }
}
