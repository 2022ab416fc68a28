//! `PruneColumns`: reads only the columns something above uses.
//!
//! ```text
//! before:  Project [a]                          after:  Project [a]
//!          +- Join Inner, (b = x)                       +- Join Inner, (b = x)
//!             :- Relation t[a,b,c]                         :- Relation t[a,b]
//!             +- Relation u[x,y,z]                         +- Relation u[x]
//! ```
//!
//! One top-down pass carries the set of output columns each node must keep. Scans get
//! `projection` (indices into the source schema, plus the columns of their pushed
//! filters); projections and aggregates drop unused expressions (grouping is kept);
//! union inputs are narrowed by position; join inputs get a projection when that
//! removes columns. Filter, Sort, Limit and SubqueryAlias pass the requirement on
//! (with their own columns), so they may output more columns than asked: that is
//! harmless, since parents refer to columns by name.
//!
//! No node is pruned to zero columns when something needs its rows: a `count(1)`
//! over a scan still reads one column (the narrowest), so the row count is right.

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::{Result, Transformed};
use ember_plan::*;

use crate::rule::{Rule, RuleContext};
use crate::utils::project_positions;

pub struct PruneColumns;

impl Rule for PruneColumns {
    fn name(&self) -> &'static str {
        "prune_columns"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        let all = (0..plan.schema().len()).collect();
        let p = prune(&Arc::new(plan), all)?;
        Ok(Transformed::new(Arc::unwrap_or_clone(p.plan), p.changed))
    }
}

/// A pruned plan: `kept[i]` is the original output index of its output column `i`.
struct Pruned {
    plan: Arc<LogicalPlan>,
    kept: Vec<usize>,
    changed: bool,
}

impl Pruned {
    fn unchanged(plan: &Arc<LogicalPlan>) -> Self {
        Pruned { kept: (0..plan.schema().len()).collect(), plan: plan.clone(), changed: false }
    }
    fn new(plan: LogicalPlan, kept: Vec<usize>) -> Self {
        Pruned { plan: Arc::new(plan), kept, changed: true }
    }
}

/// Rough width of a value, to pick the cheapest column to keep.
fn width(t: &DataType) -> usize {
    match t {
        DataType::Null => 0,
        DataType::Boolean | DataType::Int8 => 1,
        DataType::Int16 => 2,
        DataType::Int32 | DataType::Float32 | DataType::Date32 => 4,
        DataType::Int64 | DataType::Float64 | DataType::Timestamp(_, _) => 8,
        DataType::Decimal128(_, _) => 16,
        DataType::Utf8 | DataType::Binary | DataType::LargeUtf8 | DataType::Utf8View => 32,
        _ => 64,
    }
}

/// Sorted and deduplicated.
fn normalize(mut required: Vec<usize>) -> Vec<usize> {
    required.sort_unstable();
    required.dedup();
    required
}

/// [`normalize`]d, and never empty for a schema with columns: a node that outputs
/// columns keeps at least its narrowest one, since its rows still matter.
fn effective(schema: &PlanSchema, required: Vec<usize>) -> Vec<usize> {
    let mut required = normalize(required);
    if required.is_empty() && !schema.is_empty() {
        let narrowest = (0..schema.len()).min_by_key(|&i| width(schema.field(i).data_type())).unwrap_or(0);
        required.push(narrowest);
    }
    required
}

/// Indices in `schema` of the columns `exprs` read.
fn refs<'a>(exprs: impl IntoIterator<Item = &'a Expr>, schema: &PlanSchema) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for e in exprs {
        for c in e.column_refs() {
            out.push(schema.index_of(&c)?);
        }
    }
    Ok(out)
}

/// Projects `p` down to exactly `required` (original indices) when it outputs more.
/// Nothing required means one column (the narrowest the plan outputs).
fn narrow(p: Pruned, required: &[usize]) -> Result<Pruned> {
    let positions_needed = effective(p.plan.schema(), required.iter().filter_map(|r| p.kept.iter().position(|k| k == r)).collect());
    let required: Vec<usize> = positions_needed.iter().map(|&i| p.kept[i]).collect();
    if p.kept.len() == required.len() {
        return Ok(p);
    }
    Ok(match project_positions(p.plan.clone(), &positions_needed)? {
        Some(proj) => Pruned::new(proj, required),
        None => p,
    })
}

