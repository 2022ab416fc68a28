//! The micro-batch loop (Spark's `MicroBatchExecution`), on the query's own thread.
//! Per batch N: ask each source how far its data goes; write `offsets/N`; plan the
//! query with each streaming leaf replaced by that source's rows between the last
//! and the new offset; run it (stateful aggregates read state version N and write
//! N + 1); hand the rows to the sink; write `commits/N`; report progress. A restart
//! re-runs an uncommitted batch with the offsets its log entry names, so the sink and
//! the state see every input row exactly once. With a watermark, each batch records the
//! watermark it runs with in `offsets/N` and the next one in `commits/N`; a batch that
//! moves the watermark is followed by a batch without new data that emits and evicts
//! what it closed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ember_common::tree_node::{Transformed, TreeNode};
use ember_common::{Error, Result};
use ember_physical::operators::memory::MemTable;
use ember_plan::{LogicalPlan, TableScan, TableSource};
use ember_streaming::state_store::StateStore;
use ember_physical::operators::event_time::EventTimeWatermarkExec;
use ember_physical::ExecutionPlan;
use ember_streaming::stateful_aggregate::{plan_stateful_operators, StateMetrics, StateOutput, StatefulPlanning};
use ember_streaming::stateful_specs::{has_watermark, stateful_specs};
use ember_streaming::stream_batch::StreamBatchTable;
use ember_streaming::watermark::{BatchWatermarks, MultipleWatermarkPolicy, WatermarkTracker};
use ember_streaming::streaming_relation::StreamingTableSource;
use ember_streaming::{CommitMetadata, MetadataLog, Offset, OffsetSeq, ReadLimit, Source};

use super::checks::Stateful;
use super::listener::{notify, QueryIdleEvent, QueryTerminatedEvent};
use super::progress::{iso_timestamp, SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgress};
use super::query::QueryShared;
use super::sinks::{BatchRows, Sink};
use super::{OutputMode, Trigger};
use crate::query::QueryExecution;
use crate::session::Session;

/// Settings a query keeps for its lifetime (written in every `offsets/N`).
pub(crate) const PINNED_CONF: [&str; 2] = ["spark.sql.shuffle.partitions", "spark.sql.streaming.multipleWatermarkPolicy"];

/// One streaming leaf of the plan and the source behind it.
pub(crate) struct BoundSource {
    pub leaf: Arc<dyn TableSource>,
    pub source: Arc<dyn Source>,
}

pub(crate) struct StreamExecution {
    /// Runs the batches (its own settings, pinned at start).
    pub session: Session,
    pub plan: LogicalPlan,
    pub sources: Vec<BoundSource>,
    pub sink: Box<dyn Sink>,
    pub mode: OutputMode,
    pub stateful: Stateful,
    pub trigger: Trigger,
    pub checkpoint: PathBuf,
    pub shared: Arc<QueryShared>,
    pub state: Arc<StateStore>,
    pub listeners: super::listener::Listeners,
    /// When the previous batch started (input rows per second are measured from it).
    pub previous_batch_start: Option<Instant>,
    /// The query's event-time watermark.
    pub tracker: WatermarkTracker,
    /// The watermark the last batch ran with (the next batch drops late rows against it).
    pub batch_watermark_ms: i64,
}

