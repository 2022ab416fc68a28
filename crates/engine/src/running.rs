//! Running queries of a session and how to stop them. Each statement or action runs
//! with one [`CancelToken`] (with `ember.query.timeout`'s deadline), registered in the
//! session so `session.cancel_all()` reaches it; everything the action runs on the
//! way (scalar subqueries, caches, writes) uses the same token through
//! `TaskContext`, as do the session's memory pool and the query's spill files.

use std::sync::Arc;

use ember_common::Config;
use ember_physical::{CancelToken, MemoryPool, SpillManager, SpillMetrics, TaskContext};

use crate::session::Session;

impl Session {
    /// Cancels every query this session is running (from any thread): each fails with
    /// `OPERATION_CANCELED` within a batch. Returns how many were running. The session
    /// stays usable; the next query runs normally.
    pub fn cancel_all(&self) -> usize {
        self.state.queries.cancel_all()
    }

    /// This session as seen by one running statement or action: queries started
    /// through it share one cancellation token. Inside a running one it is that one.
    pub(crate) fn for_query(&self) -> Session {
        if self.query.is_some() {
            return self.clone();
        }
        Session { state: self.state.clone(), query: Some(self.new_query_token()) }
    }

    /// This session without a running query's token (what a DataFrame keeps).
    pub(crate) fn without_query(self) -> Session {
        Session { state: self.state, query: None }
    }

    /// A token for a query starting now, registered for `cancel_all`.
    fn new_query_token(&self) -> CancelToken {
        let token = CancelToken::new(self.config().query_timeout());
        self.state.queries.register(&token);
        token
    }

    /// The context the tasks of a query run with, cancelled with the running
    /// statement (or with a token of its own outside one), reserving memory from the
    /// session's pool under the query's `ember.memory.limit`.
    pub(crate) fn task_context(&self, config: Arc<Config>) -> TaskContext {
        let token = self.query.clone().unwrap_or_else(|| self.new_query_token());
        self.state.memory.set_limit(config.memory_limit());
        let spill = SpillManager::with_metrics(config.spill_dir(), self.state.spilled.clone());
        TaskContext { spill: Arc::new(spill), ..TaskContext::with_resources(config, token, self.state.memory.clone()) }
    }

    /// What this session's queries have spilled to disk so far (files, rows, bytes).
    pub fn spill_metrics(&self) -> &Arc<SpillMetrics> {
        &self.state.spilled
    }

    /// The memory pool this session's queries reserve from: what they hold now
    /// (`reserved()`) and at most (`peak()`).
    pub fn memory_pool(&self) -> &Arc<MemoryPool> {
        &self.state.memory
    }
}
