//! Map functions: the constructors `map(k1, v1, …)` and `map_from_arrays(keys, values)`
//! (a NULL key is NULL_MAP_KEY, a repeated key DUPLICATED_MAP_KEY, Spark's default
//! `mapKeyDedupPolicy`), and `map_keys`, `map_values`, `map_entries`, `map_contains_key`.

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{make_comparator, new_empty_array, Array, ArrayRef, BooleanArray, ListArray, MapArray, StructArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{interleave, take, SortOptions};
use arrow::datatypes::{DataType, Field, Fields};
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::common_type;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::collection_util::{
    array_arg, cast_to, elem_keys, error, list_of, list_type, map_of, map_type, map_types, null_map_key, nulls_of, row_range,
};
use super::conditional::common_or_error;
use super::utils::{check_arity, eval_arrays, unexpected_type};

/// Builds a map column from flat keys and values, `lens[i]` entries for row `i`
/// (`None` = a NULL map). Checks for NULL and duplicate keys.
pub fn build_map(keys: ArrayRef, values: ArrayRef, rows: &[Option<usize>]) -> Result<ArrayRef> {
    let null_keys = keys.data_type() == &DataType::Null || keys.null_count() > 0;
    if null_keys {
        // NULL keys inside NULL maps do not count
        let mut at = 0;
        for r in rows {
            let len = r.unwrap_or(0);
            if r.is_some() && (at..at + len).any(|j| keys.data_type() == &DataType::Null || keys.is_null(j)) {
                return Err(null_map_key());
            }
            at += len;
        }
    }
    let key_rows = elem_keys(&keys)?;
    let mut at = 0;
    for r in rows.iter() {
        let len = r.unwrap_or(0);
        if r.is_some() && len > 1 {
            let mut seen = hashbrown::HashSet::with_capacity(len);
            for j in at..at + len {
                if !seen.insert(key_rows.row(j)) {
                    let shown = ScalarValue::try_from_array(keys.as_ref(), j).map(|v| v.to_string()).unwrap_or_default();
                    return Err(error(
                        "DUPLICATED_MAP_KEY",
                        "23505",
                        format!("Duplicate map key {shown} was found, please check the input data. If you want to remove the duplicated keys, you can set \"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so that the key inserted at last takes precedence."),
                    ));
                }
            }
        }
        at += len;
    }
    let map_dt = map_type(keys.data_type().clone(), values.data_type().clone());
    let DataType::Map(entries_field, _) = &map_dt else { return Err(Error::internal("map type")) };
    let DataType::Struct(fields) = entries_field.data_type() else { return Err(Error::internal("map entries")) };
    // keys of NULL maps may be NULL: drop those entries
    let (keys, values, lens) = if null_keys {
        let mut keep: Vec<u32> = Vec::new();
        let mut lens = Vec::with_capacity(rows.len());
        let mut at = 0;
        for r in rows {
            let len = r.unwrap_or(0);
            if r.is_some() {
                keep.extend((at..at + len).map(|j| j as u32));
                lens.push(len);
            } else {
                lens.push(0);
            }
            at += len;
        }
        let keep = UInt32Array::from(keep);
        (take(keys.as_ref(), &keep, None)?, take(values.as_ref(), &keep, None)?, lens)
    } else {
        let lens = rows.iter().map(|r| r.unwrap_or(0)).collect();
        (keys, values, lens)
    };
    let entries = StructArray::try_new(fields.clone(), vec![keys, values], None)?;
    let nulls = NullBuffer::from(rows.iter().map(|r| r.is_some()).collect::<Vec<_>>());
    let nulls = if nulls.null_count() > 0 { Some(nulls) } else { None };
    Ok(Arc::new(MapArray::try_new(entries_field.clone(), OffsetBuffer::from_lengths(lens), entries, nulls, false)?))
}

fn map_diff_types(name: &str, what: &str, types: &[DataType]) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "MAP_FUNCTION_DIFF_TYPES",
        expr: format!("\"{name}\""),
        message: format!(
            "Input to `{name}` should all be the same type as {what}, but it's [{}].",
            types.iter().map(|t| format!("\"{}\"", catalog_string(t).to_uppercase())).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// `map(k1, v1, k2, v2, …)`
#[derive(Debug)]
pub struct MakeMap;

impl MakeMap {
    fn key_value_types(t: &[DataType]) -> Result<(DataType, DataType)> {
        if !t.len().is_multiple_of(2) {
            return Err(Error::new(ErrorKind::WrongNumArgs { name: "map".into(), expected: "2n (n > 0)".into(), found: t.len() }));
        }
        if t.is_empty() {
            return Ok((DataType::Null, DataType::Null));
        }
        let keys: Vec<DataType> = t.iter().step_by(2).cloned().collect();
        let values: Vec<DataType> = t.iter().skip(1).step_by(2).cloned().collect();
        let k = common_or_error("map", &keys).map_err(|_| map_diff_types("map", "key", &keys))?;
        let v = common_or_error("map", &values).map_err(|_| map_diff_types("map", "value", &values))?;
        Ok((k, v))
    }
}

impl ScalarFunctionImpl for MakeMap {
    fn name(&self) -> &str {
        "map"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let (k, v) = Self::key_value_types(t)?;
        Ok((0..t.len()).map(|i| if i % 2 == 0 { k.clone() } else { v.clone() }).collect())
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let (k, v) = Self::key_value_types(t)?;
        Ok(map_type(k, v))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let (kt, vt) = Self::key_value_types(&types)?;
        if args.is_empty() {
            let rows = vec![Some(0); num_rows];
            return Ok(ColumnarValue::Array(build_map(new_empty_array(&kt), new_empty_array(&vt), &rows)?));
        }
        eval_arrays(args, num_rows, |a, n| {
            let pairs = a.len() / 2;
            let keys: Vec<ArrayRef> = a.iter().step_by(2).map(|x| cast_to(x, &kt)).collect::<Result<_>>()?;
            let values: Vec<ArrayRef> = a.iter().skip(1).step_by(2).map(|x| cast_to(x, &vt)).collect::<Result<_>>()?;
            let indices: Vec<(usize, usize)> = (0..n).flat_map(|r| (0..pairs).map(move |c| (c, r))).collect();
            let kr: Vec<&dyn Array> = keys.iter().map(|x| x.as_ref()).collect();
            let vr: Vec<&dyn Array> = values.iter().map(|x| x.as_ref()).collect();
            build_map(interleave(&kr, &indices)?, interleave(&vr, &indices)?, &vec![Some(pairs); n])
        })
    }
}

/// `map_from_arrays(keys, values)`
#[derive(Debug)]
pub struct MapFromArrays;

impl ScalarFunctionImpl for MapFromArrays {
    fn name(&self) -> &str {
        "map_from_arrays"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("map_from_arrays", t.len(), 2, 2)?;
        Ok(vec![list_type(array_arg("map_from_arrays", 1, &t[0])?), list_type(array_arg("map_from_arrays", 2, &t[1])?)])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(map_type(array_arg("map_from_arrays", 1, &t[0])?, array_arg("map_from_arrays", 2, &t[1])?))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let (k, v) = (list_of(&a[0])?, list_of(&a[1])?);
            let mut kidx: Vec<u32> = Vec::new();
            let mut vidx: Vec<u32> = Vec::new();
            let mut rows = Vec::with_capacity(n);
            for i in 0..n {
                if k.is_null(i) || v.is_null(i) {
                    rows.push(None);
                    continue;
                }
                let (kr, vr) = (row_range(&k, i), row_range(&v, i));
                if kr.len() != vr.len() {
                    return Err(Error::spark("_LEGACY_ERROR_TEMP_2128", &[]));
                }
                rows.push(Some(kr.len()));
                kidx.extend(kr.map(|j| j as u32));
                vidx.extend(vr.map(|j| j as u32));
            }
            let keys = take(k.values().as_ref(), &UInt32Array::from(kidx), None)?;
            let values = take(v.values().as_ref(), &UInt32Array::from(vidx), None)?;
            build_map(keys, values, &rows)
        })
    }
}

