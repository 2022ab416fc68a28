//! The build side of a hash join: all build rows in one batch, their keys row-encoded,
//! and a hash table from key to the first row of a chain of equal-key rows.

use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow_row::{Row, Rows};
use ember_common::Result;
use hashbrown::HashTable;

use super::keys::{evaluate_keys, keys_valid, KeyEncoder};
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
        let keys = encoder.encode(&cols)?;
        let mut map: HashTable<(u64, u32)> = HashTable::with_capacity(n as usize);
        let mut next = vec![NONE; n as usize];
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
        Ok(JoinTable { batch, encoder, keys, map, next })
    }

    pub(crate) fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// First build row whose key equals `row` (a probe key from the same encoder).
    pub(crate) fn first_match(&self, row: Row<'_>) -> u32 {
        let hash = self.encoder.hash(row.data());
        self.map.find(hash, |&(h, head)| h == hash && self.keys.row(head as usize) == row).map_or(NONE, |&(_, head)| head)
    }

    pub(crate) fn next_match(&self, row: u32) -> u32 {
        self.next[row as usize]
    }
}
