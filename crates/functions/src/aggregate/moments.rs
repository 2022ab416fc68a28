//! `skewness` and `kurtosis`: Spark's `CentralMomentAgg` with its exact update and merge
//! formulas (so the doubles equal Spark's). State: `n`, `avg`, `m2`, `m3`, `m4`. NULL
//! without input or when every value is the same (`m2` = 0).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Float64Type};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow};
use super::sum::coerce_numeric;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Moment {
    Skewness,
    Kurtosis,
}

#[derive(Debug)]
pub struct CentralMoment {
    kind: Moment,
}

impl CentralMoment {
    pub fn new(kind: Moment) -> Self {
        CentralMoment { kind }
    }
}

impl AggregateFunctionImpl for CentralMoment {
    fn name(&self) -> &str {
        match self.kind {
            Moment::Skewness => "skewness",
            Moment::Kurtosis => "kurtosis",
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
        Ok(["n", "avg", "m2", "m3", "m4"].iter().map(|n| Field::new(*n, DataType::Float64, false)).collect())
    }
    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(MomentAccumulator { kind: self.kind, m: Vec::new() }))
    }
}

/// `(n, avg, m2, m3, m4)` of one group.
type State = [f64; 5];

struct MomentAccumulator {
    kind: Moment,
    m: Vec<State>,
}

/// Spark's `CentralMomentAgg.updateExpressions` for one value.
fn update(s: &mut State, x: f64) {
    let [n, avg, m2, m3, m4] = *s;
    let new_n = n + 1.0;
    let delta = x - avg;
    let delta_n = delta / new_n;
    let new_avg = avg + delta_n;
    let new_m2 = m2 + delta * (delta - delta_n);
    let delta2 = delta * delta;
    let delta_n2 = delta_n * delta_n;
    let new_m3 = m3 - 3.0 * delta_n * new_m2 + delta * (delta2 - delta_n2);
    let new_m4 = m4 - 4.0 * delta_n * new_m3 - 6.0 * delta_n2 * new_m2 + delta * (delta * delta2 - delta_n * delta_n2);
    *s = [new_n, new_avg, new_m2, new_m3, new_m4];
}

/// Spark's `CentralMomentAgg.mergeExpressions`.
fn merge(l: &mut State, r: &State) {
    let [n1, avg1, m2_1, m3_1, m4_1] = *l;
    let [n2, avg2, m2_2, m3_2, m4_2] = *r;
    let n = n1 + n2;
    let delta = avg2 - avg1;
    let delta_n = if n == 0.0 { 0.0 } else { delta / n };
    let avg = avg1 + delta_n * n2;
    let m2 = m2_1 + m2_2 + delta * delta_n * n1 * n2;
    let m3 = m3_1 + m3_2 + delta_n * delta_n * delta * n1 * n2 * (n1 - n2) + 3.0 * delta_n * (n1 * m2_2 - n2 * m2_1);
    let m4 = m4_1
        + m4_2
        + delta_n * delta_n * delta_n * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2)
        + 6.0 * delta_n * delta_n * (n1 * n1 * m2_2 + n2 * n2 * m2_1)
        + 4.0 * delta_n * (n1 * m3_2 - n2 * m3_1);
    *l = [n, avg, m2, m3, m4];
}

fn doubles(a: &ArrayRef) -> Result<Float64Array> {
    Ok(cast(a, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
}

impl GroupsAccumulator for MomentAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.m, n, [0.0; 5]);
        let a = first_arg(values, self_name(self.kind))?;
        check_len(a.as_ref(), gi)?;
        let a = doubles(a)?;
        for_each_row(gi, a.nulls(), f, n, |r, g| {
            update(&mut self.m[g], a.value(r));
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        grow(&mut self.m, n, [0.0; 5]);
        if states.len() != 5 {
            return Err(Error::internal("central moment: expected 5 state arrays"));
        }
        let cols = states.iter().map(doubles).collect::<Result<Vec<_>>>()?;
        check_len(&cols[0], gi)?;
        for_each_row(gi, cols[0].nulls(), None, n, |r, g| {
            let s = [cols[0].value(r), cols[1].value(r), cols[2].value(r), cols[3].value(r), cols[4].value(r)];
            merge(&mut self.m[g], &s);
            Ok(())
        })
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let kind = self.kind;
        let out: Float64Array = std::mem::take(&mut self.m)
            .into_iter()
            .map(|[n, _, m2, m3, m4]| {
                if n == 0.0 || m2 == 0.0 {
                    return None;
                }
                Some(match kind {
                    Moment::Skewness => n.sqrt() * m3 / (m2 * m2 * m2).sqrt(),
                    Moment::Kurtosis => n * m4 / (m2 * m2) - 3.0,
                })
            })
            .collect();
        Ok(Arc::new(out))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let m = std::mem::take(&mut self.m);
        Ok((0..5).map(|i| Arc::new(Float64Array::from_iter_values(m.iter().map(|s| s[i]))) as ArrayRef).collect())
    }

    fn size(&self) -> usize {
        self.m.capacity() * 40
    }
}

fn self_name(kind: Moment) -> &'static str {
    match kind {
        Moment::Skewness => "skewness",
        Moment::Kurtosis => "kurtosis",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn skewness_and_kurtosis_merge_like_one_pass() {
        let f = CentralMoment::new(Moment::Skewness);
        let one = one_batch(&f, vec![f64s(&[Some(1.0), Some(2.0), Some(2.0), Some(10.0), None])], &[0, 0, 0, 0, 0], 1, &ctx()).unwrap();
        // Spark gives …657 when its two partitions hold [1, 2] and [2, 10]: merging rounds differently
        assert_eq!(one, "[1.1099684291823666]");
        let k = CentralMoment::new(Moment::Kurtosis);
        let one = one_batch(&k, vec![f64s(&[Some(1.0), Some(2.0), Some(2.0), Some(10.0)])], &[0, 0, 0, 0], 1, &ctx()).unwrap();
        assert_eq!(one, "[-0.6973338424563691]");
        let same = one_batch(&k, vec![f64s(&[Some(3.0), Some(3.0)])], &[0, 0], 1, &ctx()).unwrap();
        assert_eq!(same, "[NULL]");
    }
}
