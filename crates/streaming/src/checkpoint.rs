//! Checkpoint files: atomic writes (temp file, fsync, rename) and `MetadataLog`, a
//! directory of files named by batch id (`offsets/3`, `commits/3`, `_spark_metadata/3`)
//! as Spark's `HDFSMetadataLog` keeps them. A file either exists whole or not at all,
//! so a process killed at any moment leaves a log that can be read back.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ember_common::{Error, Result};

pub(crate) fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    let class = if what == "read" || what == "list" { "FAILED_READ_FILE" } else { "FAILED_WRITE_FILE" };
    Error::new(ember_common::ErrorKind::Other {
        class: class.into(),
        sqlstate: Some(if class == "FAILED_READ_FILE" { "KD001" } else { "58030" }.into()),
        message: format!("Failed to {what} {}: {e}", path.display()),
    })
}

/// A checkpoint or log file that does not hold what it should.
pub(crate) fn corrupt(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::new(ember_common::ErrorKind::Other {
        class: "FAILED_READ_FILE".into(),
        sqlstate: Some("KD001".into()),
        message: format!("Cannot read the streaming checkpoint file {}: {why}", path.display()),
    })
}

/// Writes `content` to `path` so that readers see the old file, no file, or the whole
/// new file: a temp file beside it, synced, then renamed over it.
pub fn write_atomically(path: &Path, content: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_error("create directory", dir, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_error("write", path, e)
    })
}

/// Reads a whole file as UTF-8; `None` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", path, e)),
    }
}

/// A log of one file per batch id under `dir`.
#[derive(Debug, Clone)]
pub struct MetadataLog {
    dir: PathBuf,
}

impl MetadataLog {
    /// The log in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        MetadataLog { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, batch_id: u64) -> PathBuf {
        self.dir.join(batch_id.to_string())
    }

    /// Creates the directory now (a sink's log must exist before its first batch, so
    /// readers list through it from the start).
    pub fn create(&self) -> Result<()> {
        fs::create_dir_all(&self.dir).map_err(|e| io_error("create directory", &self.dir, e))
    }

    /// Writes batch `batch_id`'s entry unless one exists; returns whether it wrote.
    /// An existing entry is never replaced: a re-run batch keeps its first record.
    pub fn add(&self, batch_id: u64, content: &str) -> Result<bool> {
        let path = self.path(batch_id);
        if path.exists() {
            return Ok(false);
        }
        write_atomically(&path, content.as_bytes())?;
        Ok(true)
    }

    /// Writes batch `batch_id`'s entry, replacing any.
    pub fn put(&self, batch_id: u64, content: &str) -> Result<()> {
        write_atomically(&self.path(batch_id), content.as_bytes())
    }

    pub fn get(&self, batch_id: u64) -> Result<Option<String>> {
        read_optional(&self.path(batch_id))
    }

    /// Every batch id with an entry, ascending (temp files and other names ignored).
    pub fn batch_ids(&self) -> Result<Vec<u64>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(io_error("list", &self.dir, e)),
        };
        let mut ids = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u64>().ok()))
            .collect::<Vec<_>>();
        ids.sort_unstable();
        Ok(ids)
    }

    /// The newest entry.
    pub fn latest(&self) -> Result<Option<(u64, String)>> {
        for id in self.batch_ids()?.into_iter().rev() {
            if let Some(s) = self.get(id)? {
                return Ok(Some((id, s)));
            }
        }
        Ok(None)
    }

    /// Deletes entries older than `min_batch_id` (Spark's `minBatchesToRetain`).
    pub fn purge_before(&self, min_batch_id: u64) -> Result<()> {
        for id in self.batch_ids()? {
            if id < min_batch_id {
                let _ = fs::remove_file(self.path(id));
            }
        }
        Ok(())
    }
}

/// The `metadata` file of a checkpoint: the query's id, fixed for its lifetime.
pub fn read_or_create_query_id(checkpoint: &Path, new_id: impl FnOnce() -> String) -> Result<String> {
    let path = checkpoint.join("metadata");
    if let Some(text) = read_optional(&path)? {
        let v: serde_json::Value = serde_json::from_str(text.trim())
            .map_err(|e| corrupt(&path, e))?;
        if let Some(id) = v.get("id").and_then(|i| i.as_str()) {
            return Ok(id.to_string());
        }
        return Err(corrupt(&path, "no query id"));
    }
    let offsets = MetadataLog::new(checkpoint.join("offsets"));
    if !offsets.batch_ids()?.is_empty() {
        return Err(Error::spark(
            "STREAMING_CHECKPOINT_MISSING_METADATA_FILE",
            &[("checkpointLocation", &checkpoint.display().to_string())],
        ));
    }
    let id = new_id();
    write_atomically(&path, serde_json::json!({ "id": id }).to_string().as_bytes())?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_adds_once_lists_and_purges() {
        let dir = tempfile::tempdir().unwrap();
        let log = MetadataLog::new(dir.path().join("offsets"));
        assert_eq!(log.latest().unwrap(), None);
        assert!(log.add(0, "a").unwrap());
        assert!(!log.add(0, "b").unwrap(), "an entry is never replaced by add");
        assert!(log.add(2, "c").unwrap());
        std::fs::write(dir.path().join("offsets/.2.tmp"), "junk").unwrap();
        assert_eq!(log.batch_ids().unwrap(), vec![0, 2]);
        assert_eq!(log.latest().unwrap(), Some((2, "c".to_string())));
        assert_eq!(log.get(0).unwrap().as_deref(), Some("a"));
        log.purge_before(2).unwrap();
        assert_eq!(log.batch_ids().unwrap(), vec![2]);
    }

    #[test]
    fn query_id_is_created_once_and_missing_metadata_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let id = read_or_create_query_id(dir.path(), || "q1".into()).unwrap();
        assert_eq!(id, "q1");
        assert_eq!(read_or_create_query_id(dir.path(), || "q2".into()).unwrap(), "q1");
        std::fs::remove_file(dir.path().join("metadata")).unwrap();
        MetadataLog::new(dir.path().join("offsets")).add(0, "v1").unwrap();
        let e = read_or_create_query_id(dir.path(), || "q3".into()).unwrap_err();
        assert_eq!(e.class(), "STREAMING_CHECKPOINT_MISSING_METADATA_FILE");
    }
}
