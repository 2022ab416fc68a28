//! Row counts and integer column ranges of Parquet files from their footers, for join
//! ordering. Footers are read once per file (path and size) and remembered for the
//! life of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use parquet::file::metadata::ParquetMetaData;
use parquet::file::statistics::Statistics;

use crate::listing::FileMeta;
use crate::parquet_schema::load_metadata;

/// What join ordering uses from one file's footer.
#[derive(Debug, Clone, Default)]
struct FooterStats {
    rows: u64,
    /// `(min, max)` of each top-level INT32/INT64 column whose every row group has
    /// min/max statistics.
    int_ranges: HashMap<String, (i64, i64)>,
}

fn cache() -> &'static Mutex<HashMap<(String, u64), Arc<FooterStats>>> {
    static CACHE: OnceLock<Mutex<HashMap<(String, u64), Arc<FooterStats>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn footer_stats(f: &FileMeta) -> Option<Arc<FooterStats>> {
    let key = (f.path.clone(), f.size);
    if let Some(s) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Some(s);
    }
    let meta = load_metadata(f).ok()?;
    let stats = Arc::new(read_stats(meta.metadata()));
    if let Ok(mut c) = cache().lock() {
        c.insert(key, stats.clone());
    }
    Some(stats)
}

fn read_stats(meta: &ParquetMetaData) -> FooterStats {
    let rows = meta.file_metadata().num_rows().max(0) as u64;
    let schema = meta.file_metadata().schema_descr();
    let mut int_ranges = HashMap::new();
    for (c, col) in schema.columns().iter().enumerate() {
        if col.path().parts().len() != 1 {
            continue;
        }
        let mut range: Option<(i64, i64)> = None;
        let mut complete = meta.num_row_groups() > 0;
        for rg in meta.row_groups() {
            let bounds = match rg.column(c).statistics() {
                Some(Statistics::Int32(s)) => s.min_opt().zip(s.max_opt()).map(|(a, b)| (*a as i64, *b as i64)),
                Some(Statistics::Int64(s)) => s.min_opt().zip(s.max_opt()).map(|(a, b)| (*a, *b)),
                _ => None,
            };
            match bounds {
                Some((lo, hi)) => range = Some(range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi)))),
                None if rg.num_rows() == 0 => {}
                None => complete = false,
            }
        }
        if let (true, Some(r)) = (complete, range) {
            int_ranges.insert(col.name().to_string(), r);
        }
    }
    FooterStats { rows, int_ranges }
}

/// The total row count of `files`, or `None` if a footer cannot be read.
pub fn parquet_row_count(files: &[Arc<FileMeta>]) -> Option<u64> {
    files.iter().map(|f| footer_stats(f).map(|s| s.rows)).sum()
}

/// `(min, max)` of integer column `name` over `files`, or `None` if a file lacks it.
pub fn parquet_int_range(files: &[Arc<FileMeta>], name: &str) -> Option<(i64, i64)> {
    let mut range: Option<(i64, i64)> = None;
    for f in files {
        let stats = footer_stats(f)?;
        if stats.rows == 0 {
            continue;
        }
        let (lo, hi) = *stats.int_ranges.get(name)?;
        range = Some(range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
    }
    range
}
