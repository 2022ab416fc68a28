//! `regr_avgx(y, x)` and `regr_avgy(y, x)`: `avg` of one argument over the rows where
//! both are non-NULL (Spark's rewrite), so the result type is `avg`'s (DECIMAL stays DECIMAL).

use arrow::array::{make_array, Array, ArrayRef, BooleanArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::avg::Avg;
use super::sum::coerce_numeric;
use crate::scalar::utils::check_arity;

#[derive(Debug)]
pub struct RegrAvg {
    /// `regr_avgx` averages the second argument, `regr_avgy` the first
    x: bool,
}

impl RegrAvg {
    pub fn avgx() -> Self {
        RegrAvg { x: true }
    }
    pub fn avgy() -> Self {
        RegrAvg { x: false }
    }
    fn averaged(&self) -> usize {
        if self.x {
            1
        } else {
            0
        }
    }
}

impl AggregateFunctionImpl for RegrAvg {
    fn name(&self) -> &str {
        if self.x {
            "regr_avgx"
        } else {
            "regr_avgy"
        }
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 2, 2)?;
        let mut out = Vec::with_capacity(2);
        for (i, x) in t.iter().enumerate() {
            out.push(if i == self.averaged() { Avg.coerce_types(std::slice::from_ref(x))?.remove(0) } else { coerce_numeric(self.name(), std::slice::from_ref(x))?.remove(0) });
        }
        Ok(out)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Avg.return_type(&t[self.averaged()..=self.averaged()])
    }
    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        Avg.state_fields(&t[self.averaged()..=self.averaged()])
    }
    fn create_accumulator(&self, t: &[DataType], ctx: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        let inner = Avg.create_accumulator(&t[self.averaged()..=self.averaged()], ctx)?;
        Ok(Box::new(RegrAvgAccumulator { inner, averaged: self.averaged() }))
    }
}

struct RegrAvgAccumulator {
    inner: Box<dyn GroupsAccumulator>,
    averaged: usize,
}

impl GroupsAccumulator for RegrAvgAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        let [y, x] = values else { return Err(Error::internal("regr_avg: expected 2 arguments")) };
        let (v, other) = if self.averaged == 1 { (x, y) } else { (y, x) };
        let nulls = NullBuffer::union(v.logical_nulls().as_ref(), other.logical_nulls().as_ref());
        let masked = make_array(v.to_data().into_builder().nulls(nulls).build()?);
        self.inner.update_batch(&[masked], gi, f, n)
    }
    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.inner.merge_batch(states, gi, n)
    }
    fn evaluate(&mut self) -> Result<ArrayRef> {
        self.inner.evaluate()
    }
    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        self.inner.state()
    }
    fn size(&self) -> usize {
        self.inner.size()
    }
}
