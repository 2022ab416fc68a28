//! `WITH RECURSIVE r(cols) AS (anchor UNION ALL step)`: the anchor runs once, then the
//! step runs again and again over the rows the previous run produced, until a run
//! produces no rows; the CTE is the union of every run (Spark 4's `UnionLoop`). Each run
//! is materialized through the catalog, so the recursion happens while binding. More
//! than `spark.sql.cteRecursionLevelLimit` (100) productive steps is
//! RECURSION_LEVEL_LIMIT_EXCEEDED; a `LIMIT k` right over the CTE stops the
//! recursion once `k` rows exist, as Spark pushes such a limit into the loop.

use std::sync::Arc;

use ember_common::{Error, Result, TreeNode};
use ember_plan::{Expr, JoinType, LogicalPlan, LogicalPlanBuilder};
use sqlparser::ast::{self, SetExpr, SetOperator, SetQuantifier, TableFactor};

use crate::binder::{Binder, Scope};
use crate::errors::{other, span_of, ResultExt};

const DEFAULT_LEVEL_LIMIT: usize = 100;

impl Binder<'_> {
    /// The plan of the CTE `cte` of a `WITH RECURSIVE` clause, or `None` when it does not
    /// refer to itself (an ordinary CTE). `row_limit` is the LIMIT right above it.
    pub(crate) fn bind_recursive_cte(&self, cte: &ast::Cte, scope: &Scope, row_limit: Option<usize>) -> Result<Option<LogicalPlan>> {
        let name = cte.alias.name.value.as_str();
        if !query_reads(&cte.query, name) {
            return Ok(None);
        }
        let span = span_of(cte);
        let q = &cte.query;
        let (anchor, step) = match q.body.as_ref() {
            SetExpr::SetOperation { op: SetOperator::Union, set_quantifier, left, right }
                if q.order_by.is_none() && q.limit_clause.is_none() && !set_reads(left, name) =>
            {
                if !matches!(set_quantifier, SetQuantifier::All) {
                    return Err(other(
                        "UNION_NOT_SUPPORTED_IN_RECURSIVE_CTE",
                        "42836",
                        "The UNION operator is not yet supported within recursive common table expressions (WITH clauses that refer to themselves, directly or indirectly). Please use UNION ALL instead.",
                    ))
                    .at(span);
                }
                (left.as_ref(), right.as_ref())
            }
            _ => return Err(invalid_recursive_cte()).at(span),
        };
        if let SetExpr::SetOperation { .. } = step {
            return Err(invalid_recursive_cte()).at(span);
        }
        let columns: Vec<String> = cte.alias.columns.iter().map(|c| c.name.value.clone()).collect();
        let named = |plan: LogicalPlan| -> Result<LogicalPlan> {
            if columns.is_empty() {
                return Ok(plan);
            }
            Ok(LogicalPlanBuilder::from(plan).rename_columns(&columns).at(span_of(&cte.alias))?.build())
        };
        let anchor = named(self.bind_set_expr(anchor, scope)?)?;
        let limit = self.level_limit();
        let Some((mut last, mut rows)) = self.catalog.materialize(anchor.clone(), name)? else {
            return Err(crate::errors::unsupported("WITH RECURSIVE here")).at(span);
        };
        let mut runs = vec![last.clone()];
        let mut total = rows;
        let mut level = 0usize;
        while rows > 0 && row_limit.is_none_or(|k| total < k) {
            level += 1;
            let mut inner = Scope::child(scope);
            inner.add(name, last.clone());
            let plan = named(self.bind_set_expr(step, &inner)?)?;
            check_reference_place(&plan, &last).at(span_of(step))?;
            let plan = conform(plan, &anchor).at(span_of(step))?;
            let Some((next, n)) = self.catalog.materialize(plan, name)? else { break };
            if n > 0 && level >= limit {
                return Err(other(
                    "RECURSION_LEVEL_LIMIT_EXCEEDED",
                    "42836",
                    format!("Recursion level limit {limit} reached but query has not exhausted, try increasing it like 'WITH RECURSIVE t(col) MAX RECURSION LEVEL 200'."),
                ));
            }
            rows = n;
            total += n;
            if n > 0 {
                runs.push(next.clone());
            }
            last = next;
        }
        let mut out = LogicalPlanBuilder::from(runs.remove(0));
        for r in runs {
            out = out.union(r)?;
        }
        Ok(Some(out.build()))
    }

    fn level_limit(&self) -> usize {
        self.config.get_or_default(ember_common::config::keys::CTE_RECURSION_LEVEL_LIMIT).and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_LEVEL_LIMIT)
    }
}