/// Settles the watermark after a batch: each watermark operator of the batch's plan
/// (in plan order) proposes its maximum event time minus its delay.
fn observe_watermarks(plan: &Arc<dyn ExecutionPlan>, tracker: &mut WatermarkTracker) -> Option<ember_physical::operators::event_time::EventTimeStats> {
    fn walk(p: &Arc<dyn ExecutionPlan>, out: &mut Vec<(Option<ember_physical::operators::event_time::EventTimeStats>, i64)>) {
        for c in p.children() {
            walk(c, out);
        }
        if let Some(w) = p.as_any().downcast_ref::<EventTimeWatermarkExec>() {
            out.push((w.stats(), w.delay_ms()));
        }
    }
    let mut found = Vec::new();
    walk(plan, &mut found);
    tracker.update(&found.iter().map(|(s, d)| (s.map(|s| s.max_ms), *d)).collect::<Vec<_>>());
    // The progress reports the first operator's event times (as Spark's single-watermark case).
    found.into_iter().find_map(|(s, _)| s)
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl StreamExecution {
    /// Runs until stopped, finished (`Once`, `AvailableNow`) or failed.
    pub fn run(mut self) {
        // A panic (in user code such as foreach_batch, or a bug) ends the query with
        // INTERNAL_ERROR instead of leaving it marked active forever.
        let result = ember_common::catch_panic(|| self.run_batches());
        for s in &self.sources {
            s.source.stop();
        }
        let shared = self.shared.clone();
        let event = QueryTerminatedEvent {
            id: shared.id.clone(),
            run_id: shared.run_id.clone(),
            exception: result.as_ref().err().map(|e| e.message()),
            error_class_on_exception: result.as_ref().err().map(|e| e.class()),
        };
        shared.update(|s| {
            if let Err(e) = result {
                s.exception = Some((e.class(), e.sqlstate().map(str::to_string), e.message()));
            }
            s.active = false;
            s.trigger_active = false;
            s.message = "Stopped".into();
        });
        notify(&self.listeners, |l| l.on_query_terminated(&event));
    }

    /// Does a move of the watermark call for a batch without new data (Spark's
    /// `shouldRunAnotherBatch`: a stateful operator outside complete mode, or any
    /// deduplication, under a watermark)?
    fn runs_no_data_batches(&self) -> bool {
        let enabled = self.session.config().get("spark.sql.streaming.noDataMicroBatches.enabled").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
        enabled && has_watermark(&self.plan) && (self.stateful.deduplication || self.stateful.join || self.stateful.map_groups || (self.stateful.aggregation && self.mode != OutputMode::Complete))
    }

    fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::SeqCst)
    }

    fn run_batches(&mut self) -> Result<()> {
        let offsets = MetadataLog::new(self.checkpoint.join("offsets"));
        let commits = MetadataLog::new(self.checkpoint.join("commits"));
        // Where the last run stopped.
        let last_commit = commits.latest()?;
        let mut committed: Vec<Option<Offset>> = vec![None; self.sources.len()];
        let mut next_batch: u64 = 0;
        let policy = MultipleWatermarkPolicy::parse(self.session.config().get(PINNED_CONF[1]).unwrap_or("min"))?;
        self.tracker = WatermarkTracker::new(policy);
        if let Some((id, text)) = offsets.latest()? {
            let path = offsets.dir().join(id.to_string());
            let seq = OffsetSeq::parse(&text, &path)?;
            if seq.offsets.len() != self.sources.len() {
                return Err(Error::invalid_argument(format!(
                    "The checkpoint {} was written by a query with {} sources; this query has {}. Use a new checkpoint location.",
                    self.checkpoint.display(),
                    seq.offsets.len(),
                    self.sources.len()
                )));
            }
            self.batch_watermark_ms = seq.batch_watermark_ms;
            if let Some((cid, ctext)) = last_commit.as_ref().filter(|(cid, _)| *cid == id) {
                let commit = CommitMetadata::parse(ctext, &commits.dir().join(cid.to_string()))?;
                self.tracker.set(commit.next_batch_watermark_ms);
                committed = seq.offsets;
                next_batch = id + 1;
            } else {
                // The batch runs again with the watermarks it ran with.
                self.tracker.set(seq.batch_watermark_ms);
                // Batch `id` was planned but not committed: run it again, same offsets.
                let previous = match id.checked_sub(1) {
                    Some(prev) => match offsets.get(prev)? {
                        Some(t) => Some(OffsetSeq::parse(&t, &offsets.dir().join(prev.to_string()))?),
                        None => None,
                    },
                    None => None,
                };
                self.batch_watermark_ms = previous.as_ref().map_or(0, |p| p.batch_watermark_ms);
                let start = previous.map_or_else(|| vec![None; self.sources.len()], |p| p.offsets);
                self.run_batch(id, &start, &seq, &offsets, &commits, Duration::ZERO)?;
                committed = seq.offsets;
                next_batch = id + 1;
            }
        }
        if self.trigger == Trigger::AvailableNow {
            for s in &self.sources {
                s.source.prepare_for_available_now()?;
            }
        }
        let limit = if self.trigger == Trigger::Once { ReadLimit::All } else { ReadLimit::Default };
        let interval = match &self.trigger {
            Trigger::ProcessingTime(t) => Duration::from_millis(super::interval_ms(t)?),
            _ => Duration::ZERO,
        };
        let poll = Duration::from_millis(10);
        loop {
            if self.stopped() {
                return Ok(());
            }
            let trigger_start = Instant::now();
            self.shared.update(|s| {
                s.trigger_active = true;
                s.message = "Getting offsets from sources".into();
            });
            let latest_start = Instant::now();
            let mut ends = Vec::with_capacity(self.sources.len());
            for (s, start) in self.sources.iter().zip(&committed) {
                ends.push(s.source.latest_offset(start.as_ref(), limit)?.or_else(|| start.clone()));
            }
            let latest_ms = latest_start.elapsed();
            let has_data = ends.iter().zip(&committed).any(|(e, s)| e != s);
            // A batch moved the watermark: one without new data emits and evicts what it closed.
            let watermark_moved = self.runs_no_data_batches() && self.tracker.current_ms() > self.batch_watermark_ms;
            // Processing-time timeouts fire on a batch every trigger interval, data or not.
            let timeouts_due = self.stateful.processing_time_timeouts && matches!(self.trigger, Trigger::ProcessingTime(_));
            let no_data_batch = !has_data && next_batch > 0 && (watermark_moved || timeouts_due);
            if has_data || no_data_batch {
                let conf = pinned_conf(&self.session.config());
                let seq = OffsetSeq { offsets: ends.clone(), batch_watermark_ms: self.tracker.current_ms(), batch_timestamp_ms: now_ms(), conf };
                if !offsets.add(next_batch, &seq.to_text())? {
                    return Err(Error::spark("CONCURRENT_STREAM_LOG_UPDATE", &[("batchId", &next_batch.to_string())]));
                }
                self.run_batch(next_batch, &committed, &seq, &offsets, &commits, latest_ms)?;
                committed = ends;
                next_batch += 1;
                if !has_data {
                    // A batch without new data still leaves the sources drained
                    // (`process_all_available` counts it as idle, as Spark's noNewData).
                    self.shared.update(|s| {
                        s.idle_checks += 1;
                        s.data_available = false;
                    });
                }
                if self.trigger == Trigger::Once {
                    return Ok(());
                }
            } else {
                self.shared.update(|s| {
                    s.idle_checks += 1;
                    s.data_available = false;
                    s.trigger_active = false;
                    s.message = "Waiting for data to arrive".into();
                });
                let idle = QueryIdleEvent { id: self.shared.id.clone(), run_id: self.shared.run_id.clone(), timestamp: iso_timestamp(now_ms()) };
                notify(&self.listeners, |l| l.on_query_idle(&idle));
                if matches!(self.trigger, Trigger::Once | Trigger::AvailableNow) {
                    return Ok(());
                }
            }
            // Wait for the next trigger (or poll again soon), waking early on stop.
            let wait = if interval.is_zero() {
                if has_data { Duration::ZERO } else { poll }
            } else {
                interval.saturating_sub(trigger_start.elapsed())
            };
            if !wait.is_zero() {
                let status = self.shared.status.lock().map_err(|_| Error::internal("query status poisoned"))?;
                if !self.stopped() {
                    let _ = self.shared.changed.wait_timeout(status, wait);
                }
            }
        }
    }

    /// Plans and runs batch `batch_id` from `start` to `seq.offsets`, then commits it.
    fn run_batch(
        &mut self,
        batch_id: u64,
        start: &[Option<Offset>],
        seq: &OffsetSeq,
        offsets: &MetadataLog,
        commits: &MetadataLog,
        latest_offset_time: Duration,
    ) -> Result<()> {
        let began = Instant::now();
        let started_ms = now_ms();
        let since_previous = self.previous_batch_start.replace(began).map(|p| began.duration_since(p).as_secs_f64());
        let input_rate = |rows: i64| since_previous.filter(|s| *s > 0.0).map_or(0.0, |s| rows as f64 / s);
        self.shared.update(|s| {
            s.data_available = true;
            s.trigger_active = true;
            s.message = format!("Processing new data (batch {batch_id})");
        });
        // The rows of each source for this batch.
        let get_start = Instant::now();
        let mut tables: Vec<(Arc<dyn TableSource>, Arc<dyn TableSource>)> = Vec::new();
        let mut input_rows: Vec<i64> = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            let table: Arc<dyn TableSource> = match &seq.offsets[i] {
                Some(end) if seq.offsets[i] != start[i] => s.source.get_batch(start[i].as_ref(), end)?,
                _ => Arc::new(MemTable::try_new(s.source.schema(), vec![vec![]])?),
            };
            // Rows are counted for progress; a file batch is read once, here.
            let rows = match table.as_any().downcast_ref::<MemTable>() {
                Some(m) => Arc::new(MemTable::try_new(m.schema(), m.partitions().to_vec())?),
                None => materialize(&self.session, table)?,
            };
            input_rows.push(rows.estimated_rows().unwrap_or(0) as i64);
            let batch: Arc<dyn TableSource> = Arc::new(StreamBatchTable { rows, description: s.source.describe() });
            tables.push((s.leaf.clone(), batch));
        }
        let get_batch_ms = get_start.elapsed();
        let plan_start = Instant::now();
        let plan = replace_streaming_leaves(self.plan.clone(), &tables)?;
        let mut qe = QueryExecution::new(&self.session, plan)?;
        let mut state_metrics: Vec<Arc<StateMetrics>> = Vec::new();
        let watermarked = has_watermark(&qe.optimized);
        let watermarks = BatchWatermarks { late_events_ms: self.batch_watermark_ms, eviction_ms: seq.batch_watermark_ms };
        if self.stateful.any() {
            let output = match self.mode {
                OutputMode::Complete => StateOutput::All,
                OutputMode::Update => StateOutput::Updated,
                OutputMode::Append => StateOutput::Closed,
            };
            let specs = stateful_specs(&qe.optimized)?;
            let planning = StatefulPlanning {
                store: self.state.clone(),
                batch_id,
                output,
                partitions: self.session.config().shuffle_partitions(),
                watermarks: watermarked.then_some(watermarks),
                aggregates: specs.aggregates,
                deduplications: specs.deduplications,
                joins: specs.joins,
                map_groups: specs.map_groups,
                batch_timestamp_ms: seq.batch_timestamp_ms,
            };
            let (physical, metrics) = plan_stateful_operators(qe.physical.clone(), &planning)?;
            qe.physical = physical;
            state_metrics = metrics;
        }
        let planning_ms = plan_start.elapsed();
        let add_start = Instant::now();
        let batches = qe.collect(&self.session)?;
        let rows = BatchRows { session: self.session.clone(), schema: qe.physical.schema(), batches };
        let output_rows = rows.num_rows() as i64;
        self.sink.add_batch(batch_id, &rows, self.mode)?;
        let add_ms = add_start.elapsed();
        let commit_start = Instant::now();
        let event_times = observe_watermarks(&qe.physical, &mut self.tracker);
        self.batch_watermark_ms = seq.batch_watermark_ms;
        commits.put(batch_id, &CommitMetadata { next_batch_watermark_ms: self.tracker.current_ms() }.to_text())?;
        for (s, end) in self.sources.iter().zip(&seq.offsets) {
            if let Some(end) = end {
                s.source.commit(end)?;
            }
        }
        // Keep the logs bounded (Spark's minBatchesToRetain, default 100).
        if batch_id >= 100 {
            offsets.purge_before(batch_id - 99)?;
            commits.purge_before(batch_id - 99)?;
        }
        let commit_ms = commit_start.elapsed();
        let total = began.elapsed() + latest_offset_time;
        let secs = total.as_secs_f64().max(1e-3);
        let num_input_rows: i64 = input_rows.iter().sum();
        let ms = |d: Duration| d.as_millis() as i64;
        let partitions = self.session.config().shuffle_partitions() as i64;
        let progress = StreamingQueryProgress {
            id: self.shared.id.clone(),
            run_id: self.shared.run_id.clone(),
            name: self.shared.name.clone(),
            timestamp: iso_timestamp(started_ms),
            batch_id: batch_id as i64,
            batch_duration: ms(total),
            num_input_rows,
            input_rows_per_second: input_rate(num_input_rows),
            processed_rows_per_second: num_input_rows as f64 / secs,
            duration_ms: BTreeMap::from([
                ("latestOffset".to_string(), ms(latest_offset_time)),
                ("getBatch".to_string(), ms(get_batch_ms)),
                ("queryPlanning".to_string(), ms(planning_ms)),
                ("addBatch".to_string(), ms(add_ms)),
                ("commitOffsets".to_string(), ms(commit_ms)),
                ("triggerExecution".to_string(), ms(total)),
            ]),
            event_time: match (watermarked, event_times) {
                (false, _) => BTreeMap::new(),
                (true, None) => BTreeMap::from([("watermark".to_string(), iso_timestamp(seq.batch_watermark_ms))]),
                (true, Some(t)) => BTreeMap::from([
                    ("avg".to_string(), iso_timestamp(t.avg_ms as i64)),
                    ("max".to_string(), iso_timestamp(t.max_ms)),
                    ("min".to_string(), iso_timestamp(t.min_ms)),
                    ("watermark".to_string(), iso_timestamp(seq.batch_watermark_ms)),
                ]),
            },
            state_operators: state_metrics
                .iter()
                .map(|m| StateOperatorProgress {
                    operator_name: m.operator_name.to_string(),
                    num_rows_total: m.num_rows_total.load(Ordering::Relaxed) as i64,
                    num_rows_updated: m.num_rows_updated.load(Ordering::Relaxed) as i64,
                    num_rows_removed: m.num_rows_removed.load(Ordering::Relaxed) as i64,
                    memory_used_bytes: m.memory_used_bytes.load(Ordering::Relaxed) as i64,
                    num_rows_dropped_by_watermark: m.num_rows_dropped_by_watermark.load(Ordering::Relaxed) as i64,
                    num_shuffle_partitions: partitions,
                    num_state_store_instances: partitions,
                })
                .collect(),
            sources: self
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| SourceProgress {
                    description: s.source.describe(),
                    start_offset: start[i].as_ref().map(|o| o.json()),
                    end_offset: seq.offsets[i].as_ref().map(|o| o.json()),
                    latest_offset: seq.offsets[i].as_ref().map(|o| o.json()),
                    num_input_rows: input_rows[i].max(0),
                    input_rows_per_second: input_rate(input_rows[i].max(0)),
                    processed_rows_per_second: input_rows[i].max(0) as f64 / secs,
                })
                .collect(),
            sink: SinkProgress {
                description: self.sink.describe(),
                num_output_rows: if self.sink.reports_output_rows() { output_rows } else { -1 },
            },
        };
        notify(&self.listeners, |l| l.on_query_progress(&progress));
        self.shared.push_progress(progress);
        Ok(())
    }
}

