//! `ReadOptions`: the options of `spark.read.option(key, value)`, keys case-insensitive,
//! with typed getters that name the option when its value is bad.

use std::collections::BTreeMap;

use ember_common::{Error, ErrorKind, Result};

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

    /// Removes an option (case-insensitive key).
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.values.remove(&key.to_ascii_lowercase()).map(|(_, v)| v)
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

    /// A boolean option read as Scala's `toBoolean` (`true`/`false`, any case); Spark
    /// reads `multiLine` and the JSON options so.
    pub fn get_bool(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => parse_bool(v).ok_or_else(|| bad_value(key, v, "it must be 'true' or 'false'")),
        }
    }

    /// A boolean option of Spark's `CSVOptions.getBool` (`header`, `inferSchema`, …):
    /// a bad value is `_LEGACY_ERROR_TEMP_2147`, `<key> flag can be true or false.`
    pub fn get_flag(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => parse_bool(v).ok_or_else(|| {
                Error::new(ErrorKind::Other {
                    class: "_LEGACY_ERROR_TEMP_2147".into(),
                    sqlstate: None,
                    message: format!("{key} flag can be true or false."),
                })
            }),
        }
    }

    /// A positive number such as `samplingRatio` (Spark: a ratio of 1 or more reads
    /// every row).
    pub fn get_ratio(&self, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<f64>() {
                Ok(r) if r > 0.0 => Ok(r.min(1.0)),
                _ => Err(bad_value(key, v, "it must be a number greater than 0")),
            },
        }
    }

    /// A single-character option as Spark's `CSVOptions.getChar` reads it (`quote`,
    /// `escape`, `comment`): the value as given, any character; an empty value turns the
    /// feature off (`Ok(None)`); more than one character is
    /// `OPTION_VALUE_EXCEEDS_ONE_CHARACTER`.
    pub fn get_char(&self, key: &str, default: Option<char>) -> Result<Option<char>> {
        let Some(v) = self.get(key) else { return Ok(default) };
        let mut chars = v.chars();
        match (chars.next(), chars.next()) {
            (None, _) | (Some('\0'), None) => Ok(None),
            (Some(c), None) => Ok(Some(c)),
            _ => Err(Error::new(ErrorKind::Other {
                class: "OPTION_VALUE_EXCEEDS_ONE_CHARACTER".into(),
                sqlstate: Some("22023".into()),
                message: format!("The value of {key} cannot be more than one character, but got {v}."),
            })),
        }
    }
}

/// Scala's `String.toBoolean`: `true` or `false` in any case, nothing else (no trimming).
fn parse_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
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
    fn csv_flags_use_sparks_legacy_error() {
        let o = ReadOptions::new().with("header", "maybe").with("multiLine", "TRUE ");
        let err = o.get_flag("header", false).unwrap_err();
        assert_eq!(err.class(), "_LEGACY_ERROR_TEMP_2147");
        insta::assert_snapshot!(err.message(), @"header flag can be true or false.");
        // no trimming, as Scala's toBoolean
        assert!(o.get_bool("multiLine", false).is_err());
        assert!(ReadOptions::new().with("header", "TRUE").get_flag("header", false).unwrap());
    }

    #[test]
    fn chars() {
        let o: ReadOptions = [("quote", ""), ("escape", "é"), ("comment", "ab")].into_iter().collect();
        assert_eq!(o.get_char("quote", Some('"')).unwrap(), None);
        assert_eq!(o.get_char("escape", Some('\\')).unwrap(), Some('é'));
        assert_eq!(o.get_char("other", Some('\\')).unwrap(), Some('\\'));
        let err = o.get_char("comment", None).unwrap_err();
        assert_eq!(err.class(), "OPTION_VALUE_EXCEEDS_ONE_CHARACTER");
        insta::assert_snapshot!(err.message(), @"The value of comment cannot be more than one character, but got ab.");
    }

    #[test]
    fn ratios() {
        let o = ReadOptions::new().with("samplingRatio", "0.5");
        assert_eq!(o.get_ratio("samplingratio", 1.0).unwrap(), 0.5);
        assert_eq!(ReadOptions::new().with("samplingRatio", "2").get_ratio("samplingRatio", 1.0).unwrap(), 1.0);
        assert!(ReadOptions::new().with("samplingRatio", "0").get_ratio("samplingRatio", 1.0).is_err());
        let map: BTreeMap<String, String> = [("Header".to_string(), "true".to_string())].into();
        assert!(ReadOptions::from(map).get_bool("header", false).unwrap());
    }
}
