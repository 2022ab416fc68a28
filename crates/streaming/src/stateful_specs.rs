//! What the logical plan of a micro-batch says about its stateful operators over the
//! stream, which the physical plan no longer shows: the event-time grouping key of each
//! aggregation and the event-time column of each deduplication (found through the
//! `spark.watermarkDelayMs` mark a watermark leaves on its column), and for each
//! stream-stream join when each side's state can be evicted (Spark's
//! `StreamingJoinHelper`), in post-order.

use ember_common::Result;
use ember_plan::event_time::{is_window_struct, watermark_delay_ms};
use ember_plan::{split_conjunction, Column, Expr, Join, LogicalPlan, Operator, PlanSchema, ScalarValue};

use crate::stateful_deduplicate::DedupSpec;
use crate::stream_stream_join::{JoinSpec, StateBound};
use crate::stream_batch::reads_stream_batch;

/// What one streaming aggregation keys its event time on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AggregateSpec {
    /// The grouping key carrying the event time.
    pub event_time_key: Option<usize>,
    /// That key is a session window: stored sessions merge with new ones.
    pub session: bool,
}

/// The stateful operators of a plan over the stream, in post-order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatefulSpecs {
    pub aggregates: Vec<AggregateSpec>,
    pub deduplications: Vec<DedupSpec>,
    /// Per join of two streams.
    pub joins: Vec<JoinSpec>,
    /// Per `flat_map_groups_with_state`: the input's watermarked event-time column.
    pub map_groups: Vec<Option<usize>>,
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
            // A session window merges with the sessions the state keeps.
            let session = key.is_some_and(|k| matches!(a.input.as_ref(), LogicalPlan::UpdateSessions(u) if u.session.name == a.schema.field(k).name()));
            out.aggregates.push(AggregateSpec { event_time_key: key, session });
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
        LogicalPlan::Join(j) if reads_stream_batch(&j.left) && reads_stream_batch(&j.right) => out.joins.push(join_spec(j)),
        LogicalPlan::FlatMapGroupsWithState(g) if reads_stream_batch(&g.input) => out.map_groups.push(watermarked(g.input.schema())),
        _ => {}
    }
    Ok(())
}

/// The first column of `schema` that carries a watermark.
fn watermarked(schema: &PlanSchema) -> Option<usize> {
    (0..schema.len()).find(|&i| watermark_delay_ms(&schema.field(i).field).is_some())
}

/// Which side a column reads and its index there.
fn locate(c: &Column, j: &Join) -> Option<(bool, usize)> {
    match j.left.schema().index_of(c) {
        Ok(i) => Some((true, i)),
        Err(_) => j.right.schema().index_of(c).ok().map(|i| (false, i)),
    }
}

/// `column [± interval]` as (column, offset in ms).
fn time_term(e: &Expr) -> Option<(&Column, i64)> {
    match e {
        Expr::Column(c) => Some((c, 0)),
        Expr::BinaryExpr(b) if matches!(b.op, Operator::Plus | Operator::Minus | Operator::DatetimeAdd | Operator::DatetimeSub) => {
            let (c, base) = time_term(&b.left)?;
            let ms = match b.right.as_ref() {
                Expr::Literal(ScalarValue::Interval(Some(v), t)) if !t.is_year_month() => *v / 1000,
                _ => return None,
            };
            Some((c, if matches!(b.op, Operator::Plus | Operator::DatetimeAdd) { base + ms } else { base - ms }))
        }
        Expr::Cast(c) => time_term(&c.expr),
        _ => None,
    }
}

/// When each side of `j` can evict its state (`None` for a side that cannot).
pub fn join_spec(j: &Join) -> JoinSpec {
    let (ls, rs) = (j.left.schema(), j.right.schema());
    let mut spec = JoinSpec { left_time: watermarked(ls), right_time: watermarked(rs), left_bound: None, right_bound: None };
    let conjuncts = j.condition.as_ref().map(|c| split_conjunction(c).into_iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
    // An equi-join key with event time on both sides bounds both states by the watermark.
    for c in &conjuncts {
        if let Expr::BinaryExpr(b) = c {
            if let (Operator::Eq, Expr::Column(a), Expr::Column(z)) = (b.op, b.left.as_ref(), b.right.as_ref()) {
                if let (Some((sa, ia)), Some((sz, iz))) = (locate(a, j), locate(z, j)) {
                    let (l, r) = match (sa, sz) {
                        (true, false) => (ia, iz),
                        (false, true) => (iz, ia),
                        _ => continue,
                    };
                    if watermark_delay_ms(&ls.field(l).field).is_some() && watermark_delay_ms(&rs.field(r).field).is_some() {
                        spec.left_bound = Some(StateBound::Key { column: l });
                        spec.right_bound = Some(StateBound::Key { column: r });
                        return spec;
                    }
                }
            }
        }
    }
    // Otherwise a range condition between the two event times bounds a side from below:
    // `lt >= rt + c` means no future right row (rt past the watermark) matches a left row
    // with lt below watermark + c.
    for c in &conjuncts {
        let Expr::BinaryExpr(b) = c else { continue };
        let (Some((ca, oa)), Some((cz, oz))) = (time_term(&b.left), time_term(&b.right)) else { continue };
        let (Some((sa, ia)), Some((sz, iz))) = (locate(ca, j), locate(cz, j)) else { continue };
        if sa == sz {
            continue;
        }
        // Orient as `big >= small + k` (strict or not).
        let (big, small, k, strict) = match b.op {
            Operator::GtEq => ((sa, ia), (sz, iz), oz - oa, false),
            Operator::Gt => ((sa, ia), (sz, iz), oz - oa, true),
            Operator::LtEq => ((sz, iz), (sa, ia), oa - oz, false),
            Operator::Lt => ((sz, iz), (sa, ia), oa - oz, true),
            _ => continue,
        };
        let ((big_left, big_i), (_, small_i)) = (big, small);
        let (big_schema, small_schema) = if big_left { (ls, rs) } else { (rs, ls) };
        let is_time = |s: &PlanSchema, i: usize| watermark_delay_ms(&s.field(i).field).is_some();
        if !is_time(big_schema, big_i) || !is_time(small_schema, small_i) {
            continue;
        }
        // Spark keeps a row exactly at a non-strict bound one more millisecond.
        let offset = if strict { k } else { k - 1 };
        let bound = Some(StateBound::Value { column: big_i, offset_ms: offset });
        let slot = if big_left { &mut spec.left_bound } else { &mut spec.right_bound };
        *slot = match (*slot, bound) {
            (Some(StateBound::Value { offset_ms: old, .. }), Some(StateBound::Value { offset_ms: new, column })) => Some(StateBound::Value { column, offset_ms: old.max(new) }),
            (_, b) => b,
        };
    }
    spec
}
