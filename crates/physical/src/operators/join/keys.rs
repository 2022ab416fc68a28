//! Equi-join and grouping keys: evaluation, float normalization, arrow-row encoding
//! and hashing, shared by `HashJoinExec` and `HashAggregateExec`.

use arrow::array::{Array, ArrayRef};
use arrow::buffer::NullBuffer;
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, Rows, SortField};
use ember_common::{Error, Result};
use hashbrown::DefaultHashBuilder;
use std::hash::BuildHasher;

use crate::execution_plan::TaskContext;
use crate::expressions::{evaluate_to_array, PhysicalExprRef};

/// Evaluates key expressions over `batch`, checks them against the expected `types`
/// and normalizes floats (Spark's `NormalizeFloatingNumbers`: `-0.0` = `0.0`, one NaN).
pub(crate) fn evaluate_keys(
    exprs: &[PhysicalExprRef],
    types: &[DataType],
    batch: &RecordBatch,
    ctx: &TaskContext,
) -> Result<Vec<ArrayRef>> {
    exprs
        .iter()
        .zip(types)
        .map(|(e, t)| {
            let a = evaluate_to_array(e.as_ref(), batch, ctx)?;
            if a.data_type() != t {
                return Err(Error::internal(format!("key `{e}` evaluated to {} but the plan expects {t}", a.data_type())));
            }
            if a.len() != batch.num_rows() {
                return Err(Error::internal(format!("key `{e}` returned {} rows for a batch of {}", a.len(), batch.num_rows())));
            }
            Ok(normalize_floats(a))
        })
        .collect()
}

pub(crate) use crate::expressions::normalize::normalize_floats;

/// Rows where every key is non-NULL (`None`: all rows).
pub(crate) fn keys_valid(keys: &[ArrayRef]) -> Option<NullBuffer> {
    keys.iter().fold(None, |acc, k| NullBuffer::union(acc.as_ref(), k.logical_nulls().as_ref()))
}

/// Encodes key columns into comparable byte rows and hashes them.
#[derive(Debug)]
pub(crate) struct KeyEncoder {
    converter: RowConverter,
    types: Vec<DataType>,
    hasher: DefaultHashBuilder,
}

impl KeyEncoder {
    pub(crate) fn new(types: Vec<DataType>) -> Result<Self> {
        let fields = types.iter().map(|t| SortField::new(t.clone())).collect::<Vec<_>>();
        if !RowConverter::supports_fields(&fields) {
            let names = types.iter().map(ember_common::types::catalog_string).collect::<Vec<_>>();
            return Err(Error::unsupported(format!("grouping or joining on keys of type {}", names.join(", "))));
        }
        Ok(KeyEncoder { converter: RowConverter::new(fields)?, types, hasher: DefaultHashBuilder::default() })
    }

    pub(crate) fn encode(&self, cols: &[ArrayRef]) -> Result<Rows> {
        if cols.len() != self.types.len() || cols.iter().zip(&self.types).any(|(c, t)| c.data_type() != t) {
            return Err(Error::internal("key columns do not match the key encoder"));
        }
        Ok(self.converter.convert_columns(cols)?)
    }

    pub(crate) fn empty_rows(&self) -> Rows {
        self.converter.empty_rows(0, 0)
    }

    /// Decodes rows back into key columns of the encoder's types.
    pub(crate) fn decode(&self, rows: &Rows) -> Result<Vec<ArrayRef>> {
        let cols = self.converter.convert_rows(rows.iter())?;
        cols.into_iter().zip(&self.types).map(|(c, t)| if c.data_type() == t { Ok(c) } else { Ok(arrow::compute::cast(&c, t)?) }).collect()
    }

    pub(crate) fn hash(&self, row: &[u8]) -> u64 {
        self.hasher.hash_one(row)
    }
}

/// A fast, well-mixed hash of an integer key (the murmur3 finalizer), for
/// single-integer join and grouping keys.
pub(crate) fn hash_int(k: i64) -> u64 {
    let mut h = k as u64;
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}
