//! Atomic job commit for file writes, in the spirit of Hadoop's `FileOutputCommitter`
//! (algorithm 1) with a commit manifest that makes the switch-over a single rename.
//!
//! # Protocol
//! 1. **Setup.** The job gets an id `<millis>-<random>`; its staging directory is
//!    `<target>/_temporary/<job>/`. Readers never look inside `_`-prefixed entries.
//! 2. **Tasks** write their files under `<staging>/data/<partition dirs>/part-…`. Names
//!    carry the task number and the job's uuid, so tasks never collide.
//! 3. **Abort** (any task or the job failed): `<staging>` is deleted. The target was
//!    never touched.
//! 4. **Commit point.** The list of new files (relative paths), the mode and, for
//!    overwrite, the directory prefix to replace, are written to
//!    `<staging>/_COMMIT.tmp`, synced, and renamed to `<staging>/_COMMIT`. Before this
//!    rename the job has no visible effect; after it, the job *is* committed.
//! 5. **Roll forward** (idempotent, any step may be repeated): every staged file still
//!    under `<staging>/data` is renamed into place; for overwrite, every visible file
//!    under the prefix that is not in the manifest is deleted (old data), and empty
//!    directories with it (for dynamic partition overwrite, only in the partition
//!    directories that received new files); `_SUCCESS` is written; `<staging>` is removed, then
//!    `_temporary` if empty.
//!
//! # Crash windows
//! - Killed before step 4: the target holds the old data; `<staging>` is left behind
//!   under `_temporary` (invisible to readers, never rolled forward).
//! - Killed during step 5: the target briefly holds old and new files. Every Ember
//!   read and write of a path first calls [`recover`], which finds committed manifests
//!   under `_temporary` and finishes step 5, so Ember readers only ever see the old or
//!   the new data. (Other engines listing the directory during that window would see
//!   both, as with Hadoop's committer.) Recovery by a reader that races the writer's
//!   own step 5 is safe: renames of files already moved and deletes of files already
//!   gone are skipped.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use ember_common::{Error, ErrorKind, Result};

/// The staging area's name under the target.
pub const TEMPORARY_DIR: &str = "_temporary";
const MANIFEST: &str = "_COMMIT";
const SUCCESS: &str = "_SUCCESS";

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Other {
        class: "FAILED_WRITE_FILE".into(),
        sqlstate: Some("58030".into()),
        message: format!("Failed to {what} {}: {e}", path.display()),
    })
}

/// A random id: the current time, process id and a per-process counter, hashed.
pub fn random_hex(n_bytes: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::new();
    while out.len() < n_bytes * 2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(n_bytes * 2);
    out
}

/// A uuid-shaped random string (`8-4-4-4-12` hex digits).
pub fn random_uuid() -> String {
    let h = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// What a committed job does to the files already in the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitKind {
    /// Keep existing files.
    Append,
    /// Replace every visible file under this relative directory (`""` = whole target).
    Overwrite(String),
    /// Replace the files of the partition directories that receive new files, keep the
    /// others (`spark.sql.sources.partitionOverwriteMode=dynamic`).
    OverwritePartitions,
}

/// One write job's staging area.
#[derive(Debug)]
pub struct Job {
    pub target: PathBuf,
    pub id: String,
    pub uuid: String,
}

impl Job {
    /// Creates `<target>/_temporary/<job>/data/`.
    pub fn setup(target: &Path) -> Result<Job> {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let job = Job {
            target: target.to_path_buf(),
            id: format!("{millis:015}-{}", random_hex(4)),
            uuid: random_uuid(),
        };
        fs::create_dir_all(job.data_dir())
            .map_err(|e| io("create directory", &job.data_dir(), e))?;
        Ok(job)
    }

    pub fn staging_dir(&self) -> PathBuf {
        self.target.join(TEMPORARY_DIR).join(&self.id)
    }

    /// Where tasks put their files (mirroring the target's layout).
    pub fn data_dir(&self) -> PathBuf {
        self.staging_dir().join("data")
    }

