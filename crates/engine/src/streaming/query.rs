//! `StreamingQuery`: the handle of a running stream (stop, wait, progress, errors),
//! and `StreamingQueryManager` (`session.streams()`): the session's active queries.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ember_common::{Error, ErrorKind, Result};

use super::progress::StreamingQueryProgress;
use crate::session::Session;

/// Progress reports kept (`spark.sql.streaming.numRecentProgressUpdates`).
const RECENT_PROGRESS: usize = 100;

/// What the loop and the handles share.
#[derive(Debug, Default)]
pub(crate) struct QueryStatus {
    pub progress: VecDeque<StreamingQueryProgress>,
    pub exception: Option<(String, Option<String>, String)>,
    /// Times the loop found no new data (`process_all_available` waits for two more).
    pub idle_checks: u64,
    pub active: bool,
    pub message: String,
    pub data_available: bool,
    pub trigger_active: bool,
}

#[derive(Debug)]
pub(crate) struct QueryShared {
    pub id: String,
    pub run_id: String,
    pub name: Option<String>,
    pub stop: AtomicBool,
    pub status: Mutex<QueryStatus>,
    pub changed: Condvar,
}

impl QueryShared {
    pub fn new(id: String, run_id: String, name: Option<String>) -> Arc<Self> {
        Arc::new(QueryShared {
            id,
            run_id,
            name,
            stop: AtomicBool::new(false),
            status: Mutex::new(QueryStatus { active: true, message: "Initializing sources".into(), ..Default::default() }),
            changed: Condvar::new(),
        })
    }

    pub fn update(&self, f: impl FnOnce(&mut QueryStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
        self.changed.notify_all();
    }

    pub fn push_progress(&self, p: StreamingQueryProgress) {
        self.update(|s| {
            s.progress.push_back(p);
            while s.progress.len() > RECENT_PROGRESS {
                s.progress.pop_front();
            }
        });
    }

    fn stream_failed(&self, (class, sqlstate, message): &(String, Option<String>, String)) -> Error {
        let cause = Error::new(ErrorKind::Other { class: class.clone(), sqlstate: sqlstate.clone(), message: message.clone() });
        Error::spark(
            "STREAM_FAILED",
            &[("id", &self.id), ("runId", &self.run_id), ("message", &format!("[{class}] {message}"))],
        )
        .with_cause(cause)
    }
}

/// A running (or finished) streaming query. Clones refer to the same query.
#[derive(Debug, Clone)]
pub struct StreamingQuery {
    pub(crate) shared: Arc<QueryShared>,
    pub(crate) thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl StreamingQuery {
    /// The query's id: the same across restarts from one checkpoint.
    pub fn id(&self) -> &str {
        &self.shared.id
    }

    /// This run's id: new at every start.
    pub fn run_id(&self) -> &str {
        &self.shared.run_id
    }

    pub fn name(&self) -> Option<&str> {
        self.shared.name.as_deref()
    }

    pub fn is_active(&self) -> bool {
        self.shared.status.lock().map(|s| s.active).unwrap_or(false)
    }

    /// Stops the query between batches and waits for its thread to end.
    pub fn stop(&self) -> Result<()> {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.changed.notify_all();
        let handle = self.thread.lock().map_err(|_| Error::internal("query thread lock poisoned"))?.take();
        if let Some(h) = handle {
            let _ = h.join();
        }
        Ok(())
    }

    /// Waits until the query ends; its error if it failed (`STREAM_FAILED`).
    pub fn await_termination(&self) -> Result<()> {
        self.await_termination_timeout(None).map(|_| ())
    }

    /// Waits at most `timeout` (forever for `None`); returns whether the query ended.
    pub fn await_termination_timeout(&self, timeout: Option<Duration>) -> Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut s = self.shared.status.lock().map_err(|_| Error::internal("query status poisoned"))?;
        while s.active {
            let wait = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(w) => w,
                    None => return Ok(false),
                },
                None => Duration::from_millis(100),
            };
            s = self.shared.changed.wait_timeout(s, wait).map_err(|_| Error::internal("query status poisoned"))?.0;
        }
        match &s.exception {
            Some(e) => Err(self.shared.stream_failed(e)),
            None => Ok(true),
        }
    }

    /// Blocks until every row available when it was called has been processed (or
    /// the query ended: then its error, if any). For tests.
    pub fn process_all_available(&self) -> Result<()> {
        let mut s = self.shared.status.lock().map_err(|_| Error::internal("query status poisoned"))?;
        let target = s.idle_checks + 2;
        while s.active && s.idle_checks < target {
            s = self.shared.changed.wait_timeout(s, Duration::from_millis(50)).map_err(|_| Error::internal("query status poisoned"))?.0;
        }
        match &s.exception {
            Some(e) => Err(self.shared.stream_failed(e)),
            None => Ok(()),
        }
    }

    /// The error that stopped the query, if one did.
    pub fn exception(&self) -> Option<Error> {
        let s = self.shared.status.lock().ok()?;
        s.exception.as_ref().map(|e| self.shared.stream_failed(e))
    }

    /// The last batch's progress.
    pub fn last_progress(&self) -> Option<StreamingQueryProgress> {
        self.shared.status.lock().ok()?.progress.back().cloned()
    }

    /// The progress of the last batches (at most 100), oldest first.
    pub fn recent_progress(&self) -> Vec<StreamingQueryProgress> {
        self.shared.status.lock().map(|s| s.progress.iter().cloned().collect()).unwrap_or_default()
    }

    /// Spark's `status`: `{"message", "isDataAvailable", "isTriggerActive"}` as JSON.
    pub fn status(&self) -> String {
        match self.shared.status.lock() {
            Ok(s) => serde_json::json!({
                "message": s.message,
                "isDataAvailable": s.data_available,
                "isTriggerActive": s.trigger_active,
            })
            .to_string(),
            Err(_) => "{}".into(),
        }
    }
}

/// The session's streaming queries (`session.streams()`).
#[derive(Debug, Clone)]
pub struct StreamingQueryManager {
    pub(crate) session: Session,
}

impl StreamingQueryManager {
    /// Queries still running.
    pub fn active(&self) -> Vec<StreamingQuery> {
        self.session.streaming_queries().into_iter().filter(|q| q.is_active()).collect()
    }

    /// The active query with this id.
    pub fn get(&self, id: &str) -> Option<StreamingQuery> {
        self.active().into_iter().find(|q| q.id() == id)
    }

    /// Waits until any query of the session ends (or `timeout` passes); the error of
    /// a query that failed.
    pub fn await_any_termination(&self, timeout: Option<Duration>) -> Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let all = self.session.streaming_queries();
            if let Some(q) = all.iter().find(|q| !q.is_active()) {
                return q.await_termination_timeout(Some(Duration::ZERO));
            }
            if all.is_empty() && timeout.is_none() {
                return Ok(true);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Adds a listener for every query of the session (started from now on).
    pub fn add_listener(&self, listener: std::sync::Arc<dyn super::StreamingQueryListener>) {
        if let Ok(mut l) = self.session.state.stream_listeners.write() {
            l.push(listener);
        }
    }

    /// Removes a listener added before (compared by pointer).
    pub fn remove_listener(&self, listener: &std::sync::Arc<dyn super::StreamingQueryListener>) {
        if let Ok(mut l) = self.session.state.stream_listeners.write() {
            l.retain(|x| !std::sync::Arc::ptr_eq(x, listener));
        }
    }

    /// Forgets queries that ended, so `await_any_termination` waits for a new one.
    pub fn reset_terminated(&self) {
        self.session.retain_streaming_queries(|q| q.is_active());
    }
}
