//! `sum(x)`: integral → bigint, floating → double, decimal(p,s) → decimal(min(38,p+10),s),
//! an ANSI interval → the same interval type (`interval_sum.rs`); NULL without input. Overflow: ANSI errors; otherwise bigint wraps (as Java) and a
//! decimal sum becomes NULL. State: `sum` (+ `isEmpty` for decimals, as Spark).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float64Array, Int64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Field, Float64Type, Int64Type};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{bounded_decimal, is_integral, is_string};
use ember_plan::interval::is_interval;
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::decimal::{fits, sum_overflow};
use super::groups::{check_len, first_arg, for_each_row, grow, validity};
use crate::scalar::utils::{check_arity, unexpected_type};

/// How a numeric aggregate input is accumulated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumKind {
    Int,
    Float,
    /// input precision and scale
    Decimal(u8, i8),
}

impl NumKind {
    pub fn of(name: &str, dt: &DataType) -> Result<NumKind> {
        match dt {
            d if is_integral(d) => Ok(NumKind::Int),
            DataType::Float32 | DataType::Float64 => Ok(NumKind::Float),
            DataType::Decimal128(p, s) => Ok(NumKind::Decimal(*p, *s)),
            other => Err(unexpected_type(name, 1, "(\"NUMERIC\" or \"ANSI INTERVAL\")", other)),
        }
    }
}

/// Spark's implicit cast for numeric aggregates: NULL and strings become double.
pub fn coerce_numeric(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    check_arity(name, t.len(), 1, 1)?;
    match &t[0] {
        DataType::Null => Ok(vec![DataType::Float64]),
        d if is_string(d) => Ok(vec![DataType::Float64]),
        d if is_interval(d) => Ok(vec![d.clone()]),
        d => NumKind::of(name, d).map(|_| vec![d.clone()]),
    }
}

/// The decimal type of a sum over decimal(p, s).
pub fn sum_decimal_type(p: u8, s: i8) -> (u8, i8) {
    match bounded_decimal(p as i32 + 10, s as i32) {
        DataType::Decimal128(p, s) => (p, s),
        _ => (38, s),
    }
}

fn long_overflow() -> Error {
    Error::new(ErrorKind::ArithmeticOverflow { op: "add".into(), message: "long overflow".into() })
}

#[derive(Debug)]
pub struct Sum;

impl AggregateFunctionImpl for Sum {
    fn name(&self) -> &str {
        "sum"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        coerce_numeric("sum", t)
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity("sum", t.len(), 1, 1)?;
        if is_interval(&t[0]) {
            return super::interval_sum::result_type(&t[0], false);
        }
        Ok(match NumKind::of("sum", &t[0])? {
            NumKind::Int => DataType::Int64,
            NumKind::Float => DataType::Float64,
            NumKind::Decimal(p, s) => {
                let (p, s) = sum_decimal_type(p, s);
                DataType::Decimal128(p, s)
            }
        })
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        if t.first().is_some_and(is_interval) {
            return Ok(super::interval_sum::state_fields());
        }
        let rt = self.return_type(t)?;
        let mut fields = vec![Field::new("sum", rt.clone(), true)];
        if matches!(rt, DataType::Decimal128(_, _)) {
            fields.push(Field::new("isEmpty", DataType::Boolean, false));
        }
        Ok(fields)
    }

    fn create_accumulator(&self, t: &[DataType], ctx: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        check_arity("sum", t.len(), 1, 1)?;
        if is_interval(&t[0]) {
            return super::interval_sum::accumulator(&t[0], false);
        }
        Ok(match NumKind::of("sum", &t[0])? {
            NumKind::Int => Box::new(IntSum { sums: vec![], seen: vec![], ansi: ctx.ansi, overflowed: None }),
            NumKind::Float => Box::new(FloatSum { sums: vec![], seen: vec![] }),
            NumKind::Decimal(p, s) => {
                let (rp, _) = sum_decimal_type(p, s);
                Box::new(DecimalSum { sums: vec![], seen: vec![], overflow: vec![], precision: rp, scale: s, ansi: ctx.ansi })
            }
        })
    }
}