/// What a [`MapPart`] extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Keys,
    Values,
    Entries,
}

/// `map_keys`, `map_values`, `map_entries`: one array per map.
#[derive(Debug)]
pub struct MapPart {
    part: Part,
}

pub fn map_keys() -> MapPart {
    MapPart { part: Part::Keys }
}
pub fn map_values() -> MapPart {
    MapPart { part: Part::Values }
}
pub fn map_entries() -> MapPart {
    MapPart { part: Part::Entries }
}

fn map_arg(name: &str, param: usize, t: &DataType) -> Result<(DataType, DataType)> {
    map_types(t).ok_or_else(|| unexpected_type(name, param, "\"MAP\"", t))
}

impl ScalarFunctionImpl for MapPart {
    fn name(&self) -> &str {
        match self.part {
            Part::Keys => "map_keys",
            Part::Values => "map_values",
            Part::Entries => "map_entries",
        }
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        map_arg(self.name(), 1, &t[0])?;
        Ok(t.to_vec())
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let (k, v) = map_arg(self.name(), 1, &t[0])?;
        Ok(match self.part {
            Part::Keys => list_type(k),
            Part::Values => list_type(v),
            Part::Entries => list_type(DataType::Struct(Fields::from(vec![Field::new("key", k, false), Field::new("value", v, true)]))),
        })
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let rt = self.return_type(&[args[0].data_type()])?;
        eval_arrays(args, num_rows, |a, n| {
            let Some(m) = map_of(&a[0])? else { return Ok(nulls_of(&rt, n)) };
            let values: ArrayRef = match self.part {
                Part::Keys => m.keys().clone(),
                Part::Values => m.values().clone(),
                Part::Entries => Arc::new(m.entries().clone()),
            };
            let DataType::List(field) = &rt else { return Err(Error::internal("list type")) };
            let values = if let (Part::Entries, DataType::Struct(fs)) = (self.part, field.data_type()) {
                let st = m.entries();
                Arc::new(StructArray::try_new(fs.clone(), st.columns().to_vec(), st.nulls().cloned())?) as ArrayRef
            } else {
                values
            };
            Ok(Arc::new(ListArray::try_new(field.clone(), m.offsets().clone(), values, m.nulls().cloned())?) as ArrayRef)
        })
    }
}

