//! Spark's implicit type coercion, stated once: the common type of two types, the
//! operand and result types of binary operators, and decimal precision rules.
//! Expression typing (`Expr::data_type`) and the analyzer's coercion rule both use
//! these functions, so a plan's schema does not change when casts are inserted.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, TimeUnit};
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::interval;
use crate::operator::Operator;

/// Spark's maximum decimal precision.
pub const MAX_PRECISION: u8 = 38;
/// The scale Spark keeps at least when a decimal result must lose precision.
pub const MIN_ADJUSTED_SCALE: i8 = 6;

pub fn is_numeric(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::Float32 | DataType::Float64 | DataType::Decimal128(_, _)
    )
}

pub fn is_integral(dt: &DataType) -> bool {
    matches!(dt, DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64)
}

pub fn is_string(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

pub fn is_decimal(dt: &DataType) -> bool {
    matches!(dt, DataType::Decimal128(_, _))
}

fn is_datetime(dt: &DataType) -> bool {
    matches!(dt, DataType::Date32 | DataType::Timestamp(_, _))
}

/// The decimal type an integral type widens to (Spark's `DecimalType.forType`).
pub fn decimal_for_integral(dt: &DataType) -> Option<(u8, i8)> {
    Some(match dt {
        DataType::Int8 => (3, 0),
        DataType::Int16 => (5, 0),
        DataType::Int32 => (10, 0),
        DataType::Int64 => (20, 0),
        DataType::Decimal128(p, s) => (*p, *s),
        _ => return None,
    })
}

/// Spark's `DecimalType.adjustPrecisionScale` with precision loss allowed.
pub fn adjust_precision_scale(precision: i32, scale: i32) -> DataType {
    if precision <= MAX_PRECISION as i32 {
        return DataType::Decimal128(precision.max(1) as u8, scale as i8);
    }
    let int_digits = precision - scale;
    let min_scale = scale.min(MIN_ADJUSTED_SCALE as i32);
    let adjusted = (MAX_PRECISION as i32 - int_digits).max(min_scale);
    DataType::Decimal128(MAX_PRECISION, adjusted as i8)
}

/// Caps a decimal at 38 digits without trading scale (Spark's `DecimalType.bounded`).
pub fn bounded_decimal(precision: i32, scale: i32) -> DataType {
    DataType::Decimal128(precision.min(MAX_PRECISION as i32).max(1) as u8, scale.min(MAX_PRECISION as i32) as i8)
}

fn numeric_rank(dt: &DataType) -> u8 {
    match dt {
        DataType::Int8 => 1,
        DataType::Int16 => 2,
        DataType::Int32 => 3,
        DataType::Int64 => 4,
        DataType::Decimal128(_, _) => 5,
        DataType::Float32 => 6,
        DataType::Float64 => 7,
        _ => 0,
    }
}

/// The wider of two numeric types (Spark's `findWiderTypeForTwo` on numbers).
fn wider_numeric(a: &DataType, b: &DataType) -> DataType {
    match (a, b) {
        (DataType::Decimal128(_, _), _) | (_, DataType::Decimal128(_, _)) if is_decimal_compatible(a) && is_decimal_compatible(b) => {
            let (p1, s1) = decimal_for_integral(a).unwrap_or((38, 0));
            let (p2, s2) = decimal_for_integral(b).unwrap_or((38, 0));
            let scale = s1.max(s2) as i32;
            let range = (p1 as i32 - s1 as i32).max(p2 as i32 - s2 as i32);
            bounded_decimal(range + scale, scale)
        }
        (DataType::Decimal128(_, _), DataType::Float32) | (DataType::Float32, DataType::Decimal128(_, _)) => DataType::Float64,
        _ => {
            if numeric_rank(a) >= numeric_rank(b) {
                a.clone()
            } else {
                b.clone()
            }
        }
    }
}

fn is_decimal_compatible(dt: &DataType) -> bool {
    is_integral(dt) || is_decimal(dt)
}

/// The common type two values are converted to when they meet in `CASE`, `COALESCE`,
/// `IN`, `UNION` or a comparison; `None` if Spark has none.
pub fn common_type(a: &DataType, b: &DataType) -> Option<DataType> {
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (DataType::Null, other) | (other, DataType::Null) => Some(other.clone()),
        _ if is_numeric(a) && is_numeric(b) => Some(wider_numeric(a, b)),
        (DataType::Date32, DataType::Timestamp(u, tz)) | (DataType::Timestamp(u, tz), DataType::Date32) => {
            Some(DataType::Timestamp(*u, tz.clone()))
        }
        // `interval day` widens to `interval day to second`
        (a, b) if crate::interval::is_day_time(a) && crate::interval::is_day_time(b) => Some(crate::interval::DAY_TIME),
        (DataType::Timestamp(_, t1), DataType::Timestamp(_, t2)) => {
            Some(DataType::Timestamp(TimeUnit::Microsecond, t1.clone().or(t2.clone())))
        }
        _ if is_string(a) && is_string(b) => Some(DataType::Utf8),
        // A string meets another atomic type: ANSI Spark casts the string to it
        // (`findWiderTypeForString`): BIGINT for integers, DOUBLE for other numbers.
        _ if is_string(a) && (is_numeric(b) || is_datetime(b) || b == &DataType::Boolean || b == &DataType::Binary) => {
            Some(string_widening_target(b))
        }
        _ if is_string(b) && (is_numeric(a) || is_datetime(a) || a == &DataType::Boolean || a == &DataType::Binary) => {
            Some(string_widening_target(a))
        }
        (DataType::List(fa), DataType::List(fb)) => {
            let inner = common_type(fa.data_type(), fb.data_type())?;
            Some(DataType::new_list(inner, true))
        }
        (DataType::Map(fa, _), DataType::Map(fb, _)) => match (fa.data_type(), fb.data_type()) {
            (DataType::Struct(ea), DataType::Struct(eb)) if ea.len() == 2 && eb.len() == 2 => {
                let k = common_type(ea[0].data_type(), eb[0].data_type())?;
                let v = common_type(ea[1].data_type(), eb[1].data_type())?;
                let entries = vec![Field::new("key", k, false), Field::new("value", v, true)];
                Some(DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries.into()), false)), false))
            }
            _ => None,
        },
        (DataType::Struct(fa), DataType::Struct(fb))
            if fa.len() == fb.len() && fa.iter().zip(fb.iter()).all(|(x, y)| x.name().eq_ignore_ascii_case(y.name())) =>
        {
            let fields = fa
                .iter()
                .zip(fb.iter())
                .map(|(x, y)| Some(Field::new(x.name(), common_type(x.data_type(), y.data_type())?, true)))
                .collect::<Option<Vec<_>>>()?;
            Some(DataType::Struct(fields.into()))
        }
        _ => None,
    }
}

