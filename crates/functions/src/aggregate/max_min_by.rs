//! `max_by(x, ord)` and `min_by(x, ord)`: the `x` of the row with the largest / smallest
//! `ord` (rows with a NULL `ord` are skipped; the first such row wins ties). `ord` is
//! compared through its arrow-row encoding, so any orderable type works. State: the
//! chosen `x` and its `ord`.

use arrow::array::{new_null_array, Array, ArrayRef, BooleanArray};
use arrow::compute::interleave;
use arrow::datatypes::{DataType, Field};
use arrow_row::{OwnedRow, RowConverter, SortField};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, for_each_row, grow};
use crate::scalar::utils::check_arity;

#[derive(Debug)]
pub struct MaxMinBy {
    is_max: bool,
}

impl MaxMinBy {
    pub fn max_by() -> Self {
        MaxMinBy { is_max: true }
    }

    pub fn min_by() -> Self {
        MaxMinBy { is_max: false }
    }
}

impl AggregateFunctionImpl for MaxMinBy {
    fn name(&self) -> &str {
        if self.is_max {
            "max_by"
        } else {
            "min_by"
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 2, 2)?;
        if matches!(t[1], DataType::Map(_, _)) {
            return Err(crate::scalar::utils::unexpected_type(self.name(), 2, "an orderable type", &t[1]));
        }
        Ok(t.to_vec())
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity(self.name(), t.len(), 2, 2)?;
        Ok(t[0].clone())
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        check_arity(self.name(), t.len(), 2, 2)?;
        Ok(vec![Field::new("value", t[0].clone(), true), Field::new("ordering", t[1].clone(), true)])
    }

    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        check_arity(self.name(), t.len(), 2, 2)?;
        let converter = RowConverter::new(vec![SortField::new(t[1].clone())])?;
        Ok(Box::new(MaxMinByAccumulator { is_max: self.is_max, types: (t[0].clone(), t[1].clone()), converter, batches: vec![], best: vec![] }))
    }
}

struct MaxMinByAccumulator {
    is_max: bool,
    types: (DataType, DataType),
    converter: RowConverter,
    /// `(x, ord)` batches holding chosen rows
    batches: Vec<(ArrayRef, ArrayRef)>,
    /// per group: the encoded best `ord` and where its row is
    best: Vec<Option<(OwnedRow, usize, usize)>>,
}

impl GroupsAccumulator for MaxMinByAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.best, n, None);
        let [x, ord] = values else {
            return Err(Error::internal("max_by/min_by: expected 2 arguments"));
        };
        check_len(x.as_ref(), gi)?;
        check_len(ord.as_ref(), gi)?;
        let rows = self.converter.convert_columns(std::slice::from_ref(ord))?;
        let batch = self.batches.len();
        let (best, is_max) = (&mut self.best, self.is_max);
        let mut used = false;
        let nulls = ord.logical_nulls();
        for_each_row(gi, nulls.as_ref(), f, n, |r, g| {
            let row = rows.row(r);
            let better = match &best[g] {
                None => true,
                Some((b, _, _)) => {
                    if is_max {
                        row > b.row()
                    } else {
                        row < b.row()
                    }
                }
            };
            if better {
                best[g] = Some((row.owned(), batch, r));
                used = true;
            }
            Ok(())
        })?;
        if used {
            self.batches.push((x.clone(), ord.clone()));
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.update_batch(states, gi, None, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        Ok(self.state()?.swap_remove(0))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let batches = std::mem::take(&mut self.batches);
        let idx: Vec<(usize, usize)> = std::mem::take(&mut self.best).into_iter().map(|b| b.map(|(_, i, r)| (i + 1, r)).unwrap_or((0, 0))).collect();
        let gather = |t: &DataType, pick: &dyn Fn(&(ArrayRef, ArrayRef)) -> ArrayRef| -> Result<ArrayRef> {
            let null = new_null_array(t, 1);
            let arrays: Vec<ArrayRef> = std::iter::once(null).chain(batches.iter().map(pick)).collect();
            let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
            Ok(interleave(&refs, &idx)?)
        };
        Ok(vec![gather(&self.types.0, &|b| b.0.clone())?, gather(&self.types.1, &|b| b.1.clone())?])
    }

    fn size(&self) -> usize {
        self.best.capacity() * 48 + self.batches.iter().map(|(x, o)| x.get_array_memory_size() + o.get_array_memory_size()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn picks_by_ordering_skipping_null_orderings() {
        let x = strs(&[Some("a"), Some("b"), None, Some("d"), Some("e")]);
        let ord = i32s(&[Some(1), Some(3), Some(5), None, None]);
        let g = [0, 0, 0, 1, 1];
        insta::assert_snapshot!(one_batch(&MaxMinBy::max_by(), vec![x.clone(), ord.clone()], &g, 3, &ctx()).unwrap(), @"[NULL, NULL, NULL]");
        insta::assert_snapshot!(one_batch(&MaxMinBy::min_by(), vec![x, ord], &g, 3, &ctx()).unwrap(), @"[a, NULL, NULL]");
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Utf8, DataType::Int32];
        let out = two_phase(
            &MaxMinBy::max_by(),
            &t,
            &ctx(),
            vec![strs(&[Some("a"), Some("b")]), i32s(&[Some(1), Some(2)])],
            vec![strs(&[Some("c"), Some("d")]), i32s(&[Some(0), Some(9)])],
        );
        insta::assert_snapshot!(out, @"[a, d]");
    }
}
