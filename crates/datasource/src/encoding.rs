//! The `encoding` / `charset` reader option: the charsets Spark 4 accepts
//! (`CharsetProvider.VALID_CHARSETS`: us-ascii, iso-8859-1, utf-8, utf-16be, utf-16le,
//! utf-16, utf-32), decoded as Java's decoders do, bytes that are not valid in the
//! charset becoming U+FFFD.

use std::borrow::Cow;

use ember_common::{Error, ErrorKind, Result};

use crate::options::ReadOptions;

/// A text encoding Ember can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same value
    Latin1,
    UsAscii,
    /// UTF-16 with an optional byte-order mark (big-endian without one)
    Utf16,
    Utf16Be,
    Utf16Le,
    /// UTF-32 with an optional byte-order mark (big-endian without one)
    Utf32,
}

/// The charset names Spark accepts, as its error message lists them.
const VALID: [(&str, TextEncoding); 7] = [
    ("iso-8859-1", TextEncoding::Latin1),
    ("us-ascii", TextEncoding::UsAscii),
    ("utf-16", TextEncoding::Utf16),
    ("utf-16be", TextEncoding::Utf16Be),
    ("utf-16le", TextEncoding::Utf16Le),
    ("utf-32", TextEncoding::Utf32),
    ("utf-8", TextEncoding::Utf8),
];

impl TextEncoding {
    /// The encoding named by the `encoding` (else `charset`) option; UTF-8 by default.
    /// `options_class` names the options in the error, as Spark does (`CSVOptions`,
    /// `JSONOptionsInRead`).
    pub fn from_options(options: &ReadOptions, options_class: &str) -> Result<TextEncoding> {
        let Some((_, value)) = options.get_any(&["encoding", "charset"]) else { return Ok(TextEncoding::Utf8) };
        TextEncoding::from_name(value).ok_or_else(|| {
            let names: Vec<&str> = VALID.iter().map(|(n, _)| *n).collect();
            Error::new(ErrorKind::Other {
                class: "INVALID_PARAMETER_VALUE.CHARSET".into(),
                sqlstate: Some("22023".into()),
                message: format!(
                    "The value of parameter(s) `charset` in `{options_class}` is invalid: expects one of the {}, but got {value}.",
                    names.join(", ")
                ),
            })
        })
    }

    /// A charset Spark accepts, by its name in any case.
    pub fn from_name(name: &str) -> Option<TextEncoding> {
        let lower = name.to_ascii_lowercase();
        VALID.iter().find(|(n, _)| *n == lower).map(|(_, e)| *e)
    }

    /// The name Java gives the charset.
    pub fn name(&self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Latin1 => "ISO-8859-1",
            TextEncoding::UsAscii => "US-ASCII",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf32 => "UTF-32",
        }
    }

    /// Is a `\n` byte always a line end (the charset is ASCII-compatible)?
    pub fn is_ascii_compatible(&self) -> bool {
        matches!(self, TextEncoding::Utf8 | TextEncoding::Latin1 | TextEncoding::UsAscii)
    }

    /// Decodes `bytes` as Java's `new String(bytes, charset)`: what is not valid in the
    /// charset becomes U+FFFD; a byte-order mark selects UTF-16 / UTF-32 byte order.
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> Cow<'a, str> {
        match self {
            TextEncoding::Utf8 => String::from_utf8_lossy(bytes),
            TextEncoding::Latin1 | TextEncoding::UsAscii if bytes.is_ascii() => {
                // ASCII reads the same in both: no copy
                String::from_utf8_lossy(bytes)
            }
            TextEncoding::Latin1 => Cow::Owned(bytes.iter().map(|&b| b as char).collect()),
            TextEncoding::UsAscii => Cow::Owned(bytes.iter().map(|&b| if b.is_ascii() { b as char } else { '\u{fffd}' }).collect()),
            TextEncoding::Utf16 => match bytes {
                [0xFE, 0xFF, rest @ ..] => Cow::Owned(decode_utf16(rest, true)),
                [0xFF, 0xFE, rest @ ..] => Cow::Owned(decode_utf16(rest, false)),
                _ => Cow::Owned(decode_utf16(bytes, true)),
            },
            TextEncoding::Utf16Be => Cow::Owned(decode_utf16(bytes, true)),
            TextEncoding::Utf16Le => Cow::Owned(decode_utf16(bytes, false)),
            TextEncoding::Utf32 => match bytes {
                [0x00, 0x00, 0xFE, 0xFF, rest @ ..] => Cow::Owned(decode_utf32(rest, true)),
                [0xFF, 0xFE, 0x00, 0x00, rest @ ..] => Cow::Owned(decode_utf32(rest, false)),
                _ => Cow::Owned(decode_utf32(bytes, true)),
            },
        }
    }

    /// Decodes strictly: `Err` names the first byte that is not UTF-8 (Spark's JSON parser
    /// reads UTF-8 bytes itself and fails on them); other charsets decode as [`Self::decode`].
    pub fn decode_strict<'a>(&self, bytes: &'a [u8]) -> std::result::Result<Cow<'a, str>, String> {
        match self {
            TextEncoding::Utf8 => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| format!("Invalid UTF-8 byte sequence at byte {} of the record", e.valid_up_to())),
            other => Ok(other.decode(bytes)),
        }
    }
}

