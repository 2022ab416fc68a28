//! `LogicalPlanBuilder`: the one way SQL binding and the DataFrame API build plans, so
//! both produce the same trees. It expands `*`, names expressions as Spark does,
//! splits aggregate queries into `Aggregate` + `Projection`, and pulls generators
//! (`explode`) into `Generate` nodes.

use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result, Transformed, TreeNode, TreeNodeRecursion};

use crate::lambda::resolve_lambdas;
use crate::expr::{conjunction, Case, Column, Expr, Generator, SortExpr};
use crate::logical_plan::*;
use crate::schema::PlanSchema;
use crate::table_source::TableSource;

/// Builds logical plans node by node, validating each.
#[derive(Debug, Clone)]
pub struct LogicalPlanBuilder {
    plan: Arc<LogicalPlan>,
}

impl LogicalPlanBuilder {
    pub fn from(plan: LogicalPlan) -> Self {
        LogicalPlanBuilder { plan: Arc::new(plan) }
    }

    pub fn from_arc(plan: Arc<LogicalPlan>) -> Self {
        LogicalPlanBuilder { plan }
    }

    /// A scan of every column of `source`.
    pub fn scan(name: &str, source: Arc<dyn TableSource>) -> Result<Self> {
        Ok(Self::from(LogicalPlan::TableScan(TableScan::try_new(name, source, None, vec![], None)?)))
    }

    /// One row with no columns (`SELECT 1` without FROM).
    pub fn one_row() -> Self {
        Self::from(LogicalPlan::EmptyRelation(EmptyRelation { produce_one_row: true, schema: PlanSchema::empty() }))
    }

    pub fn values(rows: Vec<Vec<Expr>>, names: Option<Vec<String>>) -> Result<Self> {
        Ok(Self::from(LogicalPlan::Values(Values::try_new(rows, names)?)))
    }

    pub fn schema(&self) -> &PlanSchema {
        self.plan.schema()
    }

    pub fn build(self) -> LogicalPlan {
        Arc::unwrap_or_clone(self.plan)
    }

    pub fn plan(&self) -> &Arc<LogicalPlan> {
        &self.plan
    }

    /// `SELECT exprs`: expands wildcards, names expressions, extracts a generator.
    pub fn project(self, exprs: Vec<Expr>) -> Result<Self> {
        let exprs = resolve_all(exprs, self.plan.schema())?;
        let exprs = expand_wildcards(exprs, self.plan.schema())?;
        let (input, exprs) = extract_generator(self.plan, exprs)?;
        let exprs = exprs.into_iter().map(name_expr).collect();
        let (input, exprs) = crate::window_plan::extract_windows(input, exprs)?;
        Ok(Self::from(LogicalPlan::Projection(Projection::try_new(exprs, input)?)))
    }

    pub fn filter(self, predicate: Expr) -> Result<Self> {
        let predicate = resolve_lambdas(predicate, self.plan.schema())?;
        Ok(Self::from(LogicalPlan::Filter(Filter::try_new(predicate, self.plan)?)))
    }

    /// Groups by `group_exprs` and computes `aggr_exprs`, which may be any expressions
    /// over aggregate calls and grouping expressions (`sum(a) + 1`). Output: the group
    /// expressions, then `aggr_exprs`, as a projection over an `Aggregate`.
    pub fn aggregate(self, group_exprs: Vec<Expr>, aggr_exprs: Vec<Expr>) -> Result<Self> {
        let group_exprs = resolve_all(group_exprs, self.plan.schema())?;
        let aggr_exprs = resolve_all(aggr_exprs, self.plan.schema())?;
        let mut select: Vec<Expr> = group_exprs.clone();
        select.extend(aggr_exprs);
        let planned = AggregatePlanner::new(self.plan, group_exprs, &select, &[])?;
        let out = planned.rewrite_all(&select)?;
        Self::from_arc(planned.plan).project(out)
    }

