//! `UpdatingSessionsExec` (Spark's operator of the same name): over input distributed by
//! the group keys and sorted by keys and session, replaces each row's session by the
//! merged session of its key. Sessions of one key merge while the next one starts no
//! later than the current merged one ends (`[0, 5)` and `[5, 9)` make `[0, 9)`), so an
//! aggregate above, grouped by keys and session, sees one group per merged session.
//!
//! The merge is a pure function of one sorted run of sessions ([`merge_sorted_sessions`]),
//! so a streaming operator can run it over stored sessions plus new ones.

use std::any::Any;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::partition;
use arrow::datatypes::{SchemaRef, TimestampMicrosecondType};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::time_window::window_array;

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::normalize::normalize_floats;
use crate::expressions::{evaluate_to_array, PhysicalExprRef};

/// Merges the sessions of one key, sorted by start: the merged `(start, end)` of each
/// row, `None` where the row has no session.
pub fn merge_sorted_sessions(sessions: &[Option<(i64, i64)>], out: &mut Vec<Option<(i64, i64)>>) {
    let mut i = 0;
    while i < sessions.len() {
        let Some((start, mut end)) = sessions[i] else {
            out.push(None);
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while let Some(Some((s, e))) = sessions.get(j) {
            if *s > end {
                break;
            }
            end = end.max(*e);
            j += 1;
        }
        out.extend(std::iter::repeat_n(Some((start, end)), j - i));
        i = j;
    }
}

/// `batch` with the session column (`session`) replaced by the merged session of its
/// key (the columns `keys`), rows in their original order; the rows need no sorting
/// (the streaming aggregation merges stored sessions with a batch's).
pub fn merge_sessions_of(batch: &RecordBatch, keys: &[usize], session: usize) -> Result<RecordBatch> {
    let n = batch.num_rows();
    let column = batch.column(session);
    let s = column.as_struct_opt().ok_or_else(|| Error::internal("sessions of a non-struct column"))?;
    let starts = s.column(0).as_primitive::<TimestampMicrosecondType>();
    let ends = s.column(1).as_primitive::<TimestampMicrosecondType>();
    let own: Vec<Option<(i64, i64)>> = (0..n).map(|i| (s.is_valid(i) && starts.is_valid(i) && ends.is_valid(i)).then(|| (starts.value(i), ends.value(i)))).collect();
    let key_cols: Vec<ArrayRef> = keys.iter().map(|&k| normalize_floats(batch.column(k).clone())).collect();
    let converter = arrow_row::RowConverter::new(key_cols.iter().map(|c| arrow_row::SortField::new(c.data_type().clone())).collect())?;
    let rows = converter.convert_columns(&key_cols)?;
    let mut order: Vec<usize> = (0..n).collect();
    // By key, then by session start (rows without a session last).
    order.sort_by(|&a, &b| rows.row(a).cmp(&rows.row(b)).then_with(|| own[a].map(|x| x.0).unwrap_or(i64::MAX).cmp(&own[b].map(|x| x.0).unwrap_or(i64::MAX))));
    let mut merged_sorted = Vec::with_capacity(n);
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && rows.row(order[end]) == rows.row(order[start]) {
            end += 1;
        }
        let run: Vec<Option<(i64, i64)>> = order[start..end].iter().map(|&i| own[i]).collect();
        merge_sorted_sessions(&run, &mut merged_sorted);
        start = end;
    }
    let mut merged = vec![None; n];
    for (pos, &row) in order.iter().enumerate() {
        merged[row] = merged_sorted[pos];
    }
    let time_type = s.column(0).data_type().clone();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    columns[session] = window_array(&time_type, merged.into_iter());
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

/// Merges sessions per group key. See the module docs.
#[derive(Debug)]
pub struct UpdatingSessionsExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<PhysicalExprRef>,
    /// The session column's index in the input.
    session: usize,
}

impl UpdatingSessionsExec {
    pub fn new(input: Arc<dyn ExecutionPlan>, keys: Vec<PhysicalExprRef>, session: usize) -> Self {
        UpdatingSessionsExec { input, keys, session }
    }

    /// The distribution the input needs: all rows of a key in one task.
    pub fn distribution(keys: &[PhysicalExprRef]) -> Distribution {
        if keys.is_empty() {
            Distribution::SinglePartition
        } else {
            Distribution::HashPartitioned(keys.to_vec())
        }
    }

    /// The batch with merged sessions, over one sorted task partition.
    fn compute(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<RecordBatch> {
        let n = batch.num_rows();
        let keys = self.keys.iter().map(|e| evaluate_to_array(e.as_ref(), batch, ctx).map(normalize_floats)).collect::<Result<Vec<_>>>()?;
        let ranges: Vec<Range<usize>> = if keys.is_empty() { vec![0..n] } else { partition(&keys)?.ranges() };
        let column = batch.column(self.session);
        let s = column.as_struct_opt().ok_or_else(|| Error::internal("UpdatingSessionsExec over a non-struct session"))?;
        let starts = s.column(0).as_primitive::<TimestampMicrosecondType>();
        let ends = s.column(1).as_primitive::<TimestampMicrosecondType>();
        let own: Vec<Option<(i64, i64)>> =
            (0..n).map(|i| (s.is_valid(i) && starts.is_valid(i) && ends.is_valid(i)).then(|| (starts.value(i), ends.value(i)))).collect();
        let mut merged = Vec::with_capacity(n);
        for r in ranges {
            merge_sorted_sessions(&own[r], &mut merged);
        }
        let time_type = s.column(0).data_type().clone();
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        columns[self.session] = window_array(&time_type, merged.into_iter());
        Ok(RecordBatch::try_new(batch.schema(), columns)?)
    }
}

impl ExecutionPlan for UpdatingSessionsExec {
    fn name(&self) -> &'static str {
        "UpdatingSessionsExec"
    }

    fn details(&self) -> String {
        let keys = self.keys.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ");
        format!("[{keys}], {}", self.input.schema().field(self.session).name())
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("UpdatingSessionsExec takes one child"))?;
        Ok(Arc::new(UpdatingSessionsExec::new(input, self.keys.clone(), self.session)))
    }

    fn output_partitioning(&self) -> Partitioning {
        self.input.output_partitioning()
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![UpdatingSessionsExec::distribution(&self.keys)]
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let mut batches = Vec::new();
        for b in ctx.execute(&self.input, partition)? {
            let b = b?;
            if b.num_rows() > 0 {
                batches.push(b);
            }
        }
        if batches.is_empty() {
            return Ok(Box::new(std::iter::empty()));
        }
        let input = arrow::compute::concat_batches(&self.input.schema(), &batches)?;
        drop(batches);
        let out = self.compute(&input, ctx)?;
        let size = ctx.batch_size().max(1);
        let n = out.num_rows();
        Ok(Box::new((0..n).step_by(size).map(move |start| Ok(out.slice(start, size.min(n - start))))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::merge_sorted_sessions;

    #[test]
    fn merges_sessions_that_touch_or_overlap() {
        let mut out = Vec::new();
        merge_sorted_sessions(&[Some((0, 5)), Some((4, 9)), Some((9, 14)), Some((20, 25)), None], &mut out);
        assert_eq!(out, vec![Some((0, 14)), Some((0, 14)), Some((0, 14)), Some((20, 25)), None]);
        out.clear();
        merge_sorted_sessions(&[Some((0, 10)), Some((2, 3)), Some((11, 12))], &mut out);
        assert_eq!(out, vec![Some((0, 10)), Some((0, 10)), Some((11, 12))]);
    }
}
