//! The physical planner: logical plans to trees of `…Exec` operators, then
//! [`ensure_requirements`] so the result is runnable. Strategies: two-phase
//! aggregation, top-K sorts, join selection (broadcast / partitioned hash join, nested
//! loop join) in `planner/join.rs`.

mod join;
mod sessions;
mod window;

use std::sync::Arc;

use arrow::compute::SortOptions;
use ember_common::{Config, Error, Result};
use ember_plan::{Expr, LogicalPlan, PlanSchema};

use crate::ensure_requirements::ensure_requirements;
use crate::execution_plan::{ExecutionPlan, TaskContext};
use crate::expressions::planner::cast_if_needed;
use crate::expressions::{create_physical_expr, evaluate_to_array, ColumnExpr, PhysicalExprRef, PhysicalSortExpr};
use crate::operators::filter::FilterExec;
use crate::operators::generate::GenerateExec;
use crate::operators::hash_aggregate::{AggregateExpr, AggregateMode, HashAggregateExec};
use crate::operators::limit::{GlobalLimitExec, LocalLimitExec};
use crate::operators::deduplicate::DeduplicateExec;
use crate::operators::event_time::EventTimeWatermarkExec;
use crate::operators::map_groups::MapGroupsExec;
use crate::operators::memory::{EmptyExec, MemoryExec};
use crate::operators::projection::ProjectionExec;
use crate::operators::sample::{SampleExec, Sampler};
use crate::operators::sort::SortExec;
use crate::operators::sort_preserving_merge::SortPreservingMergeExec;
use crate::operators::union::UnionExec;
use crate::scan_planner::ScanPlanner;

/// Turns logical plans into physical plans for one session's settings.
#[derive(Debug, Clone)]
pub struct PhysicalPlanner {
    config: Arc<Config>,
    scan_planners: Vec<Arc<dyn ScanPlanner>>,
}

impl PhysicalPlanner {
    pub fn new(config: Arc<Config>, scan_planners: Vec<Arc<dyn ScanPlanner>>) -> Self {
        PhysicalPlanner { config, scan_planners }
    }

    /// Plans `plan` and inserts the exchanges its operators need.
    pub fn create_physical_plan(&self, plan: &LogicalPlan) -> Result<Arc<dyn ExecutionPlan>> {
        let physical = self.plan(plan)?;
        ensure_requirements(physical, &self.config)
    }

