//! Uncorrelated scalar subqueries run before the query that uses them (as Spark's
//! `ScalarSubquery` is evaluated once before its plan executes) and are replaced by
//! their value. Correlated ones were turned into joins by the optimizer.

use std::sync::Arc;

use arrow::array::new_null_array;
use ember_common::{Config, Error, ErrorKind, Result, Transformed, TreeNode, TreeNodeRecursion};
use ember_plan::subquery_plans::{contains_subquery, map_subquery_plans};
use ember_plan::{Expr, LogicalPlan, ScalarValue};

use crate::query::physical_plan;
use crate::session::Session;

/// `plan` with every scalar subquery replaced by its value; output names are kept.
pub(crate) fn execute_scalar_subqueries(plan: LogicalPlan, session: &Session, config: &Arc<Config>) -> Result<LogicalPlan> {
    if !contains_subquery(&plan) {
        return Ok(plan);
    }
    let plan = share_common_aggregates(plan, session, config)?;
    let out = plan.transform_up(|node| {
        if !node.expressions().iter().any(|e| e.contains_subquery()) {
            return Ok(Transformed::no(node));
        }
        let is_projection = matches!(node, LogicalPlan::Projection(_));
        node.map_expressions(|e| {
            let name = e.output_name();
            let t = e.transform_up(|x| match x {
                Expr::ScalarSubquery(s) => Ok(Transformed::yes(Expr::Literal(run(&s.plan, session, config)?))),
                other => Ok(Transformed::no(other)),
            })?;
            Ok(match t.data {
                e if is_projection && t.transformed && e.output_name() != name => Transformed::yes(e.alias(name)),
                e => Transformed::new(e, t.transformed),
            })
        })
    })?;
    Ok(out.data)
}

/// Computes once each grouped aggregate that both the query and one of its scalar
/// subqueries compute (a CTE used in both, as TPC-H Q15's `revenue0`), and lets both
/// read the result: Spark reuses the identical exchange for the same effect
/// (`ReuseExchangeAndSubquery`). The largest shared subtrees are taken first.
fn share_common_aggregates(mut plan: LogicalPlan, session: &Session, config: &Arc<Config>) -> Result<LogicalPlan> {
    let mut candidates: Vec<LogicalPlan> = Vec::new();
    plan.apply(|node| {
        for e in node.expressions() {
            e.apply(|x| {
                if let Expr::ScalarSubquery(s) = x {
                    s.plan.apply(|p| {
                        if matches!(p, LogicalPlan::Aggregate(a) if !a.group_exprs.is_empty()) && !candidates.contains(p) {
                            candidates.push(p.clone());
                        }
                        Ok(TreeNodeRecursion::Continue)
                    })?;
                }
                Ok(TreeNodeRecursion::Continue)
            })?;
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    candidates.sort_by_key(|c| std::cmp::Reverse(node_count(c)));
    for c in candidates {
        // The query's own nodes only: `apply` does not enter subquery plans.
        if !plan.exists(|p| p == &c) {
            continue;
        }
        let Some(scan) = crate::cache::materialize_shared(session, &c, config)? else { continue };
        let swap = |p: LogicalPlan| p.transform_down(|n| Ok(if n == c { Transformed::yes(scan.clone()) } else { Transformed::no(n) })).map(|t| t.data);
        plan = swap(plan)?;
        plan = map_subquery_plans(plan, &mut |p| swap(p))?.data;
    }
    Ok(plan)
}

fn node_count(plan: &LogicalPlan) -> usize {
    1 + plan.inputs().iter().map(|i| node_count(i)).sum::<usize>()
}

/// The single value of an optimized subquery plan: NULL for no rows, an error for more.
fn run(plan: &LogicalPlan, session: &Session, config: &Arc<Config>) -> Result<ScalarValue> {
    let plan = execute_scalar_subqueries(plan.clone(), session, config)?;
    let physical = physical_plan(&plan, config)?;
    let ctx = session.task_context(config.clone());
    let batches: Vec<_> = session.scheduler().collect(&physical, &ctx)?.into_iter().flatten().filter(|b| b.num_rows() > 0).collect();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    let value = match rows {
        0 => {
            let t = plan.schema().field(0).data_type().clone();
            ScalarValue::try_from_array(new_null_array(&t, 1).as_ref(), 0)
        }
        1 => ScalarValue::try_from_array(batches[0].column(0).as_ref(), 0),
        _ => Err(Error::new(ErrorKind::ScalarSubqueryTooManyRows)),
    }?;
    // the value keeps the subquery's interval type (`interval hour`), which its array lacks
    Ok(match plan.schema().fields().first().and_then(|f| ember_common::interval_type::IntervalType::of_field(&f.field)) {
        Some(t) => value.with_interval_type(t),
        None => value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe_scans(plan: &LogicalPlan) -> Vec<String> {
        let mut out = Vec::new();
        let _ = plan.apply(|p| {
            if let LogicalPlan::TableScan(t) = p {
                out.push(t.source.describe());
            }
            Ok(TreeNodeRecursion::Continue)
        });
        out
    }

    #[test]
    fn an_aggregate_shared_with_a_scalar_subquery_is_computed_once() {
        let session = Session::builder().build().unwrap();
        let sql = "WITH rev AS (SELECT id % 3 AS k, sum(id) AS total FROM range(10) GROUP BY id % 3) \
                   SELECT k FROM rev WHERE total = (SELECT max(total) FROM rev)";
        let df = session.sql(sql).unwrap();
        let config = Arc::new(session.config());
        let optimized = crate::query::optimize(crate::query::analyze(df.logical_plan().clone(), &config).unwrap(), &config).unwrap();
        let shared = share_common_aggregates(optimized, &session, &config).unwrap();
        assert_eq!(describe_scans(&shared), vec!["InMemoryRelation reused".to_string()]);
        let mut in_subquery = Vec::new();
        let _ = map_subquery_plans(shared.clone(), &mut |p| {
            in_subquery.extend(describe_scans(&p));
            Ok(p)
        });
        assert_eq!(in_subquery, vec!["InMemoryRelation reused".to_string()]);
        let done = execute_scalar_subqueries(shared, &session, &config).unwrap();
        assert!(!contains_subquery(&done));
    }
}
