//! `HigherOrderExpr`: the higher-order functions over arrays (`transform`, `filter`,
//! `exists`, `forall`, `zip_with`, `aggregate`, `array_sort` with a comparator); each
//! lambda runs once over all elements of the batch. The map functions are in
//! `higher_order_map.rs`.

use std::fmt;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, BooleanBuilder, ListArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{filter, interleave, prep_null_mask_filter, take};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::expr::{HigherOrderFunction, HigherOrderKind};
use ember_plan::{ColumnarValue, Expr, PlanSchema};

use super::lambda::{scatter, Flat, LambdaExpr};
use super::{create_physical_expr, PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

/// A higher-order function call bound to its input schema.
#[derive(Debug)]
pub struct HigherOrderExpr {
    pub kind: HigherOrderKind,
    pub values: Vec<PhysicalExprRef>,
    pub lambdas: Vec<LambdaExpr>,
    pub return_type: DataType,
}

impl HigherOrderExpr {
    pub fn compile(h: &HigherOrderFunction, input: &PlanSchema) -> Result<Self> {
        let values = h.values().map(|v| create_physical_expr(v, input)).collect::<Result<Vec<_>>>()?;
        let lambdas = h.lambdas().map(|l| LambdaExpr::compile(l, input)).collect::<Result<Vec<_>>>()?;
        let return_type = Expr::HigherOrderFunction(h.clone()).data_type(input)?;
        Ok(HigherOrderExpr { kind: h.kind, values, lambdas, return_type })
    }

    fn lambda(&self, i: usize) -> Result<&LambdaExpr> {
        self.lambdas.get(i).ok_or_else(|| Error::internal("lambda missing"))
    }
}

impl fmt::Display for HigherOrderExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: Vec<String> = self.values.iter().map(|v| v.to_string()).chain(self.lambdas.iter().map(|l| l.to_string())).collect();
        write!(f, "{}({})", self.kind.name(), args.join(", "))
    }
}

impl PhysicalExpr for HigherOrderExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.return_type.clone())
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(true)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let n = batch.num_rows();
        let values = self.values.iter().map(|v| v.evaluate(batch, ctx)?.into_array(n)).collect::<Result<Vec<_>>>()?;
        let out = match self.kind {
            HigherOrderKind::Transform => self.transform(batch, &values[0], ctx)?,
            HigherOrderKind::Filter => self.filter(batch, &values[0], ctx)?,
            HigherOrderKind::Exists => self.quantify(batch, &values[0], true, ctx)?,
            HigherOrderKind::Forall => self.quantify(batch, &values[0], false, ctx)?,
            HigherOrderKind::ZipWith => self.zip_with(batch, &values[0], &values[1], ctx)?,
            HigherOrderKind::Aggregate | HigherOrderKind::Reduce => self.aggregate(batch, &values[0], &values[1], ctx)?,
            HigherOrderKind::ArraySort => super::higher_order_sort::sort(self.lambda(0)?, batch, &values[0], ctx)?,
            HigherOrderKind::MapFilter
            | HigherOrderKind::TransformKeys
            | HigherOrderKind::TransformValues
            | HigherOrderKind::MapZipWith => super::higher_order_map::evaluate(self, batch, &values, ctx)?,
        };
        Ok(ColumnarValue::Array(out))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A list column of `values` split by `offsets`.
pub(crate) fn list_from(values: ArrayRef, offsets: OffsetBuffer<i32>, nulls: Option<NullBuffer>) -> Result<ArrayRef> {
    let field = Arc::new(Field::new_list_field(values.data_type().clone(), true));
    Ok(Arc::new(ListArray::try_new(field, offsets, values, nulls)?))
}

/// The lambda's parameters for `flat`'s elements: the element, and its position when the
/// lambda declares two.
fn element_params(flat: &Flat, two: bool) -> Vec<ArrayRef> {
    if two {
        vec![flat.values.clone(), flat.positions()]
    } else {
        vec![flat.values.clone()]
    }
}

/// A lambda result of type NULL (`x -> NULL`) as NULLs of type `t`.
pub(crate) fn typed(out: &ArrayRef, t: &DataType) -> ArrayRef {
    if out.data_type() == &DataType::Null {
        arrow::array::new_null_array(t, out.len())
    } else {
        out.clone()
    }
}

/// `true` where `mask` is true (NULL counts as false).
pub(crate) fn true_mask(mask: &ArrayRef) -> Result<BooleanArray> {
    let mask = &typed(mask, &DataType::Boolean);
    let b = mask.as_boolean_opt().ok_or_else(|| Error::internal("lambda result is not boolean"))?;
    Ok(if b.null_count() > 0 { prep_null_mask_filter(b) } else { b.clone() })
}

impl HigherOrderExpr {
    fn transform(&self, batch: &RecordBatch, arr: &ArrayRef, ctx: &TaskContext) -> Result<ArrayRef> {
        let flat = Flat::of_list(arr)?;
        let l = self.lambda(0)?;
        let params = element_params(&flat, self.lambda_arity(0) == 2);
        let out = l.eval(batch, &flat.rows, &params, ctx)?;
        list_from(out, flat.offsets, flat.nulls)
    }

    fn lambda_arity(&self, i: usize) -> usize {
        self.lambdas.get(i).map(|l| l.arity()).unwrap_or(0)
    }

