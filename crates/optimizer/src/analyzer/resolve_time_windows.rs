//! `ResolveTimeWindows`: Spark's `TimeWindowing` and `SessionWindowing` rules. An
//! operator using `window(ts, …)` or `session_window(ts, gap)` reads a `window` /
//! `session_window` column that a projection below it computes; a sliding window makes
//! one copy of each row per window that can hold it (an `Expand`), and a filter keeps
//! the rows whose window holds them (rows with a NULL time, and sessions with a NULL or
//! non-positive gap, have none). An aggregate grouped by a session window gets an
//! `UpdateSessions` below it that merges the sessions of each group key.
//!
//! ```text
//! SELECT window(ts, '10 seconds', '5 seconds'), count(*) FROM t GROUP BY 1
//! before:  Aggregate [window(ts, 10 seconds, 5 seconds)], [count(1)]
//!          +- Relation t[ts]
//! after:   Aggregate [window], [count(1)]
//!          +- Filter isnotnull(window)
//!             +- Expand [[window_at(ts, 0), ts], [window_at(ts, 1), ts]], [window, ts]
//!                +- Relation t[ts]
//! ```
//!
//! A plain rewrite into projection, expand, filter and aggregate, so a streaming
//! micro-batch runs it like any batch query. Runs after type coercion, which has cast
//! the time column to a timestamp.

use std::sync::Arc;

use ember_common::{Error, Result, Transformed, TreeNode, TreeNodeRecursion};
use ember_plan::expr::ScalarFunction;
use ember_plan::session_window::SessionWindowFunction;
use ember_plan::time_window::{is_time_window_call, TimeWindowSpec, WindowAtFunction, SESSION_COLUMN, WINDOW_COLUMN};
use ember_plan::{Column, Expand, Expr, Filter, LogicalPlan, Projection, UpdateSessions};

use crate::rule::{Rule, RuleContext};

/// Expands `window` and `session_window` calls. See the module docs.
pub struct ResolveTimeWindows;

impl Rule for ResolveTimeWindows {
    fn name(&self) -> &'static str {
        "resolve_time_windows"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(resolve_node)
    }
}

fn resolve_node(node: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    let mut calls: Vec<ScalarFunction> = Vec::new();
    for e in node.expressions() {
        e.apply(&mut |x: &Expr| {
            if let Expr::ScalarFunction(f) = x {
                if is_time_window_call(x) && !calls.contains(f) {
                    calls.push(f.clone());
                }
            }
            Ok(TreeNodeRecursion::Continue)
        })?;
    }
    let call = match calls.as_slice() {
        [] => return Ok(Transformed::no(node)),
        [call] => call.clone(),
        _ => return Err(Error::spark("_LEGACY_ERROR_TEMP_1039", &[])),
    };
    let inputs = node.inputs();
    let [child] = inputs.as_slice() else { return Ok(Transformed::no(node)) };
    let child = Arc::clone(child);
    let session = call.func.name() == "session_window";
    let name = if session { SESSION_COLUMN } else { WINDOW_COLUMN };
    let column = Expr::Column(Column::new(None, name));
    let exprs = node
        .expressions()
        .into_iter()
        .map(|e| {
            e.clone()
                .transform_up(|x| match &x {
                    Expr::ScalarFunction(f) if f == &call => Ok(Transformed::yes(column.clone())),
                    _ => Ok(Transformed::no(x)),
                })
                .map(|t| t.data)
        })
        .collect::<Result<Vec<_>>>()?;
    let passed: Vec<Expr> = child.schema().fields().iter().map(|f| Expr::Column(f.column())).collect();
    let windows = if session {
        let own = SessionWindowFunction::resolved_call(call.args.clone());
        let projected = Projection::try_new(std::iter::once(own.alias(name)).chain(passed).collect(), child)?;
        let filtered = LogicalPlan::Filter(Filter::try_new(Expr::IsNotNull(Box::new(column.clone())), Arc::new(LogicalPlan::Projection(projected)))?);
        match &node {
            LogicalPlan::Aggregate(a) => {
                let keys = exprs[..a.group_exprs.len()].iter().filter(|g| g.unalias() != &column).cloned().collect();
                LogicalPlan::UpdateSessions(UpdateSessions::try_new(Arc::new(filtered), keys, Column::new(None, name))?)
            }
            _ => filtered,
        }
    } else {
        let spec = TimeWindowSpec::from_args(&call.args)?;
        let time = call.args[0].clone();
        let n = spec.overlapping();
        let below = if n == 1 {
            let own = WindowAtFunction::call(spec, time, 0).alias(name);
            LogicalPlan::Projection(Projection::try_new(std::iter::once(own).chain(passed).collect(), child)?)
        } else {
            let mut names = vec![(None, name.to_string())];
            names.extend(child.schema().fields().iter().map(|f| (f.qualifier.clone(), f.name().to_string())));
            let projections = (0..n).map(|i| std::iter::once(WindowAtFunction::call(spec, time.clone(), i)).chain(passed.iter().cloned()).collect()).collect();
            LogicalPlan::Expand(Expand::try_new(child, projections, names)?)
        };
        LogicalPlan::Filter(Filter::try_new(Expr::IsNotNull(Box::new(column.clone())), Arc::new(below))?)
    };
    Ok(Transformed::yes(node.with_new_exprs(exprs, vec![Arc::new(windows)])?))
}
