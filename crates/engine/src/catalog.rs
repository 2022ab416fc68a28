//! The session catalog: temporary views by case-insensitive name, and the binder's
//! view of it (tables, views and `format.\`path\`` file tables).

use std::collections::BTreeMap;
use std::sync::Arc;

use ember_common::{suggest, Error, ErrorKind, Result};
use ember_datasource::{FileFormat, FileTable, ReadOptions};
use ember_plan::{CatalogLookup, LogicalPlan, LogicalPlanBuilder};

use crate::session::Session;

/// Temporary views.
#[derive(Debug, Default)]
pub struct Catalog {
    views: BTreeMap<String, (String, LogicalPlan)>,
}

impl Catalog {
    pub fn register(&mut self, name: &str, plan: LogicalPlan, replace: bool) -> Result<()> {
        let key = name.to_ascii_lowercase();
        if !replace && self.views.contains_key(&key) {
            return Err(Error::new(ErrorKind::TableOrViewAlreadyExists { name: name.to_string() }));
        }
        self.views.insert(key, (name.to_string(), plan));
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&LogicalPlan> {
        self.views.get(&name.to_ascii_lowercase()).map(|(_, p)| p)
    }

    pub fn remove(&mut self, name: &str) -> bool {
        self.views.remove(&name.to_ascii_lowercase()).is_some()
    }

    /// Names as they were registered, sorted case-insensitively.
    pub fn names(&self) -> Vec<String> {
        self.views.values().map(|(n, _)| n.clone()).collect()
    }
}

/// TABLE_OR_VIEW_NOT_FOUND with the closest names.
pub fn table_not_found(name: &str, known: &[String]) -> Error {
    let suggestions = suggest::closest(name, known.iter().map(|s| s.as_str()), 5);
    Error::new(ErrorKind::TableOrViewNotFound { name: name.to_string(), suggestions })
}

/// What the binder sees of a session.
pub(crate) struct CatalogView<'a> {
    pub session: &'a Session,
}

impl CatalogLookup for CatalogView<'_> {
    fn table(&self, name: &str) -> Result<Option<LogicalPlan>> {
        let cat = self.session.state.catalog.read().map_err(|_| Error::internal("catalog lock poisoned"))?;
        Ok(cat.get(name).cloned())
    }

    fn table_names(&self) -> Vec<String> {
        self.session.table_names()
    }

    fn file_table(&self, format: &str, path: &str) -> Result<LogicalPlan> {
        let format = FileFormat::from_name(format)?;
        let table = FileTable::try_new(format, vec![path.to_string()], ReadOptions::new(), None)?;
        Ok(LogicalPlanBuilder::scan(&crate::reader::relation_name(path), Arc::new(table))?.build())
    }
}
