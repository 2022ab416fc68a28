//! Generated events as Arrow batches, one per table, in the columns of Nexmark SQL
//! (Flink's nexmark): `person`, `auction` and `bid`, times as `TIMESTAMP`.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Builder, StringBuilder, TimestampMicrosecondBuilder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;

use crate::generator::{event, Event, GeneratorConfig};

fn ts() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")))
}

pub fn person_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("emailAddress", DataType::Utf8, false),
        Field::new("creditCard", DataType::Utf8, false),
        Field::new("city", DataType::Utf8, false),
        Field::new("state", DataType::Utf8, false),
        Field::new("dateTime", ts(), false),
        Field::new("extra", DataType::Utf8, false),
    ]))
}

pub fn auction_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("itemName", DataType::Utf8, false),
        Field::new("description", DataType::Utf8, false),
        Field::new("initialBid", DataType::Int64, false),
        Field::new("reserve", DataType::Int64, false),
        Field::new("dateTime", ts(), false),
        Field::new("expires", ts(), false),
        Field::new("seller", DataType::Int64, false),
        Field::new("category", DataType::Int64, false),
        Field::new("extra", DataType::Utf8, false),
    ]))
}

pub fn bid_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("auction", DataType::Int64, false),
        Field::new("bidder", DataType::Int64, false),
        Field::new("price", DataType::Int64, false),
        Field::new("channel", DataType::Utf8, false),
        Field::new("url", DataType::Utf8, false),
        Field::new("dateTime", ts(), false),
        Field::new("extra", DataType::Utf8, false),
    ]))
}

/// The people, auctions and bids among events `[from, to)`.
pub struct EventBatches {
    pub person: RecordBatch,
    pub auction: RecordBatch,
    pub bid: RecordBatch,
}

fn timestamps(values: impl Iterator<Item = i64>) -> ArrayRef {
    let mut b = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    for v in values {
        b.append_value(v * 1000);
    }
    Arc::new(b.finish())
}

fn strings<'a>(values: impl Iterator<Item = &'a str>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for v in values {
        b.append_value(v);
    }
    Arc::new(b.finish())
}

fn longs(values: impl Iterator<Item = i64>) -> ArrayRef {
    let mut b = Int64Builder::new();
    b.extend(values.map(Some));
    Arc::new(b.finish())
}

/// Generates events `[from, to)` into one batch per table.
pub fn generate(config: &GeneratorConfig, from: i64, to: i64) -> Result<EventBatches, ArrowError> {
    let (mut people, mut auctions, mut bids) = (Vec::new(), Vec::new(), Vec::new());
    for n in from..to {
        match event(config, n) {
            Event::Person(p) => people.push(p),
            Event::Auction(a) => auctions.push(a),
            Event::Bid(b) => bids.push(b),
        }
    }
    let person = RecordBatch::try_new(
        person_schema(),
        vec![
            longs(people.iter().map(|p| p.id)),
            strings(people.iter().map(|p| p.name.as_str())),
            strings(people.iter().map(|p| p.email_address.as_str())),
            strings(people.iter().map(|p| p.credit_card.as_str())),
            strings(people.iter().map(|p| p.city.as_str())),
            strings(people.iter().map(|p| p.state.as_str())),
            timestamps(people.iter().map(|p| p.date_time_ms)),
            strings(people.iter().map(|p| p.extra.as_str())),
        ],
    )?;
    let auction = RecordBatch::try_new(
        auction_schema(),
        vec![
            longs(auctions.iter().map(|a| a.id)),
            strings(auctions.iter().map(|a| a.item_name.as_str())),
            strings(auctions.iter().map(|a| a.description.as_str())),
            longs(auctions.iter().map(|a| a.initial_bid)),
            longs(auctions.iter().map(|a| a.reserve)),
            timestamps(auctions.iter().map(|a| a.date_time_ms)),
            timestamps(auctions.iter().map(|a| a.expires_ms)),
            longs(auctions.iter().map(|a| a.seller)),
            longs(auctions.iter().map(|a| a.category)),
            strings(auctions.iter().map(|a| a.extra.as_str())),
        ],
    )?;
    let bid = RecordBatch::try_new(
        bid_schema(),
        vec![
            longs(bids.iter().map(|b| b.auction)),
            longs(bids.iter().map(|b| b.bidder)),
            longs(bids.iter().map(|b| b.price)),
            strings(bids.iter().map(|b| b.channel.as_str())),
            strings(bids.iter().map(|b| b.url.as_str())),
            timestamps(bids.iter().map(|b| b.date_time_ms)),
            strings(bids.iter().map(|b| b.extra.as_str())),
        ],
    )?;
    Ok(EventBatches { person, auction, bid })
}
