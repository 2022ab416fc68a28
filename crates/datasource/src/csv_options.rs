//! The CSV reader options Spark understands, validated once when the table is created.

use arrow::csv::reader::Format;
use arrow::csv::ReaderBuilder;
use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result};
use regex::Regex;

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
    pub infer_schema: bool,
    pub sampling_ratio: f64,
    null_regex: Option<Regex>,
}

/// The parse modes Spark accepts; Ember applies FAILFAST in all of them for now.
pub const MODES: [&str; 3] = ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"];

/// Rejects options whose non-default values Ember cannot honour yet.
pub(crate) fn check_unsupported(options: &ReadOptions, format: &str) -> Result<()> {
    if let Some(enc) = options.get_any(&["encoding", "charset"]).map(|(_, v)| v) {
        let e = enc.trim().to_ascii_lowercase().replace('-', "");
        if e != "utf8" {
            return Err(Error::unsupported(format!("{format} encoding '{enc}' (only UTF-8)")));
        }
    }
    if options.get_bool("multiLine", false)? {
        return Err(Error::unsupported(format!("{format} option multiLine=true")));
    }
    for (key, default) in [("dateFormat", "yyyy-MM-dd"), ("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]")] {
        if let Some(v) = options.get(key) {
            if v != default {
                return Err(Error::unsupported(format!("{format} option {key}='{v}'")));
            }
        }
    }
    options.get_choice("mode", &MODES, "PERMISSIVE")?;
    Ok(())
}

impl CsvOptions {
    pub fn try_new(options: &ReadOptions) -> Result<CsvOptions> {
        check_unsupported(options, "CSV")?;
        let delimiter = match options.get_char(&["sep", "delimiter"], Some(b','))? {
            Some(d) => d,
            None => return Err(Error::invalid_argument("The value '' of the option 'sep' is invalid: the delimiter cannot be empty.")),
        };
        let quote = options.get_char(&["quote"], Some(b'"'))?;
        let mut escape = options.get_char(&["escape"], Some(b'\\'))?;
        if escape == quote {
            // `""` inside quotes is always understood as an escaped quote
            escape = None;
        }
        let comment = options.get_char(&["comment"], None)?;
        let null_value = options.get("nullValue").unwrap_or("").to_string();
        let null_regex = if null_value.is_empty() {
            None
        } else {
            let re = format!("^(?:|{})$", regex::escape(&null_value));
            Some(Regex::new(&re).map_err(|e| Error::internal(format!("null regex: {e}")))?)
        };
        Ok(CsvOptions {
            header: options.get_bool("header", false)?,
            delimiter,
            quote,
            escape,
            comment,
            null_value,
            infer_schema: options.get_bool("inferSchema", false)?,
            sampling_ratio: options.get_ratio("samplingRatio", 1.0)?,
            null_regex,
        })
    }

    /// Is `s` a NULL token (empty, or equal to `nullValue`)?
    pub fn is_null(&self, s: &str) -> bool {
        s.is_empty() || s == self.null_value
    }

    /// Arrow's CSV format for these options.
    pub fn format(&self, header: bool) -> Format {
        let mut f = Format::default().with_header(header).with_delimiter(self.delimiter);
        // a NUL quote byte never appears in text: quoting is off
        f = f.with_quote(self.quote.unwrap_or(0));
        if let Some(e) = self.escape {
            f = f.with_escape(e);
        }
        if let Some(c) = self.comment {
            f = f.with_comment(c);
        }
        if let Some(re) = &self.null_regex {
            f = f.with_null_regex(re.clone());
        }
        f
    }

    /// An arrow-csv reader builder for `schema` (the file's full schema).
    pub fn reader_builder(&self, schema: SchemaRef, header: bool, batch_size: usize) -> ReaderBuilder {
        ReaderBuilder::new(schema).with_format(self.format(header)).with_batch_size(batch_size.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let o = CsvOptions::try_new(&ReadOptions::new()).unwrap();
        assert!(!o.header && !o.infer_schema);
        assert_eq!((o.delimiter, o.quote, o.escape), (b',', Some(b'"'), Some(b'\\')));
        let o = CsvOptions::try_new(&ReadOptions::new().with("sep", ";").with("nullValue", "NA").with("escape", "\"")).unwrap();
        assert_eq!(o.delimiter, b';');
        assert_eq!(o.escape, None);
        assert!(o.is_null("NA") && o.is_null("") && !o.is_null("x"));
    }

    #[test]
    fn bad_options() {
        let err = CsvOptions::try_new(&ReadOptions::new().with("header", "maybe")).unwrap_err();
        assert!(err.message().contains("'header'"), "{err}");
        let err = CsvOptions::try_new(&ReadOptions::new().with("mode", "lenient")).unwrap_err();
        assert!(err.message().contains("'mode'"), "{err}");
        let err = CsvOptions::try_new(&ReadOptions::new().with("encoding", "latin1")).unwrap_err();
        assert_eq!(err.class(), "UNSUPPORTED_FEATURE");
    }
}
