//! `Session`: the entry point. Owns the configuration, the catalog of temporary views,
//! the function registry and the executor's thread pool.

use std::sync::{Arc, RwLock};

use ember_common::config::keys;
use ember_common::{Config, Error, Result};
use ember_execution::Scheduler;
use ember_functions::BuiltinRegistry;
use ember_plan::{LogicalPlan, Statement};
use ember_sql::Binder;

use crate::catalog::{Catalog, CatalogView};
use crate::dataframe::DataFrame;
use crate::reader::DataFrameReader;

pub(crate) struct SessionState {
    pub config: RwLock<Config>,
    pub catalog: RwLock<Catalog>,
    pub functions: &'static BuiltinRegistry,
    pub scheduler: RwLock<Scheduler>,
    pub cache: RwLock<crate::cache::CacheManager>,
    /// The database bare table names resolve in (`USE db`).
    pub current_database: RwLock<String>,
    /// Streaming queries started in this session (`session.streams()`).
    pub streams: RwLock<Vec<crate::streaming::StreamingQuery>>,
    /// `session.streams().add_listener(…)`.
    pub stream_listeners: crate::streaming::listener::Listeners,
    /// Cancellation tokens of the running queries (`cancel_all`).
    pub queries: ember_physical::QueryRegistry,
    /// The memory budget the running queries share (`ember.memory.limit`).
    pub memory: Arc<ember_physical::MemoryPool>,
    /// What the session's queries spilled, in total.
    pub spilled: Arc<ember_physical::SpillMetrics>,
}

/// An Ember session. Cheap to clone: clones share state.
#[derive(Clone)]
pub struct Session {
    pub(crate) state: Arc<SessionState>,
    /// Set while a statement or an action runs (see `running.rs`): the token every
    /// query it starts (scalar subqueries, caches, writes) is cancelled with.
    pub(crate) query: Option<ember_physical::CancelToken>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}

/// Builds a [`Session`]: `Session::builder().config(k, v).build()`.
#[derive(Debug, Default)]
pub struct SessionBuilder {
    settings: Vec<(String, String)>,
}

impl SessionBuilder {
    /// Sets a configuration key (validated at `build`).
    pub fn config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.push((key.into(), value.into()));
        self
    }

    /// Sets the number of executor threads (`ember.executor.threads`).
    pub fn threads(self, n: usize) -> Self {
        self.config(keys::EXECUTOR_THREADS, n.to_string())
    }

    pub fn build(self) -> Result<Session> {
        let mut config = Config::new();
        for (k, v) in &self.settings {
            crate::config_commands::check_time_zone(k, v)?;
            config.set(k, v)?;
        }
        Session::with_config(config, crate::tables::metadata::DEFAULT_DATABASE.to_string())
    }

    /// Same as [`SessionBuilder::build`] (Spark's spelling).
    pub fn get_or_create(self) -> Result<Session> {
        self.build()
    }
}

impl Session {
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    fn with_config(config: Config, current_database: String) -> Result<Session> {
        let scheduler = Scheduler::new(config.executor_threads())?;
        let memory = ember_physical::MemoryPool::new(config.memory_limit());
        Ok(Session {
            state: Arc::new(SessionState {
                config: RwLock::new(config),
                catalog: RwLock::new(Catalog::default()),
                functions: crate::functions::registry(),
                scheduler: RwLock::new(scheduler),
                cache: RwLock::new(crate::cache::CacheManager::default()),
                current_database: RwLock::new(current_database),
                streams: RwLock::new(Vec::new()),
                stream_listeners: Default::default(),
                queries: Default::default(),
                memory,
                spilled: Default::default(),
            }),
            query: None,
        })
    }

    /// A session with its own settings (`config`) and thread pool, in this session's
    /// database: a streaming query runs its batches in one, so settings changed after
    /// it started do not reach it (Spark clones the session the same way).
    pub(crate) fn fork(&self, config: Config) -> Result<Session> {
        let db = self.state.current_database.read().map(|d| d.clone()).unwrap_or_default();
        Session::with_config(config, db)
    }

