//! Session configuration: Spark's key spelling where Spark has one, `ember.` otherwise.
//! Unknown keys are kept (as `spark-sql`'s `SET` does) so scripts written for Spark run.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

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
    pub const PARTITION_TYPE_INFERENCE: &str = "spark.sql.sources.partitionColumnTypeInference.enabled";
    pub const PARTITION_OVERWRITE_MODE: &str = "spark.sql.sources.partitionOverwriteMode";
    pub const QUERY_TIMEOUT: &str = "ember.query.timeout";
    pub const MEMORY_LIMIT: &str = "ember.memory.limit";
    pub const SPILL_DIR: &str = "ember.spill.dir";
    /// Debug builds only: `RangeExec` panics on its first batch (tests of panic handling).
    pub const CTE_RECURSION_LEVEL_LIMIT: &str = "spark.sql.cteRecursionLevelLimit";
    pub const DEBUG_PANIC_IN_RANGE: &str = "ember.debug.panicInRange";
}

/// The type of a setting's value, checked by `SET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfType {
    Bool,
    /// An integer greater than zero.
    PositiveInt,
    /// A byte size such as `10485760`, `10m` or `-1`.
    Bytes,
    /// A time zone id (validated by the session, which knows the zone rules).
    TimeZone,
    /// A duration such as `30s`, `500ms`, `2min` or `0` (a bare number is seconds).
    Duration,
    /// One of these words (any case).
    Choice(&'static [&'static str]),
    Text,
}

/// A setting Ember reads: its key, type, default as `SET -v` shows it, and meaning.
/// Static settings can only be given when the session is built.
#[derive(Debug, Clone, Copy)]
pub struct ConfEntry {
    pub key: &'static str,
    pub kind: ConfType,
    pub default: &'static str,
    pub doc: &'static str,
    pub is_static: bool,
}

const fn entry(key: &'static str, kind: ConfType, default: &'static str, doc: &'static str) -> ConfEntry {
    ConfEntry { key, kind, default, doc, is_static: false }
}

/// Every setting Ember reads, sorted by key (the one declaration of each).
pub const ENTRIES: &[ConfEntry] = &[
    entry(keys::DEBUG_PANIC_IN_RANGE, ConfType::Bool, "false", "Debug builds only, for tests: range() panics on its first batch, to check that a panicking task fails its query with INTERNAL_ERROR and the session lives on."),
    entry(keys::BATCH_SIZE, ConfType::PositiveInt, "8192", "Rows per batch the operators pass between each other."),
    entry(keys::EXECUTOR_THREADS, ConfType::PositiveInt, "<number of cores>", "Threads running a query's tasks."),
    entry(keys::MEMORY_LIMIT, ConfType::Bytes, "<60% of physical memory>", "The most memory a session's running queries hold in sorts, aggregates, joins and windows, e.g. 2g; sorts and aggregates spill to ember.spill.dir beyond it, others fail with UNABLE_TO_ACQUIRE_MEMORY. 0 or -1 means no limit."),
    entry(keys::RUNTIME_FILTER_CREATION_THRESHOLD, ConfType::Bytes, "10MB", "The largest estimated key set a runtime filter is built from."),
    entry(keys::RUNTIME_FILTER_SEMI_JOIN_REDUCTION, ConfType::Bool, "true", "Whether a small filtered join input reduces the other input before an aggregate (Spark 4 removed its own, spark.sql.optimizer.runtimeFilter.semiJoinReduction.enabled)."),
    entry(keys::QUERY_TIMEOUT, ConfType::Duration, "0", "Statements running longer than this are cancelled (OPERATION_CANCELED), e.g. 30s or 5min; 0 means no limit."),
    entry(keys::SPILL_DIR, ConfType::Text, "<system temp dir>", "The directory under which queries write spill files (compressed Arrow IPC), each query in a directory of its own that is deleted when it ends."),
    entry(keys::ANSI_ENABLED, ConfType::Bool, "true", "When true, Spark SQL's ANSI mode: overflow, invalid casts and division by zero are errors; when false they give NULL."),
    entry(keys::BROADCAST_THRESHOLD, ConfType::Bytes, "10MB", "The largest estimated size of a join input that is broadcast to every task instead of shuffled; -1 disables broadcast joins."),
    entry(keys::CASE_SENSITIVE, ConfType::Bool, "false", "Whether column and table names are case sensitive."),
    entry(keys::CTE_RECURSION_LEVEL_LIMIT, ConfType::PositiveInt, "100", "The most steps of a recursive CTE that may produce rows (RECURSION_LEVEL_LIMIT_EXCEEDED beyond)."),
    entry(keys::MAX_PARTITION_BYTES, ConfType::Bytes, "128MB", "The most bytes of files packed into one partition when reading."),
    entry(keys::SESSION_TIME_ZONE, ConfType::TimeZone, "UTC", "The session time zone: a region id such as America/Los_Angeles or an offset such as +08:00."),
    entry(keys::SHUFFLE_PARTITIONS, ConfType::PositiveInt, "<number of cores>", "The number of partitions of shuffles (joins and aggregations)."),
    entry(keys::PARTITION_TYPE_INFERENCE, ConfType::Bool, "true", "Whether the types of partition columns of file sources are inferred (else they are strings)."),
    entry(keys::PARTITION_OVERWRITE_MODE, ConfType::Choice(&["STATIC", "DYNAMIC"]), "STATIC", "Whether INSERT OVERWRITE of a partitioned table replaces every partition (STATIC) or only those it writes (DYNAMIC)."),
    ConfEntry { key: keys::WAREHOUSE_DIR, kind: ConfType::Text, default: "spark-warehouse", doc: "The directory of databases and managed tables.", is_static: true },
];

