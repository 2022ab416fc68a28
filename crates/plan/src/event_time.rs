//! Event-time plan nodes: `EventTimeWatermark` (Spark's `withWatermark`) marks a
//! timestamp column as the event time of a stream with a delay, and `Deduplicate`
//! (`dropDuplicates(cols)`, `dropDuplicatesWithinWatermark`) keeps the first row of
//! each key. The watermark travels with the column as field metadata
//! (`spark.watermarkDelayMs`), as in Spark, so stateful operators above can find it.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use ember_common::types::catalog_string;
use ember_common::{Error, Result};

use crate::expr::{Column, Expr};
use crate::logical_plan::LogicalPlan;
use crate::schema::{PlanField, PlanSchema};

/// The field metadata key holding an event-time column's watermark delay (ms).
pub const WATERMARK_DELAY_KEY: &str = "spark.watermarkDelayMs";

/// The watermark delay of `field` (ms), if it is an event-time column.
pub fn watermark_delay_ms(field: &Field) -> Option<i64> {
    field.metadata().get(WATERMARK_DELAY_KEY).and_then(|v| v.parse().ok())
}

/// `field` with `from`'s watermark delay (if it has one): a column reference keeps the
/// event-time mark of the column it reads.
pub fn with_watermark_of(field: Field, from: &Field) -> Field {
    match from.metadata().get(WATERMARK_DELAY_KEY) {
        Some(v) => {
            let mut metadata = field.metadata().clone();
            metadata.insert(WATERMARK_DELAY_KEY.to_string(), v.clone());
            field.with_metadata(metadata)
        }
        None => field,
    }
}

/// A delay in Spark's interval words (`10 seconds`, `1 days 2 hours`).
pub fn delay_text(ms: i64) -> String {
    let units = [(86_400_000, "days"), (3_600_000, "hours"), (60_000, "minutes"), (1_000, "seconds"), (1, "milliseconds")];
    let mut rest = ms;
    let mut parts = Vec::new();
    for (size, name) in units {
        if rest / size != 0 {
            parts.push(format!("{} {name}", rest / size));
            rest %= size;
        }
    }
    if parts.is_empty() {
        "0 seconds".to_string()
    } else {
        parts.join(" ")
    }
}

/// Defines `event_time` as the input's event-time column with a watermark `delay_ms`
/// behind the latest event time seen.
#[derive(Debug, Clone, PartialEq)]
pub struct EventTimeWatermark {
    /// A column of the input.
    pub event_time: Expr,
    pub delay_ms: i64,
    pub input: Arc<LogicalPlan>,
    pub schema: PlanSchema,
}

impl EventTimeWatermark {
    pub fn try_new(event_time: Expr, delay_ms: i64, input: Arc<LogicalPlan>) -> Result<Self> {
        let Expr::Column(c) = &event_time else {
            return Err(Error::internal("the event time of a watermark must be a column"));
        };
        let in_schema = input.schema();
        let index = in_schema.index_of(c)?;
        let field = in_schema.field(index);
        if !matches!(field.field.data_type(), DataType::Timestamp(..)) && !is_window_struct(field.field.data_type()) {
            return Err(Error::spark(
                "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE",
                &[
                    ("eventName", &format!("`{}`", field.name())),
                    ("eventType", &format!("\"{}\"", catalog_string(field.field.data_type()).to_uppercase())),
                ],
            ));
        }
        let mut metadata = field.field.metadata().clone();
        metadata.insert(WATERMARK_DELAY_KEY.to_string(), delay_ms.to_string());
        let marked = field.field.as_ref().clone().with_metadata(metadata);
        let fields = in_schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| if i == index { PlanField::new(f.qualifier.clone(), marked.clone()) } else { f.clone() })
            .collect();
        Ok(EventTimeWatermark { event_time, delay_ms, input, schema: PlanSchema::new(fields) })
    }

    /// The event-time column.
    pub fn column(&self) -> Option<&Column> {
        match &self.event_time {
            Expr::Column(c) => Some(c),
            _ => None,
        }
    }
}

/// A time window struct (`struct<start, end>` of timestamps), which can also carry a
/// watermark: its `end` is then the event time.
pub fn is_window_struct(t: &DataType) -> bool {
    matches!(t, DataType::Struct(f) if f.len() == 2 && f[0].name() == "start" && f[1].name() == "end"
        && f.iter().all(|x| matches!(x.data_type(), DataType::Timestamp(..))))
}

/// Keeps the first row of each distinct `keys` (Spark's `Deduplicate`); with
/// `within_watermark`, a key is forgotten once the watermark passes its first row's
/// event time plus the delay (`dropDuplicatesWithinWatermark`, streaming only).
#[derive(Debug, Clone, PartialEq)]
pub struct Deduplicate {
    /// Columns of the input.
    pub keys: Vec<Expr>,
    pub within_watermark: bool,
    pub input: Arc<LogicalPlan>,
}

impl Deduplicate {
    pub fn try_new(keys: Vec<Expr>, within_watermark: bool, input: Arc<LogicalPlan>) -> Result<Self> {
        for k in &keys {
            match k {
                Expr::Column(c) => {
                    input.schema().index_of(c)?;
                }
                other => return Err(Error::internal(format!("deduplication key {other} is not a column"))),
            }
        }
        Ok(Deduplicate { keys, within_watermark, input })
    }

    /// Indices of the keys in the input (and output) schema.
    pub fn key_indices(&self) -> Result<Vec<usize>> {
        self.keys
            .iter()
            .map(|k| match k {
                Expr::Column(c) => self.input.schema().index_of(c),
                other => Err(Error::internal(format!("deduplication key {other} is not a column"))),
            })
            .collect()
    }
}
