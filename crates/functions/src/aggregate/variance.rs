//! `var_samp` (`variance`), `var_pop`, `stddev_samp` (`stddev`, `std`), `stddev_pop`:
//! double results, Welford's update and Chan's merge. NULL without input; the sample
//! statistics are NULL for one row (Spark 3.1+). State: `n`, `avg`, `m2` (doubles).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Float64Type};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow};
use super::sum::coerce_numeric;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stat {
    VarSamp,
    VarPop,
    StddevSamp,
    StddevPop,
}

#[derive(Debug)]
pub struct Variance {
    stat: Stat,
}

impl Variance {
    pub fn new(stat: Stat) -> Self {
        Variance { stat }
    }
}

impl AggregateFunctionImpl for Variance {
    fn name(&self) -> &str {
        match self.stat {
            Stat::VarSamp => "var_samp",
            Stat::VarPop => "var_pop",
            Stat::StddevSamp => "stddev_samp",
            Stat::StddevPop => "stddev_pop",
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        coerce_numeric(self.name(), t)?;
        Ok(vec![DataType::Float64])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(["n", "avg", "m2"].iter().map(|n| Field::new(*n, DataType::Float64, false)).collect())
    }

    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(VarianceAccumulator { n: vec![], avg: vec![], m2: vec![], stat: self.stat }))
    }
}

struct VarianceAccumulator {
    n: Vec<f64>,
    avg: Vec<f64>,
    m2: Vec<f64>,
    stat: Stat,
}

impl VarianceAccumulator {
    fn grow(&mut self, n: usize) {
        grow(&mut self.n, n, 0.0);
        grow(&mut self.avg, n, 0.0);
        grow(&mut self.m2, n, 0.0);
    }

    /// Chan's parallel combination of (n, avg, m2) into group `g`.
    fn combine(&mut self, g: usize, n2: f64, avg2: f64, m2_2: f64) {
        if n2 == 0.0 {
            return;
        }
        let n1 = self.n[g];
        let n = n1 + n2;
        let delta = avg2 - self.avg[g];
        self.avg[g] += delta * n2 / n;
        self.m2[g] += m2_2 + delta * delta * n1 * n2 / n;
        self.n[g] = n;
    }
}

fn doubles(a: &ArrayRef) -> Result<Float64Array> {
    Ok(cast(a, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
}

impl GroupsAccumulator for VarianceAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.grow(n);
        let a = first_arg(values, "variance")?;
        check_len(a.as_ref(), gi)?;
        let a = doubles(a)?;
        for_each_row(gi, a.nulls(), f, n, |r, g| {
            self.combine(g, 1.0, a.value(r), 0.0);
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.grow(n);
        let [cnt, avg, m2] = states else {
            return Err(Error::internal("variance: expected 3 state arrays"));
        };
        check_len(cnt.as_ref(), gi)?;
        let (cnt, avg, m2) = (doubles(cnt)?, doubles(avg)?, doubles(m2)?);
        for_each_row(gi, cnt.nulls(), None, n, |r, g| {
            self.combine(g, cnt.value(r), avg.value(r), m2.value(r));
            Ok(())
        })
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let out: Float64Array = self
            .n
            .iter()
            .zip(&self.m2)
            .map(|(&n, &m2)| {
                let var = match self.stat {
                    Stat::VarPop | Stat::StddevPop if n > 0.0 => m2 / n,
                    Stat::VarSamp | Stat::StddevSamp if n > 1.0 => m2 / (n - 1.0),
                    _ => return None,
                };
                Some(if matches!(self.stat, Stat::StddevPop | Stat::StddevSamp) { var.sqrt() } else { var })
            })
            .collect();
        self.n.clear();
        self.avg.clear();
        self.m2.clear();
        Ok(Arc::new(out))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let take = |v: &mut Vec<f64>| Arc::new(Float64Array::from(std::mem::take(v))) as ArrayRef;
        Ok(vec![take(&mut self.n), take(&mut self.avg), take(&mut self.m2)])
    }

    fn size(&self) -> usize {
        self.n.capacity() * 24
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn statistics() {
        let v = f64s(&[Some(1.0), Some(2.0), Some(3.0), Some(4.0), None, Some(5.0)]);
        let g = [0, 0, 0, 0, 0, 1];
        insta::assert_snapshot!(one_batch(&Variance::new(Stat::VarSamp), vec![v.clone()], &g, 3, &ctx()).unwrap(), @"[1.6666666666666667, NULL, NULL]");
        insta::assert_snapshot!(one_batch(&Variance::new(Stat::VarPop), vec![v.clone()], &g, 3, &ctx()).unwrap(), @"[1.25, 0.0, NULL]");
        insta::assert_snapshot!(one_batch(&Variance::new(Stat::StddevPop), vec![v], &g, 3, &ctx()).unwrap(), @"[1.118033988749895, 0.0, NULL]");
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Float64];
        let out = two_phase(&Variance::new(Stat::VarSamp), &t, &ctx(), vec![f64s(&[Some(1.0), Some(10.0), Some(2.0)])], vec![f64s(&[Some(3.0), Some(20.0)])]);
        insta::assert_snapshot!(out, @"[1.0, 50.0]");
    }
}
