//! `LATERAL` derived tables: `FROM t, LATERAL (SELECT … t.a …)` and `[INNER | LEFT |
//! CROSS] JOIN LATERAL (…) [ON …]`. The subquery is bound with the join's left side as
//! its outer scope; [`ember_plan::lateral_join::lateral_join`] decorrelates it.

use ember_common::Result;
use ember_plan::lateral_join::lateral_join;
use ember_plan::{JoinType, LogicalPlan, PlanSchema};
use sqlparser::ast::{JoinConstraint, JoinOperator, TableFactor};

use crate::binder::{Binder, Scope};
use crate::errors::{other, span_of, ResultExt};
use crate::expr::ExprScope;

/// True if `tf` is `LATERAL (subquery)`.
pub(crate) fn is_lateral(tf: &TableFactor) -> bool {
    matches!(tf, TableFactor::Derived { lateral: true, .. })
}

impl Binder<'_> {
    /// The subquery of `LATERAL (…) [AS alias]`, bound with `outer`'s columns visible.
    pub(crate) fn bind_lateral_factor(&self, tf: &TableFactor, scope: &Scope, outer: &PlanSchema) -> Result<LogicalPlan> {
        self.outer_schemas.borrow_mut().push(outer.clone());
        let out = self.bind_table_factor(tf, scope);
        self.outer_schemas.borrow_mut().pop();
        out
    }

    /// `left [kind] JOIN LATERAL right [ON cond]` (or `left, LATERAL right` with `op` None).
    pub(crate) fn bind_lateral_join(&self, left: LogicalPlan, tf: &TableFactor, op: Option<&JoinOperator>, scope: &Scope) -> Result<LogicalPlan> {
        use JoinOperator as J;
        let span = span_of(tf);
        let (join_type, constraint) = match op {
            None => (JoinType::Inner, &JoinConstraint::None),
            Some(J::Join(c) | J::Inner(c) | J::CrossJoin(c)) => (JoinType::Inner, c),
            Some(J::Left(c) | J::LeftOuter(c)) => (JoinType::LeftOuter, c),
            Some(J::Right(c) | J::RightOuter(c)) => return Err(invalid_type("RIGHT OUTER", c)).at(span),
            Some(J::FullOuter(c)) => return Err(invalid_type("FULL OUTER", c)).at(span),
            Some(J::Semi(c) | J::LeftSemi(c)) => return Err(invalid_type("LEFT SEMI", c)).at(span),
            Some(J::Anti(c) | J::LeftAnti(c)) => return Err(invalid_type("LEFT ANTI", c)).at(span),
            Some(_) => return Err(crate::errors::unsupported("this kind of lateral join")).at(span),
        };
        let right = self.bind_lateral_factor(tf, scope, left.schema())?;
        let condition = match constraint {
            JoinConstraint::On(e) => {
                let both = left.schema().join(right.schema());
                Some(self.bind_expr(e, &ExprScope::new(&both))?)
            }
            JoinConstraint::Using(_) => {
                return Err(other("UNSUPPORTED_FEATURE.LATERAL_JOIN_USING", "0A000", "The feature is not supported: JOIN USING with LATERAL correlation.")).at(span)
            }
            JoinConstraint::Natural => return Err(incompatible("NATURAL")).at(span),
            JoinConstraint::None => None,
        };
        lateral_join(left, right, join_type, condition).at(span)
    }
}

/// INVALID_LATERAL_JOIN_TYPE (`NATURAL … JOIN LATERAL` is INCOMPATIBLE_JOIN_TYPES first).
fn invalid_type(kind: &str, c: &JoinConstraint) -> ember_common::Error {
    if matches!(c, JoinConstraint::Natural) {
        return incompatible("NATURAL");
    }
    other(
        "INVALID_LATERAL_JOIN_TYPE",
        "42613",
        format!("The {kind} JOIN with LATERAL correlation is not allowed because an OUTER subquery cannot correlate to its join partner. Remove the LATERAL correlation or use an INNER JOIN, or LEFT OUTER JOIN instead."),
    )
}

fn incompatible(kind: &str) -> ember_common::Error {
    other("INCOMPATIBLE_JOIN_TYPES", "42613", format!("The join types {kind} and LATERAL are incompatible."))
}
