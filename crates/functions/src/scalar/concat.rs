//! `concat` (any NULL argument gives NULL) and `concat_ws` (skips NULLs, flattens arrays).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{as_strings, castable_to_string, check_arity, eval_arrays, string_arg, unexpected_type, StringOut};

#[derive(Debug)]
pub struct Concat;

impl ScalarFunctionImpl for Concat {
    fn name(&self) -> &str {
        "concat"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        if !t.is_empty() && t.iter().all(|d| d == &DataType::Binary) {
            return Ok(t.to_vec());
        }
        t.iter().enumerate().map(|(i, d)| string_arg("concat", i + 1, d)).collect()
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(if !t.is_empty() && t.iter().all(|d| d == &DataType::Binary) { DataType::Binary } else { DataType::Utf8 })
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            if !a.is_empty() && a.iter().all(|x| x.data_type() == &DataType::Binary) {
                let bins: Vec<_> = a.iter().map(|x| x.as_binary::<i32>()).collect();
                let mut out = BinaryBuilder::with_capacity(n, 0);
                for i in 0..n {
                    if bins.iter().all(|b| b.is_valid(i)) {
                        let v: Vec<u8> = bins.iter().flat_map(|b| b.value(i).iter().copied()).collect();
                        out.append_value(v);
                    } else {
                        out.append_null();
                    }
                }
                return Ok(Arc::new(out.finish()) as ArrayRef);
            }
            let strs = a.iter().map(as_strings).collect::<Result<Vec<_>>>()?;
            let mut out = StringOut::new("concat", n);
            let mut buf = String::new();
            for i in 0..n {
                if strs.iter().all(|s| s.is_valid(i)) {
                    buf.clear();
                    strs.iter().for_each(|s| buf.push_str(s.value(i)));
                    out.push(Some(&buf))?;
                } else {
                    out.push(None)?;
                }
            }
            Ok(out.finish())
        })
    }
}

#[derive(Debug)]
pub struct ConcatWs;

fn is_string_list(dt: &DataType) -> bool {
    matches!(dt, DataType::List(f) if castable_to_string(f.data_type()))
}

impl ScalarFunctionImpl for ConcatWs {
    fn name(&self) -> &str {
        "concat_ws"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("concat_ws", t.len(), 1, usize::MAX)?;
        t.iter()
            .enumerate()
            .map(|(i, d)| match d {
                d if i > 0 && is_string_list(d) => Ok(DataType::new_list(DataType::Utf8, true)),
                DataType::List(_) => Err(unexpected_type("concat_ws", i + 1, "(\"ARRAY<STRING>\" or \"STRING\")", d)),
                d => string_arg("concat_ws", i + 1, d),
            })
            .collect()
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("concat_ws", args.len(), 1, usize::MAX)?;
        eval_arrays(args, num_rows, |a, n| {
            let sep = as_strings(&a[0])?;
            enum Part {
                Str(StringArray),
                List(arrow::array::ListArray, StringArray),
            }
            let parts = a[1..]
                .iter()
                .map(|x| match x.data_type() {
                    DataType::List(_) => {
                        let l = x.as_list::<i32>().clone();
                        let values = as_strings(&cast(l.values(), &DataType::Utf8)?)?;
                        Ok(Part::List(l, values))
                    }
                    _ => Ok(Part::Str(as_strings(x)?)),
                })
                .collect::<Result<Vec<_>>>()?;
            let mut out = StringOut::new("concat_ws", n);
            let mut buf = String::new();
            for i in 0..n {
                if sep.is_null(i) {
                    out.push(None)?;
                    continue;
                }
                buf.clear();
                let mut first = true;
                let mut add = |s: &str, buf: &mut String| {
                    if !first {
                        buf.push_str(sep.value(i));
                    }
                    first = false;
                    buf.push_str(s);
                };
                for p in &parts {
                    match p {
                        Part::Str(s) if s.is_valid(i) => add(s.value(i), &mut buf),
                        Part::List(l, v) if l.is_valid(i) => {
                            let offs = l.value_offsets();
                            for j in offs[i] as usize..offs[i + 1] as usize {
                                if v.is_valid(j) {
                                    add(v.value(j), &mut buf);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                out.push(Some(&buf))?;
            }
            Ok(out.finish())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, render, strs};
    use arrow::array::{Int32Array, ListArray};
    use arrow::datatypes::Int32Type;

    #[test]
    fn concat_null_gives_null() {
        let a = strs(&[Some("a"), None, Some("")]);
        let b: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), Some(2), Some(3)]));
        insta::assert_snapshot!(render(&call(&Concat, vec![a, b]).unwrap()), @"[a1, NULL, 3]");
    }

    #[test]
    fn concat_of_nothing_is_empty() {
        let out = Concat.invoke(&[], 2, &FunctionContext::default()).unwrap().into_array(2).unwrap();
        insta::assert_snapshot!(render(&out), @"[, ]");
    }

    #[test]
    fn concat_ws_skips_nulls_and_flattens_arrays() {
        let sep = strs(&[Some(","), Some(","), None]);
        let a = strs(&[Some("a"), None, Some("x")]);
        let l: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), None, Some(2)]),
            None,
            Some(vec![]),
        ]));
        insta::assert_snapshot!(render(&call(&ConcatWs, vec![sep, a, l]).unwrap()), @"[a,1,2, , NULL]");
    }
}
