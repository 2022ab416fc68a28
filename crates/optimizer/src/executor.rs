//! `RuleExecutor`: runs named batches of rules, each `Once` or `FixedPoint(n)`, records
//! which rule changed the plan, and (in debug builds) checks that no rule changed the
//! output schema and that no fixed-point batch runs out of iterations.

use std::sync::Arc;

use ember_common::interval_type::IntervalType;
use ember_common::types::field_catalog_string;
use ember_common::{Error, Result};
use ember_plan::{LogicalPlan, PlanSchema};

use crate::rule::{Rule, RuleContext};

/// How often a batch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Exactly once; the batch must be idempotent.
    Once,
    /// Until no rule changes the plan, at most `n` times.
    FixedPoint(usize),
}

/// A named group of rules run together.
pub struct Batch {
    pub name: &'static str,
    pub strategy: Strategy,
    pub rules: Vec<Arc<dyn Rule>>,
}

impl Batch {
    pub fn new(name: &'static str, strategy: Strategy, rules: Vec<Arc<dyn Rule>>) -> Self {
        Batch { name, strategy, rules }
    }
}

/// Runs batches of rules in order.
pub struct RuleExecutor {
    pub batches: Vec<Batch>,
}

impl RuleExecutor {
    pub fn new(batches: Vec<Batch>) -> Self {
        RuleExecutor { batches }
    }

