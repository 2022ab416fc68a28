//! `Column`: a DataFrame expression, as in Spark (`col("x").gt(lit(3))`). Wraps a
//! logical `Expr`, plus a sort direction when used in `order_by`.

use std::ops;

use arrow::datatypes::DataType;
use ember_plan::expr::{Case, InList, Like};
use ember_plan::{Expr, Operator, ScalarValue, SortExpr};

use crate::functions::deferred_error;

/// A column expression of a DataFrame.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub(crate) expr: Expr,
    /// `(ascending, nulls_first)` when built with `asc()`/`desc()`…
    pub(crate) sort: Option<(bool, bool)>,
}

impl Column {
    pub fn from_expr(expr: Expr) -> Self {
        Column { expr, sort: None }
    }

    /// The logical expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    pub fn into_expr(self) -> Expr {
        self.expr
    }

    pub(crate) fn to_sort_expr(&self) -> SortExpr {
        let (asc, nulls_first) = self.sort.unwrap_or((true, true));
        SortExpr { expr: self.expr.clone(), asc, nulls_first }
    }

    fn binary(self, op: Operator, other: impl Into<Column>) -> Column {
        Column::from_expr(Expr::binary(self.expr, op, other.into().expr))
    }

    /// `self > other`
    pub fn gt(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Gt, other)
    }
    /// `self >= other`
    pub fn geq(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::GtEq, other)
    }
    /// `self < other`
    pub fn lt(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Lt, other)
    }
    /// `self <= other`
    pub fn leq(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::LtEq, other)
    }
    /// `self = other` (Spark's `===`)
    pub fn eq(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Eq, other)
    }
    /// `self != other` (Spark's `=!=`)
    pub fn neq(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::NotEq, other)
    }
    /// `self <=> other`: equality where NULL equals NULL
    pub fn eq_null_safe(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::NullSafeEq, other)
    }
    pub fn and(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::And, other)
    }
    pub fn or(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Or, other)
    }
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Column {
        Column::from_expr(Expr::Not(Box::new(self.expr)))
    }
    pub fn plus(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Plus, other)
    }
    pub fn minus(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Minus, other)
    }
    pub fn multiply(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Multiply, other)
    }
    pub fn divide(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Divide, other)
    }
    pub fn modulo(self, other: impl Into<Column>) -> Column {
        self.binary(Operator::Modulo, other)
    }

    /// Names the column (Spark's `alias` / `as`).
    pub fn alias(self, name: &str) -> Column {
        Column { expr: self.expr.alias(name), sort: self.sort }
    }

    /// Same as [`Column::alias`].
    pub fn name(self, name: &str) -> Column {
        self.alias(name)
    }

    /// `self[key]`: the element at 0-based index `key` of an array, or the value of map key `key`.
    pub fn get_item(self, key: impl Into<Column>) -> Column {
        crate::functions::call_function("get_item", vec![self, key.into()])
    }

    /// `self.name`: a field of a struct.
    pub fn get_field(self, name: &str) -> Column {
        crate::functions::call_function("get_field", vec![self, crate::functions::lit(name)])
    }

    /// `CAST(self AS type)`; `to` is a Spark type name (`"int"`, `"decimal(10,2)"`).
    pub fn cast(self, to: &str) -> Column {
        match ember_sql::parse_data_type(to) {
            Ok(dt) => self.cast_to(dt),
            Err(e) => Column::from_expr(deferred_error(e)),
        }
    }

    /// `CAST(self AS type)` with an Arrow type.
    pub fn cast_to(self, data_type: DataType) -> Column {
        Column::from_expr(self.expr.cast_to(data_type))
    }

    pub fn is_null(self) -> Column {
        Column::from_expr(Expr::IsNull(Box::new(self.expr)))
    }
    pub fn is_not_null(self) -> Column {
        Column::from_expr(Expr::IsNotNull(Box::new(self.expr)))
    }

    /// `self IN (values…)` with literal values (Spark's `isin`).
    pub fn is_in<I, V>(self, values: I) -> Column
    where
        I: IntoIterator<Item = V>,
        V: Into<ScalarValue>,
    {
        self.is_in_cols(values.into_iter().map(|v| Column::from_expr(Expr::Literal(v.into()))))
    }

    /// `self IN (exprs…)` with column expressions.
    pub fn is_in_cols<I, C>(self, values: I) -> Column
    where
        I: IntoIterator<Item = C>,
        C: Into<Column>,
    {
        let list = values.into_iter().map(|v| v.into().expr).collect();
        Column::from_expr(Expr::InList(InList { expr: Box::new(self.expr), list, negated: false }))
    }

    /// `self BETWEEN low AND high`.
    pub fn between(self, low: impl Into<Column>, high: impl Into<Column>) -> Column {
        let e = self.expr;
        Column::from_expr(e.clone().gt_eq(low.into().expr).and(e.lt_eq(high.into().expr)))
    }

    /// SQL `LIKE` with `%` and `_`.
    pub fn like(self, pattern: &str) -> Column {
        Column::from_expr(Expr::Like(Like {
            negated: false,
            expr: Box::new(self.expr),
            pattern: Box::new(Expr::Literal(ScalarValue::from(pattern))),
            escape_char: Some('\\'),
            case_insensitive: false,
        }))
    }

    /// Case-insensitive `LIKE`.
    pub fn ilike(self, pattern: &str) -> Column {
        let mut c = self.like(pattern);
        if let Expr::Like(l) = &mut c.expr {
            l.case_insensitive = true;
        }
        c
    }

    /// `substring(self, pos, len)` (1-based, as Spark).
    pub fn substr(self, pos: i32, len: i32) -> Column {
        crate::functions::substring(self, pos, len)
    }

    /// Adds a branch to a `when(…)` chain.
    pub fn when(self, condition: Column, value: impl Into<Column>) -> Column {
        match self.expr {
            Expr::Case(mut c) if c.else_expr.is_none() => {
                c.when_then.push((condition.expr, value.into().expr));
                Column::from_expr(Expr::Case(c))
            }
            other => Column::from_expr(deferred_error(ember_common::Error::invalid_argument(format!(
                "when() can only be applied on a Column previously generated by when() function, not on {other}"
            )))),
        }
    }

    /// The value when no branch of a `when(…)` chain matches.
    pub fn otherwise(self, value: impl Into<Column>) -> Column {
        match self.expr {
            Expr::Case(c) if c.else_expr.is_none() => Column::from_expr(Expr::Case(Case {
                operand: c.operand,
                when_then: c.when_then,
                else_expr: Some(Box::new(value.into().expr)),
            })),
            other => Column::from_expr(deferred_error(ember_common::Error::invalid_argument(format!(
                "otherwise() can only be applied once on a Column previously generated by when(), not on {other}"
            )))),
        }
    }

    pub fn asc(self) -> Column {
        Column { sort: Some((true, true)), ..self }
    }
    pub fn asc_nulls_first(self) -> Column {
        Column { sort: Some((true, true)), ..self }
    }
    pub fn asc_nulls_last(self) -> Column {
        Column { sort: Some((true, false)), ..self }
    }
    pub fn desc(self) -> Column {
        Column { sort: Some((false, false)), ..self }
    }
    pub fn desc_nulls_first(self) -> Column {
        Column { sort: Some((false, true)), ..self }
    }
    pub fn desc_nulls_last(self) -> Column {
        Column { sort: Some((false, false)), ..self }
    }
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.expr)
    }
}

