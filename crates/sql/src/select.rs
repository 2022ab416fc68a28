//! SELECT blocks: FROM, WHERE, the select list, GROUP BY (expressions, ordinals, select
//! aliases, `GROUP BY ALL`, GROUPING SETS / ROLLUP / CUBE), HAVING, DISTINCT and ORDER
//! BY, including sort keys that are not in the select list (added as hidden columns,
//! then projected away).

use ember_common::{Error, ErrorKind, Result, Span};
use ember_plan::builder::{expand_wildcards, AggregatePlanner};
use ember_plan::grouping_sets::{cube, plan_grouping_sets, rollup, GroupingItem, GroupingSets};
use ember_plan::{Column, Expr, Generate, LogicalPlan, LogicalPlanBuilder, PlanSchema, SortExpr};
use sqlparser::ast::{self, GroupByExpr, OrderByExpr, SelectItem, SelectItemQualifiedWildcardKind, WildcardAdditionalOptions};

use crate::binder::{Binder, Scope};
use crate::errors::{other, span_of, unsupported, ResultExt};
use crate::expr::ExprScope;
use crate::query::{check_ordinal, ordinal, sort_expr};

/// One bound select-list entry and where it was written.
struct Item {
    expr: Expr,
    span: Span,
}

/// A sort key before the final projection is known.
enum Key {
    /// The i-th output column (ordinal or select alias).
    OutputIndex(usize),
    /// An expression over the output columns.
    Output(Expr),
    /// An expression over the columns below the projection (may need hidden columns).
    Below(Expr),
}

