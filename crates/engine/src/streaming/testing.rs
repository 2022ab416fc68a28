//! `StreamTest`: a small language for testing streaming queries, after Spark's
//! `StreamTest`: add rows to a memory source, check what the sink holds or what the
//! last batch wrote, stop and restart the query (from the same checkpoint), and expect
//! failures. A failed check panics (like `assert!`) with a dump of the actions, the
//! sink's rows and the query's last progress and error.
//!
//! ```
//! use std::sync::Arc;
//! use arrow::array::Int64Array;
//! use arrow::datatypes::{DataType, Field, Schema};
//! use arrow::record_batch::RecordBatch;
//! use ember::streaming::testing::{StreamAction::*, StreamTest};
//! use ember::streaming::OutputMode;
//! use ember::{col, Session};
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Int64, true)]));
//! let rows = |v: Vec<i64>| RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(v))]).unwrap();
//! let session = Session::builder().build().unwrap();
//! let test = StreamTest::new(&session, schema.clone(), OutputMode::Complete, |df| {
//!     df.group_by([col("v")]).count()
//! });
//! test.run(vec![
//!     AddData(rows(vec![1, 2, 1])),
//!     CheckAnswer(vec!["1, 2", "2, 1"]),
//!     StopStream,
//!     AddData(rows(vec![2])),
//!     StartStream,
//!     CheckLastBatch(vec!["1, 2", "2, 2"]),
//! ]);
//! ```

use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use super::{MemoryStream, OutputMode, StreamingQuery};
use crate::dataframe::DataFrame;
use crate::session::Session;
use ember_common::Result;

/// One step of a stream test.
pub enum StreamAction {
    /// Adds rows to the memory source (the query sees them in a later batch).
    AddData(RecordBatch),
    /// Processes everything available, then checks all rows the sink received
    /// (append/update: every batch's rows; complete: the last batch), in any order.
    CheckAnswer(Vec<&'static str>),
    /// Same, with rows given as `String`s.
    CheckAnswerRows(Vec<String>),
    /// Processes everything available, then checks the rows of the last batch.
    CheckLastBatch(Vec<&'static str>),
    /// Checks the number of batches run so far in this run of the query.
    CheckBatches(usize),
    /// Stops the query (its checkpoint stays).
    StopStream,
    /// Starts the query again from its checkpoint.
    StartStream,
    /// Processes everything available and expects the query to fail with this error
    /// class (`STREAM_FAILED`'s cause).
    ExpectFailure(&'static str),
    /// Runs a closure (to add files, change settings, …).
    Execute(Box<dyn Fn() -> Result<()>>),
}

impl std::fmt::Debug for StreamAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamAction::AddData(b) => write!(f, "AddData({} rows)", b.num_rows()),
            StreamAction::CheckAnswer(r) => write!(f, "CheckAnswer({r:?})"),
            StreamAction::CheckAnswerRows(r) => write!(f, "CheckAnswerRows({r:?})"),
            StreamAction::CheckLastBatch(r) => write!(f, "CheckLastBatch({r:?})"),
            StreamAction::CheckBatches(n) => write!(f, "CheckBatches({n})"),
            StreamAction::StopStream => write!(f, "StopStream"),
            StreamAction::StartStream => write!(f, "StartStream"),
            StreamAction::ExpectFailure(c) => write!(f, "ExpectFailure({c})"),
            StreamAction::Execute(_) => write!(f, "Execute(…)"),
        }
    }
}

type Batches = Arc<Mutex<Vec<(i64, Vec<String>)>>>;
type Build = Box<dyn Fn(DataFrame) -> Result<DataFrame>>;

/// A streaming query over a memory source, its sink's rows kept for checks.
pub struct StreamTest {
    session: Session,
    input: MemoryStream,
    mode: OutputMode,
    build: Build,
    checkpoint: std::path::PathBuf,
    batches: Batches,
}

impl StreamTest {
    /// The query `build(source)` in `mode`, over a memory source of `schema`.
    pub fn new(session: &Session, schema: SchemaRef, mode: OutputMode, build: impl Fn(DataFrame) -> Result<DataFrame> + 'static) -> Self {
        let checkpoint = std::env::temp_dir().join(format!("ember-stream-test-{}", crate::writer::committer::random_uuid()));
        StreamTest { session: session.clone(), input: MemoryStream::new(schema), mode, build: Box::new(build), checkpoint, batches: Arc::default() }
    }

    fn start(&self) -> Result<StreamingQuery> {
        let source = self.session.read_stream().memory(&self.input)?;
        let sink = self.batches.clone();
        let time_zone = self.session.time_zone();
        (self.build)(source)?
            .write_stream()
            .output_mode(self.mode)
            .option("checkpointLocation", self.checkpoint.to_string_lossy())
            .foreach_batch(move |df, id| {
                let mut rows: Vec<String> = crate::format::golden_rows(&df.collect()?, &time_zone).into_iter().map(|r| r.replace('\t', ", ")).collect();
                rows.sort();
                if let Ok(mut b) = sink.lock() {
                    b.retain(|(bid, _)| *bid != id); // a re-run batch replaces its rows
                    b.push((id, rows));
                }
                Ok(())
            })
            .start()
    }

