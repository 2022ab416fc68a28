//! What every harness running the golden scripts shares: the repository root, the
//! scripts, and a fresh session per script whose warehouse and scratch files live in
//! `target/golden-tmp/<area>__<name>/` (emptied first), so tables a script creates never
//! leak into another run. Scripts write files only below that directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ember::Session;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every golden input (`sql-tests/inputs/**/*.sql`, names starting with `_` aside), sorted.
pub fn inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![root().join("sql-tests/inputs")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).expect("golden input directory") {
            let p = e.expect("directory entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "sql") && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_')) {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// `area__name` for `sql-tests/inputs/area/name.sql` (the snapshot's name too).
pub fn stem(script: &Path) -> String {
    // the part after `sql-tests/inputs/`, however the path was spelled (`crates/engine/../..`)
    let inputs = root().join("sql-tests/inputs");
    let inputs = inputs.canonicalize().unwrap_or(inputs);
    let script_abs = script.canonicalize().unwrap_or_else(|_| script.to_path_buf());
    let rel = script_abs.strip_prefix(&inputs).unwrap_or(script);
    rel.with_extension("").to_string_lossy().replace(['/', '\\'], "__")
}

/// The script's scratch directory, relative to the repository root (where scripts run).
pub fn scratch(stem: &str, run: &str) -> PathBuf {
    PathBuf::from("target/golden-tmp/runs").join(run).join(stem)
}

/// A session for one run of a script: `settings`, then a warehouse inside the script's
/// emptied scratch directory. `run` keeps concurrent harnesses apart.
pub fn session(stem: &str, run: &str, settings: &[(&str, &str)]) -> Session {
    let dir = root().join(scratch(stem, run));
    let _ = std::fs::remove_dir_all(&dir);
    // Scripts name their own files `target/golden-tmp/<stem>/…`: empty those too.
    let _ = std::fs::remove_dir_all(root().join("target/golden-tmp").join(stem));
    let mut b = Session::builder();
    for (k, v) in settings {
        b = b.config(*k, *v);
    }
    // Relative, as scripts run from the repository root: outputs naming it stay the
    // same on every machine.
    let warehouse = scratch(stem, run).join("warehouse");
    b.config("spark.sql.warehouse.dir", warehouse.to_string_lossy()).build().expect("session")
}
