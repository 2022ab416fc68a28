//! Command-line flags of `ember`, parsed with clap.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Ember: Spark SQL, embedded. Runs SQL from `-c`, `-f`, standard input or an interactive shell.
#[derive(Debug, Parser)]
#[command(name = "ember", version, about)]
pub struct Args {
    /// SQL statements to run, separated by `;`.
    #[arg(short = 'c', long = "command", value_name = "SQL", conflicts_with = "file")]
    pub command: Option<String>,

    /// A script of SQL statements to run, separated by `;`.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// How results are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// A session configuration entry, `key=value` (repeatable), as `spark-sql --conf`.
    #[arg(long = "conf", value_name = "KEY=VALUE")]
    pub conf: Vec<String>,

    /// The session's memory budget, e.g. `2g` or `512m` (`ember.memory.limit`); sorts and
    /// aggregates spill to disk beyond it.
    #[arg(long = "memory-limit", value_name = "BYTES")]
    pub memory_limit: Option<String>,

    /// Print the elapsed time of each statement to stderr.
    #[arg(long)]
    pub time: bool,
}

/// The result formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A bordered table (NULL shown as `NULL`).
    Table,
    /// Comma-separated values with a header line (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header line.
    Tsv,
    /// One JSON object per row.
    Json,
    /// Ember's golden-file blocks: `@@ STATEMENT n`, `@@ SCHEMA …`, rows, `@@ END`.
    Golden,
}

/// Splits `key=value`; the key is trimmed, the value kept as given.
pub fn parse_conf(entry: &str) -> Result<(String, String), String> {
    match entry.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("invalid --conf entry '{entry}': expected key=value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conf_entries() {
        assert_eq!(parse_conf("a.b=1").unwrap(), ("a.b".to_string(), "1".to_string()));
        assert_eq!(parse_conf("tz=UTC=x").unwrap(), ("tz".to_string(), "UTC=x".to_string()));
        assert!(parse_conf("novalue").is_err());
        assert!(parse_conf("=1").is_err());
    }

    #[test]
    fn flags() {
        let a = Args::try_parse_from(["ember", "-c", "SELECT 1", "--format", "csv", "--conf", "a=1", "--conf", "b=2"])
            .unwrap();
        assert_eq!(a.command.as_deref(), Some("SELECT 1"));
        assert_eq!(a.format, OutputFormat::Csv);
        assert_eq!(a.conf, vec!["a=1", "b=2"]);
        let a = Args::try_parse_from(["ember", "--memory-limit", "2g"]).unwrap();
        assert_eq!(a.memory_limit.as_deref(), Some("2g"));
        assert!(Args::try_parse_from(["ember", "--format", "xml"]).is_err());
        assert!(Args::try_parse_from(["ember", "-c", "x", "-f", "y"]).is_err());
    }
}
