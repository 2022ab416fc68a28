//! `percentile(x, p[, frequency])` (exact, interpolated between neighbours, double;
//! each value counted `frequency` times), `median(x)`
//! (`percentile(x, 0.5)`) and `percentile_approx(x, p[, accuracy])` /
//! `approx_percentile`: here computed exactly as the value Spark's summaries return
//! while they hold every value: the smallest value for `p <= 1/accuracy`, the largest
//! for `p >= 1 - 1/accuracy`, else the `ceil(p * n)`-th smallest; an element of the
//! input, of its type. `p` may be an array (the result is then an array). NULL values
//! are skipped; NULL without values. State: the values and the percentages.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, ListArray};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{cast, interleave, sort_to_indices};
use arrow::datatypes::{DataType, Field, Float64Type};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{is_integral, is_numeric, is_string};
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::first_arg;
use super::value_lists::ValueLists;
use crate::scalar::utils::{check_arity, unexpected_type};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PercentileKind {
    Exact,
    Median,
    Approx,
    /// `percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC])`: arguments `x, p, descending`
    Cont,
    /// `percentile_disc(p) WITHIN GROUP (ORDER BY x [DESC])`: the value at the floor of
    /// the position instead of an interpolation
    Disc,
}

#[derive(Debug)]
pub struct Percentile {
    kind: PercentileKind,
}

impl Percentile {
    pub fn new(kind: PercentileKind) -> Self {
        Percentile { kind }
    }

    fn percentages_type(t: &[DataType]) -> DataType {
        t.get(1).cloned().unwrap_or(DataType::Float64)
    }
}

const DEFAULT_ACCURACY: i64 = 10000;

impl AggregateFunctionImpl for Percentile {
    fn name(&self) -> &str {
        match self.kind {
            PercentileKind::Exact => "percentile",
            PercentileKind::Median => "median",
            PercentileKind::Approx => "percentile_approx",
            PercentileKind::Cont => "percentile_cont",
            PercentileKind::Disc => "percentile_disc",
        }
    }

    fn display_call(&self, args: &[String]) -> Option<String> {
        if !matches!(self.kind, PercentileKind::Cont | PercentileKind::Disc) {
            return None;
        }
        let desc = if args.get(2).is_some_and(|a| a == "true") { " DESC" } else { "" };
        Some(format!("{}({}) WITHIN GROUP (ORDER BY {}{desc})", self.name(), args.get(1)?, args.first()?))
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let name = self.name();
        match self.kind {
            PercentileKind::Median => check_arity(name, t.len(), 1, 1)?,
            PercentileKind::Exact => check_arity(name, t.len(), 2, 3)?,
            PercentileKind::Approx => check_arity(name, t.len(), 2, 3)?,
            PercentileKind::Cont | PercentileKind::Disc => check_arity(name, t.len(), 3, 3)?,
        }
        let value = match (&t[0], self.kind) {
            // Spark casts strings to DOUBLE, as for its other numeric aggregates.
            (d, _) if *d == DataType::Null || is_string(d) => DataType::Float64,
            (d, PercentileKind::Approx) if is_numeric(d) || matches!(d, DataType::Date32 | DataType::Timestamp(_, _)) => d.clone(),
            (d, _) if is_numeric(d) => DataType::Float64,
            (d, _) => return Err(unexpected_type(name, 1, "\"NUMERIC\"", d)),
        };
        let mut out = vec![value];
        if let Some(p) = t.get(1) {
            out.push(match p {
                DataType::List(f) if is_numeric(f.data_type()) || f.data_type() == &DataType::Null => ValueLists::list_type(&DataType::Float64),
                d if is_numeric(d) || is_string(d) => DataType::Float64,
                d => return Err(unexpected_type(name, 2, "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")", d)),
            });
        }
        if matches!(self.kind, PercentileKind::Cont | PercentileKind::Disc) {
            out.push(DataType::Boolean);
            return Ok(out);
        }
        if let Some(a) = t.get(2) {
            if !is_integral(a) {
                let wanted = if self.kind == PercentileKind::Exact { "\"BIGINT\"" } else { "\"INT\"" };
                return Err(unexpected_type(name, 3, wanted, a));
            }
            out.push(DataType::Int64);
        }
        Ok(out)
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        let value = t.first().ok_or_else(|| Error::internal("percentile: no argument type"))?;
        let elem = if self.kind == PercentileKind::Approx { value.clone() } else { DataType::Float64 };
        Ok(match Self::percentages_type(t) {
            DataType::List(_) => ValueLists::list_type(&elem),
            _ => elem,
        })
    }

    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        let value = t.first().ok_or_else(|| Error::internal("percentile: no argument type"))?;
        Ok(vec![
            Field::new("values", ValueLists::list_type(value), false),
            Field::new("percentages", ValueLists::list_type(&DataType::Float64), true),
            Field::new("accuracy", DataType::Int64, true),
        ])
    }

    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        let value = t.first().ok_or_else(|| Error::internal("percentile: no argument type"))?;
        Ok(Box::new(PercentileAccumulator {
            kind: self.kind,
            value_type: value.clone(),
            array_result: matches!(Self::percentages_type(t), DataType::List(_)),
            lists: ValueLists::new(value.clone()),
            percentages: None,
            accuracy: DEFAULT_ACCURACY,
            groups: 0,
            descending: false,
        }))
    }
}