/// The declaration of `key`, if Ember reads it.
pub fn entry_of(key: &str) -> Option<&'static ConfEntry> {
    ENTRIES.iter().find(|e| e.key == key)
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

    /// Sets a key, validating the value of keys Ember knows (Spark's
    /// `INVALID_CONF_VALUE.TYPE_MISMATCH`). Time zones are checked by the session.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let value = value.trim().to_string();
        if let Some((_, version, _, comment)) = REMOVED.iter().find(|r| r.0 == key && r.2 != value) {
            return Err(Error::legacy(
                "_LEGACY_ERROR_TEMP_1226",
                format!("The SQL config '{key}' was removed in the version {version}. {comment}"),
            ));
        }
        if let Some(e) = entry_of(key) {
            let type_name = match e.kind {
                ConfType::Bool if parse_bool(&value).is_none() => Some("boolean"),
                ConfType::PositiveInt if !value.parse::<usize>().is_ok_and(|n| n > 0) => Some("int"),
                ConfType::Bytes if parse_bytes(&value).is_none() => Some("bytes"),
                ConfType::Duration if parse_duration(&value).is_none() => Some("time"),
                ConfType::Choice(choices) if !choices.iter().any(|c| c.eq_ignore_ascii_case(&value)) => {
                    return Err(Error::spark(
                        "INVALID_CONF_VALUE.OUT_OF_RANGE_OF_OPTIONS",
                        &[("confValue", &value), ("confName", key), ("confOptions", &choices.join(", "))],
                    ));
                }
                _ => None,
            };
            if let Some(t) = type_name {
                return Err(Error::spark("INVALID_CONF_VALUE.TYPE_MISMATCH", &[("confValue", &value), ("confName", key), ("confType", t)]));
            }
        }
        self.values.insert(key.to_string(), value);
        Ok(())
    }

    /// [`Config::set`] on a running session: static settings are refused.
    pub fn set_runtime(&mut self, key: &str, value: &str) -> Result<()> {
        if entry_of(key).is_some_and(|e| e.is_static) {
            return Err(Error::spark("CANNOT_MODIFY_STATIC_CONFIG", &[("key", &format!("\"{key}\""))]));
        }
        self.set(key, value)
    }

    /// Forgets `key` (back to its default); a static setting stays.
    pub fn unset(&mut self, key: &str) {
        if !entry_of(key).is_some_and(|e| e.is_static) {
            self.values.remove(key);
        }
    }

    /// Forgets every setting but the static ones (`RESET`).
    pub fn reset(&mut self) {
        self.values.retain(|k, _| entry_of(k).is_some_and(|e| e.is_static));
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
            keys::QUERY_TIMEOUT => "0".into(),
            keys::MEMORY_LIMIT => self.memory_limit().to_string(),
            keys::SPILL_DIR => std::env::temp_dir().display().to_string(),
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

    /// The statement timeout (`ember.query.timeout`); `None` when unset or zero.
    pub fn query_timeout(&self) -> Option<std::time::Duration> {
        self.get(keys::QUERY_TIMEOUT).and_then(parse_duration).filter(|d| !d.is_zero())
    }

    /// The session's memory budget in bytes (`ember.memory.limit`): by default 60% of
    /// the machine's physical memory (4 GiB where that cannot be read); 0 or negative
    /// means no limit.
    pub fn memory_limit(&self) -> usize {
        match self.get(keys::MEMORY_LIMIT).and_then(parse_bytes) {
            Some(n) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX),
            Some(_) => usize::MAX,
            None => physical_memory().unwrap_or(4 << 30) / 10 * 6,
        }
    }

    /// Where spill files go (`ember.spill.dir`); `None` for the system temp dir.
    pub fn spill_dir(&self) -> Option<std::path::PathBuf> {
        self.get(keys::SPILL_DIR).filter(|d| !d.is_empty()).map(std::path::PathBuf::from)
    }

    pub fn max_partition_bytes(&self) -> u64 {
        self.get(keys::MAX_PARTITION_BYTES).and_then(parse_bytes).map(|v| v.max(1) as u64).unwrap_or(128 << 20)
    }
}