    /// `ORDER BY`; `fetch` keeps the first rows.
    pub fn sort(self, exprs: Vec<SortExpr>) -> Result<Self> {
        let exprs = exprs
            .into_iter()
            .map(|s| Ok(SortExpr { expr: resolve_lambdas(s.expr, self.plan.schema())?, ..s }))
            .collect::<Result<Vec<_>>>()?;
        if exprs.iter().any(|e| e.expr.contains_window()) {
            return Ok(Self::from(crate::window_plan::sort_with_windows(self.plan, exprs)?));
        }
        Ok(Self::from(LogicalPlan::Sort(Sort::try_new(exprs, self.plan, None)?)))
    }

    pub fn limit(self, skip: usize, fetch: Option<usize>) -> Result<Self> {
        Ok(Self::from(LogicalPlan::Limit(Limit { skip, fetch, input: self.plan })))
    }

    pub fn distinct(self) -> Result<Self> {
        Ok(Self::from(LogicalPlan::Distinct(Distinct { input: self.plan })))
    }

    /// `UNION ALL`.
    pub fn union(self, other: LogicalPlan) -> Result<Self> {
        let mut inputs = match Arc::unwrap_or_clone(self.plan) {
            LogicalPlan::Union(u) => u.inputs,
            p => vec![Arc::new(p)],
        };
        inputs.push(Arc::new(other));
        Ok(Self::from(LogicalPlan::Union(Union::try_new(inputs)?)))
    }

    /// `AS alias`.
    pub fn alias(self, alias: &str) -> Result<Self> {
        Ok(Self::from(LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(self.plan, alias)?)))
    }

    /// Renames all columns (`AS t(a, b)`).
    pub fn rename_columns(self, names: &[String]) -> Result<Self> {
        let schema = self.plan.schema().clone();
        if names.len() != schema.len() {
            return Err(Error::new(ErrorKind::Other {
                class: "ASSIGNMENT_ARITY_MISMATCH".into(),
                sqlstate: Some("42802".into()),
                message: format!("The number of columns or variables assigned or aliased: {} does not match the number of source tuples: {}.", names.len(), schema.len()),
            }));
        }
        let exprs = schema.columns().into_iter().zip(names).map(|(c, n)| Expr::Column(c).alias(n.clone())).collect();
        Ok(Self::from(LogicalPlan::Projection(Projection::try_new(exprs, self.plan)?)))
    }

    /// A join with an arbitrary condition (or none).
    pub fn join(self, right: LogicalPlan, join_type: JoinType, condition: Option<Expr>) -> Result<Self> {
        let join_type = if condition.is_none() && join_type == JoinType::Inner { JoinType::Cross } else { join_type };
        Ok(Self::from(LogicalPlan::Join(Join::try_new(self.plan, Arc::new(right), join_type, condition)?)))
    }

    /// `JOIN … USING (cols)`: the using columns appear once, first, as in Spark.
    pub fn join_using(self, right: LogicalPlan, join_type: JoinType, using: &[String]) -> Result<Self> {
        let (ls, rs) = (self.plan.schema().clone(), right.schema().clone());
        let mut conds = Vec::new();
        let mut key_pairs = Vec::new();
        for name in using {
            let l = ls.field(ls.index_of(&Column::from_name(name.as_str())).map_err(|e| using_error(e, name, "left"))?).column();
            let r = rs.field(rs.index_of(&Column::from_name(name.as_str())).map_err(|e| using_error(e, name, "right"))?).column();
            conds.push(Expr::Column(l.clone()).eq(Expr::Column(r.clone())));
            key_pairs.push((l, r));
        }
        let joined = self.join(right, join_type, conjunction(conds))?;
        if matches!(join_type, JoinType::LeftSemi | JoinType::LeftAnti) {
            return Ok(joined);
        }
        let mut exprs = Vec::new();
        for (name, (l, r)) in using.iter().zip(&key_pairs) {
            let e = match join_type {
                JoinType::RightOuter => Expr::Column(r.clone()),
                JoinType::FullOuter => Expr::Case(Case {
                    operand: None,
                    when_then: vec![(Expr::Column(l.clone()).is_null(), Expr::Column(r.clone()))],
                    else_expr: Some(Box::new(Expr::Column(l.clone()))),
                })
                .alias(name.clone()),
                _ => Expr::Column(l.clone()),
            };
            exprs.push(e);
        }
        let is_key = |c: &Column, side: usize| key_pairs.iter().any(|p| if side == 0 { &p.0 == c } else { &p.1 == c });
        exprs.extend(ls.columns().into_iter().filter(|c| !is_key(c, 0)).map(Expr::Column));
        exprs.extend(rs.columns().into_iter().filter(|c| !is_key(c, 1)).map(Expr::Column));
        Ok(Self::from(LogicalPlan::Projection(Projection::try_new(exprs, joined.plan)?)))
    }
}