struct PercentileAccumulator {
    kind: PercentileKind,
    value_type: DataType,
    array_result: bool,
    lists: ValueLists,
    /// The (constant) percentages, once seen.
    percentages: Option<Vec<f64>>,
    accuracy: i64,
    groups: usize,
    /// `ORDER BY … DESC` of `percentile_cont` / `percentile_disc` (kept in the state's
    /// accuracy field, which they do not use)
    descending: bool,
}

fn out_of_range(what: &str, range: &str, value: String) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "VALUE_OUT_OF_RANGE",
        expr: format!("\"{what}\""),
        message: format!("The `{what}` must be between {range} (current value = {value})."),
    })
}

/// `percentile`'s frequency argument as repeat counts (NULL: the row is skipped).
fn frequencies(a: &ArrayRef) -> Result<Vec<u64>> {
    let a = cast(a, &DataType::Int64)?;
    let a = a.as_primitive::<arrow::datatypes::Int64Type>();
    a.iter()
        .map(|v| match v {
            None => Ok(0),
            Some(x) if x >= 0 => Ok(x as u64),
            // Spark names the bound frequency column, `boundreference()`.
            Some(x) => Err(Error::new(ErrorKind::Other {
                class: "NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION".into(),
                sqlstate: Some("22003".into()),
                message: format!("Found the negative value in \"boundreference()\": {x}L, but expected a positive integral value."),
            })),
        })
        .collect()
}

/// The percentages given by argument `p` (its first row; it is a constant).
fn read_percentages(p: &ArrayRef) -> Result<Option<Vec<f64>>> {
    if p.is_empty() || p.is_null(0) {
        return Ok(None);
    }
    let values: Vec<Option<f64>> = match p.data_type() {
        DataType::List(_) => {
            let l = p.as_list::<i32>().value(0);
            cast(&l, &DataType::Float64)?.as_primitive::<Float64Type>().iter().collect()
        }
        _ => vec![Some(cast(p, &DataType::Float64)?.as_primitive::<Float64Type>().value(0))],
    };
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        match v {
            Some(x) if (0.0..=1.0).contains(&x) => out.push(x),
            Some(x) => return Err(out_of_range("percentage", "[0.0, 1.0]", x.to_string())),
            None => return Err(out_of_range("percentage", "[0.0, 1.0]", "NULL".into())),
        }
    }
    Ok(Some(out))
}

impl PercentileAccumulator {
    fn note_accuracy(&mut self, a: Option<&ArrayRef>) -> Result<()> {
        if let Some(a) = a {
            if !a.is_empty() && a.is_valid(0) {
                let v = cast(a, &DataType::Int64)?.as_primitive::<arrow::datatypes::Int64Type>().value(0);
                if v <= 0 || v > i32::MAX as i64 {
                    return Err(out_of_range("accuracy", &format!("(0, {}]", i32::MAX), v.to_string()));
                }
                self.accuracy = v;
            }
        }
        Ok(())
    }