/// A source's batch table read into memory.
fn materialize(session: &Session, table: Arc<dyn TableSource>) -> Result<Arc<MemTable>> {
    let schema = table.schema();
    let plan = ember_plan::LogicalPlanBuilder::scan("batch", table)?.build();
    let batches = QueryExecution::new(session, plan)?.collect(session)?;
    let parts = if batches.is_empty() { vec![vec![]] } else { batches.into_iter().map(|b| vec![b]).collect() };
    Ok(Arc::new(MemTable::try_new(schema, parts)?))
}

/// The values of [`PINNED_CONF`] in effect (defaults included).
pub(crate) fn pinned_conf(config: &ember_common::Config) -> BTreeMap<String, String> {
    BTreeMap::from([
        (PINNED_CONF[0].to_string(), config.shuffle_partitions().to_string()),
        (PINNED_CONF[1].to_string(), config.get(PINNED_CONF[1]).unwrap_or("min").to_string()),
    ])
}

/// `plan` with each streaming leaf in `tables` replaced by a scan of its batch table.
fn replace_streaming_leaves(plan: LogicalPlan, tables: &[(Arc<dyn TableSource>, Arc<dyn TableSource>)]) -> Result<LogicalPlan> {
    plan.transform_up(|p| match &p {
        LogicalPlan::TableScan(scan) if scan.source.as_any().is::<StreamingTableSource>() => {
            let Some((_, table)) = tables.iter().find(|(leaf, _)| Arc::ptr_eq(leaf, &scan.source)) else {
                return Err(Error::internal(format!("streaming leaf {} has no source", scan.table_name)));
            };
            let new = TableScan::try_new(&scan.table_name, table.clone(), scan.projection.clone(), scan.filters.clone(), scan.fetch)?;
            Ok(Transformed::yes(LogicalPlan::TableScan(new)))
        }
        _ => Ok(Transformed::no(p)),
    })
    .map(|t| t.data)
}
