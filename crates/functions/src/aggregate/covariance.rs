//! `covar_pop(x, y)`, `covar_samp(x, y)` and `corr(x, y)` (Pearson), and the linear
//! regression statistics `regr_count`, `regr_sxx`, `regr_syy`, `regr_sxy`, `regr_slope`,
//! `regr_intercept`, `regr_r2` (arguments `y, x`): doubles over the rows where both are
//! non-NULL, with Spark's online update and parallel merge. NULL
//! without rows; `covar_samp` and `corr` are NULL for one row (Spark 3.1+); `corr` of a
//! constant column divides by zero, as Spark's `ck / sqrt(xMk * yMk)`: DIVIDE_BY_ZERO
//! under ANSI, else NULL. State: `n`, `xAvg`, `yAvg`, `ck`, `xMk`, `yMk`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array};
use arrow::buffer::NullBuffer;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Float64Type};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, for_each_row, grow};
use super::sum::coerce_numeric;
use crate::scalar::utils::check_arity;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CovStat {
    CovarPop,
    CovarSamp,
    Corr,
    RegrCount,
    RegrSxx,
    RegrSyy,
    RegrSxy,
    RegrSlope,
    RegrIntercept,
    RegrR2,
}

#[derive(Debug)]
pub struct Covariance {
    stat: CovStat,
}

impl Covariance {
    pub fn new(stat: CovStat) -> Self {
        Covariance { stat }
    }
}

const STATE: [&str; 6] = ["n", "xAvg", "yAvg", "ck", "xMk", "yMk"];

impl AggregateFunctionImpl for Covariance {
    fn name(&self) -> &str {
        match self.stat {
            CovStat::CovarPop => "covar_pop",
            CovStat::CovarSamp => "covar_samp",
            CovStat::Corr => "corr",
            CovStat::RegrCount => "regr_count",
            CovStat::RegrSxx => "regr_sxx",
            CovStat::RegrSyy => "regr_syy",
            CovStat::RegrSxy => "regr_sxy",
            CovStat::RegrSlope => "regr_slope",
            CovStat::RegrIntercept => "regr_intercept",
            CovStat::RegrR2 => "regr_r2",
        }
    }

    fn nullable(&self) -> bool {
        self.stat != CovStat::RegrCount
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 2, 2)?;
        coerce_numeric(self.name(), &t[..1])?;
        coerce_numeric(self.name(), &t[1..])?;
        Ok(vec![DataType::Float64, DataType::Float64])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(if self.stat == CovStat::RegrCount { DataType::Int64 } else { DataType::Float64 })
    }

    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(STATE.iter().map(|n| Field::new(*n, DataType::Float64, false)).collect())
    }

    fn create_accumulator(&self, _: &[DataType], ctx: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(CovarianceAccumulator { stat: self.stat, s: Default::default(), ansi: ctx.ansi }))
    }
}

struct CovarianceAccumulator {
    stat: CovStat,
    /// n, xAvg, yAvg, ck, xMk, yMk per group
    s: [Vec<f64>; 6],
    ansi: bool,
}

