//! Positions in SQL text: 1-based line and column, as sqlparser reports them.

/// A range in the SQL text. `line`/`column` are 1-based; a zero line means "unknown".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    pub fn new(start_line: u32, start_column: u32, end_line: u32, end_column: u32) -> Self {
        Span { start_line, start_column, end_line, end_column }
    }

    /// A span covering a single character.
    pub fn point(line: u32, column: u32) -> Self {
        Span::new(line, column, line, column + 1)
    }

    pub fn is_known(&self) -> bool {
        self.start_line > 0
    }

    /// Renders the offending line with a caret (or carets) under the span, Postgres style:
    /// `LINE 1: SELECT x FROM t` followed by `               ^`.
    pub fn render(&self, sql: &str) -> Option<String> {
        if !self.is_known() {
            return None;
        }
        let line = sql.lines().nth(self.start_line as usize - 1)?;
        let prefix = format!("LINE {}: ", self.start_line);
        let start_chars = (self.start_column.max(1) - 1) as usize;
        let width = if self.end_line == self.start_line && self.end_column > self.start_column {
            (self.end_column - self.start_column) as usize
        } else {
            1
        };
        let line_len = line.chars().count();
        let width = width.min(line_len.saturating_sub(start_chars).max(1));
        let pad: String = line
            .chars()
            .take(start_chars)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        Some(format!("{prefix}{line}\n{}{pad}{}", " ".repeat(prefix.len()), "^".repeat(width)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_token() {
        let s = Span::new(2, 8, 2, 11);
        let out = s.render("SELECT a\nFROM t WHR x").unwrap();
        assert_eq!(out, "LINE 2: FROM t WHR x\n               ^^^");
    }

    #[test]
    fn unknown_span_renders_nothing() {
        assert!(Span::default().render("SELECT 1").is_none());
    }
}