    /// The result for one group's values (sorted ascending) at percentage `p`: an index
    /// into them, or for exact percentiles the two neighbours and the weight of the upper.
    fn pick(&self, n: usize, p: f64) -> (usize, usize, f64) {
        if self.kind == PercentileKind::Approx {
            let rel = 1.0 / self.accuracy as f64;
            let i = if p <= rel {
                0
            } else if p >= 1.0 - rel {
                n - 1
            } else {
                ((p * n as f64).ceil() as usize).clamp(1, n) - 1
            };
            return (i, i, 0.0);
        }
        let pos = p * (n - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        // positions count from the other end when ordered descending
        let at = |i: usize| if self.descending { n - 1 - i } else { i };
        if self.kind == PercentileKind::Disc {
            return (at(lo), at(lo), 0.0);
        }
        (at(lo), at(hi), pos - lo as f64)
    }
}

impl GroupsAccumulator for PercentileAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.groups = self.groups.max(n);
        let p = match (self.kind, values.get(1)) {
            (PercentileKind::Median, _) => Some(vec![0.5]),
            (_, Some(p)) => read_percentages(p)?,
            (_, None) => return Err(Error::internal("percentile: no percentage argument")),
        };
        if p.is_some() {
            self.percentages = p;
        }
        let v = first_arg(values, "percentile")?;
        if matches!(self.kind, PercentileKind::Cont | PercentileKind::Disc) {
            if let Some(d) = values.get(2).filter(|d| !d.is_empty() && d.is_valid(0)) {
                self.descending = d.as_boolean_opt().is_some_and(|b| b.value(0));
            }
            return self.lists.add(v, gi, f, n);
        }
        if self.kind != PercentileKind::Exact {
            self.note_accuracy(values.get(2))?;
            return self.lists.add(v, gi, f, n);
        }
        let times = values.get(2).map(frequencies).transpose()?;
        self.lists.add_repeated(v, times.as_deref(), gi, f, n)
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.groups = self.groups.max(n);
        let [vals, percentages, accuracy] = states else {
            return Err(Error::internal("percentile: expected 3 state arrays"));
        };
        let pl = percentages.as_list_opt::<i32>().ok_or_else(|| Error::internal("percentile: percentages are not a list"))?;
        if let Some(r) = (0..pl.len()).find(|&r| pl.is_valid(r)) {
            let p = pl.value(r);
            self.percentages = Some(p.as_primitive::<Float64Type>().values().to_vec());
            let acc = accuracy.as_primitive::<arrow::datatypes::Int64Type>();
            if acc.is_valid(r) {
                self.accuracy = acc.value(r);
                self.descending = self.accuracy == 1 && matches!(self.kind, PercentileKind::Cont | PercentileKind::Disc);
            }
        }
        self.lists.merge(vals, gi, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let (values, offsets) = self.lists.take(false)?;
        let groups = offsets.len() - 1;
        // Without percentages no group has values: one placeholder gives NULL for each.
        let ps = self.percentages.clone().unwrap_or_else(|| vec![0.0]);
        let doubles = if self.kind == PercentileKind::Approx { None } else { Some(cast(&values, &DataType::Float64)?) };
        // For every group and percentage: the chosen element (approx) or the value.
        let mut picks: Vec<Option<usize>> = Vec::new();
        let mut exact: Vec<Option<f64>> = Vec::new();
        for g in 0..groups {
            let (start, len) = (offsets[g], offsets[g + 1] - offsets[g]);
            if len == 0 {
                for _ in &ps {
                    picks.push(None);
                    exact.push(None);
                }
                continue;
            }
            let slice = values.slice(start, len);
            let order = sort_to_indices(&slice, None, None)?;
            for &p in &ps {
                let (lo, hi, w) = self.pick(len, p);
                let (lo, hi) = (order.value(lo) as usize, order.value(hi) as usize);
                picks.push(Some(start + lo));
                exact.push(doubles.as_ref().map(|d| {
                    let d = d.as_primitive::<Float64Type>();
                    let (a, b) = (d.value(start + lo), d.value(start + hi));
                    if w == 0.0 {
                        a
                    } else {
                        a + (b - a) * w
                    }
                }));
            }
        }
        let flat: ArrayRef = if self.kind == PercentileKind::Approx {
            let mut sources: Vec<&dyn Array> = vec![values.as_ref()];
            let null = arrow::array::new_null_array(&self.value_type, 1);
            sources.push(null.as_ref());
            let idx: Vec<(usize, usize)> = picks.iter().map(|p| p.map(|i| (0, i)).unwrap_or((1, 0))).collect();
            if idx.is_empty() {
                arrow::array::new_empty_array(&self.value_type)
            } else {
                interleave(&sources, &idx)?
            }
        } else {
            Arc::new(Float64Array::from(exact))
        };
        self.groups = 0;
        if !self.array_result {
            return Ok(flat);
        }
        // One list per group; NULL for groups without values.
        let k = ps.len();
        let valid: Vec<bool> = (0..groups).map(|g| offsets[g + 1] > offsets[g]).collect();
        let offs = OffsetBuffer::new((0..=groups).map(|g| (g * k) as i32).collect::<Vec<_>>().into());
        let field = Arc::new(Field::new_list_field(flat.data_type().clone(), true));
        Ok(Arc::new(ListArray::try_new(field, offs, flat, Some(NullBuffer::from(valid)))?))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let n = self.groups;
        let lists = self.lists.take_lists(false)?;
        let ps = self.percentages.clone();
        let field = Arc::new(Field::new_list_field(DataType::Float64, true));
        let p_values: Vec<f64> = (0..n).flat_map(|_| ps.clone().unwrap_or_default()).collect();
        let k = ps.as_ref().map(|p| p.len()).unwrap_or(0);
        let offs = OffsetBuffer::new((0..=n).map(|g| (g * k) as i32).collect::<Vec<_>>().into());
        let nulls = ps.is_none().then(|| NullBuffer::new_null(n));
        let percentages = ListArray::try_new(field, offs, Arc::new(Float64Array::from(p_values)), nulls)?;
        let accuracy = match self.kind {
            PercentileKind::Cont | PercentileKind::Disc => self.descending as i64,
            _ => self.accuracy,
        };
        let accuracy = arrow::array::Int64Array::from(vec![accuracy; n]);
        self.groups = 0;
        Ok(vec![lists, Arc::new(percentages), Arc::new(accuracy)])
    }

