//! `first(x[, ignoreNulls])`, `last(x[, ignoreNulls])` and `any_value`: the value of the
//! first / last row seen (in arrival order, so not deterministic across partitions, as in
//! Spark). Values stay in the batches they came in; `evaluate` interleaves them.
//! State: the value and `valueSet`.

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, AsArray, BooleanArray};
use arrow::buffer::NullBuffer;
use arrow::compute::interleave;
use arrow::datatypes::{DataType, Field};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow};
use crate::scalar::utils::{bool_arg, check_arity};

#[derive(Debug)]
pub struct FirstLast {
    name: &'static str,
    is_last: bool,
}

impl FirstLast {
    pub fn first() -> Self {
        FirstLast { name: "first", is_last: false }
    }

    pub fn last() -> Self {
        FirstLast { name: "last", is_last: true }
    }

    pub fn any_value() -> Self {
        FirstLast { name: "any_value", is_last: false }
    }
}

impl AggregateFunctionImpl for FirstLast {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 1, 2)?;
        let mut out = vec![t[0].clone()];
        if let Some(b) = t.get(1) {
            out.push(bool_arg(self.name, 2, b)?);
        }
        Ok(out)
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity(self.name, t.len(), 1, 2)?;
        Ok(t[0].clone())
    }

    /// `first(x, true)` is `first(x)` in Spark's column names.
    fn shown_args(&self, given: usize) -> usize {
        given.min(1)
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new(self.name, self.return_type(t)?, true), Field::new("valueSet", DataType::Boolean, false)])
    }

    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        let data_type = self.return_type(t)?;
        Ok(Box::new(FirstLastAccumulator { is_last: self.is_last, data_type, arrays: vec![], refs: vec![] }))
    }
}

struct FirstLastAccumulator {
    is_last: bool,
    data_type: DataType,
    /// batches holding chosen values
    arrays: Vec<ArrayRef>,
    /// per group: (batch, row) of the chosen value
    refs: Vec<Option<(usize, usize)>>,
}

impl FirstLastAccumulator {
    fn take(&mut self, v: &ArrayRef, gi: &[usize], valid: Option<&NullBuffer>, f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.refs, n, None);
        check_len(v.as_ref(), gi)?;
        if v.data_type() != &self.data_type {
            return Err(Error::internal(format!("first/last: expected {}, got {}", self.data_type, v.data_type())));
        }
        let batch = self.arrays.len();
        let mut used = false;
        let (refs, is_last) = (&mut self.refs, self.is_last);
        for_each_row(gi, valid, f, n, |r, g| {
            if is_last || refs[g].is_none() {
                refs[g] = Some((batch, r));
                used = true;
            }
            Ok(())
        })?;
        if used {
            self.arrays.push(v.clone());
        }
        Ok(())
    }
}

impl GroupsAccumulator for FirstLastAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        let v = first_arg(values, "first/last")?;
        let ignore_nulls = match values.get(1) {
            Some(b) if !b.is_empty() && b.is_valid(0) => b.as_boolean_opt().map(|b| b.value(0)).unwrap_or(false),
            _ => false,
        };
        let valid = if ignore_nulls { v.logical_nulls() } else { None };
        self.take(v, gi, valid.as_ref(), f, n)
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        let (Some(v), Some(set)) = (states.first(), states.get(1)) else {
            return Err(Error::internal("first/last: expected 2 state arrays"));
        };
        let set = set.as_boolean_opt().ok_or_else(|| Error::internal("first/last: valueSet is not boolean"))?;
        let valid = NullBuffer::from(set.iter().map(|b| b == Some(true)).collect::<Vec<_>>());
        self.take(v, gi, Some(&valid), None, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let mut arrays = std::mem::take(&mut self.arrays);
        let null_batch = arrays.len();
        arrays.push(new_null_array(&self.data_type, 1));
        let indices: Vec<(usize, usize)> = std::mem::take(&mut self.refs).into_iter().map(|r| r.unwrap_or((null_batch, 0))).collect();
        let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
        Ok(interleave(&refs, &indices)?)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let set = BooleanArray::from(self.refs.iter().map(|r| r.is_some()).collect::<Vec<_>>());
        Ok(vec![self.evaluate()?, Arc::new(set)])
    }

    fn size(&self) -> usize {
        self.refs.capacity() * 24 + self.arrays.iter().map(|a| a.get_array_memory_size()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn first_and_last_keep_nulls_by_default() {
        let v = strs(&[None, Some("a"), Some("b"), None]);
        let g = [0, 0, 0, 0];
        insta::assert_snapshot!(one_batch(&FirstLast::first(), vec![v.clone()], &g, 2, &ctx()).unwrap(), @"[NULL, NULL]");
        insta::assert_snapshot!(one_batch(&FirstLast::last(), vec![v.clone()], &g, 1, &ctx()).unwrap(), @"[NULL]");
        let ignore: ArrayRef = Arc::new(BooleanArray::from(vec![true; 4]));
        insta::assert_snapshot!(one_batch(&FirstLast::first(), vec![v.clone(), ignore.clone()], &g, 1, &ctx()).unwrap(), @"[a]");
        insta::assert_snapshot!(one_batch(&FirstLast::last(), vec![v, ignore], &g, 1, &ctx()).unwrap(), @"[b]");
    }

    #[test]
    fn several_batches_and_merge() {
        let mut acc = FirstLast::last().create_accumulator(&[DataType::Int32], &ctx()).unwrap();
        acc.update_batch(&[i32s(&[Some(1), Some(2)])], &[0, 1], None, 2).unwrap();
        acc.update_batch(&[i32s(&[Some(3)])], &[0], Some(&BooleanArray::from(vec![true])), 2).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[3, 2]");
        let out = two_phase(&FirstLast::first(), &[DataType::Int32], &ctx(), vec![i32s(&[Some(1)])], vec![i32s(&[Some(5), Some(6)])]);
        insta::assert_snapshot!(out, @"[1, 6]");
    }
}