impl Binder<'_> {
    pub(crate) fn bind_select(&self, s: &ast::Select, order: &[OrderByExpr], scope: &Scope) -> Result<LogicalPlan> {
        let distinct = check_clauses(s)?;
        let _windows = self.enter_named_windows(&s.named_window);
        let mut input = self.bind_from(&s.from, scope)?;
        input = self.bind_lateral_views(input, &s.lateral_views)?;
        if let Some(w) = &s.selection {
            let pred = self.bind_expr(w, &ExprScope::new(input.schema()))?;
            // a bare NULL is no boolean (Spark's WHERE NULL); HAVING NULL is allowed
            if pred.data_type(input.schema())? == arrow::datatypes::DataType::Null {
                return Err(ember_plan::filter_not_boolean(&pred, &arrow::datatypes::DataType::Null)).at(span_of(w));
            }
            input = input.filter(pred).at(span_of(w))?;
        }
        // `FROM t` alone (the start of a pipe query) selects every column.
        let star;
        let projection = if s.projection.is_empty() && matches!(s.flavor, ast::SelectFlavor::FromFirstNoSelect) {
            star = [SelectItem::Wildcard(ast::WildcardAdditionalOptions::default())];
            &star[..]
        } else {
            &s.projection[..]
        };
        // Spark's select list may name the column a GROUP BY window makes (`window.start`).
        let group_windows = match &s.group_by {
            GroupByExpr::Expressions(v, _) => self.group_by_windows(v, input.schema()),
            _ => Vec::new(),
        };
        let (input, items) = self.bind_select_items(input, projection, &group_windows)?;
        let select_span = s.projection.first().map(span_of).unwrap_or_default();
        let in_schema = input.schema().clone();
        let select_exprs: Vec<Expr> = items.iter().map(|i| i.expr.clone()).collect();
        let alias_scope = ExprScope::with_aliases(&in_schema, &select_exprs);

        let group_asts: Option<&Vec<ast::Expr>> = match &s.group_by {
            GroupByExpr::All(mods) if mods.is_empty() => None,
            GroupByExpr::Expressions(v, _) => Some(v),
            _ => return Err(unsupported("GROUP BY ALL with ROLLUP, CUBE or GROUPING SETS")).at(span_of(s)),
        };
        let having = match &s.having {
            Some(h) => {
                let bound = self.bind_expr(h, &alias_scope)?;
                if bound.contains_window() {
                    return Err(Error::new(ErrorKind::WindowFunctionNotAllowed { clause: "HAVING" })).at(span_of(h));
                }
                Some((bound, span_of(h)))
            }
            None => None,
        };
        let qualify = match &s.qualify {
            Some(q) => Some((self.bind_expr(q, &alias_scope)?, span_of(q))),
            None => None,
        };
        let order_all = order_by_all(order, &items);
        // As in Spark, aggregates in ORDER BY alone do not make the query an aggregation.
        let is_aggregate =
            group_asts.is_none_or(|g| !g.is_empty()) || having.is_some() || select_exprs.iter().any(|e| e.contains_aggregate());

        if let Some((q, span)) = &qualify {
            check_qualify(q, is_aggregate, &select_exprs).at(*span)?;
        }
        if !is_aggregate {
            // Keys resolve against the output first (aliases), then against the input.
            let out = input.clone().project(select_exprs.clone()).at(select_span)?.schema().clone();
            if let Some(o) = order_all {
                let keys = (0..items.len()).map(|i| (Key::OutputIndex(i), o)).collect();
                return finish(input, select_exprs, keys, distinct, qualify, select_span);
            }
            let mut keys = Vec::with_capacity(order.len());
            for o in order {
                let key = match ordinal(&o.expr) {
                    Some(k) => Key::OutputIndex(check_ordinal(k, out.len(), "ORDER", span_of(&o.expr))?),
                    None => match self.bind_expr(&o.expr, &ExprScope::new(&out)) {
                        Ok(e) if !e.contains_aggregate() => Key::Output(e),
                        _ => Key::Below(self.bind_expr(&o.expr, &alias_scope)?),
                    },
                };
                check_sort_key(&key, false).at(span_of(&o.expr))?;
                keys.push((key, o));
            }
            return finish(input, select_exprs, keys, distinct, qualify, select_span);
        }

        let grouping_sets = match &s.group_by {
            GroupByExpr::Expressions(v, mods) => self.bind_grouping_sets(v, mods, &items, &alias_scope)?,
            _ => None,
        };
        let group_exprs = match (group_asts, &grouping_sets) {
            (_, Some(_)) => vec![],
            (None, None) => select_exprs.iter().filter(|e| !e.contains_aggregate() && !e.contains_window()).map(|e| e.unalias().clone()).collect(),
            (Some(g), None) => g.iter().map(|g| self.bind_group_expr(g, &items, &alias_scope)).collect::<Result<Vec<_>>>()?,
        };
        let mut keys = Vec::with_capacity(order.len());
        for o in order.iter().filter(|_| order_all.is_none()) {
            let key = match (ordinal(&o.expr), &o.expr) {
                (Some(k), _) => Key::OutputIndex(check_ordinal(k, items.len(), "ORDER", span_of(&o.expr))?),
                (None, ast::Expr::Identifier(id)) if output_index(&items, &id.value).is_some() => {
                    Key::OutputIndex(output_index(&items, &id.value).unwrap_or(0))
                }
                (None, e) => Key::Below(self.bind_expr(e, &alias_scope)?),
            };
            check_sort_key(&key, true).at(span_of(&o.expr))?;
            keys.push((key, o));
        }
        if let Some(o) = order_all {
            keys.extend((0..items.len()).map(|i| (Key::OutputIndex(i), o)));
        }
        let mut extra: Vec<Expr> = having.iter().map(|h| h.0.clone()).collect();
        extra.extend(qualify.iter().map(|q| q.0.clone()));
        extra.extend(keys.iter().filter_map(|(k, _)| match k {
            Key::Below(e) => Some(e.clone()),
            _ => None,
        }));
        let group_span = group_asts.and_then(|g| g.first()).map(span_of).unwrap_or(select_span);
        let planner = match grouping_sets {
            Some(gs) => plan_grouping_sets(input.plan().clone(), gs, &select_exprs, &extra).at(group_span)?,
            None => AggregatePlanner::new(input.plan().clone(), group_exprs, &select_exprs, &extra).at(group_span)?,
        };
        let proj = items.iter().map(|i| planner.rewrite_output(&i.expr).at(i.span)).collect::<Result<Vec<_>>>()?;
        let mut base = LogicalPlanBuilder::from_arc(planner.plan.clone());
        if let Some((h, span)) = &having {
            let h = planner.rewrite(h).at(*span)?;
            base = base.filter(h).at(*span)?;
        }
        let qualify = match qualify {
            Some((q, span)) => Some((planner.rewrite(&q).at(span)?, span)),
            None => None,
        };
        let keys = keys
            .into_iter()
            .map(|(k, o)| match k {
                Key::Below(e) => Ok((Key::Below(planner.rewrite(&e).at(span_of(&o.expr))?), o)),
                other => Ok((other, o)),
            })
            .collect::<Result<Vec<_>>>()?;
        finish(base, proj, keys, distinct, qualify, select_span)
    }

    /// The `window(…)` / `session_window(…)` calls of GROUP BY, each aliased by the name
    /// of the column it becomes, for the select list to refer to (Spark's analyzer adds
    /// that column below the aggregate before it resolves the select list).
    fn group_by_windows(&self, group_by: &[ast::Expr], schema: &PlanSchema) -> Vec<Expr> {
        group_by
            .iter()
            .filter(|g| matches!(g, ast::Expr::Function(f) if matches!(crate::relation::object_name(&f.name).to_ascii_lowercase().as_str(), "window" | "session_window")))
            .filter_map(|g| self.bind_expr(g, &ExprScope::new(schema)).ok())
            .filter(ember_plan::time_window::is_time_window_call)
            .map(|w| {
                let name = w.output_name();
                w.alias(name)
            })
            .collect()
    }

    /// Binds the select list over `input`; `posexplode(x) AS (p, c)` adds a `Generate`.
    /// Names missing from the input may name one of `windows` (see [`Self::group_by_windows`]).
    fn bind_select_items(&self, mut input: LogicalPlanBuilder, projection: &[SelectItem], windows: &[Expr]) -> Result<(LogicalPlanBuilder, Vec<Item>)> {
        let mut items = Vec::with_capacity(projection.len());
        for it in projection {
            let span = span_of(it);
            let schema = input.schema().clone();
            let scope = ExprScope::with_aliases(&schema, windows);
            match it {
                SelectItem::UnnamedExpr(e) => {
                    items.push(Item { expr: crate::field_access::name_dotted_item(e, self.bind_expr(e, &scope)?), span })
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    items.push(Item { expr: self.bind_expr(expr, &scope)?.alias(alias.value.clone()), span })
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    let names: Vec<String> = aliases.iter().map(|a| a.value.clone()).collect();
                    let generator = match self.bind_expr(expr, &scope)? {
                        Expr::Generator(g) => g,
                        e => {
                            return Err(other(
                                "MULTI_ALIAS_WITHOUT_GENERATOR",
                                "42K0E",
                                format!("Multi part aliasing ({}) is not supported with {e} as it is not a generator function.", names.join(", ")),
                            ))
                            .at(span)
                        }
                    };
                    let gen = Generate::try_new(input.plan().clone(), generator, names).at(span)?;
                    let cols: Vec<Expr> = gen.output_names.iter().map(|n| Expr::Column(Column::from_name(n.clone()))).collect();
                    input = LogicalPlanBuilder::from(LogicalPlan::Generate(gen));
                    items.extend(cols.into_iter().map(|expr| Item { expr, span }));
                }
                SelectItem::Wildcard(opts) => {
                    check_wildcard(opts).at(span)?;
                    let cols = expand_wildcards(vec![Expr::Wildcard { qualifier: None }], &schema).at(span)?;
                    let cols = except(cols, opts, &schema).at(span)?;
                    items.extend(cols.into_iter().map(|expr| Item { expr, span }));
                }
                SelectItem::QualifiedWildcard(kind, opts) => {
                    check_wildcard(opts).at(span)?;
                    let q = match kind {
                        SelectItemQualifiedWildcardKind::ObjectName(n) => crate::relation::object_name(n),
                        SelectItemQualifiedWildcardKind::Expr(e) => return Err(unsupported(format!("{e}.*"))).at(span),
                    };
                    let cols = match expand_wildcards(vec![Expr::Wildcard { qualifier: Some(q.clone()) }], &schema) {
                        Ok(cols) => cols,
                        // `s.*` over a struct column: one column per field
                        Err(e) => self.expand_struct_star(&q, &scope).ok_or(e).at(span)?,
                    };
                    let cols = except(cols, opts, &schema).at(span)?;
                    items.extend(cols.into_iter().map(|expr| Item { expr, span }));
                }
            }
        }
        Ok((input, items))
    }

    /// `GROUP BY` with `ROLLUP`, `CUBE` or `GROUPING SETS` items, or `WITH ROLLUP` /
    /// `WITH CUBE`, as grouping sets (the product of the items' sets); `None` for a
    /// plain GROUP BY.
    fn bind_grouping_sets(
        &self,
        v: &[ast::Expr],
        mods: &[ast::GroupByWithModifier],
        items: &[Item],
        scope: &ExprScope,
    ) -> Result<Option<GroupingSets>> {
        let is_set = |e: &ast::Expr| matches!(e, ast::Expr::Rollup(_) | ast::Expr::Cube(_) | ast::Expr::GroupingSets(_));
        if mods.is_empty() && !v.iter().any(is_set) {
            return Ok(None);
        }
        let bind_list = |list: &[ast::Expr]| list.iter().map(|g| self.bind_group_expr(g, items, scope)).collect::<Result<Vec<_>>>();
        let bind_lists = |lists: &[Vec<ast::Expr>]| lists.iter().map(|l| bind_list(l)).collect::<Result<Vec<_>>>();
        let mut grouping_items: Vec<GroupingItem> = Vec::with_capacity(v.len());
        for e in v {
            grouping_items.push(match e {
                ast::Expr::Rollup(lists) => rollup(bind_lists(lists)?),
                ast::Expr::Cube(lists) => cube(bind_lists(lists)?),
                ast::Expr::GroupingSets(lists) => bind_lists(lists)?,
                e => vec![vec![self.bind_group_expr(e, items, scope)?]],
            });
        }
        for m in mods {
            let all: Vec<Vec<ember_plan::Expr>> = grouping_items.iter().map(|i| i.first().cloned().unwrap_or_default()).collect();
            if grouping_items.iter().any(|i| i.len() != 1) {
                return Err(unsupported(format!("{m} together with ROLLUP, CUBE or GROUPING SETS")));
            }
            grouping_items = vec![match m {
                ast::GroupByWithModifier::Rollup => rollup(all),
                ast::GroupByWithModifier::Cube => cube(all),
                other => return Err(unsupported(format!("GROUP BY {other}"))),
            }];
        }
        Ok(Some(GroupingSets::from_items(grouping_items)))
    }

    /// A GROUP BY entry: an ordinal, an input expression, or a select alias.
    fn bind_group_expr(&self, g: &ast::Expr, items: &[Item], scope: &ExprScope) -> Result<Expr> {
        if let Some(k) = ordinal(g) {
            let i = check_ordinal(k, items.len(), "GROUP", span_of(g))?;
            let e = items[i].expr.unalias().clone();
            if e.contains_aggregate() {
                return Err(other(
                    "GROUP_BY_POS_AGGREGATE",
                    "42903",
                    format!("GROUP BY {k} refers to an expression {e} that contains an aggregate function. Aggregate functions are not allowed in GROUP BY."),
                ))
                .at(span_of(g));
            }
            return Ok(e);
        }
        self.bind_expr(g, scope)
    }
}