pub(crate) struct IntSum {
    sums: Vec<i64>,
    seen: Vec<bool>,
    ansi: bool,
    /// `try_sum`: the groups whose sum overflowed (NULL); also a second state column.
    overflowed: Option<Vec<bool>>,
}

impl IntSum {
    /// The accumulator of `try_sum` over integers: an overflow makes the group NULL.
    pub(crate) fn try_mode() -> IntSum {
        IntSum { sums: vec![], seen: vec![], ansi: true, overflowed: Some(vec![]) }
    }
}

impl IntSum {
    fn add(&mut self, a: &ArrayRef, group_indices: &[usize], opt_filter: Option<&BooleanArray>, total: usize) -> Result<()> {
        grow(&mut self.sums, total, 0);
        grow(&mut self.seen, total, false);
        check_len(a.as_ref(), group_indices)?;
        let a = cast(a, &DataType::Int64)?;
        let a = a.as_primitive::<Int64Type>();
        if let Some(o) = &mut self.overflowed {
            grow(o, total, false);
        }
        let (sums, seen, ansi, mut overflowed) = (&mut self.sums, &mut self.seen, self.ansi, self.overflowed.as_mut());
        for_each_row(group_indices, a.logical_nulls().as_ref(), opt_filter, total, |r, g| {
            sums[g] = match sums[g].checked_add(a.value(r)) {
                Some(v) => v,
                None if overflowed.is_some() => {
                    if let Some(o) = overflowed.as_deref_mut() {
                        o[g] = true;
                    }
                    0
                }
                None if ansi => return Err(long_overflow()),
                None => sums[g].wrapping_add(a.value(r)),
            };
            seen[g] = true;
            Ok(())
        })
    }
}

impl GroupsAccumulator for IntSum {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.add(first_arg(values, "sum")?, gi, f, n)
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.add(first_arg(states, "sum")?, gi, None, n)?;
        if let (Some(o), Some(partial)) = (&mut self.overflowed, states.get(1)) {
            check_len(partial.as_ref(), gi)?;
            let partial = partial.as_boolean();
            for (r, g) in gi.iter().enumerate() {
                o[*g] |= partial.value(r);
            }
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let mut seen = std::mem::take(&mut self.seen);
        if let Some(o) = &self.overflowed {
            seen.iter_mut().zip(o).for_each(|(s, o)| *s &= !o);
        }
        self.overflowed = self.overflowed.as_ref().map(|_| vec![]);
        Ok(Arc::new(Int64Array::new(std::mem::take(&mut self.sums).into(), validity(seen))))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        match self.overflowed.take() {
            None => Ok(vec![self.evaluate()?]),
            Some(o) => {
                let sums = Int64Array::new(std::mem::take(&mut self.sums).into(), validity(std::mem::take(&mut self.seen)));
                self.overflowed = Some(vec![]);
                Ok(vec![Arc::new(sums), Arc::new(BooleanArray::from(o))])
            }
        }
    }

    fn size(&self) -> usize {
        self.sums.capacity() * 9
    }
}

struct FloatSum {
    sums: Vec<f64>,
    seen: Vec<bool>,
}

impl FloatSum {
    fn add(&mut self, a: &ArrayRef, group_indices: &[usize], opt_filter: Option<&BooleanArray>, total: usize) -> Result<()> {
        grow(&mut self.sums, total, 0.0);
        grow(&mut self.seen, total, false);
        check_len(a.as_ref(), group_indices)?;
        let a = cast(a, &DataType::Float64)?;
        let a = a.as_primitive::<Float64Type>();
        let (sums, seen) = (&mut self.sums, &mut self.seen);
        for_each_row(group_indices, a.logical_nulls().as_ref(), opt_filter, total, |r, g| {
            sums[g] += a.value(r);
            seen[g] = true;
            Ok(())
        })
    }
}

impl GroupsAccumulator for FloatSum {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.add(first_arg(values, "sum")?, gi, f, n)
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.add(first_arg(states, "sum")?, gi, None, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let nulls = validity(std::mem::take(&mut self.seen));
        Ok(Arc::new(Float64Array::new(std::mem::take(&mut self.sums).into(), nulls)))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate()?])
    }

    fn size(&self) -> usize {
        self.sums.capacity() * 9
    }
}

