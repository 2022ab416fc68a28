//! The group table of a hash aggregate: row-encoded keys in one contiguous `Rows`
//! buffer plus a hash table of group indices (no allocation per group). A single
//! BIGINT key (TPC-H's `GROUP BY l_orderkey`) is kept as plain `i64`s instead.

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use arrow_row::Rows;
use ember_common::Result;
use hashbrown::HashTable;

use crate::operators::hash_join::keys::{hash_int, KeyEncoder};

/// Maps distinct key tuples to dense group indices `0..len()`, in first-seen order.
#[derive(Debug)]
pub(crate) struct GroupValues {
    encoder: KeyEncoder,
    /// Key of group `g` is `rows.row(g)`.
    rows: Rows,
    /// `(hash, group index)`.
    map: HashTable<(u64, usize)>,
    /// The single-BIGINT-key table, used instead of `rows` when present.
    ints: Option<IntGroups>,
}

/// Groups of one BIGINT key: the key of group `g` is `values[g]` (NULL when
/// `Some(g) == null_group`).
#[derive(Debug, Default)]
struct IntGroups {
    values: Vec<i64>,
    null_group: Option<usize>,
}


impl GroupValues {
    pub(crate) fn new(types: Vec<DataType>) -> Result<Self> {
        let ints = (types.as_slice() == [DataType::Int64]).then(IntGroups::default);
        let encoder = KeyEncoder::new(types)?;
        let rows = encoder.empty_rows();
        Ok(GroupValues { encoder, rows, map: HashTable::new(), ints })
    }

    pub(crate) fn len(&self) -> usize {
        match &self.ints {
            Some(i) => i.values.len(),
            None => self.rows.num_rows(),
        }
    }

    /// Approximate heap size in bytes.
    pub(crate) fn size(&self) -> usize {
        let ints = self.ints.as_ref().map_or(0, |i| i.values.capacity() * std::mem::size_of::<i64>());
        self.rows.size() + self.map.capacity() * std::mem::size_of::<(u64, usize)>() + ints
    }

    fn intern_ints(&mut self, col: &ArrayRef, out: &mut Vec<usize>) -> Result<()> {
        use arrow::array::{Array, AsArray};
        use arrow::datatypes::Int64Type;
        let Some(ints) = self.ints.as_mut() else { return Ok(()) };
        let a = col.as_primitive_opt::<Int64Type>().ok_or_else(|| ember_common::Error::internal("BIGINT group key expected"))?;
        out.clear();
        out.reserve(a.len());
        for (r, &k) in a.values().iter().enumerate() {
            if a.is_null(r) {
                let g = *ints.null_group.get_or_insert_with(|| {
                    ints.values.push(0);
                    ints.values.len() - 1
                });
                out.push(g);
                continue;
            }
            let hash = hash_int(k);
            let values = &ints.values;
            let null_group = ints.null_group;
            match self.map.find(hash, |&(h, g)| h == hash && values[g] == k && Some(g) != null_group) {
                Some(&(_, g)) => out.push(g),
                None => {
                    let g = ints.values.len();
                    ints.values.push(k);
                    self.map.insert_unique(hash, (hash, g), |&(h, _)| h);
                    out.push(g);
                }
            }
        }
        Ok(())
    }

    /// Sets `out[r]` to the group of row `r` of `cols`, adding new groups as needed.
    pub(crate) fn intern(&mut self, cols: &[ArrayRef], out: &mut Vec<usize>) -> Result<()> {
        if self.ints.is_some() {
            if let [col] = cols {
                return self.intern_ints(col, out);
            }
        }
        let keys = self.encoder.encode(cols)?;
        out.clear();
        out.reserve(keys.num_rows());
        for row in keys.iter() {
            let bytes = row.data();
            let hash = self.encoder.hash(bytes);
            let rows = &self.rows;
            let found = self.map.find(hash, |&(h, g)| h == hash && rows.row(g).data() == bytes);
            match found {
                Some(&(_, g)) => out.push(g),
                None => {
                    let g = self.rows.num_rows();
                    self.rows.push(row);
                    self.map.insert_unique(hash, (hash, g), |&(h, _)| h);
                    out.push(g);
                }
            }
        }
        Ok(())
    }

    /// The key columns of all groups, in group order.
    pub(crate) fn emit(&self) -> Result<Vec<ArrayRef>> {
        if let Some(ints) = &self.ints {
            let nulls = ints.null_group.map(|ng| arrow::buffer::NullBuffer::from_iter((0..ints.values.len()).map(|g| g != ng)));
            let a = arrow::array::Int64Array::new(ints.values.clone().into(), nulls);
            return Ok(vec![std::sync::Arc::new(a)]);
        }
        self.encoder.decode(&self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, Int32Array, StringArray};
    use std::sync::Arc;

    #[test]
    fn interns_in_first_seen_order_with_nulls() {
        let mut gv = GroupValues::new(vec![DataType::Int32, DataType::Utf8]).unwrap();
        let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(1), None, Some(2)]));
        let b: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), None, Some("x"), None, Some("x")]));
        let mut out = Vec::new();
        gv.intern(&[a, b], &mut out).unwrap();
        assert_eq!(out, vec![0, 1, 0, 1, 2]);
        let a2: ArrayRef = Arc::new(Int32Array::from(vec![Some(2), Some(3)]));
        let b2: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), Some("y")]));
        gv.intern(&[a2, b2], &mut out).unwrap();
        assert_eq!(out, vec![2, 3]);
        assert_eq!(gv.len(), 4);
        let cols = gv.emit().unwrap();
        assert_eq!(cols[0].len(), 4);
        assert!(cols[0].is_null(1));
        assert_eq!(cols[1].as_any().downcast_ref::<StringArray>().unwrap().value(3), "y");
    }

    #[test]
    fn bigint_keys_with_nulls_use_the_integer_table() {
        let mut gv = GroupValues::new(vec![DataType::Int64]).unwrap();
        let a: ArrayRef = Arc::new(arrow::array::Int64Array::from(vec![Some(5), None, Some(0), Some(5), None]));
        let mut out = Vec::new();
        gv.intern(&[a], &mut out).unwrap();
        assert_eq!(out, vec![0, 1, 2, 0, 1]);
        let b: ArrayRef = Arc::new(arrow::array::Int64Array::from(vec![Some(0), Some(7)]));
        gv.intern(&[b], &mut out).unwrap();
        assert_eq!(out, vec![2, 3]);
        let cols = gv.emit().unwrap();
        let keys: Vec<Option<i64>> = cols[0].as_any().downcast_ref::<arrow::array::Int64Array>().unwrap().iter().collect();
        assert_eq!(keys, vec![Some(5), None, Some(0), Some(7)]);
    }

    #[test]
    fn empty_input_has_no_groups() {
        let mut gv = GroupValues::new(vec![DataType::Int64]).unwrap();
        let a: ArrayRef = Arc::new(arrow::array::Int64Array::from(Vec::<i64>::new()));
        let mut out = vec![7];
        gv.intern(&[a], &mut out).unwrap();
        assert!(out.is_empty());
        assert_eq!(gv.emit().unwrap()[0].len(), 0);
    }
}
