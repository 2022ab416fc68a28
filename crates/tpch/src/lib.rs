//! TPC-H for Ember: data generation with the `tpchgen` generator, the 22 queries and their
//! reference answers (in `benches/tpch/`), an answer checker, and a runner that registers the
//! tables in a [`ember::Session`] and runs and checks each query.
//!
//! ```no_run
//! use ember_tpch::{generate, run, Format};
//! let dir = std::path::Path::new("benches/data/tpch/sf0.1");
//! generate::generate(0.1, dir, Format::Parquet).unwrap();
//! let session = ember::Session::builder().build().unwrap();
//! run::register_tables(&session, dir, Format::Parquet).unwrap();
//! let outcome = run::run_query(&session, 1, &ember_tpch::answers_dir(0.1));
//! println!("{}", outcome.status);
//! ```

pub mod answer;
pub mod generate;
pub mod queries;
pub mod run;

use std::path::{Path, PathBuf};

pub use generate::Format;

/// Errors of this crate: I/O, Arrow/Parquet, Ember and malformed inputs, as text.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

/// The eight TPC-H tables, in the order of the specification.
pub const TABLES: [&str; 8] = ["part", "supplier", "partsupp", "customer", "orders", "lineitem", "nation", "region"];

/// The repository root (this crate lives in `crates/tpch`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `benches/tpch/queries`: `q01.sql` … `q22.sql`.
pub fn queries_dir() -> PathBuf {
    repo_root().join("benches/tpch/queries")
}

/// `benches/tpch/answers/sf<sf>`: `q01.csv` … `q22.csv` (shipped for SF 0.1 and 1).
pub fn answers_dir(sf: f64) -> PathBuf {
    repo_root().join("benches/tpch/answers").join(format!("sf{}", sf_label(sf)))
}

/// The default data cache for a scale factor: `benches/data/tpch/sf<sf>` (git-ignored).
pub fn data_dir(sf: f64) -> PathBuf {
    repo_root().join("benches/data/tpch").join(format!("sf{}", sf_label(sf)))
}

/// A scale factor as written in directory names: `0.1`, `1`, `10`.
pub fn sf_label(sf: f64) -> String {
    format!("{sf}")
}
