//! `avg(x)` (`mean`): double for integral and floating input; decimal(p,s) →
//! decimal(min(38,p+4), min(38,s+4)), dividing as Spark does (HALF_UP); an ANSI interval
//! → the default type of its class (`interval_sum.rs`). NULL without input. State: `sum` (double, or decimal(p+10,s)) and `count` (bigint).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float64Array, Int64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Field, Float64Type, Int64Type};
use ember_common::interval_type::IntervalType;
use ember_common::{Error, Result};
use ember_plan::coercion::bounded_decimal;
use ember_plan::interval::is_interval;
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::decimal::{self, fits, sum_overflow};
use super::groups::{check_len, first_arg, for_each_row, grow, validity};
use super::sum::{coerce_numeric, sum_decimal_type, NumKind};
use crate::scalar::utils::check_arity;

#[derive(Debug)]
pub struct Avg;

fn result_decimal(p: u8, s: i8) -> (u8, i8) {
    match bounded_decimal(p as i32 + 4, s as i32 + 4) {
        DataType::Decimal128(p, s) => (p, s),
        _ => (38, s),
    }
}

impl AggregateFunctionImpl for Avg {
    fn name(&self) -> &str {
        "avg"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        coerce_numeric("avg", t)
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity("avg", t.len(), 1, 1)?;
        if is_interval(&t[0]) {
            return super::interval_sum::result_type(&t[0], true);
        }
        Ok(match NumKind::of("avg", &t[0])? {
            NumKind::Decimal(p, s) => {
                let (p, s) = result_decimal(p, s);
                DataType::Decimal128(p, s)
            }
            _ => DataType::Float64,
        })
    }

    /// The default type of the class (`avg(INTERVAL '1' HOUR)` is an `interval day to second`).
    fn result_interval_type(&self, _arg_types: &[Option<IntervalType>]) -> Option<IntervalType> {
        None
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        check_arity("avg", t.len(), 1, 1)?;
        if is_interval(&t[0]) {
            return Ok(super::interval_sum::state_fields());
        }
        let sum = match NumKind::of("avg", &t[0])? {
            NumKind::Decimal(p, s) => {
                let (p, s) = sum_decimal_type(p, s);
                DataType::Decimal128(p, s)
            }
            _ => DataType::Float64,
        };
        Ok(vec![Field::new("sum", sum, true), Field::new("count", DataType::Int64, false)])
    }

    fn create_accumulator(&self, t: &[DataType], ctx: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        check_arity("avg", t.len(), 1, 1)?;
        if is_interval(&t[0]) {
            return super::interval_sum::accumulator(&t[0], true);
        }
        Ok(match NumKind::of("avg", &t[0])? {
            NumKind::Decimal(p, s) => {
                let (sum_p, _) = sum_decimal_type(p, s);
                let (rp, rs) = result_decimal(p, s);
                Box::new(DecimalAvg { sums: vec![], counts: vec![], overflow: vec![], sum_p, s, rp, rs, ansi: ctx.ansi })
            }
            _ => Box::new(FloatAvg { sums: vec![], counts: vec![] }),
        })
    }
}

fn counts_of<'a>(a: &'a ArrayRef, gi: &[usize]) -> Result<&'a Int64Array> {
    check_len(a.as_ref(), gi)?;
    a.as_primitive_opt::<Int64Type>().ok_or_else(|| Error::internal("avg: count state is not bigint"))
}

struct FloatAvg {
    sums: Vec<f64>,
    counts: Vec<i64>,
}

