//! Catalog tables and views: their metadata ([`metadata`]), the plans reading them
//! ([`read`], [`views`]), and the statements that create, change and list them
//! ([`commands`], [`alter`], [`partitions`]).

pub mod alter;
pub mod commands;
pub mod metadata;
pub mod partitions;
pub mod read;
pub mod views;

use crate::session::Session;

impl Session {
    /// Drops the cache of the relation cached under `key` after its data or definition
    /// changed (errors ignored: the cache is only an optimization).
    pub(crate) fn uncache_relation_key(&self, key: &str) {
        let _ = crate::cache::uncache_key(self, key);
    }
}
