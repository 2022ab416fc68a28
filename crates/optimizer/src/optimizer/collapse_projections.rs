//! `CollapseProjections`: a projection over a projection becomes one, by substituting
//! the lower expressions for the columns the upper one reads.
//!
//! ```text
//! before:  Project [(x + 1) AS y]            after:  Project [((a + b) + 1) AS y]
//!          +- Project [(a + b) AS x]                 +- Relation t
//!             +- Relation t
//! ```
//!
//! As in Spark's `CollapseProject`: only when every lower expression the upper one
//! reads is deterministic, and is read once or is cheap (a column or a literal), so
//! no work is duplicated and `rand()` is never evaluated twice. The merged projection
//! must keep the upper one's names, types and qualifiers, or nothing changes.

use std::collections::HashMap;

use ember_common::{Result, Transformed, TreeNode, TreeNodeRecursion};
use ember_plan::{Expr, LogicalPlan, PlanSchema, Projection};

use crate::rule::{Rule, RuleContext};
use crate::utils::{keep_name, replace_columns};

pub struct CollapseProjections;

impl Rule for CollapseProjections {
    fn name(&self) -> &'static str {
        "collapse_projections"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| {
            let LogicalPlan::Projection(upper) = node else { return Ok(Transformed::no(node)) };
            match collapse(&upper)? {
                Some(p) => Ok(Transformed::yes(p)),
                None => Ok(Transformed::no(LogicalPlan::Projection(upper))),
            }
        })
    }
}

fn collapse(upper: &Projection) -> Result<Option<LogicalPlan>> {
    let LogicalPlan::Projection(lower) = upper.input.as_ref() else { return Ok(None) };
    let schema = &lower.schema;
    let Some(counts) = reference_counts(&upper.exprs, schema) else { return Ok(None) };
    for (&i, &n) in &counts {
        let producer = lower.exprs[i].unalias();
        if !producer.is_deterministic() || (n > 1 && !is_cheap(producer)) {
            return Ok(None);
        }
    }
    let mut exprs = Vec::with_capacity(upper.exprs.len());
    for e in &upper.exprs {
        let Some(new) = replace_columns(e, schema, &|i| Some(lower.exprs[i].unalias().clone())) else { return Ok(None) };
        exprs.push(keep_name(e, new));
    }
    let merged = Projection::try_new(exprs, lower.input.clone())?;
    if !same_output(&merged.schema, &upper.schema) {
        return Ok(None);
    }
    Ok(Some(LogicalPlan::Projection(merged)))
}

/// How often each lower output column is read by `exprs`; `None` if one does not resolve.
fn reference_counts(exprs: &[Expr], schema: &PlanSchema) -> Option<HashMap<usize, usize>> {
    let mut counts = HashMap::new();
    let mut ok = true;
    for e in exprs {
        let _ = e.apply(|n| {
            if let Expr::Column(c) = n {
                match schema.index_of(c) {
                    Ok(i) => *counts.entry(i).or_insert(0) += 1,
                    Err(_) => ok = false,
                }
            }
            Ok(TreeNodeRecursion::Continue)
        });
    }
    ok.then_some(counts)
}

/// Spark's `isCheap`: columns and literals cost nothing to repeat.
fn is_cheap(e: &Expr) -> bool {
    matches!(e.unalias(), Expr::Column(_) | Expr::Literal(_))
}

fn same_output(a: &PlanSchema, b: &PlanSchema) -> bool {
    a.len() == b.len()
        && a.fields().iter().zip(b.fields()).all(|(x, y)| {
            x.name() == y.name() && x.data_type() == y.data_type() && x.qualifier == y.qualifier
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, LogicalPlanBuilder};

    #[test]
    fn substitutes_aliases() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![col("a").alias("x"), col("b"), col("c")])
            .unwrap()
            .project(vec![plus(col("x"), col("x")).alias("y"), col("t.b")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(CollapseProjections, plan), @r"
        Project [(a + a) AS y, b]
        +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn does_not_duplicate_expensive_or_random_exprs() {
        let expensive = LogicalPlanBuilder::from(scan_t())
            .project(vec![plus(col("a"), col("b")).alias("x")])
            .unwrap()
            .project(vec![plus(col("x"), col("x")).alias("y")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(CollapseProjections, expensive), @r"
        Project [(x + x) AS y]
        +- Project [(a + b) AS x]
           +- Relation t[a,b,c] test
        ");
        let random = LogicalPlanBuilder::from(scan_t())
            .project(vec![rand().alias("r")])
            .unwrap()
            .project(vec![col("r").gt(lit(0.5)).alias("y")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(CollapseProjections, random), @r"
        Project [(r > 0.5) AS y]
        +- Project [rand() AS r]
           +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn once_used_expression_is_inlined_keeping_the_name() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![plus(col("a"), col("b")).alias("x")])
            .unwrap()
            .project(vec![col("x")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(CollapseProjections, plan), @r"
        Project [(a + b) AS x]
        +- Relation t[a,b,c] test
        ");
    }
}