/// Prunes `plan` to output at least the columns `required` (original indices; when
/// empty, the plan may output any one column).
fn prune(plan: &Arc<LogicalPlan>, required: Vec<usize>) -> Result<Pruned> {
    let required = normalize(required);
    let n = plan.schema().len();
    match plan.as_ref() {
        LogicalPlan::Projection(p) => {
            let required = effective(&p.schema, required);
            let exprs: Vec<Expr> = required.iter().map(|&i| p.exprs[i].clone()).collect();
            let child = prune(&p.input, refs(&exprs, p.input.schema())?)?;
            if exprs.len() == n && !child.changed {
                return Ok(Pruned::unchanged(plan));
            }
            Ok(Pruned::new(LogicalPlan::Projection(Projection::try_new(exprs, child.plan)?), required))
        }
        LogicalPlan::Filter(f) => {
            let mut req = required;
            req.extend(refs([&f.predicate], f.input.schema())?);
            let child = prune(&f.input, req)?;
            if !child.changed {
                return Ok(Pruned::unchanged(plan));
            }
            Ok(Pruned::new(LogicalPlan::Filter(Filter::try_new(f.predicate.clone(), child.plan)?), child.kept))
        }
        LogicalPlan::Sort(s) => {
            let mut req = required;
            req.extend(refs(s.exprs.iter().map(|e| &e.expr), s.input.schema())?);
            pass_through(plan, &s.input, req)
        }
        LogicalPlan::Limit(l) => pass_through(plan, &l.input, required),
        LogicalPlan::LocalLimit(l) => pass_through(plan, &l.input, required),
        LogicalPlan::Sample(s) => {
            // One draw per row whatever the columns: only the stratum key is needed.
            let mut req = required;
            req.extend(refs(s.expressions(), s.input.schema())?);
            pass_through(plan, &s.input, req)
        }
        LogicalPlan::SubqueryAlias(s) => pass_through(plan, &s.input, required),
        LogicalPlan::Distinct(d) => pass_through(plan, &d.input, (0..n).collect()),
        LogicalPlan::EventTimeWatermark(w) => {
            // The event-time column stays: its maximum moves the watermark.
            let mut req = required;
            req.extend(refs([&w.event_time], w.input.schema())?);
            pass_through(plan, &w.input, req)
        }
        // The function sees whole input rows and makes its own.
        LogicalPlan::FlatMapGroupsWithState(g) => {
            let child = prune(&g.input, (0..g.input.schema().len()).collect())?;
            if !child.changed {
                return Ok(Pruned::unchanged(plan));
            }
            Ok(Pruned::new(plan.with_new_inputs(vec![child.plan])?, (0..n).collect()))
        }
        LogicalPlan::Deduplicate(d) => {
            let mut req = required;
            req.extend(d.key_indices()?);
            pass_through(plan, &d.input, req)
        }
        LogicalPlan::Aggregate(a) => {
            // Grouping columns always stay; a global aggregate keeps one aggregate.
            let required = if a.group_exprs.is_empty() { effective(&a.schema, required) } else { required };
            let ng = a.group_exprs.len();
            let aggr: Vec<Expr> = required.iter().filter(|&&i| i >= ng).map(|&i| a.aggr_exprs[i - ng].clone()).collect();
            let child = prune(&a.input, refs(a.group_exprs.iter().chain(&aggr), a.input.schema())?)?;
            if aggr.len() == a.aggr_exprs.len() && !child.changed {
                return Ok(Pruned::unchanged(plan));
            }
            let mut kept: Vec<usize> = (0..ng).collect();
            kept.extend(required.iter().filter(|&&i| i >= ng));
            Ok(Pruned::new(LogicalPlan::Aggregate(Aggregate::try_new(child.plan, a.group_exprs.clone(), aggr)?), kept))
        }
        LogicalPlan::Join(j) => prune_join(plan, j, required),
        LogicalPlan::Union(u) => prune_union(plan, u, required),
        LogicalPlan::TableScan(t) => prune_scan(plan, t, required),
        LogicalPlan::Values(v) => {
            let required = effective(&v.schema, required);
            if v.rows.is_empty() || required.len() == n {
                return Ok(Pruned::unchanged(plan));
            }
            let rows = v.rows.iter().map(|r| required.iter().map(|&i| r[i].clone()).collect()).collect();
            let names = required.iter().map(|&i| v.schema.field(i).name().to_string()).collect();
            Ok(Pruned::new(LogicalPlan::Values(Values::try_new(rows, Some(names))?), required))
        }
        LogicalPlan::EmptyRelation(_) => Ok(Pruned::unchanged(plan)),
        LogicalPlan::Window(w) => prune_window(plan, w, required),
        LogicalPlan::Expand(e) => {
            // Keeps the required columns in every projection; the input keeps what they read.
            let required = effective(&e.schema, required);
            let projections: Vec<Vec<Expr>> = e.projections.iter().map(|p| required.iter().map(|&i| p[i].clone()).collect()).collect();
            let child = prune(&e.input, refs(projections.iter().flatten(), e.input.schema())?)?;
            if required.len() == n && !child.changed {
                return Ok(Pruned::unchanged(plan));
            }
            let names = e.names();
            let names = required.iter().map(|&i| names[i].clone()).collect();
            Ok(Pruned::new(LogicalPlan::Expand(ember_plan::Expand::try_new(child.plan, projections, names)?), required))
        }
        LogicalPlan::SetOperation(_) => Ok(Pruned::unchanged(plan)),
        LogicalPlan::UpdateSessions(u) => {
            let mut req = required;
            let session = Expr::Column(u.session.clone());
            req.extend(refs(u.keys.iter().chain([&session]), u.input.schema())?);
            pass_through(plan, &u.input, req)
        }
        LogicalPlan::Generate(g) => {
            let n_in = g.input.schema().len();
            let mut req: Vec<usize> = required.iter().copied().filter(|&i| i < n_in).collect();
            req.extend(refs([g.generator.arg.as_ref()], g.input.schema())?);
            let child = prune(&g.input, req)?;
            if !child.changed {
                return Ok(Pruned::unchanged(plan));
            }
            let mut kept = child.kept;
            kept.extend(n_in..n);
            let gen = Generate::try_new(child.plan, g.generator.clone(), g.output_names.clone())?.with_qualifier(g.qualifier.clone());
            Ok(Pruned::new(LogicalPlan::Generate(gen), kept))
        }
    }
}

