//! Session configuration: Spark's key spelling where Spark has one, `ember.` otherwise.
//! Unknown keys are kept (as `spark-sql`'s `SET` does) so scripts written for Spark run.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};

/// Well-known configuration keys.
pub mod keys {
    pub const SHUFFLE_PARTITIONS: &str = "spark.sql.shuffle.partitions";
    pub const ANSI_ENABLED: &str = "spark.sql.ansi.enabled";
    pub const BROADCAST_THRESHOLD: &str = "spark.sql.autoBroadcastJoinThreshold";
    pub const SESSION_TIME_ZONE: &str = "spark.sql.session.timeZone";
    pub const CASE_SENSITIVE: &str = "spark.sql.caseSensitive";
    pub const MAX_PARTITION_BYTES: &str = "spark.sql.files.maxPartitionBytes";
    pub const WAREHOUSE_DIR: &str = "spark.sql.warehouse.dir";
    pub const EXECUTOR_THREADS: &str = "ember.executor.threads";
    pub const BATCH_SIZE: &str = "ember.execution.batchSize";
    /// Ember's semi-join reduction; Spark 4 removed its own (see [`REMOVED`]).
    pub const RUNTIME_FILTER_SEMI_JOIN_REDUCTION: &str = "ember.optimizer.runtimeFilter.semiJoinReduction.enabled";
    pub const RUNTIME_FILTER_CREATION_THRESHOLD: &str = "ember.optimizer.runtimeFilter.creationSideThreshold";
}

/// Spark's removed SQL configs (`SQLConf.removedSQLConfigs`): key, version, the value
/// that may still be set (the old default), and Spark's comment. Setting another value
/// fails as in Spark.
const REMOVED: &[(&str, &str, &str, &str)] = &[(
    "spark.sql.optimizer.runtimeFilter.semiJoinReduction.enabled",
    "4.0.0",
    "false",
    "This optimizer config is useless as runtime filter cannot be an IN subquery now.",
)];

/// A snapshot of session settings. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Config {
    values: BTreeMap<String, String>,
}

fn default_parallelism() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

impl Config {
    pub fn new() -> Self {
        Config::default()
    }