fn doubles(a: &ArrayRef) -> Result<Float64Array> {
    Ok(cast(a, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
}

impl CovarianceAccumulator {
    /// Merges partial state `(n2, x2, y2, ck2, xm2, ym2)` into group `g`.
    fn combine(&mut self, g: usize, o: [f64; 6]) {
        let [n2, xa2, ya2, ck2, xm2, ym2] = o;
        if n2 == 0.0 {
            return;
        }
        let [n, xa, ya, ck, xm, ym] = &mut self.s;
        let n1 = n[g];
        let total = n1 + n2;
        let dx = xa2 - xa[g];
        let dy = ya2 - ya[g];
        ck[g] += ck2 + dx * dy * n1 * n2 / total;
        xm[g] += xm2 + dx * dx * n1 * n2 / total;
        ym[g] += ym2 + dy * dy * n1 * n2 / total;
        xa[g] += dx * n2 / total;
        ya[g] += dy * n2 / total;
        n[g] = total;
    }
}

impl GroupsAccumulator for CovarianceAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        for v in &mut self.s {
            grow(v, n, 0.0);
        }
        let [x, y] = values else {
            return Err(Error::internal("covariance: expected 2 arguments"));
        };
        check_len(x.as_ref(), gi)?;
        let (x, y) = (doubles(x)?, doubles(y)?);
        let both = NullBuffer::union(x.nulls(), y.nulls());
        for_each_row(gi, both.as_ref(), f, n, |r, g| {
            self.combine(g, [1.0, x.value(r), y.value(r), 0.0, 0.0, 0.0]);
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        for v in &mut self.s {
            grow(v, n, 0.0);
        }
        if states.len() != 6 {
            return Err(Error::internal("covariance: expected 6 state arrays"));
        }
        check_len(states[0].as_ref(), gi)?;
        let cols = states.iter().map(doubles).collect::<Result<Vec<_>>>()?;
        for_each_row(gi, None, None, n, |r, g| {
            self.combine(g, std::array::from_fn(|i| cols[i].value(r)));
            Ok(())
        })
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let [n, xa, ya, ck, xm, ym] = std::mem::take(&mut self.s);
        if self.stat == CovStat::RegrCount {
            return Ok(Arc::new(arrow::array::Int64Array::from_iter_values(n.iter().map(|&c| c as i64))));
        }
        // for the regressions the first argument is y (`x*` state) and the second x (`y*`)
        let slope = |g: usize| (ym[g] != 0.0).then(|| (ck[g] / n[g]) / (ym[g] / n[g]));
        let out = (0..n.len())
            .map(|g| match self.stat {
                CovStat::CovarPop if n[g] > 0.0 => Ok(Some(ck[g] / n[g])),
                CovStat::CovarSamp if n[g] > 1.0 => Ok(Some(ck[g] / (n[g] - 1.0))),
                CovStat::Corr if n[g] > 1.0 => match (xm[g] * ym[g]).sqrt() {
                    d if d == 0.0 && self.ansi => Err(Error::new(ErrorKind::DivideByZero)),
                    d if d == 0.0 => Ok(None),
                    d => Ok(Some(ck[g] / d)),
                },
                _ if n[g] == 0.0 => Ok(None),
                CovStat::RegrSxx => Ok(Some(ym[g])),
                CovStat::RegrSyy => Ok(Some(xm[g])),
                CovStat::RegrSxy => Ok(Some(ck[g])),
                CovStat::RegrSlope => Ok(slope(g)),
                CovStat::RegrIntercept => Ok(slope(g).map(|s| xa[g] - s * ya[g])),
                CovStat::RegrR2 if ym[g] == 0.0 => Ok(None),
                CovStat::RegrR2 if xm[g] == 0.0 => Ok(Some(1.0)),
                // Spark's `pow(corr, 2)`
                CovStat::RegrR2 => Ok(Some((ck[g] / (ym[g] * xm[g]).sqrt()).powi(2))),
                _ => Ok(None),
            })
            .collect::<Result<Float64Array>>()?;
        Ok(Arc::new(out))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(std::mem::take(&mut self.s).into_iter().map(|v| Arc::new(Float64Array::from(v)) as ArrayRef).collect())
    }

    fn size(&self) -> usize {
        self.s[0].capacity() * 48
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn statistics() {
        let x = f64s(&[Some(1.0), Some(2.0), Some(3.0), None, Some(5.0), Some(7.0), Some(7.0)]);
        let y = f64s(&[Some(2.0), Some(4.0), Some(7.0), Some(1.0), Some(5.0), Some(1.0), Some(2.0)]);
        let g = [0, 0, 0, 0, 1, 2, 2];
        insta::assert_snapshot!(one_batch(&Covariance::new(CovStat::CovarPop), vec![x.clone(), y.clone()], &g, 4, &ctx()).unwrap(), @"[1.6666666666666667, 0.0, 0.0, NULL]");
        insta::assert_snapshot!(one_batch(&Covariance::new(CovStat::CovarSamp), vec![x.clone(), y.clone()], &g, 4, &ctx()).unwrap(), @"[2.5, NULL, 0.0, NULL]");
        // A constant column (group 2) divides by zero: NULL without ANSI, else an error.
        insta::assert_snapshot!(one_batch(&Covariance::new(CovStat::Corr), vec![x.clone(), y.clone()], &g, 4, &legacy()).unwrap(), @"[0.9933992677987828, NULL, NULL, NULL]");
        let err = one_batch(&Covariance::new(CovStat::Corr), vec![x, y], &g, 4, &ctx()).unwrap_err();
        assert_eq!(err.class(), "DIVIDE_BY_ZERO");
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Float64, DataType::Float64];
        let out = two_phase(
            &Covariance::new(CovStat::Corr),
            &t,
            &ctx(),
            vec![f64s(&[Some(1.0), Some(10.0), Some(2.0)]), f64s(&[Some(1.0), Some(5.0), Some(2.5)])],
            vec![f64s(&[Some(3.0), Some(20.0)]), f64s(&[Some(2.0), Some(1.0)])],
        );
        insta::assert_snapshot!(out, @"[0.6546536707079771, -1.0]");
    }
}