struct DecimalSum {
    sums: Vec<i128>,
    /// the group saw a non-NULL input (Spark's `!isEmpty`)
    seen: Vec<bool>,
    overflow: Vec<bool>,
    precision: u8,
    scale: i8,
    ansi: bool,
}

impl DecimalSum {
    fn grow(&mut self, n: usize) {
        grow(&mut self.sums, n, 0);
        grow(&mut self.seen, n, false);
        grow(&mut self.overflow, n, false);
    }

    fn add_one(&mut self, g: usize, v: i128) -> Result<()> {
        self.seen[g] = true;
        if self.overflow[g] {
            return Ok(());
        }
        match self.sums[g].checked_add(v) {
            Some(s) if fits(s, self.precision) => self.sums[g] = s,
            _ if self.ansi => return Err(sum_overflow()),
            _ => self.overflow[g] = true,
        }
        Ok(())
    }

    fn decimals<'a>(&self, a: &'a ArrayRef) -> Result<&'a Decimal128Array> {
        match a.data_type() {
            DataType::Decimal128(_, s) if *s == self.scale => Ok(a.as_primitive::<Decimal128Type>()),
            other => Err(Error::internal(format!("sum: expected decimal with scale {}, got {other}", self.scale))),
        }
    }
}

impl GroupsAccumulator for DecimalSum {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.grow(n);
        let a = first_arg(values, "sum")?;
        check_len(a.as_ref(), gi)?;
        let a = self.decimals(a)?.clone();
        if a.null_count() == 0 && f.is_none() && gi.iter().all(|&g| g < n) {
            // The common case in a tight loop: no NULLs, no FILTER.
            let limit = crate::aggregate::decimal::pow10(self.precision.min(38) as u32).unsigned_abs();
            for (&g, &v) in gi.iter().zip(a.values().iter()) {
                self.seen[g] = true;
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
        for_each_row(gi, a.nulls(), f, n, |r, g| self.add_one(g, a.value(r)))
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.grow(n);
        let (Some(sums), Some(empty)) = (states.first(), states.get(1)) else {
            return Err(Error::internal("sum: expected 2 state arrays"));
        };
        check_len(sums.as_ref(), gi)?;
        check_len(empty.as_ref(), gi)?;
        let sums = self.decimals(sums)?.clone();
        let empty = empty.as_boolean_opt().ok_or_else(|| Error::internal("sum: isEmpty is not boolean"))?.clone();
        for_each_row(gi, None, None, n, |r, g| {
            if empty.is_valid(r) && empty.value(r) {
                return Ok(());
            }
            if sums.is_null(r) {
                // the partial sum overflowed
                if self.ansi {
                    return Err(sum_overflow());
                }
                self.seen[g] = true;
                self.overflow[g] = true;
                return Ok(());
            }
            self.add_one(g, sums.value(r))
        })
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let valid: Vec<bool> = self.seen.iter().zip(&self.overflow).map(|(s, o)| *s && !*o).collect();
        self.seen.clear();
        self.overflow.clear();
        let out = Decimal128Array::new(std::mem::take(&mut self.sums).into(), validity(valid));
        Ok(Arc::new(out.with_precision_and_scale(self.precision, self.scale)?))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let is_empty = BooleanArray::from(self.seen.iter().map(|s| !*s).collect::<Vec<_>>());
        // an empty group keeps sum = 0 (valid); an overflowed one has sum NULL
        let valid: Vec<bool> = self.overflow.iter().map(|o| !*o).collect();
        self.seen.clear();
        self.overflow.clear();
        let sums = Decimal128Array::new(std::mem::take(&mut self.sums).into(), validity(valid))
            .with_precision_and_scale(self.precision, self.scale)?;
        Ok(vec![Arc::new(sums), Arc::new(is_empty)])
    }

    fn size(&self) -> usize {
        self.sums.capacity() * 18
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn types() {
        assert_eq!(Sum.return_type(&[DataType::Int8]).unwrap(), DataType::Int64);
        assert_eq!(Sum.return_type(&[DataType::Float32]).unwrap(), DataType::Float64);
        assert_eq!(Sum.return_type(&[DataType::Decimal128(10, 2)]).unwrap(), DataType::Decimal128(20, 2));
        assert_eq!(Sum.return_type(&[DataType::Decimal128(30, 2)]).unwrap(), DataType::Decimal128(38, 2));
        assert_eq!(Sum.coerce_types(&[DataType::Utf8]).unwrap(), vec![DataType::Float64]);
        assert_eq!(Sum.coerce_types(&[DataType::Boolean]).unwrap_err().class(), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
        assert_eq!(Sum.coerce_types(&[]).unwrap_err().class(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
    }

    #[test]
    fn sums_ints_with_nulls_and_filter() {
        let mut acc = Sum.create_accumulator(&[DataType::Int32], &ctx()).unwrap();
        acc.update_batch(&[i32s(&[Some(1), None, Some(3)])], &[0, 1, 0], None, 3).unwrap();
        let filter = BooleanArray::from(vec![Some(true), Some(false), None]);
        acc.update_batch(&[i32s(&[Some(10), Some(100), Some(1000)])], &[0, 0, 1], Some(&filter), 3).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[14, NULL, NULL]");
    }

    #[test]
    fn empty_input_is_null() {
        insta::assert_snapshot!(one_batch(&Sum, vec![f64s(&[])], &[], 2, &ctx()).unwrap(), @"[NULL, NULL]");
    }

    #[test]
    fn long_overflow_ansi_and_legacy() {
        let big = i64s(&[Some(i64::MAX), Some(1)]);
        let e = one_batch(&Sum, vec![big.clone()], &[0, 0], 1, &ctx()).unwrap_err();
        assert_eq!(e.class(), "ARITHMETIC_OVERFLOW");
        insta::assert_snapshot!(one_batch(&Sum, vec![big], &[0, 0], 1, &legacy()).unwrap(), @"[-9223372036854775808]");
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Int32];
        insta::assert_snapshot!(two_phase(&Sum, &t, &ctx(), vec![i32s(&[Some(1), Some(2), Some(3)])], vec![i32s(&[Some(10), None])]), @"[14, 2]");
        let t = [DataType::Float64];
        insta::assert_snapshot!(two_phase(&Sum, &t, &ctx(), vec![f64s(&[Some(0.5)])], vec![f64s(&[Some(1.0)])]), @"[1.5, NULL]");
        let t = [DataType::Decimal128(5, 2)];
        let out = two_phase(&Sum, &t, &ctx(), vec![decs(&[Some(150), Some(1)], 5, 2)], vec![decs(&[Some(-50)], 5, 2)]);
        insta::assert_snapshot!(out, @"[1.00, 0.01]");
    }

    #[test]
    fn decimal_overflow() {
        let t = DataType::Decimal128(38, 0);
        let max = 10i128.pow(38) - 1;
        let big = decs(&[Some(max), Some(1), Some(5)], 38, 0);
        let e = one_batch(&Sum, vec![big.clone()], &[0, 0, 1], 2, &ctx()).unwrap_err();
        assert_eq!(e.class(), "ARITHMETIC_OVERFLOW");
        assert!(e.message().contains("try_sum"), "{e}");
        insta::assert_snapshot!(one_batch(&Sum, vec![big.clone()], &[0, 0, 1], 2, &legacy()).unwrap(), @"[NULL, 5]");
        // overflow in one partition stays NULL after the merge
        let out = two_phase(&Sum, &[t], &legacy(), vec![decs(&[Some(max), Some(1), Some(max)], 38, 0)], vec![decs(&[Some(1)], 38, 0)]);
        insta::assert_snapshot!(out, @"[NULL, 1]");
    }

    #[test]
    fn decimal_sum_beyond_result_precision_overflows() {
        // decimal(2,0) sums into decimal(12,0): 10^12 needs 13 digits
        let mut acc = Sum.create_accumulator(&[DataType::Decimal128(2, 0)], &legacy()).unwrap();
        let states: Vec<ArrayRef> = vec![decs(&[Some(999_999_999_999), Some(1)], 12, 0), Arc::new(BooleanArray::from(vec![false, false]))];
        acc.merge_batch(&states, &[0, 0], 1).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[NULL]");
    }
}