/// Drops unused window expressions (and the node when none is used); the input keeps
/// what is required above plus what the window functions read.
fn prune_window(plan: &Arc<LogicalPlan>, w: &Window, required: Vec<usize>) -> Result<Pruned> {
    let n_in = w.input.schema().len();
    let used: Vec<usize> = required.iter().filter(|&&i| i >= n_in).map(|&i| i - n_in).collect();
    let exprs: Vec<Expr> = used.iter().map(|&k| w.window_exprs[k].clone()).collect();
    let mut req: Vec<usize> = required.iter().copied().filter(|&i| i < n_in).collect();
    req.extend(refs(&exprs, w.input.schema())?);
    let child = prune(&w.input, req)?;
    if exprs.is_empty() {
        return Ok(Pruned { plan: child.plan, kept: child.kept, changed: true });
    }
    if !child.changed && exprs.len() == w.window_exprs.len() {
        return Ok(Pruned::unchanged(plan));
    }
    let mut kept = child.kept;
    kept.extend(used.iter().map(|k| n_in + k));
    Ok(Pruned::new(LogicalPlan::Window(Window::try_new(exprs, child.plan)?), kept))
}

/// Nodes whose output columns are their input's (Sort, Limit, SubqueryAlias, Distinct).
fn pass_through(plan: &Arc<LogicalPlan>, input: &Arc<LogicalPlan>, required: Vec<usize>) -> Result<Pruned> {
    let child = prune(input, required)?;
    if !child.changed {
        return Ok(Pruned::unchanged(plan));
    }
    let kept = child.kept;
    Ok(Pruned::new(plan.with_new_inputs(vec![child.plan])?, kept))
}