    fn size(&self) -> usize {
        self.lists.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    fn p(v: f64, n: usize) -> ArrayRef {
        f64s(&vec![Some(v); n])
    }

    #[test]
    fn exact_and_approx() {
        let v = i32s(&[Some(0), Some(10), Some(6), Some(7), None, Some(9)]);
        let g = [0, 0, 0, 0, 0, 1];
        let n = 6;
        let exact = Percentile::new(PercentileKind::Exact);
        let args = |x: f64| vec![cast(&v, &DataType::Float64).unwrap(), p(x, n)];
        insta::assert_snapshot!(one_batch(&exact, args(0.5), &g, 3, &ctx()).unwrap(), @"[6.5, 9.0, NULL]");
        insta::assert_snapshot!(one_batch(&exact, args(0.25), &g, 3, &ctx()).unwrap(), @"[4.5, 9.0, NULL]");
        let approx = Percentile::new(PercentileKind::Approx);
        insta::assert_snapshot!(one_batch(&approx, vec![v.clone(), p(0.5, n)], &g, 3, &ctx()).unwrap(), @"[6, 9, NULL]");
        insta::assert_snapshot!(one_batch(&approx, vec![v.clone(), p(0.0, n)], &g, 3, &ctx()).unwrap(), @"[0, 9, NULL]");
        assert!(one_batch(&approx, vec![v, p(1.5, n)], &g, 3, &ctx()).is_err());
    }

    #[test]
    fn merges_partials() {
        let t = [DataType::Float64, DataType::Float64];
        let out = two_phase(
            &Percentile::new(PercentileKind::Exact),
            &t,
            &ctx(),
            vec![f64s(&[Some(1.0), Some(10.0), Some(2.0)]), p(0.5, 3)],
            vec![f64s(&[Some(3.0), Some(20.0)]), p(0.5, 2)],
        );
        insta::assert_snapshot!(out, @"[2.0, 15.0]");
        let out = two_phase(&Percentile::new(PercentileKind::Median), &t[..1], &ctx(), vec![f64s(&[Some(1.0), Some(4.0)])], vec![f64s(&[None, Some(5.0)])]);
        insta::assert_snapshot!(out, @"[1.0, 4.5]");
    }
}
