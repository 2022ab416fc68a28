//! `PushDownFilter`: moves filter conjuncts as close to the data as they can go, and
//! into scans that can use them.
//!
//! ```text
//! before:  Filter ((b > 1) AND (x = 2))        after:  Project [(a + 1) AS x, b]
//!          +- Project [(a + 1) AS x, b]                +- Filter ((b > 1) AND ((a + 1) = 2))
//!             +- Relation t                               +- Relation t
//! ```
//!
//! Conjuncts are pushed one by one:
//! - through a Projection, with its aliases substituted (not through a
//!   non-deterministic expression);
//! - through a SubqueryAlias, requalified to the input's columns (`s.a` → `t.a`);
//! - through a Sort without fetch, a Distinct;
//! - into every input of a Union, columns renamed by position;
//! - through an Aggregate with grouping, if they read group-by columns only;
//! - through a Generate, if they do not read the generated columns;
//! - through a Window, if they read its partition-by columns only;
//! - into join inputs and conditions, per join type (see `join.rs`);
//! - into a TableScan (without fetch): added to `scan.filters` when the source can use
//!   them, and kept above unless the source applies them exactly.
//!
//! Only the deterministic conjuncts before the first non-deterministic one move, as
//! in Spark, so `rand()` is evaluated on the same rows.

mod join;

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::split_conjunction_owned;
use ember_plan::{conjunction, Expr, Filter, FilterPushdown, LogicalPlan, Projection, TableScan, Union};

use crate::rule::{Rule, RuleContext};
use crate::utils::{column_at, replace_columns, split_deterministic};

pub struct PushDownFilter;

impl Rule for PushDownFilter {
    fn name(&self) -> &'static str {
        "push_down_filter"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_down(|node| match node {
            LogicalPlan::Filter(f) => push_filter(f),
            LogicalPlan::Join(j) => match join::push_join(&j, vec![])? {
                Some((p, _)) => Ok(Transformed::yes(p)),
                None => Ok(Transformed::no(LogicalPlan::Join(j))),
            },
            other => Ok(Transformed::no(other)),
        })
    }
}

/// `Filter(conjuncts)` over `input`, or `input` when there are none.
fn with_filter(conjuncts: Vec<Expr>, input: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
    Ok(match conjunction(conjuncts) {
        Some(p) => Arc::new(LogicalPlan::Filter(Filter::try_new(p, input)?)),
        None => input,
    })
}

/// Splits `candidates` into those `rewrite` can express below (rewritten) and the rest.
fn partition_rewrite(candidates: Vec<Expr>, rewrite: &dyn Fn(&Expr) -> Option<Expr>) -> (Vec<Expr>, Vec<Expr>) {
    let mut pushed = Vec::new();
    let mut kept = Vec::new();
    for c in candidates {
        match rewrite(&c) {
            Some(r) => pushed.push(r),
            None => kept.push(c),
        }
    }
    (pushed, kept)
}