/// `map_contains_key(map, key)`
#[derive(Debug)]
pub struct MapContainsKey;

impl ScalarFunctionImpl for MapContainsKey {
    fn name(&self) -> &str {
        "map_contains_key"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("map_contains_key", t.len(), 2, 2)?;
        let (k, _) = map_arg("map_contains_key", 1, &t[0])?;
        match common_type(&k, &t[1]) {
            _ if k == DataType::Null => Ok(t.to_vec()),
            Some(c) if c == k => Ok(vec![t[0].clone(), k]),
            _ => Err(map_diff_types("map_contains_key", "the map's key", &[k, t[1].clone()])),
        }
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let Some(m) = map_of(&a[0])? else { return Ok(nulls_of(&DataType::Boolean, n)) };
            let keys = m.keys();
            let needle = cast_to(&a[1], keys.data_type())?;
            let cmp = make_comparator(keys.as_ref(), needle.as_ref(), SortOptions::default())?;
            let o = m.value_offsets();
            let out: BooleanArray = (0..n)
                .map(|i| {
                    if m.is_null(i) || needle.is_null(i) {
                        return None;
                    }
                    Some((o[i] as usize..o[i + 1] as usize).any(|j| cmp(j, i) == Ordering::Equal))
                })
                .collect();
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    #[test]
    fn builds_and_reads_maps() {
        let m = call(
            &MakeMap,
            vec![strs(&[Some("a"), Some("b")]), ints(&[Some(1), None]), strs(&[Some("c"), Some("d")]), ints(&[Some(3), Some(4)])],
        )
        .unwrap();
        insta::assert_snapshot!(render(&m), @"[{a: 1, c: 3}, {b: NULL, d: 4}]");
        insta::assert_snapshot!(render(&call(&map_keys(), vec![m.clone()]).unwrap()), @"[[a, c], [b, d]]");
        insta::assert_snapshot!(render(&call(&map_values(), vec![m.clone()]).unwrap()), @"[[1, 3], [NULL, 4]]");
        insta::assert_snapshot!(render(&call(&MapContainsKey, vec![m, strs(&[Some("c"), Some("c")])]).unwrap()), @"[true, false]");
    }

    #[test]
    fn rejects_bad_keys() {
        let dup = call(&MakeMap, vec![ints(&[Some(1)]), ints(&[Some(1)]), ints(&[Some(1)]), ints(&[Some(2)])]);
        assert!(dup.unwrap_err().to_string().contains("DUPLICATED_MAP_KEY"));
        let null = call(&MakeMap, vec![ints(&[None]), ints(&[Some(1)])]);
        assert!(null.unwrap_err().to_string().contains("NULL_MAP_KEY"));
    }
}
