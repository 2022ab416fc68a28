//! The build side of a hash join: all build rows in one batch and an index from key to
//! the first row of a chain of equal-key rows. A single integer key (TPC-H's joins)
//! skips the row encoding; when its values are dense (`max - min` within a few times
//! the row count, as surrogate keys are) the index is a plain array addressed by
//! `key - min`, so a probe is one load instead of a hash lookup.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Date32Type, Int16Type, Int32Type, Int64Type, Int8Type, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow_row::Rows;
use ember_common::Result;
use hashbrown::HashTable;

use super::keys::{evaluate_keys, hash_int, keys_valid, KeyEncoder};
use super::output::row_count_u32;
use crate::execution_plan::{BatchIter, TaskContext};
use crate::expressions::PhysicalExprRef;
use crate::memory_pool::MemoryReservation;

/// End of a chain in [`JoinTable::next_match`], and "no match" in probe results.
pub(crate) const NONE: u32 = u32::MAX;

/// A direct-addressed index is used when the key range is at most this many times the
/// build row count (4 bytes per slot, so at most 32 bytes per build row).
const DIRECT_RANGE_FACTOR: u64 = 8;
/// ... or at most this many slots, whatever the row count.
const DIRECT_RANGE_MIN: u64 = 1 << 16;

#[derive(Debug)]
enum Index {
    /// Single integer key with values in `min..min + heads.len()`: `heads[k - min]`.
    Direct { min: i64, heads: Vec<u32> },
    /// Single integer key: `(hash, first row)` per distinct key; `ints[row]` is its key.
    Int { ints: Vec<i64>, map: HashTable<(u64, u32)> },
    /// Any other keys, row-encoded: `(hash, first row)` per distinct key.
    Rows { encoder: KeyEncoder, keys: Rows, map: HashTable<(u64, u32)> },
}

#[derive(Debug)]
pub(crate) struct JoinTable {
    pub(crate) batch: RecordBatch,
    index: Index,
    /// `next[i]`: the next build row with the same key as row `i`, or [`NONE`]. Empty
    /// when every key is unique.
    next: Vec<u32>,
    /// The table's memory in the pool, held while the table lives.
    _reservation: MemoryReservation,
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
        mut reservation: MemoryReservation,
    ) -> Result<Self> {
        // The build side cannot spill (no grace join yet): it reserves without spilling.
        let mut batches = Vec::new();
        for b in input {
            let b = b?;
            reservation.try_grow(b.get_array_memory_size())?;
            batches.push(b);
        }
        let batch = arrow::compute::concat_batches(schema, &batches)?;
        drop(batches);
        let n = row_count_u32(batch.num_rows())?;
        let cols = evaluate_keys(on, key_types, &batch, ctx)?;
        let valid = keys_valid(&cols);
        let is_valid = |i: u32| !valid.as_ref().is_some_and(|v| v.is_null(i as usize));
        let mut next = vec![NONE; n as usize];
        let mut unique = true;
        // Rows are inserted in reverse so that each chain lists rows in input order.
        let index = if let Some(ints) = map_int_keys(&cols, |v| v) {
            match direct_range(&ints, valid.as_ref(), n) {
                Some((min, len)) => {
                    let mut heads = vec![NONE; len];
                    for i in (0..n).rev().filter(|&i| is_valid(i)) {
                        let slot = &mut heads[(ints[i as usize] - min) as usize];
                        if *slot != NONE {
                            unique = false;
                            next[i as usize] = *slot;
                        }
                        *slot = i;
                    }
                    Index::Direct { min, heads }
                }
                None => {
                    let mut map: HashTable<(u64, u32)> = HashTable::with_capacity(n as usize);
                    for i in (0..n).rev().filter(|&i| is_valid(i)) {
                        let k = ints[i as usize];
                        unique &= insert_row(&mut map, &mut next, i, hash_int(k), |head| ints[head as usize] == k);
                    }
                    Index::Int { ints, map }
                }
            }
        } else {
            let encoder = KeyEncoder::new(key_types.to_vec())?;
            let keys = encoder.encode(&cols)?;
            let mut map: HashTable<(u64, u32)> = HashTable::with_capacity(n as usize);
            for i in (0..n).rev().filter(|&i| is_valid(i)) {
                let row = keys.row(i as usize);
                unique &= insert_row(&mut map, &mut next, i, encoder.hash(row.data()), |head| keys.row(head as usize) == row);
            }
            Index::Rows { encoder, keys, map }
        };
        if unique {
            next = Vec::new();
        }
        let index_size = match &index {
            Index::Direct { heads, .. } => heads.capacity() * 4,
            Index::Int { ints, map } => ints.capacity() * 8 + map.capacity() * 16,
            Index::Rows { keys, map, .. } => keys.size() + map.capacity() * 16,
        };
        reservation.try_resize(batch.get_array_memory_size() + index_size + next.capacity() * 4)?;
        Ok(JoinTable { batch, index, next, _reservation: reservation })
    }

    pub(crate) fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// True when no two build rows share a key: every probe row has at most one match.
    pub(crate) fn is_unique(&self) -> bool {
        self.next.is_empty()
    }

    /// The first matching build row for each probe row ([`NONE`]: no match, or a NULL
    /// key). `cols` are the probe keys, of the table's key types.
    pub(crate) fn probe(&self, cols: &[ArrayRef], valid: Option<&NullBuffer>) -> Result<Vec<u32>> {
        let n = cols.first().map_or(0, |c| c.len());
        let mut heads = match &self.index {
            Index::Direct { min, heads } => {
                let (min, heads) = (*min, heads.as_slice());
                map_int_keys(cols, |k| {
                    let off = k.wrapping_sub(min) as u64;
                    if off < heads.len() as u64 {
                        heads[off as usize]
                    } else {
                        NONE
                    }
                })
            }
            Index::Int { ints, map } => map_int_keys(cols, |k| {
                let hash = hash_int(k);
                map.find(hash, |&(h, head)| h == hash && ints[head as usize] == k).map_or(NONE, |&(_, head)| head)
            }),
            Index::Rows { encoder, keys, map } => {
                let probe = encoder.encode(cols)?;
                let mut out = Vec::with_capacity(n);
                for row in probe.iter() {
                    let hash = encoder.hash(row.data());
                    out.push(map.find(hash, |&(h, head)| h == hash && keys.row(head as usize) == row).map_or(NONE, |&(_, head)| head));
                }
                Some(out)
            }
        }
        .ok_or_else(|| ember_common::Error::internal("probe keys do not match the join table's integer key"))?;
        if let Some(v) = valid {
            for (h, ok) in heads.iter_mut().zip(v.iter()) {
                if !ok {
                    *h = NONE;
                }
            }
        }
        Ok(heads)
    }

    /// The build row after `row` in its key's chain, or [`NONE`].
    pub(crate) fn next_match(&self, row: u32) -> u32 {
        self.next.get(row as usize).copied().unwrap_or(NONE)
    }
}

