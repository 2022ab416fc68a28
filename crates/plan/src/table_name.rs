//! `TableName`: a table, view or database name as written, one part per identifier
//! (`t`, `db.t`, `spark_catalog.db.t`), and the fully qualified form a catalog
//! resolves it to.

use std::fmt;

/// The name of Spark's built-in catalog, the only one Ember has.
pub const SESSION_CATALOG: &str = "spark_catalog";

/// The database of global temporary views.
pub const GLOBAL_TEMP_DATABASE: &str = "global_temp";

/// A multi-part name as written (identifiers unquoted, case kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableName {
    pub parts: Vec<String>,
}

impl TableName {
    pub fn new(parts: Vec<String>) -> Self {
        TableName { parts }
    }

    /// A one-part name.
    pub fn bare(name: impl Into<String>) -> Self {
        TableName { parts: vec![name.into()] }
    }

    /// Parses `a.b.c` as the DataFrame API writes names: dots separate parts, and a
    /// part in backticks may hold dots (`` `my.table` ``).
    pub fn parse(text: &str) -> Self {
        let mut parts = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '`' if quoted && chars.peek() == Some(&'`') => {
                    chars.next();
                    cur.push('`');
                }
                '`' => quoted = !quoted,
                '.' if !quoted => parts.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        parts.push(cur);
        TableName { parts }
    }

    /// The last part: the table or view's own name.
    pub fn object(&self) -> &str {
        self.parts.last().map(|s| s.as_str()).unwrap_or("")
    }

    pub fn is_bare(&self) -> bool {
        self.parts.len() == 1
    }

    /// The name as Spark quotes it in messages: `` `db`.`t` ``.
    pub fn quoted(&self) -> String {
        quote_parts(&self.parts)
    }
}

/// Parts quoted and joined as Spark prints names: `` `a`.`b` ``.
pub fn quote_parts<S: AsRef<str>>(parts: &[S]) -> String {
    parts.iter().map(|p| format!("`{}`", p.as_ref().replace('`', "``"))).collect::<Vec<_>>().join(".")
}

impl fmt::Display for TableName {
    /// Parts joined by dots, a part quoted only when it needs it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self
            .parts
            .iter()
            .map(|p| {
                if !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    p.clone()
                } else {
                    format!("`{}`", p.replace('`', "``"))
                }
            })
            .collect();
        f.write_str(&shown.join("."))
    }
}

/// A persistent table or view in a database of the session catalog (lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub database: String,
    pub table: String,
}

impl QualifiedName {
    pub fn new(database: impl Into<String>, table: impl Into<String>) -> Self {
        QualifiedName { database: database.into(), table: table.into() }
    }

    /// `` `spark_catalog`.`db`.`t` ``, as Spark names tables in messages.
    pub fn quoted(&self) -> String {
        quote_parts(&[SESSION_CATALOG, &self.database, &self.table])
    }

    /// `` `db`.`t` ``.
    pub fn quoted_in_catalog(&self) -> String {
        quote_parts(&[&self.database, &self.table])
    }
}

impl fmt::Display for QualifiedName {
    /// `spark_catalog.db.t`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SESSION_CATALOG}.{}.{}", self.database, self.table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_quotes() {
        assert_eq!(TableName::parse("db.t").parts, vec!["db", "t"]);
        assert_eq!(TableName::parse("`my.t`").parts, vec!["my.t"]);
        assert_eq!(TableName::parse("a.`b``c`").parts, vec!["a", "b`c"]);
        assert_eq!(TableName::parse("db.t").quoted(), "`db`.`t`");
        assert_eq!(TableName::parse("`my.t`").to_string(), "`my.t`");
        assert_eq!(QualifiedName::new("default", "t").quoted(), "`spark_catalog`.`default`.`t`");
        assert_eq!(QualifiedName::new("default", "t").to_string(), "spark_catalog.default.t");
    }
}
