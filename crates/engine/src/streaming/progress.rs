//! `StreamingQueryProgress`: what one micro-batch did, with Spark's field names, and
//! its JSON (`last_progress().json()`).

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// One source's part of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceProgress {
    pub description: String,
    pub start_offset: Option<String>,
    pub end_offset: Option<String>,
    pub latest_offset: Option<String>,
    pub num_input_rows: i64,
    pub input_rows_per_second: f64,
    pub processed_rows_per_second: f64,
}

/// The sink's part of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct SinkProgress {
    pub description: String,
    /// Rows written (-1 where the sink cannot say, as Spark's file sink).
    pub num_output_rows: i64,
}

/// One stateful operator's state after a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct StateOperatorProgress {
    pub operator_name: String,
    pub num_rows_total: i64,
    pub num_rows_updated: i64,
    pub num_rows_removed: i64,
    pub memory_used_bytes: i64,
    pub num_rows_dropped_by_watermark: i64,
    pub num_shuffle_partitions: i64,
    pub num_state_store_instances: i64,
}

/// One micro-batch, as Spark reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamingQueryProgress {
    pub id: String,
    pub run_id: String,
    pub name: Option<String>,
    /// ISO-8601 UTC start time of the batch.
    pub timestamp: String,
    pub batch_id: i64,
    pub batch_duration: i64,
    pub num_input_rows: i64,
    pub input_rows_per_second: f64,
    pub processed_rows_per_second: f64,
    /// Phase → milliseconds (`latestOffset`, `walCommit`, `queryPlanning`,
    /// `addBatch`, `commitOffsets`, `triggerExecution`, …).
    pub duration_ms: BTreeMap<String, i64>,
    /// `watermark` and friends, once event time exists.
    pub event_time: BTreeMap<String, String>,
    pub state_operators: Vec<StateOperatorProgress>,
    pub sources: Vec<SourceProgress>,
    pub sink: SinkProgress,
}

fn offset_value(o: &Option<String>) -> Value {
    o.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null)
}

impl StreamingQueryProgress {
    /// The progress as a JSON value with Spark's field names.
    pub fn to_value(&self) -> Value {
        json!({
            "id": self.id,
            "runId": self.run_id,
            "name": self.name,
            "timestamp": self.timestamp,
            "batchId": self.batch_id,
            "batchDuration": self.batch_duration,
            "numInputRows": self.num_input_rows,
            "inputRowsPerSecond": self.input_rows_per_second,
            "processedRowsPerSecond": self.processed_rows_per_second,
            "durationMs": self.duration_ms,
            "eventTime": self.event_time,
            "stateOperators": self.state_operators.iter().map(|s| json!({
                "operatorName": s.operator_name,
                "numRowsTotal": s.num_rows_total,
                "numRowsUpdated": s.num_rows_updated,
                "numRowsRemoved": s.num_rows_removed,
                "memoryUsedBytes": s.memory_used_bytes,
                "numRowsDroppedByWatermark": s.num_rows_dropped_by_watermark,
                "numShufflePartitions": s.num_shuffle_partitions,
                "numStateStoreInstances": s.num_state_store_instances,
            })).collect::<Vec<_>>(),
            "sources": self.sources.iter().map(|s| json!({
                "description": s.description,
                "startOffset": offset_value(&s.start_offset),
                "endOffset": offset_value(&s.end_offset),
                "latestOffset": offset_value(&s.latest_offset),
                "numInputRows": s.num_input_rows,
                "inputRowsPerSecond": s.input_rows_per_second,
                "processedRowsPerSecond": s.processed_rows_per_second,
            })).collect::<Vec<_>>(),
            "sink": { "description": self.sink.description, "numOutputRows": self.sink.num_output_rows },
        })
    }

    /// Compact JSON (Spark's `json`).
    pub fn json(&self) -> String {
        self.to_value().to_string()
    }

    /// Indented JSON (Spark's `prettyJson`, what `toString` prints).
    pub fn pretty_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }
}

/// `2026-12-07T20:42:33.593Z` for a time in milliseconds since the epoch.
pub(crate) fn iso_timestamp(ms: i64) -> String {
    let date = ember_plan::format::format_date(ms.div_euclid(86_400_000) as i32);
    let rem = ms.rem_euclid(86_400_000);
    format!("{date}T{:02}:{:02}:{:02}.{:03}Z", rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_iso_utc() {
        assert_eq!(iso_timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_timestamp(1_796_676_153_593), "2026-12-07T20:42:33.593Z");
    }
}
