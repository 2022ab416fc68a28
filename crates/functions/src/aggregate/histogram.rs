//! `histogram_numeric(x, nb)`: an approximate histogram of at most `nb` bins, with the
//! algorithm Spark takes from Hive (`NumericHistogram`, Ben-Haim & Tom-Tov): each value
//! joins the bin at its `x` or becomes a bin; over `nb` bins, the two closest adjacent
//! bins merge (weighted mean `x`). A partial merge adds the other's bins, sorts and trims,
//! as Hive does. Result: `array<struct<x: <input type>, y: double>>`, NULL without values.
//! State: `nb`, each bin's `x` and `y`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int32Array, ListArray, StructArray};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Fields, Float64Type, Int32Type};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::is_numeric;
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::{check_len, first_arg, for_each_row, grow};
use crate::scalar::utils::{check_arity, unexpected_type};

#[derive(Debug)]
pub struct HistogramNumeric;

fn result_type(x: &DataType) -> DataType {
    let fields = Fields::from(vec![Field::new("x", x.clone(), true), Field::new("y", DataType::Float64, true)]);
    DataType::new_list(DataType::Struct(fields), true)
}

impl AggregateFunctionImpl for HistogramNumeric {
    fn name(&self) -> &str {
        "histogram_numeric"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("histogram_numeric", t.len(), 2, 2)?;
        let x = match &t[0] {
            d if is_numeric(d) || matches!(d, DataType::Date32 | DataType::Timestamp(..)) => d.clone(),
            DataType::Null => DataType::Float64,
            d => return Err(unexpected_type("histogram_numeric", 1, "(\"NUMERIC\" or \"DATE\" or \"TIMESTAMP\")", d)),
        };
        if !ember_plan::coercion::is_integral(&t[1]) {
            return Err(unexpected_type("histogram_numeric", 2, "\"INT\"", &t[1]));
        }
        Ok(vec![x, DataType::Int32])
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(result_type(&t[0]))
    }
    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![
            Field::new("nb", DataType::Int32, true),
            Field::new("x", DataType::new_list(DataType::Float64, true), false),
            Field::new("y", DataType::new_list(DataType::Float64, true), false),
        ])
    }
    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(HistogramAccumulator { x_type: t[0].clone(), nb: None, bins: Vec::new() }))
    }
}

/// One group's bins, sorted by `x`.
type Bins = Vec<(f64, f64)>;

struct HistogramAccumulator {
    x_type: DataType,
    nb: Option<usize>,
    bins: Vec<Bins>,
}

/// Merges the closest adjacent bins until at most `nb` remain.
fn trim(bins: &mut Bins, nb: usize) {
    while bins.len() > nb {
        let mut best = 0;
        let mut smallest = f64::MAX;
        for i in 0..bins.len() - 1 {
            let d = bins[i + 1].0 - bins[i].0;
            if d < smallest {
                smallest = d;
                best = i;
            }
        }
        let (x1, y1) = bins[best];
        let (x2, y2) = bins[best + 1];
        let y = y1 + y2;
        bins[best] = ((x1 * y1 + x2 * y2) / y, y);
        bins.remove(best + 1);
    }
}

fn add(bins: &mut Bins, v: f64, nb: usize) {
    match bins.binary_search_by(|b| b.0.total_cmp(&v)) {
        Ok(i) => bins[i].1 += 1.0,
        Err(i) => {
            bins.insert(i, (v, 1.0));
            trim(bins, nb);
        }
    }
}

fn out_of_range(nb: i64) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "VALUE_OUT_OF_RANGE",
        expr: "\"histogram_numeric\"".into(),
        message: format!("The nb must be between [2, 2147483647] (current value = {nb})."),
    })
}

