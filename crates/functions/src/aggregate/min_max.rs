//! `min(x)` and `max(x)` over any orderable type: typed paths for numbers, dates,
//! timestamps and decimals; strings, booleans, binaries and nested values compare
//! through arrow-row encodings. NULL without input. State: the partial min/max.

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, ArrowPrimitiveType, AsArray, BooleanArray, PrimitiveArray};
use arrow::datatypes::*;
use arrow_row::{OwnedRow, RowConverter, SortField};
use ember_common::{Error, Result};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow, validity};
use crate::scalar::utils::{check_arity, unexpected_type};

#[derive(Debug)]
pub struct MinMax {
    is_max: bool,
}

impl MinMax {
    pub fn min() -> Self {
        MinMax { is_max: false }
    }

    pub fn max() -> Self {
        MinMax { is_max: true }
    }
}

fn orderable(dt: &DataType) -> bool {
    match dt {
        DataType::Map(_, _) => false,
        DataType::List(f) | DataType::LargeList(f) => orderable(f.data_type()),
        DataType::Struct(fs) => fs.iter().all(|f| orderable(f.data_type())),
        _ => true,
    }
}

/// Spark's ordering of doubles: NaN is above everything, -0.0 equals 0.0.
fn float_cmp<F: num_float::Float>(a: &F, b: &F) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

mod num_float {
    pub trait Float: PartialOrd {
        fn is_nan(&self) -> bool;
    }
    impl Float for f32 {
        fn is_nan(&self) -> bool {
            f32::is_nan(*self)
        }
    }
    impl Float for f64 {
        fn is_nan(&self) -> bool {
            f64::is_nan(*self)
        }
    }
}

impl AggregateFunctionImpl for MinMax {
    fn name(&self) -> &str {
        if self.is_max {
            "max"
        } else {
            "min"
        }
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        if !orderable(&t[0]) {
            return Err(unexpected_type(self.name(), 1, "orderable", &t[0]));
        }
        Ok(t.to_vec())
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity(self.name(), t.len(), 1, 1)?;
        Ok(t[0].clone())
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new(self.name(), self.return_type(t)?, true)])
    }

    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        check_arity(self.name(), t.len(), 1, 1)?;
        let dt = t[0].clone();
        let is_max = self.is_max;
        fn prim<T: ArrowPrimitiveType>(dt: DataType, is_max: bool, cmp: fn(&T::Native, &T::Native) -> Ordering) -> Box<dyn GroupsAccumulator> {
            Box::new(PrimitiveMinMax::<T> { values: vec![], seen: vec![], is_max, data_type: dt, cmp })
        }
        Ok(match &dt {
            DataType::Int8 => prim::<Int8Type>(dt, is_max, Ord::cmp),
            DataType::Int16 => prim::<Int16Type>(dt, is_max, Ord::cmp),
            DataType::Int32 => prim::<Int32Type>(dt, is_max, Ord::cmp),
            DataType::Int64 => prim::<Int64Type>(dt, is_max, Ord::cmp),
            DataType::Date32 => prim::<Date32Type>(dt, is_max, Ord::cmp),
            DataType::Decimal128(_, _) => prim::<Decimal128Type>(dt, is_max, Ord::cmp),
            DataType::Timestamp(TimeUnit::Microsecond, _) => prim::<TimestampMicrosecondType>(dt, is_max, Ord::cmp),
            DataType::Timestamp(TimeUnit::Millisecond, _) => prim::<TimestampMillisecondType>(dt, is_max, Ord::cmp),
            DataType::Timestamp(TimeUnit::Second, _) => prim::<TimestampSecondType>(dt, is_max, Ord::cmp),
            DataType::Timestamp(TimeUnit::Nanosecond, _) => prim::<TimestampNanosecondType>(dt, is_max, Ord::cmp),
            DataType::Float32 => prim::<Float32Type>(dt, is_max, float_cmp),
            DataType::Float64 => prim::<Float64Type>(dt, is_max, float_cmp),
            DataType::Null => Box::new(NullMinMax { groups: 0 }),
            _ => {
                let converter = RowConverter::new(vec![SortField::new(dt.clone())])?;
                let null_row = converter.convert_columns(&[new_null_array(&dt, 1)])?.row(0).owned();
                Box::new(RowMinMax { converter, values: vec![], null_row, is_max })
            }
        })
    }
}

struct PrimitiveMinMax<T: ArrowPrimitiveType> {
    values: Vec<T::Native>,
    seen: Vec<bool>,
    is_max: bool,
    data_type: DataType,
    cmp: fn(&T::Native, &T::Native) -> Ordering,
}

impl<T: ArrowPrimitiveType> GroupsAccumulator for PrimitiveMinMax<T> {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.values, n, T::Native::default());
        grow(&mut self.seen, n, false);
        let a = first_arg(values, "min/max")?;
        check_len(a.as_ref(), gi)?;
        let a = a.as_primitive_opt::<T>().ok_or_else(|| Error::internal(format!("min/max: unexpected input {}", a.data_type())))?;
        let want = if self.is_max { Ordering::Greater } else { Ordering::Less };
        let (vals, seen, cmp) = (&mut self.values, &mut self.seen, self.cmp);
        for_each_row(gi, a.nulls(), f, n, |r, g| {
            let v = a.value(r);
            if !seen[g] || cmp(&v, &vals[g]) == want {
                vals[g] = v;
                seen[g] = true;
            }
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.update_batch(states, gi, None, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let nulls = validity(std::mem::take(&mut self.seen));
        let out = PrimitiveArray::<T>::new(std::mem::take(&mut self.values).into(), nulls).with_data_type(self.data_type.clone());
        Ok(Arc::new(out))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate()?])
    }

    fn size(&self) -> usize {
        self.values.capacity() * (std::mem::size_of::<T::Native>() + 1)
    }
}

