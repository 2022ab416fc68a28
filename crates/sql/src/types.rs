//! Spark type names to Arrow types: `int`, `decimal(10,2)`, `array<string>`,
//! `map<string,int>`, `struct<a:int,b:string>`, and DDL schemas (`a INT, b STRING`).
//! CAST targets parsed by sqlparser are printed and re-read here, so there is one
//! mapping of names to types. ANSI interval types (`interval day to hour`) become their
//! Arrow storage type; fields of them carry their Spark type in metadata, and
//! [`parse_cast_type_with_tz`] returns it beside the Arrow type.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, Schema, TimeUnit};
use ember_common::interval_type::{IntervalField, IntervalType};
use ember_common::Result;

use crate::errors::{other, syntax_error};

/// Parses a Spark type name; `timestamp` gets the UTC time zone.
pub fn parse_data_type(s: &str) -> Result<DataType> {
    parse_data_type_with_tz(s, "UTC")
}

/// Parses a Spark type name; `timestamp` (with local time zone) gets `time_zone`.
pub fn parse_data_type_with_tz(s: &str, time_zone: &str) -> Result<DataType> {
    let mut p = TypeParser::new(s, time_zone)?;
    let t = p.data_type()?;
    p.expect_end()?;
    Ok(t)
}

/// The field metadata key holding a column's `COMMENT` (Spark's `StructField` metadata key).
pub const COMMENT_KEY: &str = "comment";

/// Parses a CAST target: its Arrow type, and its Spark interval type when it is one.
pub fn parse_cast_type_with_tz(s: &str, time_zone: &str) -> Result<(DataType, Option<IntervalType>)> {
    let mut p = TypeParser::new(s, time_zone)?;
    let t = p.spark_type()?;
    p.expect_end()?;
    Ok(t)
}

/// A schema argument as `from_json` takes it: a DDL schema (`a INT, b STRING`, a
/// struct) or else a type name (`array<int>`). When both fail, the DDL error is
/// reported, unless the type was too deeply nested to parse.
pub fn parse_schema_or_type_with_tz(s: &str, time_zone: &str) -> Result<DataType> {
    match parse_ddl_schema_with_tz(s, time_zone) {
        Ok(schema) => Ok(DataType::Struct(schema.fields().clone())),
        Err(ddl_err) => parse_data_type_with_tz(s, time_zone)
            .map_err(|e| if e.class() == "FAILED_TO_PARSE_TOO_COMPLEX" { e } else { ddl_err }),
    }
}

/// Parses a DDL schema such as `a INT, b STRING NOT NULL, c ARRAY<INT> COMMENT 'x'`.
pub fn parse_ddl_schema(s: &str) -> Result<Schema> {
    parse_ddl_schema_with_tz(s, "UTC")
}

/// [`parse_ddl_schema`] with the session time zone for `timestamp` columns.
pub fn parse_ddl_schema_with_tz(s: &str, time_zone: &str) -> Result<Schema> {
    let mut p = TypeParser::new(s, time_zone)?;
    let mut fields = Vec::new();
    loop {
        fields.push(p.field()?);
        if !p.eat(&Tok::Punct(',')) {
            break;
        }
    }
    p.expect_end()?;
    Ok(Schema::new(fields))
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Number(u64),
    Str(String),
    Punct(char),
}

impl std::fmt::Display for Tok {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "{s}"),
            Tok::Quoted(s) => write!(f, "`{s}`"),
            Tok::Number(n) => write!(f, "{n}"),
            Tok::Str(s) => write!(f, "'{s}'"),
            Tok::Punct(c) => write!(f, "{c}"),
        }
    }
}

fn lex(s: &str) -> Result<Vec<Tok>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = text.parse().map_err(|_| syntax_error(format!("Syntax error at or near '{text}'.")))?;
            out.push(Tok::Number(n));
        } else if c == '`' || c == '\'' || c == '"' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(syntax_error(format!("Syntax error at or near '{c}{text}': missing '{c}'."))),
                    Some(&q) if q == c && chars.get(i + 1) == Some(&c) => {
                        text.push(c);
                        i += 2;
                    }
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        text.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(if c == '`' { Tok::Quoted(text) } else { Tok::Str(text) });
        } else if "<>(),:".contains(c) {
            out.push(Tok::Punct(c));
            i += 1;
        } else {
            return Err(syntax_error(format!("Syntax error at or near '{c}'.")));
        }
    }
    Ok(out)
}