/// The type a string and a value of `other` widen to under ANSI (Spark's
/// `AnsiTypeCoercion.findWiderTypeForString`).
fn string_widening_target(other: &DataType) -> DataType {
    match other {
        o if is_integral(o) => DataType::Int64,
        o if is_numeric(o) => DataType::Float64,
        o => o.clone(),
    }
}

/// [`common_type`] without promoting a string to the other side's type (Spark's
/// `findWiderTypeWithoutStringPromotion`: inline tables, `array_contains`, …).
pub fn common_type_without_string_promotion(a: &DataType, b: &DataType) -> Option<DataType> {
    if is_string(a) != is_string(b) && *a != DataType::Null && *b != DataType::Null {
        return None;
    }
    common_type(a, b)
}

/// The common type of many types, or `None`.
pub fn common_type_of(types: &[DataType]) -> Option<DataType> {
    let mut it = types.iter();
    let first = it.next()?.clone();
    it.try_fold(first, |acc, t| common_type(&acc, t))
}

/// The type both sides of a comparison are cast to. Unlike [`common_type`], a string
/// compared with a number, date or boolean is cast to that other type (Spark/ANSI).
pub fn comparison_type(a: &DataType, b: &DataType) -> Option<DataType> {
    match (a, b) {
        _ if a == b => Some(a.clone()),
        _ if is_string(a) && (is_numeric(b) || is_datetime(b) || b == &DataType::Boolean) => Some(string_promotion_target(b)),
        _ if is_string(b) && (is_numeric(a) || is_datetime(a) || a == &DataType::Boolean) => Some(string_promotion_target(a)),
        // Structs compare field by field whatever their names (`(a, b) = (1, 2)`,
        // `(a, b) IN ((1, 2))`); the left side's names are kept.
        (DataType::Struct(fa), DataType::Struct(fb)) if fa.len() == fb.len() => {
            let fields = fa
                .iter()
                .zip(fb.iter())
                .map(|(x, y)| Some(Field::new(x.name(), comparison_type(x.data_type(), y.data_type())?, true)))
                .collect::<Option<Vec<_>>>()?;
            Some(DataType::Struct(fields.into()))
        }
        _ => common_type(a, b),
    }
}

