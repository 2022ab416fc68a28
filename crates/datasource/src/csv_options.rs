//! The CSV reader options Spark understands (`CSVOptions`), validated once when the
//! table is created and shared by schema inference and reading.

use ember_common::{Error, ErrorKind, Result};

use crate::bad_records::{corrupt_column_name, ParseMode};
use crate::csv_tokenizer::CsvSyntax;
use crate::datetime_pattern::FormatOption;
use crate::encoding::TextEncoding;
use crate::options::ReadOptions;

/// Validated CSV options.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    pub header: bool,
    /// delimiter, quote, escape and white space: how records split into fields
    pub syntax: CsvSyntax,
    /// lines starting with it are skipped
    pub comment: Option<char>,
    pub null_value: String,
    /// `emptyValue`: what an empty quoted field reads as
    pub empty_value: String,
    pub nan_value: String,
    pub positive_inf: String,
    pub negative_inf: String,
    /// `dateFormat` when set (else Spark's lenient default parsing)
    pub date_format: Option<FormatOption>,
    /// `timestampFormat` when set
    pub timestamp_format: Option<FormatOption>,
    pub infer_schema: bool,
    pub sampling_ratio: f64,
    /// records may span lines (quoted line ends); files are then read whole (not split)
    pub multi_line: bool,
    pub encoding: TextEncoding,
    pub mode: ParseMode,
    pub corrupt_column: String,
    pub bad_records_path: Option<String>,
}

fn bad_delimiter(sub: &str, message: String) -> Error {
    Error::new(ErrorKind::Other {
        class: format!("INVALID_DELIMITER_VALUE.{sub}"),
        sqlstate: Some("42602".into()),
        message: format!("Invalid value for delimiter. {message}"),
    })
}

/// Spark's `CSVExprUtils.toDelimiterStr`: the `sep` value, one or more characters, with
/// `\t`, `\r`, `\b`, `\f`, `\"`, `\'` and `\\` read as escapes.
pub fn delimiter(value: &str) -> Result<String> {
    if value.is_empty() {
        return Err(bad_delimiter("EMPTY_STRING", "Delimiter cannot be empty string.".into()));
    }
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            None => {
                return Err(bad_delimiter(
                    "SINGLE_BACKSLASH",
                    "Single backslash is prohibited. It has special meaning as beginning of an escape sequence. To get the backslash character, pass a string with two backslashes as the delimiter.".into(),
                ))
            }
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some(q @ ('"' | '\'' | '\\')) => q,
            Some(other) => return Err(bad_delimiter("UNSUPPORTED_SPECIAL_CHARACTER", format!("Unsupported special character for delimiter: \\{other}."))),
        });
    }
    Ok(out)
}

impl CsvOptions {
    pub fn try_new(options: &ReadOptions) -> Result<CsvOptions> {
        let delimiter = delimiter(options.get_any(&["sep", "delimiter"]).map_or(",", |(_, v)| v))?;
        let quote = options.get_char("quote", Some('"'))?;
        let escape = options.get_char("escape", Some('\\'))?;
        // univocity's default: the escape escapes itself, unless it is the quote
        let escape_escape = match options.get_char("charToEscapeQuoteEscaping", None)? {
            Some(c) => Some(c),
            None if escape != quote => escape,
            None => None,
        };
        let syntax = CsvSyntax {
            delimiter,
            quote,
            escape,
            escape_escape,
            ignore_leading_white_space: options.get_flag("ignoreLeadingWhiteSpace", false)?,
            ignore_trailing_white_space: options.get_flag("ignoreTrailingWhiteSpace", false)?,
        };
        Ok(CsvOptions {
            header: options.get_flag("header", false)?,
            syntax,
            comment: options.get_char("comment", None)?,
            null_value: options.get("nullValue").unwrap_or("").to_string(),
            empty_value: options.get("emptyValue").unwrap_or("").to_string(),
            nan_value: options.get("nanValue").unwrap_or("NaN").to_string(),
            positive_inf: options.get("positiveInf").unwrap_or("Inf").to_string(),
            negative_inf: options.get("negativeInf").unwrap_or("-Inf").to_string(),
            date_format: FormatOption::from_options(options, "dateFormat"),
            timestamp_format: FormatOption::from_options(options, "timestampFormat"),
            infer_schema: options.get_flag("inferSchema", false)?,
            sampling_ratio: options.get_ratio("samplingRatio", 1.0)?,
            multi_line: options.get_bool("multiLine", false)?,
            encoding: TextEncoding::from_options(options, "CSVOptions")?,
            mode: ParseMode::from_options(options),
            corrupt_column: corrupt_column_name(options),
            bad_records_path: options.get("badRecordsPath").map(str::to_string),
        })
    }

