//! The `Join` plan node: its join types, the output schema each type gives (outer sides
//! nullable, semi and anti joins only the left), and the boolean check of its condition.

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::expr::Expr;
use crate::logical_plan::LogicalPlan;
use crate::schema::PlanSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinType {
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftSemi,
    LeftAnti,
    /// A join with no condition.
    Cross,
    /// A left outer join in which a left row may match at most one right row, else
    /// SCALAR_SUBQUERY_TOO_MANY_ROWS: Spark's single join, for correlated scalar
    /// subqueries that are not aggregated.
    LeftSingle,
    /// A left outer join that pairs each left row with at most one (any) matching right
    /// row: Spark's existence join, for EXISTS and IN used as values with any
    /// correlation; a marker column of the right side tells whether a match exists.
    LeftExistence,
}

impl fmt::Display for JoinType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            JoinType::Inner => "Inner",
            JoinType::LeftOuter => "LeftOuter",
            JoinType::RightOuter => "RightOuter",
            JoinType::FullOuter => "FullOuter",
            JoinType::LeftSemi => "LeftSemi",
            JoinType::LeftAnti => "LeftAnti",
            JoinType::Cross => "Cross",
            JoinType::LeftSingle => "LeftSingle",
            JoinType::LeftExistence => "LeftExistence",
        };
        write!(f, "{s}")
    }
}

/// Joins two inputs on a condition (Spark style: equi-keys are extracted at planning).
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    pub left: Arc<LogicalPlan>,
    pub right: Arc<LogicalPlan>,
    pub join_type: JoinType,
    pub condition: Option<Expr>,
    pub schema: PlanSchema,
}

impl Join {
    pub fn try_new(left: Arc<LogicalPlan>, right: Arc<LogicalPlan>, join_type: JoinType, condition: Option<Expr>) -> Result<Self> {
        let (ls, rs) = (left.schema(), right.schema());
        let schema = match join_type {
            JoinType::Inner | JoinType::Cross => ls.join(rs),
            JoinType::LeftOuter | JoinType::LeftSingle | JoinType::LeftExistence => ls.join(&rs.as_nullable()),
            JoinType::RightOuter => ls.as_nullable().join(rs),
            JoinType::FullOuter => ls.as_nullable().join(&rs.as_nullable()),
            JoinType::LeftSemi | JoinType::LeftAnti => ls.clone(),
        };
        if let Some(c) = &condition {
            let both = ls.join(rs);
            let t = c.data_type(&both)?;
            if !matches!(t, DataType::Boolean | DataType::Null) {
                return Err(join_condition_not_boolean(c, &t));
            }
        }
        Ok(Join { left, right, join_type, condition, schema })
    }
}

/// JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE for a join condition `c` of type `t`.
pub fn join_condition_not_boolean(c: &Expr, t: &DataType) -> Error {
    Error::new(ErrorKind::JoinConditionNotBoolean {
        expr: format!("\"{c}\""),
        data_type: format!("\"{}\"", catalog_string(t).to_uppercase()),
    })
}
