//! The CSV records of one byte range, with where they came from, read as Spark reads
//! them: without `multiLine` each line is a record (split at `\n` bytes as Hadoop's
//! line reader does, then decoded, blank and comment lines skipped); with `multiLine`
//! the whole input is decoded and records may span lines (empty and comment lines
//! between records skipped). The first record of a file is the header when there is
//! one. Each record keeps its text, so a malformed one can be reported (or kept in the
//! corrupt-record column) as it was written, with its line and byte offset.

use std::io::{BufRead, Read};

use ember_common::Result;

use crate::csv_options::CsvOptions;
use crate::csv_tokenizer::{CsvSyntax, Fields};
use crate::encoding::TextEncoding;
use crate::split::{line_number_at, read_error, OpenRange};

/// One record: its fields and where it starts (relative to the range's first line).
#[derive(Debug, Clone, Default)]
pub struct CsvRecord {
    pub fields: Fields,
    /// 1-based line in the range's stream
    pub line: u64,
    /// byte offset in the range's stream (of the decoded text with `multiLine`)
    pub byte: u64,
    /// the record's text as written (without its line end)
    pub raw: String,
}

impl CsvRecord {
    /// Field `i` after Spark's NULL rules ([`CsvOptions::value`]); `None` also for a field
    /// the record does not have.
    pub fn value<'a>(&'a self, i: usize, opts: &'a CsvOptions) -> Option<&'a str> {
        let (text, quoted) = self.fields.get(i)?;
        opts.value(text, quoted)
    }
}

/// Where the records come from.
enum Source {
    /// one record per line
    Lines { reader: Box<dyn BufRead + Send>, buf: Vec<u8> },
    /// the whole decoded input, read from `pos`
    Whole { text: String, pos: usize },
}

/// Reads the records of one opened range.
pub struct CsvRecords {
    source: Source,
    syntax: CsvSyntax,
    encoding: TextEncoding,
    comment: Option<char>,
    path: String,
    first_line_start: u64,
    /// line number of the range's first line in the file (computed when first needed)
    base_line: Option<u64>,
    skip_header: bool,
    /// lines read so far and the byte offset after them
    line: u64,
    byte: u64,
}

impl CsvRecords {
    /// `skip_header`: the first record is the header (the range starts the file). With
    /// `multiLine` the whole input is read and decoded here.
    pub fn new(open: OpenRange, path: &str, opts: &CsvOptions, skip_header: bool) -> Result<CsvRecords> {
        let source = if opts.multi_line {
            let mut reader = open.reader;
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(|e| read_error(path, e))?;
            Source::Whole { text: opts.encoding.decode(&bytes).into_owned(), pos: 0 }
        } else {
            Source::Lines { reader: open.reader, buf: Vec::new() }
        };
        Ok(CsvRecords {
            source,
            syntax: opts.syntax.clone(),
            encoding: opts.encoding,
            comment: opts.comment,
            path: path.to_string(),
            first_line_start: open.first_line_start,
            base_line: None,
            skip_header,
            line: 0,
            byte: 0,
        })
    }

    /// Reads the next record into `out`; `false` at the end.
    pub fn next_into(&mut self, out: &mut CsvRecord) -> Result<bool> {
        loop {
            let found = match &mut self.source {
                Source::Lines { reader, buf } => {
                    buf.clear();
                    let n = reader.read_until(b'\n', buf).map_err(|e| read_error(&self.path, e))?;
                    if n == 0 {
                        return Ok(false);
                    }
                    out.line = self.line + 1;
                    out.byte = self.byte;
                    self.line += 1;
                    self.byte += n as u64;
                    if buf.last() == Some(&b'\n') {
                        buf.pop();
                        if buf.last() == Some(&b'\r') {
                            buf.pop();
                        }
                    }
                    out.raw.clear();
                    out.raw.push_str(&self.encoding.decode(buf));
                    let skip = out.raw.trim_matches(|c: char| c <= ' ').is_empty() || self.comment.is_some_and(|c| out.raw.starts_with(c));
                    if skip {
                        continue;
                    }
                    self.syntax.record(&out.raw, 0, false, &mut out.fields);
                    true
                }
                Source::Whole { text, pos } => {
                    // empty lines and comment lines between records
                    loop {
                        let rest = &text[*pos..];
                        let skipped = if rest.starts_with('\n') || rest.starts_with('\r') {
                            let n = if rest.starts_with("\r\n") { 2 } else { 1 };
                            Some(n)
                        } else if self.comment.is_some_and(|c| rest.starts_with(c)) {
                            Some(rest.find('\n').map_or(rest.len(), |i| i + 1))
                        } else {
                            None
                        };
                        match skipped {
                            Some(n) => {
                                self.line += rest[..n].matches('\n').count() as u64;
                                *pos += n;
                            }
                            None => break,
                        }
                    }
                    if *pos >= text.len() {
                        return Ok(false);
                    }
                    let (end, next) = self.syntax.record(text, *pos, true, &mut out.fields);
                    out.line = self.line + 1;
                    out.byte = *pos as u64;
                    out.raw.clear();
                    out.raw.push_str(&text[*pos..end]);
                    self.line += text[*pos..next].matches('\n').count() as u64;
                    *pos = next.max(*pos + 1).min(text.len());
                    true
                }
            };
            if found && std::mem::take(&mut self.skip_header) {
                continue;
            }
            return Ok(found);
        }
    }

