//! File listing: expands the paths given to a reader (files, directories, globs) into
//! a sorted list of data files, as Spark's `InMemoryFileIndex` does: directories are
//! listed recursively (skipping `_`/`.`-prefixed names such as `_SUCCESS`,
//! `_temporary` and `.crc` files), `pathGlobFilter` keeps the file names that match a
//! glob, and each file remembers the base path its partition directories are under.

use std::path::{Path, PathBuf};

use ember_common::{Error, ErrorKind, Result};

/// One data file and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    pub path: String,
    pub size: u64,
}

/// The compression of a file, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl FileMeta {
    /// Gzip-compressed files (`.gz`) are read whole: they cannot be split.
    pub fn is_gzip(&self) -> bool {
        self.compression() == Compression::Gzip
    }

    /// `.gz` / `.gzip` is gzip, `.zst` / `.zstd` is zstd.
    pub fn compression(&self) -> Compression {
        let lower = self.path.to_ascii_lowercase();
        if lower.ends_with(".gz") || lower.ends_with(".gzip") {
            Compression::Gzip
        } else if lower.ends_with(".zst") || lower.ends_with(".zstd") {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// How a reader lists its paths (`recursiveFileLookup`, `pathGlobFilter`, `basePath`).
#[derive(Debug, Clone, Default)]
pub struct ListingOptions {
    /// `recursiveFileLookup`: list every file below the paths, without partition discovery
    pub recursive_file_lookup: bool,
    /// `pathGlobFilter`: keep only files whose name matches
    pub path_glob_filter: Option<glob::Pattern>,
    /// `basePath`: where partition directories start
    pub base_path: Option<String>,
}

impl ListingOptions {
    pub fn from_options(options: &crate::options::ReadOptions) -> Result<ListingOptions> {
        let path_glob_filter = match options.get("pathGlobFilter") {
            None => None,
            Some(p) => Some(glob::Pattern::new(p).map_err(|e| {
                Error::invalid_argument(format!("The value '{p}' of the option 'pathGlobFilter' is invalid: {e}."))
            })?),
        };
        Ok(ListingOptions {
            recursive_file_lookup: options.get_bool("recursiveFileLookup", false)?,
            path_glob_filter,
            base_path: options.get("basePath").map(str::to_string),
        })
    }
}

/// A listed file, the base directory of its partition directories, and the path it
/// was listed from (the directory given, or the parent of the file given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFile {
    pub meta: FileMeta,
    pub base: PathBuf,
    pub root: PathBuf,
}

impl ListedFile {
    /// Is the file directly in the path it was listed from?
    pub fn is_top_level(&self) -> bool {
        Path::new(&self.meta.path).parent() == Some(self.root.as_path())
    }
}

/// Names Spark skips when listing: `_SUCCESS`, `_temporary`, `.crc` files (a `_` name
/// with `=` is a partition directory and kept).
fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || (name.starts_with('_') && !name.contains('=')) || name.ends_with("._COPYING_")
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

/// The visible files below `dir`, recursively.
fn list_dir(dir: &Path, base: &Path, root: &Path, opts: &ListingOptions, out: &mut Vec<ListedFile>) -> Result<()> {
    let display = dir.to_string_lossy().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(&display, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(&display, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if is_hidden(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            list_dir(&path, base, root, opts, out)?;
        } else if path.is_file() && opts.path_glob_filter.as_ref().is_none_or(|g| g.matches(&name)) {
            out.push(ListedFile { meta: meta_of(&path)?, base: base.to_path_buf(), root: root.to_path_buf() });
        }
    }
    Ok(())
}

/// Adds a file or the files below a directory.
fn add_path(path: &Path, opts: &ListingOptions, out: &mut Vec<ListedFile>) -> Result<()> {
    let base = |default: &Path| opts.base_path.as_ref().map(PathBuf::from).unwrap_or_else(|| default.to_path_buf());
    if path.is_dir() {
        // The output of a streaming file sink: only the files its log lists.
        if let Some(files) = crate::sink_log::logged_files(path)? {
            for f in files {
                let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if opts.path_glob_filter.as_ref().is_none_or(|g| g.matches(&name)) {
                    out.push(ListedFile { meta: meta_of(&f)?, base: base(path), root: path.to_path_buf() });
                }
            }
            return Ok(());
        }
        list_dir(path, &base(path), path, opts, out)
    } else {
        let parent = path.parent().unwrap_or(Path::new(""));
        out.push(ListedFile { meta: meta_of(path)?, base: base(parent), root: parent.to_path_buf() });
        Ok(())
    }
}

/// Expands `paths` into data files, sorted by path and without duplicates.
/// A path that does not exist (or a glob that matches nothing) is `PATH_NOT_FOUND`.
pub fn list_files(paths: &[String]) -> Result<Vec<FileMeta>> {
    Ok(list_files_with(paths, &ListingOptions::default())?.into_iter().map(|f| f.meta).collect())
}

/// [`list_files`] with the reader's listing options, keeping each file's base path.
pub fn list_files_with(paths: &[String], opts: &ListingOptions) -> Result<Vec<ListedFile>> {
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
                add_path(&path, opts, &mut out)?;
            }
            if !any {
                return Err(not_found(p));
            }
        } else {
            let path = Path::new(p);
            if !path.exists() {
                return Err(not_found(p));
            }
            add_path(path, opts, &mut out)?;
        }
    }
    out.sort_by(|a, b| a.meta.path.cmp(&b.meta.path));
    out.dedup_by(|a, b| a.meta.path == b.meta.path);
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
        std::fs::create_dir(dir.path().join("_temporary")).unwrap();
        touch(&dir.path().join("_temporary"), "c.csv", "1");
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
    fn recursive_with_glob_filter_and_base_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("y=1/m=2")).unwrap();
        touch(&dir.path().join("y=1/m=2"), "a.csv", "1");
        touch(&dir.path().join("y=1/m=2"), "a.txt", "1");
        touch(dir.path(), "b.csv", "1");
        let root = dir.path().to_string_lossy().to_string();
        let opts = ListingOptions { path_glob_filter: Some(glob::Pattern::new("*.csv").unwrap()), ..Default::default() };
        let files = list_files_with(std::slice::from_ref(&root), &opts).unwrap();
        assert_eq!(files.len(), 2);
        assert!(files[1].meta.path.ends_with("y=1/m=2/a.csv"), "{files:?}");
        assert_eq!(files[1].base, dir.path());
        let single = list_files_with(&[files[1].meta.path.clone()], &ListingOptions::default()).unwrap();
        assert_eq!(single[0].base, dir.path().join("y=1/m=2"));
        let c = |p: &str| FileMeta { path: p.into(), size: 0 }.compression();
        assert_eq!((c("a.csv.GZ"), c("a.json.zst"), c("a.csv")), (Compression::Gzip, Compression::Zstd, Compression::None));
    }

    #[test]
    fn empty_directory_lists_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(list_files(&[dir.path().to_string_lossy().to_string()]).unwrap().is_empty());
    }
}