    fn filter(&self, batch: &RecordBatch, arr: &ArrayRef, ctx: &TaskContext) -> Result<ArrayRef> {
        let flat = Flat::of_list(arr)?;
        let l = self.lambda(0)?;
        let params = element_params(&flat, self.lambda_arity(0) == 2);
        let keep = true_mask(&l.eval(batch, &flat.rows, &params, ctx)?)?;
        let kept = filter(flat.values.as_ref(), &keep)?;
        let bits = keep.values();
        let lens = (0..flat.len()).map(|r| {
            let range = flat.range(r);
            bits.slice(range.start, range.len()).count_set_bits()
        });
        list_from(kept, OffsetBuffer::from_lengths(lens), flat.nulls)
    }

    /// `exists` (`any` true) or `forall` (`any` false): three-valued, NULL when no element
    /// decides and one is NULL.
    fn quantify(&self, batch: &RecordBatch, arr: &ArrayRef, any: bool, ctx: &TaskContext) -> Result<ArrayRef> {
        let flat = Flat::of_list(arr)?;
        let l = self.lambda(0)?;
        let out = typed(&l.eval(batch, &flat.rows, &[flat.values.clone()], ctx)?, &DataType::Boolean);
        let b = out.as_boolean_opt().ok_or_else(|| Error::internal("lambda result is not boolean"))?;
        let mut result = BooleanBuilder::with_capacity(flat.len());
        for r in 0..flat.len() {
            if flat.nulls.as_ref().is_some_and(|nb| nb.is_null(r)) {
                result.append_null();
                continue;
            }
            let (mut decided, mut saw_null) = (false, false);
            for j in flat.range(r) {
                if b.is_null(j) {
                    saw_null = true;
                } else if b.value(j) == any {
                    decided = true;
                    break;
                }
            }
            if decided {
                result.append_value(any);
            } else if saw_null {
                result.append_null();
            } else {
                result.append_value(!any);
            }
        }
        Ok(Arc::new(result.finish()))
    }

    /// `zip_with(a, b, (x, y) -> …)`: the longer array's length, the shorter padded with NULLs.
    fn zip_with(&self, batch: &RecordBatch, a: &ArrayRef, b: &ArrayRef, ctx: &TaskContext) -> Result<ArrayRef> {
        let (fa, fb) = (Flat::of_list(a)?, Flat::of_list(b)?);
        let n = fa.len();
        let (mut ia, mut ib, mut rows, mut lens) = (Vec::new(), Vec::new(), Vec::new(), Vec::with_capacity(n));
        let mut valid = Vec::with_capacity(n);
        for r in 0..n {
            let ok = fa.nulls.as_ref().is_none_or(|nb| nb.is_valid(r)) && fb.nulls.as_ref().is_none_or(|nb| nb.is_valid(r));
            valid.push(ok);
            let (ra, rb) = (fa.range(r), fb.range(r));
            let len = if ok { ra.len().max(rb.len()) } else { 0 };
            lens.push(len);
            for k in 0..len {
                ia.push((k < ra.len()).then(|| (ra.start + k) as u32));
                ib.push((k < rb.len()).then(|| (rb.start + k) as u32));
                rows.push(r as u32);
            }
        }
        let xs = take(fa.values.as_ref(), &UInt32Array::from(ia), None)?;
        let ys = take(fb.values.as_ref(), &UInt32Array::from(ib), None)?;
        let out = self.lambda(0)?.eval(batch, &UInt32Array::from(rows), &[xs, ys], ctx)?;
        let nulls = NullBuffer::from(valid);
        list_from(out, OffsetBuffer::from_lengths(lens), (nulls.null_count() > 0).then_some(nulls))
    }

    /// `aggregate(a, zero, merge, finish)`: sequential by nature, so it steps through
    /// element positions, merging position `k` of every row at once.
    fn aggregate(&self, batch: &RecordBatch, arr: &ArrayRef, zero: &ArrayRef, ctx: &TaskContext) -> Result<ArrayRef> {
        let flat = Flat::of_list(arr)?;
        let n = flat.len();
        let (merge, finish) = (self.lambda(0)?, self.lambda(1)?);
        let valid: Vec<u32> = (0..n).filter(|&r| flat.nulls.as_ref().is_none_or(|nb| nb.is_valid(r))).map(|r| r as u32).collect();
        let longest = (0..n).map(|r| flat.range(r).len()).max().unwrap_or(0);
        let mut acc = zero.clone();
        for k in 0..longest {
            let (mut active, mut elems) = (Vec::new(), Vec::new());
            for &r in &valid {
                let range = flat.range(r as usize);
                if k < range.len() {
                    active.push(r);
                    elems.push((range.start + k) as u32);
                }
            }
            let active = UInt32Array::from(active);
            let acc_in = take(acc.as_ref(), &active, None)?;
            let x = take(flat.values.as_ref(), &UInt32Array::from(elems), None)?;
            let merged = merge.eval(batch, &active, &[acc_in, x], ctx)?;
            if merged.data_type() != acc.data_type() {
                return Err(Error::internal("aggregate: merge changed the accumulator type"));
            }
            let mut pick: Vec<(usize, usize)> = (0..n).map(|r| (0, r)).collect();
            for (j, r) in active.values().iter().enumerate() {
                pick[*r as usize] = (1, j);
            }
            acc = interleave(&[acc.as_ref(), merged.as_ref()], &pick)?;
        }
        let valid = UInt32Array::from(valid);
        let acc_valid = take(acc.as_ref(), &valid, None)?;
        let out = finish.eval(batch, &valid, &[acc_valid], ctx)?;
        if valid.len() == n {
            return Ok(out);
        }
        scatter(n, &valid, &out)
    }
}

