//! `sum` and `avg` of ANSI intervals. The sum keeps the input's type; the average is
//! Spark's default type of the class (`interval year to month`, `interval day to
//! second`), rounded half up. Exact arithmetic: a sum out of the type's range is
//! `INTERVAL_ARITHMETIC_OVERFLOW` whatever the ANSI setting. State: `sum` (months or
//! microseconds, bigint) and `count`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array};
use arrow::datatypes::{DataType, Field, Int64Type};
use ember_common::interval_type::IntervalType;
use ember_common::{Error, Result};
use ember_plan::interval::{interval_array, interval_overflow, interval_values};
use ember_plan::GroupsAccumulator;

use super::groups::{check_len, first_arg, for_each_row, grow};

/// The result type of `sum` (`average: false`) or `avg` over intervals of Arrow type `input`.
pub fn result_type(input: &DataType, average: bool) -> Result<DataType> {
    let t = IntervalType::default_for(input).ok_or_else(|| Error::internal(format!("interval aggregate of {input}")))?;
    Ok(if average { t.class_default().arrow_type() } else { input.clone() })
}

pub fn state_fields() -> Vec<Field> {
    vec![Field::new("sum", DataType::Int64, true), Field::new("count", DataType::Int64, false)]
}

pub fn accumulator(input: &DataType, average: bool) -> Result<Box<dyn GroupsAccumulator>> {
    let out = IntervalType::default_for(&result_type(input, average)?)
        .ok_or_else(|| Error::internal(format!("interval aggregate of {input}")))?;
    Ok(Box::new(IntervalSum { sums: vec![], counts: vec![], out, average }))
}

fn overflow() -> Error {
    interval_overflow(Some("try_add"))
}

struct IntervalSum {
    sums: Vec<i64>,
    counts: Vec<i64>,
    /// the result's type (its Arrow storage and range)
    out: IntervalType,
    average: bool,
}

impl IntervalSum {
    fn add(&mut self, g: usize, value: i64, count: i64) -> Result<()> {
        let sum = self.sums[g].checked_add(value).ok_or_else(overflow)?;
        if self.out.is_year_month() && i32::try_from(sum).is_err() {
            return Err(overflow());
        }
        self.sums[g] = sum;
        self.counts[g] += count;
        Ok(())
    }

    fn grow(&mut self, n: usize) {
        grow(&mut self.sums, n, 0);
        grow(&mut self.counts, n, 0);
    }
}

/// `a / b` rounded half up (away from zero at .5), as Spark divides intervals.
fn div_half_up(a: i64, b: i64) -> i64 {
    let (q, r) = (a / b, a % b);
    if 2 * (r as i128).abs() >= (b as i128).abs() {
        q + if (a < 0) != (b < 0) { -1 } else { 1 }
    } else {
        q
    }
}

impl GroupsAccumulator for IntervalSum {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.grow(n);
        let a = first_arg(values, "sum")?;
        check_len(a.as_ref(), gi)?;
        let v = interval_values(a.as_ref()).ok_or_else(|| Error::internal("interval sum of a non-interval"))?;
        for_each_row(gi, a.logical_nulls().as_ref(), f, n, |r, g| match v[r] {
            Some(x) => self.add(g, x, 1),
            None => Ok(()),
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.grow(n);
        let (Some(s), Some(c)) = (states.first(), states.get(1)) else {
            return Err(Error::internal("interval sum: expected 2 state arrays"));
        };
        check_len(s.as_ref(), gi)?;
        let s = s.as_primitive_opt::<Int64Type>().ok_or_else(|| Error::internal("interval sum: sum state is not bigint"))?;
        let c = c.as_primitive_opt::<Int64Type>().ok_or_else(|| Error::internal("interval sum: count state is not bigint"))?;
        for_each_row(gi, s.logical_nulls().as_ref(), None, n, |r, g| self.add(g, s.value(r), c.value(r)))
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let sums = std::mem::take(&mut self.sums);
        let counts = std::mem::take(&mut self.counts);
        let average = self.average;
        let values = sums.iter().zip(&counts).map(|(s, c)| (*c > 0).then(|| if average { div_half_up(*s, *c) } else { *s })).collect();
        interval_array(values, self.out)
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let counts = std::mem::take(&mut self.counts);
        let sums: Int64Array = std::mem::take(&mut self.sums).into_iter().zip(&counts).map(|(s, c)| (*c > 0).then_some(s)).collect();
        Ok(vec![Arc::new(sums), Arc::new(Int64Array::from(counts))])
    }

    fn size(&self) -> usize {
        self.sums.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_plan::interval::{YEAR_MONTH, DAY, DAY_TIME};

    fn run(input: &DataType, average: bool, values: Vec<Option<i64>>) -> Result<Vec<Option<i64>>> {
        let t = IntervalType::default_for(input).unwrap();
        let a = interval_array(values, t)?;
        let mut acc = accumulator(input, average)?;
        let n = a.len();
        acc.update_batch(&[a], &vec![0; n], None, 1)?;
        // a second partial state merged in
        let state = acc.state()?;
        let mut merged = accumulator(input, average)?;
        merged.merge_batch(&state, &[0], 1)?;
        Ok(interval_values(merged.evaluate()?.as_ref()).unwrap())
    }

    #[test]
    fn sums_keep_the_type_averages_round_half_up() {
        assert_eq!(run(&YEAR_MONTH, false, vec![Some(1), Some(2), Some(2), None]).unwrap(), vec![Some(5)]);
        assert_eq!(run(&YEAR_MONTH, true, vec![Some(1), Some(2), Some(2)]).unwrap(), vec![Some(2)]);
        let day = 86_400_000_000;
        assert_eq!(result_type(&DAY, true).unwrap(), DAY_TIME);
        assert_eq!(run(&DAY, true, vec![Some(day), Some(2 * day)]).unwrap(), vec![Some(day * 3 / 2)]);
        assert_eq!(run(&DAY_TIME, false, vec![None]).unwrap(), vec![None]);
        let e = run(&YEAR_MONTH, false, vec![Some(i32::MAX as i64), Some(1)]).unwrap_err();
        assert_eq!(e.class(), "INTERVAL_ARITHMETIC_OVERFLOW.WITH_SUGGESTION");
    }
}
