//! Splits CSV text into fields the way Spark's parser (univocity, with the settings
//! Spark gives it) does: a delimiter of one or more characters; a field is quoted only
//! when the quote is its first character; inside quotes the escape character escapes a
//! quote (and itself); a quote that is neither escaped nor followed by the delimiter,
//! white space or a line end makes the field an unquoted value up to the next
//! delimiter (`STOP_AT_DELIMITER`), opening quote included; unquoted values are taken
//! as written; an empty unquoted field is NULL while an empty quoted one is the empty
//! value. In one-line mode a record is one line; in `multiLine` mode quoted fields may
//! hold line ends.

/// The syntax options of the tokenizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvSyntax {
    /// never empty
    pub delimiter: String,
    pub quote: Option<char>,
    pub escape: Option<char>,
    /// `charToEscapeQuoteEscaping`: escapes the escape character inside quotes
    pub escape_escape: Option<char>,
    pub ignore_leading_white_space: bool,
    pub ignore_trailing_white_space: bool,
}

/// The fields of one record: their text in one buffer, and for each its end in the
/// buffer and whether it was quoted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    buf: String,
    ends: Vec<usize>,
    quoted: Vec<bool>,
}

impl Fields {
    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
        self.quoted.clear();
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`: its text and whether it was quoted.
    pub fn get(&self, i: usize) -> Option<(&str, bool)> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some((&self.buf[start..end], self.quoted[i]))
    }

    fn push(&mut self, text: &str, quoted: bool) {
        self.buf.push_str(text);
        self.end_field(quoted);
    }

    fn end_field(&mut self, quoted: bool) {
        self.ends.push(self.buf.len());
        self.quoted.push(quoted);
    }
}

/// Univocity's white space: any character up to the space.
fn is_white(c: char) -> bool {
    c <= ' '
}

impl CsvSyntax {
    /// The length of the line end at `i` in `multiLine` mode (`\n`, `\r\n`, `\r`), else 0.
    fn line_end(&self, s: &str, i: usize, multi_line: bool) -> usize {
        if !multi_line {
            return 0;
        }
        match s.as_bytes().get(i) {
            Some(b'\n') => 1,
            Some(b'\r') if s.as_bytes().get(i + 1) == Some(&b'\n') => 2,
            Some(b'\r') => 1,
            _ => 0,
        }
    }

    /// Does a field end at `i` (the end of the text, the delimiter or a line end)?
    fn at_field_end(&self, s: &str, i: usize, multi_line: bool) -> bool {
        i >= s.len() || s[i..].starts_with(self.delimiter.as_str()) || self.line_end(s, i, multi_line) > 0
    }

    /// Where the unquoted text starting at `i` ends.
    fn unquoted_end(&self, s: &str, mut i: usize, multi_line: bool) -> usize {
        while !self.at_field_end(s, i, multi_line) {
            i += s[i..].chars().next().map_or(1, char::len_utf8);
        }
        i
    }

    fn trim_trailing<'a>(&self, v: &'a str) -> &'a str {
        if self.ignore_trailing_white_space {
            v.trim_end_matches(is_white)
        } else {
            v
        }
    }

    /// Reads one record of `s` starting at `start` into `out`; returns where the record's
    /// text ends and where the next record starts (after its line end). In one-line mode
    /// `s` is one line and the record is all of it.
    pub fn record(&self, s: &str, start: usize, multi_line: bool, out: &mut Fields) -> (usize, usize) {
        out.clear();
        let mut i = start;
        loop {
            if self.ignore_leading_white_space {
                while let Some(c) = s[i..].chars().next() {
                    if !is_white(c) || self.at_field_end(s, i, multi_line) {
                        break;
                    }
                    i += c.len_utf8();
                }
            }
            let quote = self.quote.filter(|q| s[i..].starts_with(*q) && !s[i..].starts_with(self.delimiter.as_str()));
            i = match quote {
                Some(q) => self.quoted(s, i, q, multi_line, out),
                None => {
                    let end = self.unquoted_end(s, i, multi_line);
                    out.push(self.trim_trailing(&s[i..end]), false);
                    end
                }
            };
            if i < s.len() && s[i..].starts_with(self.delimiter.as_str()) {
                i += self.delimiter.len();
                if i >= s.len() || self.line_end(s, i, multi_line) > 0 {
                    // a delimiter at the end of the record: one more (empty) field
                    out.push("", false);
                    return (i, i + self.line_end(s, i, multi_line));
                }
                continue;
            }
            let end = i.min(s.len());
            return (end, end + self.line_end(s, end, multi_line));
        }
    }

    /// Reads the quoted field whose opening quote is at `i`; returns where it ends.
    fn quoted(&self, s: &str, open: usize, q: char, multi_line: bool, out: &mut Fields) -> usize {
        let mut i = open + q.len_utf8();
        let start = out.buf.len();
        while i < s.len() {
            let Some(c) = s[i..].chars().next() else { break };
            let next_i = i + c.len_utf8();
            let next = s[next_i..].chars().next();
            if let (Some(e), true) = (next.filter(|n| Some(*n) == self.escape), c != q && Some(c) == self.escape_escape) {
                // an escaped escape character
                out.buf.push(e);
                i = next_i + e.len_utf8();
                continue;
            }
            if c != q && Some(c) == self.escape {
                match next {
                    Some(n) if n == q => {
                        out.buf.push(q);
                        i = next_i + n.len_utf8();
                    }
                    _ => {
                        // not escaping anything: kept as written
                        out.buf.push(c);
                        i = next_i;
                    }
                }
                continue;
            }
            if c == q {
                if self.escape == Some(q) && next == Some(q) {
                    // a doubled quote when the quote is its own escape
                    out.buf.push(q);
                    i = next_i + q.len_utf8();
                    continue;
                }
                if self.at_field_end(s, next_i, multi_line) {
                    out.end_field(true);
                    return next_i;
                }
                match next {
                    Some(n) if n == q => {
                        // `""` when another character escapes quotes: one quote, and the
                        // second may close the field
                        out.buf.push(q);
                        i = next_i;
                        continue;
                    }
                    Some(n) if is_white(n) => {
                        let mut k = next_i;
                        while let Some(w) = s[k..].chars().next() {
                            if !is_white(w) || self.at_field_end(s, k, multi_line) {
                                break;
                            }
                            k += w.len_utf8();
                        }
                        if self.at_field_end(s, k, multi_line) {
                            out.end_field(true);
                            return k;
                        }
                    }
                    _ => {}
                }
                // an unescaped quote: the value runs unquoted to the delimiter
                let end = self.unquoted_end(s, next_i, multi_line);
                out.buf.insert(start, q);
                out.buf.push_str(&s[i..end]);
                let kept = self.trim_trailing(&out.buf[start..]).len();
                out.buf.truncate(start + kept);
                out.end_field(false);
                return end;
            }
            if multi_line && c == '\r' && next == Some('\n') {
                // line ends inside quotes read as `\n`
                out.buf.push('\n');
                i = next_i + 1;
                continue;
            }
            out.buf.push(c);
            i = next_i;
        }
        // no closing quote before the end of the input: the value is what was read
        out.end_field(true);
        s.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax() -> CsvSyntax {
        CsvSyntax {
            delimiter: ",".into(),
            quote: Some('"'),
            escape: Some('\\'),
            escape_escape: Some('\\'),
            ignore_leading_white_space: false,
            ignore_trailing_white_space: false,
        }
    }

    fn fields(syntax: &CsvSyntax, line: &str) -> Vec<String> {
        let mut out = Fields::default();
        syntax.record(line, 0, false, &mut out);
        (0..out.len())
            .map(|i| match out.get(i) {
                Some((t, true)) => format!("<{t}>"),
                Some((t, false)) => t.to_string(),
                None => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn quotes_as_spark_reads_them() {
        // each expectation checked against Spark 4.2.1
        let s = syntax();
        assert_eq!(fields(&s, r#"a,"b""c",d"#), vec!["a", r#""b""c""#, "d"]);
        assert_eq!(fields(&s, r#"a,"b\"c",d"#), vec!["a", "<b\"c>", "d"]);
        assert_eq!(fields(&s, r#"a, "b",c"#), vec!["a", r#" "b""#, "c"]);
        assert_eq!(fields(&s, r#"a,"b" ,c"#), vec!["a", "<b>", "c"]);
        assert_eq!(fields(&s, r#"a,"b"x,c"#), vec!["a", r#""b"x"#, "c"]);
        assert_eq!(fields(&s, r#"a,b"c,d"#), vec!["a", "b\"c", "d"]);
        assert_eq!(fields(&s, r#"a,"",c"#), vec!["a", "<>", "c"]);
        assert_eq!(fields(&s, "a,,c"), vec!["a", "", "c"]);
        assert_eq!(fields(&s, r#""unterminated,x"#), vec!["<unterminated,x>"]);
        assert_eq!(fields(&s, r#"a,"x\"y"z,c"#), vec!["a", r#""x"y"z"#, "c"]);
        assert_eq!(fields(&s, r#"a,"x""y"z,c"#), vec!["a", r#""x""y"z"#, "c"]);
        assert_eq!(fields(&s, r#""a" "b",c"#), vec![r#""a" "b""#, "c"]);
        assert_eq!(fields(&s, "a,"), vec!["a", ""]);
        assert_eq!(fields(&s, r#""a\\b""#), vec![r"<a\b>"]);
        assert_eq!(fields(&s, r#""a\nb""#), vec![r"<a\nb>"]);
    }

    #[test]
    fn quote_as_its_own_escape_and_no_quote() {
        let s = CsvSyntax { escape: Some('"'), escape_escape: None, ..syntax() };
        assert_eq!(fields(&s, r#"1,"a ""q"" b",2"#), vec!["1", "<a \"q\" b>", "2"]);
        assert_eq!(fields(&s, r#""a"",b",c"#), vec!["<a\",b>", "c"]);
        let s = CsvSyntax { quote: None, ..syntax() };
        assert_eq!(fields(&s, r#""a,b""#), vec!["\"a", "b\""]);
    }

    #[test]
    fn delimiters_and_white_space() {
        let s = CsvSyntax { delimiter: "::".into(), ..syntax() };
        assert_eq!(fields(&s, "4:5::6"), vec!["4:5", "6"]);
        let s = CsvSyntax { ignore_leading_white_space: true, ignore_trailing_white_space: true, ..syntax() };
        assert_eq!(fields(&s, r#" " x ", y ,z"#), vec!["< x >", "y", "z"]);
        assert_eq!(fields(&s, " , "), vec!["", ""]);
    }

    #[test]
    fn multi_line_records() {
        let s = syntax();
        let text = "1,\"a\r\nb\"\r\n2,\"c \"\"q\"\"\nd\"\n";
        let mut out = Fields::default();
        let (end, next) = s.record(text, 0, true, &mut out);
        assert_eq!((out.get(1), &text[..end]), (Some(("a\nb", true)), "1,\"a\r\nb\""));
        let (_, next) = s.record(text, next, true, &mut out);
        // the unescaped quote ends the value at the line end, as in Spark
        assert_eq!(out.get(1), Some(("\"c \"\"q\"\"", false)));
        s.record(text, next, true, &mut out);
        assert_eq!(out.get(0), Some(("d\"", false)));
    }
}
