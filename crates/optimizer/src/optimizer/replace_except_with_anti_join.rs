//! `ReplaceExceptWithAntiJoin` (Spark's rule of that name, plus its `RewriteExceptAll`):
//! `EXCEPT` becomes a left anti join on null-safe equality of every column, then a
//! `Distinct`; `EXCEPT ALL` anti-joins on the row and its copy number, keeping a row
//! present `m` times on the left and `n` times on the right `max(m - n, 0)` times.
//!
//! ```text
//! before:  Except false              after:  Distinct
//!          :- left                           +- Join LeftAnti, (a <=> __set_right_0)
//!          +- right                             :- left
//!                                               +- Project [a AS __set_right_0]
//!                                                  +- right
//! ```
//!
//! The shared rewrite is in `replace_intersect_with_semi_join`.

use ember_common::{Result, Transformed};
use ember_plan::{JoinType, LogicalPlan, SetOpKind};

use super::replace_intersect_with_semi_join::rewrite_all;
use crate::rule::{Rule, RuleContext};

pub struct ReplaceExceptWithAntiJoin;

impl Rule for ReplaceExceptWithAntiJoin {
    fn name(&self) -> &'static str {
        "replace_except_with_anti_join"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        rewrite_all(plan, SetOpKind::Except, JoinType::LeftAnti)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, LogicalPlanBuilder, SetOperation};

    fn except(all: bool) -> LogicalPlan {
        let l = LogicalPlanBuilder::from(scan_t()).project(vec![col("b")]).unwrap().build();
        let r = LogicalPlanBuilder::from(scan_u()).project(vec![col("x")]).unwrap().build();
        LogicalPlan::SetOperation(SetOperation::try_new(SetOpKind::Except, all, Arc::new(l), Arc::new(r)).unwrap())
    }

    #[test]
    fn except_becomes_distinct_anti_join() {
        insta::assert_snapshot!(run(ReplaceExceptWithAntiJoin, except(false)), @r"
            Distinct
            +- Join LeftAnti, ((CASE WHEN (t.b IS NULL) THEN 0 ELSE t.b END = CASE WHEN (__set_right_0 IS NULL) THEN 0 ELSE __set_right_0 END) AND ((t.b IS NULL) = (__set_right_0 IS NULL)))
               :- Project [b]
               :  +- Relation t[a,b,c] test
               +- Project [u.x AS __set_right_0]
                  +- Project [x]
                     +- Relation u[x,y,z] test
            ");
    }

    #[test]
    fn except_all_joins_on_copy_numbers() {
        insta::assert_snapshot!(run(ReplaceExceptWithAntiJoin, except(true)), @r"
            Project [t.b]
            +- Join LeftAnti, (((CASE WHEN (t.b IS NULL) THEN 0 ELSE t.b END = CASE WHEN (__set_right_0 IS NULL) THEN 0 ELSE __set_right_0 END) AND ((t.b IS NULL) = (__set_right_0 IS NULL))) AND (__set_row_number = __set_right___set_row_number))
               :- Window [row_number() OVER (PARTITION BY t.b ORDER BY 0 ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __set_row_number], [t.b], [0 ASC NULLS FIRST]
               :  +- Project [b]
               :     +- Relation t[a,b,c] test
               +- Project [__set_right_0, __set_row_number AS __set_right___set_row_number]
                  +- Window [row_number() OVER (PARTITION BY __set_right_0 ORDER BY 0 ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __set_row_number], [__set_right_0], [0 ASC NULLS FIRST]
                     +- Project [u.x AS __set_right_0]
                        +- Project [x]
                           +- Relation u[x,y,z] test
            ");
    }

    #[test]
    fn intersect_is_left_alone() {
        let l = LogicalPlanBuilder::from(scan_t()).project(vec![col("b")]).unwrap().build();
        let plan = LogicalPlan::SetOperation(SetOperation::try_new(ember_plan::SetOpKind::Intersect, false, Arc::new(l.clone()), Arc::new(l)).unwrap());
        insta::assert_snapshot!(run(ReplaceExceptWithAntiJoin, plan), @r"
            Intersect false
            :- Project [b]
            :  +- Relation t[a,b,c] test
            +- Project [b]
               +- Relation t[a,b,c] test
            ");
    }
}
