//! `collect_list(x)` and `collect_set(x)` (`array<T>` of the non-NULL values; the set
//! without duplicates, in no particular order) and `approx_count_distinct(x[, rsd])`,
//! computed exactly here (Spark uses HyperLogLog++; exact counts are within any
//! requested error). State: the list of values (deduplicated for the set and count).

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, Int64Array};
use arrow::datatypes::{DataType, Field};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::first_arg;
use super::value_lists::ValueLists;
use crate::scalar::utils::check_arity;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CollectKind {
    List,
    Set,
    CountDistinct,
}

#[derive(Debug)]
pub struct Collect {
    kind: CollectKind,
}

impl Collect {
    pub fn new(kind: CollectKind) -> Self {
        Collect { kind }
    }
}

impl AggregateFunctionImpl for Collect {
    fn name(&self) -> &str {
        match self.kind {
            CollectKind::List => "collect_list",
            CollectKind::Set => "collect_set",
            CollectKind::CountDistinct => "approx_count_distinct",
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        if self.kind == CollectKind::CountDistinct {
            check_arity(self.name(), t.len(), 1, 2)?;
            let mut out = vec![t[0].clone()];
            if t.len() == 2 {
                out.push(DataType::Float64);
            }
            return Ok(out);
        }
        check_arity(self.name(), t.len(), 1, 1)?;
        if self.kind == CollectKind::Set && matches!(t[0], DataType::Map(_, _)) {
            return Err(Error::new(ErrorKind::DatatypeMismatch {
                sub: "UNSUPPORTED_INPUT_TYPE",
                expr: "\"collect_set\"".into(),
                message: "The input of collect_set can't be \"MAP\" type data.".into(),
            }));
        }
        Ok(t.to_vec())
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let elem = t.first().ok_or_else(|| Error::internal("collect: no argument type"))?;
        Ok(match self.kind {
            CollectKind::CountDistinct => DataType::Int64,
            _ => ValueLists::list_type(elem),
        })
    }

    fn nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        let elem = t.first().ok_or_else(|| Error::internal("collect: no argument type"))?;
        Ok(vec![Field::new(self.name(), ValueLists::list_type(elem), false)])
    }

    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        let elem = t.first().ok_or_else(|| Error::internal("collect: no argument type"))?;
        Ok(Box::new(CollectAccumulator { kind: self.kind, lists: ValueLists::new(elem.clone()) }))
    }
}

struct CollectAccumulator {
    kind: CollectKind,
    lists: ValueLists,
}

impl GroupsAccumulator for CollectAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.lists.add(first_arg(values, "collect")?, gi, f, n)
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.lists.merge(first_arg(states, "collect")?, gi, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        match self.kind {
            CollectKind::List => self.lists.take_lists(false),
            CollectKind::Set => self.lists.take_lists(true),
            CollectKind::CountDistinct => {
                let (_, offsets) = self.lists.take(true)?;
                Ok(Arc::new(Int64Array::from(offsets.windows(2).map(|w| (w[1] - w[0]) as i64).collect::<Vec<_>>())))
            }
        }
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.lists.take_lists(self.kind != CollectKind::List)?])
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
    fn lists_sets_and_counts_skip_nulls() {
        let v = i32s(&[Some(1), None, Some(1), Some(2), None]);
        let g = [0, 0, 0, 0, 1];
        insta::assert_snapshot!(one_batch(&Collect::new(CollectKind::List), vec![v.clone()], &g, 3, &ctx()).unwrap(), @"[[1, 1, 2], [], []]");
        insta::assert_snapshot!(one_batch(&Collect::new(CollectKind::Set), vec![v.clone()], &g, 3, &ctx()).unwrap(), @"[[1, 2], [], []]");
        insta::assert_snapshot!(one_batch(&Collect::new(CollectKind::CountDistinct), vec![v], &g, 3, &ctx()).unwrap(), @"[2, 0, 0]");
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Utf8];
        let p1 = vec![strs(&[Some("a"), Some("b"), Some("a")])];
        let p2 = vec![strs(&[Some("a"), None])];
        insta::assert_snapshot!(two_phase(&Collect::new(CollectKind::List), &t, &ctx(), p1.clone(), p2.clone()), @"[[a, a, a], [b]]");
        insta::assert_snapshot!(two_phase(&Collect::new(CollectKind::Set), &t, &ctx(), p1.clone(), p2.clone()), @"[[a], [b]]");
        insta::assert_snapshot!(two_phase(&Collect::new(CollectKind::CountDistinct), &t, &ctx(), p1, p2), @"[1, 1]");
    }
}
