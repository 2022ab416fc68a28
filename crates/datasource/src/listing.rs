//! File listing: expands the paths given to a reader (files, directories, globs) into
//! a sorted list of data files, as Spark's `InMemoryFileIndex` does.

use std::path::Path;

use ember_common::{Error, ErrorKind, Result};

/// One data file and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    pub path: String,
    pub size: u64,
}

impl FileMeta {
    /// Gzip-compressed files (`.gz`) are read whole: they cannot be split.
    pub fn is_gzip(&self) -> bool {
        self.path.to_ascii_lowercase().ends_with(".gz")
    }
}

/// Files Spark skips when listing a directory: `_SUCCESS`, `.crc` files, `_temporary`.
fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

fn has_glob(path: &str) -> bool {
    path.contains(['*', '?', '[', '{'])
}

fn io_error(path: &str, e: std::io::Error) -> Error {
    Error::new(ErrorKind::FailedReadFile { file: path.to_string(), message: e.to_string() })
}

fn not_found(path: &str) -> Error {
    Error::new(ErrorKind::PathNotFound { path: path.to_string() })
}

fn meta_of(path: &Path) -> Result<FileMeta> {
    let display = path.to_string_lossy().to_string();
    let md = std::fs::metadata(path).map_err(|e| io_error(&display, e))?;
    Ok(FileMeta { path: display, size: md.len() })
}

/// The visible files directly inside `dir` (not recursive).
fn list_dir(dir: &Path, out: &mut Vec<FileMeta>) -> Result<()> {
    let display = dir.to_string_lossy().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(&display, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(&display, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if is_hidden(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_file() {
            out.push(meta_of(&path)?);
        }
    }
    Ok(())
}

/// Adds a file or the files of a directory.
fn add_path(path: &Path, out: &mut Vec<FileMeta>) -> Result<()> {
    if path.is_dir() {
        list_dir(path, out)
    } else {
        out.push(meta_of(path)?);
        Ok(())
    }
}

/// Expands `paths` into data files, sorted by path and without duplicates.
/// A path that does not exist (or a glob that matches nothing) is `PATH_NOT_FOUND`.
pub fn list_files(paths: &[String]) -> Result<Vec<FileMeta>> {
    let mut out = Vec::new();
    for p in paths {
        if has_glob(p) {
            let matches = glob::glob(p).map_err(|e| Error::invalid_argument(format!("Invalid path pattern '{p}': {e}")))?;
            let mut any = false;
            for m in matches {
                let path = m.map_err(|e| io_error(p, e.into()))?;
                let hidden = path.file_name().map(|n| is_hidden(&n.to_string_lossy())).unwrap_or(false);
                if hidden {
                    continue;
                }
                any = true;
                add_path(&path, &mut out)?;
            }
            if !any {
                return Err(not_found(p));
            }
        } else {
            let path = Path::new(p);
            if !path.exists() {
                return Err(not_found(p));
            }
            add_path(path, &mut out)?;
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str, content: &str) -> String {
        let p = dir.join(name);
        std::fs::write(&p, content).unwrap();
        p.to_string_lossy().to_string()
    }

    #[test]
    fn directory_skips_hidden_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "b.csv", "12");
        touch(dir.path(), "a.csv", "1");
        touch(dir.path(), "_SUCCESS", "");
        touch(dir.path(), ".a.csv.crc", "x");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let files = list_files(&[dir.path().to_string_lossy().to_string()]).unwrap();
        let names: Vec<(String, u64)> = files
            .iter()
            .map(|f| (Path::new(&f.path).file_name().unwrap().to_string_lossy().to_string(), f.size))
            .collect();
        assert_eq!(names, vec![("a.csv".to_string(), 1), ("b.csv".to_string(), 2)]);
    }

    #[test]
    fn glob_and_explicit_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = touch(dir.path(), "a.csv", "1");
        touch(dir.path(), "b.json", "1");
        let c = touch(dir.path(), "c.csv", "1");
        let pattern = format!("{}/*.csv", dir.path().to_string_lossy());
        let files = list_files(&[pattern, a.clone()]).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec![a.as_str(), c.as_str()]);
    }

    #[test]
    fn missing_path_is_path_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let missing = format!("{}/nope.csv", dir.path().to_string_lossy());
        let err = list_files(std::slice::from_ref(&missing)).unwrap_err();
        assert_eq!(err.class(), "PATH_NOT_FOUND");
        assert!(err.message().contains(&missing));
        let err = list_files(&[format!("{}/*.parquet", dir.path().to_string_lossy())]).unwrap_err();
        assert_eq!(err.class(), "PATH_NOT_FOUND");
    }

    #[test]
    fn empty_directory_lists_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(list_files(&[dir.path().to_string_lossy().to_string()]).unwrap().is_empty());
    }
}
