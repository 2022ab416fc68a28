//! One partition of a hash aggregate: consumes the whole input into the group table
//! and the accumulators, then emits the groups in batches of at most `batch_size`.
//! The table's memory is reserved from the pool as it grows; when refused, a partial
//! aggregate hands its groups on early (the final aggregate merges them), and a final
//! one spills its groups' partial states, hash-partitioned, and re-aggregates each
//! spill partition at the end (see `spill.rs`).

use std::sync::Arc;

use arrow::array::{new_empty_array, Array, ArrayRef, BooleanArray, UInt32Array, UInt64Array};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::GroupsAccumulator;

use super::group_values::GroupValues;
use super::spill::{merge_spec, state_schema, SpilledGroups, MAX_SPILL_LEVEL};
use super::{AggregateExpr, AggregateMode, AggregateSpec};
use crate::operators::external_sort::slices;
use crate::execution_plan::{BatchIter, TaskContext};
use crate::expressions::evaluate_to_array;
use crate::operators::hash_join::keys::evaluate_keys;

pub(super) struct AggregateStream {
    spec: Arc<AggregateSpec>,
    input: Option<BatchIter>,
    ctx: TaskContext,
    /// What the operator is called in the memory pool.
    name: String,
    /// 0 for the operator's own input, `n` when re-aggregating a spill partition of
    /// level `n - 1`.
    level: u32,
    /// Rows ready to hand out.
    output: BatchIter,
}

impl AggregateStream {
    pub(super) fn new(spec: Arc<AggregateSpec>, input: BatchIter, ctx: TaskContext, partition: usize) -> Self {
        let name = format!("HashAggregateExec({})[partition {partition}]", spec.mode);
        Self::at_level(spec, input, ctx, name, 0)
    }

    fn at_level(spec: Arc<AggregateSpec>, input: BatchIter, ctx: TaskContext, name: String, level: u32) -> Self {
        AggregateStream { spec, input: Some(input), ctx, name, level, output: Box::new(std::iter::empty()) }
    }

    /// Consumes input until it ends, or until a partial aggregate runs short of memory
    /// and hands out its groups early; returns what is ready.
    fn fill(&mut self) -> Result<BatchIter> {
        let Some(input) = self.input.as_mut() else { return Ok(Box::new(std::iter::empty())) };
        let spec = &self.spec;
        let grouped = !spec.group_exprs.is_empty();
        let has_distinct = spec.aggr_exprs.iter().any(|a| a.distinct);
        // Partial states can be emitted early; merged or raw-row groups without DISTINCT
        // can be spilled as partial states. DISTINCT sets and global aggregates cannot.
        let spillable = grouped && !has_distinct;
        let mut reservation = self.ctx.reserve(self.name.clone(), spillable);
        let mut agg = Aggregation::new(spec.clone(), self.ctx.clone())?;
        let mut spilled: Option<SpilledGroups> = None;
        for batch in input.by_ref() {
            agg.push(&batch?)?;
            if reservation.try_resize(agg.size()).is_ok() {
                continue;
            }
            if !spillable || self.level >= MAX_SPILL_LEVEL {
                // The last level re-aggregates one spill partition: it must fit.
                reservation.free();
                reservation.try_grow_after_spill(agg.size())?;
                continue;
            }
            let full = std::mem::replace(&mut agg, Aggregation::new(spec.clone(), self.ctx.clone())?);
            reservation.free();
            if spec.mode == AggregateMode::Partial {
                // The final aggregate merges groups emitted more than once.
                let out = full.finish(false)?;
                return Ok(Box::new(slices(out, self.ctx.batch_size()).map(Ok)));
            }
            let groups = match &mut spilled {
                Some(g) => g,
                None => spilled.insert(SpilledGroups::try_new(spec, self.level, &self.ctx)?),
            };
            groups.write(&full.finish(true)?)?;
        }
        self.input = None;
        let Some(mut groups) = spilled else {
            let out = agg.finish(false)?;
            return Ok(Box::new(slices(out, self.ctx.batch_size()).map(move |b| {
                let _held = &reservation;
                Ok(b)
            })));
        };
        groups.write(&agg.finish(true)?)?;
        drop(reservation);
        let (merge, ctx, name, level) = (merge_spec(spec), self.ctx.clone(), self.name.clone(), self.level + 1);
        let parts = groups.finish()?;
        Ok(Box::new(parts.into_iter().flat_map(move |file| -> BatchIter {
            match file.read() {
                Ok(states) => Box::new(AggregateStream::at_level(merge.clone(), states, ctx.clone(), name.clone(), level)),
                Err(e) => Box::new(std::iter::once(Err(e))),
            }
        })))
    }
}

