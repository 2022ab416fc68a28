//! The query pipeline, one function per step: analyze → optimize → physical plan →
//! run stages. Each step takes the previous step's output and nothing else.

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use ember_common::{Config, Error, Result};
use ember_datasource::FileScanPlanner;
use ember_optimizer::{Analyzer, Optimizer, RuleContext};
use ember_physical::operators::memory::MemoryScanPlanner;
use ember_physical::planner::PhysicalPlanner;
use ember_physical::ExecutionPlan;
use ember_plan::LogicalPlan;

use crate::const_eval::PhysicalConstEvaluator;
use crate::scalar_subquery::execute_scalar_subqueries;
use crate::session::Session;

fn rule_context(config: &Arc<Config>) -> RuleContext {
    RuleContext::new(config.clone()).with_evaluator(Arc::new(PhysicalConstEvaluator::new(config.clone())))
}

/// Resolves and type-checks a bound plan (inserting Spark's implicit casts).
pub(crate) fn analyze(plan: LogicalPlan, config: &Arc<Config>) -> Result<LogicalPlan> {
    Analyzer::new().execute(plan, &rule_context(config))
}

/// Rewrites an analyzed plan with the optimizer's rule batches.
pub(crate) fn optimize(plan: LogicalPlan, config: &Arc<Config>) -> Result<LogicalPlan> {
    Optimizer::new().execute(plan, &rule_context(config))
}

/// Turns an optimized plan into a runnable physical plan (exchanges included).
pub(crate) fn physical_plan(plan: &LogicalPlan, config: &Arc<Config>) -> Result<Arc<dyn ExecutionPlan>> {
    let planner = PhysicalPlanner::new(
        config.clone(),
        vec![
            Arc::new(FileScanPlanner),
            Arc::new(MemoryScanPlanner),
            Arc::new(crate::cache::CacheScanPlanner),
            Arc::new(ember_streaming::stream_batch::StreamBatchScanPlanner),
        ],
    );
    planner.create_physical_plan(plan)
}

/// Every step of one query, kept for EXPLAIN.
pub(crate) struct QueryExecution {
    pub config: Arc<Config>,
    pub analyzed: LogicalPlan,
    pub optimized: LogicalPlan,
    pub physical: Arc<dyn ExecutionPlan>,
}

impl QueryExecution {
    /// Plans a query to run: its uncorrelated scalar subqueries are executed now.
    pub fn new(session: &Session, plan: LogicalPlan) -> Result<Self> {
        Self::build(session, plan, true)
    }

    /// Plans a query only to show it (EXPLAIN): subqueries are not executed.
    pub fn for_explain(session: &Session, plan: LogicalPlan) -> Result<Self> {
        Self::build(session, plan, false)
    }

    fn build(session: &Session, plan: LogicalPlan, run_subqueries: bool) -> Result<Self> {
        if ember_streaming::streaming_relation::is_streaming(&plan) {
            return Err(Error::spark(
                "_LEGACY_ERROR_TEMP_3102",
                &[("msg", "Queries with streaming sources must be executed with writeStream.start();")],
            ));
        }
        let config = Arc::new(session.config());
        ember_plan::plan_depth::check_plan_size(&plan)?;
        let analyzed = analyze(plan, &config)?;
        let analyzed = if run_subqueries { crate::cache::substitute(session, analyzed, None)? } else { crate::cache::substitute_lazily(session, analyzed)? };
        let optimized = optimize(analyzed.clone(), &config)?;
        let physical = if run_subqueries {
            physical_plan(&execute_scalar_subqueries(optimized.clone(), session, &config)?, &config)?
        } else {
            physical_plan(&optimized, &config)?
        };
        Ok(QueryExecution { config, analyzed, optimized, physical })
    }

    /// Runs the physical plan; batches of all partitions in partition order.
    pub fn collect(&self, session: &Session) -> Result<Vec<RecordBatch>> {
        let ctx = session.task_context(self.config.clone());
        let partitions = session.scheduler().collect(&self.physical, &ctx)?;
        Ok(partitions.into_iter().flatten().filter(|b| b.num_rows() > 0).collect())
    }
}