impl From<Expr> for Column {
    fn from(e: Expr) -> Self {
        Column::from_expr(e)
    }
}

/// A bare string is a column name, as in `df.select(["a", "b"])`.
impl From<&str> for Column {
    fn from(name: &str) -> Self {
        crate::functions::col(name)
    }
}

impl From<&String> for Column {
    fn from(name: &String) -> Self {
        crate::functions::col(name)
    }
}

macro_rules! literal_into_column {
    ($($t:ty),*) => {$(
        impl From<$t> for Column {
            fn from(v: $t) -> Self {
                crate::functions::lit(v)
            }
        }
    )*};
}
literal_into_column!(i32, i64, f64, bool);

impl From<ScalarValue> for Column {
    fn from(v: ScalarValue) -> Self {
        Column::from_expr(Expr::Literal(v))
    }
}

macro_rules! binary_trait {
    ($tr:ident, $method:ident, $op:expr) => {
        impl<T: Into<Column>> ops::$tr<T> for Column {
            type Output = Column;
            fn $method(self, rhs: T) -> Column {
                self.binary($op, rhs)
            }
        }
    };
}
binary_trait!(Add, add, Operator::Plus);
binary_trait!(Sub, sub, Operator::Minus);
binary_trait!(Mul, mul, Operator::Multiply);
binary_trait!(Div, div, Operator::Divide);
binary_trait!(Rem, rem, Operator::Modulo);

impl ops::Neg for Column {
    type Output = Column;
    fn neg(self) -> Column {
        Column::from_expr(Expr::Negative(Box::new(self.expr)))
    }
}

impl ops::Not for Column {
    type Output = Column;
    fn not(self) -> Column {
        Column::from_expr(Expr::Not(Box::new(self.expr)))
    }
}
