//! `DataStreamWriter`: `df.write_stream().format(…).output_mode(…).option(…)
//! .trigger(…).start()` checks the query for its output mode and sink, opens (or
//! resumes) its checkpoint and starts the micro-batch loop on its own thread.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ember_common::tree_node::{TreeNode, TreeNodeRecursion};
use ember_common::{Error, Result};
use ember_datasource::ReadOptions;
use ember_plan::{LogicalPlan, TableSource};
use ember_streaming::checkpoint::read_or_create_query_id;
use ember_streaming::file_source::{FileStreamSource, StreamFileFormat};
use ember_streaming::socket_source::SocketSource;
use ember_streaming::rate_source::{RateMicroBatchSource, RateSource};
use ember_streaming::state_store::StateStore;
use ember_streaming::streaming_relation::StreamingTableSource;
use ember_streaming::{OffsetSeq, Source};

use super::checks::check_streaming_plan;
use super::execution::{BoundSource, StreamExecution, PINNED_CONF};
use super::query::{QueryShared, StreamingQuery};
use super::sinks::{ConsoleSink, FileSink, ForeachBatchFn, ForeachBatchSink, MemorySink, Sink};
use super::{OutputMode, OutputModeArg, Trigger};
use crate::dataframe::DataFrame;
use crate::writer::committer::random_uuid;

/// Starts a streaming query over a streaming DataFrame.
pub struct DataStreamWriter {
    df: DataFrame,
    format: Option<String>,
    output_mode: Option<String>,
    options: BTreeMap<String, String>,
    partition_by: Vec<String>,
    trigger: Trigger,
    query_name: Option<String>,
    foreach_batch: Option<ForeachBatchFn>,
}

impl std::fmt::Debug for DataStreamWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataStreamWriter").field("format", &self.format).field("trigger", &self.trigger).finish_non_exhaustive()
    }
}

impl DataStreamWriter {
    pub(crate) fn new(df: DataFrame) -> Self {
        DataStreamWriter {
            df,
            format: None,
            output_mode: None,
            options: BTreeMap::new(),
            partition_by: vec![],
            trigger: Trigger::Default,
            query_name: None,
            foreach_batch: None,
        }
    }

    /// `parquet`, `json`, `csv`, `console`, `memory` (default parquet, as Spark).
    pub fn format(mut self, format: &str) -> Self {
        self.format = Some(format.trim().to_ascii_lowercase());
        self
    }

    /// `append` (default), `update` or `complete`, or an [`OutputMode`].
    pub fn output_mode(mut self, mode: impl Into<OutputModeArg>) -> Self {
        self.output_mode = Some(mode.into().0);
        self
    }

    /// `checkpointLocation`, `path`, and the sink's options.
    pub fn option(mut self, key: &str, value: impl ToString) -> Self {
        self.options.insert(key.to_string(), value.to_string());
        self
    }