fn decode_utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|p| if big_endian { u16::from_be_bytes([p[0], p[1]]) } else { u16::from_le_bytes([p[0], p[1]]) });
    let mut out: String = char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')).collect();
    if bytes.len() % 2 == 1 {
        out.push('\u{fffd}');
    }
    out
}

fn decode_utf32(bytes: &[u8], big_endian: bool) -> String {
    let mut out: String = bytes
        .chunks_exact(4)
        .map(|p| {
            let v = if big_endian { u32::from_be_bytes([p[0], p[1], p[2], p[3]]) } else { u32::from_le_bytes([p[0], p[1], p[2], p[3]]) };
            char::from_u32(v).unwrap_or('\u{fffd}')
        })
        .collect();
    if bytes.len() % 4 != 0 {
        out.push('\u{fffd}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_spark_accepts() {
        let enc = |v: &str| TextEncoding::from_options(&ReadOptions::new().with("encoding", v), "CSVOptions");
        assert_eq!(enc("UTF-8").unwrap(), TextEncoding::Utf8);
        assert_eq!(enc("iso-8859-1").unwrap(), TextEncoding::Latin1);
        assert_eq!(enc("UTF-16").unwrap(), TextEncoding::Utf16);
        let err = enc("latin1").unwrap_err();
        assert_eq!(err.class(), "INVALID_PARAMETER_VALUE.CHARSET");
        insta::assert_snapshot!(err.message(), @"The value of parameter(s) `charset` in `CSVOptions` is invalid: expects one of the iso-8859-1, us-ascii, utf-16, utf-16be, utf-16le, utf-32, utf-8, but got latin1.");
        assert!(enc("UTF8").is_err());
        // `encoding` wins over `charset`
        let o = ReadOptions::new().with("charset", "bogus").with("encoding", "us-ascii");
        assert_eq!(TextEncoding::from_options(&o, "JSONOptionsInRead").unwrap(), TextEncoding::UsAscii);
    }

    #[test]
    fn decodes_as_java() {
        assert_eq!(TextEncoding::Latin1.decode(b"caf\xe9"), "café");
        assert_eq!(TextEncoding::Utf8.decode(b"caf\xe9"), "caf\u{fffd}");
        assert_eq!(TextEncoding::UsAscii.decode(b"caf\xe9"), "caf\u{fffd}");
        assert!(TextEncoding::Utf8.decode_strict(b"caf\xe9").unwrap_err().contains("byte 3"));
        assert_eq!(TextEncoding::Utf16.decode(b"\xff\xfea\x00"), "a");
        assert_eq!(TextEncoding::Utf16.decode(b"\x00a\x00"), "a\u{fffd}");
        assert_eq!(TextEncoding::Utf16Le.decode(b"\x00\xd8a\x00"), "\u{fffd}a");
        assert_eq!(TextEncoding::Utf32.decode(b"\xff\xfe\x00\x00a\x00\x00\x00"), "a");
        assert_eq!(TextEncoding::Utf32.decode(b"\x00\x00\x00a\x00"), "a\u{fffd}");
    }
}
