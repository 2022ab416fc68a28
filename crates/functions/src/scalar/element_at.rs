//! Element access: `element_at` / `try_element_at` (1-based, negative from the end, or a
//! map key), `get` (0-based, NULL out of range) and `get_item`, which the binder uses
//! for `arr[i]` (0-based; out of range is an error under ANSI) and `map[key]`.

use std::cmp::Ordering;

use arrow::array::{make_comparator, Array, ArrayRef, UInt32Array};
use arrow::compute::{take, SortOptions};
use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{can_cast, common_type, is_integral, is_numeric, is_string};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::collection_util::{cast_to, error, list_of, list_type, map_of, map_types, nulls_of, row_range};
use super::utils::{as_ints, check_arity, eval_arrays};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    ElementAt,
    TryElementAt,
    Get,
    GetItem,
}

/// One of Spark's element accessors; see the module docs.
#[derive(Debug)]
pub struct ElementAt {
    mode: Mode,
}

pub fn element_at() -> ElementAt {
    ElementAt { mode: Mode::ElementAt }
}
pub fn try_element_at() -> ElementAt {
    ElementAt { mode: Mode::TryElementAt }
}
pub fn get() -> ElementAt {
    ElementAt { mode: Mode::Get }
}
pub fn get_item() -> ElementAt {
    ElementAt { mode: Mode::GetItem }
}

fn type_error(name: &str, t: &[DataType], what: &str) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "UNEXPECTED_INPUT_TYPE",
        expr: format!("\"{name}\""),
        message: format!(
            "{what}, but got [{}].",
            t.iter().map(|x| format!("\"{}\"", catalog_string(x).to_uppercase())).collect::<Vec<_>>().join(", ")
        ),
    })
}

impl ScalarFunctionImpl for ElementAt {
    fn name(&self) -> &str {
        match self.mode {
            Mode::ElementAt => "element_at",
            Mode::TryElementAt => "try_element_at",
            Mode::Get => "get",
            Mode::GetItem => "get_item",
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 2, 2)?;
        match &t[0] {
            DataType::List(f) | DataType::LargeList(f) => {
                if !(is_integral(&t[1]) || t[1] == DataType::Null || (is_string(&t[1]) && self.mode != Mode::GetItem)) {
                    if self.mode == Mode::GetItem {
                        return Err(super::utils::unexpected_type("get_item", 2, "\"INTEGRAL\"", &t[1]));
                    }
                    return Err(type_error(
                        self.name(),
                        t,
                        "Input to the function should have been \"ARRAY\" followed by a value of \"INT\"",
                    ));
                }
                Ok(vec![list_type(f.data_type().clone()), DataType::Int32])
            }
            DataType::Map(_, _) if self.mode != Mode::Get => {
                let (k, _) = map_types(&t[0]).ok_or_else(|| Error::internal("map type"))?;
                match common_type(&k, &t[1]) {
                    Some(c) if c == k => Ok(vec![t[0].clone(), k]),
                    // `m[k]` casts the key to the map's key type (`m[1]` finds the key '1').
                    _ if self.mode == Mode::GetItem && implicit_key_cast(&t[1], &k) => Ok(vec![t[0].clone(), k]),
                    _ if self.mode == Mode::GetItem => Err(type_error(
                        self.name(),
                        t,
                        &format!(
                            "Input to the function should have been \"MAP\" followed by a value with same key type \"{}\"",
                            catalog_string(&k).to_uppercase()
                        ),
                    )),
                    _ => Err(Error::new(ErrorKind::DatatypeMismatch {
                        sub: "MAP_FUNCTION_DIFF_TYPES",
                        expr: format!("\"{}\"", self.name()),
                        message: format!(
                            "Input to `{}` should have been \"MAP\" followed by a value with same key type, but it's [\"{}\", \"{}\"].",
                            self.name(),
                            catalog_string(&t[0]).to_uppercase(),
                            catalog_string(&t[1]).to_uppercase()
                        ),
                    })),
                }
            }
            DataType::Null => Ok(vec![DataType::Null, t[1].clone()]),
            other => {
                if self.mode == Mode::GetItem {
                    return Err(error(
                        "INVALID_EXTRACT_BASE_FIELD_TYPE",
                        "42000",
                        format!(
                            "Can't extract a value from \"{}\". Need a complex type [STRUCT, ARRAY, MAP] but got \"{}\".",
                            "value",
                            catalog_string(other).to_uppercase()
                        ),
                    ));
                }
                Err(type_error(self.name(), t, "Input to the function should have been \"ARRAY\" or \"MAP\" followed by a value"))
            }
        }
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        match &t[0] {
            DataType::List(f) | DataType::LargeList(f) => Ok(f.data_type().clone()),
            DataType::Map(_, _) => Ok(map_types(&t[0]).map(|(_, v)| v).unwrap_or(DataType::Null)),
            _ => Ok(DataType::Null),
        }
    }

    fn display_call(&self, args: &[String]) -> Option<String> {
        match (self.mode, args) {
            (Mode::GetItem, [a, i]) => Some(format!("{a}[{i}]")),
            _ => None,
        }
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name(), args.len(), 2, 2)?;
        eval_arrays(args, num_rows, |a, n| match a[0].data_type() {
            DataType::Map(_, _) => self.map_lookup(&a[0], &a[1], n),
            DataType::Null => Ok(nulls_of(&DataType::Null, n)),
            _ => self.array_index(&a[0], &a[1], n, ctx),
        })
    }
}

