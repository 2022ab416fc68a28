//! What the DataFrame-API tests that check themselves against SQL share: a session with
//! several shuffle partitions and threads, rows as golden lines, and the comparison.

#![allow(dead_code)]

use arrow::record_batch::RecordBatch;
use ember::{DataFrame, Session};

/// Three shuffle partitions on two threads, so the API paths run partitioned.
pub fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "3").config("ember.executor.threads", "2").build().unwrap()
}

/// The settings the streaming tests share with the PySpark runs they were checked
/// against: two shuffle partitions, UTC.
pub fn streaming_session() -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", "2")
        .config("ember.executor.threads", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .build()
        .unwrap()
}

/// Rows as golden lines, in order.
pub fn rows(batches: &[RecordBatch]) -> Vec<String> {
    ember::format::golden_rows(batches, "UTC")
}

/// The DataFrame's rows, asserted equal to those of `sql`.
pub fn same_as_sql(s: &Session, df: &DataFrame, sql: &str) -> Vec<String> {
    let got = rows(&df.collect().unwrap());
    assert_eq!(got, rows(&s.sql(sql).unwrap().collect().unwrap()), "{sql}");
    got
}
