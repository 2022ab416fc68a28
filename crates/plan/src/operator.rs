//! Binary operators of expressions, with Spark's SQL spelling.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    Plus,
    Minus,
    Multiply,
    /// `/`: always fractional (double or decimal) in Spark
    Divide,
    /// `div`: integral division
    IntDivide,
    Modulo,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    /// `<=>`: equality where NULL equals NULL
    NullSafeEq,
    And,
    Or,
    /// `||` on strings
    StringConcat,
    /// `+` of a date or timestamp and an interval (Spark's `TimeAdd`, `DateAddYMInterval`,
    /// `TimestampAddYMInterval`), datetime first: shown without parentheses, as Spark
    /// does (`d + INTERVAL '1' MONTH`).
    DatetimeAdd,
    /// `-` of an interval from a date or timestamp (Spark's `DatetimeSub`), shown
    /// without parentheses (`d - INTERVAL '1' MONTH`).
    DatetimeSub,
}

impl Operator {
    pub fn is_comparison(&self) -> bool {
        matches!(self, Operator::Eq | Operator::NotEq | Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq | Operator::NullSafeEq)
    }
    pub fn is_arithmetic(&self) -> bool {
        matches!(
            self,
            Operator::Plus
                | Operator::Minus
                | Operator::Multiply
                | Operator::Divide
                | Operator::IntDivide
                | Operator::Modulo
                | Operator::DatetimeAdd
                | Operator::DatetimeSub
        )
    }
    /// The arithmetic this operator computes: `+` for [`Operator::DatetimeAdd`], `-` for
    /// [`Operator::DatetimeSub`], itself otherwise.
    pub fn as_arithmetic(&self) -> Operator {
        match self {
            Operator::DatetimeAdd => Operator::Plus,
            Operator::DatetimeSub => Operator::Minus,
            other => *other,
        }
    }
    pub fn is_logical(&self) -> bool {
        matches!(self, Operator::And | Operator::Or)
    }
    /// The operator with sides swapped (`a < b` ⇔ `b > a`), for comparisons.
    pub fn swap(&self) -> Option<Operator> {
        Some(match self {
            Operator::Eq => Operator::Eq,
            Operator::NotEq => Operator::NotEq,
            Operator::Lt => Operator::Gt,
            Operator::LtEq => Operator::GtEq,
            Operator::Gt => Operator::Lt,
            Operator::GtEq => Operator::LtEq,
            Operator::NullSafeEq => Operator::NullSafeEq,
            _ => return None,
        })
    }
    /// The negated comparison (`a < b` ⇔ `NOT a >= b`), for NOT pushdown.
    pub fn negate(&self) -> Option<Operator> {
        Some(match self {
            Operator::Eq => Operator::NotEq,
            Operator::NotEq => Operator::Eq,
            Operator::Lt => Operator::GtEq,
            Operator::LtEq => Operator::Gt,
            Operator::Gt => Operator::LtEq,
            Operator::GtEq => Operator::Lt,
            _ => return None,
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Operator::Plus => "+",
            Operator::Minus => "-",
            Operator::Multiply => "*",
            Operator::Divide => "/",
            Operator::IntDivide => "div",
            Operator::Modulo => "%",
            Operator::Eq => "=",
            Operator::NotEq => "!=",
            Operator::Lt => "<",
            Operator::LtEq => "<=",
            Operator::Gt => ">",
            Operator::GtEq => ">=",
            Operator::NullSafeEq => "<=>",
            Operator::And => "AND",
            Operator::Or => "OR",
            Operator::StringConcat => "||",
            Operator::DatetimeAdd => "+",
            Operator::DatetimeSub => "-",
        };
        write!(f, "{s}")
    }
}
