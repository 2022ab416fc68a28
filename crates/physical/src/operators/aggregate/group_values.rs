//! The group table of a hash aggregate: row-encoded keys in one contiguous `Rows`
//! buffer plus a hash table of group indices (no allocation per group).

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use arrow_row::Rows;
use ember_common::Result;
use hashbrown::HashTable;

use crate::operators::hash_join::keys::KeyEncoder;

/// Maps distinct key tuples to dense group indices `0..len()`, in first-seen order.
#[derive(Debug)]
pub(crate) struct GroupValues {
    encoder: KeyEncoder,
    /// Key of group `g` is `rows.row(g)`.
    rows: Rows,
    /// `(hash, group index)`.
    map: HashTable<(u64, usize)>,
}

impl GroupValues {
    pub(crate) fn new(types: Vec<DataType>) -> Result<Self> {
        let encoder = KeyEncoder::new(types)?;
        let rows = encoder.empty_rows();
        Ok(GroupValues { encoder, rows, map: HashTable::new() })
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.num_rows()
    }

    /// Sets `out[r]` to the group of row `r` of `cols`, adding new groups as needed.
    pub(crate) fn intern(&mut self, cols: &[ArrayRef], out: &mut Vec<usize>) -> Result<()> {
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
    fn empty_input_has_no_groups() {
        let mut gv = GroupValues::new(vec![DataType::Int64]).unwrap();
        let a: ArrayRef = Arc::new(arrow::array::Int64Array::from(Vec::<i64>::new()));
        let mut out = vec![7];
        gv.intern(&[a], &mut out).unwrap();
        assert!(out.is_empty());
        assert_eq!(gv.emit().unwrap()[0].len(), 0);
    }
}
