//! `flat_map_groups_with_state` (Spark's `flatMapGroupsWithState`): user code per
//! group with a typed state value kept between micro-batches (stored as JSON through
//! serde) and processing-time or event-time timeouts. In a batch query each group
//! starts without state and timeouts never fire, as in Spark.

use std::marker::PhantomData;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::group_state::{FlatMapGroupsWithState, GroupFunction, GroupStateData, GroupStateFunction};
use ember_plan::{Expr, LogicalPlan, PlanField, PlanSchema};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use ember_plan::group_state::GroupStateTimeout;

use crate::dataframe::{DataFrame, GroupedData};

/// One group's state, as the function sees it (Spark's `GroupState`).
pub struct GroupState<S> {
    data: GroupStateData,
    value: Option<S>,
}

/// Spark raises these as `UnsupportedOperationException` (no error class).
fn unsupported(msg: &str) -> Error {
    Error::invalid_argument(msg)
}

impl<S: Serialize + DeserializeOwned> GroupState<S> {
    fn from_data(data: &GroupStateData) -> Result<Self> {
        let value = match &data.value {
            Some(json) => Some(serde_json::from_str(json).map_err(|e| Error::invalid_argument(format!("cannot read the group state: {e}")))?),
            None => None,
        };
        Ok(GroupState { data: data.clone(), value })
    }

    fn write_back(self, data: &mut GroupStateData) -> Result<()> {
        data.value = match &self.value {
            Some(v) => Some(serde_json::to_string(v).map_err(|e| Error::invalid_argument(format!("cannot store the group state: {e}")))?),
            None => None,
        };
        data.timeout_at_ms = self.data.timeout_at_ms;
        Ok(())
    }

    /// Does the group have a state?
    pub fn exists(&self) -> bool {
        self.value.is_some()
    }

    /// The state, if the group has one.
    pub fn get(&self) -> Option<&S> {
        self.value.as_ref()
    }

    /// Sets the state (kept for the group's next call).
    pub fn update(&mut self, value: S) {
        self.value = Some(value);
    }

    /// Removes the state (and any timeout).
    pub fn remove(&mut self) {
        self.value = None;
        self.data.timeout_at_ms = None;
    }

    /// Is this call for a timeout (no new rows)?
    pub fn has_timed_out(&self) -> bool {
        self.data.has_timed_out
    }

    /// Times the group out after `duration` (`"10 seconds"`) of processing time without
    /// new rows; needs `GroupStateTimeout::ProcessingTimeTimeout`.
    pub fn set_timeout_duration(&mut self, duration: &str) -> Result<()> {
        if self.data.timeout != GroupStateTimeout::ProcessingTimeTimeout {
            return Err(unsupported("Cannot set timeout duration without enabling processing time timeout in [map|flatMap]GroupsWithState"));
        }
        let ms = super::event_time::delay_ms(duration)?;
        if ms <= 0 {
            return Err(Error::invalid_argument(format!("Timeout duration must be positive: {duration}")));
        }
        self.data.timeout_at_ms = Some(self.data.batch_timestamp_ms + ms);
        Ok(())
    }

    /// Times the group out once the watermark passes `timestamp_ms`; needs
    /// `GroupStateTimeout::EventTimeTimeout` and a time not before the watermark.
    pub fn set_timeout_timestamp(&mut self, timestamp_ms: i64) -> Result<()> {
        if self.data.timeout != GroupStateTimeout::EventTimeTimeout {
            return Err(unsupported("Cannot set timeout timestamp without enabling event time timeout in [map|flatMap]GroupsWithState"));
        }
        if let Some(w) = self.data.watermark_ms.filter(|w| timestamp_ms < *w) {
            return Err(Error::invalid_argument(format!("Timeout timestamp ({timestamp_ms}) cannot be earlier than the current watermark ({w})")));
        }
        self.data.timeout_at_ms = Some(timestamp_ms);
        Ok(())
    }

    /// The watermark (ms); an error without one, as Spark.
    pub fn current_watermark_ms(&self) -> Result<i64> {
        self.data.watermark_ms.ok_or_else(|| unsupported("Cannot get event time watermark timestamp without setting watermark before [map|flatMap]GroupsWithState"))
    }

    /// The micro-batch's processing time (ms).
    pub fn current_processing_time_ms(&self) -> i64 {
        self.data.batch_timestamp_ms
    }
}

/// A typed function as the plan's [`GroupStateFunction`].
struct Typed<S, F> {
    f: F,
    state: PhantomData<fn() -> S>,
}

impl<S, F> GroupStateFunction for Typed<S, F>
where
    S: Serialize + DeserializeOwned,
    F: Fn(&RecordBatch, &RecordBatch, &mut GroupState<S>) -> Result<Vec<RecordBatch>> + Send + Sync,
{
    fn call(&self, key: &RecordBatch, rows: &RecordBatch, state: &mut GroupStateData) -> Result<Vec<RecordBatch>> {
        let mut typed = GroupState::from_data(state)?;
        let out = (self.f)(key, rows, &mut typed)?;
        typed.write_back(state)?;
        Ok(out)
    }
}

impl GroupedData {
    /// Runs `f` once per group with the group's rows and its state (Spark's
    /// `flatMapGroupsWithState`); `f` returns rows of `output_schema` (a DDL string such
    /// as `"k STRING, n BIGINT"`). Groups by columns only.
    pub fn flat_map_groups_with_state<S, F>(&self, output_schema: &str, timeout: GroupStateTimeout, f: F) -> Result<DataFrame>
    where
        S: Serialize + DeserializeOwned + Send + Sync + 'static,
        F: Fn(&RecordBatch, &RecordBatch, &mut GroupState<S>) -> Result<Vec<RecordBatch>> + Send + Sync + 'static,
    {
        if self.sets.is_some() {
            return Err(Error::invalid_argument("flat_map_groups_with_state does not take rollup or cube groups"));
        }
        for g in &self.groups {
            if !matches!(g, Expr::Column(_)) {
                return Err(Error::invalid_argument(format!("flat_map_groups_with_state groups by columns, not by {g}")));
            }
        }
        let schema = ember_sql::parse_ddl_schema(output_schema)?;
        let fields = schema.fields().iter().map(|f| PlanField::new(None, f.clone())).collect();
        let node = FlatMapGroupsWithState {
            keys: self.groups.clone(),
            func: GroupFunction(Arc::new(Typed { f, state: PhantomData })),
            timeout,
            input: Arc::new(self.df.logical_plan().clone()),
            schema: PlanSchema::new(fields),
        };
        node.key_indices()?;
        Ok(self.df.with_plan(LogicalPlan::FlatMapGroupsWithState(node)))
    }
}
