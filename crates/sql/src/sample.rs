//! `TABLESAMPLE` as Spark reads it: `t TABLESAMPLE (…) [REPEATABLE (seed)] [alias]` and
//! `(query) TABLESAMPLE (…) … alias`. `n ROWS` is a `Limit`; `x PERCENT` and `BUCKET a
//! OUT OF b` are a `Sample` of fraction `x / 100` or `a / b` (Spark's `AstBuilder.
//! withSample`), seeded by `REPEATABLE` or, without it, by a random number below 1000.
//!
//! Spark writes the sample before the alias; sqlparser reads a derived table's sample
//! only after its alias. [`move_derived_samples`] swaps them before parsing and spells
//! the moved keyword `SAMPLE`, so the binder tells a moved clause (Spark's order) from
//! one written after the alias (a syntax error in Spark).

use ember_common::{Error, Result, Span};
use ember_plan::{LogicalPlan, LogicalPlanBuilder, Sample, SampleMethod};
use sqlparser::ast::{self, TableSampleKind, TableSampleModifier, TableSampleSeedModifier, TableSampleUnit};
use sqlparser::keywords::{Keyword, RESERVED_FOR_TABLE_ALIAS};
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use crate::binder::Binder;
use crate::errors::{syntax_error, ResultExt};

/// Where a sample clause was written.
pub(crate) enum SamplePlace {
    /// After a table name (`t TABLESAMPLE (…) alias`).
    Table,
    /// After a derived table (`(query) TABLESAMPLE (…) alias`).
    Derived,
    /// After a table-valued function call, where Spark has no sample clause.
    Function,
}

/// Spark's `RandomSampler.roundingEpsilon`: fractions this far outside [0, 1] are accepted.
const ROUNDING_EPSILON: f64 = 1e-6;

impl Binder<'_> {
    /// `plan` sampled as `kind` says, or the syntax error Spark gives for a clause in
    /// the wrong place; errors point at `span` (the sampled relation).
    pub(crate) fn bind_sample(&self, plan: LogicalPlan, kind: &TableSampleKind, place: SamplePlace, span: Span) -> Result<LogicalPlan> {
        let (sample, in_spark_order) = match (kind, &place) {
            (TableSampleKind::BeforeTableAlias(s), SamplePlace::Table) => (s, s.modifier == TableSampleModifier::TableSample),
            (TableSampleKind::AfterTableAlias(s), SamplePlace::Derived) => (s, s.modifier == TableSampleModifier::Sample),
            (TableSampleKind::BeforeTableAlias(s) | TableSampleKind::AfterTableAlias(s), _) => (s, false),
        };
        if !in_spark_order || sample.name.is_some() || sample.offset.is_some() {
            return Err(syntax_error("Syntax error at or near 'TABLESAMPLE'.")).at(span);
        }
        let seed = match &sample.seed {
            Some(s) if s.modifier == TableSampleSeedModifier::Repeatable => match s.value.to_string().parse::<i64>() {
                Ok(v) => v,
                Err(_) => return Err(syntax_error(format!("Syntax error at or near '{}'.", s.value))).at(span),
            },
            Some(_) => return Err(syntax_error("Syntax error at or near 'SEED'.")).at(span),
            None => random_seed(),
        };
        let fraction = match (&sample.quantity, &sample.bucket) {
            (Some(q), None) => match q.unit {
                Some(TableSampleUnit::Rows) => {
                    let n = self.limit_value(&q.value, "limit", plan.schema())?;
                    return Ok(LogicalPlanBuilder::from(plan).limit(0, Some(n))?.build());
                }
                Some(TableSampleUnit::Percent) => percent(&q.value).ok_or_else(|| syntax_error("Syntax error at or near 'PERCENT'.")).at(span)? / 100.0,
                None => return Err(by_bytes(&q.value)).at(span),
            },
            (None, Some(b)) => {
                if let Some(on) = &b.on {
                    let what = if matches!(on, ast::Expr::Function(_)) { "function" } else { "colname" };
                    return Err(Error::legacy("_LEGACY_ERROR_TEMP_0015", format!("TABLESAMPLE(BUCKET x OUT OF y ON {what}) is not supported."))).at(span);
                }
                let (num, den) = (b.bucket.to_string().parse::<f64>(), b.total.to_string().parse::<f64>());
                match (num, den) {
                    (Ok(n), Ok(d)) => n / d,
                    _ => return Err(syntax_error("Syntax error at or near 'BUCKET'.")).at(span),
                }
            }
            _ => return Err(Error::legacy("_LEGACY_ERROR_TEMP_0014", "TABLESAMPLE does not accept empty inputs.")).at(span),
        };
        if !(fraction >= -ROUNDING_EPSILON && fraction <= 1.0 + ROUNDING_EPSILON) {
            let shown = ember_plan::format::format_f64(fraction);
            return Err(Error::legacy("_LEGACY_ERROR_TEMP_0064", format!("Sampling fraction ({shown}) must be on interval [0, 1]"))).at(span);
        }
        let upper = fraction.clamp(0.0, 1.0);
        let sample = Sample::try_new(SampleMethod::Bernoulli { lower: 0.0, upper }, seed, plan.into())?;
        Ok(LogicalPlan::Sample(sample))
    }
}