/// The index of the select entry whose output name is `name` (case-insensitive).
fn output_index(items: &[Item], name: &str) -> Option<usize> {
    items.iter().position(|i| i.expr.output_name().eq_ignore_ascii_case(name))
}

/// Spark sorts above the projection (or the aggregate), which computes no window
/// functions, and no aggregates unless the query is an aggregation.
fn check_sort_key(key: &Key, aggregated: bool) -> Result<()> {
    let e = match key {
        Key::Output(e) | Key::Below(e) => e,
        Key::OutputIndex(_) => return Ok(()),
    };
    if e.contains_window() || (!aggregated && e.contains_aggregate()) {
        return Err(ember_plan::unsupported_expr_for_operator([e]));
    }
    Ok(())
}

/// Projects, applies DISTINCT and sorts. Keys that read columns not in the output get
/// them as hidden columns: Project(out + hidden) → Sort → Project(out).
fn finish(
    base: LogicalPlanBuilder,
    proj: Vec<Expr>,
    keys: Vec<(Key, &OrderByExpr)>,
    distinct: bool,
    qualify: Option<(Expr, Span)>,
    span: Span,
) -> Result<LogicalPlan> {
    let projected = base.clone().project(proj.clone()).at(span)?;
    let out = projected.schema().clone();
    let mut hidden: Vec<Column> = Vec::new();
    let mut sort: Vec<SortExpr> = Vec::with_capacity(keys.len());
    for (key, o) in keys {
        let expr = match key {
            Key::OutputIndex(i) if i < out.len() => Expr::Column(out.field(i).column()),
            Key::OutputIndex(i) => return Err(Error::internal(format!("sort key position {i} out of range"))),
            Key::Output(e) => e,
            Key::Below(e) => {
                for c in e.column_refs() {
                    if !out.has_column(&c) && !hidden.contains(&c) {
                        if distinct {
                            return Err(out.unresolved(&Column::from_name(c.name.clone())).with_span(span_of(&o.expr)));
                        }
                        hidden.push(c);
                    }
                }
                e
            }
        };
        sort.push(sort_expr(expr, o));
    }
    let mut plan = if hidden.is_empty() && qualify.is_none() {
        projected
    } else {
        let mut wide = proj;
        if let Some((q, _)) = &qualify {
            wide.push(q.clone().alias(QUALIFY_COLUMN));
        }
        wide.extend(hidden.into_iter().map(Expr::Column));
        let mut p = base.project(wide).at(span)?;
        if let Some((_, qspan)) = qualify {
            p = p.filter(Expr::Column(Column::from_name(QUALIFY_COLUMN))).at(qspan)?;
            let keep = without(p.schema(), QUALIFY_COLUMN);
            p = p.project(keep).at(span)?;
        }
        p
    };
    if distinct {
        plan = plan.distinct()?;
    }
    if !sort.is_empty() {
        plan = plan.sort(sort)?;
    }
    if plan.schema().len() != out.len() {
        plan = plan.project(out.columns().into_iter().map(Expr::Column).collect())?;
    }
    Ok(plan.build())
}