fn string_promotion_target(other: &DataType) -> DataType {
    match other {
        // comparing a string with a decimal compares as double in Spark
        DataType::Decimal128(_, _) => DataType::Float64,
        o => o.clone(),
    }
}

/// How a binary operator types its operands and result.
#[derive(Debug, Clone, PartialEq)]
pub struct BinarySignature {
    pub left: DataType,
    pub right: DataType,
    pub result: DataType,
}

fn mismatch(left: &DataType, right: &DataType, expr: &str) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "BINARY_OP_DIFF_TYPES",
        expr: format!("\"{expr}\""),
        message: format!(
            "the left and right operands of the binary operator have incompatible types (\"{}\" and \"{}\").",
            catalog_string(left).to_uppercase(),
            catalog_string(right).to_uppercase()
        ),
    })
}

fn wrong_type(op: Operator, dt: &DataType, required: &str, expr: &str) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "BINARY_OP_WRONG_TYPE",
        expr: format!("\"{expr}\""),
        message: format!(
            "the binary operator requires the input type {required}, not \"{}\" ({op}).",
            catalog_string(dt).to_uppercase()
        ),
    })
}

/// Spark's error for arithmetic on a type it does not accept: when the operands still
/// differ after its string promotion (a string becomes the other side's boolean),
/// BINARY_OP_DIFF_TYPES (`true + 1`, `true + NULL`), else BINARY_OP_WRONG_TYPE
/// (`true + true`, `'1' - true`).
fn arithmetic_mismatch(left: &DataType, op: Operator, right: &DataType, expr: &str) -> Error {
    let promoted = |s: &DataType, other: &DataType| is_string(s) && other == &DataType::Boolean;
    // Date and timestamp arithmetic has rules of its own (date_add, …).
    let temporal = |t: &DataType| is_datetime(t) || crate::interval::is_interval(t);
    if left != right && !promoted(left, right) && !promoted(right, left) && !temporal(left) && !temporal(right) {
        return mismatch(left, right, expr);
    }
    let bad = if arithmetic_operand(left).is_none() { left } else { right };
    wrong_type(op, bad, "(\"NUMERIC\" or \"INTERVAL\")", expr)
}

/// Operand and result types of `left op right`. `expr` names the expression in errors.
pub fn binary_signature(left: &DataType, op: Operator, right: &DataType, expr: &str) -> Result<BinarySignature> {
    use Operator::*;
    let sig = |l: DataType, r: DataType, res: DataType| Ok(BinarySignature { left: l, right: r, result: res });
    match op {
        And | Or => {
            for t in [left, right] {
                if !matches!(t, DataType::Boolean | DataType::Null) {
                    return Err(wrong_type(op, t, "\"BOOLEAN\"", expr));
                }
            }
            sig(DataType::Boolean, DataType::Boolean, DataType::Boolean)
        }
        Eq | NotEq | Lt | LtEq | Gt | GtEq | NullSafeEq => {
            let t = comparison_type(left, right).ok_or_else(|| mismatch(left, right, expr))?;
            sig(t.clone(), t, DataType::Boolean)
        }
        StringConcat => sig(DataType::Utf8, DataType::Utf8, DataType::Utf8),
        Plus | Minus | Multiply | Divide | IntDivide | Modulo | DatetimeAdd | DatetimeSub => {
            arithmetic_signature(left, op, right, expr)
        }
    }
}

fn arithmetic_operand(dt: &DataType) -> Option<DataType> {
    match dt {
        DataType::Null => Some(DataType::Null),
        d if is_numeric(d) => Some(d.clone()),
        // Spark casts strings in arithmetic to double.
        d if is_string(d) => Some(DataType::Float64),
        _ => None,
    }
}

