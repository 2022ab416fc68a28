//! Row counts of Parquet files from their footers, for join ordering. Footers are read
//! once per file (path and size) and remembered for the life of the process.

use std::sync::{Mutex, OnceLock};

use std::collections::HashMap;

use crate::listing::FileMeta;
use crate::parquet_schema::load_metadata;

fn cache() -> &'static Mutex<HashMap<(String, u64), u64>> {
    static CACHE: OnceLock<Mutex<HashMap<(String, u64), u64>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The total row count of `files`, or `None` if a footer cannot be read.
pub fn parquet_row_count(files: &[std::sync::Arc<FileMeta>]) -> Option<u64> {
    let mut total = 0u64;
    for f in files {
        let key = (f.path.clone(), f.size);
        let known = cache().lock().ok().and_then(|c| c.get(&key).copied());
        let rows = match known {
            Some(r) => r,
            None => {
                let meta = load_metadata(f).ok()?;
                let r = meta.metadata().file_metadata().num_rows().max(0) as u64;
                if let Ok(mut c) = cache().lock() {
                    c.insert(key, r);
                }
                r
            }
        };
        total += rows;
    }
    Some(total)
}