    /// Deletes the staging area (after a failure).
    pub fn abort(&self) {
        let _ = fs::remove_dir_all(self.staging_dir());
        let _ = fs::remove_dir(self.target.join(TEMPORARY_DIR));
    }

    /// Writes the manifest (the commit point), then moves the files into place;
    /// returns the committed files, relative to the target.
    pub fn commit(&self, kind: &CommitKind) -> Result<Vec<String>> {
        let mut files = Vec::new();
        list_files(&self.data_dir(), "", &mut files, false)?;
        files.sort();
        let mut text = String::from("ember-commit 1\n");
        match kind {
            CommitKind::Append => text.push_str("append\n"),
            CommitKind::Overwrite(prefix) => text.push_str(&format!("overwrite {prefix}\n")),
            CommitKind::OverwritePartitions => text.push_str("overwrite-partitions\n"),
        }
        for f in &files {
            text.push_str(f);
            text.push('\n');
        }
        let tmp = self.staging_dir().join("_COMMIT.tmp");
        let mut file = fs::File::create(&tmp).map_err(|e| io("create", &tmp, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| io("write", &tmp, e))?;
        file.sync_all().map_err(|e| io("sync", &tmp, e))?;
        let manifest = self.staging_dir().join(MANIFEST);
        fs::rename(&tmp, &manifest).map_err(|e| io("rename", &tmp, e))?;
        roll_forward(&self.target, &self.staging_dir())?;
        Ok(files)
    }
}

/// Relative paths of the files under `dir` (recursively). With `visible_only`, entries
/// whose name starts with `_` or `.` are skipped, as readers skip them.
fn list_files(dir: &Path, rel: &str, out: &mut Vec<String>, visible_only: bool) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("list", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io("list", dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if visible_only && (name.starts_with('_') || name.starts_with('.')) {
            continue;
        }
        let path = entry.path();
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() {
            list_files(&path, &child, out, visible_only)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

/// Removes empty visible directories under `dir` (not `dir` itself).
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        if path.is_dir() && !name.starts_with('_') && !name.starts_with('.') {
            remove_empty_dirs(&path);
            let _ = fs::remove_dir(&path);
        }
    }
}

/// Step 5 of the protocol for the job staged at `staging` (which holds a manifest).
fn roll_forward(target: &Path, staging: &Path) -> Result<()> {
    let manifest = staging.join(MANIFEST);
    let text = match fs::read_to_string(&manifest) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("read", &manifest, e)),
    };
    let mut lines = text.lines();
    if lines.next() != Some("ember-commit 1") {
        return Err(Error::internal(format!(
            "unknown commit manifest {}",
            manifest.display()
        )));
    }
    let kind = match lines.next() {
        Some("append") => CommitKind::Append,
        Some("overwrite-partitions") => CommitKind::OverwritePartitions,
        Some(l) if l.starts_with("overwrite") => {
            CommitKind::Overwrite(l.trim_start_matches("overwrite").trim().to_string())
        }
        _ => {
            return Err(Error::internal(format!(
                "malformed commit manifest {}",
                manifest.display()
            )))
        }
    };
    let files: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let data = staging.join("data");
    for rel in &files {
        let from = data.join(rel);
        let to = target.join(rel);
        if !from.exists() {
            continue; // already moved by an earlier (interrupted) roll-forward
        }
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| io("create directory", parent, e))?;
        }
        match fs::rename(&from, &to) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("rename", &from, e)),
        }
    }
    if let CommitKind::Overwrite(prefix) = &kind {
        let keep: HashSet<&str> = files.iter().copied().collect();
        let root = if prefix.is_empty() {
            target.to_path_buf()
        } else {
            target.join(prefix)
        };
        let mut existing = Vec::new();
        list_files(&root, prefix.trim_end_matches('/'), &mut existing, true)?;
        for rel in existing {
            if !keep.contains(rel.as_str()) {
                match fs::remove_file(target.join(&rel)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io("delete", &target.join(&rel), e)),
                }
            }
        }
        remove_empty_dirs(&root);
    }
    if kind == CommitKind::OverwritePartitions {
        let keep: HashSet<&str> = files.iter().copied().collect();
        let dirs: HashSet<&str> = files
            .iter()
            .map(|f| f.rsplit_once('/').map(|(d, _)| d).unwrap_or(""))
            .collect();
        for dir in dirs {
            let Ok(entries) = fs::read_dir(target.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                let rel = if dir.is_empty() {
                    name.clone()
                } else {
                    format!("{dir}/{name}")
                };
                if name.starts_with(['_', '.'])
                    || !entry.path().is_file()
                    || keep.contains(rel.as_str())
                {
                    continue;
                }
                match fs::remove_file(entry.path()) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io("delete", &entry.path(), e)),
                }
            }
        }
    }
    let success = target.join(SUCCESS);
    fs::write(&success, b"").map_err(|e| io("write", &success, e))?;
    match fs::remove_dir_all(staging) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("delete", staging, e)),
    }
    let _ = fs::remove_dir(target.join(TEMPORARY_DIR));
    Ok(())
}

