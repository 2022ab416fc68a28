//! `EmberDialect`: sqlparser's Spark dialect plus the Spark lexing rules it lacks
//! (backslash escapes in string literals, adjacent string literals concatenated) and
//! Spark's keywords as trailing table aliases.

use std::any::TypeId;

use sqlparser::ast::{DateTimeField, Expr, ExtractSyntax, Ident, ObjectName};
use sqlparser::dialect::{Dialect, SparkSqlDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// Spark SQL as Ember parses it. Parser code that checks `dialect_of!(… SparkSqlDialect)`
/// sees this dialect as Spark's.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmberDialect;

/// The one dialect instance the binder uses.
pub static DIALECT: EmberDialect = EmberDialect;

const SPARK: SparkSqlDialect = SparkSqlDialect {};

impl Dialect for EmberDialect {
    fn dialect(&self) -> TypeId {
        TypeId::of::<SparkSqlDialect>()
    }
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        SPARK.is_delimited_identifier_start(ch)
    }
    fn identifier_quote_style(&self, identifier: &str) -> Option<char> {
        SPARK.identifier_quote_style(identifier)
    }
    fn is_identifier_start(&self, ch: char) -> bool {
        SPARK.is_identifier_start(ch)
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        SPARK.is_identifier_part(ch)
    }
    fn supports_filter_during_aggregation(&self) -> bool {
        true
    }
    fn supports_group_by_expr(&self) -> bool {
        true
    }
    fn supports_group_by_with_modifier(&self) -> bool {
        true
    }
    fn supports_lambda_functions(&self) -> bool {
        true
    }
    fn supports_select_wildcard_except(&self) -> bool {
        true
    }
    fn supports_struct_literal(&self) -> bool {
        true
    }
    fn supports_nested_comments(&self) -> bool {
        true
    }
    fn supports_create_table_using(&self) -> bool {
        true
    }
    fn supports_long_type_as_bigint(&self) -> bool {
        true
    }
    fn supports_values_as_table_factor(&self) -> bool {
        true
    }
    /// `t TABLESAMPLE (…) alias`, as Spark's grammar has it.
    fn supports_table_sample_before_alias(&self) -> bool {
        true
    }
    /// Spark allows `INTERVAL '2 days 3 hours'` without a unit after the string.
    fn require_interval_qualifier(&self) -> bool {
        false
    }
    /// `INTERVAL DAY TO HOUR` as a type (`CAST(x AS INTERVAL HOUR)`).
    fn supports_interval_options(&self) -> bool {
        true
    }
    /// `FROM t |> WHERE … |> SELECT …`
    fn supports_pipe_operator(&self) -> bool {
        true
    }
    /// `FROM t SELECT a` and a bare `FROM t` (pipe syntax starts with one).
    fn supports_from_first_select(&self) -> bool {
        true
    }
    fn supports_bang_not_operator(&self) -> bool {
        true
    }
    fn supports_select_item_multi_column_alias(&self) -> bool {
        true
    }
    fn supports_cte_without_as(&self) -> bool {
        true
    }
    fn supports_map_literal_with_angle_brackets(&self) -> bool {
        true
    }
    /// Spark unescapes `\n`, `\'`, `\\`, … inside string literals.
    fn supports_string_literal_backslash_escape(&self) -> bool {
        true
    }
    /// `'a' 'b'` is `'ab'` in Spark.
    fn supports_string_literal_concatenation(&self) -> bool {
        true
    }
    /// `EXTRACT(field FROM x)` with the field as written: Spark keeps its case in column
    /// names (`extract(year FROM d)`), and an unknown field is its `INVALID_EXTRACT_FIELD`,
    /// not a syntax error.
    fn parse_prefix(&self, parser: &mut Parser) -> Option<Result<Expr, ParserError>> {
        let word = |n: usize| match parser.peek_nth_token(n).token {
            Token::Word(w) => Some(w),
            _ => None,
        };
        // `exists(array, x -> …)` is the higher-order function; `EXISTS (SELECT …)` a subquery.
        if let (Some(e), Token::LParen) = (word(0), parser.peek_nth_token(1).token) {
            let query = matches!(word(2), Some(w) if matches!(w.keyword, Keyword::SELECT | Keyword::WITH | Keyword::VALUES | Keyword::FROM))
                || parser.peek_nth_token(2).token == Token::LParen;
            if e.keyword == Keyword::EXISTS && !query {
                parser.next_token();
                return Some(parser.parse_function(ObjectName::from(vec![Ident::new(e.value)])));
            }
        }
        let field = match (word(0), parser.peek_nth_token(1).token, word(2), word(3)) {
            (Some(e), Token::LParen, Some(field), Some(from)) if e.keyword == Keyword::EXTRACT && from.keyword == Keyword::FROM => field,
            _ => return None,
        };
        for _ in 0..4 {
            parser.next_token();
        }
        Some(parser.parse_expr().and_then(|expr| {
            parser.expect_token(&Token::RParen)?;
            Ok(Expr::Extract { field: DateTimeField::Custom(Ident::new(field.value)), syntax: ExtractSyntax::From, expr: Box::new(expr) })
        }))
    }
    /// Spark (without `spark.sql.ansi.enforceReservedKeywords`) takes any keyword as a
    /// table alias where nothing could follow it as a clause: `FROM t WHERE` ends in
    /// the alias `WHERE`. The keyword is already consumed when this is asked.
    fn is_table_factor_alias(&self, explicit: bool, kw: &Keyword, parser: &mut Parser) -> bool {
        explicit
            || SPARK.is_table_factor_alias(false, kw, parser)
            || matches!(parser.peek_token_ref().token, Token::EOF | Token::RParen | Token::SemiColon)
    }
    /// `a DIV b` (integral division).
    fn parse_infix(&self, parser: &mut Parser, expr: &Expr, precedence: u8) -> Option<Result<Expr, ParserError>> {
        SPARK.parse_infix(parser, expr, precedence)
    }
}
