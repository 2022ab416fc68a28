//! `try_sum` and `try_avg`: `sum` and `avg` whose overflow gives NULL instead of an
//! error (Spark's TRY eval mode). Integer sums track overflow in a second state column;
//! the other kinds already give NULL on overflow outside ANSI mode.

use arrow::datatypes::{DataType, Field};
use ember_common::interval_type::IntervalType;
use ember_common::Result;
use ember_plan::coercion::is_integral;
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::avg::Avg;
use super::sum::{IntSum, Sum};
use crate::scalar::utils::check_arity;

#[derive(Debug)]
pub struct TryAggregate {
    name: &'static str,
    inner: Box<dyn AggregateFunctionImpl>,
}

impl TryAggregate {
    pub fn try_sum() -> Self {
        TryAggregate { name: "try_sum", inner: Box::new(Sum) }
    }

    pub fn try_avg() -> Self {
        TryAggregate { name: "try_avg", inner: Box::new(Avg) }
    }

    fn is_int_sum(&self, t: &[DataType]) -> bool {
        self.name == "try_sum" && t.first().is_some_and(is_integral)
    }
}

/// `WRONG_NUM_ARGS` names the `try_` function.
fn renamed(e: ember_common::Error, outer: &str) -> ember_common::Error {
    match e.kind() {
        ember_common::ErrorKind::WrongNumArgs { expected, found, .. } => ember_common::Error::new(ember_common::ErrorKind::WrongNumArgs {
            name: outer.to_string(),
            expected: expected.clone(),
            found: *found,
        }),
        _ => e,
    }
}

impl AggregateFunctionImpl for TryAggregate {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 1, 1)?;
        self.inner.coerce_types(t).map_err(|e| renamed(e, self.name))
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        self.inner.return_type(t)
    }

    fn result_interval_type(&self, t: &[Option<IntervalType>]) -> Option<IntervalType> {
        self.inner.result_interval_type(t)
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        let mut fields = self.inner.state_fields(t)?;
        if self.is_int_sum(t) {
            fields.push(Field::new("overflowed", DataType::Boolean, false));
        }
        Ok(fields)
    }

    fn create_accumulator(&self, t: &[DataType], ctx: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        if self.is_int_sum(t) {
            return Ok(Box::new(IntSum::try_mode()));
        }
        // Outside ANSI mode a decimal or interval overflow is already NULL.
        let legacy = FunctionContext { ansi: false, ..ctx.clone() };
        self.inner.create_accumulator(t, &legacy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::{ctx, i64s, one_batch, two_phase};

    #[test]
    fn int_overflow_is_null_per_group() {
        let f = TryAggregate::try_sum();
        let out = one_batch(&f, vec![i64s(&[Some(i64::MAX), Some(1), Some(2), Some(3)])], &[0, 0, 1, 1], 2, &ctx()).unwrap();
        assert_eq!(out, "[NULL, 5]");
    }

    #[test]
    fn overflow_in_a_partial_sum_survives_the_merge() {
        let f = TryAggregate::try_sum();
        // group 0 gets i64::MAX (part 1) and 1 (part 2, row 1): overflow at the merge;
        // group 1 overflows inside part 1.
        let out = two_phase(
            &f,
            &[DataType::Int64],
            &ctx(),
            vec![i64s(&[Some(i64::MAX), Some(i64::MAX), None, Some(1)])],
            vec![i64s(&[Some(7), Some(1)])],
        );
        assert_eq!(out, "[NULL, NULL]");
    }
}
