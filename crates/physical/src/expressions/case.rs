//! `CaseExpr`: searched `CASE WHEN c THEN v … ELSE e END`. Branches are evaluated only
//! on the rows that reach them, so `CASE WHEN x = 0 THEN NULL ELSE 1 / x END` does not
//! divide by zero under ANSI. (The planner rewrites the simple form to this one.)

use std::fmt;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, UInt32Array};
use arrow::compute::{filter, filter_record_batch, interleave};
use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::ColumnarValue;

use super::{evaluate_to_array, PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone)]
pub struct CaseExpr {
    pub when_then: Vec<(PhysicalExprRef, PhysicalExprRef)>,
    pub else_expr: Option<PhysicalExprRef>,
    /// result type; all branches already have it
    pub data_type: DataType,
}

impl CaseExpr {
    pub fn new(when_then: Vec<(PhysicalExprRef, PhysicalExprRef)>, else_expr: Option<PhysicalExprRef>, data_type: DataType) -> Self {
        CaseExpr { when_then, else_expr, data_type }
    }
}

impl fmt::Display for CaseExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CASE")?;
        for (w, t) in &self.when_then {
            write!(f, " WHEN {w} THEN {t}")?;
        }
        if let Some(e) = &self.else_expr {
            write!(f, " ELSE {e}")?;
        }
        write!(f, " END")
    }
}

/// `true` stays true; false and NULL become false.
fn true_mask(a: &ArrayRef) -> Result<BooleanArray> {
    let b = match a.data_type() {
        DataType::Boolean => a.as_boolean().clone(),
        _ => BooleanArray::from(vec![false; a.len()]),
    };
    Ok(match b.nulls() {
        Some(_) => arrow::compute::prep_null_mask_filter(&b),
        None => b,
    })
}

impl PhysicalExpr for CaseExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.data_type.clone())
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        if self.else_expr.is_none() {
            return Ok(true);
        }
        for (_, t) in &self.when_then {
            if t.nullable(input_schema)? {
                return Ok(true);
            }
        }
        match &self.else_expr {
            Some(e) => e.nullable(input_schema),
            None => Ok(true),
        }
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let n = batch.num_rows();
        // Rows not matched yet (indices into `batch`) and the batch restricted to them.
        let mut remaining = UInt32Array::from_iter_values(0..n as u32);
        let mut rest = batch.clone();
        // Per branch: the values and the original rows they belong to.
        let mut parts: Vec<(ArrayRef, UInt32Array)> = Vec::new();
        for (w, t) in &self.when_then {
            if rest.num_rows() == 0 {
                break;
            }
            let cond = evaluate_to_array(w.as_ref(), &rest, ctx)?;
            let mask = true_mask(&cond)?;
            if mask.true_count() > 0 {
                let matched = filter_record_batch(&rest, &mask)?;
                let values = evaluate_to_array(t.as_ref(), &matched, ctx)?;
                let rows = filter(&remaining, &mask)?;
                parts.push((values, rows.as_primitive::<arrow::datatypes::UInt32Type>().clone()));
                let keep = arrow::compute::not(&mask)?;
                rest = filter_record_batch(&rest, &keep)?;
                remaining = filter(&remaining, &keep)?.as_primitive::<arrow::datatypes::UInt32Type>().clone();
            }
        }
        if rest.num_rows() > 0 {
            if let Some(e) = &self.else_expr {
                let values = evaluate_to_array(e.as_ref(), &rest, ctx)?;
                parts.push((values, remaining));
            }
        }
        // Assemble: source 0 is a single NULL for rows no branch produced.
        let mut sources: Vec<ArrayRef> = vec![arrow::array::new_null_array(&self.data_type, 1)];
        let mut pick: Vec<(usize, usize)> = vec![(0, 0); n];
        for (values, rows) in parts {
            let values = if values.data_type() != &self.data_type {
                super::cast::cast_array(&values, &self.data_type, false)?
            } else {
                values
            };
            sources.push(values);
            let src = sources.len() - 1;
            for (k, r) in rows.values().iter().enumerate() {
                pick[*r as usize] = (src, k);
            }
        }
        let refs: Vec<&dyn Array> = sources.iter().map(|a| a.as_ref()).collect();
        Ok(ColumnarValue::Array(interleave(&refs, &pick)?))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use crate::expressions::{BinaryExpr, ColumnExpr, LiteralExpr};
    use arrow::array::Int32Array;
    use ember_plan::{Operator, ScalarValue};

    #[test]
    fn branches_only_see_their_rows() {
        let batch = RecordBatch::try_from_iter(vec![("x", Arc::new(Int32Array::from(vec![Some(0), Some(2), None, Some(4)])) as ArrayRef)]).unwrap();
        let x: PhysicalExprRef = Arc::new(ColumnExpr::new("x", 0));
        let zero: PhysicalExprRef = Arc::new(LiteralExpr(ScalarValue::Int32(Some(0))));
        let cond: PhysicalExprRef = Arc::new(BinaryExpr::new(x.clone(), Operator::Eq, zero, DataType::Boolean));
        let hundred: PhysicalExprRef = Arc::new(LiteralExpr(ScalarValue::Int32(Some(100))));
        let div: PhysicalExprRef = Arc::new(BinaryExpr::new(hundred, Operator::IntDivide, x, DataType::Int64));
        let null: PhysicalExprRef = Arc::new(LiteralExpr(ScalarValue::Int64(None)));
        let case = CaseExpr::new(vec![(cond, null)], Some(div), DataType::Int64);
        let out = case.evaluate(&batch, &TaskContext::default()).unwrap().into_array(4).unwrap();
        let vals: Vec<Option<i64>> = out.as_primitive::<arrow::datatypes::Int64Type>().iter().collect();
        assert_eq!(vals, vec![None, Some(50), None, Some(25)]);
        // no ELSE: unmatched rows are NULL; empty input gives an empty result
        let case = CaseExpr::new(case.when_then.clone(), None, DataType::Int64);
        let out = case.evaluate(&batch, &TaskContext::default()).unwrap().into_array(4).unwrap();
        assert_eq!(out.null_count(), 4);
        let out = case.evaluate(&batch.slice(0, 0), &TaskContext::default()).unwrap().into_array(0).unwrap();
        assert_eq!(out.len(), 0);
    }
}
