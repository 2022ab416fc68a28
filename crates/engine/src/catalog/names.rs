//! Name resolution, as Spark's session catalog does it: a one-part name is a
//! temporary view, else a table or view of the current database; `db.t` and
//! `spark_catalog.db.t` are database `db`'s; `global_temp.v` is a global temporary
//! view. Database and table names are case-insensitive and stored lower-case.

use std::collections::BTreeMap;
use std::sync::{LazyLock, RwLock};

use ember_common::{Error, Result};
use ember_plan::table_name::{GLOBAL_TEMP_DATABASE, SESSION_CATALOG};
use ember_plan::{LogicalPlan, QualifiedName, TableName};

use crate::session::Session;
use crate::tables::metadata::{self, TableMeta};

/// What a name denotes.
pub(crate) enum Relation {
    /// A session temporary view.
    TempView { name: String, plan: LogicalPlan },
    /// A view in `global_temp`, shared by the sessions of the process.
    GlobalTempView { name: String, plan: LogicalPlan },
    /// A persistent table or view.
    Catalog(TableMeta),
}

/// Where a name points, before looking anything up.
pub(crate) enum Target {
    /// A bare name that may be a temporary view (checked first).
    Bare(String),
    GlobalTemp(String),
    Persistent(QualifiedName),
}

/// Global temporary views by lower-case name, shared by every session of the process.
static GLOBAL_TEMP_VIEWS: LazyLock<RwLock<BTreeMap<String, (String, LogicalPlan)>>> = LazyLock::new(|| RwLock::new(BTreeMap::new()));

fn poisoned() -> Error {
    Error::internal("catalog lock poisoned")
}

/// Registers a global temporary view.
pub(crate) fn register_global_temp(name: &str, plan: LogicalPlan, replace: bool) -> Result<()> {
    let mut views = GLOBAL_TEMP_VIEWS.write().map_err(|_| poisoned())?;
    let key = name.to_ascii_lowercase();
    if !replace && views.contains_key(&key) {
        return Err(Error::spark("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", &[("relationName", &format!("`{GLOBAL_TEMP_DATABASE}`.`{name}`"))]));
    }
    views.insert(key, (name.to_string(), plan));
    Ok(())
}

pub(crate) fn global_temp_view(name: &str) -> Option<LogicalPlan> {
    GLOBAL_TEMP_VIEWS.read().ok().and_then(|v| v.get(&name.to_ascii_lowercase()).map(|(_, p)| p.clone()))
}

pub(crate) fn drop_global_temp(name: &str) -> Result<bool> {
    Ok(GLOBAL_TEMP_VIEWS.write().map_err(|_| poisoned())?.remove(&name.to_ascii_lowercase()).is_some())
}

/// Names of the global temporary views, sorted.
pub(crate) fn global_temp_names() -> Vec<String> {
    GLOBAL_TEMP_VIEWS.read().map(|v| v.values().map(|(n, _)| n.clone()).collect()).unwrap_or_default()
}

/// `spark_catalog requires a single-part namespace` for names with too many parts.
fn bad_namespace(name: &TableName) -> Error {
    let namespace = &name.parts[..name.parts.len().saturating_sub(1)];
    Error::spark("REQUIRES_SINGLE_PART_NAMESPACE", &[("sessionCatalog", SESSION_CATALOG), ("identifier", &ember_plan::table_name::quote_parts(namespace))])
}

impl Session {
    /// The database bare names resolve in (`USE db`).
    pub fn current_database(&self) -> String {
        self.state.current_database.read().map(|d| d.clone()).unwrap_or_else(|_| metadata::DEFAULT_DATABASE.to_string())
    }

    pub(crate) fn set_current_database(&self, db: &str) -> Result<()> {
        *self.state.current_database.write().map_err(|_| poisoned())? = db.to_string();
        Ok(())
    }

    /// Where `name` points.
    pub(crate) fn target(&self, name: &TableName) -> Result<Target> {
        let lower: Vec<String> = name.parts.iter().map(|p| p.to_ascii_lowercase()).collect();
        Ok(match lower.as_slice() {
            [t] => Target::Bare(t.clone()),
            [db, t] if db == GLOBAL_TEMP_DATABASE => Target::GlobalTemp(t.clone()),
            [db, t] => Target::Persistent(QualifiedName::new(db, t)),
            [cat, db, t] if cat == SESSION_CATALOG => {
                if db == GLOBAL_TEMP_DATABASE {
                    Target::GlobalTemp(t.clone())
                } else {
                    Target::Persistent(QualifiedName::new(db, t))
                }
            }
            _ => return Err(bad_namespace(name)),
        })
    }

