//! Event-time watermarks across micro-batches (Spark's `WatermarkTracker`): after each
//! batch every watermark operator proposes `max event time - delay`; the query's
//! watermark is their minimum (or maximum, `spark.sql.streaming.multipleWatermarkPolicy`)
//! and never goes back. A batch runs with two watermarks: the previous batch's, against
//! which late input rows are dropped, and its own, against which state is evicted.

use std::collections::BTreeMap;

use ember_common::{Error, Result};

/// How several watermark operators' watermarks combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultipleWatermarkPolicy {
    Min,
    Max,
}

impl MultipleWatermarkPolicy {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "min" => Ok(MultipleWatermarkPolicy::Min),
            "max" => Ok(MultipleWatermarkPolicy::Max),
            other => Err(Error::invalid_argument(format!(
                "Invalid value for MultipleWatermarkPolicy: {other}. Valid values are 'min' and 'max'."
            ))),
        }
    }
}

/// The two watermarks of one micro-batch (ms since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchWatermarks {
    /// Input rows at or before it are late and dropped (the previous batch's watermark).
    pub late_events_ms: i64,
    /// State at or before it is final: emitted (append mode) and evicted.
    pub eviction_ms: i64,
}

impl BatchWatermarks {
    pub fn late_events_micros(&self) -> i64 {
        self.late_events_ms.saturating_mul(1000)
    }

    pub fn eviction_micros(&self) -> i64 {
        self.eviction_ms.saturating_mul(1000)
    }
}

/// The query's watermark; see the module docs.
#[derive(Debug, Clone)]
pub struct WatermarkTracker {
    policy: MultipleWatermarkPolicy,
    operators: BTreeMap<usize, i64>,
    global_ms: i64,
}

impl WatermarkTracker {
    pub fn new(policy: MultipleWatermarkPolicy) -> Self {
        WatermarkTracker { policy, operators: BTreeMap::new(), global_ms: 0 }
    }

    /// The watermark (0 before any event time was seen).
    pub fn current_ms(&self) -> i64 {
        self.global_ms
    }

    /// Restores the watermark a checkpoint recorded.
    pub fn set(&mut self, ms: i64) {
        self.global_ms = ms;
    }

    /// Moves the watermark after a batch: `observed[i]` is operator `i`'s
    /// `(max event time seen in the batch, delay)`, `None` when it saw no rows.
    pub fn update(&mut self, observed: &[(Option<i64>, i64)]) {
        if observed.is_empty() {
            return;
        }
        for (i, (max, delay)) in observed.iter().enumerate() {
            match max {
                Some(max) => {
                    let proposed = max.saturating_sub(*delay);
                    let entry = self.operators.entry(i).or_insert(proposed);
                    *entry = (*entry).max(proposed);
                }
                // An operator that has seen nothing yet holds the watermark at 0.
                None => {
                    self.operators.entry(i).or_insert(0);
                }
            }
        }
        let values = self.operators.values().copied();
        let chosen = match self.policy {
            MultipleWatermarkPolicy::Min => values.min(),
            MultipleWatermarkPolicy::Max => values.max(),
        };
        if let Some(c) = chosen {
            self.global_ms = self.global_ms.max(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_forward_only_and_combines_by_policy() {
        let mut t = WatermarkTracker::new(MultipleWatermarkPolicy::Min);
        t.update(&[(Some(12_000), 10_000)]);
        assert_eq!(t.current_ms(), 2_000);
        t.update(&[(Some(5_000), 10_000)]);
        assert_eq!(t.current_ms(), 2_000);
        t.update(&[(None, 10_000)]);
        assert_eq!(t.current_ms(), 2_000);

        let mut min = WatermarkTracker::new(MultipleWatermarkPolicy::Min);
        let mut max = WatermarkTracker::new(MultipleWatermarkPolicy::Max);
        for t in [&mut min, &mut max] {
            t.update(&[(Some(30_000), 5_000), (None, 1_000)]);
        }
        assert_eq!((min.current_ms(), max.current_ms()), (0, 25_000));
        for t in [&mut min, &mut max] {
            t.update(&[(Some(40_000), 5_000), (Some(20_000), 1_000)]);
        }
        assert_eq!((min.current_ms(), max.current_ms()), (19_000, 35_000));
        assert!(MultipleWatermarkPolicy::parse("MAX").is_ok());
        assert!(MultipleWatermarkPolicy::parse("avg").is_err());
    }
}