/// Finishes every committed-but-interrupted job under `<target>/_temporary`, oldest
/// first. Cheap when there is no `_temporary` directory.
pub fn recover(target: &Path) -> Result<()> {
    let tmp = target.join(TEMPORARY_DIR);
    let Ok(entries) = fs::read_dir(&tmp) else {
        return Ok(());
    };
    let mut jobs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join(MANIFEST).exists())
        .collect();
    jobs.sort();
    for job in jobs {
        roll_forward(target, &job)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(path: &Path, content: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    fn visible(target: &Path) -> Vec<String> {
        let mut v = Vec::new();
        list_files(target, "", &mut v, true).unwrap();
        v.sort();
        v
    }

    #[test]
    fn overwrite_replaces_only_after_commit_and_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t");
        put(&target.join("old-1.csv"), "old");
        put(&target.join("p=1/old-2.csv"), "old");
        let job = Job::setup(&target).unwrap();
        put(&job.data_dir().join("p=2/new-1.csv"), "new");
        assert_eq!(visible(&target), vec!["old-1.csv", "p=1/old-2.csv"]);
        // Simulate a crash right after the commit point: the manifest exists, nothing moved.
        let text = "ember-commit 1\noverwrite \np=2/new-1.csv\n";
        fs::write(job.staging_dir().join(MANIFEST), text).unwrap();
        recover(&target).unwrap();
        assert_eq!(visible(&target), vec!["p=2/new-1.csv"]);
        assert!(target.join("_SUCCESS").exists());
        assert!(!target.join(TEMPORARY_DIR).exists());
        recover(&target).unwrap();
    }

    #[test]
    fn abort_and_uncommitted_jobs_leave_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t");
        put(&target.join("old.csv"), "old");
        let job = Job::setup(&target).unwrap();
        put(&job.data_dir().join("new.csv"), "new");
        recover(&target).unwrap();
        assert_eq!(visible(&target), vec!["old.csv"]);
        job.abort();
        assert!(!target.join(TEMPORARY_DIR).exists());
        let job = Job::setup(&target).unwrap();
        put(&job.data_dir().join("p=a/new.csv"), "new");
        job.commit(&CommitKind::Overwrite("p=a/".into())).unwrap();
        assert_eq!(visible(&target), vec!["old.csv", "p=a/new.csv"]);
        let job = Job::setup(&target).unwrap();
        put(&job.data_dir().join("more.csv"), "more");
        job.commit(&CommitKind::Append).unwrap();
        assert_eq!(visible(&target), vec!["more.csv", "old.csv", "p=a/new.csv"]);
        let job = Job::setup(&target).unwrap();
        put(&job.data_dir().join("p=a/newer.csv"), "newer");
        put(&job.data_dir().join("p=b/first.csv"), "b");
        job.commit(&CommitKind::OverwritePartitions).unwrap();
        assert_eq!(
            visible(&target),
            vec!["more.csv", "old.csv", "p=a/newer.csv", "p=b/first.csv"]
        );
        assert_eq!(random_uuid().len(), 36);
    }
}
