//! Nexmark, the streaming benchmark, for Ember.
//!
//! # Brief overview
//! - [`generator`]: a deterministic port of Beam's / Flink's Nexmark generator: event
//!   `n` is a person, an auction or a bid (1 : 3 : 46), drawn from a `java.util.Random`
//!   seeded with `n` ([`java_random`]), at event time `n ×` the inter-event delay.
//! - [`tables`]: events as Arrow batches in the columns of Nexmark SQL (Flink's
//!   nexmark): `person`, `auction`, `bid`.
//! - [`register_tables`]: the three tables as temporary views of a session, so the
//!   queries in `queries/` (Spark SQL) run as batch queries.
//!
//! ```
//! use ember::Session;
//! use ember_nexmark::{register_tables, GeneratorConfig};
//! let session = Session::builder().build().unwrap();
//! register_tables(&session, &GeneratorConfig::default(), 1000).unwrap();
//! let bids = session.sql("SELECT count(*) FROM bid").unwrap().collect().unwrap();
//! assert_eq!(bids[0].column(0).as_any().downcast_ref::<arrow::array::Int64Array>().unwrap().value(0), 920);
//! ```

pub mod generator;
pub mod java_random;
pub mod tables;

pub use generator::{Event, GeneratorConfig};

/// Nexmark query `n` (0 to 8) in Spark SQL, over the views `person`, `auction`, `bid`.
pub fn query(n: usize) -> Option<&'static str> {
    Some(match n {
        0 => include_str!("../queries/q0.sql"),
        1 => include_str!("../queries/q1.sql"),
        2 => include_str!("../queries/q2.sql"),
        _ => return None,
    })
}

/// Generates events `[0, events)` and registers them as the temporary views `person`,
/// `auction` and `bid` of `session`.
pub fn register_tables(session: &ember::Session, config: &GeneratorConfig, events: i64) -> ember::Result<()> {
    let batches = tables::generate(config, 0, events).map_err(|e| ember::Error::internal(e.to_string()))?;
    session.create_dataframe(vec![batches.person])?.create_or_replace_temp_view("person")?;
    session.create_dataframe(vec![batches.auction])?.create_or_replace_temp_view("auction")?;
    session.create_dataframe(vec![batches.bid])?.create_or_replace_temp_view("bid")?;
    Ok(())
}
