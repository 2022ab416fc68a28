//! The DataFrame methods of event-time processing: `with_watermark` (Spark's
//! `withWatermark`), `drop_duplicates(cols)` and `drop_duplicates_within_watermark`.

use std::sync::Arc;

use ember_common::tree_node::{Transformed, TreeNode};
use ember_common::{Error, Result};
use ember_plan::{Column as PlanColumn, Deduplicate, EventTimeWatermark, Expr, LogicalPlan};

use crate::dataframe::DataFrame;

/// A watermark delay (`10 seconds`, `1 day 2 hours`) in milliseconds, a month counting
/// 31 days as in Spark.
pub(crate) fn delay_ms(delay: &str) -> Result<i64> {
    let (months, days, micros) = ember_plan::calendar_interval::parse_calendar_interval(delay)?;
    let ms = i64::from(months) * 31 * 86_400_000 + i64::from(days) * 86_400_000 + micros / 1000;
    if ms < 0 || months < 0 || days < 0 || micros < 0 {
        return Err(Error::invalid_argument(format!("requirement failed: delay threshold ({delay}) should not be negative.")));
    }
    Ok(ms)
}

impl DataFrame {
    /// Defines `event_time` (a timestamp column) as this stream's event time, with a
    /// watermark `delay` (`"10 seconds"`) behind the latest event time seen: stateful
    /// operators drop rows older than the watermark and forget state it has passed.
    /// On a batch DataFrame it only checks its arguments (Spark ignores it there).
    pub fn with_watermark(&self, event_time: &str, delay: &str) -> Result<DataFrame> {
        let delay_ms = delay_ms(delay)?;
        let schema = self.logical_plan().schema();
        let i = schema.index_of(&PlanColumn::from_name(event_time))?;
        let column = Expr::Column(schema.field(i).column());
        let node = EventTimeWatermark::try_new(column, delay_ms, Arc::new(self.logical_plan().clone()))?;
        if !self.is_streaming() {
            return Ok(self.clone());
        }
        Ok(self.with_plan(LogicalPlan::EventTimeWatermark(node)))
    }

    /// Keeps one row per distinct value of `cols` (all columns when empty), as Spark's
    /// `dropDuplicates(cols)`. On a stream whose keys include an event-time column with a
    /// watermark, keys older than the watermark are forgotten (and late rows dropped).
    pub fn drop_duplicates<S: AsRef<str>>(&self, cols: impl IntoIterator<Item = S>) -> Result<DataFrame> {
        Ok(self.with_plan(LogicalPlan::Deduplicate(Deduplicate::try_new(self.key_columns(cols)?, false, Arc::new(self.logical_plan().clone()))?)))
    }

    /// Streaming only: drops a row when a row with the same `cols` was seen within the
    /// watermark delay before it (Spark's `dropDuplicatesWithinWatermark`); a key is
    /// forgotten once the watermark passes its first row's event time plus the delay.
    pub fn drop_duplicates_within_watermark<S: AsRef<str>>(&self, cols: impl IntoIterator<Item = S>) -> Result<DataFrame> {
        if !self.is_streaming() {
            return Err(Error::spark(
                "_LEGACY_ERROR_TEMP_3102",
                &[("msg", "dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets")],
            ));
        }
        Ok(self.with_plan(LogicalPlan::Deduplicate(Deduplicate::try_new(self.key_columns(cols)?, true, Arc::new(self.logical_plan().clone()))?)))
    }

    /// `cols` as columns of this DataFrame (every column when empty), each once.
    fn key_columns<S: AsRef<str>>(&self, cols: impl IntoIterator<Item = S>) -> Result<Vec<Expr>> {
        let schema = self.logical_plan().schema();
        let mut out: Vec<Expr> = Vec::new();
        for name in cols {
            let name = name.as_ref();
            let matches: Vec<usize> = (0..schema.len()).filter(|&i| schema.field(i).name().eq_ignore_ascii_case(name)).collect();
            if matches.is_empty() {
                let names = schema.fields().iter().map(|f| f.name().to_string()).collect::<Vec<_>>().join(", ");
                return Err(Error::spark("UNRESOLVED_COLUMN_AMONG_FIELD_NAMES", &[("colName", name), ("fieldNames", &names)]));
            }
            // Spark deduplicates on every column of that name.
            for i in matches {
                let c = Expr::Column(schema.field(i).column());
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        if out.is_empty() {
            out = schema.columns().into_iter().map(Expr::Column).collect();
        }
        Ok(out)
    }
}

/// `plan` with every `DISTINCT` over the stream as a deduplication on all columns, so a
/// streaming query has one kind of stateful deduplication.
pub(crate) fn distinct_as_deduplicate(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up(|p| match &p {
        LogicalPlan::Distinct(d) if ember_streaming::streaming_relation::is_streaming(&d.input) => {
            let keys = d.input.schema().columns().into_iter().map(Expr::Column).collect();
            Ok(Transformed::yes(LogicalPlan::Deduplicate(Deduplicate::try_new(keys, false, d.input.clone())?)))
        }
        _ => Ok(Transformed::no(p)),
    })
    .map(|t| t.data)
}