    /// The file line of a record line of this range.
    pub fn file_line(&mut self, record_line: u64) -> u64 {
        let base = match self.base_line {
            Some(b) => b,
            None => {
                let b = line_number_at(&self.path, self.first_line_start).unwrap_or(1);
                self.base_line = Some(b);
                b
            }
        };
        base + record_line.saturating_sub(1)
    }

    /// The file byte offset of a record byte of this range.
    pub fn file_offset(&self, record_byte: u64) -> u64 {
        self.first_line_start + record_byte
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ReadOptions;

    fn records(text: &'static str, opts: &ReadOptions, header: bool) -> Vec<(Vec<String>, u64, u64, String)> {
        let opts = CsvOptions::try_new(opts).unwrap();
        let open = OpenRange { reader: Box::new(std::io::BufReader::new(text.as_bytes())), first_line_start: 0 };
        let mut r = CsvRecords::new(open, "t.csv", &opts, header).unwrap();
        let mut rec = CsvRecord::default();
        let mut out = Vec::new();
        while r.next_into(&mut rec).unwrap() {
            let fields = (0..rec.fields.len()).map(|i| rec.value(i, &opts).unwrap_or("NULL").to_string()).collect();
            out.push((fields, rec.line, rec.byte, rec.raw.clone()));
        }
        out
    }

    #[test]
    fn lines_skip_blank_and_comment_lines() {
        let out = records("# c\na,b\n1,\"x\ny\"\n\n \t\n# c\n3\r\n", &ReadOptions::new().with("comment", "#"), true);
        assert_eq!(out.len(), 3);
        // without multiLine a quoted line end ends the record, as in Spark
        assert_eq!(out[0], (vec!["1".into(), "x".into()], 3, 8, "1,\"x".into()));
        assert_eq!(out[1], (vec!["y\"".into()], 4, 13, "y\"".into()));
        assert_eq!(out[2], (vec!["3".into()], 8, 24, "3".into()));
    }

    #[test]
    fn multi_line_records_span_lines() {
        let opts = ReadOptions::new().with("multiLine", "true").with("comment", "#");
        let out = records("a,b\n\n1,\"x\r\ny\"\n# c\n2,\n  \n", &opts, true);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], (vec!["1".into(), "x\ny".into()], 3, 5, "1,\"x\r\ny\"".into()));
        assert_eq!(out[1], (vec!["2".into(), "NULL".into()], 6, 18, "2,".into()));
        assert_eq!(out[2].0, vec!["  ".to_string()]);
    }

    #[test]
    fn undecodable_bytes_are_replaced() {
        let open = OpenRange { reader: Box::new(std::io::BufReader::new(&b"1,caf\xe9\n"[..])), first_line_start: 0 };
        let opts = CsvOptions::try_new(&ReadOptions::new()).unwrap();
        let mut r = CsvRecords::new(open, "t.csv", &opts, false).unwrap();
        let mut rec = CsvRecord::default();
        assert!(r.next_into(&mut rec).unwrap());
        assert_eq!(rec.value(1, &opts), Some("caf\u{fffd}"));
    }
}
