//! The records of a JSON input: one per non-blank line (JSON Lines), or with
//! `multiLine` the whole file as one JSON document — an array of records, or one or
//! more objects spread over lines. Text in another encoding is turned into UTF-8 first.

use std::io::{BufRead, Read};

use ember_common::Result;

use crate::encoding::TextEncoding;
use crate::split::read_error;

/// One JSON record and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonRecord {
    /// UTF-8 text of the record (undecodable bytes kept as they were)
    pub text: Vec<u8>,
    /// 1-based line in the stream read
    pub line: u64,
    /// byte offset in the stream read
    pub byte: u64,
    /// why the text is not valid in the encoding, if it is not
    pub bad_encoding: Option<String>,
}

/// Reads JSON-lines records one at a time.
pub struct JsonLines {
    reader: Box<dyn BufRead + Send>,
    path: String,
    encoding: TextEncoding,
    line: u64,
    byte: u64,
    buf: Vec<u8>,
}

impl JsonLines {
    pub fn new(reader: Box<dyn BufRead + Send>, path: &str, encoding: TextEncoding) -> JsonLines {
        JsonLines { reader, path: path.to_string(), encoding, line: 0, byte: 0, buf: Vec::new() }
    }

    /// The next non-blank line, or `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<JsonRecord>> {
        loop {
            self.buf.clear();
            let n = self.reader.read_until(b'\n', &mut self.buf).map_err(|e| read_error(&self.path, e))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            let start = self.byte;
            self.byte += n as u64;
            while let [rest @ .., b'\n' | b'\r'] = self.buf.as_slice() {
                let len = rest.len();
                self.buf.truncate(len);
            }
            if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            return Ok(Some(to_record(&self.buf, self.line, start, self.encoding)));
        }
    }
}

fn to_record(bytes: &[u8], line: u64, byte: u64, encoding: TextEncoding) -> JsonRecord {
    match encoding.decode(bytes) {
        Ok(text) => JsonRecord { text: text.into_owned().into_bytes(), line, byte, bad_encoding: None },
        Err(e) => JsonRecord { text: bytes.to_vec(), line, byte, bad_encoding: Some(e) },
    }
}

/// The records of a whole multi-line JSON document. A document that does not parse
/// is one malformed record (its text is the whole document).
pub fn multi_line_records(mut reader: Box<dyn BufRead + Send>, path: &str, encoding: TextEncoding) -> Result<Vec<JsonRecord>> {
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw).map_err(|e| read_error(path, e))?;
    let whole = to_record(&raw, 1, 0, encoding);
    if whole.bad_encoding.is_some() || whole.text.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(if whole.bad_encoding.is_some() { vec![whole] } else { vec![] });
    }
    let text = whole.text.clone();
    let line_of = |offset: usize| 1 + text[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() as u64;
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_slice(&text).into_iter::<serde_json::Value>();
    let mut start = 0usize;
    loop {
        // skip white space to find where the next value starts
        while start < text.len() && text[start].is_ascii_whitespace() {
            start += 1;
        }
        match stream.next() {
            None => break,
            Some(Ok(serde_json::Value::Array(items))) => {
                for item in items {
                    out.push(JsonRecord {
                        text: item.to_string().into_bytes(),
                        line: line_of(start),
                        byte: start as u64,
                        bad_encoding: None,
                    });
                }
            }
            Some(Ok(value)) => {
                out.push(JsonRecord { text: value.to_string().into_bytes(), line: line_of(start), byte: start as u64, bad_encoding: None });
            }
            Some(Err(_)) => {
                // the rest of the document is one malformed record
                let rest = text[start..].to_vec();
                out.push(JsonRecord { text: rest, line: line_of(start), byte: start as u64, bad_encoding: None });
                break;
            }
        }
        start = stream.byte_offset();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(s: &'static [u8]) -> Box<dyn BufRead + Send> {
        Box::new(std::io::BufReader::new(s))
    }

    #[test]
    fn lines_skip_blanks_and_decode() {
        let mut l = JsonLines::new(reader(b"{\"a\":1}\r\n\n  \n{\"b\":\"\xe9\"}\n"), "t.json", TextEncoding::Latin1);
        let r1 = l.next_record().unwrap().unwrap();
        assert_eq!((r1.line, r1.byte, r1.text.as_slice()), (1, 0, &b"{\"a\":1}"[..]));
        let r2 = l.next_record().unwrap().unwrap();
        assert_eq!((r2.line, String::from_utf8(r2.text).unwrap()), (4, "{\"b\":\"é\"}".to_string()));
        assert!(l.next_record().unwrap().is_none());
        let mut bad = JsonLines::new(reader(b"{\"b\":\"\xe9\"}\n"), "t.json", TextEncoding::Utf8);
        assert!(bad.next_record().unwrap().unwrap().bad_encoding.is_some());
    }

    #[test]
    fn multi_line_arrays_and_objects() {
        let recs = multi_line_records(reader(b"[\n {\"a\": 1},\n {\"a\": 2}\n]\n"), "t.json", TextEncoding::Utf8).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].text, b"{\"a\":2}");
        let recs = multi_line_records(reader(b"{\n \"a\": 1\n}\n{\"a\":\n 2}"), "t.json", TextEncoding::Utf8).unwrap();
        assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 4]);
        let recs = multi_line_records(reader(b"{\"a\": 1}\n{\"a\": "), "t.json", TextEncoding::Utf8).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].text, b"{\"a\": ");
        assert!(multi_line_records(reader(b"  \n"), "t.json", TextEncoding::Utf8).unwrap().is_empty());
    }
}