fn prune_join(plan: &Arc<LogicalPlan>, j: &Join, required: Vec<usize>) -> Result<Pruned> {
    let nl = j.left.schema().len();
    let both = j.left.schema().join(j.right.schema());
    let mut left_req: Vec<usize> = required.iter().copied().filter(|&i| i < nl).collect();
    let mut right_req: Vec<usize> = required.iter().filter(|&&i| i >= nl).map(|&i| i - nl).collect();
    for i in refs(j.condition.iter(), &both)? {
        if i < nl {
            left_req.push(i);
        } else {
            right_req.push(i - nl);
        }
    }
    let (left_req, right_req) = (normalize(left_req), normalize(right_req));
    let left = narrow(prune(&j.left, left_req.clone())?, &left_req)?;
    let right = narrow(prune(&j.right, right_req.clone())?, &right_req)?;
    if !left.changed && !right.changed {
        return Ok(Pruned::unchanged(plan));
    }
    let mut kept = left.kept;
    if !matches!(j.join_type, JoinType::LeftSemi | JoinType::LeftAnti) {
        kept.extend(right.kept.iter().map(|i| i + nl));
    }
    let join = Join::try_new(left.plan, right.plan, j.join_type, j.condition.clone())?;
    Ok(Pruned::new(LogicalPlan::Join(join), kept))
}

fn prune_union(plan: &Arc<LogicalPlan>, u: &Union, required: Vec<usize>) -> Result<Pruned> {
    let n = u.schema.len();
    let required = effective(&u.schema, required);
    let prune_inputs = |req: &[usize]| -> Result<Option<Vec<Pruned>>> {
        let mut out = Vec::with_capacity(u.inputs.len());
        for input in &u.inputs {
            let p = narrow(prune(input, req.to_vec())?, req)?;
            if p.kept != req {
                return Ok(None);
            }
            out.push(p);
        }
        Ok(Some(out))
    };
    let (inputs, kept) = match prune_inputs(&required)? {
        Some(inputs) => (inputs, required),
        None => {
            let all: Vec<usize> = (0..n).collect();
            match prune_inputs(&all)? {
                Some(inputs) => (inputs, all),
                None => return Ok(Pruned::unchanged(plan)),
            }
        }
    };
    if inputs.iter().all(|p| !p.changed) {
        return Ok(Pruned::unchanged(plan));
    }
    let union = Union::try_new(inputs.into_iter().map(|p| p.plan).collect())?;
    Ok(Pruned::new(LogicalPlan::Union(union), kept))
}

