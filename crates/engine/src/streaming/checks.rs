//! Spark's `UnsupportedOperationChecker` for streaming plans: what a streaming query
//! may contain in each output mode, checked at `start()` with Spark's errors.

use ember_common::tree_node::TreeNode;
use ember_common::{Error, Result};
use ember_plan::{Expr, JoinType, LogicalPlan};
use ember_streaming::streaming_relation::is_streaming;

use super::OutputMode;

/// The stateful operators a checked plan has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Stateful {
    pub aggregation: bool,
    pub deduplication: bool,
    /// A join of two streams.
    pub join: bool,
    /// `flat_map_groups_with_state`, and whether it times out on processing time.
    pub map_groups: bool,
    pub processing_time_timeouts: bool,
}

impl Stateful {
    pub fn any(&self) -> bool {
        self.aggregation || self.deduplication || self.join || self.map_groups
    }
}

fn unsupported(msg: &str) -> Error {
    Error::spark("_LEGACY_ERROR_TEMP_3102", &[("msg", msg)])
}

fn output_mode_error(mode: OutputMode, operation: &str) -> Error {
    Error::spark("STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION", &[("outputMode", mode.name()), ("operation", operation)])
}

/// Counts of what [`walk`] found.
#[derive(Default)]
struct Found {
    aggregations: usize,
    /// Aggregations whose grouping keys include a watermarked event time.
    aggregations_on_event_time: usize,
    dedups: usize,
    joins: usize,
    map_groups: usize,
    processing_time_timeouts: bool,
}

/// Checks `plan` for `mode`; says which stateful operators it has.
pub(crate) fn check_streaming_plan(plan: &LogicalPlan, mode: OutputMode) -> Result<Stateful> {
    if !is_streaming(plan) {
        return Err(Error::spark("WRITE_STREAM_NOT_ALLOWED", &[]));
    }
    let mut found = Found::default();
    walk(plan, mode, &mut found)?;
    if mode == OutputMode::Append && found.aggregations > found.aggregations_on_event_time {
        return Err(output_mode_error(mode, "streaming aggregations without watermark"));
    }
    if found.aggregations > 1 {
        return Err(unsupported("Multiple streaming aggregations are not supported with streaming DataFrames/Datasets"));
    }
    if mode == OutputMode::Complete && found.aggregations == 0 {
        return Err(output_mode_error(mode, "no streaming aggregations"));
    }
    Ok(Stateful {
        aggregation: found.aggregations > 0,
        deduplication: found.dedups > 0,
        join: found.joins > 0,
        map_groups: found.map_groups > 0,
        processing_time_timeouts: found.processing_time_timeouts,
    })
}

/// Is `a` grouped by a session window (before or after the analyzer resolves it)?
fn groups_on_session_window(a: &ember_plan::Aggregate) -> bool {
    matches!(a.input.as_ref(), LogicalPlan::UpdateSessions(_))
        || a.group_exprs.iter().any(|g| g.exists(|e| matches!(e, Expr::ScalarFunction(f) if f.func.name() == "session_window")))
}

/// Does some grouping key of `a` carry a watermark (an event-time column or a window of one)?
fn groups_on_event_time(a: &ember_plan::Aggregate) -> bool {
    (0..a.group_exprs.len()).any(|i| ember_plan::event_time::watermark_delay_ms(&a.schema.field(i).field).is_some())
}

