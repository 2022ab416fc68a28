//! Helpers shared by rules: the schema a node's expressions are typed against,
//! column substitution, keeping output names stable, and row-count bounds.

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{Expr, JoinType, LogicalPlan, PlanSchema, Projection};

/// The schema a node's own expressions are evaluated against (`None` for nodes whose
/// expressions rules should leave alone, i.e. scan filters).
pub fn expr_schema(plan: &LogicalPlan) -> Option<PlanSchema> {
    match plan {
        LogicalPlan::Join(j) => Some(j.left.schema().join(j.right.schema())),
        LogicalPlan::Values(_) => Some(PlanSchema::empty()),
        LogicalPlan::TableScan(_) | LogicalPlan::EmptyRelation(_) => None,
        other => other.inputs().first().map(|i| i.schema().clone()),
    }
}

/// Keeps the output name of `original` on its rewrite `new` (adding or changing the
/// alias), so rewriting a select list never renames a column.
pub fn keep_name(original: &Expr, new: Expr) -> Expr {
    let name = original.output_name();
    if new.output_name() == name {
        new
    } else {
        new.into_unaliased().alias(name)
    }
}

/// Rewrites every expression of every node with `f(expr, schema)`, bottom-up, keeping
/// the output names of projections and aggregates. Scan filters are left alone.
pub fn rewrite_plan_exprs<F>(plan: LogicalPlan, f: &F) -> Result<Transformed<LogicalPlan>>
where
    F: Fn(Expr, &PlanSchema) -> Result<Transformed<Expr>>,
{
    plan.transform_up(|node| rewrite_node_exprs(node, f))
}

/// [`rewrite_plan_exprs`] for one node.
pub fn rewrite_node_exprs<F>(node: LogicalPlan, f: &F) -> Result<Transformed<LogicalPlan>>
where
    F: Fn(Expr, &PlanSchema) -> Result<Transformed<Expr>>,
{
    let Some(schema) = expr_schema(&node) else { return Ok(Transformed::no(node)) };
    let keeps_names = matches!(node, LogicalPlan::Projection(_) | LogicalPlan::Aggregate(_));
    let mut changed = false;
    let mut exprs = Vec::new();
    for e in node.expressions() {
        let t = f(e.clone(), &schema)?;
        if t.transformed {
            changed = true;
            exprs.push(if keeps_names { keep_name(e, t.data) } else { t.data });
        } else {
            exprs.push(t.data);
        }
    }
    if !changed {
        return Ok(Transformed::no(node));
    }
    let inputs = node.inputs().into_iter().cloned().collect();
    Ok(Transformed::yes(node.with_new_exprs(exprs, inputs)?))
}

/// True if `col` in `schema` denotes the field at `idx` (it resolves there, or to an
/// identical field).
pub fn resolves_to(schema: &PlanSchema, col: &ember_plan::Column, idx: usize) -> bool {
    match schema.index_of(col) {
        Ok(i) => i == idx || schema.field(i) == schema.field(idx),
        Err(_) => false,
    }
}

/// The column expression for field `idx` of `schema`, if it resolves back to it.
pub fn column_at(schema: &PlanSchema, idx: usize) -> Option<Expr> {
    let c = schema.field(idx).column();
    resolves_to(schema, &c, idx).then_some(Expr::Column(c))
}

/// Replaces every column of `expr` (resolved in `schema` to an index) by `f(index)`;
/// `None` if a column does not resolve or `f` declines.
pub fn replace_columns(expr: &Expr, schema: &PlanSchema, f: &dyn Fn(usize) -> Option<Expr>) -> Option<Expr> {
    let mut failed = false;
    let out = expr
        .clone()
        .transform_up(|e| match e {
            Expr::Column(c) => match schema.index_of(&c).ok().and_then(f) {
                Some(new) => Ok(Transformed::yes(new)),
                None => {
                    failed = true;
                    Ok(Transformed::no(Expr::Column(c)))
                }
            },
            other => Ok(Transformed::no(other)),
        })
        .ok()?;
    (!failed).then_some(out.data)
}

/// Indices in `schema` of the columns `expr` refers to; `None` if one does not resolve.
pub fn column_indices(expr: &Expr, schema: &PlanSchema) -> Option<Vec<usize>> {
    expr.column_refs().iter().map(|c| schema.find(c)).collect()
}