impl ElementAt {
    fn array_index(&self, arr: &ArrayRef, index: &ArrayRef, n: usize, ctx: &FunctionContext) -> Result<ArrayRef> {
        let l = list_of(arr)?;
        let idx = as_ints(index)?;
        let one_based = matches!(self.mode, Mode::ElementAt | Mode::TryElementAt);
        let strict = ctx.ansi && matches!(self.mode, Mode::ElementAt | Mode::GetItem);
        let mut out: Vec<Option<u32>> = Vec::with_capacity(n);
        for i in 0..n {
            if l.is_null(i) || idx.is_null(i) {
                out.push(None);
                continue;
            }
            let r = row_range(&l, i);
            let size = r.len() as i64;
            let k = idx.value(i) as i64;
            if one_based && k == 0 {
                return Err(error(
                    "INVALID_INDEX_OF_ZERO",
                    "22003",
                    "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).",
                ));
            }
            let pos = if !one_based {
                k
            } else if k > 0 {
                k - 1
            } else {
                size + k
            };
            if pos < 0 || pos >= size {
                if strict {
                    let (class, hint) = if self.mode == Mode::ElementAt {
                        (
                            "INVALID_ARRAY_INDEX_IN_ELEMENT_AT",
                            "Use `try_element_at` to tolerate accessing element at invalid index and return NULL instead.",
                        )
                    } else {
                        (
                            "INVALID_ARRAY_INDEX",
                            "Use the SQL function `get()` to tolerate accessing element at invalid index and return NULL instead.",
                        )
                    };
                    return Err(error(
                        class,
                        "22003",
                        format!("The index {k} is out of bounds. The array has {size} elements. {hint} If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error."),
                    ));
                }
                out.push(None);
                continue;
            }
            out.push(Some((r.start as i64 + pos) as u32));
        }
        Ok(take(l.values().as_ref(), &UInt32Array::from(out), None)?)
    }

    fn map_lookup(&self, map: &ArrayRef, key: &ArrayRef, n: usize) -> Result<ArrayRef> {
        let Some(m) = map_of(map)? else { return Ok(nulls_of(&DataType::Null, n)) };
        let keys = m.keys();
        let needle = cast_to(key, keys.data_type())?;
        let cmp = make_comparator(keys.as_ref(), needle.as_ref(), SortOptions::default())?;
        let offsets = m.value_offsets();
        let out: Vec<Option<u32>> = (0..n)
            .map(|i| {
                if m.is_null(i) || needle.is_null(i) {
                    return None;
                }
                (offsets[i] as usize..offsets[i + 1] as usize).find(|&j| cmp(j, i) == Ordering::Equal).map(|j| j as u32)
            })
            .collect();
        Ok(take(m.values().as_ref(), &UInt32Array::from(out), None)?)
    }
}

/// Whether `m[key]` casts a `from` key to the map's key type `to`: any cast but
/// between booleans and numbers (Spark's implicit cast of the key).
fn implicit_key_cast(from: &DataType, to: &DataType) -> bool {
    let bool_number = |a: &DataType, b: &DataType| *a == DataType::Boolean && is_numeric(b);
    *from != DataType::Null && can_cast(from, to) && !bool_number(from, to) && !bool_number(to, from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, call_ctx, ints, render};
    use arrow::array::ListArray;
    use arrow::datatypes::Int32Type;
    use std::sync::Arc;

    fn arr() -> ArrayRef {
        Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), Some(2), None]), None, Some(vec![])]))
    }

    #[test]
    fn one_based_and_negative() {
        insta::assert_snapshot!(render(&call(&element_at(), vec![arr(), ints(&[Some(-3), Some(1), None])]).unwrap()), @"[1, NULL, NULL]");
        assert!(call(&element_at(), vec![arr(), ints(&[Some(4), Some(1), Some(1)])])
            .unwrap_err()
            .to_string()
            .contains("INVALID_ARRAY_INDEX_IN_ELEMENT_AT"));
        assert!(call(&element_at(), vec![arr(), ints(&[Some(0), None, None])]).unwrap_err().to_string().contains("INVALID_INDEX_OF_ZERO"));
        insta::assert_snapshot!(render(&call(&try_element_at(), vec![arr(), ints(&[Some(4), Some(1), Some(1)])]).unwrap()), @"[NULL, NULL, NULL]");
    }

    #[test]
    fn zero_based_items() {
        insta::assert_snapshot!(render(&call(&get(), vec![arr(), ints(&[Some(1), Some(0), Some(0)])]).unwrap()), @"[2, NULL, NULL]");
        assert!(call(&get_item(), vec![arr(), ints(&[Some(3), None, None])]).unwrap_err().to_string().contains("INVALID_ARRAY_INDEX"));
        let lenient = FunctionContext { ansi: false, ..Default::default() };
        insta::assert_snapshot!(render(&call_ctx(&get_item(), vec![arr(), ints(&[Some(3), Some(0), Some(-1)])], &lenient).unwrap()), @"[NULL, NULL, NULL]");
    }
}