    /// A streaming reader: `session.read_stream().format("json").schema(…).load(dir)`.
    pub fn read_stream(&self) -> crate::streaming::DataStreamReader {
        crate::streaming::DataStreamReader::new(self.clone())
    }

    /// The session's streaming queries.
    pub fn streams(&self) -> crate::streaming::StreamingQueryManager {
        crate::streaming::StreamingQueryManager { session: self.clone() }
    }

    pub(crate) fn streaming_queries(&self) -> Vec<crate::streaming::StreamingQuery> {
        self.state.streams.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub(crate) fn add_streaming_query(&self, q: crate::streaming::StreamingQuery) {
        if let Ok(mut s) = self.state.streams.write() {
            s.push(q);
        }
    }

    pub(crate) fn retain_streaming_queries(&self, keep: impl Fn(&crate::streaming::StreamingQuery) -> bool) {
        if let Ok(mut s) = self.state.streams.write() {
            s.retain(|q| keep(q));
        }
    }

    /// A snapshot of the current configuration.
    pub fn config(&self) -> Config {
        self.state.config.read().map(|c| c.clone()).unwrap_or_default()
    }

    /// Sets a configuration key (like SQL `SET key=value`); static keys such as
    /// `spark.sql.warehouse.dir` can only be given to the builder.
    pub fn set_config(&self, key: &str, value: &str) -> Result<()> {
        crate::config_commands::check_time_zone(key, value)?;
        self.update_config(|c| c.set_runtime(key, value))
    }

    /// Changes the configuration with `f`, then applies what the change needs (a new
    /// thread pool for `ember.executor.threads`).
    pub(crate) fn update_config(&self, f: impl FnOnce(&mut Config) -> Result<()>) -> Result<()> {
        let threads_before = self.config().executor_threads();
        {
            let mut cfg = self.state.config.write().map_err(|_| Error::internal("config lock poisoned"))?;
            f(&mut cfg)?;
        }
        let threads = self.config().executor_threads();
        if threads != threads_before {
            let mut s = self.state.scheduler.write().map_err(|_| Error::internal("scheduler lock poisoned"))?;
            *s = Scheduler::new(threads)?;
        }
        Ok(())
    }

    /// The session time zone (`spark.sql.session.timeZone`).
    pub fn time_zone(&self) -> String {
        self.config().time_zone()
    }

    pub(crate) fn scheduler(&self) -> Scheduler {
        self.state.scheduler.read().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn functions(&self) -> &'static BuiltinRegistry {
        self.state.functions
    }

    /// Runs one SQL statement. Queries are lazy; commands (SET, CREATE VIEW, SHOW
    /// TABLES, EXPLAIN, DESCRIBE) run now and return their output rows.
    /// A panic while binding, planning or running it fails the statement with
    /// `INTERNAL_ERROR`; the session stays usable.
    pub fn sql(&self, sql: &str) -> Result<DataFrame> {
        let statement = ember_common::catch_panic(|| self.bind(sql))?;
        let session = self.for_query();
        ember_common::catch_panic(|| session.execute_statement(statement)).map_err(|e| e.with_sql(sql))
    }

    /// Runs `sql` with its parameter markers bound to `args`: `:name` markers to
    /// [`QueryArgs::Named`](ember_sql::QueryArgs) values, `?` markers to
    /// `QueryArgs::Positional` ones in order (PySpark's `spark.sql(query, args)`).
    pub fn sql_with_args(&self, sql: &str, args: ember_sql::QueryArgs) -> Result<DataFrame> {
        let statement = ember_common::catch_panic(|| {
            let config = self.config();
            let view = CatalogView::new(self);
            Binder::new(&view, self.state.functions, &config).with_args(args.clone()).bind_sql(sql)
        })?;
        let session = self.for_query();
        ember_common::catch_panic(|| session.execute_statement(statement)).map_err(|e| e.with_sql(sql))
    }

    pub(crate) fn bind(&self, sql: &str) -> Result<Statement> {
        let config = self.config();
        let view = CatalogView::new(self);
        let binder = Binder::new(&view, self.state.functions, &config);
        binder.bind_sql(sql)
    }

    /// Binds `sql` with bare table names resolving in database `db` (a persistent
    /// view's text).
    pub(crate) fn bind_in_database(&self, sql: &str, db: &str) -> Result<Statement> {
        let config = self.config();
        let view = CatalogView { session: self, database: Some(db.to_string()) };
        let binder = Binder::new(&view, self.state.functions, &config);
        binder.bind_sql(sql)
    }

    fn execute_statement(&self, statement: Statement) -> Result<DataFrame> {
        match statement {
            Statement::Query(plan) => {
                ember_plan::plan_depth::check_plan_size(&plan)?;
                Ok(DataFrame::new(self.clone(), plan))
            }
            other => crate::commands::run_command(self, other),
        }
    }

    /// A DataFrame reader: `session.read().option("header", "true").csv("path")`.
    pub fn read(&self) -> DataFrameReader {
        DataFrameReader::new(self.clone())
    }

    /// The DataFrame of a table or view: `t` (a temporary view, else a table of the
    /// current database), `db.t`, `spark_catalog.db.t` or `global_temp.v`.
    pub fn table(&self, name: &str) -> Result<DataFrame> {
        let table = ember_plan::TableName::parse(name);
        let plan = self.table_plan(&table)?.ok_or_else(|| crate::catalog::table_not_found(&table))?;
        let plan = ember_plan::LogicalPlanBuilder::from(plan).alias(table.object())?.build();
        Ok(DataFrame::new(self.clone(), plan))
    }

    /// Names of all temporary views, sorted.
    pub fn table_names(&self) -> Vec<String> {
        self.state.catalog.read().map(|c| c.names()).unwrap_or_default()
    }

    /// The temporary view `name`'s plan, if there is one.
    pub(crate) fn temp_view(&self, name: &str) -> Option<LogicalPlan> {
        self.state.catalog.read().ok().and_then(|c| c.get(name).cloned())
    }

    /// Registers `plan` as a temporary view.
    pub(crate) fn register_view(&self, name: &str, plan: LogicalPlan, replace: bool) -> Result<()> {
        let mut cat = self.state.catalog.write().map_err(|_| Error::internal("catalog lock poisoned"))?;
        cat.register(name, plan, replace)
    }

    /// Removes a temporary view; returns whether it existed.
    pub(crate) fn drop_view(&self, name: &str) -> Result<bool> {
        let mut cat = self.state.catalog.write().map_err(|_| Error::internal("catalog lock poisoned"))?;
        Ok(cat.remove(name))
    }

    /// A single `id bigint` column with `start, start + step, …` below `end` (Spark's
    /// `spark.range`); `partitions` defaults to `spark.sql.shuffle.partitions`.
    pub fn range(&self, start: i64, end: i64, step: i64, partitions: Option<usize>) -> Result<DataFrame> {
        let spec = ember_physical::operators::range::RangeSpec::try_new(start, end, step, partitions)?;
        Ok(DataFrame::new(self.clone(), crate::catalog::range_plan(spec)?))
    }

    /// A DataFrame over Arrow record batches (one partition per batch).
    pub fn create_dataframe(&self, batches: Vec<arrow::record_batch::RecordBatch>) -> Result<DataFrame> {
        let schema = match batches.first() {
            Some(b) => b.schema(),
            None => return Err(Error::invalid_argument("create_dataframe needs at least one batch to know the schema")),
        };
        let partitions = batches.into_iter().map(|b| vec![b]).collect();
        let table = ember_physical::operators::memory::MemTable::try_new(schema, partitions)?;
        let plan = ember_plan::LogicalPlanBuilder::scan("memory", Arc::new(table))?.build();
        Ok(DataFrame::new(self.clone(), plan))
    }
}
