//! `json_array_length(json)`, `json_object_keys(json)` and `schema_of_json(json)`:
//! questions about one JSON document per row (NULL when it is malformed or of the wrong
//! kind). `schema_of_json` infers as Spark's JSON reader does (BIGINT, DOUBLE, STRING,
//! BOOLEAN, fields sorted by name) and takes a constant only.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int32Array, ListBuilder, StringBuilder};
use arrow::datatypes::DataType;
use ember_common::{Error, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::collection_util::list_type;
use super::json_value::Json;
use super::utils::{as_strings, check_arity, eval_arrays, string_arg};

/// Which question a [`JsonShape`] answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    ArrayLength,
    ObjectKeys,
}

#[derive(Debug)]
pub struct JsonShape {
    shape: Shape,
}

pub fn json_array_length() -> JsonShape {
    JsonShape { shape: Shape::ArrayLength }
}
pub fn json_object_keys() -> JsonShape {
    JsonShape { shape: Shape::ObjectKeys }
}

impl ScalarFunctionImpl for JsonShape {
    fn name(&self) -> &str {
        match self.shape {
            Shape::ArrayLength => "json_array_length",
            Shape::ObjectKeys => "json_object_keys",
        }
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        Ok(vec![string_arg(self.name(), 1, &t[0])?])
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match self.shape {
            Shape::ArrayLength => DataType::Int32,
            Shape::ObjectKeys => list_type(DataType::Utf8),
        })
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let s = as_strings(&a[0])?;
            let doc = |i: usize| if s.is_null(i) { None } else { Json::parse(s.value(i)) };
            Ok(match self.shape {
                Shape::ArrayLength => Arc::new(
                    (0..n)
                        .map(|i| match doc(i) {
                            Some(Json::Arr(items)) => Some(items.len() as i32),
                            _ => None,
                        })
                        .collect::<Int32Array>(),
                ) as ArrayRef,
                Shape::ObjectKeys => {
                    let mut b = ListBuilder::new(StringBuilder::new());
                    for i in 0..n {
                        match doc(i) {
                            Some(Json::Obj(kv)) => {
                                for (k, _) in kv {
                                    b.values().append_value(k);
                                }
                                b.append(true);
                            }
                            _ => b.append(false),
                        }
                    }
                    Arc::new(b.finish()) as ArrayRef
                }
            })
        })
    }
}

/// `schema_of_json(json)`: the DDL type of a constant document.
#[derive(Debug)]
pub struct SchemaOfJson;

impl ScalarFunctionImpl for SchemaOfJson {
    fn name(&self) -> &str {
        "schema_of_json"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("schema_of_json", t.len(), 1, 2)?;
        Ok(t.iter().enumerate().map(|(i, x)| if i == 0 { DataType::Utf8 } else { x.clone() }).collect())
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let text = match &args[0] {
            ColumnarValue::Scalar(ScalarValue::Utf8(Some(t))) => t.clone(),
            ColumnarValue::Scalar(_) => return Ok(ColumnarValue::Scalar(ScalarValue::Utf8(None))),
            ColumnarValue::Array(a) => {
                let s = as_strings(a)?;
                if s.is_empty() || s.is_null(0) {
                    return Ok(ColumnarValue::Array(arrow::array::new_null_array(&DataType::Utf8, num_rows)));
                }
                s.value(0).to_string()
            }
        };
        let doc = Json::parse(&text).ok_or_else(|| {
            Error::spark("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION", &[("badRecord", &text), ("failFastMode", "FAILFAST")])
        })?;
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(infer(&doc).ddl()))))
    }
    /// Spark infers the schema at analysis: the document must be a constant.
    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        if literals.first().is_some_and(|l| l.is_none()) {
            return Err(Error::spark(
                "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                &[("sqlExpr", "\"schema_of_json\""), ("inputName", "`json`"), ("inputType", "\"STRING\""), ("inputExpr", "\"json\"")],
            ));
        }
        Ok(None)
    }
}

/// An inferred JSON type.
#[derive(Debug, Clone, PartialEq)]
enum Inferred {
    Null,
    Bool,
    Long,
    Double,
    Str,
    Arr(Box<Inferred>),
    Obj(Vec<(String, Inferred)>),
}

impl Inferred {
    fn ddl(&self) -> String {
        match self {
            Inferred::Null | Inferred::Str => "STRING".into(),
            Inferred::Bool => "BOOLEAN".into(),
            Inferred::Long => "BIGINT".into(),
            Inferred::Double => "DOUBLE".into(),
            Inferred::Arr(e) => format!("ARRAY<{}>", e.ddl()),
            Inferred::Obj(fs) => format!("STRUCT<{}>", fs.iter().map(|(k, t)| format!("{}: {}", quote(k), t.ddl())).collect::<Vec<_>>().join(", ")),
        }
    }
}

/// A field name as Spark's DDL shows it (backquoted unless a plain identifier).
fn quote(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        k.to_string()
    } else {
        format!("`{}`", k.replace('`', "``"))
    }
}

fn infer(v: &Json) -> Inferred {
    match v {
        Json::Null => Inferred::Null,
        Json::Bool(_) => Inferred::Bool,
        Json::Num(n) if n.contains(['.', 'e', 'E']) || n.parse::<i64>().is_err() => Inferred::Double,
        Json::Num(_) => Inferred::Long,
        Json::Str(_) => Inferred::Str,
        Json::Arr(items) => Inferred::Arr(Box::new(items.iter().map(infer).fold(Inferred::Null, merge))),
        Json::Obj(kv) => {
            let mut fs: Vec<(String, Inferred)> = kv.iter().map(|(k, v)| (k.clone(), infer(v))).collect();
            fs.sort_by(|a, b| a.0.cmp(&b.0));
            Inferred::Obj(fs)
        }
    }
}

/// The type both values fit (Spark's `compatibleType`).
fn merge(a: Inferred, b: Inferred) -> Inferred {
    use Inferred::*;
    match (a, b) {
        (Null, t) | (t, Null) => t,
        (Long, Double) | (Double, Long) => Double,
        (Arr(x), Arr(y)) => Arr(Box::new(merge(*x, *y))),
        (Obj(x), Obj(y)) => {
            let mut fs = x;
            for (k, t) in y {
                match fs.iter_mut().find(|(n, _)| *n == k) {
                    Some((_, cur)) => *cur = merge(cur.clone(), t),
                    None => fs.push((k, t)),
                }
            }
            fs.sort_by(|a, b| a.0.cmp(&b.0));
            Obj(fs)
        }
        (x, y) if x == y => x,
        _ => Str,
    }
}