    /// The rows the sink holds now.
    fn answer(&self) -> Vec<String> {
        let b = self.batches.lock().map(|b| b.clone()).unwrap_or_default();
        let mut rows: Vec<String> = if self.mode == OutputMode::Complete {
            b.last().map(|(_, r)| r.clone()).unwrap_or_default()
        } else {
            b.into_iter().flat_map(|(_, r)| r).collect()
        };
        rows.sort();
        rows
    }

    /// Runs `actions` in order; panics with a dump at the first that fails.
    #[track_caller]
    pub fn run(&self, actions: Vec<StreamAction>) {
        let mut query: Option<StreamingQuery> = None;
        for (step, action) in actions.iter().enumerate() {
            let fail = |why: String, query: &Option<StreamingQuery>| -> ! {
                let mut dump = format!("stream test failed at step {step}: {why}\n\nactions:\n");
                for (i, a) in actions.iter().enumerate() {
                    dump.push_str(&format!("{} {a:?}\n", if i == step { "=>" } else { "  " }));
                }
                dump.push_str(&format!("\nsink rows ({:?} mode):\n", self.mode));
                for r in self.answer() {
                    dump.push_str(&format!("  {r}\n"));
                }
                if let Some(q) = query {
                    if let Some(p) = q.last_progress() {
                        dump.push_str(&format!("\nlast progress:\n{}\n", p.pretty_json()));
                    }
                    if let Some(e) = q.exception() {
                        dump.push_str(&format!("\nquery error: {e}\n"));
                    }
                }
                let _ = std::fs::remove_dir_all(&self.checkpoint);
                panic!("{dump}");
            };
            let ensure_started = |query: &mut Option<StreamingQuery>| -> std::result::Result<(), String> {
                if query.is_none() {
                    *query = Some(self.start().map_err(|e| format!("start failed: {e}"))?);
                }
                Ok(())
            };
            let check = |expected: Vec<String>, last_only: bool, query: &mut Option<StreamingQuery>| -> std::result::Result<(), String> {
                ensure_started(query)?;
                if let Some(q) = query {
                    q.process_all_available().map_err(|e| format!("query failed: {e}"))?;
                }
                let mut expected = expected;
                expected.sort();
                let got = if last_only {
                    self.batches.lock().map(|b| b.last().map(|(_, r)| r.clone()).unwrap_or_default()).unwrap_or_default()
                } else {
                    self.answer()
                };
                if got != expected {
                    return Err(format!("expected {expected:?}\n   got {got:?}"));
                }
                Ok(())
            };
            let result: std::result::Result<(), String> = match action {
                StreamAction::AddData(b) => self.input.add_batch(b.clone()).map(|_| ()).map_err(|e| e.to_string()),
                StreamAction::CheckAnswer(rows) => check(rows.iter().map(|r| r.to_string()).collect(), false, &mut query),
                StreamAction::CheckAnswerRows(rows) => check(rows.clone(), false, &mut query),
                StreamAction::CheckLastBatch(rows) => check(rows.iter().map(|r| r.to_string()).collect(), true, &mut query),
                StreamAction::CheckBatches(n) => {
                    let ran = query.as_ref().map(|q| q.recent_progress().len()).unwrap_or(0);
                    if ran == *n { Ok(()) } else { Err(format!("expected {n} batches in this run, got {ran}")) }
                }
                StreamAction::StopStream => match query.take() {
                    Some(q) => q.stop().map_err(|e| e.to_string()),
                    None => Err("StopStream: the query is not running".into()),
                },
                StreamAction::StartStream => {
                    if query.is_some() {
                        Err("StartStream: the query is already running".into())
                    } else {
                        ensure_started(&mut query)
                    }
                }
                StreamAction::ExpectFailure(class) => {
                    match ensure_started(&mut query) {
                        Err(e) if e.contains(class) => Ok(()),
                        Err(e) => Err(e),
                        Ok(()) => match query.as_ref().map(|q| q.process_all_available()) {
                            Some(Err(e)) if e.cause().map(|c| c.class()).as_deref() == Some(*class) || e.class() == *class => {
                                query = None;
                                Ok(())
                            }
                            Some(Err(e)) => Err(format!("expected failure {class}, got {e}")),
                            _ => Err(format!("expected failure {class}, but the query processed everything")),
                        },
                    }
                }
                StreamAction::Execute(f) => f().map_err(|e| e.to_string()),
            };
            if let Err(why) = result {
                fail(why, &query);
            }
        }
        if let Some(q) = query {
            let _ = q.stop();
        }
        let _ = std::fs::remove_dir_all(&self.checkpoint);
    }
}