struct TypeParser<'z> {
    toks: Vec<Tok>,
    pos: usize,
    tz: &'z str,
    /// How many types enclose the one being parsed (`array<array<…>>`).
    depth: usize,
}

/// The deepest nesting of types accepted (`array<array<…>>`, `struct<a:struct<…>>`):
/// parsing and every later use of a type recurse per level.
pub const MAX_TYPE_DEPTH: usize = 100;

impl<'z> TypeParser<'z> {
    fn new(s: &str, tz: &'z str) -> Result<Self> {
        Ok(TypeParser { toks: lex(s)?, pos: 0, tz, depth: 0 })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(w)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn error_here(&self) -> ember_common::Error {
        match self.peek() {
            Some(t) => syntax_error(format!("Syntax error at or near '{t}'.")),
            None => syntax_error("Syntax error at or near end of input."),
        }
    }

    fn expect(&mut self, t: &Tok) -> Result<()> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    fn expect_end(&self) -> Result<()> {
        if self.pos == self.toks.len() {
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    fn number(&mut self) -> Result<u64> {
        match self.peek() {
            Some(Tok::Number(n)) => {
                let n = *n;
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.error_here()),
        }
    }

    /// `(n [, m])` if present.
    fn modifiers(&mut self) -> Result<Vec<u64>> {
        let mut out = Vec::new();
        if self.eat(&Tok::Punct('(')) {
            out.push(self.number()?);
            while self.eat(&Tok::Punct(',')) {
                out.push(self.number()?);
            }
            self.expect(&Tok::Punct(')'))?;
        }
        Ok(out)
    }

    /// A field: `name [:] type [NOT NULL] [COMMENT 'text']`.
    fn field(&mut self) -> Result<Field> {
        let name = match self.peek() {
            Some(Tok::Ident(s)) | Some(Tok::Quoted(s)) => s.clone(),
            _ => return Err(self.error_here()),
        };
        self.pos += 1;
        self.eat(&Tok::Punct(':'));
        let (dt, interval) = self.spark_type()?;
        let nullable = !(self.eat_word("NOT") && {
            if !self.eat_word("NULL") {
                return Err(self.error_here());
            }
            true
        });
        let mut field = Field::new(name, dt, nullable);
        if self.eat_word("COMMENT") {
            match self.peek() {
                Some(Tok::Str(c)) => {
                    field = field.with_metadata(std::collections::HashMap::from([(COMMENT_KEY.to_string(), c.clone())]));
                    self.pos += 1;
                }
                _ => return Err(self.error_here()),
            }
        }
        Ok(annotated(field, interval))
    }

    fn data_type(&mut self) -> Result<DataType> {
        Ok(self.spark_type()?.0)
    }

    /// `INTERVAL field [TO field]` after the word `interval`.
    fn interval(&mut self) -> Result<IntervalType> {
        let start = self.interval_field()?;
        let end = if self.eat_word("TO") { self.interval_field()? } else { start };
        IntervalType::new(start, end).ok_or_else(|| {
            other(
                "INVALID_INTERVAL_FORMAT.UNSUPPORTED_FROM_TO_EXPRESSION",
                "22006",
                format!("Intervals FROM {} TO {} are not supported.", start.name(), end.name()),
            )
        })
    }

    fn interval_field(&mut self) -> Result<IntervalField> {
        let f = match self.peek() {
            Some(Tok::Ident(w)) => IntervalField::parse(w),
            _ => None,
        };
        let f = f.ok_or_else(|| self.error_here())?;
        self.pos += 1;
        Ok(f)
    }

    /// A type: its Arrow type, and its Spark interval type when it is one.
    fn spark_type(&mut self) -> Result<(DataType, Option<IntervalType>)> {
        if self.depth >= MAX_TYPE_DEPTH {
            return Err(ember_plan::plan_depth::too_complex(format!("A type is nested more than {MAX_TYPE_DEPTH} levels deep.")));
        }
        self.depth += 1;
        let t = self.spark_type_inner();
        self.depth -= 1;
        t
    }

    fn spark_type_inner(&mut self) -> Result<(DataType, Option<IntervalType>)> {
        let name = match self.peek() {
            Some(Tok::Ident(s)) => s.to_ascii_lowercase(),
            _ => return Err(self.error_here()),
        };
        self.pos += 1;
        let dt = match name.as_str() {
            "boolean" | "bool" => DataType::Boolean,
            "tinyint" | "byte" => DataType::Int8,
            "smallint" | "short" => DataType::Int16,
            "int" | "integer" => DataType::Int32,
            "bigint" | "long" => DataType::Int64,
            "float" | "real" => DataType::Float32,
            "double" => {
                self.eat_word("PRECISION");
                DataType::Float64
            }
            "decimal" | "dec" | "numeric" => {
                let m = self.modifiers()?;
                let (p, s) = match m.as_slice() {
                    [] => (10, 0),
                    [p] => (*p, 0),
                    [p, s] => (*p, *s),
                    _ => return Err(syntax_error("Syntax error at or near ','.")),
                };
                decimal(p, s)?
            }
            "string" => DataType::Utf8,
            "char" | "character" | "varchar" => {
                self.eat_word("VARYING");
                self.modifiers()?;
                DataType::Utf8
            }
            "binary" | "varbinary" => {
                self.modifiers()?;
                DataType::Binary
            }
            "date" => DataType::Date32,
            "timestamp" | "timestamp_ltz" => {
                if self.eat_word("WITHOUT") {
                    self.expect_words(&["TIME", "ZONE"])?;
                    DataType::Timestamp(TimeUnit::Microsecond, None)
                } else {
                    if self.eat_word("WITH") {
                        self.eat_word("LOCAL");
                        self.expect_words(&["TIME", "ZONE"])?;
                    }
                    DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from(self.tz)))
                }
            }
            "timestamp_ntz" => DataType::Timestamp(TimeUnit::Microsecond, None),
            "void" => DataType::Null,
            "interval" => {
                let t = self.interval()?;
                return Ok((t.arrow_type(), Some(t)));
            }
            "array" => {
                self.expect(&Tok::Punct('<'))?;
                let (inner, it) = self.spark_type()?;
                self.expect(&Tok::Punct('>'))?;
                DataType::List(Arc::new(annotated(Field::new("item", inner, true), it)))
            }
            "map" => {
                self.expect(&Tok::Punct('<'))?;
                let (k, kt) = self.spark_type()?;
                self.expect(&Tok::Punct(','))?;
                let (v, vt) = self.spark_type()?;
                self.expect(&Tok::Punct('>'))?;
                let entries =
                    Fields::from(vec![annotated(Field::new("key", k, false), kt), annotated(Field::new("value", v, true), vt)]);
                DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)
            }
            "struct" => {
                self.expect(&Tok::Punct('<'))?;
                let mut fields = Vec::new();
                if !self.eat(&Tok::Punct('>')) {
                    loop {
                        fields.push(self.field()?);
                        if !self.eat(&Tok::Punct(',')) {
                            break;
                        }
                    }
                    self.expect(&Tok::Punct('>'))?;
                }
                DataType::Struct(Fields::from(fields))
            }
            _ => {
                return Err(other(
                    "UNSUPPORTED_DATATYPE",
                    "0A000",
                    format!("Unsupported data type \"{}\".", name.to_ascii_uppercase()),
                ))
            }
        };
        Ok((dt, None))
    }

