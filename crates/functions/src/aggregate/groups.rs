//! Per-group state plumbing shared by the accumulators: walking the rows that count
//! (filter true, value not NULL), checking shapes, and building output arrays.

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::buffer::NullBuffer;
use ember_common::{Error, Result};

/// Calls `f(row, group)` for each row whose filter is true and that is valid in `nulls`
/// (`None`: every row is valid). Errors if a group index is out of range.
pub fn for_each_row(
    group_indices: &[usize],
    nulls: Option<&NullBuffer>,
    opt_filter: Option<&BooleanArray>,
    total_num_groups: usize,
    mut f: impl FnMut(usize, usize) -> Result<()>,
) -> Result<()> {
    if let Some(n) = nulls {
        if n.len() != group_indices.len() {
            return Err(Error::internal(format!("{} values for {} group indices", n.len(), group_indices.len())));
        }
    }
    if let Some(filter) = opt_filter {
        if filter.len() != group_indices.len() {
            return Err(Error::internal(format!("filter of {} rows for {} group indices", filter.len(), group_indices.len())));
        }
    }
    for (row, &g) in group_indices.iter().enumerate() {
        if let Some(n) = nulls {
            if n.is_null(row) {
                continue;
            }
        }
        if let Some(filter) = opt_filter {
            if !filter.is_valid(row) || !filter.value(row) {
                continue;
            }
        }
        if g >= total_num_groups {
            return Err(Error::internal(format!("group index {g} out of range ({total_num_groups} groups)")));
        }
        f(row, g)?;
    }
    Ok(())
}

/// The first argument array, or an internal error.
pub fn first_arg<'a>(values: &'a [ArrayRef], name: &str) -> Result<&'a ArrayRef> {
    values.first().ok_or_else(|| Error::internal(format!("{name}: no argument array")))
}

/// Checks that `a` has as many rows as there are group indices.
pub fn check_len(a: &dyn Array, group_indices: &[usize]) -> Result<()> {
    if a.len() != group_indices.len() {
        return Err(Error::internal(format!("{} values for {} group indices", a.len(), group_indices.len())));
    }
    Ok(())
}

/// A validity buffer from per-group "has a value" flags (`None` when all are set).
pub fn validity(seen: Vec<bool>) -> Option<NullBuffer> {
    if seen.iter().all(|s| *s) {
        None
    } else {
        Some(NullBuffer::from(seen))
    }
}

/// Grows `v` to `n` entries filled with `fill`.
pub fn grow<T: Clone>(v: &mut Vec<T>, n: usize, fill: T) {
    if v.len() < n {
        v.resize(n, fill);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_nulls_and_filtered_rows() {
        let nulls = NullBuffer::from(vec![true, false, true, true]);
        let filter = BooleanArray::from(vec![Some(true), Some(true), None, Some(true)]);
        let mut seen = vec![];
        for_each_row(&[0, 1, 0, 1], Some(&nulls), Some(&filter), 2, |r, g| {
            seen.push((r, g));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, vec![(0, 0), (3, 1)]);
        assert!(for_each_row(&[5], None, None, 2, |_, _| Ok(())).is_err());
    }
}
