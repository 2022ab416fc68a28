//! More map constructors: `map_concat(m1, m2, …)`, `map_from_entries(array<struct>)` and
//! `str_to_map(text[, pairDelim[, keyValueDelim]])`. All build through
//! [`build_map`](super::map_fns::build_map), so NULL and repeated keys fail as in `map`.

use std::sync::Arc;

use arrow::array::{new_empty_array, Array, ArrayRef, AsArray, StringBuilder, UInt32Array};
use arrow::compute::{concat, take};
use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{common_type_without_string_promotion, is_string};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::collection_util::{array_arg, cast_to, list_of, map_of, map_type, map_types, row_range};
use super::map_fns::build_map;
use super::regexp::PatternCache;
use super::split::java_split;
use super::utils::{as_strings, check_arity, eval_arrays, string_arg, unexpected_type};

/// `map_concat(m1, m2, …)`: the entries of every map in order; NULL if any map is NULL.
#[derive(Debug)]
pub struct MapConcat;

impl MapConcat {
    fn common(t: &[DataType]) -> Result<DataType> {
        if t.is_empty() {
            return Ok(map_type(DataType::Utf8, DataType::Utf8));
        }
        let shown = || t.iter().map(|x| format!("\"{}\"", catalog_string(x).to_uppercase())).collect::<Vec<_>>();
        if t.iter().any(|x| map_types(x).is_none()) {
            return Err(Error::new(ErrorKind::DatatypeMismatch {
                sub: "MAP_CONCAT_DIFF_TYPES",
                expr: "\"map_concat\"".into(),
                message: format!("The `map_concat` should all be of type map, but it's [{}].", shown().join(", ")),
            }));
        }
        // widened as Spark does, but numbers never become strings
        let stringy = |x: &DataType| map_types(x).map(|(k, v)| (is_string(&k), is_string(&v)));
        let same_kinds = t.iter().filter(|x| **x != DataType::Null).map(stringy).collect::<hashbrown::HashSet<_>>().len() <= 1;
        let common = t
            .iter()
            .skip(1)
            .try_fold(t[0].clone(), |acc, x| common_type_without_string_promotion(&acc, x))
            .filter(|_| same_kinds);
        common.filter(|c| map_types(c).is_some()).ok_or_else(|| {
            Error::new(ErrorKind::DatatypeMismatch {
                sub: "DATA_DIFF_TYPES",
                expr: "\"map_concat\"".into(),
                message: format!(
                    "Input to `map_concat` should all be the same type, but it's ({}).",
                    shown().join(" or ")
                ),
            })
        })
    }
}

impl ScalarFunctionImpl for MapConcat {
    fn name(&self) -> &str {
        "map_concat"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let c = Self::common(t)?;
        Ok(vec![c; t.len()])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let c = Self::common(t)?;
        match map_types(&c) {
            Some((DataType::Null, DataType::Null)) if c == DataType::Null => Ok(map_type(DataType::Null, DataType::Null)),
            _ => Ok(c),
        }
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let rt = self.return_type(&args.iter().map(|a| a.data_type()).collect::<Vec<_>>())?;
        let (kt, vt) = map_types(&rt).ok_or_else(|| Error::internal("map_concat type"))?;
        if args.is_empty() {
            return Ok(ColumnarValue::Array(build_map(new_empty_array(&kt), new_empty_array(&vt), &vec![Some(0); num_rows])?));
        }
        eval_arrays(args, num_rows, |a, n| {
            let maps = a.iter().map(map_of).collect::<Result<Vec<_>>>()?;
            let (mut keys, mut values, mut bases) = (Vec::new(), Vec::new(), Vec::new());
            let mut at = 0;
            for m in maps.iter().flatten() {
                let e = m.entries();
                bases.push(at);
                at += e.len();
                keys.push(cast_to(e.column(0), &kt)?);
                values.push(cast_to(e.column(1), &vt)?);
            }
            let mut idx: Vec<u32> = Vec::new();
            let mut rows = Vec::with_capacity(n);
            for i in 0..n {
                let all = maps.iter().all(|m| m.as_ref().is_some_and(|m| !m.is_null(i)));
                if !all {
                    rows.push(None);
                    continue;
                }
                let mut len = 0;
                for (m, base) in maps.iter().flatten().zip(&bases) {
                    let o = m.value_offsets();
                    idx.extend((o[i] as usize..o[i + 1] as usize).map(|j| (base + j) as u32));
                    len += (o[i + 1] - o[i]) as usize;
                }
                rows.push(Some(len));
            }
            let idx = UInt32Array::from(idx);
            let cat = |parts: &[ArrayRef], t: &DataType| -> Result<ArrayRef> {
                let refs: Vec<&dyn Array> = parts.iter().map(|p| p.as_ref()).collect();
                let all = if refs.is_empty() { new_empty_array(t) } else { concat(&refs)? };
                Ok(take(all.as_ref(), &idx, None)?)
            };
            build_map(cat(&keys, &kt)?, cat(&values, &vt)?, &rows)
        })
    }
}