fn arithmetic_signature(left: &DataType, op: Operator, right: &DataType, expr: &str) -> Result<BinarySignature> {
    use Operator::*;
    if matches!(op, DatetimeAdd | DatetimeSub) {
        return crate::datetime_coercion::datetime_operator_signature(left, right, expr);
    }
    if let Some(sig) = crate::datetime_coercion::datetime_signature(left, op, right) {
        return Ok(sig);
    }
    // date +/- int → date_add/date_sub semantics
    if matches!(op, Plus | Minus) {
        if left == &DataType::Date32 && is_integral(right) {
            return Ok(BinarySignature { left: DataType::Date32, right: DataType::Int32, result: DataType::Date32 });
        }
        if op == Plus && right == &DataType::Date32 && is_integral(left) {
            return Ok(BinarySignature { left: DataType::Int32, right: DataType::Date32, result: DataType::Date32 });
        }
    }
    // an interval meets a value it has no arithmetic with (`INTERVAL '1' MONTH + 1`)
    if crate::interval::is_interval(left) != crate::interval::is_interval(right) && left != &DataType::Null && right != &DataType::Null {
        return Err(mismatch(left, right, expr));
    }
    let (Some(l), Some(r)) = (arithmetic_operand(left), arithmetic_operand(right)) else {
        return Err(arithmetic_mismatch(left, op, right, expr));
    };
    // NULL operands take the other side's type (or int if both are NULL).
    let (l, r) = match (&l, &r) {
        (DataType::Null, DataType::Null) => (DataType::Int32, DataType::Int32),
        (DataType::Null, o) => (o.clone(), o.clone()),
        (o, DataType::Null) => (o.clone(), o.clone()),
        _ => (l, r),
    };
    match op {
        Divide => {
            if is_decimal_compatible(&l) && is_decimal_compatible(&r) && (is_decimal(&l) || is_decimal(&r)) {
                let (p1, s1) = decimal_for_integral(&l).unwrap_or((38, 0));
                let (p2, s2) = decimal_for_integral(&r).unwrap_or((38, 0));
                let (p1, s1, p2, s2) = (p1 as i32, s1 as i32, p2 as i32, s2 as i32);
                let scale = (MIN_ADJUSTED_SCALE as i32).max(s1 + p2 + 1);
                let precision = p1 - s1 + s2 + scale;
                let lt = DataType::Decimal128(p1 as u8, s1 as i8);
                let rt = DataType::Decimal128(p2 as u8, s2 as i8);
                Ok(BinarySignature { left: lt, right: rt, result: adjust_precision_scale(precision, scale) })
            } else {
                Ok(BinarySignature { left: DataType::Float64, right: DataType::Float64, result: DataType::Float64 })
            }
        }
        IntDivide => {
            if is_decimal(&l) || is_decimal(&r) {
                let t = wider_numeric(&l, &r);
                Ok(BinarySignature { left: t.clone(), right: t, result: DataType::Int64 })
            } else if is_integral(&l) && is_integral(&r) {
                Ok(BinarySignature { left: DataType::Int64, right: DataType::Int64, result: DataType::Int64 })
            } else {
                Err(wrong_type(op, if is_integral(&l) { &r } else { &l }, "\"INTEGRAL\"", expr))
            }
        }
        _ => {
            if (is_decimal(&l) || is_decimal(&r)) && is_decimal_compatible(&l) && is_decimal_compatible(&r) {
                let (p1, s1) = decimal_for_integral(&l).unwrap_or((38, 0));
                let (p2, s2) = decimal_for_integral(&r).unwrap_or((38, 0));
                let (p1, s1, p2, s2) = (p1 as i32, s1 as i32, p2 as i32, s2 as i32);
                let result = match op {
                    Plus | Minus => {
                        let scale = s1.max(s2);
                        adjust_precision_scale((p1 - s1).max(p2 - s2) + scale + 1, scale)
                    }
                    Multiply => adjust_precision_scale(p1 + p2 + 1, s1 + s2),
                    _ => {
                        // Modulo
                        let scale = s1.max(s2);
                        adjust_precision_scale((p1 - s1).min(p2 - s2) + scale, scale)
                    }
                };
                let lt = DataType::Decimal128(p1 as u8, s1 as i8);
                let rt = DataType::Decimal128(p2 as u8, s2 as i8);
                Ok(BinarySignature { left: lt, right: rt, result })
            } else {
                let t = wider_numeric(&l, &r);
                Ok(BinarySignature { left: t.clone(), right: t.clone(), result: t })
            }
        }
    }
}

