//! DataFrame wrappers for Spark's numeric and math functions (round, pow, greatest, …).

use super::{call_function, lit};
use crate::column::Column;

/// `round(c, scale)`: HALF_UP; decimals stay decimal, a negative scale rounds to tens, hundreds, ….
pub fn round(c: Column, scale: i32) -> Column {
    call_function("round", vec![c, lit(scale)])
}
/// `bround(c, scale)`: HALF_EVEN ("banker's") rounding.
pub fn bround(c: Column, scale: i32) -> Column {
    call_function("bround", vec![c, lit(scale)])
}
/// `floor(c)`: a bigint for doubles and integers, a decimal for decimals.
pub fn floor(c: Column) -> Column {
    call_function("floor", vec![c])
}
/// `ceil(c)`: a bigint for doubles and integers, a decimal for decimals.
pub fn ceil(c: Column) -> Column {
    call_function("ceil", vec![c])
}
pub fn sqrt(c: Column) -> Column {
    call_function("sqrt", vec![c])
}
pub fn cbrt(c: Column) -> Column {
    call_function("cbrt", vec![c])
}
pub fn exp(c: Column) -> Column {
    call_function("exp", vec![c])
}
/// Natural logarithm; NULL for values `<= 0`.
pub fn ln(c: Column) -> Column {
    call_function("ln", vec![c])
}
/// `log(base, c)`; NULL when either is `<= 0`.
pub fn log(base: f64, c: Column) -> Column {
    call_function("log", vec![lit(base), c])
}
pub fn log10(c: Column) -> Column {
    call_function("log10", vec![c])
}
pub fn log2(c: Column) -> Column {
    call_function("log2", vec![c])
}
/// `pow(base, exponent)` as a double.
pub fn pow(base: impl Into<Column>, exponent: impl Into<Column>) -> Column {
    call_function("power", vec![base.into(), exponent.into()])
}
/// `a` modulo `n`, never negative for a positive `n`.
pub fn pmod(a: impl Into<Column>, n: impl Into<Column>) -> Column {
    call_function("pmod", vec![a.into(), n.into()])
}
/// -1.0, 0.0 or 1.0.
pub fn signum(c: Column) -> Column {
    call_function("signum", vec![c])
}
pub fn sin(c: Column) -> Column {
    call_function("sin", vec![c])
}
pub fn cos(c: Column) -> Column {
    call_function("cos", vec![c])
}
pub fn tan(c: Column) -> Column {
    call_function("tan", vec![c])
}
pub fn asin(c: Column) -> Column {
    call_function("asin", vec![c])
}
pub fn acos(c: Column) -> Column {
    call_function("acos", vec![c])
}
pub fn atan(c: Column) -> Column {
    call_function("atan", vec![c])
}
pub fn atan2(y: impl Into<Column>, x: impl Into<Column>) -> Column {
    call_function("atan2", vec![y.into(), x.into()])
}
pub fn sinh(c: Column) -> Column {
    call_function("sinh", vec![c])
}
pub fn cosh(c: Column) -> Column {
    call_function("cosh", vec![c])
}
pub fn tanh(c: Column) -> Column {
    call_function("tanh", vec![c])
}
pub fn degrees(c: Column) -> Column {
    call_function("degrees", vec![c])
}
pub fn radians(c: Column) -> Column {
    call_function("radians", vec![c])
}
/// The largest non-NULL value of the columns (widened to their common type).
pub fn greatest(cols: impl IntoIterator<Item = Column>) -> Column {
    call_function("greatest", cols.into_iter().collect())
}
/// The smallest non-NULL value of the columns (widened to their common type).
pub fn least(cols: impl IntoIterator<Item = Column>) -> Column {
    call_function("least", cols.into_iter().collect())
}
