//! Light lexing of SQL text for the shell: is a statement finished (ends in `;` outside
//! quotes and comments), and is a piece of text nothing but whitespace and comments.

/// What a scan of the text found.
struct Scan {
    /// The last significant character outside quotes and comments.
    last: Option<char>,
    /// Still inside a quote or a block comment at the end.
    open: bool,
}

fn scan(text: &str) -> Scan {
    let mut chars = text.chars().peekable();
    let mut last = None;
    let mut open = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                open = true;
                while let Some(d) = chars.next() {
                    if d == '\\' && c != '`' {
                        chars.next();
                    } else if d == c {
                        open = false;
                        break;
                    }
                }
                last = Some(c);
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                open = true;
                let mut prev = ' ';
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        open = false;
                        break;
                    }
                    prev = d;
                }
            }
            c if c.is_whitespace() => {}
            c => last = Some(c),
        }
    }
    Scan { last, open }
}

/// True when `text` ends a statement: its last significant character is `;`, outside any
/// quote or comment.
pub fn is_complete(text: &str) -> bool {
    let s = scan(text);
    !s.open && s.last == Some(';')
}

/// True when `text` holds only whitespace, comments and semicolons.
pub fn is_blank(text: &str) -> bool {
    let trimmed: String = text.chars().filter(|c| *c != ';').collect();
    scan(&trimmed).last.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion() {
        assert!(is_complete("SELECT 1;"));
        assert!(is_complete("SELECT 1; -- done\n"));
        assert!(!is_complete("SELECT ';'"));
        assert!(!is_complete("SELECT 'it''s;"));
        assert!(!is_complete("SELECT 1 -- ;"));
        assert!(!is_complete("SELECT 1 /* ; */"));
        assert!(is_complete("SELECT 'a\\';';"));
        assert!(!is_complete(""));
    }

    #[test]
    fn blanks() {
        assert!(is_blank("  \n"));
        assert!(is_blank("-- c\n/* x */ ;"));
        assert!(!is_blank("SELECT 1"));
    }
}