/// Makes row `i` the head of its key's chain (`same_key(head)`: row `head` has the
/// key); false if the key was already there.
fn insert_row(map: &mut HashTable<(u64, u32)>, next: &mut [u32], i: u32, hash: u64, same_key: impl Fn(u32) -> bool) -> bool {
    match map.find_mut(hash, |&(h, head)| h == hash && same_key(head)) {
        Some(entry) => {
            next[i as usize] = entry.1;
            entry.1 = i;
            false
        }
        None => {
            map.insert_unique(hash, (hash, i), |&(h, _)| h);
            true
        }
    }
}

/// `(min, max - min + 1)` of the valid keys when a direct-addressed index pays.
fn direct_range(ints: &[i64], valid: Option<&NullBuffer>, n: u32) -> Option<(i64, usize)> {
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    for (i, &k) in ints.iter().enumerate() {
        if valid.is_some_and(|v| v.is_null(i)) {
            continue;
        }
        min = min.min(k);
        max = max.max(k);
    }
    if min > max {
        return Some((0, 0));
    }
    let range = (max as i128 - min as i128 + 1) as u128;
    let limit = (n as u64).saturating_mul(DIRECT_RANGE_FACTOR).max(DIRECT_RANGE_MIN);
    (range <= limit as u128).then_some((min, range as usize))
}

