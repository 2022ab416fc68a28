//! `bool_and` (`every`) and `bool_or` (`some`, `any`): NULL without non-NULL input.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::datatypes::{DataType, Field};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow, validity};
use crate::scalar::utils::{bool_arg, check_arity};

#[derive(Debug)]
pub struct BoolAgg {
    is_and: bool,
}

impl BoolAgg {
    pub fn bool_and() -> Self {
        BoolAgg { is_and: true }
    }

    pub fn bool_or() -> Self {
        BoolAgg { is_and: false }
    }
}

impl AggregateFunctionImpl for BoolAgg {
    fn name(&self) -> &str {
        if self.is_and {
            "bool_and"
        } else {
            "bool_or"
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        Ok(vec![bool_arg(self.name(), 1, &t[0])?])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new(self.name(), DataType::Boolean, true)])
    }

    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(BoolAccumulator { values: vec![], seen: vec![], is_and: self.is_and }))
    }
}

struct BoolAccumulator {
    values: Vec<bool>,
    seen: Vec<bool>,
    is_and: bool,
}

impl GroupsAccumulator for BoolAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.values, n, self.is_and);
        grow(&mut self.seen, n, false);
        let a = first_arg(values, "bool_and/bool_or")?;
        check_len(a.as_ref(), gi)?;
        let a = a.as_boolean_opt().ok_or_else(|| Error::internal("bool_and/bool_or: input is not boolean"))?;
        let (vals, seen, is_and) = (&mut self.values, &mut self.seen, self.is_and);
        for_each_row(gi, a.nulls(), f, n, |r, g| {
            vals[g] = if is_and { vals[g] && a.value(r) } else { vals[g] || a.value(r) };
            seen[g] = true;
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.update_batch(states, gi, None, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let nulls = validity(std::mem::take(&mut self.seen));
        Ok(Arc::new(BooleanArray::new(std::mem::take(&mut self.values).into(), nulls)))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate()?])
    }

    fn size(&self) -> usize {
        self.values.capacity() * 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    fn bools(v: &[Option<bool>]) -> ArrayRef {
        Arc::new(BooleanArray::from(v.to_vec()))
    }

    #[test]
    fn and_or() {
        let v = bools(&[Some(true), Some(false), None, Some(true), None]);
        let g = [0, 0, 0, 1, 2];
        insta::assert_snapshot!(one_batch(&BoolAgg::bool_and(), vec![v.clone()], &g, 3, &ctx()).unwrap(), @"[false, true, NULL]");
        insta::assert_snapshot!(one_batch(&BoolAgg::bool_or(), vec![v], &g, 3, &ctx()).unwrap(), @"[true, true, NULL]");
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Boolean];
        let out = two_phase(&BoolAgg::bool_and(), &t, &ctx(), vec![bools(&[Some(true), Some(true)])], vec![bools(&[Some(false)])]);
        insta::assert_snapshot!(out, @"[false, true]");
    }
}
