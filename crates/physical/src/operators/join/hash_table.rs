//! The build side of a hash join: all build rows in one batch, their keys row-encoded,
//! and a hash table from key to the first row of a chain of equal-key rows. A single
//! integer key (TPC-H's joins) skips the row encoding: keys are compared as `i64`.

use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow_row::{Row, Rows};
use ember_common::Result;
use hashbrown::HashTable;

use super::keys::{evaluate_keys, hash_int, keys_valid, KeyEncoder};
use super::output::row_count_u32;
use crate::execution_plan::{BatchIter, TaskContext};
use crate::expressions::PhysicalExprRef;

/// End of a chain in [`JoinTable::next`].
pub(crate) const NONE: u32 = u32::MAX;

#[derive(Debug)]
pub(crate) struct JoinTable {
    pub(crate) batch: RecordBatch,
    pub(crate) encoder: KeyEncoder,
    keys: Rows,
    /// The key as `i64` when there is exactly one integer key (then `keys` is empty).
    int_keys: Option<Vec<i64>>,
    /// `(hash, first row)` per distinct non-NULL key.
    map: HashTable<(u64, u32)>,
    /// `next[i]`: the next build row with the same key as row `i`, or [`NONE`].
    next: Vec<u32>,
}

impl JoinTable {
    /// Collects the build input and indexes it; rows with a NULL key are kept (for
    /// outer joins) but never indexed.
    pub(crate) fn build(
        input: BatchIter,
        schema: &SchemaRef,
        on: &[PhysicalExprRef],
        key_types: &[DataType],
        ctx: &TaskContext,
    ) -> Result<Self> {
        let batches = input.collect::<Result<Vec<_>>>()?;
        let batch = arrow::compute::concat_batches(schema, &batches)?;
        drop(batches);
        let n = row_count_u32(batch.num_rows())?;
        let encoder = KeyEncoder::new(key_types.to_vec())?;
        let cols = evaluate_keys(on, key_types, &batch, ctx)?;
        let valid = keys_valid(&cols);
        let mut map: HashTable<(u64, u32)> = HashTable::with_capacity(n as usize);
        let mut next = vec![NONE; n as usize];
        if let Some(ints) = int_key_values(&cols) {
            // In reverse, as below, so each chain lists rows in input order.
            for i in (0..n).rev() {
                if valid.as_ref().is_some_and(|v| v.is_null(i as usize)) {
                    continue;
                }
                let k = ints[i as usize];
                let hash = hash_int(k);
                match map.find_mut(hash, |&(h, head)| h == hash && ints[head as usize] == k) {
                    Some(entry) => {
                        next[i as usize] = entry.1;
                        entry.1 = i;
                    }
                    None => {
                        map.insert_unique(hash, (hash, i), |&(h, _)| h);
                    }
                }
            }
            let keys = encoder.empty_rows();
            return Ok(JoinTable { batch, encoder, keys, int_keys: Some(ints), map, next });
        }
        let keys = encoder.encode(&cols)?;
        // Insert in reverse so that each chain lists rows in input order.
        for i in (0..n).rev() {
            if valid.as_ref().is_some_and(|v| v.is_null(i as usize)) {
                continue;
            }
            let row = keys.row(i as usize);
            let hash = encoder.hash(row.data());
            match map.find_mut(hash, |&(h, head)| h == hash && keys.row(head as usize) == row) {
                Some(entry) => {
                    next[i as usize] = entry.1;
                    entry.1 = i;
                }
                None => {
                    map.insert_unique(hash, (hash, i), |&(h, _)| h);
                }
            }
        }
        Ok(JoinTable { batch, encoder, keys, int_keys: None, map, next })
    }

    pub(crate) fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// First build row whose key equals `row` (a probe key from the same encoder).
    pub(crate) fn first_match(&self, row: Row<'_>) -> u32 {
        let hash = self.encoder.hash(row.data());
        self.map.find(hash, |&(h, head)| h == hash && self.keys.row(head as usize) == row).map_or(NONE, |&(_, head)| head)
    }

    /// True if probes pass `i64` keys to [`JoinTable::first_match_int`].
    pub(crate) fn has_int_keys(&self) -> bool {
        self.int_keys.is_some()
    }

    /// First build row whose single integer key equals `k`.
    pub(crate) fn first_match_int(&self, k: i64) -> u32 {
        let Some(ints) = &self.int_keys else { return NONE };
        let hash = hash_int(k);
        self.map.find(hash, |&(h, head)| h == hash && ints[head as usize] == k).map_or(NONE, |&(_, head)| head)
    }

    pub(crate) fn next_match(&self, row: u32) -> u32 {
        self.next[row as usize]
    }
}

/// The values of a single integer key column as `i64` (NULL slots hold arbitrary
/// values; callers skip them); `None` for other keys.
pub(crate) fn int_key_values(cols: &[arrow::array::ArrayRef]) -> Option<Vec<i64>> {
    use arrow::array::AsArray;
    use arrow::datatypes::{Date32Type, Int16Type, Int32Type, Int64Type, Int8Type};
    let [c] = cols else { return None };
    Some(match c.data_type() {
        DataType::Int64 => c.as_primitive::<Int64Type>().values().to_vec(),
        DataType::Int32 => c.as_primitive::<Int32Type>().values().iter().map(|&v| v as i64).collect(),
        DataType::Int16 => c.as_primitive::<Int16Type>().values().iter().map(|&v| v as i64).collect(),
        DataType::Int8 => c.as_primitive::<Int8Type>().values().iter().map(|&v| v as i64).collect(),
        DataType::Date32 => c.as_primitive::<Date32Type>().values().iter().map(|&v| v as i64).collect(),
        _ => return None,
    })
}