/// `map_from_entries(array<struct<k, v>>)`: a NULL array or a NULL entry gives NULL.
#[derive(Debug)]
pub struct MapFromEntries;

fn entry_types(t: &DataType) -> Result<(DataType, DataType)> {
    let e = array_arg("map_from_entries", 1, t)?;
    match &e {
        DataType::Struct(fs) if fs.len() == 2 => Ok((fs[0].data_type().clone(), fs[1].data_type().clone())),
        _ => Err(unexpected_type("map_from_entries", 1, "\"ARRAY\" of pair \"STRUCT\"", t)),
    }
}

impl ScalarFunctionImpl for MapFromEntries {
    fn name(&self) -> &str {
        "map_from_entries"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("map_from_entries", t.len(), 1, 1)?;
        entry_types(&t[0])?;
        Ok(vec![t[0].clone()])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let (k, v) = entry_types(&t[0])?;
        Ok(map_type(k, v))
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        let (kt, vt) = entry_types(&args[0].data_type())?;
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let values = l.values();
            let (keys, vals) = match values.as_struct_opt() {
                Some(s) => (s.column(0).clone(), s.column(1).clone()),
                None => (new_empty_array(&kt).slice(0, 0), new_empty_array(&vt)),
            };
            let mut idx: Vec<u32> = Vec::new();
            let mut rows = Vec::with_capacity(n);
            for i in 0..n {
                let r = row_range(&l, i);
                if l.is_null(i) || r.clone().any(|j| values.is_null(j)) {
                    rows.push(None);
                    continue;
                }
                rows.push(Some(r.len()));
                idx.extend(r.map(|j| j as u32));
            }
            let idx = UInt32Array::from(idx);
            if keys.is_empty() {
                return build_map(new_empty_array(&kt), new_empty_array(&vt), &rows);
            }
            build_map(take(keys.as_ref(), &idx, None)?, take(vals.as_ref(), &idx, None)?, &rows)
        })
    }
}

/// `str_to_map(text[, pairDelim[, keyValueDelim]])`: splits `text` into pairs by the
/// regex `pairDelim` (`,`) and each pair into key and value by `keyValueDelim` (`:`); a
/// pair without one has a NULL value.
#[derive(Debug)]
pub struct StrToMap;

impl ScalarFunctionImpl for StrToMap {
    fn name(&self) -> &str {
        "str_to_map"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("str_to_map", t.len(), 1, 3)?;
        t.iter().enumerate().map(|(i, x)| string_arg("str_to_map", i + 1, x)).collect()
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(map_type(DataType::Utf8, DataType::Utf8))
    }
    fn implicit_args(&self, given: usize) -> Vec<ScalarValue> {
        [",", ":"].iter().skip(given.saturating_sub(1)).map(|d| ScalarValue::Utf8(Some(d.to_string()))).collect()
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let text = as_strings(&a[0])?;
            let delim = |k: usize, default: &str| -> Result<arrow::array::StringArray> {
                match a.get(k) {
                    Some(d) => as_strings(d),
                    None => Ok(arrow::array::StringArray::from(vec![default; n])),
                }
            };
            let (pair_d, kv_d) = (delim(1, ",")?, delim(2, ":")?);
            let (mut pairs_re, mut kv_re) = (PatternCache::new("str_to_map"), PatternCache::new("str_to_map"));
            let (mut keys, mut values) = (StringBuilder::new(), StringBuilder::new());
            let mut rows = Vec::with_capacity(n);
            for i in 0..n {
                if text.is_null(i) || pair_d.is_null(i) || kv_d.is_null(i) {
                    rows.push(None);
                    continue;
                }
                let (pd, kd) = (pair_d.value(i), kv_d.value(i));
                let pairs = java_split(text.value(i), pairs_re.get(pd)?, pd.is_empty(), -1);
                let kr = kv_re.get(kd)?;
                for pair in &pairs {
                    let kv = java_split(pair, kr, kd.is_empty(), 2);
                    keys.append_value(kv.first().copied().unwrap_or(""));
                    values.append_option(kv.get(1).copied());
                }
                let len = pairs.len();
                rows.push(Some(len));
            }
            build_map(Arc::new(keys.finish()), Arc::new(values.finish()), &rows)
        })
    }
}
