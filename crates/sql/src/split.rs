//! Splits a SQL script into statements on `;`, with a lexer that knows quotes
//! (`'…'`, `"…"` with backslash escapes, `` `…` ``) and comments (`--`, nested `/* */`).

/// One statement of a script, with the 1-based line and column where its text starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementText {
    pub text: String,
    pub line: u32,
    pub column: u32,
}

/// Splits `script` into statements on `;` outside quotes and comments. Statements that
/// hold only whitespace and comments are dropped. Each text starts at its first
/// non-whitespace character and has trailing whitespace removed.
pub fn split_statements(script: &str) -> Vec<StatementText> {
    let chars: Vec<(usize, char)> = script.char_indices().collect();
    let mut out = Vec::new();
    let (mut line, mut col) = (1u32, 1u32);
    // Start of the current piece: byte offset, line, column, and whether it has code.
    let mut start: Option<(usize, u32, u32)> = None;
    let mut has_code = false;
    let mut i = 0;
    let advance = |c: char, line: &mut u32, col: &mut u32| {
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let (off, c) = chars[i];
        let next = chars.get(i + 1).map(|p| p.1);
        if c == ';' {
            push_piece(script, start.take(), off, has_code, &mut out);
            has_code = false;
            advance(c, &mut line, &mut col);
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            advance(c, &mut line, &mut col);
            i += 1;
            continue;
        }
        if start.is_none() {
            start = Some((off, line, col));
        }
        // Find where this lexical unit ends (index of the last char it covers).
        let end = match c {
            '-' if next == Some('-') => scan_while(&chars, i, |ch| ch != '\n').saturating_sub(1),
            '/' if next == Some('*') => scan_block_comment(&chars, i),
            '\'' | '"' | '`' => {
                has_code = true;
                scan_quoted(&chars, i, c)
            }
            _ => {
                has_code = true;
                i
            }
        };
        for &(_, ch) in &chars[i..=end.min(chars.len() - 1)] {
            advance(ch, &mut line, &mut col);
        }
        i = end + 1;
    }
    push_piece(script, start, script.len(), has_code, &mut out);
    out
}

fn push_piece(script: &str, start: Option<(usize, u32, u32)>, end: usize, has_code: bool, out: &mut Vec<StatementText>) {
    if let Some((s, line, column)) = start {
        if has_code {
            out.push(StatementText { text: script[s..end].trim_end().to_string(), line, column });
        }
    }
}

/// Index just past the run of chars from `i` that satisfy `f`.
fn scan_while(chars: &[(usize, char)], i: usize, f: impl Fn(char) -> bool) -> usize {
    let mut j = i;
    while j < chars.len() && f(chars[j].1) {
        j += 1;
    }
    j
}

/// Index of the closing quote of the literal opened at `i` (or the last char).
fn scan_quoted(chars: &[(usize, char)], i: usize, quote: char) -> usize {
    let mut j = i + 1;
    while j < chars.len() {
        let c = chars[j].1;
        if c == '\\' && quote != '`' {
            j += 2;
            continue;
        }
        if c == quote {
            // `` `a``b` `` escapes a backquote by doubling it.
            if quote == '`' && chars.get(j + 1).map(|p| p.1) == Some('`') {
                j += 2;
                continue;
            }
            return j;
        }
        j += 1;
    }
    chars.len() - 1
}

/// Index of the `/` closing the (possibly nested) comment opened at `i`.
fn scan_block_comment(chars: &[(usize, char)], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j + 1 < chars.len() {
        match (chars[j].1, chars[j + 1].1) {
            ('/', '*') => {
                depth += 1;
                j += 2;
            }
            ('*', '/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j - 1;
                }
            }
            _ => j += 1,
        }
    }
    chars.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, u32, u32)> {
        split_statements(s).into_iter().map(|t| (t.text, t.line, t.column)).collect()
    }

    #[test]
    fn empty_and_comment_only_scripts() {
        assert!(split_statements("").is_empty());
        assert!(split_statements(" ;; \n -- just a comment\n /* x; */ ;").is_empty());
    }

    #[test]
    fn splits_outside_quotes_and_comments() {
        let got = texts("SELECT ';' AS a; SELECT \"x;\" -- c;\n, `a;b`\n;\n  /* a /* nested; */ ; */ SELECT 'it\\'s;'");
        assert_eq!(
            got,
            vec![
                ("SELECT ';' AS a".to_string(), 1, 1),
                ("SELECT \"x;\" -- c;\n, `a;b`".to_string(), 1, 18),
                ("/* a /* nested; */ ; */ SELECT 'it\\'s;'".to_string(), 4, 3),
            ]
        );
    }

    #[test]
    fn unterminated_pieces_are_kept() {
        assert_eq!(texts("SELECT 'abc"), vec![("SELECT 'abc".to_string(), 1, 1)]);
        assert_eq!(texts("SELECT 1 /* open"), vec![("SELECT 1 /* open".to_string(), 1, 1)]);
        assert_eq!(texts("SELECT 1 --"), vec![("SELECT 1 --".to_string(), 1, 1)]);
    }
}
