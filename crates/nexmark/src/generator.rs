//! The Nexmark event generator, ported from Beam's `NexmarkGenerator` (as Flink's
//! nexmark uses it): event `n` has id `n`, its own `java.util.Random` seeded with the id,
//! and time `base_time + n × inter_event_delay`; ids modulo 50 make people, auctions and
//! bids in 1 : 3 : 46 proportion. Auctions go mostly to hot sellers, bids mostly to hot
//! auctions and hot bidders, prices are `round(10^(6u) × 100)` cents, and each record
//! carries `extra` padding up to the standard average sizes. Bid channels and urls follow
//! Flink's scheme (four hot channels, otherwise `channel-<n>` of 10,000), with the url
//! text derived from the channel number so every run gives the same events.

use crate::java_random::JavaRandom;

pub const FIRST_PERSON_ID: i64 = 1000;
pub const FIRST_AUCTION_ID: i64 = 1000;
pub const FIRST_CATEGORY_ID: i64 = 10;
const NUM_CATEGORIES: i32 = 5;
const PERSON_ID_LEAD: i64 = 10;
const AUCTION_ID_LEAD: i64 = 10;
const HOT_SELLER_RATIO: i64 = 100;
const HOT_AUCTION_RATIO: i64 = 100;
const HOT_BIDDER_RATIO: i64 = 100;
const HOT_CHANNELS_RATIO: i32 = 2;
const CHANNELS_NUMBER: i32 = 10_000;
const HOT_CHANNELS: [&str; 4] = ["Google", "Facebook", "Baidu", "Apple"];
const MIN_STRING_LENGTH: i32 = 3;

const US_STATES: [&str; 6] = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const US_CITIES: [&str; 10] = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];
const FIRST_NAMES: [&str; 11] = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
const LAST_NAMES: [&str; 9] = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

/// The generator's settings (Nexmark's defaults).
#[derive(Debug, Clone)]
pub struct GeneratorConfig {
    /// Event time of event 0, in milliseconds since the epoch.
    pub base_time_ms: i64,
    /// Microseconds of event time between consecutive events (1,000,000 / events per second).
    pub inter_event_delay_us: i64,
    pub person_proportion: i64,
    pub auction_proportion: i64,
    pub bid_proportion: i64,
    pub num_active_people: i64,
    pub num_in_flight_auctions: i64,
    pub hot_auction_ratio: i32,
    pub hot_sellers_ratio: i32,
    pub hot_bidders_ratio: i32,
    pub avg_person_byte_size: i32,
    pub avg_auction_byte_size: i32,
    pub avg_bid_byte_size: i32,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        GeneratorConfig {
            base_time_ms: 0,
            inter_event_delay_us: 100, // 10,000 events per second
            person_proportion: 1,
            auction_proportion: 3,
            bid_proportion: 46,
            num_active_people: 1000,
            num_in_flight_auctions: 100,
            hot_auction_ratio: 2,
            hot_sellers_ratio: 4,
            hot_bidders_ratio: 4,
            avg_person_byte_size: 200,
            avg_auction_byte_size: 500,
            avg_bid_byte_size: 100,
        }
    }
}

impl GeneratorConfig {
    /// The default settings at `events_per_second` of event time.
    pub fn with_rate(events_per_second: u64) -> Self {
        GeneratorConfig { inter_event_delay_us: (1_000_000 / events_per_second.max(1)).max(1) as i64, ..Default::default() }
    }

    fn total_proportion(&self) -> i64 {
        self.person_proportion + self.auction_proportion + self.bid_proportion
    }

    /// Event time of event `n`, in milliseconds.
    pub fn timestamp_ms(&self, n: i64) -> i64 {
        self.base_time_ms + n * self.inter_event_delay_us / 1000
    }

    /// The id (from 0) of the last person made at or before event `event_id`.
    fn last_base0_person_id(&self, event_id: i64) -> i64 {
        let epoch = event_id / self.total_proportion();
        let offset = (event_id % self.total_proportion()).min(self.person_proportion - 1);
        epoch * self.person_proportion + offset
    }

    /// The id (from 0) of the last auction made at or before event `event_id`.
    fn last_base0_auction_id(&self, event_id: i64) -> i64 {
        let mut epoch = event_id / self.total_proportion();
        let mut offset = event_id % self.total_proportion();
        if offset < self.person_proportion {
            epoch -= 1;
            offset = self.auction_proportion - 1;
        } else if offset >= self.person_proportion + self.auction_proportion {
            offset = self.auction_proportion - 1;
        } else {
            offset -= self.person_proportion;
        }
        epoch * self.auction_proportion + offset
    }
}

