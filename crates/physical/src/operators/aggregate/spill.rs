//! Spilled groups of a hash aggregate: partial states (group keys, then state columns)
//! written to [`SPILL_PARTITIONS`] spill files by a hash of the keys, so all states of a
//! group land in one file. Each file is then re-aggregated on its own in a merging mode
//! (about a sixteenth of the groups at a time); a file still too big spills again on
//! other hash bits, up to [`MAX_SPILL_LEVEL`] levels.

use std::sync::Arc;

use arrow::array::UInt32Array;
use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};

use super::{AggregateMode, AggregateSpec};
use crate::execution_plan::TaskContext;
use crate::expressions::{ColumnExpr, PhysicalExprRef};
use crate::operators::exchange::hash_rows;
use crate::spill::{SpillFile, SpillWriter};

/// Files the groups are spread over at each level.
pub(super) const SPILL_PARTITIONS: usize = 16;
/// Spill levels before a partition must fit in memory (16³ = 4096 partitions).
pub(super) const MAX_SPILL_LEVEL: u32 = 3;

/// The schema of an aggregate's partial states: group columns, then each aggregate's
/// state fields (its output schema in the modes that output states).
pub(super) fn state_schema(spec: &AggregateSpec) -> Result<SchemaRef> {
    if spec.mode.outputs_states() {
        return Ok(spec.schema.clone());
    }
    let mut fields: Vec<Field> = spec.schema.fields().iter().take(spec.group_exprs.len()).map(|f| f.as_ref().clone()).collect();
    for a in &spec.aggr_exprs {
        for s in a.func.state_fields(&a.arg_types)? {
            fields.push(Field::new(format!("{}[{}]", a.name, s.name()), s.data_type().clone(), true));
        }
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// The spec that re-aggregates spilled states of `spec`: keys are the leading columns,
/// states follow; the output is `spec`'s.
pub(super) fn merge_spec(spec: &AggregateSpec) -> Arc<AggregateSpec> {
    let mode = if spec.mode == AggregateMode::PartialMerge { AggregateMode::PartialMerge } else { AggregateMode::Final };
    let group_exprs = spec
        .group_exprs
        .iter()
        .enumerate()
        .map(|(i, (_, name))| (Arc::new(ColumnExpr::new(name.clone(), i)) as PhysicalExprRef, name.clone()))
        .collect();
    Arc::new(AggregateSpec {
        mode,
        group_exprs,
        group_types: spec.group_types.clone(),
        aggr_exprs: spec.aggr_exprs.clone(),
        state_counts: spec.state_counts.clone(),
        schema: spec.schema.clone(),
    })
}

/// The spill files of one aggregation, one per hash partition.
pub(super) struct SpilledGroups {
    writers: Vec<SpillWriter>,
    level: u32,
    keys: usize,
}

impl SpilledGroups {
    pub(super) fn try_new(spec: &AggregateSpec, level: u32, ctx: &TaskContext) -> Result<Self> {
        let schema = state_schema(spec)?;
        let writers = (0..SPILL_PARTITIONS).map(|_| ctx.spill.writer(&schema)).collect::<Result<Vec<_>>>()?;
        Ok(SpilledGroups { writers, level, keys: spec.group_exprs.len() })
    }

    /// Writes partial states (keys first), each group to its partition's file.
    pub(super) fn write(&mut self, states: &RecordBatch) -> Result<()> {
        if states.num_rows() == 0 {
            return Ok(());
        }
        let keys = states.columns().get(..self.keys).ok_or_else(|| Error::internal("spilled aggregate states lack key columns"))?;
        // Bits above those the exchange and the earlier levels used.
        let shift = 20 + 4 * self.level;
        let mut rows: Vec<Vec<u32>> = vec![Vec::new(); SPILL_PARTITIONS];
        for (r, h) in hash_rows(keys)?.into_iter().enumerate() {
            rows[((h >> shift) as usize) % SPILL_PARTITIONS].push(r as u32);
        }
        for (writer, rows) in self.writers.iter_mut().zip(rows) {
            if !rows.is_empty() {
                writer.write(&arrow::compute::take_record_batch(states, &UInt32Array::from(rows))?)?;
            }
        }
        Ok(())
    }

    /// The finished files that hold any groups.
    pub(super) fn finish(self) -> Result<Vec<SpillFile>> {
        let mut files = Vec::new();
        for w in self.writers {
            let file = w.finish()?;
            if file.rows() > 0 {
                files.push(file);
            }
        }
        Ok(files)
    }
}
