//! The 22 TPC-H queries (`benches/tpch/queries/qNN.sql`) and the ORDER BY columns of each,
//! which tell the answer checker which row order matters.

use std::path::Path;

use crate::Result;

/// Query numbers 1 to 22.
pub const ALL: std::ops::RangeInclusive<u32> = 1..=22;

/// The text of query `n` (`qNN.sql` in `dir`).
pub fn query_text(dir: &Path, n: u32) -> Result<String> {
    let path = dir.join(format!("q{n:02}.sql"));
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()).into())
}

/// The query without `--` comments and without the final `;`.
pub fn strip_comments(sql: &str) -> String {
    let body: Vec<&str> = sql.lines().map(|l| l.split_once("--").map_or(l, |(code, _)| code)).collect();
    body.join("\n").trim().trim_end_matches(';').trim().to_string()
}

/// Indexes in `columns` of the outermost ORDER BY's keys: `None` without ORDER BY,
/// `Some(empty)` when a key is not an output column name (then every column is a key).
pub fn order_keys(sql: &str, columns: &[String]) -> Option<Vec<usize>> {
    let text = strip_comments(sql).to_ascii_lowercase();
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = (0..words.len().saturating_sub(1)).rev().find(|&i| words[i] == "order" && words[i + 1] == "by")?;
    if words[at..].iter().any(|w| w.contains(')')) {
        // The last ORDER BY is inside a subquery or window: the result has no order.
        return None;
    }
    let clause = words[at + 2..].iter().take_while(|w| **w != "limit").copied().collect::<Vec<_>>().join(" ");
    let mut keys = Vec::new();
    for item in clause.split(',') {
        let mut tokens = item.split_whitespace();
        let name = tokens.next().unwrap_or("");
        if !tokens.all(|t| matches!(t, "asc" | "desc" | "nulls" | "first" | "last")) {
            return Some(Vec::new());
        }
        match columns.iter().position(|c| c.eq_ignore_ascii_case(name)) {
            Some(i) => keys.push(i),
            None => return Some(Vec::new()),
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_outer_order_by_keys() {
        let sql = "-- order by x\nselect a, b, c from t\norder by\n  c desc,\n  a\nlimit 10;";
        assert_eq!(order_keys(sql, &cols(&["a", "b", "c"])), Some(vec![2, 0]));
        assert_eq!(order_keys("select a from t", &cols(&["a"])), None);
        assert_eq!(order_keys("select * from (select a from t order by a)", &cols(&["a"])), None);
        assert_eq!(order_keys("select a from t order by a + 1", &cols(&["a"])), Some(vec![]));
    }

    #[test]
    fn every_query_file_is_present() {
        for n in ALL {
            let sql = query_text(&crate::queries_dir(), n).unwrap();
            assert!(strip_comments(&sql).to_ascii_lowercase().starts_with("select") || sql.contains("with"));
        }
    }
}
