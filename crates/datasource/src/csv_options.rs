//! The CSV reader options Spark understands, validated once when the table is created
//! and shared by schema inference and reading.

use ember_common::{Error, Result};

use crate::bad_records::{corrupt_column_name, ParseMode};
use crate::datetime_pattern::DatetimePattern;
use crate::encoding::TextEncoding;
use crate::options::ReadOptions;

/// Validated CSV options.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    pub header: bool,
    pub delimiter: u8,
    pub quote: Option<u8>,
    pub escape: Option<u8>,
    pub comment: Option<u8>,
    pub null_value: String,
    pub nan_value: String,
    pub positive_inf: String,
    pub negative_inf: String,
    /// `dateFormat` when set (else Spark's lenient default parsing)
    pub date_format: Option<DatetimePattern>,
    /// `timestampFormat` when set
    pub timestamp_format: Option<DatetimePattern>,
    pub infer_schema: bool,
    pub sampling_ratio: f64,
    /// quoted fields may hold newlines; files are then read whole (not split)
    pub multi_line: bool,
    pub encoding: TextEncoding,
    pub ignore_leading_white_space: bool,
    pub ignore_trailing_white_space: bool,
    pub mode: ParseMode,
    pub corrupt_column: String,
    pub bad_records_path: Option<String>,
}

/// Options a reader shares across formats: `mode`, date formats, encoding.
pub(crate) fn pattern_option(options: &ReadOptions, key: &str) -> Result<Option<DatetimePattern>> {
    match options.get(key) {
        None => Ok(None),
        Some(v) => DatetimePattern::new(v)
            .map(Some)
            .map_err(|e| Error::invalid_argument(format!("The value '{v}' of the option '{key}' is invalid: {}", e.message()))),
    }
}

/// A single-character option; `\t`-style escapes understood. Spark accepts a
/// multi-character `sep`, Ember only one character.
fn char_option(options: &ReadOptions, keys: &[&str], default: Option<u8>) -> Result<Option<u8>> {
    options.get_char(keys, default)
}

impl CsvOptions {
    pub fn try_new(options: &ReadOptions) -> Result<CsvOptions> {
        let delimiter = match char_option(options, &["sep", "delimiter"], Some(b','))? {
            Some(d) => d,
            None => {
                let key = options.get_any(&["sep", "delimiter"]).map(|(k, _)| k).unwrap_or("sep");
                return Err(Error::invalid_argument(format!("The value '' of the option '{key}' is invalid: the delimiter cannot be empty.")));
            }
        };
        let quote = char_option(options, &["quote"], Some(b'"'))?;
        let mut escape = char_option(options, &["escape"], Some(b'\\'))?;
        if escape == quote {
            // `""` inside quotes is always understood as an escaped quote
            escape = None;
        }
        let comment = char_option(options, &["comment"], None)?;
        if quote == Some(delimiter) {
            return Err(Error::invalid_argument("The options 'quote' and 'sep' cannot be the same character."));
        }
        let multi_line = options.get_bool("multiLine", false)?;
        Ok(CsvOptions {
            header: options.get_bool("header", false)?,
            delimiter,
            quote,
            escape,
            comment,
            null_value: options.get("nullValue").unwrap_or("").to_string(),
            nan_value: options.get("nanValue").unwrap_or("NaN").to_string(),
            positive_inf: options.get("positiveInf").unwrap_or("Inf").to_string(),
            negative_inf: options.get("negativeInf").unwrap_or("-Inf").to_string(),
            date_format: pattern_option(options, "dateFormat")?,
            timestamp_format: pattern_option(options, "timestampFormat")?,
            infer_schema: options.get_bool("inferSchema", false)?,
            sampling_ratio: options.get_ratio("samplingRatio", 1.0)?,
            multi_line,
            encoding: TextEncoding::from_options(options)?,
            ignore_leading_white_space: options.get_bool("ignoreLeadingWhiteSpace", false)?,
            ignore_trailing_white_space: options.get_bool("ignoreTrailingWhiteSpace", false)?,
            mode: ParseMode::from_options(options)?,
            corrupt_column: corrupt_column_name(options),
            bad_records_path: options.get("badRecordsPath").map(str::to_string),
        })
    }

    /// Is `s` a NULL token (empty, or equal to `nullValue`)?
    pub fn is_null(&self, s: &str) -> bool {
        s.is_empty() || s == self.null_value
    }

    /// A field after the white-space options.
    pub fn trim<'a>(&self, s: &'a str) -> &'a str {
        let s = if self.ignore_leading_white_space { s.trim_start() } else { s };
        if self.ignore_trailing_white_space {
            s.trim_end()
        } else {
            s
        }
    }

    /// The `csv` crate reader for these options (records, no header handling).
    pub fn csv_reader<R: std::io::Read>(&self, input: R) -> csv::Reader<R> {
        let mut b = csv::ReaderBuilder::new();
        b.has_headers(false).flexible(true).delimiter(self.delimiter).double_quote(true).comment(self.comment);
        match self.quote {
            Some(q) => {
                b.quote(q).quoting(true);
            }
            None => {
                b.quoting(false);
            }
        }
        b.escape(self.escape);
        b.from_reader(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let o = CsvOptions::try_new(&ReadOptions::new()).unwrap();
        assert!(!o.header && !o.infer_schema && !o.multi_line);
        assert_eq!((o.delimiter, o.quote, o.escape), (b',', Some(b'"'), Some(b'\\')));
        assert_eq!(o.mode, ParseMode::Permissive);
        let o = CsvOptions::try_new(&ReadOptions::new().with("sep", ";").with("nullValue", "NA").with("escape", "\"")).unwrap();
        assert_eq!(o.delimiter, b';');
        assert_eq!(o.escape, None);
        assert!(o.is_null("NA") && o.is_null("") && !o.is_null("x"));
        let o = CsvOptions::try_new(&ReadOptions::new().with("ignoreLeadingWhiteSpace", "true")).unwrap();
        assert_eq!(o.trim("  a "), "a ");
    }

    #[test]
    fn bad_options() {
        let err = CsvOptions::try_new(&ReadOptions::new().with("header", "maybe")).unwrap_err();
        assert!(err.message().contains("'header'"), "{err}");
        let err = CsvOptions::try_new(&ReadOptions::new().with("mode", "lenient")).unwrap_err();
        assert!(err.message().contains("'mode'"), "{err}");
        let err = CsvOptions::try_new(&ReadOptions::new().with("encoding", "utf-16")).unwrap_err();
        assert!(err.message().contains("'encoding'"), "{err}");
        let err = CsvOptions::try_new(&ReadOptions::new().with("delimiter", "")).unwrap_err();
        assert!(err.message().contains("'delimiter'"), "{err}");
        let err = CsvOptions::try_new(&ReadOptions::new().with("dateFormat", "yyyy-MM-dd'")).unwrap_err();
        assert!(err.message().contains("'dateFormat'"), "{err}");
    }
}
