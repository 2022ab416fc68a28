//! Struct functions: `named_struct('a', x, 'b', y)`, `struct(x, y)` (which the binder
//! calls with the field names it derived, like `named_struct`), and `get_field(s, 'f')`,
//! which the binder uses for `s.f`. Field names must be string literals; a call is
//! specialized for them when it is built.

use std::sync::Arc;

use arrow::array::{make_array, Array, ArrayRef, AsArray, StructArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Fields};
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::collection_util::error;
use super::utils::{check_arity, eval_arrays};

/// `named_struct` / `struct`; `names` is empty until specialized for its literal names.
#[derive(Debug)]
pub struct NamedStruct {
    /// `struct(x, y)`: shown without the names
    plain: bool,
    names: Vec<String>,
}

pub fn named_struct() -> NamedStruct {
    NamedStruct { plain: false, names: vec![] }
}
/// `struct(…)`, called as `struct('a', a, 'col2', 1 + 1)`.
pub fn make_struct() -> NamedStruct {
    NamedStruct { plain: true, names: vec![] }
}

impl NamedStruct {
    fn fname(&self) -> &'static str {
        if self.plain {
            "struct"
        } else {
            "named_struct"
        }
    }
    fn check_shape(&self, n: usize) -> Result<()> {
        if !n.is_multiple_of(2) || n == 0 {
            return Err(Error::new(ErrorKind::WrongNumArgs { name: self.fname().into(), expected: "2n (n > 0)".into(), found: n }));
        }
        if self.names.len() * 2 != n {
            return Err(error(
                "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                "42K09",
                format!("Cannot resolve \"{}\": only foldable `STRING` expressions are allowed to appear at odd position.", self.fname()),
            ));
        }
        Ok(())
    }
    fn fields(&self, t: &[DataType]) -> Fields {
        Fields::from(self.names.iter().enumerate().map(|(i, n)| Field::new(n, t[2 * i + 1].clone(), true)).collect::<Vec<_>>())
    }
}

impl ScalarFunctionImpl for NamedStruct {
    fn name(&self) -> &str {
        self.fname()
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        self.check_shape(t.len())?;
        Ok(t.iter().enumerate().map(|(i, x)| if i % 2 == 0 { DataType::Utf8 } else { x.clone() }).collect())
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        self.check_shape(t.len())?;
        Ok(DataType::Struct(self.fields(t)))
    }
    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        if !literals.len().is_multiple_of(2) || literals.is_empty() {
            return Err(Error::new(ErrorKind::WrongNumArgs {
                name: self.fname().into(),
                expected: "2n (n > 0)".into(),
                found: literals.len(),
            }));
        }
        let mut names = Vec::with_capacity(literals.len() / 2);
        for l in literals.iter().step_by(2) {
            match l {
                Some(ScalarValue::Utf8(Some(s))) => names.push(s.clone()),
                Some(ScalarValue::Utf8(None)) | Some(ScalarValue::Null) => {
                    return Err(error(
                        "DATATYPE_MISMATCH.UNEXPECTED_NULL",
                        "42K09",
                        format!("Cannot resolve \"{}\": the field names must not be null.", self.fname()),
                    ))
                }
                _ => {
                    return Err(error(
                        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                        "42K09",
                        format!(
                            "Cannot resolve \"{}\": only foldable `STRING` expressions are allowed to appear at odd position.",
                            self.fname()
                        ),
                    ))
                }
            }
        }
        Ok(Some(Arc::new(NamedStruct { plain: self.plain, names })))
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        if self.plain {
            let values: Vec<&str> = args.iter().skip(1).step_by(2).map(|s| s.as_str()).collect();
            Some(format!("struct({})", values.join(", ")))
        } else {
            None
        }
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        self.check_shape(types.len())?;
        let fields = self.fields(&types);
        eval_arrays(args, num_rows, |a, _| {
            let values: Vec<ArrayRef> = a.iter().skip(1).step_by(2).cloned().collect();
            Ok(Arc::new(StructArray::try_new(fields, values, None)?) as ArrayRef)
        })
    }
}