fn walk(plan: &LogicalPlan, mode: OutputMode, found: &mut Found) -> Result<()> {
    let streaming = is_streaming(plan);
    if streaming {
        match plan {
            LogicalPlan::Aggregate(a) => {
                let distinct = a.aggr_exprs.iter().any(|e| matches!(e.unalias(), Expr::AggregateFunction(f) if f.distinct));
                if distinct {
                    return Err(unsupported(
                        "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead.",
                    ));
                }
                if mode == OutputMode::Update && groups_on_session_window(a) {
                    return Err(output_mode_error(mode, "session window streaming aggregations"));
                }
                found.aggregations += 1;
                if groups_on_event_time(a) {
                    found.aggregations_on_event_time += 1;
                }
            }
            LogicalPlan::Distinct(_) => found.dedups += 1,
            LogicalPlan::FlatMapGroupsWithState(g) => {
                found.map_groups += 1;
                found.processing_time_timeouts |= g.timeout == ember_plan::group_state::GroupStateTimeout::ProcessingTimeTimeout;
            }
            LogicalPlan::Deduplicate(d) => {
                if d.within_watermark && !d.input.schema().fields().iter().any(|f| ember_plan::event_time::watermark_delay_ms(&f.field).is_some()) {
                    return Err(unsupported("dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark"));
                }
                found.dedups += 1;
            }
            LogicalPlan::Sort(s) => {
                let aggregated = s.input.exists(|p| matches!(p, LogicalPlan::Aggregate(_)));
                if !(mode == OutputMode::Complete && aggregated) {
                    return Err(unsupported(
                        "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode",
                    ));
                }
            }
            LogicalPlan::Limit(_) | LogicalPlan::LocalLimit(_) if mode != OutputMode::Complete => {
                return Err(unsupported(&format!(
                    "Limits are not supported on streaming DataFrames/Datasets in {} output mode",
                    match mode {
                        OutputMode::Update => "Update",
                        _ => "Append",
                    }
                )));
            }
            LogicalPlan::Window(_) => {
                return Err(Error::spark(
                    "NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING",
                    &[("windowFunc", "window function"), ("columnName", "window"), ("windowSpec", "(partition/order)")],
                ))
            }
            LogicalPlan::SetOperation(_) => {
                return Err(unsupported("INTERSECT and EXCEPT are not supported on streaming DataFrames/Datasets"))
            }
            LogicalPlan::Sample(_) => {
                return Err(unsupported("Sampling is not supported on streaming DataFrames/Datasets"))
            }
            LogicalPlan::Join(j) => {
                let (l, r) = (is_streaming(&j.left), is_streaming(&j.right));
                let allowed = match j.join_type {
                    _ if l && r => {
                        check_stream_stream_join(j)?;
                        found.joins += 1;
                        true
                    }
                    JoinType::Inner | JoinType::Cross => true,
                    JoinType::LeftOuter | JoinType::LeftSemi | JoinType::LeftAnti => l,
                    JoinType::RightOuter => r,
                    JoinType::FullOuter => false,
                    _ => l,
                };
                if !allowed {
                    let (stream_side, static_side) = if l { ("left", "right") } else { ("right", "left") };
                    return Err(unsupported(&format!(
                        "{} join with a streaming DataFrame/Dataset on the {stream_side} and a static DataFrame/Dataset on the {static_side} is not supported",
                        join_name(j.join_type)
                    )));
                }
            }
            _ => {}
        }
    }
    for input in plan.inputs() {
        walk(input, mode, found)?;
    }
    Ok(())
}

fn join_name(t: JoinType) -> &'static str {
    match t {
        JoinType::LeftOuter => "LeftOuter",
        JoinType::RightOuter => "RightOuter",
        JoinType::FullOuter => "FullOuter",
        JoinType::LeftSemi => "LeftSemi",
        JoinType::LeftAnti => "LeftAnti",
        _ => "Inner",
    }
}

/// What Spark refuses in a join of two streams: an anti join, and outer or semi joins
/// whose preserved side's state could never be evicted (no watermark in the join keys,
/// nor a watermark with a range condition bounding that side's event time).
fn check_stream_stream_join(j: &ember_plan::Join) -> Result<()> {
    let spec = ember_streaming::stateful_specs::join_spec(j);
    let bounded = match j.join_type {
        JoinType::LeftAnti => return Err(unsupported("LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported")),
        JoinType::LeftOuter | JoinType::LeftSemi => spec.left_bound.is_some(),
        JoinType::RightOuter => spec.right_bound.is_some(),
        JoinType::FullOuter => spec.left_bound.is_some() && spec.right_bound.is_some(),
        _ => true,
    };
    if bounded {
        return Ok(());
    }
    Err(unsupported(&format!(
        "Stream-stream {} join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition",
        join_name(j.join_type)
    )))
}
