//! Catalog tables: persistent tables in the warehouse directory (`spark.sql.warehouse.dir`),
//! their metadata ([`metadata`]), the plans reading them ([`read`]) and the table
//! statements ([`commands`]).

pub mod commands;
pub mod metadata;
pub mod read;

use ember_common::Result;
use ember_plan::LogicalPlan;

use crate::session::Session;

impl Session {
    /// True if a temporary view `name` exists.
    pub(crate) fn has_temp_view(&self, name: &str) -> bool {
        self.state
            .catalog
            .read()
            .map(|c| c.get(name).is_some())
            .unwrap_or(false)
    }

    /// The plan of a temporary view, else of a catalog table (not the cached one).
    pub(crate) fn table_plan_uncached(&self, name: &str) -> Result<LogicalPlan> {
        if let Some(p) = self
            .state
            .catalog
            .read()
            .ok()
            .and_then(|c| c.get(name).cloned())
        {
            return Ok(p);
        }
        let name = strip_default(name);
        match metadata::load(&self.config(), name)? {
            Some(meta) => read::table_plan(&meta, &self.time_zone()),
            None => Err(crate::catalog::table_not_found(name, &self.table_names())),
        }
    }

    /// Drops the cache of table `name` after its data changed (errors ignored: the
    /// cache is only an optimization).
    pub(crate) fn uncache_table_data(&self, name: &str) {
        let _ = crate::cache::uncache_table(self, name);
    }

    /// Names of the catalog tables in the warehouse, sorted.
    pub fn catalog_table_names(&self) -> Vec<String> {
        metadata::list(&self.config())
    }
}

/// `spark_catalog.default.t` and `default.t` name table `t`.
pub(crate) fn strip_default(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    for prefix in ["spark_catalog.default.", "default."] {
        if lower.starts_with(prefix) {
            return &name[prefix.len()..];
        }
    }
    name
}