/// The percentage of `x PERCENT`: a number literal, optionally negated (Spark's grammar
/// takes nothing else).
fn percent(e: &ast::Expr) -> Option<f64> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => percent(expr).map(|p| -p),
        _ => None,
    }
}

/// `TABLESAMPLE (100M)`: a byte length, which Spark parses but does not support.
fn by_bytes(e: &ast::Expr) -> Error {
    let text = e.to_string();
    let mut chars = text.chars();
    let unit = chars.next_back();
    let digits = chars.as_str();
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && unit.is_some_and(|u| "bBkKmMgG".contains(u)) {
        Error::legacy("_LEGACY_ERROR_TEMP_0015", "TABLESAMPLE(byteLengthLiteral) is not supported.")
    } else {
        Error::legacy("_LEGACY_ERROR_TEMP_0016", format!("{text} is not a valid byte length literal, expected syntax: DIGIT+ ('B' | 'K' | 'M' | 'G')."))
    }
}

/// Spark's seed for a sample without `REPEATABLE`: `(math.random * 1000).toInt`.
fn random_seed() -> i64 {
    ember_common::random::fresh_seed().rem_euclid(1000)
}

fn word(value: &str, keyword: Keyword) -> Token {
    Token::Word(Word { value: value.into(), quote_style: None, keyword })
}

fn is_keyword(t: Option<&TokenWithSpan>, kw: Keyword) -> bool {
    matches!(t.map(|t| &t.token), Some(Token::Word(w)) if w.keyword == kw && w.quote_style.is_none())
}

/// The index just past the parenthesized group starting at `i` (`tokens[i]` is `(`).
fn past_parens(tokens: &[TokenWithSpan], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while let Some(t) = tokens.get(j) {
        j += 1;
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    j
}

/// `tokens` with every `) TABLESAMPLE (…) [REPEATABLE (…)] [AS] alias [(columns)]`
/// rewritten as `) [AS] alias [(columns)] SAMPLE (…) [REPEATABLE (…)]`.
pub(crate) fn move_derived_samples(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let after_paren = matches!(out.last().map(|t| &t.token), Some(Token::RParen));
        if !(after_paren && is_keyword(tokens.get(i), Keyword::TABLESAMPLE) && matches!(tokens.get(i + 1).map(|t| &t.token), Some(Token::LParen))) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        let mut clause = vec![TokenWithSpan::new(word("SAMPLE", Keyword::SAMPLE), tokens[i].span)];
        let mut j = past_parens(&tokens, i + 1);
        clause.extend_from_slice(&tokens[i + 1..j]);
        if is_keyword(tokens.get(j), Keyword::REPEATABLE) && matches!(tokens.get(j + 1).map(|t| &t.token), Some(Token::LParen)) {
            let end = past_parens(&tokens, j + 1);
            clause.extend_from_slice(&tokens[j..end]);
            j = end;
        }
        let alias_start = j;
        if is_keyword(tokens.get(j), Keyword::AS) {
            j += 1;
        }
        let is_alias = |t: Option<&TokenWithSpan>| match t.map(|t| &t.token) {
            Some(Token::Word(w)) => w.quote_style.is_some() || !RESERVED_FOR_TABLE_ALIAS.contains(&w.keyword),
            _ => false,
        };
        if is_alias(tokens.get(j)) {
            j += 1;
            if matches!(tokens.get(j).map(|t| &t.token), Some(Token::LParen)) {
                j = past_parens(&tokens, j);
            }
            out.extend_from_slice(&tokens[alias_start..j]);
        } else {
            j = alias_start;
        }
        out.extend(clause);
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(sql: &str) -> String {
        let tokens = crate::parser::tokenize(sql).unwrap();
        move_derived_samples(tokens).iter().map(|t| t.token.to_string()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn moves_a_derived_tables_sample_after_its_alias() {
        assert_eq!(
            rewrite("SELECT * FROM (SELECT 1) TABLESAMPLE (5 ROWS) REPEATABLE (3) AS t(a) WHERE a > 0"),
            "SELECT * FROM ( SELECT 1 ) AS t ( a ) SAMPLE ( 5 ROWS ) REPEATABLE ( 3 ) WHERE a > 0"
        );
        assert_eq!(rewrite("SELECT * FROM (SELECT 1) TABLESAMPLE (BUCKET 1 OUT OF 2)"), "SELECT * FROM ( SELECT 1 ) SAMPLE ( BUCKET 1 OUT OF 2 )");
        assert_eq!(rewrite("SELECT * FROM t TABLESAMPLE (1 PERCENT) s"), "SELECT * FROM t TABLESAMPLE ( 1 PERCENT ) s");
        assert_eq!(rewrite("SELECT tablesample FROM t"), "SELECT tablesample FROM t");
    }
}