    fn expect_words(&mut self, words: &[&str]) -> Result<()> {
        for w in words {
            if !self.eat_word(w) {
                return Err(self.error_here());
            }
        }
        Ok(())
    }
}

/// `field` marked with its Spark interval type, if any.
fn annotated(field: Field, interval: Option<IntervalType>) -> Field {
    match interval {
        Some(t) => t.annotate(field),
        None => field,
    }
}

fn decimal(p: u64, s: u64) -> Result<DataType> {
    if p == 0 || p > 38 {
        return Err(other(
            "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
            "22003",
            format!("Decimal precision {p} exceeds max precision 38."),
        ));
    }
    if s > p {
        return Err(ember_common::Error::invalid_argument(format!(
            "Decimal scale ({s}) cannot be greater than precision ({p})."
        )));
    }
    Ok(DataType::Decimal128(p as u8, s as i8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_common::types::catalog_string;

    fn name(s: &str) -> String {
        parse_data_type(s).map(|t| catalog_string(&t)).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn spark_type_names() {
        assert_eq!(name("INT"), "int");
        assert_eq!(name("long"), "bigint");
        assert_eq!(name("byte"), "tinyint");
        assert_eq!(name("short"), "smallint");
        assert_eq!(name("real"), "float");
        assert_eq!(name("DOUBLE PRECISION"), "double");
        assert_eq!(name("dec"), "decimal(10,0)");
        assert_eq!(name("numeric(5)"), "decimal(5,0)");
        assert_eq!(name("DECIMAL(10,2)"), "decimal(10,2)");
        assert_eq!(name("varchar(10)"), "string");
        assert_eq!(name("CHARACTER VARYING(3)"), "string");
        assert_eq!(name("timestamp"), "timestamp");
        assert_eq!(name("timestamp_ntz"), "timestamp_ntz");
        assert_eq!(name("array<map<string, int>>"), "array<map<string,int>>");
        assert_eq!(name("STRUCT<a INT, `b c`: STRING>"), "struct<a:int,b c:string>");
        assert_eq!(name("struct<>"), "struct<>");
    }

    #[test]
    fn interval_types() {
        assert_eq!(name("interval day to hour"), "interval day to second");
        let (dt, t) = parse_cast_type_with_tz("INTERVAL DAY TO HOUR", "UTC").unwrap();
        assert_eq!((dt, t.map(|t| t.catalog_string())), (DataType::Duration(TimeUnit::Microsecond), Some("interval day to hour".into())));
        assert_eq!(parse_cast_type_with_tz("interval month", "UTC").unwrap().1.map(|t| t.catalog_string()), Some("interval month".into()));
        assert!(name("interval hour to day").contains("UNSUPPORTED_FROM_TO_EXPRESSION"));
        assert!(name("interval fortnight").contains("PARSE_SYNTAX_ERROR"));
        // fields of interval types name them in their metadata, nested ones too
        let s = parse_ddl_schema("i INTERVAL HOUR, a ARRAY<INTERVAL MINUTE>, d INTERVAL DAY").unwrap();
        let names: Vec<String> = s.fields().iter().map(|f| ember_common::types::field_catalog_string(f)).collect();
        assert_eq!(names, ["interval hour", "array<interval minute>", "interval day"]);
    }

    #[test]
    fn session_time_zone() {
        let t = parse_data_type_with_tz("timestamp", "Europe/Paris").unwrap();
        assert_eq!(t, DataType::Timestamp(TimeUnit::Microsecond, Some("Europe/Paris".into())));
    }

    #[test]
    fn bad_types() {
        assert!(name("decimal(39,0)").contains("DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"));
        assert!(name("decimal(2,3)").contains("cannot be greater"));
        assert!(name("foo").contains("[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\"."));
        assert!(name("array<int").contains("end of input"));
        assert!(name("int int").contains("at or near 'int'"));
        assert!(name("").contains("PARSE_SYNTAX_ERROR"));
    }

    #[test]
    fn ddl_schemas() {
        let s = parse_ddl_schema("a INT, `b` STRING NOT NULL COMMENT 'x', c array<int>").unwrap();
        assert_eq!(s.fields().len(), 3);
        assert_eq!(s.field(1).name(), "b");
        assert!(!s.field(1).is_nullable());
        assert!(parse_ddl_schema("a").is_err());
        assert!(parse_ddl_schema("a int,").is_err());
    }
}