    /// The value of a field as Spark's `UnivocityParser` sees it: an empty unquoted field
    /// is NULL, an empty quoted one is `emptyValue`, and a value equal to `nullValue` is
    /// NULL.
    pub fn value<'a>(&'a self, text: &'a str, quoted: bool) -> Option<&'a str> {
        let v = if text.is_empty() {
            if !quoted {
                return None;
            }
            self.empty_value.as_str()
        } else {
            text
        };
        (v != self.null_value).then_some(v)
    }

    /// Is this line skipped (blank, or a comment)? Spark filters lines so when records
    /// are lines (`multiLine` off).
    pub fn skips_line(&self, line: &str) -> bool {
        line.trim_matches(|c: char| c <= ' ').is_empty() || self.comment.is_some_and(|c| line.starts_with(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let o = CsvOptions::try_new(&ReadOptions::new()).unwrap();
        assert!(!o.header && !o.infer_schema && !o.multi_line);
        assert_eq!((o.syntax.delimiter.as_str(), o.syntax.quote, o.syntax.escape, o.syntax.escape_escape), (",", Some('"'), Some('\\'), Some('\\')));
        assert_eq!(o.mode, ParseMode::Permissive);
        let o = CsvOptions::try_new(&ReadOptions::new().with("sep", ";").with("nullValue", "NA").with("escape", "\"")).unwrap();
        assert_eq!(o.syntax.delimiter, ";");
        assert_eq!(o.syntax.escape_escape, None);
        // nullValue and emptyValue as Spark applies them
        assert_eq!((o.value("NA", false), o.value("", false), o.value("", true), o.value("x", true)), (None, None, Some(""), Some("x")));
        let o = CsvOptions::try_new(&ReadOptions::new().with("mode", "lenient").with("comment", "#")).unwrap();
        assert_eq!(o.mode, ParseMode::Permissive);
        assert_eq!(o.value("", true), None);
        assert!(o.skips_line(" \t") && o.skips_line("# x") && !o.skips_line(" # x"));
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("::").unwrap(), "::");
        assert_eq!(delimiter("\\t").unwrap(), "\t");
        assert_eq!(delimiter("a\\tb").unwrap(), "a\tb");
        assert_eq!(delimiter("\\\\").unwrap(), "\\");
        assert_eq!(delimiter("").unwrap_err().class(), "INVALID_DELIMITER_VALUE.EMPTY_STRING");
        assert_eq!(delimiter("\\").unwrap_err().class(), "INVALID_DELIMITER_VALUE.SINGLE_BACKSLASH");
        let err = delimiter("\\x").unwrap_err();
        assert_eq!(err.class(), "INVALID_DELIMITER_VALUE.UNSUPPORTED_SPECIAL_CHARACTER");
        insta::assert_snapshot!(err.message(), @r"Invalid value for delimiter. Unsupported special character for delimiter: \x.");
    }

    #[test]
    fn bad_options() {
        let err = CsvOptions::try_new(&ReadOptions::new().with("header", "maybe")).unwrap_err();
        assert_eq!(err.class(), "_LEGACY_ERROR_TEMP_2147");
        let err = CsvOptions::try_new(&ReadOptions::new().with("encoding", "latin1")).unwrap_err();
        assert_eq!(err.class(), "INVALID_PARAMETER_VALUE.CHARSET");
        let err = CsvOptions::try_new(&ReadOptions::new().with("quote", "ab")).unwrap_err();
        assert_eq!(err.class(), "OPTION_VALUE_EXCEEDS_ONE_CHARACTER");
        let err = CsvOptions::try_new(&ReadOptions::new().with("multiLine", "yes")).unwrap_err();
        assert!(err.message().contains("'multiLine'"), "{err}");
        // a bad dateFormat only fails the values it parses
        let o = CsvOptions::try_new(&ReadOptions::new().with("dateFormat", "yyyy-MM-dd'")).unwrap();
        assert!(o.date_format.is_some_and(|f| f.pattern().is_none()));
    }
}