    /// Runs every batch; returns the plan and the rules that changed it, in order,
    /// as `"batch/rule"`.
    pub fn execute(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<(LogicalPlan, Vec<String>)> {
        let mut trace = Vec::new();
        let mut plan = plan;
        for batch in &self.batches {
            plan = run_batch(batch, plan, ctx, &mut trace)?;
        }
        Ok((plan, trace))
    }

    /// Runs the batches like [`RuleExecutor::execute`], but runs each `Once` batch a
    /// second time on its own output and fails (naming the batch and the rules) if
    /// that second run changes anything. For tests.
    pub fn check_once_batches_idempotent(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<LogicalPlan> {
        let mut trace = Vec::new();
        let mut plan = plan;
        for batch in &self.batches {
            plan = run_batch(batch, plan, ctx, &mut trace)?;
            if batch.strategy == Strategy::Once {
                let before = plan.clone();
                let mut again = Vec::new();
                let after = run_batch(batch, plan, ctx, &mut again)?;
                if !again.is_empty() || after != before {
                    return Err(Error::internal(format!(
                        "Once batch '{}' is not idempotent: the second run changed the plan with [{}]\nfirst run:\n{}\nsecond run:\n{}",
                        batch.name,
                        again.join(", "),
                        before.display_indent(),
                        after.display_indent()
                    )));
                }
                plan = after;
            }
        }
        Ok(plan)
    }
}

fn run_batch(batch: &Batch, mut plan: LogicalPlan, ctx: &RuleContext, trace: &mut Vec<String>) -> Result<LogicalPlan> {
    let max = match batch.strategy {
        Strategy::Once => 1,
        Strategy::FixedPoint(n) => n.max(1),
    };
    let mut iteration = 0;
    loop {
        iteration += 1;
        let mut changed = false;
        for rule in &batch.rules {
            let before = cfg!(debug_assertions).then(|| plan.schema().clone());
            let t = rule.apply(plan, ctx)?;
            plan = t.data;
            if t.transformed {
                changed = true;
                trace.push(format!("{}/{}", batch.name, rule.name()));
                if let Some(before) = before {
                    check_schema_unchanged(&before, plan.schema(), batch.name, rule.name())?;
                }
            }
        }
        if !changed {
            return Ok(plan);
        }
        if iteration >= max {
            if let Strategy::FixedPoint(n) = batch.strategy {
                if cfg!(debug_assertions) {
                    return Err(Error::internal(format!(
                        "batch '{}' did not reach a fixed point after {n} iterations; last rules: [{}]",
                        batch.name,
                        last_rules(trace, batch.rules.len())
                    )));
                }
                // Release builds keep the plan as it is (it is still correct) and say so
                // in the trace, which EXPLAIN and debugging read.
                trace.push(format!("{}/<max iterations ({n}) reached>", batch.name));
            }
            return Ok(plan);
        }
    }
}

fn last_rules(trace: &[String], n: usize) -> String {
    trace[trace.len().saturating_sub(n)..].join(", ")
}

/// Field names and data types (Spark's, interval fields included) must not change
/// (nullability and qualifiers may).
fn check_schema_unchanged(before: &PlanSchema, after: &PlanSchema, batch: &str, rule: &str) -> Result<()> {
    let describe = |s: &PlanSchema| {
        s.fields().iter().map(|f| format!("{}: {}", f.name(), field_catalog_string(&f.field))).collect::<Vec<_>>().join(", ")
    };
    let same = before.len() == after.len()
        && before.fields().iter().zip(after.fields()).all(|(a, b)| {
            a.name() == b.name()
                && a.data_type() == b.data_type()
                && IntervalType::of_field(&a.field) == IntervalType::of_field(&b.field)
        });
    if same {
        return Ok(());
    }
    Err(Error::internal(format!(
        "rule {batch}/{rule} changed the output schema from [{}] to [{}]",
        describe(before),
        describe(after)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_common::{Transformed, TreeNode};
    use ember_plan::{col, lit, LogicalPlanBuilder};

    /// Always claims to change the plan: a fixed-point batch must fail in tests.
    struct Restless;
    impl Rule for Restless {
        fn name(&self) -> &'static str {
            "restless"
        }
        fn apply(&self, plan: LogicalPlan, _: &RuleContext) -> Result<Transformed<LogicalPlan>> {
            Ok(Transformed::yes(plan))
        }
    }

    /// Renames the only output column: the schema check must catch it.
    struct Renamer;
    impl Rule for Renamer {
        fn name(&self) -> &'static str {
            "renamer"
        }
        fn apply(&self, plan: LogicalPlan, _: &RuleContext) -> Result<Transformed<LogicalPlan>> {
            let p = LogicalPlanBuilder::from(plan).project(vec![col("a").alias("renamed")])?.build();
            Ok(Transformed::yes(p))
        }
    }

    /// Drops the written-out interval type of a cast: the check must see the changed
    /// Spark type though the Arrow type stays.
    struct ForgetsIntervalFields;
    impl Rule for ForgetsIntervalFields {
        fn name(&self) -> &'static str {
            "forgets"
        }
        fn apply(&self, plan: LogicalPlan, _: &RuleContext) -> Result<Transformed<LogicalPlan>> {
            crate::utils::rewrite_plan_exprs(plan, &|e, _| {
                e.transform_up(|x| match x {
                    ember_plan::Expr::Cast(mut c) if c.interval_type.is_some() => {
                        c.interval_type = None;
                        Ok(Transformed::yes(ember_plan::Expr::Cast(c)))
                    }
                    other => Ok(Transformed::no(other)),
                })
            })
        }
    }

    fn plan() -> LogicalPlan {
        LogicalPlanBuilder::from(scan_t()).project(vec![col("a")]).unwrap().filter(col("a").gt(lit(1))).unwrap().build()
    }

    #[test]
    fn fixed_point_limit_is_an_error_in_tests() {
        let ex = RuleExecutor::new(vec![Batch::new("spin", Strategy::FixedPoint(3), vec![Arc::new(Restless)])]);
        let err = ex.execute(plan(), &ctx()).unwrap_err();
        assert!(err.to_string().contains("did not reach a fixed point after 3 iterations"), "{err}");
    }

    #[test]
    fn schema_change_names_the_rule() {
        let ex = RuleExecutor::new(vec![Batch::new("b", Strategy::Once, vec![Arc::new(Renamer)])]);
        let err = ex.execute(plan(), &ctx()).unwrap_err();
        assert!(err.to_string().contains("rule b/renamer changed the output schema from [a: int] to [renamed: int]"), "{err}");
    }

    #[test]
    fn interval_fields_are_part_of_the_schema() {
        use ember_common::interval_type::{IntervalField, IntervalType};
        let hour = IntervalType::new(IntervalField::Hour, IntervalField::Hour);
        let mut cast = col("a").cast_to(ember_plan::interval::DAY_TIME);
        if let ember_plan::Expr::Cast(c) = &mut cast {
            c.interval_type = hour;
        }
        let p = LogicalPlanBuilder::from(scan_t()).project(vec![cast.alias("h")]).unwrap().build();
        let ex = RuleExecutor::new(vec![Batch::new("b", Strategy::Once, vec![Arc::new(ForgetsIntervalFields)])]);
        let err = ex.execute(p, &ctx()).unwrap_err();
        assert!(err.to_string().contains("from [h: interval hour] to [h: interval day to second]"), "{err}");
    }

    #[test]
    fn once_batch_that_keeps_changing_is_not_idempotent() {
        let ex = RuleExecutor::new(vec![Batch::new("once", Strategy::Once, vec![Arc::new(Restless)])]);
        let (_, trace) = ex.execute(plan(), &ctx()).unwrap();
        assert_eq!(trace, vec!["once/restless"]);
        let err = ex.check_once_batches_idempotent(plan(), &ctx()).unwrap_err();
        assert!(err.to_string().contains("Once batch 'once' is not idempotent"), "{err}");
    }

    #[test]
    fn empty_batches_return_the_plan() {
        let ex = RuleExecutor::new(vec![]);
        let (p, trace) = ex.execute(plan(), &ctx()).unwrap();
        assert_eq!(p.display_indent(), plan().display_indent());
        assert!(trace.is_empty());
    }
}