/// `get_field(s, 'f')`: field `f` of struct `s` (found case-insensitively).
#[derive(Debug)]
pub struct GetField {
    field: Option<String>,
}

pub fn get_field() -> GetField {
    GetField { field: None }
}

impl GetField {
    /// The index and field of the name in a struct type, or FIELD_NOT_FOUND.
    fn find(&self, t: &DataType) -> Result<(usize, Field)> {
        let name = self.field.as_deref().ok_or_else(|| {
            error("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT", "42K09", "The field name of `get_field` must be a string literal.")
        })?;
        let DataType::Struct(fs) = t else {
            return Err(error(
                "INVALID_EXTRACT_BASE_FIELD_TYPE",
                "42000",
                format!(
                    "Can't extract a value from \"{name}\". Need a complex type [STRUCT, ARRAY, MAP] but got \"{}\".",
                    catalog_string(t).to_uppercase()
                ),
            ));
        };
        let found = fs.iter().position(|f| f.name() == name).or_else(|| fs.iter().position(|f| f.name().eq_ignore_ascii_case(name)));
        match found {
            Some(i) => Ok((i, fs[i].as_ref().clone())),
            None => Err(error(
                "FIELD_NOT_FOUND",
                "42704",
                format!(
                    "No such struct field `{name}` in {}.",
                    fs.iter().map(|f| format!("`{}`", f.name())).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
}

impl ScalarFunctionImpl for GetField {
    fn name(&self) -> &str {
        "get_field"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("get_field", t.len(), 2, 2)?;
        self.find(&t[0])?;
        Ok(vec![t[0].clone(), DataType::Utf8])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(self.find(&t[0])?.1.data_type().clone())
    }
    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        match literals.get(1) {
            Some(Some(ScalarValue::Utf8(Some(s)))) => Ok(Some(Arc::new(GetField { field: Some(s.clone()) }))),
            _ => Err(error("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT", "42K09", "The field name of `get_field` must be a string literal.")),
        }
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        match (args.first(), &self.field) {
            (Some(s), Some(f)) => Some(format!("{s}.{f}")),
            _ => None,
        }
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("get_field", args.len(), 2, 2)?;
        let (i, _) = self.find(&args[0].data_type())?;
        eval_arrays(&args[..1], num_rows, |a, _| {
            let st = a[0].as_struct();
            let child = st.column(i).clone();
            let nulls = NullBuffer::union(st.nulls(), child.nulls());
            let data = child.to_data().into_builder().nulls(nulls).build()?;
            Ok(make_array(data))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{ints, render, strs};

    fn lit(s: &str) -> ScalarValue {
        ScalarValue::Utf8(Some(s.into()))
    }

    #[test]
    fn builds_and_reads_structs() {
        let (a, b) = (lit("a"), lit("b"));
        let f = named_struct().specialize(&[Some(&a), None, Some(&b), None]).unwrap().unwrap();
        let args = vec![
            ColumnarValue::Scalar(a.clone()),
            ColumnarValue::Array(ints(&[Some(1), None])),
            ColumnarValue::Scalar(b.clone()),
            ColumnarValue::Array(strs(&[Some("x"), Some("y")])),
        ];
        let s = f.invoke(&args, 2, &FunctionContext::default()).unwrap().into_array(2).unwrap();
        insta::assert_snapshot!(render(&s), @"[{a: 1, b: x}, {a: NULL, b: y}]");
        let g = get_field().specialize(&[None, Some(&lit("B"))]).unwrap().unwrap();
        let out = g.invoke(&[ColumnarValue::Array(s.clone()), ColumnarValue::Scalar(lit("B"))], 2, &FunctionContext::default()).unwrap();
        insta::assert_snapshot!(render(&out.into_array(2).unwrap()), @"[x, y]");
        assert!(get_field()
            .specialize(&[None, Some(&lit("c"))])
            .unwrap()
            .unwrap()
            .coerce_types(&[s.data_type().clone(), DataType::Utf8])
            .is_err());
        assert!(named_struct().specialize(&[None, None]).is_err());
    }
}
