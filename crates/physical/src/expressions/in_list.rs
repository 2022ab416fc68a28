//! `InListExpr`: `v IN (a, b, …)` with SQL semantics: true on a match; NULL when there
//! is no match and `v` or an item is NULL; false otherwise (`NOT IN` negates that).

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::{ColumnarValue, ScalarValue};

use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

/// The value and the items already have one common type.
#[derive(Debug, Clone)]
pub struct InListExpr {
    pub expr: PhysicalExprRef,
    pub list: Vec<PhysicalExprRef>,
    pub negated: bool,
}

impl InListExpr {
    pub fn new(expr: PhysicalExprRef, list: Vec<PhysicalExprRef>, negated: bool) -> Self {
        InListExpr { expr, list, negated }
    }
}

impl fmt::Display for InListExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items = self.list.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(",");
        if self.negated {
            write!(f, "NOT {} IN ({items})", self.expr)
        } else {
            write!(f, "{} IN ({items})", self.expr)
        }
    }
}

fn or3(a: ColumnarValue, b: ColumnarValue, n: usize) -> Result<ColumnarValue> {
    if let (ColumnarValue::Scalar(x), ColumnarValue::Scalar(y)) = (&a, &b) {
        let v = match (x.as_bool(), y.as_bool()) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        };
        return Ok(ColumnarValue::Scalar(ScalarValue::Boolean(v)));
    }
    let (x, y) = (a.into_array(n)?, b.into_array(n)?);
    use arrow::array::AsArray;
    Ok(ColumnarValue::Array(Arc::new(arrow::compute::or_kleene(x.as_boolean(), y.as_boolean())?)))
}

impl PhysicalExpr for InListExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        if self.expr.nullable(input_schema)? {
            return Ok(true);
        }
        for e in &self.list {
            if e.nullable(input_schema)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let n = batch.num_rows();
        let v = self.expr.evaluate(batch, ctx)?;
        let mut acc = ColumnarValue::Scalar(ScalarValue::Boolean(Some(false)));
        for item in &self.list {
            let i = item.evaluate(batch, ctx)?;
            let eq = super::binary::comparison(ember_plan::Operator::Eq, &v, &i)?;
            acc = or3(acc, eq, n)?;
        }
        if self.negated {
            acc = match acc {
                ColumnarValue::Scalar(s) => ColumnarValue::Scalar(ScalarValue::Boolean(s.as_bool().map(|b| !b))),
                ColumnarValue::Array(a) => {
                    use arrow::array::AsArray;
                    ColumnarValue::Array(Arc::new(arrow::compute::not(a.as_boolean())?))
                }
            };
        }
        Ok(acc)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expressions::{ColumnExpr, LiteralExpr};
    use arrow::array::{Array, AsArray, Int32Array};

    fn run(list: Vec<Option<i32>>, negated: bool) -> Vec<Option<bool>> {
        let batch = RecordBatch::try_from_iter(vec![("x", Arc::new(Int32Array::from(vec![Some(1), Some(5), None])) as arrow::array::ArrayRef)]).unwrap();
        let items = list.into_iter().map(|v| Arc::new(LiteralExpr(ScalarValue::Int32(v))) as PhysicalExprRef).collect();
        let e = InListExpr::new(Arc::new(ColumnExpr::new("x", 0)), items, negated);
        let out = e.evaluate(&batch, &TaskContext::default()).unwrap().into_array(3).unwrap();
        assert_eq!(out.len(), 3);
        out.as_boolean().iter().collect()
    }

    #[test]
    fn sql_null_semantics() {
        assert_eq!(run(vec![Some(1), Some(2)], false), vec![Some(true), Some(false), None]);
        assert_eq!(run(vec![Some(1), None], false), vec![Some(true), None, None]);
        assert_eq!(run(vec![Some(1), None], true), vec![Some(false), None, None]);
        assert_eq!(run(vec![Some(2)], true), vec![Some(true), Some(true), None]);
    }
}
