//! Spark's error classes, one table: `error-conditions.json` beside this file is Spark
//! 4.2.1's own list of conditions (class, sub-classes, SQLSTATE and message template
//! with `<param>` placeholders). [`Error::spark`] builds an error of any class from it,
//! so the class, SQLSTATE and wording are Spark's and written down once.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;

use crate::error::{Error, ErrorKind};

struct Condition {
    message: String,
    sqlstate: Option<String>,
    sub: HashMap<String, String>,
}

fn lines(v: Option<&Value>) -> String {
    v.and_then(|m| m.as_array())
        .map(|a| a.iter().filter_map(|l| l.as_str()).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

static CONDITIONS: LazyLock<HashMap<String, Condition>> = LazyLock::new(|| {
    let json: Value = serde_json::from_str(include_str!("error-conditions.json")).unwrap_or(Value::Null);
    let mut out = HashMap::new();
    if let Some(map) = json.as_object() {
        for (name, v) in map {
            let sub = v
                .get("subClass")
                .and_then(|s| s.as_object())
                .map(|s| s.iter().map(|(k, sv)| (k.clone(), lines(sv.get("message")))).collect())
                .unwrap_or_default();
            let sqlstate = v.get("sqlState").and_then(|s| s.as_str()).map(str::to_string);
            out.insert(name.clone(), Condition { message: lines(v.get("message")), sqlstate, sub });
        }
    }
    out
});

/// True if Spark has the condition `class` (`NAME` or `NAME.SUB`).
pub fn is_known(class: &str) -> bool {
    let (main, sub) = split(class);
    CONDITIONS.get(main).is_some_and(|c| sub.is_none_or(|s| c.sub.contains_key(s)))
}

/// The SQLSTATE Spark gives `class`.
pub fn sqlstate(class: &str) -> Option<&'static str> {
    CONDITIONS.get(split(class).0).and_then(|c| c.sqlstate.as_deref())
}

fn split(class: &str) -> (&str, Option<&str>) {
    match class.split_once('.') {
        Some((m, s)) => (m, Some(s)),
        None => (class, None),
    }
}

/// The placeholders of `class`'s template that `params` leaves without a value.
fn missing_params(class: &str, params: &[(&str, &str)]) -> Vec<String> {
    let (main, sub) = split(class);
    let Some(c) = CONDITIONS.get(main) else { return vec![] };
    let template = format!("{} {}", c.message, sub.and_then(|s| c.sub.get(s)).map(String::as_str).unwrap_or(""));
    let mut out = Vec::new();
    let mut rest = template.as_str();
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start + 1..].find('>') else { break };
        let name = &rest[start + 1..start + 1 + len];
        if !name.is_empty() && name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') && !params.iter().any(|(k, _)| *k == name) {
            out.push(name.to_string());
        }
        rest = &rest[start + 1 + len..];
    }
    out
}

/// Spark's message for `class` with `<name>` placeholders replaced by `params`
/// (a placeholder without a value stays as written).
pub fn message(class: &str, params: &[(&str, &str)]) -> String {
    let (main, sub) = split(class);
    let template = match CONDITIONS.get(main) {
        Some(c) => match sub.and_then(|s| c.sub.get(s)) {
            Some(s) => format!("{} {s}", c.message),
            None => c.message.clone(),
        },
        None => return params.iter().map(|(_, v)| *v).collect::<Vec<_>>().join(" "),
    };
    let mut out = template;
    for (k, v) in params {
        out = out.replace(&format!("<{k}>"), v);
    }
    out
}

impl Error {
    /// `x % 0`, `pmod(x, 0)` under ANSI: REMAINDER_BY_ZERO.
    pub fn remainder_by_zero() -> Error {
        Error::spark("REMAINDER_BY_ZERO", &[("config", "\"spark.sql.ansi.enabled\"")])
    }

    /// An error of Spark's condition `class` (`NAME` or `NAME.SUB`), its message
    /// rendered from Spark's template with `params` and its SQLSTATE from the table.
    pub fn spark(class: &str, params: &[(&str, &str)]) -> Error {
        debug_assert!(is_known(class), "{class} is not one of Spark's error conditions");
        debug_assert!(missing_params(class, params).is_empty(), "{class} needs {:?}", missing_params(class, params));
        Error::new(ErrorKind::Other { class: class.to_string(), sqlstate: sqlstate(class).map(str::to_string), message: message(class, params) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_spark_messages() {
        assert!(is_known("SCHEMA_NOT_FOUND"));
        assert!(is_known("INVALID_LIMIT_LIKE_EXPRESSION.IS_NULL"));
        assert!(!is_known("INVALID_LIMIT_LIKE_EXPRESSION.NOPE"));
        assert_eq!(sqlstate("SCHEMA_NOT_FOUND"), Some("42704"));
        let e = Error::spark("SCHEMA_NOT_FOUND", &[("schemaName", "`spark_catalog`.`db`")]);
        assert_eq!(e.class(), "SCHEMA_NOT_FOUND");
        assert_eq!(e.sqlstate(), Some("42704"));
        assert!(e.to_string().starts_with("[SCHEMA_NOT_FOUND] The schema `spark_catalog`.`db` cannot be found."), "{e}");
        let e = Error::spark("INVALID_LIMIT_LIKE_EXPRESSION.IS_NULL", &[("expr", "\"x\""), ("name", "limit")]);
        assert!(e.to_string().contains("The limit like expression \"x\" is invalid. The evaluated limit expression must not be null."), "{e}");
        assert_eq!(Error::spark("_LEGACY_ERROR_TEMP_0064", &[("msg", "m")]).sqlstate(), None);
    }
}
