//! Arbitrary stateful processing (Spark's `flatMapGroupsWithState`): user code called
//! once per group with the group's new rows and a state value kept between
//! micro-batches, with optional processing-time or event-time timeouts. The plan node
//! carries the code as a [`GroupStateFunction`]; the state travels as JSON text.

use std::fmt;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use ember_common::Result;

use crate::expr::Expr;
use crate::logical_plan::LogicalPlan;
use crate::schema::PlanSchema;

/// When a group's state times out without new rows (Spark's `GroupStateTimeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupStateTimeout {
    #[default]
    NoTimeout,
    /// After a duration of processing time set by the function (`set_timeout_duration`).
    ProcessingTimeTimeout,
    /// When the watermark passes a timestamp set by the function (`set_timeout_timestamp`).
    EventTimeTimeout,
}

/// One group's state as the function sees and leaves it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupStateData {
    /// The state value (JSON), `None` when the group has none.
    pub value: Option<String>,
    /// When the state times out (ms since the epoch), `None` when it does not.
    pub timeout_at_ms: Option<i64>,
    /// The call is for a timeout, with no rows.
    pub has_timed_out: bool,
    pub timeout: GroupStateTimeout,
    /// The micro-batch's processing time (ms).
    pub batch_timestamp_ms: i64,
    /// The watermark (ms), `None` without one.
    pub watermark_ms: Option<i64>,
}

/// User code run per group; see the module docs.
pub trait GroupStateFunction: Send + Sync {
    /// `key`: the grouping columns (one row); `rows`: the group's new rows (none on a
    /// timeout). Returns rows of the node's output schema.
    fn call(&self, key: &RecordBatch, rows: &RecordBatch, state: &mut GroupStateData) -> Result<Vec<RecordBatch>>;
}

/// A [`GroupStateFunction`] shared by plan nodes; equal only to itself.
#[derive(Clone)]
pub struct GroupFunction(pub Arc<dyn GroupStateFunction>);

impl fmt::Debug for GroupFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GroupFunction")
    }
}

impl PartialEq for GroupFunction {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Groups the input by `keys` and runs `func` per group (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct FlatMapGroupsWithState {
    /// Columns of the input.
    pub keys: Vec<Expr>,
    pub func: GroupFunction,
    pub timeout: GroupStateTimeout,
    pub input: Arc<LogicalPlan>,
    pub schema: PlanSchema,
}

impl FlatMapGroupsWithState {
    /// Indices of the keys in the input schema.
    pub fn key_indices(&self) -> Result<Vec<usize>> {
        self.keys
            .iter()
            .map(|k| match k {
                Expr::Column(c) => self.input.schema().index_of(c),
                other => Err(ember_common::Error::internal(format!("grouping key {other} is not a column"))),
            })
            .collect()
    }
}