    /// The catalog name of a persistent table or view called `name` (a bare name is in
    /// the current database).
    pub(crate) fn qualify(&self, name: &TableName) -> Result<QualifiedName> {
        match self.target(name)? {
            Target::Bare(t) => Ok(QualifiedName::new(self.current_database(), t)),
            Target::Persistent(q) => Ok(q),
            // `global_temp` holds only global temporary views, no tables.
            Target::GlobalTemp(_) => Err(schema_not_found(GLOBAL_TEMP_DATABASE)),
        }
    }

    /// What `name` denotes, or `None`.
    pub(crate) fn lookup_relation(&self, name: &TableName) -> Result<Option<Relation>> {
        let config = self.config();
        Ok(match self.target(name)? {
            Target::Bare(t) => match self.temp_view(&t) {
                Some(plan) => Some(Relation::TempView { name: t, plan }),
                None => metadata::load(&config, &QualifiedName::new(self.current_database(), t))?.map(Relation::Catalog),
            },
            Target::GlobalTemp(t) => global_temp_view(&t).map(|plan| Relation::GlobalTempView { name: t, plan }),
            Target::Persistent(q) => metadata::load(&config, &q)?.map(Relation::Catalog),
        })
    }

    /// What `name` denotes, or TABLE_OR_VIEW_NOT_FOUND.
    pub(crate) fn relation(&self, name: &TableName) -> Result<Relation> {
        self.lookup_relation(name)?.ok_or_else(|| crate::catalog::table_not_found(name))
    }

    /// The persistent table or view `name`, or TABLE_OR_VIEW_NOT_FOUND.
    pub(crate) fn catalog_table(&self, name: &TableName) -> Result<TableMeta> {
        let q = self.qualify(name)?;
        metadata::load(&self.config(), &q)?.ok_or_else(|| crate::catalog::table_not_found(name))
    }

    /// The key a relation's cache entry is kept under.
    pub(crate) fn relation_key(relation: &Relation) -> String {
        match relation {
            Relation::TempView { name, .. } => name.clone(),
            Relation::GlobalTempView { name, .. } => format!("{GLOBAL_TEMP_DATABASE}.{name}"),
            Relation::Catalog(meta) => meta.qualified().to_string(),
        }
    }

    /// The plan reading `relation` (not the cached one), aliased by its name.
    pub(crate) fn relation_plan(&self, relation: &Relation) -> Result<LogicalPlan> {
        match relation {
            Relation::TempView { plan, .. } | Relation::GlobalTempView { plan, .. } => Ok(plan.clone()),
            Relation::Catalog(meta) if meta.is_view() => crate::tables::views::view_plan(self, meta),
            Relation::Catalog(meta) => crate::tables::read::table_plan(meta, &self.time_zone()),
        }
    }

    /// The plan of `name` for a query: the cached plan if `CACHE TABLE` registered one.
    pub(crate) fn table_plan(&self, name: &TableName) -> Result<Option<LogicalPlan>> {
        let Some(relation) = self.lookup_relation(name)? else { return Ok(None) };
        let key = Session::relation_key(&relation);
        if let Some(p) = self.cache_manager(|m| m.table_plan(&key))? {
            return Ok(Some(p));
        }
        self.relation_plan(&relation).map(Some)
    }

    /// Fails with SCHEMA_NOT_FOUND unless database `db` exists.
    pub(crate) fn require_database(&self, db: &str) -> Result<metadata::DatabaseMeta> {
        metadata::load_database(&self.config(), db)?.ok_or_else(|| schema_not_found(db))
    }
}

/// SCHEMA_NOT_FOUND for database `db`.
pub(crate) fn schema_not_found(db: &str) -> Error {
    Error::spark("SCHEMA_NOT_FOUND", &[("schemaName", &ember_plan::table_name::quote_parts(&[SESSION_CATALOG, db]))])
}
