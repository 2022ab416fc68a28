//! Per-group lists of input values, kept as `(batch, row)` references into the batches
//! they came in and gathered once at the end: the shared state of `collect_list`,
//! `collect_set`, `approx_count_distinct` and the percentiles. The partial state is
//! one `array<T>` per group.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, ListArray};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::interleave;
use arrow::datatypes::{DataType, Field};
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};

use super::groups::{check_len, for_each_row, grow};

/// The values of each group, in arrival order.
pub struct ValueLists {
    data_type: DataType,
    arrays: Vec<ArrayRef>,
    refs: Vec<Vec<(usize, usize)>>,
}

impl ValueLists {
    pub fn new(data_type: DataType) -> Self {
        ValueLists { data_type, arrays: vec![], refs: vec![] }
    }

    /// `array<T>` with nullable elements, the state type.
    pub fn list_type(t: &DataType) -> DataType {
        DataType::List(Arc::new(Field::new_list_field(t.clone(), true)))
    }

    /// Adds the non-NULL values of `v` whose filter is true.
    pub fn add(&mut self, v: &ArrayRef, gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        self.add_repeated(v, None, gi, f, n)
    }

    /// Like [`ValueLists::add`], each value `times[row]` times (`None`: once).
    pub fn add_repeated(&mut self, v: &ArrayRef, times: Option<&[u64]>, gi: &[usize], f: Option<&BooleanArray>, n: usize) -> Result<()> {
        grow(&mut self.refs, n, Vec::new());
        check_len(v.as_ref(), gi)?;
        if v.data_type() != &self.data_type {
            return Err(Error::internal(format!("value list: expected {}, got {}", self.data_type, v.data_type())));
        }
        let batch = self.arrays.len();
        let nulls = v.logical_nulls();
        let refs = &mut self.refs;
        let mut used = false;
        for_each_row(gi, nulls.as_ref(), f, n, |r, g| {
            let k = times.map(|t| t[r]).unwrap_or(1);
            for _ in 0..k {
                refs[g].push((batch, r));
            }
            used |= k > 0;
            Ok(())
        })?;
        if used {
            self.arrays.push(v.clone());
        }
        Ok(())
    }

    /// Appends the elements of each state list to its row's group.
    pub fn merge(&mut self, state: &ArrayRef, gi: &[usize], n: usize) -> Result<()> {
        grow(&mut self.refs, n, Vec::new());
        check_len(state.as_ref(), gi)?;
        let lists: &ListArray = state.as_list_opt::<i32>().ok_or_else(|| Error::internal("value list: state is not a list"))?;
        let values = lists.values().clone();
        if values.data_type() != &self.data_type {
            return Err(Error::internal(format!("value list: expected {}, got {}", self.data_type, values.data_type())));
        }
        let batch = self.arrays.len();
        let offsets = lists.value_offsets();
        for (r, &g) in gi.iter().enumerate() {
            if g >= n {
                return Err(Error::internal(format!("group index {g} out of range ({n} groups)")));
            }
            if lists.is_null(r) {
                continue;
            }
            for k in offsets[r] as usize..offsets[r + 1] as usize {
                if values.is_valid(k) {
                    self.refs[g].push((batch, k));
                }
            }
        }
        self.arrays.push(values);
        Ok(())
    }

    /// Takes every group's values: one flat array and the offsets of each group in it.
    /// With `distinct`, each value once (first occurrence kept).
    pub fn take(&mut self, distinct: bool) -> Result<(ArrayRef, Vec<usize>)> {
        let refs = std::mem::take(&mut self.refs);
        let arrays = std::mem::take(&mut self.arrays);
        let array_refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
        let flat: Vec<(usize, usize)> = refs.iter().flatten().copied().collect();
        let values = if flat.is_empty() { arrow::array::new_empty_array(&self.data_type) } else { interleave(&array_refs, &flat)? };
        let mut offsets = Vec::with_capacity(refs.len() + 1);
        offsets.push(0usize);
        if !distinct {
            for r in &refs {
                offsets.push(offsets[offsets.len() - 1] + r.len());
            }
            return Ok((values, offsets));
        }
        let converter = RowConverter::new(vec![SortField::new(self.data_type.clone())])?;
        let rows = converter.convert_columns(std::slice::from_ref(&values))?;
        let mut keep: Vec<(usize, usize)> = Vec::with_capacity(flat.len());
        let mut start = 0;
        for r in &refs {
            let mut seen = HashSet::new();
            for i in start..start + r.len() {
                if seen.insert(rows.row(i)) {
                    keep.push((0, i));
                }
            }
            start += r.len();
            offsets.push(keep.len());
        }
        let values = if keep.is_empty() { arrow::array::new_empty_array(&self.data_type) } else { interleave(&[values.as_ref()], &keep)? };
        Ok((values, offsets))
    }

    /// Every group's values as a list (empty lists for groups without values).
    pub fn take_lists(&mut self, distinct: bool) -> Result<ArrayRef> {
        let (values, offsets) = self.take(distinct)?;
        let offsets = OffsetBuffer::new(offsets.iter().map(|&o| o as i32).collect::<Vec<_>>().into());
        let field = Arc::new(Field::new_list_field(self.data_type.clone(), true));
        Ok(Arc::new(ListArray::try_new(field, offsets, values, None::<NullBuffer>)?))
    }

    pub fn size(&self) -> usize {
        self.refs.iter().map(|r| r.capacity() * 16 + 24).sum::<usize>() + self.arrays.iter().map(|a| a.get_array_memory_size()).sum::<usize>()
    }
}