impl Iterator for AggregateStream {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some(b) = self.output.next() {
                return Some(b);
            }
            self.input.as_ref()?;
            match self.fill() {
                Ok(out) => self.output = out,
                Err(e) => {
                    self.input = None;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// The group table and one accumulator (plus DISTINCT set) per aggregate.
struct Aggregation {
    spec: Arc<AggregateSpec>,
    ctx: TaskContext,
    groups: Option<GroupValues>,
    group_exprs: Vec<crate::expressions::PhysicalExprRef>,
    accs: Vec<Box<dyn GroupsAccumulator>>,
    distinct: Vec<Option<GroupValues>>,
    group_indices: Vec<usize>,
}

impl Aggregation {
    fn new(spec: Arc<AggregateSpec>, ctx: TaskContext) -> Result<Self> {
        let groups = if spec.group_exprs.is_empty() { None } else { Some(GroupValues::new(spec.group_types.clone())?) };
        let mut accs = Vec::with_capacity(spec.aggr_exprs.len());
        let mut distinct = Vec::with_capacity(spec.aggr_exprs.len());
        for a in &spec.aggr_exprs {
            accs.push(a.func.create_accumulator(&a.arg_types, &ctx.functions)?);
            distinct.push(if a.distinct {
                let mut types = vec![DataType::UInt64];
                types.extend(a.arg_types.iter().cloned());
                Some(GroupValues::new(types)?)
            } else {
                None
            });
        }
        let group_exprs = spec.group_exprs.iter().map(|(e, _)| e.clone()).collect();
        let mut agg = Aggregation { spec, ctx, groups, group_exprs, accs, distinct, group_indices: Vec::new() };
        if agg.groups.is_none() {
            // A global aggregate has exactly one group, even over empty input.
            agg.prime_single_group()?;
        }
        Ok(agg)
    }

    /// Approximate heap size of the groups, accumulators and DISTINCT sets.
    fn size(&self) -> usize {
        let groups = self.groups.as_ref().map_or(0, GroupValues::size);
        let accs: usize = self.accs.iter().map(|a| a.size()).sum();
        let distinct: usize = self.distinct.iter().flatten().map(GroupValues::size).sum();
        groups + accs + distinct + self.group_indices.capacity() * std::mem::size_of::<usize>()
    }

    fn num_groups(&self) -> usize {
        self.groups.as_ref().map_or(1, |g| g.len())
    }

    /// Sizes every accumulator for the one group of a global aggregate.
    fn prime_single_group(&mut self) -> Result<()> {
        for (i, a) in self.spec.aggr_exprs.iter().enumerate() {
            if self.spec.mode.merges_states() {
                let states = a.func.state_fields(&a.arg_types)?.iter().map(|f| new_empty_array(f.data_type())).collect::<Vec<_>>();
                self.accs[i].merge_batch(&states, &[], 1)?;
            } else {
                let args = a.arg_types.iter().map(new_empty_array).collect::<Vec<_>>();
                self.accs[i].update_batch(&args, &[], None, 1)?;
            }
        }
        Ok(())
    }

    fn push(&mut self, batch: &RecordBatch) -> Result<()> {
        let n = batch.num_rows();
        if n == 0 {
            return Ok(());
        }
        match &mut self.groups {
            Some(groups) => {
                let keys = evaluate_keys(&self.group_exprs, &self.spec.group_types, batch, &self.ctx)?;
                groups.intern(&keys, &mut self.group_indices)?;
            }
            None => {
                self.group_indices.clear();
                self.group_indices.resize(n, 0);
            }
        }
        let total = self.num_groups();
        let mut state_col = self.spec.group_exprs.len();
        for (i, a) in self.spec.aggr_exprs.iter().enumerate() {
            if self.spec.mode.merges_states() {
                let count = self.spec.state_counts[i];
                let states = batch
                    .columns()
                    .get(state_col..state_col + count)
                    .ok_or_else(|| Error::internal("final aggregate input lacks state columns"))?;
                state_col += count;
                self.accs[i].merge_batch(states, &self.group_indices, total)?;
                continue;
            }
            let args = a.args.iter().map(|e| evaluate_to_array(e.as_ref(), batch, &self.ctx)).collect::<Result<Vec<_>>>()?;
            let mut filter = match &a.filter {
                Some(f) => Some(as_boolean(evaluate_to_array(f.as_ref(), batch, &self.ctx)?)?),
                None => None,
            };
            if let Some(set) = &mut self.distinct[i] {
                filter = Some(first_occurrences(set, &self.group_indices, &args, a, filter.as_ref())?);
            }
            self.accs[i].update_batch(&args, &self.group_indices, filter.as_ref(), total)?;
        }
        Ok(())
    }

    /// The groups with their final values, or (`as_states`, or in a mode that outputs
    /// states) with their partial states.
    fn finish(mut self, as_states: bool) -> Result<RecordBatch> {
        let mut columns = match &self.groups {
            Some(g) => g.emit()?,
            None => Vec::new(),
        };
        let states = as_states || self.spec.mode.outputs_states();
        for acc in &mut self.accs {
            if states {
                columns.extend(acc.state()?);
            } else {
                columns.push(acc.evaluate()?);
            }
        }
        let schema = if states { state_schema(&self.spec)? } else { self.spec.schema.clone() };
        if columns.len() != schema.fields().len() {
            return Err(Error::internal("aggregate produced a different number of columns than its schema"));
        }
        let num_groups = self.num_groups();
        let columns = columns
            .into_iter()
            .zip(schema.fields())
            .map(|(c, f)| {
                if c.len() != num_groups {
                    return Err(Error::internal(format!(
                        "accumulator for `{}` returned {} rows for {num_groups} groups",
                        f.name(),
                        c.len()
                    )));
                }
                if c.data_type() == f.data_type() {
                    Ok(c)
                } else {
                    Ok(arrow::compute::cast(&c, f.data_type())?)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let options = arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(num_groups));
        Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
    }
}

fn as_boolean(a: ArrayRef) -> Result<BooleanArray> {
    a.as_any()
        .downcast_ref::<BooleanArray>()
        .cloned()
        .ok_or_else(|| Error::internal(format!("aggregate FILTER evaluated to {}, not boolean", a.data_type())))
}

/// A mask that is true only for the first row of each `(group, args)` among the rows
/// passing `filter`: a DISTINCT aggregate sees each value once per group.
fn first_occurrences(
    set: &mut GroupValues,
    group_indices: &[usize],
    args: &[ArrayRef],
    a: &AggregateExpr,
    filter: Option<&BooleanArray>,
) -> Result<BooleanArray> {
    let n = group_indices.len();
    let passing: Vec<u32> = match filter {
        Some(f) => (0..n).filter(|&r| f.is_valid(r) && f.value(r)).map(|r| r as u32).collect(),
        None => (0..n as u32).collect(),
    };
    let mut cols: Vec<ArrayRef> = vec![Arc::new(UInt64Array::from_iter_values(passing.iter().map(|&r| group_indices[r as usize] as u64)))];
    if passing.len() == n {
        cols.extend(args.iter().cloned());
    } else {
        let idx = UInt32Array::from(passing.clone());
        for arg in args {
            cols.push(arrow::compute::take(arg.as_ref(), &idx, None)?);
        }
    }
    for (c, t) in cols[1..].iter_mut().zip(&a.arg_types) {
        if c.data_type() != t {
            return Err(Error::internal(format!("argument of {} is {} but {t} was planned", a.name, c.data_type())));
        }
        *c = crate::operators::hash_join::keys::normalize_floats(c.clone());
    }
    let mut next = set.len();
    let mut ids = Vec::new();
    set.intern(&cols, &mut ids)?;
    let mut mask = vec![false; n];
    for (k, &id) in ids.iter().enumerate() {
        if id == next {
            mask[passing[k] as usize] = true;
            next += 1;
        }
    }
    Ok(BooleanArray::from(mask))
}