fn push_filter(f: Filter) -> Result<Transformed<LogicalPlan>> {
    let (candidates, fixed) = split_deterministic(split_conjunction_owned(f.predicate.clone()));
    if candidates.is_empty() {
        return Ok(Transformed::no(LogicalPlan::Filter(f)));
    }
    let input = f.input.as_ref();
    // The new input, and the candidates that stay in the filter.
    let (new_input, mut kept): (LogicalPlan, Vec<Expr>) = match input {
        LogicalPlan::Projection(p) => {
            let (pushed, kept) = partition_rewrite(candidates, &|c| {
                replace_columns(c, &p.schema, &|i| {
                    let e = p.exprs[i].unalias();
                    e.is_deterministic().then(|| e.clone())
                })
            });
            if pushed.is_empty() {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            (LogicalPlan::Projection(Projection::try_new(p.exprs.clone(), with_filter(pushed, p.input.clone())?)?), kept)
        }
        LogicalPlan::SubqueryAlias(s) => {
            let inner = s.input.schema();
            let (pushed, kept) = partition_rewrite(candidates, &|c| replace_columns(c, &s.schema, &|i| column_at(inner, i)));
            if pushed.is_empty() {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            (input.with_new_inputs(vec![with_filter(pushed, s.input.clone())?])?, kept)
        }
        LogicalPlan::Sort(s) if s.fetch.is_none() => (input.with_new_inputs(vec![with_filter(candidates, s.input.clone())?])?, vec![]),
        LogicalPlan::Distinct(d) => (input.with_new_inputs(vec![with_filter(candidates, d.input.clone())?])?, vec![]),
        LogicalPlan::Union(u) => {
            let per_input = |c: &Expr| -> Option<Vec<Expr>> {
                u.inputs.iter().map(|i| replace_columns(c, &u.schema, &|k| column_at(i.schema(), k))).collect()
            };
            let mut pushed: Vec<Vec<Expr>> = vec![Vec::new(); u.inputs.len()];
            let mut kept = Vec::new();
            for c in candidates {
                match per_input(&c) {
                    Some(rewritten) => rewritten.into_iter().enumerate().for_each(|(n, r)| pushed[n].push(r)),
                    None => kept.push(c),
                }
            }
            if pushed.iter().all(|p| p.is_empty()) {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            let inputs = u.inputs.iter().zip(pushed).map(|(i, p)| with_filter(p, i.clone())).collect::<Result<Vec<_>>>()?;
            (LogicalPlan::Union(Union::try_new(inputs)?), kept)
        }
        LogicalPlan::Aggregate(a) if !a.group_exprs.is_empty() => {
            let (pushed, kept) = partition_rewrite(candidates, &|c| {
                replace_columns(c, &a.schema, &|i| {
                    let g = a.group_exprs.get(i)?.unalias();
                    g.is_deterministic().then(|| g.clone())
                })
            });
            if pushed.is_empty() {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            (input.with_new_inputs(vec![with_filter(pushed, a.input.clone())?])?, kept)
        }
        LogicalPlan::Window(w) => {
            // Only conjuncts over partition-by columns: they keep or drop whole
            // partitions, so the window values of the rows left do not change.
            let inner = w.input.schema();
            let keys: Vec<usize> = w
                .partition_by()
                .iter()
                .filter_map(|p| match p {
                    Expr::Column(c) => inner.find(c),
                    _ => None,
                })
                .collect();
            let (pushed, kept) =
                partition_rewrite(candidates, &|c| replace_columns(c, &w.schema, &|i| keys.contains(&i).then(|| column_at(inner, i)).flatten()));
            if pushed.is_empty() {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            (input.with_new_inputs(vec![with_filter(pushed, w.input.clone())?])?, kept)
        }
        LogicalPlan::Generate(g) => {
            let n_in = g.input.schema().len();
            let inner = g.input.schema();
            let (pushed, kept) =
                partition_rewrite(candidates, &|c| replace_columns(c, &g.schema, &|i| (i < n_in).then(|| column_at(inner, i)).flatten()));
            if pushed.is_empty() {
                return Ok(Transformed::no(LogicalPlan::Filter(f)));
            }
            (input.with_new_inputs(vec![with_filter(pushed, g.input.clone())?])?, kept)
        }
        LogicalPlan::Join(j) => match join::push_join(j, candidates)? {
            Some(pushed) => pushed,
            None => return Ok(Transformed::no(LogicalPlan::Filter(f))),
        },
        LogicalPlan::TableScan(t) if t.fetch.is_none() => match push_into_scan(t, candidates) {
            Some(pushed) => pushed,
            None => return Ok(Transformed::no(LogicalPlan::Filter(f))),
        },
        _ => return Ok(Transformed::no(LogicalPlan::Filter(f))),
    };
    kept.extend(fixed);
    Ok(Transformed::yes(Arc::unwrap_or_clone(with_filter(kept, Arc::new(new_input))?)))
}

/// Adds the conjuncts the source can use to `scan.filters`; returns the scan and the
/// conjuncts still to apply above it, or `None` if nothing changed.
fn push_into_scan(t: &TableScan, candidates: Vec<Expr>) -> Option<(LogicalPlan, Vec<Expr>)> {
    // Exact filters were removed from the Filter above, so they stay; Inexact ones are
    // re-derived from the Filter's current conjuncts, so a conjunct rewritten by a later
    // rule (e.g. folded) replaces its old form instead of being pushed twice.
    let mut filters: Vec<Expr> =
        t.filters.iter().filter(|f| t.source.filter_pushdown(f) == FilterPushdown::Exact).cloned().collect();
    let mut kept = Vec::new();
    let mut removed_exact = false;
    for c in candidates {
        let support = t.source.filter_pushdown(&c);
        if support == FilterPushdown::Unsupported {
            kept.push(c);
            continue;
        }
        if !filters.contains(&c) {
            filters.push(c.clone());
        }
        if support == FilterPushdown::Exact {
            removed_exact = true;
        } else {
            kept.push(c);
        }
    }
    if filters == t.filters && !removed_exact {
        return None;
    }
    let scan = TableScan::try_new(t.table_name.clone(), t.source.clone(), t.projection.clone(), filters, t.fetch).ok()?;
    Some((LogicalPlan::TableScan(scan), kept))
}

#[cfg(test)]
mod tests;