    pub fn options<'a>(mut self, options: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (k, v) in options {
            self.options.insert(k.to_string(), v.to_string());
        }
        self
    }

    pub fn partition_by<S: AsRef<str>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.partition_by = columns.into_iter().map(|c| c.as_ref().to_string()).collect();
        self
    }

    pub fn trigger(mut self, trigger: Trigger) -> Self {
        self.trigger = trigger;
        self
    }

    /// The query's name (and the memory sink's table name).
    pub fn query_name(mut self, name: &str) -> Self {
        self.query_name = Some(name.to_string());
        self
    }

    /// Hands each micro-batch to `f(rows, batch_id)` instead of a sink format.
    pub fn foreach_batch(mut self, f: impl FnMut(DataFrame, i64) -> Result<()> + Send + 'static) -> Self {
        self.foreach_batch = Some(Box::new(f));
        self
    }

    fn option_value(&self, key: &str) -> Option<String> {
        self.options.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.clone())
    }

    /// Starts the query with its output written to `path`.
    pub fn start_path(mut self, path: &str) -> Result<StreamingQuery> {
        self.options.insert("path".into(), path.to_string());
        self.start()
    }

    /// Checks and starts the query.
    pub fn start(mut self) -> Result<StreamingQuery> {
        let session = self.df.session().clone();
        let plan = self.df.logical_plan().clone();
        let mode = OutputMode::parse(self.output_mode.as_deref().unwrap_or("append"))?;
        let stateful = check_streaming_plan(&plan, mode)?;
        let plan = super::event_time::distinct_as_deduplicate(plan)?;
        if let Trigger::ProcessingTime(t) = &self.trigger {
            super::interval_ms(t)?;
        }
        let format = match (&self.foreach_batch, &self.format) {
            (Some(_), _) => "foreachBatch".to_string(),
            (None, Some(f)) => f.clone(),
            (None, None) => "parquet".to_string(),
        };
        let is_file = matches!(format.as_str(), "parquet" | "json" | "csv");
        if is_file && mode != OutputMode::Append {
            return Err(Error::spark("STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE", &[("outputMode", mode.name()), ("className", &format)]));
        }
        if format == "memory" && self.query_name.is_none() {
            return Err(Error::invalid_argument("queryName must be specified for memory sink"));
        }
        // The checkpoint: given, or under spark.sql.streaming.checkpointLocation, or
        // a temporary one (memory/console/foreachBatch only, as in Spark).
        let config = session.config();
        let checkpoint: PathBuf = match self.option_value("checkpointLocation") {
            Some(c) => PathBuf::from(c),
            None => match (config.get("spark.sql.streaming.checkpointLocation"), &self.query_name) {
                (Some(root), Some(name)) => PathBuf::from(root).join(name),
                _ if is_file => {
                    return Err(Error::legacy(
                        "_LEGACY_ERROR_TEMP_1164",
                        "checkpointLocation must be specified either through option(\"checkpointLocation\", ...) or SparkSession.conf.set(\"spark.sql.streaming.checkpointLocation\", ...)",
                    ))
                }
                _ => std::env::temp_dir().join(format!("temporary-{}", random_uuid())),
            },
        };
        let checkpoint = std::path::absolute(&checkpoint).map_err(|e| Error::invalid_argument(format!("bad checkpoint location: {e}")))?;
        let id = read_or_create_query_id(&checkpoint, random_uuid)?;
        for q in session.streaming_queries().iter().filter(|q| q.is_active()) {
            if q.id() == id {
                return Err(Error::legacy(
                    "_LEGACY_ERROR_TEMP_STREAMING_ALREADY_ACTIVE",
                    format!("Cannot start query with id {id} as another query with same id is already active. Perhaps you are attempting to restart a query from checkpoint that is already active."),
                ));
            }
            if let (Some(a), Some(b)) = (q.name(), &self.query_name) {
                if a == b {
                    return Err(Error::legacy(
                        "_LEGACY_ERROR_TEMP_STREAMING_ALREADY_ACTIVE",
                        format!("Cannot start query with name {b} as a query with that name is already active in this SparkSession"),
                    ));
                }
            }
        }
        // Settings pinned by the checkpoint win over the session's (as in Spark).
        let mut stream_config = config.clone();
        let offsets = ember_streaming::MetadataLog::new(checkpoint.join("offsets"));
        if let Some((bid, text)) = offsets.latest()? {
            let seq = OffsetSeq::parse(&text, &offsets.dir().join(bid.to_string()))?;
            for key in PINNED_CONF {
                if let Some(v) = seq.conf.get(key) {
                    stream_config.set(key, v)?;
                }
            }
        }
        let stream_session = session.fork(stream_config)?;
        let sources = bind_sources(&plan, &checkpoint, &stream_session.config())?;
        let sink: Box<dyn Sink> = match self.foreach_batch.take() {
            Some(f) => Box::new(ForeachBatchSink::new(f)),
            None => match format.as_str() {
                "parquet" | "json" | "csv" => {
                    let path = self.option_value("path").ok_or_else(|| Error::invalid_argument("'path' is not specified"))?;
                    let mut opts = self.options.clone();
                    opts.retain(|k, _| !k.eq_ignore_ascii_case("path") && !k.eq_ignore_ascii_case("checkpointLocation"));
                    let opts = opts.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
                    Box::new(FileSink::try_new(&path, &format, opts, self.partition_by.clone())?)
                }
                "memory" => {
                    let name = self.query_name.clone().unwrap_or_default();
                    Box::new(MemorySink::try_new(session.clone(), &name, self.df.schema())?)
                }
                "console" => Box::new(ConsoleSink::try_new(&self.options)?),
                other => {
                    return Err(Error::new(ember_common::ErrorKind::Other {
                        class: "DATA_SOURCE_NOT_FOUND".into(),
                        sqlstate: Some("42K02".into()),
                        message: format!("Failed to find the data source: {other}. Streaming sinks: parquet, json, csv, console, memory, foreachBatch."),
                    }))
                }
            },
        };
        let shared = QueryShared::new(id, random_uuid(), self.query_name.clone());
        let exec = StreamExecution {
            session: stream_session,
            plan,
            sources,
            sink,
            mode,
            stateful,
            trigger: self.trigger.clone(),
            state: Arc::new(StateStore::new(checkpoint.join("state"), 100)),
            checkpoint,
            shared: shared.clone(),
            listeners: session.state.stream_listeners.clone(),
            previous_batch_start: None,
            tracker: ember_streaming::watermark::WatermarkTracker::new(ember_streaming::watermark::MultipleWatermarkPolicy::Min),
            batch_watermark_ms: 0,
        };
        let started = super::listener::QueryStartedEvent {
            id: shared.id.clone(),
            run_id: shared.run_id.clone(),
            name: shared.name.clone(),
            timestamp: super::progress::iso_timestamp(super::execution::now_ms()),
        };
        super::listener::notify(&session.state.stream_listeners, |l| l.on_query_started(&started));
        let name = format!("stream-execution-{}", self.query_name.as_deref().unwrap_or(&shared.id[..8.min(shared.id.len())]));
        let handle = std::thread::Builder::new()
            .name(name)
            .stack_size(16 << 20)
            .spawn(move || exec.run())
            .map_err(|e| Error::internal(format!("cannot start the stream thread: {e}")))?;
        let query = StreamingQuery { shared, thread: Arc::new(Mutex::new(Some(handle))) };
        session.add_streaming_query(query.clone());
        Ok(query)
    }
}

