//! `listagg(x[, delimiter]) [WITHIN GROUP (ORDER BY key …)]` (also `string_agg`): the
//! non-NULL values joined by the delimiter (none for NULL), ordered by the key when one is
//! given; NULL without values. Arguments: `x, delimiter[, key, ascending, nulls_first]`.
//! State: each group's `(value, key)` pairs, the delimiter and the ordering.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder, BooleanArray, Int8Array, StringArray, StringBuilder, StructArray, UInt32Array};
use arrow::compute::{cast, lexsort_to_indices, SortColumn, SortOptions};
use arrow::datatypes::{DataType, Field, Fields};
use ember_common::{Error, Result};
use ember_plan::coercion::is_string;
use ember_plan::{AggregateFunctionImpl, FunctionContext, GroupsAccumulator};

use super::groups::first_arg;
use super::value_lists::ValueLists;
use crate::scalar::utils::{castable_to_string, check_arity, unexpected_type};

#[derive(Debug)]
pub struct ListAgg {
    name: &'static str,
}

impl ListAgg {
    pub fn listagg() -> Self {
        ListAgg { name: "listagg" }
    }
    pub fn string_agg() -> Self {
        ListAgg { name: "string_agg" }
    }
}

/// The `(value, key)` struct the state lists hold.
fn pair_type(value: &DataType, key: &DataType) -> DataType {
    DataType::Struct(Fields::from(vec![Field::new("value", value.clone(), true), Field::new("key", key.clone(), true)]))
}

impl AggregateFunctionImpl for ListAgg {
    fn name(&self) -> &str {
        self.name
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        if t.len() != 2 && t.len() != 5 {
            check_arity(self.name, t.len(), 1, 2)?;
        }
        let value = match &t[0] {
            DataType::Binary | DataType::LargeBinary => DataType::Binary,
            d if castable_to_string(d) => DataType::Utf8,
            d => return Err(unexpected_type(self.name, 1, "(\"STRING\" or \"BINARY\")", d)),
        };
        let delim = match t.get(1).unwrap_or(&DataType::Null) {
            DataType::Null => value.clone(),
            d if is_string(d) && value == DataType::Utf8 => DataType::Utf8,
            DataType::Binary if value == DataType::Binary => DataType::Binary,
            d => return Err(unexpected_type(self.name, 2, if value == DataType::Binary { "\"BINARY\"" } else { "\"STRING\"" }, d)),
        };
        let mut out = vec![value];
        if t.len() > 1 {
            out.push(delim);
        }
        if t.len() == 5 {
            out.extend([t[2].clone(), DataType::Boolean, DataType::Boolean]);
        }
        Ok(out)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn display_call(&self, args: &[String]) -> Option<String> {
        if args.len() < 5 {
            return None;
        }
        // with WITHIN GROUP Spark shows `string_agg` as `listagg`
        let head = format!("listagg({}, {})", args.first()?, args.get(1)?);
        let dir = if args[3] == "true" { "ASC" } else { "DESC" };
        let nulls = if args[4] == "true" { "NULLS FIRST" } else { "NULLS LAST" };
        Some(format!("{head} WITHIN GROUP (ORDER BY {} {dir} {nulls})", args[2]))
    }
    fn state_fields(&self, t: &[DataType]) -> Result<Vec<Field>> {
        let key = t.get(2).cloned().unwrap_or(DataType::Null);
        Ok(vec![
            Field::new("pairs", ValueLists::list_type(&pair_type(&t[0], &key)), false),
            Field::new("delimiter", t[0].clone(), true),
            Field::new("order", DataType::Int8, true),
        ])
    }
    fn create_accumulator(&self, t: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        let key = t.get(2).cloned().unwrap_or(DataType::Null);
        Ok(Box::new(ListAggAccumulator {
            value: t[0].clone(),
            key: key.clone(),
            lists: ValueLists::new(pair_type(&t[0], &key)),
            delimiter: None,
            order: None,
            groups: 0,
        }))
    }
}

struct ListAggAccumulator {
    value: DataType,
    key: DataType,
    lists: ValueLists,
    /// the (constant) delimiter, once seen: its bytes
    delimiter: Option<Vec<u8>>,
    /// `ORDER BY` direction: bit 0 ascending, bit 1 nulls first; `None` without `ORDER BY`
    order: Option<i8>,
    groups: usize,
}

fn bytes_at(a: &ArrayRef, i: usize) -> Option<Vec<u8>> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Utf8 => Some(a.as_string::<i32>().value(i).as_bytes().to_vec()),
        DataType::Binary => Some(a.as_binary::<i32>().value(i).to_vec()),
        _ => None,
    }
}