fn prune_scan(plan: &Arc<LogicalPlan>, t: &TableScan, required: Vec<usize>) -> Result<Pruned> {
    let n = t.schema.len();
    let mut req = required;
    // Keep the columns of pushed filters: the source may need them to apply them.
    for f in &t.filters {
        req.extend(f.column_refs().iter().filter_map(|c| t.schema.find(c)));
    }
    let req = if t.source.reads_row_counts() { normalize(req) } else { effective(&t.schema, req) };
    if req.len() == n {
        return Ok(Pruned::unchanged(plan));
    }
    let source_len = t.source.schema().fields().len();
    let old: Vec<usize> = t.projection.clone().unwrap_or_else(|| (0..source_len).collect());
    let projection = req.iter().map(|&i| old[i]).collect();
    let scan = TableScan::try_new(t.table_name.clone(), t.source.clone(), Some(projection), t.filters.clone(), t.fetch)?;
    Ok(Pruned::new(LogicalPlan::TableScan(scan), req))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    #[test]
    fn prunes_scans_projections_and_joins() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .join(scan_u(), JoinType::Inner, Some(col("b").eq(col("x"))))
            .unwrap()
            .filter(col("c").is_not_null())
            .unwrap()
            .project(vec![col("a"), plus(col("a"), lit(1))])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PruneColumns, plan), @r"
        Project [a, (a + 1) AS (a + 1)]
        +- Filter (c IS NOT NULL)
           +- Join Inner, (b = x)
              :- Relation t[a,b,c] test
              +- Relation u[x] test
        ");
    }

    #[test]
    fn inserts_projections_under_joins_when_that_removes_columns() {
        let left = LogicalPlanBuilder::from(scan_t()).filter(col("c").eq(lit("k"))).unwrap().build();
        let plan = LogicalPlanBuilder::from(left)
            .join(scan_u(), JoinType::LeftOuter, Some(col("a").eq(col("x"))))
            .unwrap()
            .project(vec![col("b"), col("y")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PruneColumns, plan), @r"
        Project [b, y]
        +- Join LeftOuter, (a = x)
           :- Project [t.a, t.b]
           :  +- Filter (c = k)
           :     +- Relation t[a,b,c] test
           +- Relation u[x,y] test
        ");
    }

    #[test]
    fn keeps_deduplication_keys_and_the_event_time_column() {
        use arrow::datatypes::{DataType, Field, TimeUnit};
        let src = source(
            vec![
                Field::new("a", DataType::Int32, true),
                Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), true),
                Field::new("c", DataType::Utf8, true),
                Field::new("d", DataType::Utf8, true),
            ],
            ember_plan::FilterPushdown::Unsupported,
        );
        let scan = Arc::new(LogicalPlanBuilder::scan("e", src).unwrap().build());
        let watermark = LogicalPlan::EventTimeWatermark(ember_plan::EventTimeWatermark::try_new(col("ts"), 10_000, scan).unwrap());
        let dedup = LogicalPlan::Deduplicate(ember_plan::Deduplicate::try_new(vec![col("c")], false, Arc::new(watermark)).unwrap());
        let plan = LogicalPlanBuilder::from(dedup).project(vec![col("a")]).unwrap().build();
        insta::assert_snapshot!(run(PruneColumns, plan), @r"
        Project [a]
        +- Deduplicate [c]
           +- EventTimeWatermark ts, 10 seconds
              +- Relation e[a,ts,c] test
        ");
    }

    #[test]
    fn count_keeps_the_narrowest_column() {
        let plan = LogicalPlanBuilder::from(scan_u()).aggregate(vec![], vec![count(lit(1))]).unwrap().build();
        insta::assert_snapshot!(run(PruneColumns, plan), @r"
        Project [count(1)]
        +- Aggregate [], [count(1) AS count(1)]
           +- Relation u[x] test
        ");
    }

    #[test]
    fn prunes_aggregates_and_union_inputs_by_position() {
        let left = LogicalPlanBuilder::from(scan_t()).project(vec![col("a"), col("b"), col("c")]).unwrap().build();
        let right = LogicalPlanBuilder::from(scan_u()).project(vec![col("x"), col("x"), col("z")]).unwrap().build();
        let plan = LogicalPlanBuilder::from(left)
            .union(right)
            .unwrap()
            .aggregate(vec![col("c")], vec![count(col("a")), sum(col("b"))])
            .unwrap()
            .project(vec![col("count(a)")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PruneColumns, plan), @r"
        Project [count(a)]
        +- Project [count(a)]
           +- Aggregate [c], [count(a) AS count(a)]
              +- Union
                 :- Project [a, c]
                 :  +- Relation t[a,c] test
                 +- Project [x, z]
                    +- Relation u[x,z] test
        ");
    }

    #[test]
    fn keeps_pushed_filter_columns_and_values() {
        let scan = scan_with("t", FilterPushdown::Exact);
        let LogicalPlan::TableScan(mut t) = scan else { panic!() };
        t.filters = vec![col("b").gt(lit(1))];
        let plan = LogicalPlanBuilder::from(LogicalPlan::TableScan(t)).project(vec![col("c")]).unwrap().build();
        insta::assert_snapshot!(run(PruneColumns, plan), @r"
        Project [c]
        +- Relation t[b,c] test, PushedFilters: [(b > 1)]
        ");
        let values = LogicalPlanBuilder::values(vec![vec![lit(1), lit("a")], vec![lit(2), lit("b")]], None)
            .unwrap()
            .project(vec![col("col2")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(PruneColumns, values), @r"
        Project [col2]
        +- LocalRelation [col2], 2 rows
        ");
    }
}
