//! Every matching pair of rows between two in-memory row sets, for joins that keep
//! both sides (the streaming symmetric hash join): equal non-NULL keys, then the
//! residual filter over `left ++ right`. Also the output builders of the join operators.

use std::collections::HashMap;

use arrow::array::UInt32Array;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::Result;

use crate::execution_plan::TaskContext;
use crate::expressions::PhysicalExprRef;
use crate::operators::hash_join::keys::{evaluate_keys, keys_valid, KeyEncoder};
use crate::operators::hash_join::output::{filter_pairs, filter_schema};

pub use crate::operators::hash_join::output::{join_schema, left_only_batch, pair_batch, right_only_batch};

/// The matching rule of a join; see the module docs.
#[derive(Debug)]
pub struct PairJoin {
    left_on: Vec<PhysicalExprRef>,
    right_on: Vec<PhysicalExprRef>,
    key_types: Vec<DataType>,
    filter: Option<PhysicalExprRef>,
    filter_schema: SchemaRef,
}

impl PairJoin {
    pub fn try_new(left: &SchemaRef, right: &SchemaRef, on: &[(PhysicalExprRef, PhysicalExprRef)], filter: Option<PhysicalExprRef>) -> Result<Self> {
        let key_types = on.iter().map(|(l, _)| l.data_type(left)).collect::<Result<Vec<_>>>()?;
        Ok(PairJoin {
            left_on: on.iter().map(|(l, _)| l.clone()).collect(),
            right_on: on.iter().map(|(_, r)| r.clone()).collect(),
            key_types,
            filter,
            filter_schema: filter_schema(left, right),
        })
    }

    /// `(left row, right row)` of every matching pair, ordered by left row.
    pub fn pairs(&self, left: &RecordBatch, right: &RecordBatch, ctx: &TaskContext) -> Result<(UInt32Array, UInt32Array)> {
        if left.num_rows() == 0 || right.num_rows() == 0 {
            return Ok((UInt32Array::from(Vec::<u32>::new()), UInt32Array::from(Vec::<u32>::new())));
        }
        let encoder = KeyEncoder::new(self.key_types.clone())?;
        let rk = evaluate_keys(&self.right_on, &self.key_types, right, ctx)?;
        let lk = evaluate_keys(&self.left_on, &self.key_types, left, ctx)?;
        let (li, ri) = if self.key_types.is_empty() {
            // No equi-keys: every pair is a candidate.
            let (n, m) = (left.num_rows() as u32, right.num_rows() as u32);
            ((0..n).flat_map(|l| std::iter::repeat_n(l, m as usize)).collect::<Vec<_>>(), (0..n).flat_map(|_| 0..m).collect::<Vec<_>>())
        } else {
            let right_rows = encoder.encode(&rk)?;
            let right_valid = keys_valid(&rk);
            let mut table: HashMap<&[u8], Vec<u32>> = HashMap::new();
            for i in 0..right.num_rows() {
                if right_valid.as_ref().is_none_or(|v| v.is_valid(i)) {
                    table.entry(right_rows.row(i).data()).or_default().push(i as u32);
                }
            }
            let left_rows = encoder.encode(&lk)?;
            let left_valid = keys_valid(&lk);
            let (mut li, mut ri) = (Vec::new(), Vec::new());
            for i in 0..left.num_rows() {
                if left_valid.as_ref().is_some_and(|v| !v.is_valid(i)) {
                    continue;
                }
                if let Some(matches) = table.get(left_rows.row(i).data()) {
                    for &r in matches {
                        li.push(i as u32);
                        ri.push(r);
                    }
                }
            }
            (li, ri)
        };
        let (li, ri) = (UInt32Array::from(li), UInt32Array::from(ri));
        match &self.filter {
            None => Ok((li, ri)),
            Some(f) => {
                let keep = filter_pairs(f, &self.filter_schema, left, &li, right, &ri, ctx)?;
                let pick = |a: &UInt32Array| -> UInt32Array { a.iter().zip(&keep).filter(|(_, k)| **k).map(|(v, _)| v).collect() };
                Ok((pick(&li), pick(&ri)))
            }
        }
    }
}