impl GroupsAccumulator for FloatAvg {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0.0);
        grow(&mut self.counts, n, 0);
        let a = first_arg(values, "avg")?;
        check_len(a.as_ref(), gi)?;
        let a = cast(a, &DataType::Float64)?;
        let a = a.as_primitive::<Float64Type>();
        let (sums, counts) = (&mut self.sums, &mut self.counts);
        for_each_row(gi, a.logical_nulls().as_ref(), f, n, |r, g| {
            sums[g] += a.value(r);
            counts[g] += 1;
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0.0);
        grow(&mut self.counts, n, 0);
        let (Some(s), Some(c)) = (states.first(), states.get(1)) else {
            return Err(Error::internal("avg: expected 2 state arrays"));
        };
        check_len(s.as_ref(), gi)?;
        let s = s.as_primitive_opt::<Float64Type>().ok_or_else(|| Error::internal("avg: sum state is not double"))?;
        let c = counts_of(c, gi)?;
        let (sums, counts) = (&mut self.sums, &mut self.counts);
        for_each_row(gi, c.nulls(), None, n, |r, g| {
            if s.is_valid(r) {
                sums[g] += s.value(r);
            }
            counts[g] += c.value(r);
            Ok(())
        })
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let sums = std::mem::take(&mut self.sums);
        let counts = std::mem::take(&mut self.counts);
        let out: Float64Array = sums.iter().zip(&counts).map(|(s, c)| (*c > 0).then(|| s / *c as f64)).collect();
        Ok(Arc::new(out))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let sums = Float64Array::from(std::mem::take(&mut self.sums));
        let counts = Int64Array::from(std::mem::take(&mut self.counts));
        Ok(vec![Arc::new(sums), Arc::new(counts)])
    }

    fn size(&self) -> usize {
        self.sums.capacity() * 16
    }
}

struct DecimalAvg {
    sums: Vec<i128>,
    counts: Vec<i64>,
    overflow: Vec<bool>,
    /// precision of the running sum, decimal(min(38, p+10), s)
    sum_p: u8,
    s: i8,
    rp: u8,
    rs: i8,
    ansi: bool,
}

impl DecimalAvg {
    fn grow(&mut self, n: usize) {
        grow(&mut self.sums, n, 0);
        grow(&mut self.counts, n, 0);
        grow(&mut self.overflow, n, false);
    }

    fn add(&mut self, g: usize, v: Option<i128>, count: i64) -> Result<()> {
        self.counts[g] += count;
        if self.overflow[g] {
            return Ok(());
        }
        let next = v.and_then(|v| self.sums[g].checked_add(v)).filter(|s| fits(*s, self.sum_p));
        match next {
            Some(s) => self.sums[g] = s,
            None if self.ansi => return Err(sum_overflow()),
            None => self.overflow[g] = true,
        }
        Ok(())
    }

    fn decimals(&self, a: &ArrayRef) -> Result<Decimal128Array> {
        match a.data_type() {
            DataType::Decimal128(_, s) if *s == self.s => Ok(a.as_primitive::<Decimal128Type>().clone()),
            other => Err(Error::internal(format!("avg: expected decimal with scale {}, got {other}", self.s))),
        }
    }
}

