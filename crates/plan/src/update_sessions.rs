//! The `UpdateSessions` plan node: below an aggregate grouped by a session window, it
//! replaces each row's own session (`[ts, ts + gap)`) by the merged session of its group
//! key: the sessions of one key, ordered by start, merge while the next one starts no
//! later than the current one ends. Spark does this in the physical plan of such an
//! aggregate (`UpdatingSessionsExec`); Ember names the step in the logical plan, so the
//! streaming planner can find it and give it state.
//!
//! ```text
//! SELECT k, session_window(ts, '5 seconds'), count(*) FROM t GROUP BY 1, 2
//!   Aggregate [k, session_window], [count(1)]
//!   +- UpdateSessions [k], session_window
//!      +- Filter isnotnull(session_window)
//!         +- Project [session_window(ts, 5 seconds) AS session_window, ts, k]
//! ```

use std::fmt;
use std::sync::Arc;

use ember_common::{Error, Result};

use crate::expr::{Column, Expr};
use crate::logical_plan::LogicalPlan;
use crate::time_window::window_struct_time_type;

#[derive(Debug, Clone, PartialEq)]
pub struct UpdateSessions {
    pub input: Arc<LogicalPlan>,
    /// The group keys besides the session: sessions merge within one value of these.
    pub keys: Vec<Expr>,
    /// The session column (a `struct<start, end>` of the input), rewritten in place.
    pub session: Column,
}

impl UpdateSessions {
    pub fn try_new(input: Arc<LogicalPlan>, keys: Vec<Expr>, session: Column) -> Result<Self> {
        let t = input.schema().field_of(&session)?.data_type().clone();
        if window_struct_time_type(&t).is_none() {
            return Err(Error::internal(format!("UpdateSessions over a session column of type {t}")));
        }
        for k in &keys {
            k.data_type(input.schema())?;
        }
        Ok(UpdateSessions { input, keys, session })
    }

    /// The keys, then the session column.
    pub fn expressions(&self) -> Vec<&Expr> {
        self.keys.iter().collect()
    }
}

impl fmt::Display for UpdateSessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<String> = self.keys.iter().map(|k| k.to_string()).collect();
        write!(f, "UpdateSessions [{}], {}", keys.join(", "), Expr::Column(self.session.clone()))
    }
}