/// Any other orderable type, compared by its arrow-row encoding.
struct RowMinMax {
    converter: RowConverter,
    values: Vec<Option<OwnedRow>>,
    null_row: OwnedRow,
    is_max: bool,
}

impl GroupsAccumulator for RowMinMax {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.values, n, None);
        let a = first_arg(values, "min/max")?;
        check_len(a.as_ref(), gi)?;
        let rows = self.converter.convert_columns(std::slice::from_ref(a))?;
        let want = if self.is_max { Ordering::Greater } else { Ordering::Less };
        let vals = &mut self.values;
        for_each_row(gi, a.logical_nulls().as_ref(), f, n, |r, g| {
            let row = rows.row(r);
            let better = match &vals[g] {
                None => true,
                Some(cur) => row.cmp(&cur.row()) == want,
            };
            if better {
                vals[g] = Some(row.owned());
            }
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.update_batch(states, gi, None, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let vals = std::mem::take(&mut self.values);
        let rows = vals.iter().map(|v| v.as_ref().unwrap_or(&self.null_row).row());
        let mut cols = self.converter.convert_rows(rows)?;
        cols.pop().ok_or_else(|| Error::internal("min/max: no column decoded"))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate()?])
    }

    fn size(&self) -> usize {
        self.values.iter().map(|v| v.as_ref().map(|r| r.row().as_ref().len()).unwrap_or(0) + 32).sum()
    }
}

/// min/max of the NULL type: NULL for every group.
struct NullMinMax {
    groups: usize,
}

impl GroupsAccumulator for NullMinMax {
    fn update_batch(&mut self, _: &[ArrayRef], _: &[usize], _: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.groups = self.groups.max(n);
        Ok(())
    }

    fn merge_batch(&mut self, _: &[ArrayRef], _: &[usize], n: usize) -> Result<()> {
        self.groups = self.groups.max(n);
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        Ok(new_null_array(&DataType::Null, std::mem::take(&mut self.groups)))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate()?])
    }

    fn size(&self) -> usize {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn numbers() {
        let v = i32s(&[Some(3), None, Some(-1), Some(7)]);
        insta::assert_snapshot!(one_batch(&MinMax::min(), vec![v.clone()], &[0, 0, 0, 1], 3, &ctx()).unwrap(), @"[-1, 7, NULL]");
        insta::assert_snapshot!(one_batch(&MinMax::max(), vec![v], &[0, 0, 0, 1], 3, &ctx()).unwrap(), @"[3, 7, NULL]");
    }

    #[test]
    fn nan_is_largest() {
        let v = f64s(&[Some(1.0), Some(f64::NAN), Some(-5.0)]);
        insta::assert_snapshot!(one_batch(&MinMax::max(), vec![v.clone()], &[0, 0, 0], 1, &ctx()).unwrap(), @"[NaN]");
        insta::assert_snapshot!(one_batch(&MinMax::min(), vec![v], &[0, 0, 0], 1, &ctx()).unwrap(), @"[-5.0]");
    }

    #[test]
    fn strings_with_filter_and_batches() {
        let mut acc = MinMax::max().create_accumulator(&[DataType::Utf8], &ctx()).unwrap();
        acc.update_batch(&[strs(&[Some("b"), Some("z"), None])], &[0, 0, 1], Some(&BooleanArray::from(vec![true, false, true])), 2).unwrap();
        acc.update_batch(&[strs(&[Some("c"), Some("a")])], &[0, 1], None, 3).unwrap();
        insta::assert_snapshot!(render(&acc.evaluate().unwrap()), @"[c, a, NULL]");
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Utf8];
        let out = two_phase(&MinMax::min(), &t, &ctx(), vec![strs(&[Some("m"), Some("x")])], vec![strs(&[Some("a"), Some("y")])]);
        insta::assert_snapshot!(out, @"[a, x]");
        let t = [DataType::Decimal128(5, 2)];
        let out = two_phase(&MinMax::max(), &t, &ctx(), vec![decs(&[Some(100), None], 5, 2)], vec![decs(&[Some(250)], 5, 2)]);
        insta::assert_snapshot!(out, @"[2.50, NULL]");
    }

    #[test]
    fn booleans_dates_and_timestamps() {
        let b: ArrayRef = Arc::new(BooleanArray::from(vec![Some(false), Some(true), None]));
        insta::assert_snapshot!(one_batch(&MinMax::max(), vec![b.clone()], &[0, 0, 0], 1, &ctx()).unwrap(), @"[true]");
        insta::assert_snapshot!(one_batch(&MinMax::min(), vec![b], &[0, 0, 0], 1, &ctx()).unwrap(), @"[false]");
        let d: ArrayRef = Arc::new(arrow::array::Date32Array::from(vec![Some(10), Some(0)]));
        insta::assert_snapshot!(one_batch(&MinMax::min(), vec![d], &[0, 0], 1, &ctx()).unwrap(), @"[1970-01-01]");
        let ts: ArrayRef = Arc::new(arrow::array::TimestampMicrosecondArray::from(vec![Some(1), Some(2)]).with_timezone("UTC"));
        let out = one_batch(&MinMax::max(), vec![ts], &[0, 0], 1, &ctx()).unwrap();
        insta::assert_snapshot!(out, @"[1970-01-01T00:00:00.000002Z]");
    }

    #[test]
    fn maps_are_not_orderable() {
        let m = DataType::Map(Arc::new(Field::new("entries", DataType::Struct(vec![Field::new("k", DataType::Utf8, false), Field::new("v", DataType::Utf8, true)].into()), false)), false);
        assert!(MinMax::min().coerce_types(&[m]).is_err());
    }
}
