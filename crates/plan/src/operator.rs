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
}

impl Operator {
    pub fn is_comparison(&self) -> bool {
        matches!(self, Operator::Eq | Operator::NotEq | Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq | Operator::NullSafeEq)
    }
    pub fn is_arithmetic(&self) -> bool {
        matches!(self, Operator::Plus | Operator::Minus | Operator::Multiply | Operator::Divide | Operator::IntDivide | Operator::Modulo)
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
        };
        write!(f, "{s}")
    }
}
