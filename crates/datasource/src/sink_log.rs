//! The file sink's log, `<dir>/_spark_metadata/N`: which files batch N of a
//! streaming query committed to `<dir>`, in Spark's format (`v1`, then one JSON entry
//! per file). A directory with this log is read through it, so files a killed batch
//! left behind are never read (Spark's `MetadataLogFileIndex`).

use std::path::{Path, PathBuf};

use ember_common::{Error, ErrorKind, Result};
use serde_json::{json, Value};

/// The log's directory name under the sink's output directory.
pub const SINK_LOG_DIR: &str = "_spark_metadata";

/// One committed file, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkFileEntry {
    /// Absolute local path.
    pub path: String,
    pub size: u64,
    pub modification_time_ms: i64,
}

impl SinkFileEntry {
    /// The JSON line Spark writes for an added file.
    pub fn to_json(&self) -> String {
        json!({
            "path": path_to_uri(&self.path),
            "size": self.size,
            "isDir": false,
            "modificationTime": self.modification_time_ms,
            "blockReplication": 1,
            "blockSize": 33554432,
            "action": "add",
        })
        .to_string()
    }
}

/// The text of one batch's log file.
pub fn batch_log_text(entries: &[SinkFileEntry]) -> String {
    let mut out = String::from("v1");
    for e in entries {
        out.push('\n');
        out.push_str(&e.to_json());
    }
    out
}

/// `file:///a/b%20c` for `/a/b c` (Hadoop's `Path.toUri`).
pub fn path_to_uri(path: &str) -> String {
    let mut out = String::from("file://");
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b'=' | b':' | b'+' | b',' | b'@' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The local path of a logged `file:` URI (or a plain path).
pub fn uri_to_path(uri: &str) -> String {
    let rest = uri.strip_prefix("file://").or_else(|| uri.strip_prefix("file:")).unwrap_or(uri);
    crate::partitions::unescape_path_name(rest)
}

fn read_error(path: &Path, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::FailedReadFile { file: path.to_string_lossy().into_owned(), message: message.into() })
}

/// The files `dir`'s sink log lists (every batch, compacted ones included), or `None`
/// when `dir` has no log.
pub fn logged_files(dir: &Path) -> Result<Option<Vec<PathBuf>>> {
    let log = dir.join(SINK_LOG_DIR);
    if !log.is_dir() {
        return Ok(None);
    }
    let entries = std::fs::read_dir(&log).map_err(|e| read_error(&log, e.to_string()))?;
    let mut batches: Vec<(u64, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name.strip_suffix(".compact").unwrap_or(&name).parse::<u64>().ok()?;
            Some((id, e.path()))
        })
        .collect();
    batches.sort();
    // A `.compact` file holds every entry up to its batch: start from the newest one.
    let start = batches.iter().rposition(|(_, p)| p.extension().is_some_and(|x| x == "compact")).unwrap_or(0);
    let mut files: Vec<PathBuf> = Vec::new();
    let mut deleted: Vec<PathBuf> = Vec::new();
    for (_, path) in &batches[start..] {
        let text = std::fs::read_to_string(path).map_err(|e| read_error(path, e.to_string()))?;
        let mut lines = text.lines();
        match lines.next().map(str::trim) {
            Some("v1") => {}
            other => return Err(read_error(path, format!("unsupported sink log version {other:?}"))),
        }
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).map_err(|e| read_error(path, e.to_string()))?;
            let Some(uri) = v.get("path").and_then(|p| p.as_str()) else { continue };
            let file = PathBuf::from(uri_to_path(uri));
            if v.get("action").and_then(|a| a.as_str()) == Some("delete") {
                deleted.push(file);
            } else {
                files.push(file);
            }
        }
    }
    files.retain(|f| !deleted.contains(f));
    files.sort();
    files.dedup();
    Ok(Some(files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_through_the_log() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(logged_files(dir.path()).unwrap(), None);
        let log = dir.path().join(SINK_LOG_DIR);
        std::fs::create_dir(&log).unwrap();
        assert_eq!(logged_files(dir.path()).unwrap(), Some(vec![]));
        let a = SinkFileEntry { path: "/out/part a.parquet".into(), size: 10, modification_time_ms: 1 };
        let b = SinkFileEntry { path: "/out/part-b.parquet".into(), size: 10, modification_time_ms: 1 };
        assert!(a.to_json().contains("\"path\":\"file:///out/part%20a.parquet\""));
        std::fs::write(log.join("0"), batch_log_text(&[a])).unwrap();
        std::fs::write(log.join("1"), batch_log_text(&[b])).unwrap();
        std::fs::write(log.join(".1.tmp"), "garbage").unwrap();
        let files = logged_files(dir.path()).unwrap().unwrap();
        assert_eq!(files, vec![PathBuf::from("/out/part a.parquet"), PathBuf::from("/out/part-b.parquet")]);
    }
}
