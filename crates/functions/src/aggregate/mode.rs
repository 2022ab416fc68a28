//! `mode(x[, deterministic])` (also `mode() WITHIN GROUP (ORDER BY x)`): the most frequent
//! non-NULL value; among equally frequent values the smallest. NULL without values.
//! State: the group's values (counted at the end).

use arrow::array::{ArrayRef, BooleanArray};
use arrow::compute::interleave;
use arrow::datatypes::{DataType, Field};
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::first_arg;
use super::value_lists::ValueLists;
use crate::scalar::utils::{check_arity, unexpected_type};

#[derive(Debug)]
pub struct Mode;

impl AggregateFunctionImpl for Mode {
    fn name(&self) -> &str {
        "mode"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("mode", t.len(), 1, 2)?;
        let mut out = vec![t[0].clone()];
        if let Some(d) = t.get(1) {
            if !matches!(d, DataType::Boolean) {
                return Err(unexpected_type("mode", 2, "\"BOOLEAN\"", d));
            }
            out.push(DataType::Boolean);
        }
        Ok(out)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn shown_args(&self, _given: usize) -> usize {
        1
    }
    /// Spark shows `mode(x, true)` as the WITHIN GROUP form it stands for.
    fn display_call(&self, args: &[String]) -> Option<String> {
        (args.len() == 2).then(|| format!("mode() WITHIN GROUP (ORDER BY {} DESC)", args[0]))
    }
    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new("values", ValueLists::list_type(&t[0]), false)])
    }
    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(ModeAccumulator { data_type: t[0].clone(), lists: ValueLists::new(t[0].clone()) }))
    }
}

struct ModeAccumulator {
    data_type: DataType,
    lists: ValueLists,
}

impl GroupsAccumulator for ModeAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.lists.add(first_arg(values, "mode")?, gi, f, n)
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        let state = states.first().ok_or_else(|| Error::internal("mode: no state"))?;
        self.lists.merge(state, gi, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let (values, offsets) = self.lists.take(false)?;
        let rows = RowConverter::new(vec![SortField::new(self.data_type.clone())])?.convert_columns(std::slice::from_ref(&values))?;
        let mut counts: hashbrown::HashMap<arrow_row::Row<'_>, (usize, usize)> = hashbrown::HashMap::new();
        let mut picks: Vec<(usize, usize)> = Vec::with_capacity(offsets.len() - 1);
        for g in 0..offsets.len() - 1 {
            counts.clear();
            for i in offsets[g]..offsets[g + 1] {
                counts.entry(rows.row(i)).or_insert((0, i)).0 += 1;
            }
            // most frequent, then smallest (row keys order like the values)
            let best = counts.iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then_with(|| b.0.cmp(a.0))).map(|(_, &(_, i))| i);
            picks.push(best.map_or((1, 0), |i| (0, i)));
        }
        let null = arrow::array::new_null_array(&self.data_type, 1);
        if picks.is_empty() {
            return Ok(arrow::array::new_empty_array(&self.data_type));
        }
        Ok(interleave(&[values.as_ref(), null.as_ref()], &picks)?)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.lists.take_lists(false)?])
    }

    fn size(&self) -> usize {
        self.lists.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn most_frequent_then_smallest() {
        let out = one_batch(&Mode, vec![i32s(&[Some(2), Some(1), Some(1), Some(2), None, Some(3)])], &[0, 0, 0, 0, 0, 1], 2, &ctx()).unwrap();
        assert_eq!(out, "[1, 3]");
    }
}
