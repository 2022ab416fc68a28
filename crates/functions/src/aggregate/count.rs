//! `count(x, …)`: rows where every argument is non-NULL (all rows without arguments);
//! bigint, never NULL; state: the partial count. Also `count_if(cond)`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Int64Type};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow};
use crate::scalar::utils::{bool_arg, check_arity};

#[derive(Debug)]
pub struct Count;

impl AggregateFunctionImpl for Count {
    fn name(&self) -> &str {
        "count"
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(arg_types.to_vec())
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new("count", DataType::Int64, false)])
    }

    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(CountAccumulator { counts: vec![], only_true: false }))
    }
}

/// `count_if(cond)`: rows where `cond` is true.
#[derive(Debug)]
pub struct CountIf;

impl AggregateFunctionImpl for CountIf {
    fn name(&self) -> &str {
        "count_if"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("count_if", t.len(), 1, 1)?;
        Ok(vec![bool_arg("count_if", 1, &t[0])?])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new("count", DataType::Int64, false)])
    }

    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(CountAccumulator { counts: vec![], only_true: true }))
    }
}

struct CountAccumulator {
    counts: Vec<i64>,
    /// count_if: count only true values of the single boolean argument
    only_true: bool,
}

impl GroupsAccumulator for CountAccumulator {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        grow(&mut self.counts, total_num_groups, 0);
        for v in values {
            check_len(v.as_ref(), group_indices)?;
        }
        let mut nulls: Option<NullBuffer> = None;
        for v in values {
            nulls = NullBuffer::union(nulls.as_ref(), v.logical_nulls().as_ref());
        }
        let counts = &mut self.counts;
        if self.only_true {
            let b = first_arg(values, "count_if")?;
            let b = b.as_boolean_opt().ok_or_else(|| Error::internal("count_if: argument is not boolean"))?;
            return for_each_row(group_indices, nulls.as_ref(), opt_filter, total_num_groups, |r, g| {
                counts[g] += b.value(r) as i64;
                Ok(())
            });
        }
        for_each_row(group_indices, nulls.as_ref(), opt_filter, total_num_groups, |_, g| {
            counts[g] += 1;
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        grow(&mut self.counts, total_num_groups, 0);
        let s = first_arg(states, "count")?;
        check_len(s.as_ref(), group_indices)?;
        let s = s.as_primitive_opt::<Int64Type>().ok_or_else(|| Error::internal("count: state is not bigint"))?;
        let counts = &mut self.counts;
        for_each_row(group_indices, s.nulls(), None, total_num_groups, |r, g| {
            counts[g] += s.value(r);
            Ok(())
        })
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        Ok(Arc::new(Int64Array::from(std::mem::take(&mut self.counts))))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate()?])
    }

    fn size(&self) -> usize {
        self.counts.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn counts_non_null_rows() {
        let f = Count;
        let mut acc = f.create_accumulator(&[DataType::Int32], &ctx()).unwrap();
        acc.update_batch(&[i32s(&[Some(1), None, Some(3)])], &[0, 0, 1], None, 3).unwrap();
        acc.update_batch(&[i32s(&[Some(1)])], &[1], Some(&BooleanArray::from(vec![false])), 3).unwrap();
        acc.update_batch(&[i32s(&[Some(1), Some(2)])], &[1, 1], Some(&BooleanArray::from(vec![Some(true), None])), 3).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[1, 2, 0]");
    }

    #[test]
    fn several_arguments_and_no_arguments() {
        let mut acc = Count.create_accumulator(&[], &ctx()).unwrap();
        acc.update_batch(&[i32s(&[Some(1), None]), i32s(&[None, None])], &[0, 0], None, 1).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[0]");
        let mut acc = Count.create_accumulator(&[], &ctx()).unwrap();
        acc.update_batch(&[], &[0, 0, 1], None, 2).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[2, 1]");
    }

    #[test]
    fn merges_partials() {
        let out = two_phase(&Count, &[DataType::Int32], &ctx(), vec![i32s(&[Some(1), Some(2), None])], vec![i32s(&[Some(5)])]);
        insta::assert_snapshot!(out, @"[2, 1]");
    }

    #[test]
    fn count_if_counts_true() {
        let mut acc = CountIf.create_accumulator(&[DataType::Boolean], &ctx()).unwrap();
        let b: ArrayRef = Arc::new(BooleanArray::from(vec![Some(true), Some(false), None, Some(true)]));
        acc.update_batch(&[b], &[0, 0, 0, 1], None, 3).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[1, 1, 0]");
    }
}
