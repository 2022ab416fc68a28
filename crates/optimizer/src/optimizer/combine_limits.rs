//! `CombineLimits`: two adjacent limits (or offsets) become one.
//!
//! ```text
//! before:  Limit 5, offset=2         after:  Limit 5, offset=3
//!          +- Limit 10, offset=1             +- Relation t
//!             +- Relation t
//! ```
//!
//! The lower one yields input rows `[s2, s2 + f2)`; skipping `s1` of those and taking
//! `f1` leaves rows `[s2 + s1, s2 + s1 + min(f1, f2 - s1))`.

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::{Limit, LogicalPlan};

use crate::rule::{Rule, RuleContext};

pub struct CombineLimits;

impl Rule for CombineLimits {
    fn name(&self) -> &'static str {
        "combine_limits"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(|node| {
            let LogicalPlan::Limit(upper) = node else { return Ok(Transformed::no(node)) };
            let LogicalPlan::Limit(lower) = upper.input.as_ref() else { return Ok(Transformed::no(LogicalPlan::Limit(upper))) };
            let remaining = lower.fetch.map(|f| f.saturating_sub(upper.skip));
            let fetch = match (upper.fetch, remaining) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let skip = lower.skip.saturating_add(upper.skip);
            Ok(Transformed::yes(LogicalPlan::Limit(Limit { skip, fetch, input: lower.input.clone() })))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::LogicalPlanBuilder;

    fn limits(outer: (usize, Option<usize>), inner: (usize, Option<usize>)) -> String {
        let plan = LogicalPlanBuilder::from(scan_t()).limit(inner.0, inner.1).unwrap().limit(outer.0, outer.1).unwrap().build();
        run(CombineLimits, plan)
    }

    #[test]
    fn combines_limits_and_offsets() {
        insta::assert_snapshot!(limits((2, Some(5)), (1, Some(10))), @r"
        Limit 5, offset=3
        +- Relation t[a,b,c] test
        ");
        insta::assert_snapshot!(limits((0, Some(5)), (0, Some(3))), @r"
        Limit 3
        +- Relation t[a,b,c] test
        ");
        insta::assert_snapshot!(limits((4, None), (0, Some(3))), @r"
        Limit 0, offset=4
        +- Relation t[a,b,c] test
        ");
        insta::assert_snapshot!(limits((0, Some(2)), (7, None)), @r"
        Limit 2, offset=7
        +- Relation t[a,b,c] test
        ");
    }
}