/// The machine's physical memory in bytes, if it can be read (Linux `/proc/meminfo`).
pub fn physical_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
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

/// Parses a duration as Spark's time settings do: `30s`, `500ms`, `2m`/`2min`, `1h`,
/// `1d`, `100us`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim().to_ascii_lowercase();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s[..split].parse().ok()?;
    let micros_per_unit: u64 = match s[split..].trim() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => 1_000_000,
        "ms" | "msec" | "millis" | "milliseconds" => 1_000,
        "us" | "micros" | "microseconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000_000,
        "h" | "hour" | "hours" => 3_600_000_000,
        "d" | "day" | "days" => 86_400_000_000,
        _ => return None,
    };
    Some(std::time::Duration::from_micros(n.checked_mul(micros_per_unit)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        let mut c = Config::new();
        assert!(c.ansi_enabled());
        assert_eq!(c.query_timeout(), None);
        c.set(keys::QUERY_TIMEOUT, "1500ms").unwrap();
        assert_eq!(c.query_timeout(), Some(std::time::Duration::from_millis(1500)));
        c.set(keys::QUERY_TIMEOUT, "0").unwrap();
        assert_eq!(c.query_timeout(), None);
        assert_eq!(parse_duration("2min"), Some(std::time::Duration::from_secs(120)));
        assert_eq!(parse_duration("30"), Some(std::time::Duration::from_secs(30)));
        assert_eq!(c.set(keys::QUERY_TIMEOUT, "soon").unwrap_err().class(), "INVALID_CONF_VALUE.TYPE_MISMATCH");
        c.set(keys::SHUFFLE_PARTITIONS, "8").unwrap();
        assert_eq!(c.shuffle_partitions(), 8);
        assert_eq!(c.set(keys::SHUFFLE_PARTITIONS, "zero").unwrap_err().class(), "INVALID_CONF_VALUE.TYPE_MISMATCH");
        assert_eq!(c.set(keys::ANSI_ENABLED, "maybe").unwrap_err().class(), "INVALID_CONF_VALUE.TYPE_MISMATCH");
        assert_eq!(c.set(keys::PARTITION_OVERWRITE_MODE, "sometimes").unwrap_err().class(), "INVALID_CONF_VALUE.OUT_OF_RANGE_OF_OPTIONS");
        c.set(keys::WAREHOUSE_DIR, "w").unwrap();
        assert_eq!(c.set_runtime(keys::WAREHOUSE_DIR, "x").unwrap_err().class(), "CANNOT_MODIFY_STATIC_CONFIG");
        c.reset();
        assert_eq!(c.get(keys::WAREHOUSE_DIR), Some("w"));
        assert_eq!(c.shuffle_partitions(), default_parallelism());
        assert!(ENTRIES.windows(2).all(|w| w[0].key < w[1].key), "ENTRIES sorted by key");
        c.set("spark.some.unknown", "kept").unwrap();
        assert_eq!(c.get("spark.some.unknown"), Some("kept"));
        assert_eq!(parse_bytes("10m"), Some(10 << 20));
        assert_eq!(parse_bytes("-1"), Some(-1));
        assert!(c.memory_limit() > 0 && c.memory_limit() < usize::MAX);
        c.set(keys::MEMORY_LIMIT, "2g").unwrap();
        assert_eq!(c.memory_limit(), 2 << 30);
        c.set(keys::MEMORY_LIMIT, "0").unwrap();
        assert_eq!(c.memory_limit(), usize::MAX);
        assert_eq!(c.set(keys::MEMORY_LIMIT, "lots").unwrap_err().class(), "INVALID_CONF_VALUE.TYPE_MISMATCH");
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