/// Rejects the SELECT clauses Ember does not support; returns whether DISTINCT was given.
fn check_clauses(s: &ast::Select) -> Result<bool> {
    let span = span_of(s);
    let bad = |what: &str| Err(unsupported(what.to_string())).at(span);
    if s.top.is_some() {
        return bad("TOP");
    }
    if s.into.is_some() {
        return bad("SELECT INTO");
    }
    if !s.cluster_by.is_empty() || !s.distribute_by.is_empty() || !s.sort_by.is_empty() {
        return bad("CLUSTER BY, DISTRIBUTE BY and SORT BY");
    }
    if s.prewhere.is_some() || !s.connect_by.is_empty() || s.value_table_mode.is_some() || s.exclude.is_some() {
        return bad("this SELECT clause");
    }
    match &s.distinct {
        None | Some(ast::Distinct::All) => Ok(false),
        Some(ast::Distinct::Distinct) => Ok(true),
        Some(ast::Distinct::On(_)) => bad("DISTINCT ON"),
    }
}

fn check_wildcard(opts: &WildcardAdditionalOptions) -> Result<()> {
    if opts.opt_ilike.is_some()
        || opts.opt_exclude.is_some()
        || opts.opt_replace.is_some()
        || opts.opt_rename.is_some()
        || opts.opt_alias.is_some()
    {
        return Err(unsupported("* with EXCLUDE, REPLACE or RENAME"));
    }
    Ok(())
}