    /// Sets a key, validating the value of keys Ember knows.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let value = value.trim().to_string();
        let invalid = |reason: &str| {
            Error::new(ErrorKind::InvalidConfValue { key: key.into(), value: value.clone(), reason: reason.into() })
        };
        if let Some((_, version, _, comment)) = REMOVED.iter().find(|r| r.0 == key && r.2 != value) {
            return Err(Error::legacy(
                "_LEGACY_ERROR_TEMP_1226",
                format!("The SQL config '{key}' was removed in the version {version}. {comment}"),
            ));
        }
        match key {
            keys::SHUFFLE_PARTITIONS | keys::EXECUTOR_THREADS | keys::BATCH_SIZE => match value.parse::<usize>() {
                Ok(n) if n > 0 => {}
                _ => return Err(invalid("It must be a positive integer.")),
            },
            keys::ANSI_ENABLED | keys::CASE_SENSITIVE | keys::RUNTIME_FILTER_SEMI_JOIN_REDUCTION => {
                if parse_bool(&value).is_none() {
                    return Err(invalid("It must be 'true' or 'false'."));
                }
            }
            keys::BROADCAST_THRESHOLD | keys::MAX_PARTITION_BYTES | keys::RUNTIME_FILTER_CREATION_THRESHOLD => {
                if parse_bytes(&value).is_none() {
                    return Err(invalid("It must be a size such as 10485760, 10m or -1."));
                }
            }
            _ => {}
        }
        self.values.insert(key.to_string(), value);
        Ok(())
    }

    /// The raw value, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|s| s.as_str())
    }

    /// The value as `SET key` shows it: set value or default.
    pub fn get_or_default(&self, key: &str) -> Option<String> {
        if let Some(v) = self.get(key) {
            return Some(v.to_string());
        }
        Some(match key {
            keys::SHUFFLE_PARTITIONS => self.shuffle_partitions().to_string(),
            keys::ANSI_ENABLED => self.ansi_enabled().to_string(),
            keys::BROADCAST_THRESHOLD => self.broadcast_threshold().to_string(),
            keys::SESSION_TIME_ZONE => self.time_zone(),
            keys::CASE_SENSITIVE => "false".into(),
            keys::EXECUTOR_THREADS => self.executor_threads().to_string(),
            keys::BATCH_SIZE => self.batch_size().to_string(),
            keys::MAX_PARTITION_BYTES => self.max_partition_bytes().to_string(),
            keys::RUNTIME_FILTER_SEMI_JOIN_REDUCTION => self.runtime_filter_semi_join_reduction().to_string(),
            keys::RUNTIME_FILTER_CREATION_THRESHOLD => self.runtime_filter_creation_threshold().to_string(),
            _ => return None,
        })
    }

    /// All explicitly set keys, sorted.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn shuffle_partitions(&self) -> usize {
        self.get(keys::SHUFFLE_PARTITIONS).and_then(|v| v.parse().ok()).unwrap_or_else(default_parallelism)
    }

    pub fn executor_threads(&self) -> usize {
        self.get(keys::EXECUTOR_THREADS).and_then(|v| v.parse().ok()).unwrap_or_else(default_parallelism)
    }

    pub fn ansi_enabled(&self) -> bool {
        self.get(keys::ANSI_ENABLED).and_then(parse_bool).unwrap_or(true)
    }

    /// Broadcast threshold in bytes; negative disables broadcast joins.
    pub fn broadcast_threshold(&self) -> i64 {
        self.get(keys::BROADCAST_THRESHOLD).and_then(parse_bytes).unwrap_or(10 * 1024 * 1024)
    }

    pub fn time_zone(&self) -> String {
        self.get(keys::SESSION_TIME_ZONE).unwrap_or("UTC").to_string()
    }

    pub fn batch_size(&self) -> usize {
        self.get(keys::BATCH_SIZE).and_then(|v| v.parse().ok()).unwrap_or(8192)
    }

    /// Semi-join reduction of aggregated join inputs (on by default).
    pub fn runtime_filter_semi_join_reduction(&self) -> bool {
        self.get(keys::RUNTIME_FILTER_SEMI_JOIN_REDUCTION).and_then(parse_bool).unwrap_or(true)
    }

    /// The largest estimated key set, in bytes, a runtime filter is built from.
    pub fn runtime_filter_creation_threshold(&self) -> i64 {
        self.get(keys::RUNTIME_FILTER_CREATION_THRESHOLD).and_then(parse_bytes).unwrap_or(10 * 1024 * 1024)
    }

    pub fn max_partition_bytes(&self) -> u64 {
        self.get(keys::MAX_PARTITION_BYTES).and_then(parse_bytes).map(|v| v.max(1) as u64).unwrap_or(128 << 20)
    }
}

/// Parses Spark's boolean spellings.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Parses a byte size: `1024`, `10k`, `10m`, `1g`, `10mb`, `-1`.
pub fn parse_bytes(s: &str) -> Option<i64> {
    let s = s.trim().to_ascii_lowercase();
    let s = s.strip_suffix('b').unwrap_or(&s);
    let (num, mult) = match s.chars().last()? {
        'k' => (&s[..s.len() - 1], 1i64 << 10),
        'm' => (&s[..s.len() - 1], 1 << 20),
        'g' => (&s[..s.len() - 1], 1 << 30),
        't' => (&s[..s.len() - 1], 1 << 40),
        _ => (s, 1),
    };
    num.trim().parse::<i64>().ok().map(|n| n.saturating_mul(mult))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        let mut c = Config::new();
        assert!(c.ansi_enabled());
        c.set(keys::SHUFFLE_PARTITIONS, "8").unwrap();
        assert_eq!(c.shuffle_partitions(), 8);
        assert!(c.set(keys::SHUFFLE_PARTITIONS, "zero").is_err());
        c.set("spark.some.unknown", "kept").unwrap();
        assert_eq!(c.get("spark.some.unknown"), Some("kept"));
        assert_eq!(parse_bytes("10m"), Some(10 << 20));
        assert_eq!(parse_bytes("-1"), Some(-1));
    }

    #[test]
    fn removed_spark_configs_keep_only_their_old_default() {
        let mut c = Config::new();
        let key = "spark.sql.optimizer.runtimeFilter.semiJoinReduction.enabled";
        c.set(key, "false").unwrap();
        assert_eq!(c.set(key, "true").unwrap_err().class(), "_LEGACY_ERROR_TEMP_1226");
        assert_eq!(c.set(key, "maybe").unwrap_err().sqlstate(), None);
        assert!(c.runtime_filter_semi_join_reduction());
    }
}
