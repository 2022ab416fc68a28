//! The records of a JSON input: one per non-blank line (JSON Lines), or with
//! `multiLine` the first JSON value of the whole file (as Spark's parser reads one value
//! per file) — an array of records, or one object spread over lines. Text in another
//! encoding is turned into UTF-8 first.

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
    /// the elements of a line holding an array, not yet returned
    pending: std::collections::VecDeque<JsonRecord>,
}

/// The records of a line holding an array of objects (Spark reads each element as a
/// row; an empty array has none); any other record as it is.
fn expand_array(rec: JsonRecord) -> Vec<JsonRecord> {
    if rec.bad_encoding.is_some() || !rec.text.trim_ascii_start().starts_with(b"[") {
        return vec![rec];
    }
    match serde_json::from_slice::<serde_json::Value>(&rec.text) {
        Ok(serde_json::Value::Array(items)) if items.iter().all(|i| i.is_object()) => items
            .into_iter()
            .map(|item| JsonRecord { text: item.to_string().into_bytes(), line: rec.line, byte: rec.byte, bad_encoding: None })
            .collect(),
        _ => vec![rec],
    }
}

impl JsonLines {
    pub fn new(reader: Box<dyn BufRead + Send>, path: &str, encoding: TextEncoding) -> JsonLines {
        JsonLines { reader, path: path.to_string(), encoding, line: 0, byte: 0, buf: Vec::new(), pending: Default::default() }
    }

    /// The next record: a non-blank line, or an element of a line holding an array of
    /// objects; `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<JsonRecord>> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Ok(Some(r));
            }
            let Some(line) = self.next_line()? else { return Ok(None) };
            self.pending.extend(expand_array(line));
        }
    }

    /// The next non-blank line, or `None` at the end.
    fn next_line(&mut self) -> Result<Option<JsonRecord>> {
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
    match encoding.decode_strict(bytes) {
        Ok(text) => JsonRecord { text: text.into_owned().into_bytes(), line, byte, bad_encoding: None },
        Err(e) => JsonRecord { text: bytes.to_vec(), line, byte, bad_encoding: Some(e) },
    }
}

/// The records of a whole multi-line JSON document: its first value (the items of an
/// array, or the value itself); what follows it is not read, as in Spark. A first value
/// that does not parse is one malformed record (its text is the whole document).
pub fn multi_line_records(mut reader: Box<dyn BufRead + Send>, path: &str, encoding: TextEncoding) -> Result<Vec<JsonRecord>> {
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw).map_err(|e| read_error(path, e))?;
    let whole = to_record(&raw, 1, 0, encoding);
    if whole.bad_encoding.is_some() {
        return Ok(vec![whole]);
    }
    let text = whole.text;
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    if start == text.len() {
        return Ok(vec![]);
    }
    let line = 1 + text[..start].iter().filter(|b| **b == b'\n').count() as u64;
    let record = |text: Vec<u8>| JsonRecord { text, line, byte: start as u64, bad_encoding: None };
    let mut stream = serde_json::Deserializer::from_slice(&text[start..]).into_iter::<serde_json::Value>();
    Ok(match stream.next() {
        Some(Ok(serde_json::Value::Array(items))) => items.into_iter().map(|item| record(item.to_string().into_bytes())).collect(),
        Some(Ok(value)) => vec![record(value.to_string().into_bytes())],
        Some(Err(_)) | None => vec![record(text[start..].to_vec())],
    })
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
        // an array of objects is a record per element; anything else stays one record
        let mut arrays = JsonLines::new(reader(b"[{\"a\":1}, {\"a\":2}]\n[]\n[1]\n"), "t.json", TextEncoding::Utf8);
        let mut texts = Vec::new();
        while let Some(r) = arrays.next_record().unwrap() {
            texts.push((r.line, String::from_utf8(r.text).unwrap()));
        }
        assert_eq!(texts, vec![(1, "{\"a\":1}".to_string()), (1, "{\"a\":2}".to_string()), (3, "[1]".to_string())]);
    }

    #[test]
    fn multi_line_arrays_and_objects() {
        let recs = multi_line_records(reader(b"[\n {\"a\": 1},\n {\"a\": 2}\n]\n"), "t.json", TextEncoding::Utf8).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].text, b"{\"a\":2}");
        // only the first value of the file is read, as in Spark
        let recs = multi_line_records(reader(b"\n{\n \"a\": 1\n}\n{\"a\":\n 2}"), "t.json", TextEncoding::Utf8).unwrap();
        assert_eq!(recs.iter().map(|r| (r.line, r.text.clone())).collect::<Vec<_>>(), vec![(2, b"{\"a\":1}".to_vec())]);
        let recs = multi_line_records(reader(b"[{\"a\": 1}]\n[{\"a\": 2}]"), "t.json", TextEncoding::Utf8).unwrap();
        assert_eq!(recs.len(), 1);
        let recs = multi_line_records(reader(b"{\"a\": "), "t.json", TextEncoding::Utf8).unwrap();
        assert_eq!(recs[0].text, b"{\"a\": ");
        assert!(multi_line_records(reader(b"  \n"), "t.json", TextEncoding::Utf8).unwrap().is_empty());
    }
}
