//! `EliminateNoop`: removes operators that do nothing, and replaces those that can
//! produce no row by an empty relation.
//!
//! ```text
//! Project [a, b, c]  over  Relation t[a,b,c]  → Relation t[a,b,c]
//! Filter true        over  X                  → X
//! Filter false/NULL  over  X                  → EmptyRelation (X's schema)
//! Limit (no fetch, no offset), or a Limit that cannot cut anything
//!                                             → its input
//! Limit 0                                     → EmptyRelation
//! Sort over Sort (without fetch) over X       → Sort over X
//! Union of one input                          → that input
//! Filter / Sort / Limit / Project over an EmptyRelation
//!                                             → EmptyRelation
//! ```

use std::sync::Arc;

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{EmptyRelation, Expr, LogicalPlan, PlanSchema, ScalarValue, Sort};

use crate::rule::{Rule, RuleContext};
use crate::utils::{max_rows, resolves_to};

pub struct EliminateNoop;

impl Rule for EliminateNoop {
    fn name(&self) -> &'static str {
        "eliminate_noop"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(eliminate)
    }
}

fn empty(schema: &PlanSchema) -> LogicalPlan {
    LogicalPlan::EmptyRelation(EmptyRelation { produce_one_row: false, schema: schema.clone() })
}

fn is_empty_relation(p: &LogicalPlan) -> bool {
    matches!(p, LogicalPlan::EmptyRelation(e) if !e.produce_one_row)
}

fn unwrap_input(input: &Arc<LogicalPlan>) -> LogicalPlan {
    input.as_ref().clone()
}

fn eliminate(node: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    let out = match &node {
        LogicalPlan::Projection(p) if is_empty_relation(&p.input) => empty(&p.schema),
        LogicalPlan::Projection(p) if is_identity(&p.exprs, p.input.schema(), &p.schema) => unwrap_input(&p.input),
        LogicalPlan::Filter(f) if is_empty_relation(&f.input) => unwrap_input(&f.input),
        LogicalPlan::Filter(f) => match &f.predicate {
            Expr::Literal(ScalarValue::Boolean(Some(true))) => unwrap_input(&f.input),
            Expr::Literal(v) if v.is_null() || v == &ScalarValue::Boolean(Some(false)) => empty(f.input.schema()),
            _ => return Ok(Transformed::no(node)),
        },
        LogicalPlan::Limit(l) if is_empty_relation(&l.input) => unwrap_input(&l.input),
        LogicalPlan::Limit(l) if l.fetch == Some(0) => empty(l.input.schema()),
        LogicalPlan::Limit(l) if l.skip == 0 && l.fetch.is_none_or(|f| max_rows(&l.input).is_some_and(|m| m <= f)) => {
            unwrap_input(&l.input)
        }
        LogicalPlan::Sort(s) if is_empty_relation(&s.input) => unwrap_input(&s.input),
        LogicalPlan::Sort(s) => match s.input.as_ref() {
            LogicalPlan::Sort(inner) if inner.fetch.is_none() => {
                LogicalPlan::Sort(Sort::try_new(s.exprs.clone(), inner.input.clone(), s.fetch)?)
            }
            _ => return Ok(Transformed::no(node)),
        },
        LogicalPlan::Union(u) if u.inputs.len() == 1 && u.inputs[0].schema() == &u.schema => unwrap_input(&u.inputs[0]),
        _ => return Ok(Transformed::no(node)),
    };
    Ok(Transformed::yes(out))
}

/// True if the projection lists exactly its input's columns, in order, same names.
fn is_identity(exprs: &[Expr], input: &PlanSchema, output: &PlanSchema) -> bool {
    exprs.len() == input.len()
        && output == input
        && exprs.iter().enumerate().all(|(i, e)| matches!(e, Expr::Column(c) if resolves_to(input, c, i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    #[test]
    fn removes_identity_projection_and_true_filter() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(lit(true))
            .unwrap()
            .project(vec![col("a"), col("b"), col("c")])
            .unwrap()
            .limit(0, None)
            .unwrap()
            .project(vec![col("a"), col("c"), col("b")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(EliminateNoop, plan), @r"
        Project [a, c, b]
        +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn renaming_projection_stays() {
        let plan = LogicalPlanBuilder::from(scan_t()).project(vec![col("A"), col("b"), col("c")]).unwrap().build();
        insta::assert_snapshot!(run(EliminateNoop, plan), @r"
        Project [A, b, c]
        +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn false_filter_empties_everything_above() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .filter(lit(ScalarValue::Boolean(None)))
            .unwrap()
            .sort(vec![col("a").sort(true, None)])
            .unwrap()
            .project(vec![col("a")])
            .unwrap()
            .build();
        let out = run(EliminateNoop, plan);
        insta::assert_snapshot!(out, @"EmptyRelation");
    }

    #[test]
    fn limits_and_sorts() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .sort(vec![col("b").sort(true, None)])
            .unwrap()
            .sort(vec![col("a").sort(false, None)])
            .unwrap()
            .limit(0, Some(5))
            .unwrap()
            .limit(0, Some(10))
            .unwrap()
            .build();
        insta::assert_snapshot!(run(EliminateNoop, plan), @r"
        Limit 5
        +- Sort [a DESC NULLS LAST]
           +- Relation t[a,b,c] test
        ");
        let zero = LogicalPlanBuilder::from(scan_t()).limit(0, Some(0)).unwrap().build();
        insta::assert_snapshot!(run(EliminateNoop, zero), @"EmptyRelation");
    }
}
