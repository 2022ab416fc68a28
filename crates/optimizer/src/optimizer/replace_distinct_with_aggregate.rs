//! `ReplaceDistinctWithAggregate`: a `Distinct` becomes an `Aggregate` grouping by
//! every column, so the physical planner needs one (two-phase) aggregation only.
//!
//! ```text
//! before:  Distinct                  after:  Aggregate [a, b], []
//!          +- Project [a, b]                 +- Project [a, b]
//! ```
//!
//! Names and qualifiers stay: grouping by a bare column keeps its qualifier. When a
//! column cannot be referred to by name (two different columns with one name), the
//! `Distinct` stays.

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{Aggregate, LogicalPlan};

use crate::rule::{Rule, RuleContext};
use crate::utils::column_at;

pub struct ReplaceDistinctWithAggregate;

impl Rule for ReplaceDistinctWithAggregate {
    fn name(&self) -> &'static str {
        "replace_distinct_with_aggregate"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| match node {
            LogicalPlan::Distinct(d) => {
                let schema = d.input.schema();
                let groups: Option<Vec<_>> = (0..schema.len()).map(|i| column_at(schema, i)).collect();
                match groups {
                    Some(groups) => Ok(Transformed::yes(LogicalPlan::Aggregate(Aggregate::try_new(d.input, groups, vec![])?))),
                    None => Ok(Transformed::no(LogicalPlan::Distinct(d))),
                }
            }
            other => Ok(Transformed::no(other)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, LogicalPlanBuilder};

    #[test]
    fn distinct_becomes_aggregate() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![col("a"), col("c")])
            .unwrap()
            .distinct()
            .unwrap()
            .project(vec![col("t.a")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(ReplaceDistinctWithAggregate, plan), @r"
        Project [t.a]
        +- Aggregate [t.a, t.c], []
           +- Project [a, c]
              +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn ambiguous_columns_keep_the_distinct() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .project(vec![col("a").alias("x"), col("c").alias("x")])
            .unwrap()
            .distinct()
            .unwrap()
            .build();
        insta::assert_snapshot!(run(ReplaceDistinctWithAggregate, plan), @r"
        Distinct
        +- Project [a AS x, c AS x]
           +- Relation t[a,b,c] test
        ");
    }
}
