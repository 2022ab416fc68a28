//! `INTERSECT [ALL]` and `EXCEPT [ALL]` (Spark's `Intersect` and `Except` nodes). The
//! optimizer rewrites them into joins before physical planning. Columns are matched by
//! position and coerced to a common type as in UNION; names come from the left input.

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::Field;
use ember_common::interval_type::IntervalType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::coercion::common_type;
use crate::function::widest_interval;
use crate::logical_plan::with_interval;
use crate::logical_plan::LogicalPlan;
use crate::schema::{PlanField, PlanSchema};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetOpKind {
    Intersect,
    Except,
}

impl fmt::Display for SetOpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SetOpKind::Intersect => "INTERSECT",
            SetOpKind::Except => "EXCEPT",
        })
    }
}

/// Rows of `left` also in `right` (INTERSECT) or not in `right` (EXCEPT); with `all`,
/// as multisets, else without duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct SetOperation {
    pub kind: SetOpKind,
    pub all: bool,
    pub left: Arc<LogicalPlan>,
    pub right: Arc<LogicalPlan>,
    pub schema: PlanSchema,
}

impl SetOperation {
    pub fn try_new(kind: SetOpKind, all: bool, left: Arc<LogicalPlan>, right: Arc<LogicalPlan>) -> Result<Self> {
        let (ls, rs) = (left.schema(), right.schema());
        if ls.len() != rs.len() {
            return Err(Error::new(ErrorKind::Other {
                class: "NUM_COLUMNS_MISMATCH".into(),
                sqlstate: Some("42826".into()),
                message: format!(
                    "{kind} can only be performed on inputs with the same number of columns, but the first input has {} columns and the second input has {} columns.",
                    ls.len(),
                    rs.len()
                ),
            }));
        }
        let mut fields = Vec::with_capacity(ls.len());
        for (i, (l, r)) in ls.fields().iter().zip(rs.fields()).enumerate() {
            let t = common_type(l.data_type(), r.data_type()).ok_or_else(|| {
                Error::new(ErrorKind::Other {
                    class: "INCOMPATIBLE_COLUMN_TYPE".into(),
                    sqlstate: Some("42825".into()),
                    message: format!(
                        "{kind} can only be performed on inputs with compatible column types. The {} column of the second input is \"{}\" type which is not compatible with \"{}\" at the same column of the first input.",
                        ordinal(i + 1),
                        catalog_string(r.data_type()).to_uppercase(),
                        catalog_string(l.data_type()).to_uppercase()
                    ),
                })
            })?;
            let nullable = match kind {
                SetOpKind::Intersect => l.is_nullable() && r.is_nullable(),
                SetOpKind::Except => l.is_nullable(),
            };
            let interval = widest_interval(&[IntervalType::of_field(&l.field), IntervalType::of_field(&r.field)]);
            fields.push(PlanField::new(l.qualifier.clone(), with_interval(Field::new(l.name(), t, nullable), interval)));
        }
        Ok(SetOperation { kind, all, left, right, schema: PlanSchema::new(fields) })
    }
}

fn ordinal(n: usize) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        n => format!("{n}th"),
    }
}