/// One generated event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Person(Person),
    Auction(Auction),
    Bid(Bid),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email_address: String,
    pub credit_card: String,
    pub city: String,
    pub state: String,
    pub date_time_ms: i64,
    pub extra: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Auction {
    pub id: i64,
    pub item_name: String,
    pub description: String,
    pub initial_bid: i64,
    pub reserve: i64,
    pub date_time_ms: i64,
    pub expires_ms: i64,
    pub seller: i64,
    pub category: i64,
    pub extra: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bid {
    pub auction: i64,
    pub bidder: i64,
    pub price: i64,
    pub channel: String,
    pub url: String,
    pub date_time_ms: i64,
    pub extra: String,
}

/// The kind of event `event_id` is (0 person, 1 auction, 2 bid).
pub fn event_kind(config: &GeneratorConfig, event_id: i64) -> u8 {
    let rem = event_id % config.total_proportion();
    if rem < config.person_proportion {
        0
    } else if rem < config.person_proportion + config.auction_proportion {
        1
    } else {
        2
    }
}

/// Event number `n` (its id is `n`).
pub fn event(config: &GeneratorConfig, n: i64) -> Event {
    let mut random = JavaRandom::new(n);
    let timestamp = config.timestamp_ms(n);
    match event_kind(config, n) {
        0 => Event::Person(next_person(config, n, &mut random, timestamp)),
        1 => Event::Auction(next_auction(config, n, n, &mut random, timestamp)),
        _ => Event::Bid(next_bid(config, n, &mut random, timestamp)),
    }
}

/// `LongGenerator.nextLong`: uniform in `[0, n)`.
fn next_long(random: &mut JavaRandom, n: i64) -> i64 {
    if n < i32::MAX as i64 {
        random.next_int_bounded(n as i32) as i64
    } else {
        (random.next_long() % n).abs()
    }
}

fn next_price(random: &mut JavaRandom) -> i64 {
    (10f64.powf(random.next_double() * 6.0) * 100.0).round() as i64
}

/// `StringsGenerator.nextString`: 3 to `max_length - 1` letters, a `special` now and then.
fn next_string(random: &mut JavaRandom, max_length: i32, special: char) -> String {
    let len = MIN_STRING_LENGTH + random.next_int_bounded(max_length - MIN_STRING_LENGTH);
    let mut s = String::with_capacity(len as usize);
    for _ in 0..len {
        if random.next_int_bounded(13) == 0 {
            s.push(special);
        } else {
            s.push((b'a' + random.next_int_bounded(26) as u8) as char);
        }
    }
    s.trim().to_string()
}

/// `StringsGenerator.nextExactString`: `length` characters, six from each `nextInt()`
/// (Java's `%` keeps the sign, so a negative draw gives characters below `a`).
fn next_exact_string(random: &mut JavaRandom, length: i32) -> String {
    let mut s = String::with_capacity(length.max(0) as usize);
    let (mut rnd, mut n) = (0i32, 0);
    for _ in 0..length {
        if n == 0 {
            rnd = random.next_int();
            n = 6;
        }
        s.push(char::from_u32((('a' as i32) + rnd % 26) as u32).unwrap_or('a'));
        rnd /= 26;
        n -= 1;
    }
    s
}

/// `StringsGenerator.nextExtra`: padding that brings a record to about `desired_average` bytes.
fn next_extra(random: &mut JavaRandom, current_size: i32, desired_average: i32) -> String {
    if current_size > desired_average {
        return String::new();
    }
    let desired = desired_average - current_size;
    let delta = (desired as f64 * 0.2).round() as i32;
    let min_size = desired - delta;
    let size = min_size + if delta == 0 { 0 } else { random.next_int_bounded(2 * delta) };
    next_exact_string(random, size)
}

fn next_base0_person_id(config: &GeneratorConfig, event_id: i64, random: &mut JavaRandom) -> i64 {
    let num_people = config.last_base0_person_id(event_id) + 1;
    let active = num_people.min(config.num_active_people);
    let n = next_long(random, active + PERSON_ID_LEAD);
    num_people - active + n
}

fn next_base0_auction_id(config: &GeneratorConfig, event_id: i64, random: &mut JavaRandom) -> i64 {
    let max_auction = config.last_base0_auction_id(event_id);
    let min_auction = (max_auction - config.num_in_flight_auctions).max(0);
    min_auction + next_long(random, max_auction - min_auction + 1 + AUCTION_ID_LEAD)
}

fn next_person(config: &GeneratorConfig, event_id: i64, random: &mut JavaRandom, timestamp: i64) -> Person {
    let id = config.last_base0_person_id(event_id) + FIRST_PERSON_ID;
    let name = format!("{} {}", FIRST_NAMES[random.next_int_bounded(FIRST_NAMES.len() as i32) as usize], LAST_NAMES[random.next_int_bounded(LAST_NAMES.len() as i32) as usize]);
    let email_address = format!("{}@{}.com", next_string(random, 7, ' '), next_string(random, 5, ' '));
    let credit_card = (0..4).map(|_| format!("{:04}", random.next_int_bounded(10000))).collect::<Vec<_>>().join(" ");
    let city = US_CITIES[random.next_int_bounded(US_CITIES.len() as i32) as usize].to_string();
    let state = US_STATES[random.next_int_bounded(US_STATES.len() as i32) as usize].to_string();
    let size = 8 + name.len() + email_address.len() + credit_card.len() + city.len() + state.len();
    let extra = next_extra(random, size as i32, config.avg_person_byte_size);
    Person { id, name, email_address, credit_card, city, state, date_time_ms: timestamp, extra }
}

fn next_auction_length_ms(config: &GeneratorConfig, events_so_far: i64, random: &mut JavaRandom, timestamp: i64) -> i64 {
    let events_for_auctions = config.num_in_flight_auctions * config.total_proportion() / config.auction_proportion;
    let future_auction = config.timestamp_ms(events_so_far + events_for_auctions);
    let horizon = future_auction - timestamp;
    1 + next_long(random, (horizon * 2).max(1))
}

fn next_auction(config: &GeneratorConfig, events_so_far: i64, event_id: i64, random: &mut JavaRandom, timestamp: i64) -> Auction {
    let id = config.last_base0_auction_id(event_id) + FIRST_AUCTION_ID;
    let seller = if random.next_int_bounded(config.hot_sellers_ratio) > 0 {
        (config.last_base0_person_id(event_id) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO
    } else {
        next_base0_person_id(config, event_id, random)
    } + FIRST_PERSON_ID;
    let category = FIRST_CATEGORY_ID + random.next_int_bounded(NUM_CATEGORIES) as i64;
    let initial_bid = next_price(random);
    let expires_ms = timestamp + next_auction_length_ms(config, events_so_far, random, timestamp);
    let item_name = next_string(random, 20, ' ');
    let description = next_string(random, 100, ' ');
    let reserve = initial_bid + next_price(random);
    let size = 8 + item_name.len() + description.len() + 8 + 8 + 8 + 8 + 8;
    let extra = next_extra(random, size as i32, config.avg_auction_byte_size);
    Auction { id, item_name, description, initial_bid, reserve, date_time_ms: timestamp, expires_ms, seller, category, extra }
}

/// The url of a channel: Flink's `https://www.nexmark.com/<a>/<b>/<c>/item.htm?query=1`
/// with the path drawn from a generator seeded by the channel number, and for three
/// channels in four a `channel_id` parameter.
fn channel_url(channel: i32) -> String {
    let mut random = JavaRandom::new(channel as i64 ^ 0x6e65786d61726b);
    let base = format!(
        "https://www.nexmark.com/{}/{}/{}/item.htm?query=1",
        next_string(&mut random, 5, '_'),
        next_string(&mut random, 5, '_'),
        next_string(&mut random, 5, '_')
    );
    if random.next_int_bounded(10) > 0 {
        format!("{base}&channel_id={}", channel.reverse_bits().unsigned_abs())
    } else {
        base
    }
}

fn next_bid(config: &GeneratorConfig, event_id: i64, random: &mut JavaRandom, timestamp: i64) -> Bid {
    let auction = if random.next_int_bounded(config.hot_auction_ratio) > 0 {
        (config.last_base0_auction_id(event_id) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO
    } else {
        next_base0_auction_id(config, event_id, random)
    } + FIRST_AUCTION_ID;
    let bidder = if random.next_int_bounded(config.hot_bidders_ratio) > 0 {
        (config.last_base0_person_id(event_id) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1
    } else {
        next_base0_person_id(config, event_id, random)
    } + FIRST_PERSON_ID;
    let price = next_price(random);
    let (channel, url) = if random.next_int_bounded(HOT_CHANNELS_RATIO) > 0 {
        let i = random.next_int_bounded(HOT_CHANNELS.len() as i32);
        (HOT_CHANNELS[i as usize].to_string(), channel_url(-1 - i))
    } else {
        let c = random.next_int_bounded(CHANNELS_NUMBER);
        (format!("channel-{c}"), channel_url(c))
    };
    let extra = next_extra(random, 32, config.avg_bid_byte_size);
    Bid { auction, bidder, price, channel, url, date_time_ms: timestamp, extra }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportions_and_ids() {
        let c = GeneratorConfig::default();
        let kinds: Vec<u8> = (0..50).map(|n| event_kind(&c, n)).collect();
        assert_eq!(kinds.iter().filter(|k| **k == 0).count(), 1);
        assert_eq!(kinds.iter().filter(|k| **k == 1).count(), 3);
        assert_eq!(kinds.iter().filter(|k| **k == 2).count(), 46);
        let Event::Person(p) = event(&c, 50) else { panic!("event 50 is a person") };
        assert_eq!(p.id, 1001);
        let Event::Auction(a) = event(&c, 53) else { panic!("event 53 is an auction") };
        assert_eq!(a.id, 1005);
        assert!(a.reserve > a.initial_bid && a.expires_ms > a.date_time_ms);
        let Event::Bid(b) = event(&c, 60) else { panic!("event 60 is a bid") };
        assert_eq!(b.date_time_ms, 6);
        assert!(b.auction >= FIRST_AUCTION_ID && b.bidder >= FIRST_PERSON_ID);
        assert_eq!(event(&c, 60), event(&c, 60), "deterministic");
    }
}