fn except(cols: Vec<Expr>, opts: &WildcardAdditionalOptions, schema: &ember_plan::PlanSchema) -> Result<Vec<Expr>> {
    match &opts.opt_except {
        Some(e) => crate::star_except::remove_excepted(cols, e, schema),
        None => Ok(cols),
    }
}

/// The hidden column holding the QUALIFY condition.
const QUALIFY_COLUMN: &str = "__qualify";

/// Every column of `schema` but `name`.
fn without(schema: &ember_plan::PlanSchema, name: &str) -> Vec<Expr> {
    schema.fields().iter().filter(|f| f.name() != name).map(|f| Expr::Column(f.column())).collect()
}

/// `ORDER BY ALL [ASC|DESC] [NULLS …]`: the one key, when it is the bare word `all` and
/// no output column is named `all` (then it sorts by that column, as in Spark).
fn order_by_all<'o>(order: &'o [OrderByExpr], items: &[Item]) -> Option<&'o OrderByExpr> {
    match order {
        [o] => match &o.expr {
            ast::Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("all") && output_index(items, "all").is_none() => Some(o),
            _ => None,
        },
        _ => None,
    }
}

/// Spark's QUALIFY rules: a window function in the condition or the select list, and
/// no aggregate in the condition of a query that does not aggregate.
fn check_qualify(q: &Expr, is_aggregate: bool, select: &[Expr]) -> Result<()> {
    if !is_aggregate {
        let mut aggs = Vec::new();
        ember_plan::builder::collect_aggregates(q, &mut aggs);
        if let Some(a) = aggs.first() {
            return Err(Error::spark("QUALIFY_AGGREGATE_NOT_ALLOWED", &[("aggregateExpr", &format!("\"{a}\""))]));
        }
    }
    if !q.contains_window() && !select.iter().any(|e| e.contains_window()) {
        return Err(Error::spark("QUALIFY_REQUIRES_WINDOW_FUNCTION", &[]));
    }
    Ok(())
}
