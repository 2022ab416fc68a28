//! `grouping(x)` (tinyint: 1 where `x` is aggregated over in this row's grouping set)
//! and `grouping_id([x, …])` (bigint: one bit per grouping column). They are resolved
//! when GROUPING SETS, ROLLUP and CUBE are planned (`ember_plan::grouping_sets`);
//! anywhere else they are an error, never evaluated.

use arrow::datatypes::{DataType, Field};
use ember_common::Result;
use ember_plan::grouping_sets::grouping_without_sets;
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use crate::scalar::utils::check_arity;

#[derive(Debug)]
pub struct Grouping {
    is_id: bool,
}

impl Grouping {
    pub fn new_grouping() -> Self {
        Grouping { is_id: false }
    }

    pub fn grouping_id() -> Self {
        Grouping { is_id: true }
    }
}

impl AggregateFunctionImpl for Grouping {
    fn name(&self) -> &str {
        if self.is_id {
            "grouping_id"
        } else {
            "grouping"
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        if !self.is_id {
            check_arity("grouping", t.len(), 1, 1)?;
        }
        Ok(t.to_vec())
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(if self.is_id { DataType::Int64 } else { DataType::Int8 })
    }

    fn nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Err(grouping_without_sets())
    }

    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Err(grouping_without_sets())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_no_evaluation() {
        assert_eq!(Grouping::new_grouping().return_type(&[DataType::Int32]).unwrap(), DataType::Int8);
        assert_eq!(Grouping::grouping_id().return_type(&[]).unwrap(), DataType::Int64);
        assert!(Grouping::new_grouping().coerce_types(&[]).is_err());
        let err = Grouping::new_grouping().create_accumulator(&[DataType::Int32], &FunctionContext::default()).err().unwrap();
        assert!(err.to_string().contains("UNSUPPORTED_GROUPING_EXPRESSION"), "{err}");
    }
}
