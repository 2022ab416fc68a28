//! Caching, as Spark's `CacheManager`: `df.cache()` / `persist()`, `CACHE TABLE`
//! register an analyzed plan; later queries whose analyzed plan contains an equal
//! subtree read the cached Arrow batches instead (an `InMemoryRelation` scan,
//! `InMemoryTableScan` in EXPLAIN). Data is materialized once, per partition, the
//! first time a query that uses it runs (or at once for an eager `CACHE TABLE`).

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_physical::operators::memory::MemoryExec;
use ember_physical::{BatchIter, ExecutionPlan, Partitioning, ScanPlanner, TaskContext};
use ember_plan::{Expr, LogicalPlan, PlanSchema, TableName, TableScan, TableSource};

use crate::session::Session;

/// A cached plan and, once computed, its batches per partition.
#[derive(Debug)]
pub struct CachedRelation {
    /// The analyzed plan whose results are cached.
    pub plan: LogicalPlan,
    state: Arc<CacheState>,
}

/// The data side of a [`CachedRelation`], shared with its scans.
#[derive(Debug)]
struct CacheState {
    /// Name shown in EXPLAIN (the table name or `dataframe`).
    name: String,
    schema: SchemaRef,
    partitions: usize,
    data: Mutex<Option<Arc<Vec<Vec<RecordBatch>>>>>,
}

impl CacheState {
    fn is_materialized(&self) -> bool {
        self.data.lock().map(|d| d.is_some()).unwrap_or(false)
    }

    fn batches(&self) -> Option<Arc<Vec<Vec<RecordBatch>>>> {
        self.data.lock().ok().and_then(|d| d.clone())
    }
}

impl CachedRelation {
    pub fn is_materialized(&self) -> bool {
        self.state.is_materialized()
    }

    /// Runs the cached plan (with every other cache applied) if not done yet.
    fn materialize(&self, session: &Session) -> Result<()> {
        if self.is_materialized() {
            return Ok(());
        }
        let config = Arc::new(session.config());
        let plan = substitute(session, self.plan.clone(), Some(self))?;
        let optimized = crate::query::optimize(plan, &config)?;
        let physical = crate::query::physical_plan(&optimized, &config)?;
        let ctx = session.task_context(config);
        let mut parts = session.scheduler().collect(&physical, &ctx)?;
        // The partition count was fixed when the relation was registered.
        parts.resize_with(self.state.partitions.max(parts.len()), Vec::new);
        let mut guard = self
            .state
            .data
            .lock()
            .map_err(|_| Error::internal("cache lock poisoned"))?;
        if guard.is_none() {
            *guard = Some(Arc::new(parts));
        }
        Ok(())
    }
}

impl TableSource for CachedRelation {
    fn schema(&self) -> SchemaRef {
        self.state.schema.clone()
    }

    fn describe(&self) -> String {
        format!("InMemoryRelation {}", self.state.name)
    }

