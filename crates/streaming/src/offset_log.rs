//! The contents of `offsets/N` and `commits/N`, in Spark's text format:
//! `offsets/N` is `v1`, a metadata line (`batchWatermarkMs`, `batchTimestampMs`, the
//! settings a restarted query must keep) and one offset per source (`-` for a source
//! with no data yet); `commits/N` is `v1` and `{"nextBatchWatermarkMs":…}`.

use std::collections::BTreeMap;
use std::path::Path;

use ember_common::Result;
use serde_json::{json, Value};

use crate::checkpoint::corrupt;
use crate::source::Offset;

const VERSION: &str = "v1";

/// What a micro-batch reads: written to `offsets/N` before batch N runs.
#[derive(Debug, Clone, PartialEq)]
pub struct OffsetSeq {
    /// The end offset of each source (in the order of the query's sources).
    pub offsets: Vec<Option<Offset>>,
    pub batch_watermark_ms: i64,
    pub batch_timestamp_ms: i64,
    /// Settings pinned for the query's lifetime (`spark.sql.shuffle.partitions`, …).
    pub conf: BTreeMap<String, String>,
}

impl OffsetSeq {
    pub fn to_text(&self) -> String {
        let meta = json!({
            "batchWatermarkMs": self.batch_watermark_ms,
            "batchTimestampMs": self.batch_timestamp_ms,
            "conf": self.conf,
        });
        let mut out = format!("{VERSION}\n{meta}");
        for o in &self.offsets {
            out.push('\n');
            match o {
                Some(o) => out.push_str(&o.json()),
                None => out.push('-'),
            }
        }
        out
    }

    pub fn parse(text: &str, path: &Path) -> Result<OffsetSeq> {
        let mut lines = text.lines();
        check_version(lines.next(), path)?;
        let meta: Value = match lines.next() {
            Some(l) => serde_json::from_str(l).map_err(|e| corrupt(path, e))?,
            None => return Err(corrupt(path, "no metadata line")),
        };
        let conf = meta
            .get("conf")
            .and_then(|c| c.as_object())
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect())
            .unwrap_or_default();
        let offsets = lines
            .map(|l| if l.trim() == "-" { Ok(None) } else { Offset::parse(l).map(Some).map_err(|e| corrupt(path, e)) })
            .collect::<Result<Vec<_>>>()?;
        Ok(OffsetSeq {
            offsets,
            batch_watermark_ms: meta.get("batchWatermarkMs").and_then(|v| v.as_i64()).unwrap_or(0),
            batch_timestamp_ms: meta.get("batchTimestampMs").and_then(|v| v.as_i64()).unwrap_or(0),
            conf,
        })
    }
}

/// Written to `commits/N` once batch N's output is committed to the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CommitMetadata {
    pub next_batch_watermark_ms: i64,
}

impl CommitMetadata {
    pub fn to_text(&self) -> String {
        format!("{VERSION}\n{}", json!({ "nextBatchWatermarkMs": self.next_batch_watermark_ms }))
    }

    pub fn parse(text: &str, path: &Path) -> Result<CommitMetadata> {
        let mut lines = text.lines();
        check_version(lines.next(), path)?;
        let meta: Value = match lines.next() {
            Some(l) => serde_json::from_str(l).map_err(|e| corrupt(path, e))?,
            None => Value::Null,
        };
        Ok(CommitMetadata { next_batch_watermark_ms: meta.get("nextBatchWatermarkMs").and_then(|v| v.as_i64()).unwrap_or(0) })
    }
}

/// Accepts `v1` (what Ember and Spark write); a later version was written by a newer
/// engine and is refused, as Spark does.
pub(crate) fn check_version(line: Option<&str>, path: &Path) -> Result<()> {
    match line.map(str::trim) {
        Some(v) if v.strip_prefix('v').and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n <= 1) => Ok(()),
        Some(v) => Err(corrupt(path, format!("log version {v} is newer than the supported v1"))),
        None => Err(corrupt(path, "empty file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_in_sparks_format() {
        let seq = OffsetSeq {
            offsets: vec![Some(Offset::parse(r#"{"logOffset":3}"#).unwrap()), None],
            batch_watermark_ms: 0,
            batch_timestamp_ms: 1700000000000,
            conf: BTreeMap::from([("spark.sql.shuffle.partitions".to_string(), "4".to_string())]),
        };
        let text = seq.to_text();
        assert_eq!(
            text,
            "v1\n{\"batchTimestampMs\":1700000000000,\"batchWatermarkMs\":0,\"conf\":{\"spark.sql.shuffle.partitions\":\"4\"}}\n{\"logOffset\":3}\n-"
        );
        assert_eq!(OffsetSeq::parse(&text, Path::new("offsets/0")).unwrap(), seq);
        assert!(OffsetSeq::parse("v9\n{}", Path::new("offsets/0")).is_err());
    }

    #[test]
    fn commits_round_trip() {
        let c = CommitMetadata { next_batch_watermark_ms: 5000 };
        assert_eq!(c.to_text(), "v1\n{\"nextBatchWatermarkMs\":5000}");
        assert_eq!(CommitMetadata::parse(&c.to_text(), Path::new("commits/0")).unwrap(), c);
    }
}