/// Every streaming leaf of `plan` with its source, built beside the checkpoint
/// (`sources/<i>` in plan order).
fn bind_sources(plan: &LogicalPlan, checkpoint: &std::path::Path, config: &ember_common::Config) -> Result<Vec<BoundSource>> {
    let mut leaves: Vec<Arc<dyn TableSource>> = Vec::new();
    plan.apply(|p| {
        if let LogicalPlan::TableScan(s) = p {
            if s.source.as_any().is::<StreamingTableSource>() && !leaves.iter().any(|l| Arc::ptr_eq(l, &s.source)) {
                leaves.push(s.source.clone());
            }
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    let mut out = Vec::with_capacity(leaves.len());
    for (i, leaf) in leaves.into_iter().enumerate() {
        let Some(st) = leaf.as_any().downcast_ref::<StreamingTableSource>() else { continue };
        let log_dir = checkpoint.join("sources").join(i.to_string());
        let mut options = ReadOptions::new();
        for (k, v) in &st.spec.options {
            options.set(k, v);
        }
        let source: Arc<dyn Source> = match (&st.prebuilt, st.spec.format.as_str()) {
            (Some(s), _) => s.clone(),
            (None, "rate") => Arc::new(RateSource::try_new(&options, &config.time_zone(), config.shuffle_partitions(), log_dir)?),
            (None, "rate-micro-batch") => Arc::new(RateMicroBatchSource::try_new(&options, &config.time_zone(), config.shuffle_partitions())?),
            (None, "socket") => Arc::new(SocketSource::try_new(&options, &config.time_zone())?),
            (None, f) => {
                let path = st.spec.path.clone().ok_or_else(|| Error::invalid_argument("'path' is not specified"))?;
                Arc::new(FileStreamSource::try_new(&path, StreamFileFormat::from_name(f)?, st.schema.clone(), options, log_dir)?)
            }
        };
        out.push(BoundSource { leaf, source });
    }
    Ok(out)
}
