//! The `encoding` / `charset` reader option: UTF-8 (strict: bad bytes make the record
//! malformed) and ISO-8859-1 (Latin-1, every byte is the code point of the same value).

use std::borrow::Cow;

use ember_common::{Error, Result};

use crate::options::ReadOptions;

/// A text encoding Ember can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Latin1,
}

impl TextEncoding {
    /// The encoding named by the `encoding` (or `charset`) option; UTF-8 by default.
    pub fn from_options(options: &ReadOptions) -> Result<TextEncoding> {
        let Some((key, value)) = options.get_any(&["encoding", "charset"]) else { return Ok(TextEncoding::Utf8) };
        let norm: String = value.trim().to_ascii_lowercase().chars().filter(|c| *c != '-' && *c != '_').collect();
        match norm.as_str() {
            "utf8" | "usascii" | "ascii" => Ok(TextEncoding::Utf8),
            "iso88591" | "latin1" | "l1" | "iso885915" => Ok(TextEncoding::Latin1),
            _ => Err(Error::invalid_argument(format!(
                "The value '{value}' of the option '{key}' is invalid: the supported encodings are UTF-8 and ISO-8859-1 (Latin-1)."
            ))),
        }
    }

    /// Decodes `bytes`; under UTF-8 an invalid sequence is an error naming its offset.
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> std::result::Result<Cow<'a, str>, String> {
        match self {
            TextEncoding::Utf8 => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| format!("Invalid UTF-8 byte sequence at byte {} of the record", e.valid_up_to())),
            TextEncoding::Latin1 => Ok(if bytes.is_ascii() {
                // ASCII is the same in both: no copy
                Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default())
            } else {
                Cow::Owned(bytes.iter().map(|&b| b as char).collect())
            }),
        }
    }

    /// Decodes for display (error messages, corrupt-record text): never fails.
    pub fn decode_lossy(&self, bytes: &[u8]) -> String {
        match self.decode(bytes) {
            Ok(s) => s.into_owned(),
            Err(_) => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_decoding() {
        let enc = |v: &str| TextEncoding::from_options(&ReadOptions::new().with("encoding", v));
        assert_eq!(enc("UTF-8").unwrap(), TextEncoding::Utf8);
        assert_eq!(enc("ISO-8859-1").unwrap(), TextEncoding::Latin1);
        assert_eq!(TextEncoding::from_options(&ReadOptions::new().with("charset", "latin1")).unwrap(), TextEncoding::Latin1);
        assert!(enc("UTF-16").unwrap_err().message().contains("'encoding'"));
        assert_eq!(TextEncoding::Latin1.decode(b"caf\xe9").unwrap(), "café");
        assert!(TextEncoding::Utf8.decode(b"caf\xe9").unwrap_err().contains("byte 3"));
        assert_eq!(TextEncoding::Utf8.decode_lossy(b"caf\xe9"), "caf\u{fffd}");
    }
}