impl GroupsAccumulator for DecimalAvg {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.grow(n);
        let a = first_arg(values, "avg")?;
        check_len(a.as_ref(), gi)?;
        let a = self.decimals(a)?;
        if a.null_count() == 0 && f.is_none() && gi.iter().all(|&g| g < n) {
            // The common case in a tight loop: no NULLs, no FILTER.
            let limit = crate::aggregate::decimal::pow10(self.sum_p.min(38) as u32).unsigned_abs();
            for (&g, &v) in gi.iter().zip(a.values().iter()) {
                self.counts[g] += 1;
                if self.overflow[g] {
                    continue;
                }
                match self.sums[g].checked_add(v) {
                    Some(s) if s.unsigned_abs() < limit => self.sums[g] = s,
                    _ if self.ansi => return Err(sum_overflow()),
                    _ => self.overflow[g] = true,
                }
            }
            return Ok(());
        }
        for_each_row(gi, a.nulls(), f, n, |r, g| self.add(g, Some(a.value(r)), 1))
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.grow(n);
        let (Some(s), Some(c)) = (states.first(), states.get(1)) else {
            return Err(Error::internal("avg: expected 2 state arrays"));
        };
        check_len(s.as_ref(), gi)?;
        let s = self.decimals(s)?;
        let c = counts_of(c, gi)?.clone();
        for_each_row(gi, c.nulls(), None, n, |r, g| {
            if c.value(r) == 0 {
                return Ok(());
            }
            // a NULL partial sum with rows behind it is an overflow
            self.add(g, s.is_valid(r).then(|| s.value(r)), c.value(r))
        })
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let mut out = Vec::with_capacity(self.sums.len());
        for g in 0..self.sums.len() {
            if self.counts[g] == 0 || self.overflow[g] {
                out.push(None);
                continue;
            }
            match decimal::avg(self.sums[g], self.counts[g], self.sum_p, self.s, self.rp, self.rs) {
                Some(v) => out.push(Some(v)),
                None if self.ansi => return Err(sum_overflow()),
                None => out.push(None),
            }
        }
        self.sums.clear();
        self.counts.clear();
        self.overflow.clear();
        Ok(Arc::new(Decimal128Array::from(out).with_precision_and_scale(self.rp, self.rs)?))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let valid: Vec<bool> = self.overflow.iter().map(|o| !*o).collect();
        self.overflow.clear();
        let sums = Decimal128Array::new(std::mem::take(&mut self.sums).into(), validity(valid))
            .with_precision_and_scale(self.sum_p, self.s)?;
        let counts = Int64Array::from(std::mem::take(&mut self.counts));
        Ok(vec![Arc::new(sums), Arc::new(counts)])
    }

    fn size(&self) -> usize {
        self.sums.capacity() * 25
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn types() {
        assert_eq!(Avg.return_type(&[DataType::Int32]).unwrap(), DataType::Float64);
        assert_eq!(Avg.return_type(&[DataType::Decimal128(10, 2)]).unwrap(), DataType::Decimal128(14, 6));
        assert_eq!(Avg.return_type(&[DataType::Decimal128(38, 36)]).unwrap(), DataType::Decimal128(38, 38));
        let f = Avg.state_fields(&[DataType::Decimal128(10, 2)]).unwrap();
        assert_eq!(f[0].data_type(), &DataType::Decimal128(20, 2));
    }

    #[test]
    fn averages() {
        insta::assert_snapshot!(one_batch(&Avg, vec![i32s(&[Some(1), Some(2), None, Some(4)])], &[0, 0, 0, 1], 3, &ctx()).unwrap(), @"[1.5, 4.0, NULL]");
    }

    #[test]
    fn filter_and_several_batches() {
        let mut acc = Avg.create_accumulator(&[DataType::Float64], &ctx()).unwrap();
        acc.update_batch(&[f64s(&[Some(1.0), Some(100.0)])], &[0, 0], Some(&BooleanArray::from(vec![true, false])), 1).unwrap();
        acc.update_batch(&[f64s(&[Some(2.0)])], &[0], None, 1).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[1.5]");
    }

    #[test]
    fn decimal_average_rounds_half_up() {
        let t = [DataType::Decimal128(10, 0)];
        let out = one_batch(&Avg, vec![decs(&[Some(1), Some(0), Some(0), Some(2), Some(0), Some(0)], 10, 0)], &[0, 0, 0, 1, 1, 1], 2, &ctx()).unwrap();
        insta::assert_snapshot!(out, @"[0.3333, 0.6667]");
        let out = two_phase(&Avg, &t, &ctx(), vec![decs(&[Some(1), Some(2), Some(3)], 10, 0)], vec![decs(&[Some(-5), None], 10, 0)]);
        insta::assert_snapshot!(out, @"[-0.3333, 2.0000]");
    }

    #[test]
    fn merges_float_partials() {
        let out = two_phase(&Avg, &[DataType::Int64], &ctx(), vec![i64s(&[Some(1), Some(2), Some(3)])], vec![i64s(&[Some(10)])]);
        insta::assert_snapshot!(out, @"[4.666666666666667, 2.0]");
    }

    #[test]
    fn decimal_sum_overflow() {
        let max = 10i128.pow(38) - 1;
        let t = decs(&[Some(max), Some(max)], 38, 0);
        assert_eq!(one_batch(&Avg, vec![t.clone()], &[0, 0], 1, &ctx()).unwrap_err().class(), "ARITHMETIC_OVERFLOW");
        insta::assert_snapshot!(one_batch(&Avg, vec![t], &[0, 0], 1, &legacy()).unwrap(), @"[NULL]");
    }
}
