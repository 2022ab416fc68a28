//! The one seam between the shell and the engine: run one statement, get its schema and
//! rows. `ember::Session` implements it; tests use a fake.

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use ember_common::Result;

/// Something that runs one SQL statement at a time.
pub trait SqlBackend {
    /// Runs one statement (commands run eagerly) and collects its result.
    fn run(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)>;
    /// The session time zone, read after each statement (`SET` may change it).
    fn time_zone(&self) -> String;
}

impl SqlBackend for ember::Session {
    fn run(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let df = self.sql(sql)?;
        let schema = df.schema();
        let batches = df.collect()?;
        Ok((schema, batches))
    }

    fn time_zone(&self) -> String {
        ember::Session::time_zone(self)
    }
}

/// Builds the session with `--conf` entries applied; an invalid value is an error.
pub fn build_session(conf: &[(String, String)]) -> Result<ember::Session> {
    let mut builder = ember::Session::builder();
    for (k, v) in conf {
        builder = builder.config(k, v);
    }
    builder.build()
}