/// A projection of `input` keeping exactly the fields at `positions`, as bare columns
/// (so names and qualifiers stay); `None` if a field cannot be referred to by name.
pub fn project_positions(input: Arc<LogicalPlan>, positions: &[usize]) -> Result<Option<LogicalPlan>> {
    let schema = input.schema();
    let mut exprs = Vec::with_capacity(positions.len());
    for &p in positions {
        match column_at(schema, p) {
            Some(e) => exprs.push(e),
            None => return Ok(None),
        }
    }
    Ok(Some(LogicalPlan::Projection(Projection::try_new(exprs, input)?)))
}

/// An upper bound on the number of rows `plan` produces in all, when one is known.
/// A scan's `fetch` and a `LocalLimit` bound each partition, not the whole: they give
/// no bound here (see [`max_rows_per_partition`]).
pub fn max_rows(plan: &LogicalPlan) -> Option<usize> {
    match plan {
        LogicalPlan::Limit(l) => {
            let inner = max_rows(&l.input).map(|n| n.saturating_sub(l.skip));
            match (l.fetch, inner) {
                (Some(f), Some(i)) => Some(f.min(i)),
                (f, i) => f.or(i),
            }
        }
        LogicalPlan::Sort(s) => match (s.fetch, max_rows(&s.input)) {
            (Some(f), Some(i)) => Some(f.min(i)),
            (f, i) => f.or(i),
        },
        LogicalPlan::TableScan(_) | LogicalPlan::LocalLimit(_) => None,
        LogicalPlan::Sample(s) => match s.method {
            ember_plan::SampleMethod::Poisson { .. } => None,
            _ => max_rows(&s.input),
        },
        LogicalPlan::Values(v) => Some(v.rows.len()),
        LogicalPlan::EmptyRelation(e) => Some(usize::from(e.produce_one_row)),
        LogicalPlan::Projection(p) => max_rows(&p.input),
        LogicalPlan::Filter(f) => max_rows(&f.input),
        LogicalPlan::SubqueryAlias(s) => max_rows(&s.input),
        LogicalPlan::Distinct(d) => max_rows(&d.input),
        LogicalPlan::Deduplicate(d) => max_rows(&d.input),
        LogicalPlan::FlatMapGroupsWithState(_) => None,
        LogicalPlan::EventTimeWatermark(w) => max_rows(&w.input),
        LogicalPlan::Aggregate(a) if a.group_exprs.is_empty() => Some(1),
        LogicalPlan::Aggregate(a) => max_rows(&a.input),
        LogicalPlan::Union(u) => u.inputs.iter().try_fold(0usize, |acc, i| max_rows(i).map(|n| acc.saturating_add(n))),
        LogicalPlan::Join(j) => match j.join_type {
            JoinType::LeftSemi | JoinType::LeftAnti => max_rows(&j.left),
            _ => None,
        },
        LogicalPlan::Generate(_) => None,
        LogicalPlan::Window(w) => max_rows(&w.input),
        LogicalPlan::Expand(e) => max_rows(&e.input).map(|n| n.saturating_mul(e.projections.len())),
        LogicalPlan::SetOperation(s) if !s.all || s.kind == ember_plan::SetOpKind::Except => max_rows(&s.left),
        LogicalPlan::SetOperation(_) => None,
        LogicalPlan::UpdateSessions(u) => max_rows(&u.input),
    }
}

/// An upper bound on the number of rows any one partition of `plan` produces: a
/// scan's `fetch` or a `LocalLimit` below projections, else [`max_rows`].
pub fn max_rows_per_partition(plan: &LogicalPlan) -> Option<usize> {
    let own = match plan {
        LogicalPlan::TableScan(t) => t.fetch,
        LogicalPlan::LocalLimit(l) => Some(max_rows_per_partition(&l.input).map_or(l.fetch, |m| m.min(l.fetch))),
        LogicalPlan::Projection(p) => max_rows_per_partition(&p.input),
        LogicalPlan::SubqueryAlias(s) => max_rows_per_partition(&s.input),
        LogicalPlan::Filter(f) => max_rows_per_partition(&f.input),
        _ => None,
    };
    match (own, max_rows(plan)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Splits conjuncts into the longest deterministic prefix (which may be reordered or
/// evaluated elsewhere) and the rest (which must stay where it is, as in Spark).
pub fn split_deterministic(conjuncts: Vec<Expr>) -> (Vec<Expr>, Vec<Expr>) {
    let cut = conjuncts.iter().position(|e| !e.is_deterministic()).unwrap_or(conjuncts.len());
    let mut candidates = conjuncts;
    let rest = candidates.split_off(cut);
    (candidates, rest)
}
