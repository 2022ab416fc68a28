//! `bit_and`, `bit_or`, `bit_xor`: bitwise aggregates of integers, of the input's type;
//! NULL without non-NULL input. State: the value so far, of the result type.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Int64Type};
use ember_common::Result;
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow, validity};
use crate::scalar::bits::integral_arg;
use crate::scalar::utils::check_arity;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BitOp {
    And,
    Or,
    Xor,
}

#[derive(Debug)]
pub struct BitAgg {
    op: BitOp,
}

impl BitAgg {
    pub fn new(op: BitOp) -> Self {
        BitAgg { op }
    }
}

impl AggregateFunctionImpl for BitAgg {
    fn name(&self) -> &str {
        match self.op {
            BitOp::And => "bit_and",
            BitOp::Or => "bit_or",
            BitOp::Xor => "bit_xor",
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        Ok(vec![integral_arg(self.name(), 1, &t[0])?])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t.first().cloned().unwrap_or(DataType::Int64))
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new(self.name(), self.return_type(t)?, true)])
    }

    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(BitAccumulator { values: vec![], seen: vec![], op: self.op, out: self.return_type(t)? }))
    }
}

struct BitAccumulator {
    values: Vec<i64>,
    seen: Vec<bool>,
    op: BitOp,
    out: DataType,
}

impl GroupsAccumulator for BitAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        let start = if self.op == BitOp::And { -1 } else { 0 };
        grow(&mut self.values, n, start);
        grow(&mut self.seen, n, false);
        let a = first_arg(values, self.op_name())?;
        check_len(a.as_ref(), gi)?;
        let a = cast(a, &DataType::Int64)?;
        let a = a.as_primitive::<Int64Type>();
        let (vals, seen, op) = (&mut self.values, &mut self.seen, self.op);
        for_each_row(gi, a.nulls(), f, n, |r, g| {
            let v = a.value(r);
            vals[g] = match op {
                BitOp::And => vals[g] & v,
                BitOp::Or => vals[g] | v,
                BitOp::Xor => vals[g] ^ v,
            };
            seen[g] = true;
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.update_batch(states, gi, None, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let nulls = validity(std::mem::take(&mut self.seen));
        let longs: ArrayRef = Arc::new(Int64Array::new(std::mem::take(&mut self.values).into(), nulls));
        // Every value came from the input type, so narrowing back cannot overflow.
        Ok(cast(&longs, &self.out)?)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate()?])
    }

    fn size(&self) -> usize {
        self.values.capacity() * 9
    }
}

impl BitAccumulator {
    fn op_name(&self) -> &'static str {
        match self.op {
            BitOp::And => "bit_and",
            BitOp::Or => "bit_or",
            BitOp::Xor => "bit_xor",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn and_or_xor_per_group() {
        let v = i32s(&[Some(3), Some(5), None, None]);
        let g = [0, 0, 0, 1];
        assert_eq!(one_batch(&BitAgg::new(BitOp::And), vec![v.clone()], &g, 2, &ctx()).unwrap(), "[1, NULL]");
        assert_eq!(one_batch(&BitAgg::new(BitOp::Or), vec![v.clone()], &g, 2, &ctx()).unwrap(), "[7, NULL]");
        assert_eq!(one_batch(&BitAgg::new(BitOp::Xor), vec![v], &g, 2, &ctx()).unwrap(), "[6, NULL]");
    }

    #[test]
    fn merges_partials() {
        let out = two_phase(&BitAgg::new(BitOp::Or), &[DataType::Int32], &ctx(), vec![i32s(&[Some(1), Some(2)])], vec![i32s(&[Some(4)])]);
        assert_eq!(out, "[5, 2]");
    }
}
