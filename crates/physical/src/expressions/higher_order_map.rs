//! The higher-order functions over maps: `map_filter`, `transform_keys`,
//! `transform_values` and `map_zip_with`, each lambda evaluated once over all entries.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, MapArray, StructArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{filter, interleave, take};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};
use ember_plan::expr::HigherOrderKind;
use ember_plan::lambda::map_of;
use ember_plan::ScalarValue;

use super::higher_order::HigherOrderExpr;
use super::lambda::Flat;
use crate::execution_plan::TaskContext;

/// Evaluates a map higher-order function; `values` are its evaluated value arguments.
pub fn evaluate(h: &HigherOrderExpr, batch: &RecordBatch, values: &[ArrayRef], ctx: &TaskContext) -> Result<ArrayRef> {
    let lambda = h.lambdas.first().ok_or_else(|| Error::internal("lambda missing"))?;
    if h.kind == HigherOrderKind::MapZipWith {
        return zip(h, batch, &values[0], &values[1], ctx);
    }
    let flat = Flat::of_map(&values[0])?;
    if values[0].data_type() == &DataType::Null {
        return Ok(arrow::array::new_null_array(&h.return_type, flat.len()));
    }
    let (keys, vals) = entries(&flat.values)?;
    let out = lambda.eval(batch, &flat.rows, &[keys.clone(), vals.clone()], ctx)?;
    match h.kind {
        HigherOrderKind::MapFilter => {
            let keep = super::higher_order::true_mask(&out)?;
            let bits = keep.values();
            let lens: Vec<usize> = (0..flat.len()).map(|r| bits.slice(flat.range(r).start, flat.range(r).len()).count_set_bits()).collect();
            let (k, v) = (filter(keys.as_ref(), &keep)?, filter(vals.as_ref(), &keep)?);
            build(k, v, OffsetBuffer::from_lengths(lens), flat.nulls)
        }
        HigherOrderKind::TransformValues => build(keys, out, flat.offsets, flat.nulls),
        HigherOrderKind::TransformKeys => {
            check_keys(&out, &flat)?;
            build(out, vals, flat.offsets, flat.nulls)
        }
        other => Err(Error::internal(format!("{} is not a map function", other.name()))),
    }
}

/// The `key` and `value` columns of map entries.
fn entries(e: &ArrayRef) -> Result<(ArrayRef, ArrayRef)> {
    let s = e.as_struct_opt().ok_or_else(|| Error::internal("map entries expected"))?;
    Ok((s.column(0).clone(), s.column(1).clone()))
}

/// A map column from entries split by `offsets`.
fn build(keys: ArrayRef, values: ArrayRef, offsets: OffsetBuffer<i32>, nulls: Option<NullBuffer>) -> Result<ArrayRef> {
    let DataType::Map(field, _) = map_of(keys.data_type().clone(), values.data_type().clone()) else {
        return Err(Error::internal("map type"));
    };
    let DataType::Struct(fields) = field.data_type() else { return Err(Error::internal("map entries")) };
    let entries = StructArray::try_new(fields.clone(), vec![keys, values], None)?;
    Ok(Arc::new(MapArray::try_new(field, offsets, entries, nulls, false)?))
}

/// New keys may be neither NULL nor repeated within a map.
fn check_keys(keys: &ArrayRef, flat: &Flat) -> Result<()> {
    if keys.null_count() > 0 || keys.data_type() == &DataType::Null && !keys.is_empty() {
        return Err(Error::spark("NULL_MAP_KEY", &[]));
    }
    let rows = RowConverter::new(vec![SortField::new(keys.data_type().clone())])?.convert_columns(std::slice::from_ref(keys))?;
    let mut seen = hashbrown::HashSet::new();
    for r in 0..flat.len() {
        seen.clear();
        for j in flat.range(r) {
            if !seen.insert(rows.row(j)) {
                let key = ScalarValue::try_from_array(keys.as_ref(), j).map(|v| v.to_string()).unwrap_or_default();
                return Err(Error::spark("DUPLICATED_MAP_KEY", &[("key", &key), ("mapKeyDedupPolicy", "\"spark.sql.mapKeyDedupPolicy\"")]));
            }
        }
    }
    Ok(())
}

/// `map_zip_with(m1, m2, (k, v1, v2) -> …)`: per row the keys of `m1` in order, then
/// those only in `m2`; a value missing from one map is NULL.
fn zip(h: &HigherOrderExpr, batch: &RecordBatch, a: &ArrayRef, b: &ArrayRef, ctx: &TaskContext) -> Result<ArrayRef> {
    let (fa, fb) = (Flat::of_map(a)?, Flat::of_map(b)?);
    let n = fa.len();
    if a.data_type() == &DataType::Null || b.data_type() == &DataType::Null {
        return Ok(arrow::array::new_null_array(&h.return_type, n));
    }
    let ((ka, va), (kb, vb)) = (entries(&fa.values)?, entries(&fb.values)?);
    let conv = RowConverter::new(vec![SortField::new(ka.data_type().clone())])?;
    let (ra, rb) = (conv.convert_columns(std::slice::from_ref(&ka))?, conv.convert_columns(std::slice::from_ref(&kb))?);
    let (mut pick_key, mut ia, mut ib, mut rows, mut lens, mut valid) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut at = hashbrown::HashMap::new();
    for r in 0..n {
        let ok = fa.nulls.as_ref().is_none_or(|x| x.is_valid(r)) && fb.nulls.as_ref().is_none_or(|x| x.is_valid(r));
        valid.push(ok);
        if !ok {
            lens.push(0);
            continue;
        }
        let start = ia.len();
        at.clear();
        for j in fa.range(r) {
            at.insert(ra.row(j), ia.len());
            pick_key.push((0, j));
            ia.push(Some(j as u32));
            ib.push(None);
        }
        for j in fb.range(r) {
            match at.get(&rb.row(j)) {
                Some(&p) => ib[p] = Some(j as u32),
                None => {
                    pick_key.push((1, j));
                    ia.push(None);
                    ib.push(Some(j as u32));
                }
            }
        }
        lens.push(ia.len() - start);
        rows.extend(std::iter::repeat_n(r as u32, ia.len() - start));
    }
    let keys = interleave(&[ka.as_ref(), kb.as_ref()], &pick_key)?;
    let v1 = take(va.as_ref(), &UInt32Array::from(ia), None)?;
    let v2 = take(vb.as_ref(), &UInt32Array::from(ib), None)?;
    let lambda = h.lambdas.first().ok_or_else(|| Error::internal("lambda missing"))?;
    let out = lambda.eval(batch, &UInt32Array::from(rows), &[keys.clone(), v1, v2], ctx)?;
    let nulls = NullBuffer::from(valid);
    build(keys, out, OffsetBuffer::from_lengths(lens), (nulls.null_count() > 0).then_some(nulls))
}
