//! Stopping queries: `session.cancel_all()` from another thread, a stream's cancel
//! token and `ember.query.timeout` end a long query with `OPERATION_CANCELED`
//! quickly, and the session then runs the next query; a panicking task fails its
//! query with `INTERNAL_ERROR` and nothing else.

use std::thread;
use std::time::{Duration, Instant};

use ember::{Error, Session};

/// Far too long to finish: 10^10 joined rows.
const LONG_QUERY: &str = "SELECT count(*) FROM range(100000) a CROSS JOIN range(100000) b WHERE a.id + b.id < 0";

/// How long a cancelled query may take to fail. The goal is 100 ms; debug builds on a
/// busy CI machine get more room.
const BOUND: Duration = Duration::from_millis(if cfg!(debug_assertions) { 1500 } else { 100 });

fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "4").threads(2).build().unwrap()
}

fn assert_canceled(e: &Error) {
    assert_eq!(e.class(), "OPERATION_CANCELED", "{e}");
    assert_eq!(e.sqlstate(), Some("HY008"));
}

/// The session still answers.
fn assert_usable(s: &Session) {
    let rows = s.sql("SELECT count(*) FROM range(10)").unwrap().collect().unwrap();
    assert_eq!(ember::format::golden_rows(&rows, "UTC"), vec!["10"]);
}

/// Runs `LONG_QUERY` with `cancel` called on another thread once it runs; returns the
/// error and how long after the cancel it came.
fn cancel_while_running(s: &Session, run: impl FnOnce(&Session) -> ember::Result<()>) -> (Error, Duration) {
    let canceller = s.clone();
    let cancelled_at = thread::spawn(move || loop {
        thread::sleep(Duration::from_millis(100));
        if canceller.cancel_all() > 0 {
            return Instant::now();
        }
    });
    let err = run(s).unwrap_err();
    let failed_at = Instant::now();
    let cancelled_at = cancelled_at.join().unwrap();
    (err, failed_at.saturating_duration_since(cancelled_at))
}

#[test]
fn cancel_all_stops_a_running_query() {
    let s = session();
    let (err, took) = cancel_while_running(&s, |s| s.sql(LONG_QUERY)?.collect().map(|_| ()));
    assert_canceled(&err);
    assert!(took < BOUND, "cancelled query took {took:?} to stop");
    assert_usable(&s);
    // A second cancellation works the same way (nothing stays cancelled).
    let (err, _) = cancel_while_running(&s, |s| s.sql(LONG_QUERY)?.collect().map(|_| ()));
    assert_canceled(&err);
    assert_usable(&s);
}

/// Queries that run on the way, not as the action itself, share its cancellation: a
/// file write, and a scalar subquery (run while planning).
#[test]
fn cancel_all_stops_writes_and_subqueries() {
    let s = session();
    let dir = std::env::temp_dir().join(format!("ember-cancel-write-{}", std::process::id()));
    let (err, took) = cancel_while_running(&s, |s| s.sql(LONG_QUERY)?.write().mode("overwrite").parquet(dir.to_str().unwrap()));
    assert_canceled(&err);
    assert!(took < BOUND, "cancelled write took {took:?} to stop");
    let _ = std::fs::remove_dir_all(&dir);
    let subquery = format!("SELECT ({LONG_QUERY}) + 1");
    let (err, took) = cancel_while_running(&s, |s| s.sql(&subquery)?.collect().map(|_| ()));
    assert_canceled(&err);
    assert!(took < BOUND, "cancelled subquery took {took:?} to stop");
    assert_usable(&s);
}

#[test]
fn a_streams_cancel_token_stops_it() {
    let s = session();
    let mut stream = s.sql("SELECT a.id FROM range(100000) a CROSS JOIN range(100000) b").unwrap().execute_stream().unwrap();
    assert!(stream.next().unwrap().is_ok());
    let token = stream.cancel_token();
    thread::spawn(move || token.cancel()).join().unwrap();
    assert_canceled(&stream.next().unwrap().unwrap_err());
    assert!(stream.next().is_none());
    assert_usable(&s);
}

#[test]
fn the_timeout_cancels_long_statements_only() {
    let s = session();
    s.sql("SET ember.query.timeout=300ms").unwrap();
    let start = Instant::now();
    let err = s.sql(LONG_QUERY).unwrap().collect().unwrap_err();
    let took = start.elapsed();
    assert_canceled(&err);
    assert!(err.to_string().contains("ran longer than ember.query.timeout (300ms)"), "{err}");
    assert!(took < Duration::from_millis(300) + BOUND, "timed-out query took {took:?}");
    // Short statements still run, each with its own deadline.
    assert_usable(&s);
    assert_usable(&s);
    s.sql("SET ember.query.timeout=0").unwrap();
    assert_usable(&s);
}

#[test]
fn a_panicking_task_fails_its_query_only() {
    if !cfg!(debug_assertions) {
        return; // the hook exists in debug builds only
    }
    let s = session();
    s.sql("SET ember.debug.panicInRange=true").unwrap();
    let err = s.sql("SELECT sum(id) FROM range(100)").unwrap().collect().unwrap_err();
    assert_eq!(err.class(), "INTERNAL_ERROR", "{err}");
    assert!(err.to_string().contains("ember.debug.panicInRange is set"), "{err}");
    // Streams catch it too.
    let mut stream = s.sql("SELECT id FROM range(100)").unwrap().execute_stream().unwrap();
    assert_eq!(stream.next().unwrap().unwrap_err().class(), "INTERNAL_ERROR");
    s.sql("SET ember.debug.panicInRange=false").unwrap();
    assert_usable(&s);
}
