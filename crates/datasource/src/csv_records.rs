//! CSV records of one byte range with where they came from: the `csv` crate splits the
//! fields (quotes, escapes, comments, blank lines skipped) while a recording reader keeps
//! the raw bytes, so a malformed record can be reported (or kept in the corrupt-record
//! column) exactly as it was written, with its line and byte offset.

use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex};

use csv::ByteRecord;
use ember_common::Result;

use crate::csv_options::CsvOptions;
use crate::split::{line_number_at, read_error, OpenRange};

/// The bytes read so far that may still belong to an unfinished record.
#[derive(Debug, Default)]
struct Recording {
    /// offset (in the range's stream) of `data[0]`
    base: u64,
    data: Vec<u8>,
}

/// A `Read` that copies everything it reads into a shared [`Recording`].
struct Recorder {
    inner: Box<dyn BufRead + Send>,
    rec: Arc<Mutex<Recording>>,
}

impl Read for Recorder {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut r) = self.rec.lock() {
            r.data.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

/// One record: its fields and where it starts (relative to the range's first line).
#[derive(Debug, Clone, Default)]
pub struct CsvRecord {
    pub fields: ByteRecord,
    /// 1-based line in the range's stream
    pub line: u64,
    /// byte offset in the range's stream
    pub byte: u64,
    /// the record's text as written (without its line terminator)
    pub raw: Vec<u8>,
}

/// Reads the records of one opened range.
pub struct CsvRecords {
    reader: csv::Reader<Recorder>,
    rec: Arc<Mutex<Recording>>,
    path: String,
    first_line_start: u64,
    /// line number of the range's first line in the file (computed when first needed)
    base_line: Option<u64>,
    skip_header: bool,
    keep_raw: bool,
    comment: Option<u8>,
}

impl CsvRecords {
    /// `skip_header`: the first record is the header (the range starts the file).
    pub fn new(open: OpenRange, path: &str, opts: &CsvOptions, skip_header: bool, keep_raw: bool) -> CsvRecords {
        let rec = Arc::new(Mutex::new(Recording::default()));
        let reader = opts.csv_reader(Recorder { inner: open.reader, rec: rec.clone() });
        CsvRecords {
            reader,
            rec,
            path: path.to_string(),
            first_line_start: open.first_line_start,
            base_line: None,
            skip_header,
            keep_raw,
            comment: opts.comment,
        }
    }

    /// Reads the next record into `out`; `false` at the end.
    pub fn next_into(&mut self, out: &mut CsvRecord) -> Result<bool> {
        loop {
            let ok = self.reader.read_byte_record(&mut out.fields).map_err(|e| read_error(&self.path, e))?;
            if !ok {
                return Ok(false);
            }
            if self.skip_header {
                self.skip_header = false;
                continue;
            }
            // the reader's position is where the previous record ended: step over the
            // blank and comment lines it skipped before this record
            let (mut line, mut byte) = out.fields.position().map(|p| (p.line(), p.byte())).unwrap_or((1, 0));
            if let Ok(r) = self.rec.lock() {
                let mut i = byte.saturating_sub(r.base) as usize;
                while let Some(&b) = r.data.get(i) {
                    if b == b'\n' {
                        line += 1;
                    } else if b == b'\r' {
                    } else if Some(b) == self.comment {
                        match r.data[i..].iter().position(|&c| c == b'\n') {
                            Some(p) => {
                                i += p;
                                line += 1;
                            }
                            None => break,
                        }
                    } else {
                        break;
                    }
                    i += 1;
                }
                byte = r.base + i as u64;
            }
            out.line = line;
            out.byte = byte;
            out.raw.clear();
            let end = self.reader.position().byte();
            if let Ok(mut r) = self.rec.lock() {
                if self.keep_raw {
                    let from = (out.byte.saturating_sub(r.base)) as usize;
                    let to = (end.saturating_sub(r.base) as usize).min(r.data.len());
                    if from <= to {
                        let mut raw = &r.data[from..to];
                        while let [rest @ .., b'\n' | b'\r'] = raw {
                            raw = rest;
                        }
                        out.raw.extend_from_slice(raw);
                    }
                }
                // forget what no later record can need
                let consumed = (end.saturating_sub(r.base) as usize).min(r.data.len());
                if consumed > 1 << 16 {
                    r.data.drain(..consumed);
                    r.base += consumed as u64;
                }
            }
            return Ok(true);
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
        let mut r = CsvRecords::new(open, "t.csv", &opts, header, true);
        let mut rec = CsvRecord::default();
        let mut out = Vec::new();
        while r.next_into(&mut rec).unwrap() {
            let fields = rec.fields.iter().map(|f| String::from_utf8_lossy(f).to_string()).collect();
            out.push((fields, rec.line, rec.byte, String::from_utf8_lossy(&rec.raw).to_string()));
        }
        out
    }

    #[test]
    fn lines_offsets_and_raw_text() {
        let out = records("a,b\n1,\"x\ny\"\n\n# c\n3\r\n", &ReadOptions::new().with("comment", "#"), true);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], (vec!["1".into(), "x\ny".into()], 2, 4, "1,\"x\ny\"".into()));
        assert_eq!(out[1], (vec!["3".into()], 6, 17, "3".into()));
    }

    #[test]
    fn escapes_and_no_quote() {
        let out = records("\"a\\\"b\",c\n", &ReadOptions::new(), false);
        assert_eq!(out[0].0, vec!["a\"b", "c"]);
        let out = records("\"a,b\n", &ReadOptions::new().with("quote", ""), false);
        assert_eq!(out[0].0, vec!["\"a", "b"]);
    }
}