/// Values as doubles (dates as days, timestamps as microseconds).
fn doubles(a: &ArrayRef) -> Result<Float64Array> {
    let a = match a.data_type() {
        DataType::Date32 => cast(a, &DataType::Int32)?,
        DataType::Timestamp(..) => cast(a, &DataType::Int64)?,
        _ => a.clone(),
    };
    Ok(cast(&a, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
}

impl GroupsAccumulator for HistogramAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.bins, n, Vec::new());
        let v = first_arg(values, "histogram_numeric")?;
        check_len(v.as_ref(), gi)?;
        if let Some(b) = values.get(1).filter(|b| !b.is_empty() && b.is_valid(0)) {
            let nb = cast(b, &DataType::Int32)?.as_primitive::<Int32Type>().value(0) as i64;
            if nb < 2 {
                return Err(out_of_range(nb));
            }
            self.nb = Some(nb as usize);
        }
        let nb = self.nb.unwrap_or(2);
        let v = doubles(v)?;
        let bins = &mut self.bins;
        for_each_row(gi, v.nulls(), f, n, |r, g| {
            add(&mut bins[g], v.value(r), nb);
            Ok(())
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        grow(&mut self.bins, n, Vec::new());
        let [nb, xs, ys] = states else { return Err(Error::internal("histogram_numeric: expected 3 state arrays")) };
        let nb = nb.as_primitive::<Int32Type>();
        if let Some(r) = (0..nb.len()).find(|&r| nb.is_valid(r)) {
            self.nb = Some(nb.value(r) as usize);
        }
        let limit = self.nb.unwrap_or(2);
        let (xs, ys) = (xs.as_list::<i32>(), ys.as_list::<i32>());
        let (xv, yv) = (doubles(xs.values())?, doubles(ys.values())?);
        for (r, &g) in gi.iter().enumerate() {
            let range = xs.value_offsets()[r] as usize..xs.value_offsets()[r + 1] as usize;
            if range.is_empty() {
                continue;
            }
            let bins = self.bins.get_mut(g).ok_or_else(|| Error::internal("histogram_numeric: group out of range"))?;
            bins.extend(range.map(|j| (xv.value(j), yv.value(j))));
            bins.sort_by(|a, b| a.0.total_cmp(&b.0));
            trim(bins, limit);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let bins = std::mem::take(&mut self.bins);
        let lens: Vec<usize> = bins.iter().map(|b| b.len()).collect();
        let x = Float64Array::from_iter_values(bins.iter().flatten().map(|b| b.0));
        let y = Float64Array::from_iter_values(bins.iter().flatten().map(|b| b.1));
        let x: ArrayRef = Arc::new(x);
        let x = match &self.x_type {
            DataType::Date32 => cast(&cast(&x, &DataType::Int32)?, &DataType::Date32)?,
            t @ DataType::Timestamp(..) => cast(&cast(&x, &DataType::Int64)?, t)?,
            t => cast(&x, t)?,
        };
        let DataType::List(item) = result_type(&self.x_type) else { return Err(Error::internal("histogram type")) };
        let DataType::Struct(fields) = item.data_type() else { return Err(Error::internal("histogram type")) };
        let entries = StructArray::try_new(fields.clone(), vec![x, Arc::new(y)], None)?;
        let nulls = NullBuffer::from(lens.iter().map(|&l| l > 0).collect::<Vec<_>>());
        Ok(Arc::new(ListArray::try_new(item, OffsetBuffer::from_lengths(lens), Arc::new(entries), Some(nulls))?))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let bins = std::mem::take(&mut self.bins);
        let n = bins.len();
        let lens: Vec<usize> = bins.iter().map(|b| b.len()).collect();
        let list = |vals: Vec<f64>| -> Result<ArrayRef> {
            let field = Arc::new(Field::new_list_field(DataType::Float64, true));
            Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::from_lengths(lens.clone()), Arc::new(Float64Array::from(vals)), None)?))
        };
        let xs = list(bins.iter().flatten().map(|b| b.0).collect())?;
        let ys = list(bins.iter().flatten().map(|b| b.1).collect())?;
        let nb: ArrayRef = Arc::new(Int32Array::from(vec![self.nb.map(|v| v as i32); n]));
        Ok(vec![nb, xs, ys])
    }

    fn size(&self) -> usize {
        self.bins.iter().map(|b| b.capacity() * 16 + 24).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_the_closest_bins() {
        let mut b: Bins = Vec::new();
        for v in [1.0, 2.0, 3.0, 10.0] {
            add(&mut b, v, 2);
        }
        assert_eq!(b, vec![(2.0, 3.0), (10.0, 1.0)]);
    }
}
