//! Turns arrow-csv errors into `MALFORMED_RECORD_IN_PARSING` errors with the file and
//! the real 1-based line number (counting the header, blank and comment lines).
//!
//! arrow-csv numbers records relative to where its reader started; we map that record
//! index back to a line by re-scanning the range with a quote-aware record splitter
//! that follows csv-core's rules. Errors without a record number (e.g. decimals) are
//! located by re-reading the failing batch one row at a time.

use std::io::BufRead;
use std::sync::LazyLock;

use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use ember_common::{Error, ErrorKind};
use regex::Regex;

use crate::csv_options::CsvOptions;
use crate::split::{line_number_at, open_range, FileRange};

/// What a CSV reader was reading, to re-read it when locating an error.
pub struct CsvReadSpec<'a> {
    pub range: &'a FileRange,
    pub opts: &'a CsvOptions,
    /// the full file schema given to arrow-csv
    pub schema: &'a SchemaRef,
    pub projection: Option<&'a [usize]>,
    /// whether the reader skipped a header record
    pub header: bool,
}

static FOR_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"for line (\d+)").expect("valid regex"));
static AT_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r" at line (\d+)").expect("valid regex"));
static COLUMN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"for column (\d+)").expect("valid regex"));

/// 0-based record index (counting a skipped header) named in an arrow-csv message.
fn record_in_message(msg: &str) -> Option<usize> {
    if let Some(c) = FOR_LINE.captures(msg) {
        return c[1].parse::<usize>().ok().map(|n| n.saturating_sub(1));
    }
    AT_LINE.captures(msg).and_then(|c| c[1].parse::<usize>().ok())
}

/// Re-reads the range one row at a time from `rows_before` to find the failing record.
fn record_by_rereading(spec: &CsvReadSpec<'_>, rows_before: usize) -> Option<usize> {
    let open = open_range(spec.range).ok()?;
    let mut b = spec.opts.reader_builder(spec.schema.clone(), spec.header, 1).with_bounds(rows_before, usize::MAX / 2);
    if let Some(p) = spec.projection {
        b = b.with_projection(p.to_vec());
    }
    let reader = b.build_buffered(open.reader).ok()?;
    let mut ok = 0;
    for batch in reader {
        match batch {
            Ok(_) => ok += 1,
            Err(_) => return Some(spec.header as usize + rows_before + ok),
        }
    }
    None
}

/// Number of `\n` before the start of record `target` in `reader`, splitting records as
/// csv-core does (quotes, escapes, `""`, comment lines, empty lines skipped).
fn newlines_before_record(reader: &mut dyn BufRead, target: usize, opts: &CsvOptions) -> Option<u64> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        LineStart,
        Comment,
        FieldStart,
        Unquoted,
        Quoted,
        QuotedEscape,
        AfterQuote,
    }
    let (quote, escape, delim) = (opts.quote, opts.escape, opts.delimiter);
    let mut st = St::LineStart;
    let (mut records, mut newlines) = (0usize, 0u64);
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            return None;
        }
        for &b in buf {
            let nl = b == b'\n' || b == b'\r';
            if st == St::LineStart {
                if nl {
                } else if Some(b) == opts.comment {
                    st = St::Comment;
                } else if records == target {
                    return Some(newlines);
                } else {
                    st = St::FieldStart;
                }
            }
            match st {
                St::LineStart => {}
                St::Comment => {
                    if b == b'\n' {
                        st = St::LineStart;
                    }
                }
                St::FieldStart | St::Unquoted | St::AfterQuote => {
                    if st != St::Unquoted && Some(b) == quote {
                        st = St::Quoted;
                    } else if b == delim {
                        st = St::FieldStart;
                    } else if nl {
                        records += 1;
                        st = St::LineStart;
                    } else {
                        st = St::Unquoted;
                    }
                }
                St::Quoted => {
                    if Some(b) == escape {
                        st = St::QuotedEscape;
                    } else if Some(b) == quote {
                        st = St::AfterQuote;
                    }
                }
                St::QuotedEscape => st = St::Quoted,
            }
            if b == b'\n' {
                newlines += 1;
            }
        }
        let n = buf.len();
        reader.consume(n);
    }
}

/// Rewrites arrow's wording: no relative line numbers, columns by name.
fn clean_message(err: &ArrowError, spec: &CsvReadSpec<'_>) -> String {
    let raw = match err {
        ArrowError::CsvError(m) | ArrowError::ParseError(m) => m.clone(),
        other => other.to_string(),
    };
    let msg = FOR_LINE.replace(&raw, "");
    let msg = AT_LINE.replace(&msg, "");
    let msg = msg.replace(" ,", ",").replace("  ", " ");
    COLUMN
        .replace(&msg, |c: &regex::Captures<'_>| match c[1].parse::<usize>().ok().and_then(|i| spec.schema.fields().get(i)) {
            Some(f) => format!("for column `{}`", f.name()),
            None => c[0].to_string(),
        })
        .trim()
        .to_string()
}

/// The MALFORMED_RECORD error for an arrow-csv error raised while reading `spec`, after
/// `rows_before` data rows of the range were read successfully.
pub fn locate_error(err: ArrowError, spec: &CsvReadSpec<'_>, rows_before: usize) -> Error {
    if let ArrowError::IoError(..) = err {
        return crate::split::read_error(&spec.range.file.path, err);
    }
    if let ArrowError::ExternalError(_) = err {
        return err.into();
    }
    let message = clean_message(&err, spec);
    let path = spec.range.file.path.clone();
    let record = record_in_message(&err.to_string()).or_else(|| record_by_rereading(spec, rows_before));
    let line = (|| {
        let record = record?;
        let open = open_range(spec.range).ok()?;
        let base = line_number_at(&path, open.first_line_start).ok()?;
        let mut reader = open.reader;
        Some(base + newlines_before_record(&mut reader, record, spec.opts)?)
    })();
    Error::new(ErrorKind::MalformedRecord { file: path, line: line.unwrap_or(0), message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ReadOptions;

    fn newlines(text: &str, target: usize, opts: &ReadOptions) -> Option<u64> {
        let opts = CsvOptions::try_new(opts).unwrap();
        newlines_before_record(&mut text.as_bytes(), target, &opts)
    }

    #[test]
    fn record_starts_skip_quotes_blank_and_comment_lines() {
        let plain = ReadOptions::new();
        let text = "a,b\n\"x\ny\",1\n\n3,4\n";
        assert_eq!(newlines(text, 0, &plain), Some(0));
        assert_eq!(newlines(text, 1, &plain), Some(1));
        assert_eq!(newlines(text, 2, &plain), Some(4));
        assert_eq!(newlines(text, 3, &plain), None);
        let comments = ReadOptions::new().with("comment", "#");
        assert_eq!(newlines("#c\n1\r\n2\n", 1, &comments), Some(2));
        assert_eq!(newlines("\"a\\\"\n\",1\n2\n", 1, &plain), Some(2));
    }

    #[test]
    fn message_numbers() {
        assert_eq!(record_in_message("incorrect number of fields for line 3, expected 2 got 3"), Some(2));
        assert_eq!(record_in_message("Error while parsing value 'x' as type 'Int32' for column 0 at line 4. Row data: '[x]'"), Some(4));
        assert_eq!(record_in_message("Failed to parse decimal"), None);
    }
}
