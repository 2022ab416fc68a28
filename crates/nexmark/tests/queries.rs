//! Nexmark q0–q2 as batch queries over 5,000 generated events, checked against the same
//! answers computed directly from the generator's events in Rust.

use arrow::array::AsArray;
use arrow::datatypes::{Float64Type, Int64Type};
use ember::Session;
use ember_nexmark::generator::{event, Event};
use ember_nexmark::{query, register_tables, GeneratorConfig};

const EVENTS: i64 = 5000;

fn session() -> Session {
    let s = Session::builder().config("spark.sql.shuffle.partitions", "2").config("ember.executor.threads", "2").build().unwrap();
    register_tables(&s, &GeneratorConfig::default(), EVENTS).unwrap();
    s
}

fn bids() -> Vec<ember_nexmark::generator::Bid> {
    (0..EVENTS)
        .filter_map(|n| match event(&GeneratorConfig::default(), n) {
            Event::Bid(b) => Some(b),
            _ => None,
        })
        .collect()
}

fn longs(s: &Session, sql: &str, col: usize) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for b in s.sql(sql).unwrap().collect().unwrap() {
        out.extend(b.column(col).as_primitive::<Int64Type>().values().iter().copied());
    }
    out
}

#[test]
fn q0_passes_every_bid_through() {
    let s = session();
    let mut got = longs(&s, query(0).unwrap(), 2);
    let mut expected: Vec<i64> = bids().iter().map(|b| b.price).collect();
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got.len(), 4600);
    assert_eq!(got, expected);
}

#[test]
fn q1_converts_prices() {
    let s = session();
    let batches = s.sql(&format!("SELECT CAST(price AS DOUBLE) FROM ({})", query(1).unwrap())).unwrap().collect().unwrap();
    let mut got: Vec<f64> = batches.iter().flat_map(|b| b.column(0).as_primitive::<Float64Type>().values().to_vec()).collect();
    let mut expected: Vec<f64> = bids().iter().map(|b| b.price as f64 * 0.908).collect();
    got.sort_by(f64::total_cmp);
    expected.sort_by(f64::total_cmp);
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert!((g - e).abs() < 1e-6, "{g} vs {e}");
    }
}

#[test]
fn q2_selects_auctions() {
    let s = session();
    let mut got: Vec<i64> = longs(&s, query(2).unwrap(), 0);
    let mut expected: Vec<i64> = bids().iter().filter(|b| b.auction % 123 == 0).map(|b| b.auction).collect();
    got.sort_unstable();
    expected.sort_unstable();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

#[test]
fn tables_hold_every_event_once() {
    let s = session();
    assert_eq!(longs(&s, "SELECT count(*) FROM person", 0), vec![100]);
    assert_eq!(longs(&s, "SELECT count(*) FROM auction", 0), vec![300]);
    assert_eq!(longs(&s, "SELECT min(id), max(id) FROM person", 1), vec![1099]);
    assert_eq!(longs(&s, "SELECT count(*) FROM bid WHERE bidder < 1000 OR auction < 1000", 0), vec![0]);
}