/// The step's rows under the anchor's column names and types (Spark's loop keeps the
/// anchor's); a type that cannot be merged is CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE.
fn conform(plan: LogicalPlan, anchor: &LogicalPlan) -> Result<LogicalPlan> {
    let (ps, asch) = (plan.schema().clone(), anchor.schema().clone());
    // Validates the arity and that the types can be unioned.
    ember_plan::Union::try_new(vec![Arc::new(anchor.clone()), Arc::new(plan.clone())])?;
    let mut exprs = Vec::with_capacity(ps.len());
    for (f, a) in ps.fields().iter().zip(asch.fields()) {
        let (ft, at) = (f.data_type(), a.data_type());
        let mut e = Expr::Column(f.column());
        if ft != at {
            if ember_plan::coercion::is_string(ft) != ember_plan::coercion::is_string(at) && *ft != arrow::datatypes::DataType::Null {
                let show = |t| ember_common::types::sql_type_name(t);
                return Err(other(
                    "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE",
                    "42825",
                    format!("Failed to merge incompatible data types \"{}\" and \"{}\". Please check the data types of the columns being merged and ensure that they are compatible. If necessary, consider casting the columns to compatible data types before attempting the merge.", show(at), show(ft)),
                ));
            }
            e = e.cast_to(at.clone());
        }
        exprs.push(e.alias(a.name().to_string()));
    }
    Ok(LogicalPlanBuilder::from(plan).project(exprs)?.build())
}

fn invalid_recursive_cte() -> Error {
    other(
        "INVALID_RECURSIVE_CTE",
        "42836",
        "Invalid recursive definition found. Recursive queries must contain an UNION or an UNION ALL statement with 2 children. The first child needs to be the anchor term without any recursive references. Any top level inner CTE must not contain self references.",
    )
}

/// INVALID_RECURSIVE_REFERENCE.PLACE if the step reads the previous run (`last`) below
/// an aggregate, a window, a sort or on the NULL-extended side of an outer join.
fn check_reference_place(plan: &LogicalPlan, last: &LogicalPlan) -> Result<()> {
    let reads = |p: &LogicalPlan| p.exists(|n| n == last);
    let bad = plan.exists(|node| match node {
        LogicalPlan::Aggregate(a) => reads(&a.input),
        LogicalPlan::Window(w) => reads(&w.input),
        LogicalPlan::Sort(s) => reads(&s.input),
        LogicalPlan::Join(j) => match j.join_type {
            JoinType::LeftOuter | JoinType::LeftSemi | JoinType::LeftAnti | JoinType::LeftSingle => reads(&j.right),
            JoinType::RightOuter => reads(&j.left),
            JoinType::FullOuter => reads(&j.left) || reads(&j.right),
            _ => false,
        },
        _ => false,
    });
    if bad {
        return Err(other(
            "INVALID_RECURSIVE_REFERENCE.PLACE",
            "42836",
            "Invalid recursive reference found inside WITH RECURSIVE clause. Recursive references cannot be used on the right side of left outer/semi/anti joins, on the left side of right outer joins, in full outer joins, in aggregates, window functions or sorts",
        ));
    }
    Ok(())
}

/// True if `q` reads a table named `name` in a FROM clause (at any depth).
fn query_reads(q: &ast::Query, name: &str) -> bool {
    q.with.as_ref().is_some_and(|w| w.cte_tables.iter().any(|c| query_reads(&c.query, name))) || set_reads(&q.body, name)
}

fn set_reads(body: &SetExpr, name: &str) -> bool {
    match body {
        SetExpr::Select(s) => s.from.iter().any(|twj| factor_reads(&twj.relation, name) || twj.joins.iter().any(|j| factor_reads(&j.relation, name))),
        SetExpr::Query(q) => query_reads(q, name),
        SetExpr::SetOperation { left, right, .. } => set_reads(left, name) || set_reads(right, name),
        _ => false,
    }
}

fn factor_reads(tf: &TableFactor, name: &str) -> bool {
    match tf {
        TableFactor::Table { name: n, args: None, .. } => {
            n.0.len() == 1 && n.0.first().and_then(|p| p.as_ident()).is_some_and(|i| i.value.eq_ignore_ascii_case(name))
        }
        TableFactor::Derived { subquery, .. } => query_reads(subquery, name),
        TableFactor::NestedJoin { table_with_joins, .. } => {
            factor_reads(&table_with_joins.relation, name) || table_with_joins.joins.iter().any(|j| factor_reads(&j.relation, name))
        }
        TableFactor::Pivot { table, .. } | TableFactor::Unpivot { table, .. } => factor_reads(table, name),
        _ => false,
    }
}
