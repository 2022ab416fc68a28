//! `BinaryExpr`: arithmetic (see `arithmetic.rs`), comparisons (`<=>` null-safe),
//! `AND`/`OR` with three-valued logic, and `||` on strings.

use std::fmt;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray};
use arrow::compute::kernels::cmp;
use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::{ColumnarValue, Operator, ScalarValue};

use super::arithmetic::evaluate_arithmetic;
use super::datum::{apply_binary, null_result};
use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

/// `left op right`; operands already have the types of the operator's signature and
/// `result_type` is the signature's result type.
#[derive(Debug, Clone)]
pub struct BinaryExpr {
    pub left: PhysicalExprRef,
    pub op: Operator,
    pub right: PhysicalExprRef,
    pub result_type: DataType,
}

impl BinaryExpr {
    pub fn new(left: PhysicalExprRef, op: Operator, right: PhysicalExprRef, result_type: DataType) -> Self {
        BinaryExpr { left, op, right, result_type }
    }
}

impl fmt::Display for BinaryExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({} {} {})", self.left, self.op, self.right)
    }
}

fn to_bool(v: ColumnarValue, n: usize) -> Result<arrow::array::BooleanArray> {
    let a = v.into_array(n)?;
    match a.data_type() {
        DataType::Boolean => Ok(a.as_boolean().clone()),
        DataType::Null => Ok(arrow::array::BooleanArray::new_null(a.len())),
        other => Err(Error::internal(format!("boolean operand expected, found {other}"))),
    }
}

/// Three-valued `AND` / `OR`.
fn logical(op: Operator, l: ColumnarValue, r: ColumnarValue, n: usize) -> Result<ColumnarValue> {
    if let (ColumnarValue::Scalar(a), ColumnarValue::Scalar(b)) = (&l, &r) {
        let (a, b) = (a.as_bool(), b.as_bool());
        let v = match op {
            Operator::And => match (a, b) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            _ => match (a, b) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
        };
        return Ok(ColumnarValue::Scalar(ScalarValue::Boolean(v)));
    }
    let (a, b) = (to_bool(l, n)?, to_bool(r, n)?);
    let out = match op {
        Operator::And => arrow::compute::and_kleene(&a, &b)?,
        _ => arrow::compute::or_kleene(&a, &b)?,
    };
    Ok(ColumnarValue::Array(Arc::new(out)))
}

/// `l op r` for a comparison operator, with Spark's semantics for NULL-typed operands,
/// floats (see `normalize`) and nested values.
pub(crate) fn comparison(op: Operator, l: &ColumnarValue, r: &ColumnarValue) -> Result<ColumnarValue> {
    let null_typed = l.data_type() == DataType::Null || r.data_type() == DataType::Null;
    if null_typed {
        if op == Operator::NullSafeEq {
            // NULL <=> x is true exactly when x is NULL.
            let other = if l.data_type() == DataType::Null { r } else { l };
            return Ok(match other {
                ColumnarValue::Scalar(s) => ColumnarValue::Scalar(ScalarValue::Boolean(Some(s.is_null()))),
                ColumnarValue::Array(a) => ColumnarValue::Array(Arc::new(arrow::compute::is_null(a.as_ref())?)),
            });
        }
        return null_result(&[l, r], &DataType::Boolean);
    }
    // Spark compares doubles with -0.0 = 0.0 and NaN = NaN (arrow's kernels order by
    // bits): normalize first, nested values too.
    let normalized;
    let (l, r) = if super::normalize::has_floats(&l.data_type()) {
        let norm = |v: &ColumnarValue| super::datum::apply_unary(v, |a| Ok(super::normalize::normalize_floats(a.clone())));
        normalized = (norm(l)?, norm(r)?);
        (&normalized.0, &normalized.1)
    } else {
        (l, r)
    };
    if l.data_type().is_nested() {
        return super::nested_cmp::nested_comparison(op, l, r);
    }
    apply_binary(l, r, |a, b| {
        let out = match op {
            Operator::Eq => cmp::eq(a, b),
            Operator::NotEq => cmp::neq(a, b),
            Operator::Lt => cmp::lt(a, b),
            Operator::LtEq => cmp::lt_eq(a, b),
            Operator::Gt => cmp::gt(a, b),
            Operator::GtEq => cmp::gt_eq(a, b),
            Operator::NullSafeEq => cmp::not_distinct(a, b),
            other => return Err(Error::internal(format!("{other} is not a comparison"))),
        }?;
        Ok(Arc::new(out) as ArrayRef)
    })
}

