//! Cancelling a running query. Every task of one query shares a [`CancelToken`]
//! (reached through `TaskContext`); the batch iterators check it once per batch and
//! the scheduler between tasks, so a cancelled query stops within a batch and drops
//! what it holds. A token may carry a deadline (`ember.query.timeout`): the check
//! that finds it passed cancels the query as timed out. A session keeps a
//! [`QueryRegistry`] of its running queries' tokens for `cancel_all`.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};

use crate::execution_plan::BatchIter;

const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const TIMED_OUT: u8 = 2;

#[derive(Debug)]
struct State {
    status: AtomicU8,
    /// When the query times out, and the timeout it came from (for the message).
    deadline: Option<(Instant, Duration)>,
}

/// The cancellation flag of one query. Cheap to clone; clones share the flag.
#[derive(Debug, Clone)]
pub struct CancelToken(Arc<State>);

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new(None)
    }
}

impl CancelToken {
    /// A token of a query that starts now and times out after `timeout`, if given.
    pub fn new(timeout: Option<Duration>) -> Self {
        let deadline = timeout.and_then(|t| Some((Instant::now().checked_add(t)?, t)));
        CancelToken(Arc::new(State { status: AtomicU8::new(RUNNING), deadline }))
    }

    /// Cancels the query (from any thread). A query that timed out stays timed out.
    pub fn cancel(&self) {
        // `status` records a deadline that has passed before this cancel does.
        if self.status() != RUNNING {
            return;
        }
        let _ = self.0.status.compare_exchange(RUNNING, CANCELLED, Ordering::AcqRel, Ordering::Acquire);
    }

    fn status(&self) -> u8 {
        let s = self.0.status.load(Ordering::Acquire);
        if s != RUNNING {
            return s;
        }
        match self.0.deadline {
            Some((at, _)) if Instant::now() >= at => {
                let _ = self.0.status.compare_exchange(RUNNING, TIMED_OUT, Ordering::AcqRel, Ordering::Acquire);
                self.0.status.load(Ordering::Acquire)
            }
            _ => RUNNING,
        }
    }

    /// Whether the query was cancelled or ran past its deadline.
    pub fn is_cancelled(&self) -> bool {
        self.status() != RUNNING
    }

    /// `OPERATION_CANCELED` once the query is cancelled; the message says when it was
    /// the timeout.
    pub fn check(&self) -> Result<()> {
        match self.status() {
            RUNNING => Ok(()),
            TIMED_OUT => {
                let t = self.0.deadline.map(|(_, t)| t).unwrap_or_default();
                Err(Error::spark("OPERATION_CANCELED", &[]).context(format!(
                    "The statement ran longer than ember.query.timeout ({}) and was cancelled.",
                    format_duration(t)
                )))
            }
            _ => Err(Error::spark("OPERATION_CANCELED", &[])),
        }
    }

    /// Whether both tokens are the same query's.
    pub fn same_as(&self, other: &CancelToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// `1500ms`, `30s`, `2min`: the shortest exact spelling.
fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 60_000 == 0 && ms > 0 {
        format!("{}min", ms / 60_000)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// The tokens of a session's running queries, so that all can be cancelled at once.
/// Holds them weakly: a query that ended (its contexts dropped) disappears by itself.
#[derive(Debug, Default)]
pub struct QueryRegistry {
    running: Mutex<Vec<Weak<State>>>,
}

impl QueryRegistry {
    /// Adds the token of a query that starts now.
    pub fn register(&self, token: &CancelToken) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.retain(|w| w.strong_count() > 0);
        running.push(Arc::downgrade(&token.0));
    }

    /// Cancels every running query; returns how many there were.
    pub fn cancel_all(&self) -> usize {
        let running = std::mem::take(&mut *self.running.lock().unwrap_or_else(|p| p.into_inner()));
        let live: Vec<CancelToken> = running.iter().filter_map(|w| w.upgrade().map(CancelToken)).collect();
        live.iter().for_each(CancelToken::cancel);
        live.len()
    }
}

/// `iter` with a cancellation check before each batch; after the error it ends.
pub fn cancellable(iter: BatchIter, token: CancelToken) -> BatchIter {
    Box::new(Cancellable { inner: Some(iter), token })
}

struct Cancellable {
    /// Dropped as soon as the query is cancelled, releasing what the pipeline holds.
    inner: Option<BatchIter>,
    token: CancelToken,
}

impl Iterator for Cancellable {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        let inner = self.inner.as_mut()?;
        if let Err(e) = self.token.check() {
            self.inner = None;
            return Some(Err(e));
        }
        inner.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_and_timeout() {
        let t = CancelToken::new(None);
        assert!(t.check().is_ok());
        let reg = QueryRegistry::default();
        reg.register(&t);
        {
            let ended = CancelToken::new(None);
            reg.register(&ended);
        }
        assert_eq!(reg.cancel_all(), 1);
        let e = t.check().unwrap_err();
        assert_eq!(e.class(), "OPERATION_CANCELED");
        assert_eq!(e.sqlstate(), Some("HY008"));

        let t = CancelToken::new(Some(Duration::from_millis(1)));
        std::thread::sleep(Duration::from_millis(5));
        t.cancel();
        let e = t.check().unwrap_err();
        assert_eq!(e.class(), "OPERATION_CANCELED");
        assert!(e.to_string().contains("ember.query.timeout (1ms)"), "{e}");
    }

    #[test]
    fn cancellable_iterators_stop() {
        let t = CancelToken::new(None);
        let batches = (0..10).map(|_| Ok(RecordBatch::new_empty(Arc::new(arrow::datatypes::Schema::empty()))));
        let mut it = cancellable(Box::new(batches), t.clone());
        assert!(it.next().unwrap().is_ok());
        t.cancel();
        assert_eq!(it.next().unwrap().unwrap_err().class(), "OPERATION_CANCELED");
        assert!(it.next().is_none());
    }
}