/// True if Spark allows an explicit `CAST(from AS to)`.
pub fn can_cast(from: &DataType, to: &DataType) -> bool {
    if from == to || from == &DataType::Null {
        return true;
    }
    let atomic = |d: &DataType| is_numeric(d) || is_string(d) || is_datetime(d) || d == &DataType::Boolean;
    match (from, to) {
        (f, t) if atomic(f) && atomic(t) => !(matches!(f, DataType::Date32) && (is_numeric(t) || t == &DataType::Boolean))
            && !((is_numeric(f) || f == &DataType::Boolean) && matches!(t, DataType::Date32)),
        // ANSI intervals: within their class, from and to strings, integral and decimal numbers
        (f, t) if interval::is_interval(f) && interval::is_interval(t) => interval::is_year_month(f) == interval::is_year_month(t),
        (f, t) if interval::is_interval(t) => is_string(f) || is_integral(f) || is_decimal(f),
        (f, t) if interval::is_interval(f) => is_string(t) || is_integral(t) || is_decimal(t),
        (DataType::Binary, t) => is_string(t),
        (f, DataType::Binary) => is_string(f) || is_integral(f),
        (_, t) if is_string(t) => true,
        (DataType::List(a), DataType::List(b)) => can_cast(a.data_type(), b.data_type()),
        (DataType::Map(a, _), DataType::Map(b, _)) => match (a.data_type(), b.data_type()) {
            (DataType::Struct(x), DataType::Struct(y)) if x.len() == 2 && y.len() == 2 => {
                can_cast(x[0].data_type(), y[0].data_type()) && can_cast(x[1].data_type(), y[1].data_type())
            }
            _ => false,
        },
        (DataType::Struct(a), DataType::Struct(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| can_cast(x.data_type(), y.data_type()))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_rules_follow_spark() {
        let d = |p, s| DataType::Decimal128(p, s);
        let sig = binary_signature(&d(15, 2), Operator::Multiply, &d(15, 2), "x").unwrap();
        assert_eq!(sig.result, d(31, 4));
        let sig = binary_signature(&d(15, 2), Operator::Plus, &DataType::Int32, "x").unwrap();
        assert_eq!(sig.result, d(16, 2));
        let sig = binary_signature(&d(38, 10), Operator::Divide, &d(38, 10), "x").unwrap();
        assert_eq!(sig.result, d(38, 6));
        let sig = binary_signature(&DataType::Int32, Operator::Divide, &DataType::Int32, "x").unwrap();
        assert_eq!(sig.result, DataType::Float64);
    }

    #[test]
    fn arithmetic_type_errors_follow_spark() {
        let sub = |l: &DataType, r: &DataType| match binary_signature(l, Operator::Plus, r, "x").unwrap_err().kind() {
            ember_common::ErrorKind::DatatypeMismatch { sub, .. } => *sub,
            other => panic!("unexpected {other:?}"),
        };
        let (b, i, s) = (DataType::Boolean, DataType::Int32, DataType::Utf8);
        assert_eq!(sub(&b, &i), "BINARY_OP_DIFF_TYPES");
        assert_eq!(sub(&b, &DataType::Null), "BINARY_OP_DIFF_TYPES");
        assert_eq!(sub(&b, &b), "BINARY_OP_WRONG_TYPE");
        // a string meeting a boolean becomes a boolean first
        assert_eq!(sub(&s, &b), "BINARY_OP_WRONG_TYPE");
    }

    #[test]
    fn widening() {
        assert_eq!(common_type(&DataType::Int32, &DataType::Int64), Some(DataType::Int64));
        // ANSI: a string meeting a number becomes that number's wider type
        assert_eq!(common_type(&DataType::Utf8, &DataType::Int32), Some(DataType::Int64));
        assert_eq!(common_type(&DataType::Decimal128(5, 2), &DataType::Utf8), Some(DataType::Float64));
        assert_eq!(common_type(&DataType::Utf8, &DataType::Date32), Some(DataType::Date32));
        assert_eq!(common_type_without_string_promotion(&DataType::Utf8, &DataType::Int32), None);
        assert_eq!(common_type_without_string_promotion(&DataType::Utf8, &DataType::Null), Some(DataType::Utf8));
        assert_eq!(common_type(&DataType::Int32, &DataType::Decimal128(5, 2)), Some(DataType::Decimal128(12, 2)));
        assert_eq!(common_type(&DataType::Null, &DataType::Utf8), Some(DataType::Utf8));
        assert_eq!(comparison_type(&DataType::Utf8, &DataType::Int32), Some(DataType::Int32));
        assert!(binary_signature(&DataType::Boolean, Operator::Plus, &DataType::Int32, "x").is_err());
    }
}
