//! `StreamingQueryListener`: user code told when a query of the session starts,
//! finishes a batch, idles, and ends (`session.streams().add_listener(…)`).

use std::sync::{Arc, RwLock};

use super::progress::StreamingQueryProgress;

/// A query started (`start()` returns after listeners saw this).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryStartedEvent {
    pub id: String,
    pub run_id: String,
    pub name: Option<String>,
    /// ISO-8601 UTC.
    pub timestamp: String,
}

/// A query ended: stopped, finished its trigger, or failed.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerminatedEvent {
    pub id: String,
    pub run_id: String,
    /// The error's message, when the query failed.
    pub exception: Option<String>,
    pub error_class_on_exception: Option<String>,
}

/// A query checked its sources and found nothing new.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryIdleEvent {
    pub id: String,
    pub run_id: String,
    pub timestamp: String,
}

/// Receives the events of every streaming query of a session. Calls come from the
/// queries' threads; keep them short.
pub trait StreamingQueryListener: Send + Sync {
    fn on_query_started(&self, _event: &QueryStartedEvent) {}
    fn on_query_progress(&self, _progress: &StreamingQueryProgress) {}
    fn on_query_idle(&self, _event: &QueryIdleEvent) {}
    fn on_query_terminated(&self, _event: &QueryTerminatedEvent) {}
}

/// A session's listeners, shared with its queries' threads.
pub(crate) type Listeners = Arc<RwLock<Vec<Arc<dyn StreamingQueryListener>>>>;

/// Calls `f` on every listener.
pub(crate) fn notify(listeners: &Listeners, f: impl Fn(&dyn StreamingQueryListener)) {
    let all = listeners.read().map(|l| l.clone()).unwrap_or_default();
    for l in all {
        f(l.as_ref());
    }
}