fn string_concat(l: &ColumnarValue, r: &ColumnarValue) -> Result<ColumnarValue> {
    if l.data_type() == DataType::Null || r.data_type() == DataType::Null {
        return null_result(&[l, r], &DataType::Utf8);
    }
    let n = super::datum::array_len(&[l, r]).unwrap_or(1);
    let out = arrow::compute::kernels::concat_elements::concat_elements_dyn(&l.clone().into_array(n)?, &r.clone().into_array(n)?)?;
    if super::datum::array_len(&[l, r]).is_none() {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(out.as_ref(), 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}

impl PhysicalExpr for BinaryExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(self.result_type.clone())
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        Ok(match self.op {
            Operator::NullSafeEq => false,
            o if o.is_comparison() || o.is_logical() || o == Operator::StringConcat => {
                self.left.nullable(input_schema)? || self.right.nullable(input_schema)?
            }
            // arithmetic can give NULL on overflow / division by zero with ANSI off
            _ => true,
        })
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let l = self.left.evaluate(batch, ctx)?;
        let r = self.right.evaluate(batch, ctx)?;
        match self.op {
            Operator::And | Operator::Or => logical(self.op, l, r, batch.num_rows()),
            Operator::StringConcat => string_concat(&l, &r),
            o if o.is_comparison() => comparison(o, &l, &r),
            o => evaluate_arithmetic(o.as_arithmetic(), l, r, &self.result_type, &ctx.functions),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expressions::{ColumnExpr, LiteralExpr};
    use arrow::array::{Array, BooleanArray, Int32Array, StringArray};

    fn batch() -> RecordBatch {
        RecordBatch::try_from_iter(vec![
            ("a", Arc::new(Int32Array::from(vec![Some(1), None, Some(3)])) as ArrayRef),
            ("b", Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec![Some("x"), Some("y"), None])) as ArrayRef),
        ])
        .unwrap()
    }

    fn eval(e: BinaryExpr) -> String {
        let b = batch();
        let v = e.evaluate(&b, &TaskContext::default()).unwrap().into_array(b.num_rows()).unwrap();
        crate::expressions::test_fmt::fmt_array(&v).replace("NULL", "")
    }

    fn col(name: &str, i: usize) -> PhysicalExprRef {
        Arc::new(ColumnExpr::new(name, i))
    }
    fn lit(v: ScalarValue) -> PhysicalExprRef {
        Arc::new(LiteralExpr(v))
    }

    #[test]
    fn comparisons_with_nulls() {
        let e = BinaryExpr::new(col("a", 0), Operator::Gt, lit(ScalarValue::Int32(Some(1))), DataType::Boolean);
        assert_eq!(eval(e), "false,,true");
        let e = BinaryExpr::new(col("a", 0), Operator::NullSafeEq, lit(ScalarValue::Int32(None)), DataType::Boolean);
        assert_eq!(eval(e), "false,true,false");
        let e = BinaryExpr::new(col("a", 0), Operator::NullSafeEq, lit(ScalarValue::Null), DataType::Boolean);
        assert_eq!(eval(e), "false,true,false");
        let e = BinaryExpr::new(col("a", 0), Operator::Eq, lit(ScalarValue::Null), DataType::Boolean);
        assert_eq!(eval(e), ",,");
    }

    #[test]
    fn kleene_logic() {
        let f = lit(ScalarValue::Boolean(Some(false)));
        let t = lit(ScalarValue::Boolean(Some(true)));
        assert_eq!(eval(BinaryExpr::new(col("b", 1), Operator::And, f.clone(), DataType::Boolean)), "false,false,false");
        assert_eq!(eval(BinaryExpr::new(col("b", 1), Operator::Or, t, DataType::Boolean)), "true,true,true");
        assert_eq!(eval(BinaryExpr::new(col("b", 1), Operator::Or, f, DataType::Boolean)), "true,,false");
    }

    #[test]
    fn arithmetic_and_concat() {
        let e = BinaryExpr::new(col("a", 0), Operator::Multiply, lit(ScalarValue::Int32(Some(2))), DataType::Int32);
        assert_eq!(eval(e), "2,,6");
        let e = BinaryExpr::new(col("s", 2), Operator::StringConcat, lit(ScalarValue::Utf8(Some("!".into()))), DataType::Utf8);
        assert_eq!(eval(e), "x!,y!,");
        // scalar ⊕ scalar stays scalar
        let e = BinaryExpr::new(lit(ScalarValue::Int32(Some(2))), Operator::Plus, lit(ScalarValue::Int32(Some(3))), DataType::Int32);
        let v = e.evaluate(&batch(), &TaskContext::default()).unwrap();
        assert!(matches!(v, ColumnarValue::Scalar(ScalarValue::Int32(Some(5)))));
    }

    #[test]
    fn empty_batch() {
        let b = batch().slice(0, 0);
        let e = BinaryExpr::new(col("a", 0), Operator::Plus, lit(ScalarValue::Int32(Some(1))), DataType::Int32);
        assert_eq!(e.evaluate(&b, &TaskContext::default()).unwrap().into_array(0).unwrap().len(), 0);
    }
}