fn using_error(e: Error, name: &str, side: &str) -> Error {
    if matches!(e.kind(), ErrorKind::UnresolvedColumn { .. }) {
        Error::new(ErrorKind::Other {
            class: "UNRESOLVED_USING_COLUMN_FOR_JOIN".into(),
            sqlstate: Some("42703".into()),
            message: format!("USING column `{name}` cannot be resolved on the {side} side of the join."),
        })
    } else {
        e
    }
}

/// Gives every computed expression its Spark name as an explicit alias, so later
/// rewrites (casts added by coercion, folded constants) keep the output names.
/// [`resolve_lambdas`] for each expression.
fn resolve_all(exprs: Vec<Expr>, schema: &PlanSchema) -> Result<Vec<Expr>> {
    exprs.into_iter().map(|e| resolve_lambdas(e, schema)).collect()
}

pub fn name_expr(e: Expr) -> Expr {
    match e {
        Expr::Column(_) | Expr::Alias(_) => e,
        // A column of an enclosing query keeps its name (`LATERAL (SELECT t.a)` gives `a`).
        Expr::OuterReference(o) => {
            let name = o.column.name.clone();
            Expr::OuterReference(o).alias(name)
        }
        other => {
            let name = other.to_string();
            other.alias(name)
        }
    }
}

