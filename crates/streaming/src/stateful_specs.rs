//! What the logical plan of a micro-batch says about its stateful operators over the
//! stream, which the physical plan no longer shows: the event-time grouping key of each
//! aggregation and the event-time column of each deduplication (found through the
//! `spark.watermarkDelayMs` mark a watermark leaves on its column), in post-order.

use ember_common::Result;
use ember_plan::event_time::{is_window_struct, watermark_delay_ms};
use ember_plan::LogicalPlan;

use crate::stateful_deduplicate::DedupSpec;
use crate::stream_batch::reads_stream_batch;

/// The stateful operators of a plan over the stream, in post-order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatefulSpecs {
    /// Per aggregation: the grouping key carrying the event time.
    pub aggregates: Vec<Option<usize>>,
    pub deduplications: Vec<DedupSpec>,
}

/// Does `plan` define a watermark?
pub fn has_watermark(plan: &LogicalPlan) -> bool {
    use ember_common::TreeNode;
    plan.exists(|p| matches!(p, LogicalPlan::EventTimeWatermark(_)))
}

pub fn stateful_specs(plan: &LogicalPlan) -> Result<StatefulSpecs> {
    let mut out = StatefulSpecs::default();
    collect(plan, &mut out)?;
    Ok(out)
}

fn collect(plan: &LogicalPlan, out: &mut StatefulSpecs) -> Result<()> {
    for input in plan.inputs() {
        collect(input, out)?;
    }
    match plan {
        LogicalPlan::Aggregate(a) if reads_stream_batch(&a.input) => {
            let key = (0..a.group_exprs.len()).find(|&i| {
                let f = &a.schema.field(i).field;
                watermark_delay_ms(f).is_some() && (matches!(f.data_type(), arrow::datatypes::DataType::Timestamp(..)) || is_window_struct(f.data_type()))
            });
            out.aggregates.push(key);
        }
        LogicalPlan::Deduplicate(d) if reads_stream_batch(&d.input) => {
            let schema = d.input.schema();
            let spec = if d.within_watermark {
                let t = (0..schema.len()).find(|&i| watermark_delay_ms(&schema.field(i).field).is_some());
                DedupSpec { event_time: t, within_watermark_delay_ms: t.and_then(|t| watermark_delay_ms(&schema.field(t).field)) }
            } else {
                let t = d.key_indices()?.into_iter().find(|&i| watermark_delay_ms(&schema.field(i).field).is_some());
                DedupSpec { event_time: t, within_watermark_delay_ms: None }
            };
            out.deduplications.push(spec);
        }
        _ => {}
    }
    Ok(())
}