    fn plan(&self, plan: &LogicalPlan) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(match plan {
            LogicalPlan::Projection(p) => {
                let input = self.plan(&p.input)?;
                let exprs = p
                    .exprs
                    .iter()
                    .zip(p.schema.fields())
                    .map(|(e, f)| Ok((create_physical_expr(e, p.input.schema())?, f.name().to_string())))
                    .collect::<Result<Vec<_>>>()?;
                Arc::new(ProjectionExec::try_new(exprs, input)?)
            }
            LogicalPlan::Filter(f) => {
                let input = self.plan(&f.input)?;
                let predicate = create_physical_expr(&f.predicate, f.input.schema())?;
                Arc::new(FilterExec::try_new(predicate, input)?)
            }
            LogicalPlan::SubqueryAlias(s) => self.plan(&s.input)?,
            LogicalPlan::TableScan(scan) => {
                let ctx = TaskContext::new(self.config.clone());
                let target = self.config.shuffle_partitions();
                for sp in &self.scan_planners {
                    if let Some(exec) = sp.plan_scan(scan, target, &ctx)? {
                        return Ok(exec);
                    }
                }
                return Err(Error::unsupported(format!("scanning table {} ({})", scan.table_name, scan.source.describe())));
            }
            LogicalPlan::Values(v) => self.plan_values(v)?,
            LogicalPlan::EmptyRelation(e) => Arc::new(EmptyExec::new(e.schema.arrow_schema().clone(), e.produce_one_row)),
            LogicalPlan::Limit(l) => {
                let input = self.plan(&l.input)?;
                let local: Arc<dyn ExecutionPlan> = match l.fetch {
                    Some(n) => Arc::new(LocalLimitExec::new(input, n.saturating_add(l.skip))),
                    None => input,
                };
                Arc::new(GlobalLimitExec::new(local, l.skip, l.fetch))
            }
            LogicalPlan::LocalLimit(l) => Arc::new(LocalLimitExec::new(self.plan(&l.input)?, l.fetch)),
            LogicalPlan::Sample(s) => self.plan_sample(s)?,
            LogicalPlan::Sort(s) => {
                let input = self.plan(&s.input)?;
                let exprs = s
                    .exprs
                    .iter()
                    .map(|e| {
                        Ok(PhysicalSortExpr {
                            expr: create_physical_expr(&e.expr, s.input.schema())?,
                            options: SortOptions { descending: !e.asc, nulls_first: e.nulls_first },
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let sorted = Arc::new(SortExec::new(exprs.clone(), input, s.fetch));
                Arc::new(SortPreservingMergeExec::new(exprs, sorted, s.fetch))
            }
            LogicalPlan::Union(u) => {
                let mut inputs = Vec::with_capacity(u.inputs.len());
                for i in &u.inputs {
                    inputs.push(self.cast_to_schema(self.plan(i)?, i.schema(), &u.schema)?);
                }
                Arc::new(UnionExec::new(inputs))
            }
            LogicalPlan::Generate(g) => {
                let input = self.plan(&g.input)?;
                let arg = create_physical_expr(&g.generator.arg, g.input.schema())?;
                Arc::new(GenerateExec::try_new(g.generator.kind, g.generator.outer, arg, g.output_names.clone(), input)?)
            }
            LogicalPlan::Aggregate(a) => {
                let input = self.plan(&a.input)?;
                self.plan_aggregate(&a.group_exprs, &a.aggr_exprs, a.input.schema(), &a.schema, input)?
            }
            LogicalPlan::Distinct(d) => {
                let input = self.plan(&d.input)?;
                let groups: Vec<Expr> = d.input.schema().columns().into_iter().map(Expr::Column).collect();
                self.plan_aggregate(&groups, &[], d.input.schema(), d.input.schema(), input)?
            }
            LogicalPlan::Deduplicate(d) => Arc::new(DeduplicateExec::new(self.plan(&d.input)?, d.key_indices()?)),
            LogicalPlan::FlatMapGroupsWithState(g) => Arc::new(MapGroupsExec::new(
                self.plan(&g.input)?,
                g.key_indices()?,
                g.func.clone(),
                g.timeout,
                g.schema.arrow_schema().clone(),
            )),
            LogicalPlan::EventTimeWatermark(w) => {
                let column = match w.column() {
                    Some(c) => w.input.schema().index_of(c)?,
                    None => return Err(Error::internal("watermark without an event-time column")),
                };
                Arc::new(EventTimeWatermarkExec::new(self.plan(&w.input)?, column, w.delay_ms))
            }
            LogicalPlan::Join(j) => join::plan_join(self, j)?,
            LogicalPlan::Window(w) => self.plan_window(w)?,
            LogicalPlan::Expand(e) => {
                let input = self.plan(&e.input)?;
                let in_schema = e.input.schema();
                let projections = e
                    .projections
                    .iter()
                    .map(|p| {
                        p.iter()
                            .zip(e.schema.fields())
                            .map(|(x, f)| {
                                let t = x.data_type(in_schema)?;
                                Ok((cast_if_needed(create_physical_expr(x, in_schema)?, &t, f.data_type()), f.name().to_string()))
                            })
                            .collect::<Result<Vec<_>>>()
                    })
                    .collect::<Result<Vec<_>>>()?;
                Arc::new(crate::operators::expand::ExpandExec::try_new(projections, input)?)
            }
            LogicalPlan::SetOperation(s) => {
                return Err(Error::internal(format!("{} must be rewritten into joins before physical planning", s.kind)));
            }
            LogicalPlan::UpdateSessions(u) => self.plan_update_sessions(u)?,
        })
    }

    fn config(&self) -> &Config {
        &self.config
    }

    /// A sample reads its whole input in one task, in partition order (see `SampleExec`).
    fn plan_sample(&self, s: &ember_plan::Sample) -> Result<Arc<dyn ExecutionPlan>> {
        use ember_plan::SampleMethod;
        let input = self.plan(&s.input)?;
        let sampler = match &s.method {
            SampleMethod::Bernoulli { lower, upper } => Sampler::Bernoulli { lower: *lower, upper: *upper },
            SampleMethod::Poisson { fraction } => Sampler::Poisson { fraction: *fraction },
            SampleMethod::Stratified { key, fractions } => {
                let key_type = key.data_type(s.input.schema())?;
                let key = create_physical_expr(key, s.input.schema())?;
                let fractions = fractions
                    .iter()
                    .filter(|(v, _)| !v.is_null())
                    .map(|(v, f)| Ok((v.cast_to(&key_type)?.to_array(1)?, *f)))
                    .collect::<Result<Vec<_>>>()?;
                Sampler::Stratified { key, fractions }
            }
        };
        Ok(Arc::new(SampleExec::new(input, sampler, s.seed)))
    }

    /// Literal rows → in-memory partitions.
    fn plan_values(&self, v: &ember_plan::Values) -> Result<Arc<dyn ExecutionPlan>> {
        let schema = v.schema.arrow_schema().clone();
        let empty = PlanSchema::empty();
        let ctx = TaskContext::new(self.config.clone());
        let one_row = arrow::record_batch::RecordBatch::try_new_with_options(
            Arc::new(arrow::datatypes::Schema::empty()),
            vec![],
            &arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(1)),
        )?;
        let mut columns = Vec::with_capacity(schema.fields().len());
        for (c, field) in schema.fields().iter().enumerate() {
            let mut pieces = Vec::with_capacity(v.rows.len());
            for row in &v.rows {
                let e = &row[c];
                let p = cast_if_needed(create_physical_expr(e, &empty)?, &e.data_type(&empty)?, field.data_type());
                pieces.push(evaluate_to_array(p.as_ref(), &one_row, &ctx)?);
            }
            let refs: Vec<&dyn arrow::array::Array> = pieces.iter().map(|a| a.as_ref()).collect();
            columns.push(if refs.is_empty() {
                arrow::array::new_empty_array(field.data_type())
            } else {
                arrow::compute::concat(&refs)?
            });
        }
        let rows = v.rows.len();
        let options = arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(rows));
        let batch = arrow::record_batch::RecordBatch::try_new_with_options(schema.clone(), columns, &options)?;
        // Contiguous slices over up to `spark.sql.shuffle.partitions` partitions, as
        // Spark's `LocalTableScanExec` parallelizes its rows, so small inline data runs
        // through the same multi-partition paths as large data.
        let slices = rows.clamp(1, self.config.shuffle_partitions().max(1));
        let partitions = (0..slices).map(|i| {
            let (start, end) = (i * rows / slices, (i + 1) * rows / slices);
            vec![batch.slice(start, end - start)]
        });
        Ok(Arc::new(MemoryExec::try_new(partitions.collect(), schema, None)?))
    }

    /// Casts (and renames) `input`'s columns to `target`'s when their types differ.
    fn cast_to_schema(&self, input: Arc<dyn ExecutionPlan>, from: &PlanSchema, target: &PlanSchema) -> Result<Arc<dyn ExecutionPlan>> {
        let same = from.fields().iter().zip(target.fields()).all(|(a, b)| a.data_type() == b.data_type());
        if same {
            return Ok(input);
        }
        let exprs = from
            .fields()
            .iter()
            .zip(target.fields())
            .enumerate()
            .map(|(i, (f, t))| (cast_if_needed(Arc::new(ColumnExpr::new(f.name(), i)), f.data_type(), t.data_type()), t.name().to_string()))
            .collect();
        Ok(Arc::new(ProjectionExec::try_new(exprs, input)?))
    }

    /// Two-phase aggregation (Partial → exchange on the keys → Final), or a single
    /// `Single`-mode aggregate when an aggregate is DISTINCT.
    fn plan_aggregate(
        &self,
        group_exprs: &[Expr],
        aggr_exprs: &[Expr],
        in_schema: &PlanSchema,
        out_schema: &PlanSchema,
        input: Arc<dyn ExecutionPlan>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let groups = group_exprs
            .iter()
            .enumerate()
            .map(|(i, g)| Ok((create_physical_expr(g, in_schema)?, out_schema.field(i).name().to_string())))
            .collect::<Result<Vec<_>>>()?;
        let mut aggs = Vec::with_capacity(aggr_exprs.len());
        for (i, a) in aggr_exprs.iter().enumerate() {
            let Expr::AggregateFunction(f) = a.unalias() else {
                return Err(Error::internal(format!("aggregate expression expected, found {a}")));
            };
            let types = f.args.iter().map(|x| x.data_type(in_schema)).collect::<Result<Vec<_>>>()?;
            let arg_types = f.func.coerce_types(&types)?;
            let args = f
                .args
                .iter()
                .zip(&types)
                .enumerate()
                .map(|(k, (x, t))| Ok(cast_if_needed(create_physical_expr(x, in_schema)?, t, arg_types.get(k).unwrap_or(t))))
                .collect::<Result<Vec<_>>>()?;
            let filter = f.filter.as_ref().map(|x| create_physical_expr(x, in_schema)).transpose()?;
            aggs.push(AggregateExpr {
                func: f.func.clone(),
                return_type: f.func.return_type(&arg_types)?,
                args,
                arg_types,
                distinct: f.distinct,
                filter,
                name: out_schema.field(group_exprs.len() + i).name().to_string(),
            });
        }
        if aggs.iter().any(|a| a.distinct) {
            return Ok(Arc::new(HashAggregateExec::try_new(AggregateMode::Single, groups, aggs, input)?));
        }
        let final_groups: Vec<(PhysicalExprRef, String)> =
            groups.iter().enumerate().map(|(i, (_, name))| (Arc::new(ColumnExpr::new(name.clone(), i)) as PhysicalExprRef, name.clone())).collect();
        let partial = Arc::new(HashAggregateExec::try_new(AggregateMode::Partial, groups, aggs.clone(), input)?);
        Ok(Arc::new(HashAggregateExec::try_new(AggregateMode::Final, final_groups, aggs, partial)?))
    }
}

#[cfg(test)]
mod tests;
