//! `ReadOptions`: the options of `spark.read.option(key, value)`, keys case-insensitive,
//! with typed getters that name the option when its value is bad.

use std::collections::BTreeMap;

use ember_common::{Error, Result};

/// Reader options. Keys are case-insensitive (`inferSchema` = `inferschema`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// lower-cased key → (key as given, value)
    values: BTreeMap<String, (String, String)>,
}

fn bad_value(key: &str, value: &str, expected: &str) -> Error {
    Error::invalid_argument(format!("The value '{value}' of the option '{key}' is invalid: {expected}."))
}

impl ReadOptions {
    pub fn new() -> Self {
        ReadOptions::default()
    }

    /// Sets an option (the last value set for a key wins).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        self.values.insert(key.to_ascii_lowercase(), (key, value.into()));
        self
    }

    /// Builder form of [`ReadOptions::set`].
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// The raw value of an option.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(&key.to_ascii_lowercase()).map(|(_, v)| v.as_str())
    }

    /// The first of several synonyms that is set (e.g. `sep` / `delimiter`), with its key.
    pub fn get_any<'a>(&'a self, keys: &[&'a str]) -> Option<(&'a str, &'a str)> {
        keys.iter().find_map(|k| self.get(k).map(|v| (*k, v)))
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// All options as given, sorted by lower-cased key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.values().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A boolean option (`true`/`false`, any case).
    pub fn get_bool(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(bad_value(key, v, "it must be 'true' or 'false'")),
            },
        }
    }

    /// A fraction in `(0, 1]` such as `samplingRatio`.
    pub fn get_ratio(&self, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<f64>() {
                Ok(r) if r > 0.0 && r <= 1.0 => Ok(r),
                _ => Err(bad_value(key, v, "it must be a number in (0, 1]")),
            },
        }
    }

    /// A single ASCII character option (`sep`, `quote`, …). An empty value gives
    /// `Ok(None)` (Spark: the feature is turned off). `\t`-style escapes are understood.
    pub fn get_char(&self, keys: &[&str], default: Option<u8>) -> Result<Option<u8>> {
        let Some((key, v)) = self.get_any(keys) else { return Ok(default) };
        let unescaped = match v {
            "\\t" => "\t",
            "\\n" => "\n",
            "\\r" => "\r",
            "\\0" | "\\u0000" => return Ok(None),
            other => other,
        };
        match unescaped.as_bytes() {
            [] => Ok(None),
            [b] if b.is_ascii() => Ok(Some(*b)),
            _ => Err(bad_value(key, v, "it must be a single ASCII character")),
        }
    }

    /// One of a fixed set of values, case-insensitive; returns the upper-cased value.
    pub fn get_choice(&self, key: &str, choices: &[&str], default: &str) -> Result<String> {
        match self.get(key) {
            None => Ok(default.to_string()),
            Some(v) => {
                let up = v.trim().to_ascii_uppercase();
                if choices.iter().any(|c| c.eq_ignore_ascii_case(&up)) {
                    Ok(up)
                } else {
                    let hint = match ember_common::suggest::closest(&up, choices.iter().copied(), 1).first() {
                        Some(best) if strsim_close(&up, best) => format!(". Did you mean '{best}'?"),
                        _ => String::new(),
                    };
                    let msg = format!("The value '{v}' of the option '{key}' is invalid: it must be one of {}{hint}", choices.join(", "));
                    Err(Error::invalid_argument(msg.trim_end_matches('.').to_string() + if hint.is_empty() { "." } else { "" }))
                }
            }
        }
    }
}

/// Is `a` within a couple of edits of `b` (worth a "did you mean")?
fn strsim_close(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_uppercase(), b.to_ascii_uppercase());
    let d = edit_distance(&a, &b);
    d <= 3 && d < b.len()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl From<BTreeMap<String, String>> for ReadOptions {
    fn from(map: BTreeMap<String, String>) -> Self {
        map.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for ReadOptions {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut o = ReadOptions::new();
        for (k, v) in iter {
            o.set(k, v);
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive() {
        let o = ReadOptions::new().with("inferSchema", "TRUE").with("HEADER", "false");
        assert!(o.get_bool("inferschema", false).unwrap());
        assert!(!o.get_bool("header", true).unwrap());
        assert!(o.get_bool("missing", true).unwrap());
    }

    #[test]
    fn bad_bool_names_option() {
        let o = ReadOptions::new().with("header", "maybe");
        let err = o.get_bool("header", false).unwrap_err();
        insta::assert_snapshot!(err.message(), @"The value 'maybe' of the option 'header' is invalid: it must be 'true' or 'false'.");
    }

    #[test]
    fn chars_and_synonyms() {
        let o: ReadOptions = [("delimiter", "\\t"), ("quote", "")].into_iter().collect();
        assert_eq!(o.get_char(&["sep", "delimiter"], Some(b',')).unwrap(), Some(b'\t'));
        assert_eq!(o.get_char(&["quote"], Some(b'"')).unwrap(), None);
        assert_eq!(o.get_char(&["escape"], Some(b'\\')).unwrap(), Some(b'\\'));
        let bad = ReadOptions::new().with("sep", "::");
        assert!(bad.get_char(&["sep", "delimiter"], None).unwrap_err().message().contains("'sep'"));
    }

    #[test]
    fn ratio_and_choice() {
        let o = ReadOptions::new().with("samplingRatio", "0.5").with("mode", "failFast");
        assert_eq!(o.get_ratio("samplingratio", 1.0).unwrap(), 0.5);
        assert_eq!(o.get_choice("mode", &["PERMISSIVE", "FAILFAST"], "PERMISSIVE").unwrap(), "FAILFAST");
        assert!(ReadOptions::new().with("samplingRatio", "2").get_ratio("samplingRatio", 1.0).is_err());
        let map: BTreeMap<String, String> = [("Header".to_string(), "true".to_string())].into();
        assert!(ReadOptions::from(map).get_bool("header", false).unwrap());
    }
}