/// Replaces `*` and `t.*` with the columns they stand for.
pub fn expand_wildcards(exprs: Vec<Expr>, schema: &PlanSchema) -> Result<Vec<Expr>> {
    let mut out = Vec::with_capacity(exprs.len());
    for e in exprs {
        match e {
            Expr::Wildcard { qualifier: None } => out.extend(schema.columns().into_iter().map(Expr::Column)),
            Expr::Wildcard { qualifier: Some(q) } => {
                let cols: Vec<Expr> = schema
                    .fields()
                    .iter()
                    .filter(|f| f.qualifier.as_deref().is_some_and(|fq| fq.eq_ignore_ascii_case(&q) || fq.rsplit('.').next().is_some_and(|l| l.eq_ignore_ascii_case(&q))))
                    .map(|f| Expr::Column(f.column()))
                    .collect();
                if cols.is_empty() {
                    return Err(Error::new(ErrorKind::Other {
                        class: "CANNOT_RESOLVE_STAR_EXPAND".into(),
                        sqlstate: Some("42704".into()),
                        message: format!("Cannot resolve `{q}`.* given input columns {}.", schema.describe()),
                    }));
                }
                out.extend(cols);
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Moves the generators of a select list into `Generate` nodes below it, the first
/// outermost (Spark 4.1+); an aggregation may have only one (UNSUPPORTED_GENERATOR.MULTI_GENERATOR).
fn extract_generator(input: Arc<LogicalPlan>, exprs: Vec<Expr>) -> Result<(Arc<LogicalPlan>, Vec<Expr>)> {
    let with_gen: Vec<usize> = exprs.iter().enumerate().filter(|(_, e)| e.contains_generator()).map(|(i, _)| i).collect();
    if with_gen.is_empty() {
        return Ok((input, exprs));
    }
    if with_gen.len() > 1 && is_aggregation(&input) {
        let found: Vec<String> = with_gen.iter().map(|&i| format!("\"{}\"", exprs[i].unalias())).collect();
        return Err(Error::new(ErrorKind::Other {
            class: "UNSUPPORTED_GENERATOR.MULTI_GENERATOR".into(),
            sqlstate: Some("42K0E".into()),
            message: format!(
                "The generator is not supported: only one generator allowed per SELECT clause but found {}: {}.",
                with_gen.len(),
                found.join(", ")
            ),
        }));
    }
    let several = with_gen.len() > 1;
    let mut plan = input;
    let mut generated: Vec<Vec<Expr>> = Vec::with_capacity(with_gen.len());
    for (k, &idx) in with_gen.iter().enumerate() {
        let (generator, alias) = match &exprs[idx] {
            Expr::Generator(g) => (g.clone(), None),
            Expr::Alias(a) => match a.expr.as_ref() {
                Expr::Generator(g) => (g.clone(), Some(a.name.clone())),
                _ => return Err(nested_generator(&exprs[idx])),
            },
            other => return Err(nested_generator(other)),
        };
        let names = alias.map(|a| vec![a]).unwrap_or_default();
        let mut gen = Generate::try_new(plan.clone(), generator.clone(), names)?;
        let shown = gen.output_names.clone();
        if several {
            // Two generators may both output `col`: read them by internal names.
            let internal: Vec<String> = shown.iter().map(|n| format!("__gen{k}_{n}")).collect();
            gen = Generate::try_new(plan, generator, internal)?;
        }
        generated.push(
            gen.output_names
                .iter()
                .zip(&shown)
                .map(|(n, s)| {
                    let c = Expr::Column(Column::from_name(n.clone()));
                    if several {
                        c.alias(s.clone())
                    } else {
                        c
                    }
                })
                .collect(),
        );
        plan = Arc::new(LogicalPlan::Generate(gen));
    }
    let mut out = Vec::new();
    let mut generated = generated.into_iter();
    for (i, e) in exprs.into_iter().enumerate() {
        if with_gen.contains(&i) {
            out.extend(generated.next().unwrap_or_default());
        } else {
            out.push(e);
        }
    }
    Ok((plan, out))
}

/// An aggregate, or HAVING over one: the input of an aggregation's select list.
fn is_aggregation(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Aggregate(_) => true,
        LogicalPlan::Filter(f) => is_aggregation(&f.input),
        _ => false,
    }
}

fn nested_generator(e: &Expr) -> Error {
    Error::new(ErrorKind::Other {
        class: "UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS".into(),
        sqlstate: Some("42K0E".into()),
        message: format!("The generator is not supported: nested in expressions \"{e}\"."),
    })
}

/// Plans the aggregate part of a query: collects every aggregate call used by the
/// select list, HAVING and ORDER BY, builds the `Aggregate`, and rewrites those
/// expressions to read its output columns.
pub struct AggregatePlanner {
    /// The `Aggregate` node.
    pub plan: Arc<LogicalPlan>,
    group_exprs: Vec<Expr>,
    aggr_calls: Vec<Expr>,
    /// No GROUP BY keys (a global aggregate, or `GROUPING SETS (())`).
    global: bool,
}

impl AggregatePlanner {
    /// `exprs` are all expressions evaluated above the aggregate (select list first);
    /// `extra` are further ones (HAVING, ORDER BY) whose aggregates are also computed.
    pub fn new(input: Arc<LogicalPlan>, group_exprs: Vec<Expr>, exprs: &[Expr], extra: &[Expr]) -> Result<Self> {
        let mut aggr_calls: Vec<Expr> = Vec::new();
        for e in exprs.iter().chain(extra) {
            collect_aggregates(e, &mut aggr_calls);
        }
        if aggr_calls.iter().any(crate::grouping_sets::is_grouping_call) {
            return Err(crate::grouping_sets::grouping_without_sets());
        }
        let group_exprs: Vec<Expr> = group_exprs.into_iter().map(|g| g.into_unaliased()).collect();
        let named_groups: Vec<Expr> = group_exprs.iter().cloned().map(name_expr).collect();
        let named_aggs = name_aggregate_calls(&aggr_calls);
        let agg = Aggregate::try_new(input, named_groups, named_aggs)?;
        let global = group_exprs.is_empty();
        Ok(AggregatePlanner { plan: Arc::new(LogicalPlan::Aggregate(agg)), group_exprs, aggr_calls, global })
    }

    /// A planner over an already built `Aggregate` (`plan`) whose `i`-th group column
    /// stands for `group_exprs[i]` and whose aggregate columns compute `aggr_calls`
    /// (GROUPING SETS build theirs in `grouping_sets`); `global` when no set has a key.
    pub fn from_parts(plan: Arc<LogicalPlan>, group_exprs: Vec<Expr>, aggr_calls: Vec<Expr>, global: bool) -> Self {
        AggregatePlanner { plan, group_exprs, aggr_calls, global }
    }

    /// Rewrites an expression to read the aggregate's output; a column that is neither
    /// grouped nor aggregated is a MISSING_AGGREGATION error (MISSING_GROUP_BY without keys).
    pub fn rewrite(&self, expr: &Expr) -> Result<Expr> {
        let schema = self.plan.schema().clone();
        let group_count = self.group_exprs.len();
        let t = expr.clone().transform_down(|e| {
            if let Some(i) = self.group_exprs.iter().position(|g| g == e.unalias() || same_column(g, &e)) {
                let col = schema.field(i).column();
                return Ok(Transformed::yes(keep_alias(&e, Expr::Column(col))));
            }
            if let Some(i) = self.aggr_calls.iter().position(|a| a == &e) {
                let col = schema.field(group_count + i).column();
                return Ok(Transformed::yes(Expr::Column(col)));
            }
            Ok(Transformed::no(e))
        })?;
        let out = t.data;
        // Anything still reading input columns is not grouped.
        let mut missing: Option<Expr> = None;
        out.apply(|e| {
            if let Expr::Column(c) = e {
                if !schema.has_column(c) || !self.is_output_column(c) {
                    missing = Some(e.clone());
                    return Ok(TreeNodeRecursion::Stop);
                }
            }
            Ok(TreeNodeRecursion::Continue)
        })?;
        if missing.is_some() {
            if self.global {
                return Err(Error::new(ErrorKind::MissingGroupBy));
            }
            return Err(Error::new(ErrorKind::MissingAggregation { expr: format!("\"{}\"", expr.unalias()) }));
        }
        Ok(out)
    }

    fn is_output_column(&self, c: &Column) -> bool {
        // Output columns of the aggregate are exactly its schema's fields.
        self.plan.schema().matches(c.relation.as_deref(), &c.name).len() == 1
    }

    /// [`rewrite`](Self::rewrite) for a select-list entry: it keeps the name Spark
    /// gives `expr` (which an aggregate column's internal name may not spell).
    pub fn rewrite_output(&self, expr: &Expr) -> Result<Expr> {
        let out = self.rewrite(expr)?;
        let name = expr.output_name();
        Ok(if out.output_name().eq_ignore_ascii_case(&name) { out } else { out.into_unaliased().alias(name) })
    }

    pub fn rewrite_all(&self, exprs: &[Expr]) -> Result<Vec<Expr>> {
        exprs.iter().map(|e| self.rewrite_output(e)).collect()
    }
}

fn same_column(group: &Expr, e: &Expr) -> bool {
    match (group, e) {
        (Expr::Column(a), Expr::Column(b)) => {
            a.name.eq_ignore_ascii_case(&b.name) && (a.relation.is_none() || b.relation.is_none() || a.relation == b.relation)
        }
        _ => false,
    }
}

fn keep_alias(original: &Expr, replacement: Expr) -> Expr {
    match original {
        Expr::Alias(a) => replacement.alias(a.name.clone()),
        _ => replacement,
    }
}

/// Aliases each aggregate call with its Spark name, made unique with a `#n` suffix
/// where two different calls share one (`first(x)` and `first(x, true)`).
pub fn name_aggregate_calls(calls: &[Expr]) -> Vec<Expr> {
    let mut taken: Vec<String> = Vec::with_capacity(calls.len());
    calls
        .iter()
        .map(|c| {
            let mut name = c.output_name();
            if taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
                name = format!("{name}#{}", taken.len());
            }
            taken.push(name.clone());
            c.clone().alias(name)
        })
        .collect()
}

/// Collects distinct aggregate calls in `e` (not descending into them).
pub fn collect_aggregates(e: &Expr, out: &mut Vec<Expr>) {
    let _ = e.apply(|n| {
        if let Expr::AggregateFunction(_) = n {
            if !out.contains(n) {
                out.push(n.clone());
            }
            return Ok(TreeNodeRecursion::Jump);
        }
        Ok(TreeNodeRecursion::Continue)
    });
}

/// A generator expression (`explode(arg)`).
pub fn generator(g: Generator) -> Expr {
    Expr::Generator(g)
}