impl GroupsAccumulator for ListAggAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef], gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.groups = self.groups.max(n);
        let v = first_arg(values, "listagg")?;
        let v = if v.data_type() == &self.value { v.clone() } else { cast(v, &self.value)? };
        if let Some(d) = values.get(1).filter(|d| !d.is_empty()) {
            self.delimiter = bytes_at(d, 0);
        }
        let key = match values.get(2) {
            Some(k) => {
                let flag = |i: usize| values.get(i).and_then(|b| b.as_boolean_opt()).filter(|b| !b.is_empty() && b.is_valid(0)).map(|b| b.value(0));
                self.order = Some(flag(3).unwrap_or(true) as i8 | ((flag(4).unwrap_or(true) as i8) << 1));
                k.clone()
            }
            None => arrow::array::new_null_array(&self.key, v.len()),
        };
        let Some(DataType::Struct(fields)) = Some(pair_type(&self.value, &self.key)) else {
            return Err(Error::internal("listagg pair type"));
        };
        let pairs: ArrayRef = Arc::new(StructArray::try_new(fields, vec![v.clone(), key], v.logical_nulls())?);
        self.lists.add(&pairs, gi, f, n)
    }

    fn merge_batch(&mut self, states: &[ArrayRef], gi: &[usize], n: usize) -> Result<()> {
        self.groups = self.groups.max(n);
        let [pairs, delim, order] = states else {
            return Err(Error::internal("listagg: expected 3 state arrays"));
        };
        if let Some(r) = (0..order.len()).find(|&r| order.is_valid(r) || delim.is_valid(r)) {
            self.delimiter = self.delimiter.take().or_else(|| bytes_at(delim, r));
            let o = order.as_primitive::<arrow::datatypes::Int8Type>();
            if o.is_valid(r) {
                self.order = Some(o.value(r));
            }
        }
        self.lists.merge(pairs, gi, n)
    }

    fn evaluate(&mut self) -> Result<ArrayRef> {
        let (pairs, offsets) = self.lists.take(false)?;
        let groups = offsets.len() - 1;
        let s = pairs.as_struct_opt().ok_or_else(|| Error::internal("listagg: pairs are not structs"))?;
        let (values, keys) = (s.column(0).clone(), s.column(1).clone());
        // one sort over (group, key, arrival) keeps each group's ties in arrival order
        let group_of: Vec<u32> = (0..groups).flat_map(|g| std::iter::repeat_n(g as u32, offsets[g + 1] - offsets[g])).collect();
        let order: Vec<u32> = match self.order {
            Some(o) if !values.is_empty() => {
                let opts = SortOptions { descending: o & 1 == 0, nulls_first: o & 2 != 0 };
                let cols = vec![
                    SortColumn { values: Arc::new(UInt32Array::from(group_of.clone())), options: None },
                    SortColumn { values: keys, options: Some(opts) },
                    SortColumn { values: Arc::new(UInt32Array::from_iter_values(0..values.len() as u32)), options: None },
                ];
                lexsort_to_indices(&cols, None)?.values().to_vec()
            }
            _ => (0..values.len() as u32).collect(),
        };
        let delim = self.delimiter.clone().unwrap_or_default();
        let mut parts: Vec<Option<Vec<u8>>> = vec![None; groups];
        for &i in &order {
            let i = i as usize;
            let Some(v) = bytes_at(&values, i) else { continue };
            let out = &mut parts[group_of[i] as usize];
            match out {
                Some(buf) => {
                    buf.extend_from_slice(&delim);
                    buf.extend_from_slice(&v);
                }
                None => *out = Some(v),
            }
        }
        self.groups = 0;
        if self.value == DataType::Binary {
            let mut b = BinaryBuilder::new();
            for p in parts {
                b.append_option(p);
            }
            return Ok(Arc::new(b.finish()));
        }
        let mut b = StringBuilder::new();
        for p in parts {
            match p {
                Some(bytes) => b.append_value(String::from_utf8(bytes).map_err(|_| Error::internal("listagg: invalid UTF-8"))?),
                None => b.append_null(),
            }
        }
        Ok(Arc::new(b.finish()))
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let n = self.groups;
        let lists = self.lists.take_lists(false)?;
        let delim: ArrayRef = match (&self.delimiter, &self.value) {
            (Some(d), DataType::Binary) => Arc::new(arrow::array::BinaryArray::from_iter_values(std::iter::repeat_n(d.as_slice(), n))),
            (Some(d), _) => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(String::from_utf8_lossy(d).to_string(), n))),
            (None, t) => arrow::array::new_null_array(t, n),
        };
        let order: ArrayRef = Arc::new(Int8Array::from(vec![self.order; n]));
        self.groups = 0;
        Ok(vec![lists, delim, order])
    }

    fn size(&self) -> usize {
        self.lists.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;
    use arrow::array::BooleanArray;

    #[test]
    fn joins_in_key_order_across_partials() {
        let f = ListAgg::listagg();
        let t = [DataType::Utf8, DataType::Utf8, DataType::Int32, DataType::Boolean, DataType::Boolean];
        let bools = |v: bool, n: usize| Arc::new(BooleanArray::from(vec![v; n])) as ArrayRef;
        let part1 = vec![strs(&[Some("a"), Some("b")]), strs(&[Some(","), Some(",")]), i32s(&[Some(2), Some(1)]), bools(true, 2), bools(true, 2)];
        let part2 = vec![strs(&[Some("c"), None]), strs(&[Some(","), Some(",")]), i32s(&[Some(1), Some(0)]), bools(true, 2), bools(true, 2)];
        // group 0 gets a (key 2) and c (key 1), group 1 gets b and a NULL
        assert_eq!(two_phase(&f, &t, &ctx(), part1, part2), "[c,a, b]");
    }
}