/// Applies `f` to each value of a single integer key column (NULL slots included;
/// callers mask them); `None` for other keys.
fn map_int_keys<T>(cols: &[ArrayRef], f: impl Fn(i64) -> T) -> Option<Vec<T>> {
    let [c] = cols else { return None };
    Some(match c.data_type() {
        DataType::Int64 => c.as_primitive::<Int64Type>().values().iter().map(|&v| f(v)).collect(),
        DataType::Int32 => c.as_primitive::<Int32Type>().values().iter().map(|&v| f(v as i64)).collect(),
        DataType::Int16 => c.as_primitive::<Int16Type>().values().iter().map(|&v| f(v as i64)).collect(),
        DataType::Int8 => c.as_primitive::<Int8Type>().values().iter().map(|&v| f(v as i64)).collect(),
        DataType::Date32 => c.as_primitive::<Date32Type>().values().iter().map(|&v| f(v as i64)).collect(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int32Array, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;
    use crate::operators::hash_join::test_util::{col, ctx_with_batch_size};

    /// Builds a table on `build` (in two batches) and returns, per probe row, every
    /// matching build row in chain order, plus the index kind used.
    fn matches(build: ArrayRef, probe: ArrayRef) -> (Vec<Vec<u32>>, &'static str, bool) {
        let t = build.data_type().clone();
        let schema = Arc::new(Schema::new(vec![Field::new("k", t.clone(), true)]));
        let half = build.len() / 2;
        let batches = vec![
            RecordBatch::try_new(schema.clone(), vec![build.slice(0, half)]).unwrap(),
            RecordBatch::try_new(schema.clone(), vec![build.slice(half, build.len() - half)]).unwrap(),
        ];
        let ctx = ctx_with_batch_size(4);
        let input: BatchIter = Box::new(batches.into_iter().map(Ok));
        let table = JoinTable::build(input, &schema, &[col("k", 0)], &[t], &ctx, ctx.reserve("test", false)).unwrap();
        let kind = match table.index {
            Index::Direct { .. } => "direct",
            Index::Int { .. } => "int",
            Index::Rows { .. } => "rows",
        };
        let cols = vec![probe];
        let heads = table.probe(&cols, keys_valid(&cols).as_ref()).unwrap();
        let chains = heads
            .iter()
            .map(|&h| std::iter::successors((h != NONE).then_some(h), |&r| Some(table.next_match(r)).filter(|&n| n != NONE)).collect())
            .collect();
        (chains, kind, table.is_unique())
    }

    #[test]
    fn dense_integer_keys_use_a_direct_index_with_chains_and_nulls() {
        let build: ArrayRef = Arc::new(Int64Array::from(vec![Some(-2), Some(5), None, Some(-2), Some(7), Some(-2)]));
        let probe: ArrayRef = Arc::new(Int64Array::from(vec![Some(-2), None, Some(6), Some(7), Some(i64::MIN), Some(i64::MAX), Some(5)]));
        let (m, kind, unique) = matches(build, probe);
        assert_eq!(kind, "direct");
        assert!(!unique);
        assert_eq!(m, vec![vec![0, 3, 5], vec![], vec![], vec![4], vec![], vec![], vec![1]]);
    }

    #[test]
    fn sparse_integer_keys_use_a_hash_index() {
        let build: ArrayRef = Arc::new(Int32Array::from(vec![Some(i32::MIN), Some(0), Some(i32::MAX), None, Some(0)]));
        let probe: ArrayRef = Arc::new(Int32Array::from(vec![Some(0), Some(i32::MAX), Some(1), None, Some(i32::MIN)]));
        let (m, kind, unique) = matches(build, probe);
        assert_eq!(kind, "int");
        assert!(!unique);
        assert_eq!(m, vec![vec![1, 4], vec![2], vec![], vec![], vec![0]]);
    }

    #[test]
    fn unique_keys_have_no_chains() {
        let build: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), Some(1 << 40), None, Some(3)]));
        let probe: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), Some(1 << 40), Some(2)]));
        let (m, kind, unique) = matches(build, probe);
        assert_eq!((kind, unique), ("int", true));
        assert_eq!(m, vec![vec![3], vec![1], vec![]]);
    }

    #[test]
    fn other_keys_are_row_encoded() {
        let build: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None, Some("b"), Some("a")]));
        let probe: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), Some("c"), None, Some("b")]));
        let (m, kind, unique) = matches(build, probe);
        assert_eq!((kind, unique), ("rows", false));
        assert_eq!(m, vec![vec![0, 3], vec![], vec![], vec![2]]);
    }

    #[test]
    fn empty_build_side_matches_nothing() {
        let (m, kind, unique) = matches(Arc::new(Int64Array::from(Vec::<i64>::new())), Arc::new(Int64Array::from(vec![1, 2])));
        assert_eq!((kind, unique), ("direct", true));
        assert_eq!(m, vec![Vec::<u32>::new(), vec![]]);
    }
}