    fn estimated_size_bytes(&self) -> Option<u64> {
        self.state.batches().map(|p| {
            p.iter()
                .flatten()
                .map(|b| b.get_array_memory_size() as u64)
                .sum()
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The cached plans of a session.
#[derive(Debug, Default)]
pub struct CacheManager {
    entries: Vec<Arc<CachedRelation>>,
    /// Plans of cached catalog tables by lower-case name: table lookups return this
    /// plan so that later queries match it.
    tables: BTreeMap<String, LogicalPlan>,
}

impl CacheManager {
    pub fn lookup(&self, plan: &LogicalPlan) -> Option<Arc<CachedRelation>> {
        self.entries.iter().find(|e| &e.plan == plan).cloned()
    }

    pub fn table_plan(&self, name: &str) -> Option<LogicalPlan> {
        self.tables.get(&name.to_ascii_lowercase()).cloned()
    }
}

/// Registers `plan` (as bound) for caching; returns the entry (existing or new).
pub(crate) fn cache_plan(
    session: &Session,
    plan: LogicalPlan,
    name: &str,
) -> Result<Arc<CachedRelation>> {
    let config = Arc::new(session.config());
    let analyzed = crate::query::analyze(plan, &config)?;
    if let Some(e) = session.cache_manager(|m| m.lookup(&analyzed))? {
        return Ok(e);
    }
    let optimized = crate::query::optimize(analyzed.clone(), &config)?;
    let partitions = crate::query::physical_plan(&optimized, &config)?
        .output_partitioning()
        .partition_count();
    let state = CacheState {
        schema: analyzed.schema().arrow_schema().clone(),
        name: name.to_string(),
        partitions,
        data: Mutex::new(None),
    };
    let relation = Arc::new(CachedRelation {
        plan: analyzed,
        state: Arc::new(state),
    });
    session.cache_manager_mut(|m| m.entries.push(relation.clone()))?;
    Ok(relation)
}

/// Caches a table or view by name; `eager` materializes it now.
pub(crate) fn cache_table(session: &Session, name: &TableName, eager: bool) -> Result<()> {
    let relation = session.relation(name)?;
    let key = Session::relation_key(&relation);
    let plan = session.relation_plan(&relation)?;
    let cached = cache_plan(session, plan.clone(), &key)?;
    session.cache_manager_mut(|m| {
        m.tables.insert(key.to_ascii_lowercase(), plan);
    })?;
    if eager {
        cached.materialize(session)?;
    }
    Ok(())
}

/// Removes the cache entry of `plan` (as bound); returns whether there was one.
pub(crate) fn uncache_plan(session: &Session, plan: &LogicalPlan) -> Result<bool> {
    let config = Arc::new(session.config());
    let analyzed = crate::query::analyze(plan.clone(), &config)?;
    session.cache_manager_mut(|m| {
        let before = m.entries.len();
        m.entries.retain(|e| e.plan != analyzed);
        before != m.entries.len()
    })
}

/// Forgets the cache of table `name` (UNCACHE TABLE).
pub(crate) fn uncache_table(session: &Session, name: &TableName) -> Result<bool> {
    let relation = session.relation(name)?;
    let key = Session::relation_key(&relation);
    if uncache_key(session, &key)? {
        return Ok(true);
    }
    let plan = session.relation_plan(&relation)?;
    uncache_plan(session, &plan)
}

/// Forgets the cache kept under a relation key (after DROP TABLE, INSERT, ALTER).
pub(crate) fn uncache_key(session: &Session, key: &str) -> Result<bool> {
    match session.cache_manager_mut(|m| m.tables.remove(&key.to_ascii_lowercase()))? {
        Some(p) => uncache_plan(session, &p),
        None => Ok(false),
    }
}

pub(crate) fn clear(session: &Session) -> Result<()> {
    session.cache_manager_mut(|m| {
        m.entries.clear();
        m.tables.clear();
    })
}

/// The scan replacing a cached subtree with output `schema`: a scan of the relation,
/// re-qualified as the subtree was. `None` when the subtree mixes qualifiers in a way
/// a scan cannot reproduce.
fn replacement(relation: &Arc<CachedRelation>, schema: &PlanSchema) -> Option<LogicalPlan> {
    let quals: Vec<Option<&str>> = schema
        .fields()
        .iter()
        .map(|f| f.qualifier.as_deref())
        .collect();
    let main = quals.iter().flatten().next().copied();
    if quals.iter().any(|q| q.is_some() && *q != main) {
        return None;
    }
    let table_name = main.unwrap_or("InMemoryRelation").to_string();
    let source: Arc<dyn TableSource> = relation.clone();
    let scan = TableScan::try_new(table_name.clone(), source, None, vec![], None).ok()?;
    let scan = LogicalPlan::TableScan(scan);
    if quals.iter().all(|q| q.is_some()) {
        return Some(scan);
    }
    let exprs: Vec<Expr> = schema
        .fields()
        .iter()
        .map(|f| {
            let c = Expr::Column(ember_plan::Column::new(Some(&table_name), f.name()));
            if f.qualifier.is_some() {
                c
            } else {
                c.alias(f.name())
            }
        })
        .collect();
    ember_plan::LogicalPlanBuilder::from(scan)
        .project(exprs)
        .ok()
        .map(|b| b.build())
}

/// Runs an optimized `plan` once and returns a scan of its batches with the same
/// output columns, or `None` when its qualifiers cannot be reproduced by a scan. A
/// query shares such a scan with its scalar subqueries (see `scalar_subquery.rs`).
pub(crate) fn materialize_shared(
    session: &Session,
    plan: &LogicalPlan,
    config: &Arc<ember_common::Config>,
) -> Result<Option<LogicalPlan>> {
    let physical = crate::query::physical_plan(plan, config)?;
    let ctx = session.task_context(config.clone());
    let parts = session.scheduler().collect(&physical, &ctx)?;
    let state = CacheState {
        schema: plan.schema().arrow_schema().clone(),
        name: "reused".to_string(),
        partitions: parts.len(),
        data: Mutex::new(Some(Arc::new(parts))),
    };
    let relation = Arc::new(CachedRelation {
        plan: plan.clone(),
        state: Arc::new(state),
    });
    Ok(replacement(&relation, plan.schema()))
}

fn replace(
    plan: LogicalPlan,
    entries: &[Arc<CachedRelation>],
    used: &mut Vec<Arc<CachedRelation>>,
) -> Result<LogicalPlan> {
    if let Some(e) = entries.iter().find(|e| e.plan == plan) {
        if let Some(r) = replacement(e, plan.schema()) {
            used.push(e.clone());
            return Ok(r);
        }
    }
    let inputs = plan.inputs();
    if inputs.is_empty() {
        return Ok(plan);
    }
    let new_inputs = inputs
        .into_iter()
        .map(|i| replace(i.as_ref().clone(), entries, used).map(Arc::new))
        .collect::<Result<Vec<_>>>()?;
    plan.with_new_inputs(new_inputs)
}

/// Replaces cached subtrees of an analyzed plan (except `skip`, the relation being
/// computed) and materializes the caches it uses.
pub(crate) fn substitute(
    session: &Session,
    plan: LogicalPlan,
    skip: Option<&CachedRelation>,
) -> Result<LogicalPlan> {
    substitute_inner(session, plan, skip, true)
}

/// [`substitute`] without materializing (for EXPLAIN).
pub(crate) fn substitute_lazily(session: &Session, plan: LogicalPlan) -> Result<LogicalPlan> {
    substitute_inner(session, plan, None, false)
}

fn substitute_inner(
    session: &Session,
    plan: LogicalPlan,
    skip: Option<&CachedRelation>,
    materialize: bool,
) -> Result<LogicalPlan> {
    let entries: Vec<Arc<CachedRelation>> = session
        .cache_manager(|m| m.entries.clone())?
        .into_iter()
        .filter(|e| !skip.is_some_and(|s| std::ptr::eq(Arc::as_ptr(e), s)))
        .collect();
    if entries.is_empty() {
        return Ok(plan);
    }
    let mut used = Vec::new();
    let out = replace(plan, &entries, &mut used)?;
    if materialize {
        for e in used {
            e.materialize(session)?;
        }
    }
    Ok(out)
}

/// Reads the batches of a cached relation (`InMemoryTableScan`).
#[derive(Debug)]
pub struct InMemoryTableScanExec {
    state: Arc<CacheState>,
    projection: Option<Vec<usize>>,
    schema: SchemaRef,
}

impl ExecutionPlan for InMemoryTableScanExec {
    fn name(&self) -> &'static str {
        "InMemoryTableScan"
    }

    fn details(&self) -> String {
        let cols: Vec<&str> = self
            .schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        format!(
            "[{}], InMemoryRelation {}, partitions={}",
            cols.join(", "),
            self.state.name,
            self.state.partitions
        )
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(
        self: Arc<Self>,
        _children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.state.partitions.max(1))
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let data = self
            .state
            .batches()
            .ok_or_else(|| Error::internal("cached relation used before it was materialized"))?;
        let parts = data.get(partition).cloned().unwrap_or_default();
        MemoryExec::try_new(
            vec![parts],
            self.state.schema.clone(),
            self.projection.clone(),
        )?
        .execute(0, ctx)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Plans scans of [`CachedRelation`]s.
#[derive(Debug, Default)]
pub struct CacheScanPlanner;

impl ScanPlanner for CacheScanPlanner {
    fn plan_scan(
        &self,
        scan: &TableScan,
        _target_partitions: usize,
        _ctx: &TaskContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let Some(relation) = scan.source.as_any().downcast_ref::<CachedRelation>() else {
            return Ok(None);
        };
        let schema = scan.schema.arrow_schema().clone();
        Ok(Some(Arc::new(InMemoryTableScanExec {
            state: relation.state.clone(),
            projection: scan.projection.clone(),
            schema,
        })))
    }
}

impl Session {
    pub(crate) fn cache_manager<T>(&self, f: impl FnOnce(&CacheManager) -> T) -> Result<T> {
        let m = self
            .state
            .cache
            .read()
            .map_err(|_| Error::internal("cache lock poisoned"))?;
        Ok(f(&m))
    }

    pub(crate) fn cache_manager_mut<T>(&self, f: impl FnOnce(&mut CacheManager) -> T) -> Result<T> {
        let mut m = self
            .state
            .cache
            .write()
            .map_err(|_| Error::internal("cache lock poisoned"))?;
        Ok(f(&mut m))
    }

    /// Caches the table or view `name` now (`CACHE TABLE name`).
    pub fn cache_table(&self, name: &str) -> Result<()> {
        cache_table(self, &TableName::parse(name), true)
    }

    /// Forgets the cached data of `name` (`UNCACHE TABLE name`).
    pub fn uncache_table(&self, name: &str) -> Result<()> {
        uncache_table(self, &TableName::parse(name)).map(|_| ())
    }

    /// Forgets every cached DataFrame and table (`CLEAR CACHE`).
    pub fn clear_cache(&self) -> Result<()> {
        clear(self)
    }
}

impl crate::dataframe::DataFrame {
    /// Marks this DataFrame's rows to be kept in memory (as Arrow batches per
    /// partition) the first time a query needs them; later queries containing this
    /// plan read them instead of recomputing. Returns the DataFrame itself.
    pub fn cache(&self) -> Result<crate::dataframe::DataFrame> {
        cache_plan(self.session(), self.logical_plan().clone(), "dataframe")?;
        Ok(self.clone())
    }

    /// Same as [`DataFrame::cache`](crate::DataFrame::cache) (memory is the only storage level).
    pub fn persist(&self) -> Result<crate::dataframe::DataFrame> {
        self.cache()
    }

    /// Drops the cached data of this DataFrame, if any.
    pub fn unpersist(&self) -> Result<crate::dataframe::DataFrame> {
        uncache_plan(self.session(), self.logical_plan())?;
        Ok(self.clone())
    }

    /// True if this DataFrame's plan is cached (Spark's `storageLevel != NONE`).
    pub fn is_cached(&self) -> Result<bool> {
        let config = Arc::new(self.session().config());
        let analyzed = crate::query::analyze(self.logical_plan().clone(), &config)?;
        self.session()
            .cache_manager(|m| m.lookup(&analyzed).is_some())
    }
}
