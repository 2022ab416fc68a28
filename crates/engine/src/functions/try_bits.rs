//! DataFrame wrappers for the TRY arithmetic (`try_add`, …, `try_sum`, `try_avg`), the
//! bit functions and aggregates, and the small numeric, string and epoch functions.

use ember_plan::shown_call::ShownCall;
use ember_plan::{Expr, Operator};

use super::{agg, call_function};
use crate::column::Column;

fn try_op(name: &str, op: Operator, a: Column, b: Column) -> Column {
    let shown = ShownCall::call_text(name, &[a.expr.clone(), b.expr.clone()]);
    Column::from_expr(ShownCall::wrap(name, shown, Expr::binary(a.expr, op, b.expr), true))
}

/// `a + b`, NULL on overflow.
pub fn try_add(a: impl Into<Column>, b: impl Into<Column>) -> Column {
    try_op("try_add", Operator::Plus, a.into(), b.into())
}
/// `a - b`, NULL on overflow.
pub fn try_subtract(a: impl Into<Column>, b: impl Into<Column>) -> Column {
    try_op("try_subtract", Operator::Minus, a.into(), b.into())
}
/// `a * b`, NULL on overflow.
pub fn try_multiply(a: impl Into<Column>, b: impl Into<Column>) -> Column {
    try_op("try_multiply", Operator::Multiply, a.into(), b.into())
}
/// `a / b`, NULL for a zero divisor.
pub fn try_divide(a: impl Into<Column>, b: impl Into<Column>) -> Column {
    try_op("try_divide", Operator::Divide, a.into(), b.into())
}
/// `a % b`, NULL for a zero divisor.
pub fn try_mod(a: impl Into<Column>, b: impl Into<Column>) -> Column {
    try_op("try_mod", Operator::Modulo, a.into(), b.into())
}
/// `sum(c)`, NULL on overflow.
pub fn try_sum(c: Column) -> Column {
    agg("try_sum", vec![c], false)
}
/// `avg(c)`, NULL on overflow.
pub fn try_avg(c: Column) -> Column {
    agg("try_avg", vec![c], false)
}
pub fn bit_and(c: Column) -> Column {
    agg("bit_and", vec![c], false)
}
pub fn bit_or(c: Column) -> Column {
    agg("bit_or", vec![c], false)
}
pub fn bit_xor(c: Column) -> Column {
    agg("bit_xor", vec![c], false)
}

unary!(bit_count, isnan, factorial, bin, soundex, luhn_check, octet_length, bit_length, timestamp_seconds, timestamp_millis,
    timestamp_micros, unix_seconds, unix_millis, unix_micros, unix_date, date_from_unix_date);
binary!(bit_get, getbit, shiftleft, shiftright, shiftrightunsigned, nanvl, contains, startswith, endswith, find_in_set, levenshtein);

/// `conv(num, from_base, to_base)`
pub fn conv(num: Column, from_base: i32, to_base: i32) -> Column {
    call_function("conv", vec![num, super::lit(from_base), super::lit(to_base)])
}
/// `width_bucket(v, min, max, n)`
pub fn width_bucket(v: Column, min: impl Into<Column>, max: impl Into<Column>, n: impl Into<Column>) -> Column {
    call_function("width_bucket", vec![v, min.into(), max.into(), n.into()])
}
/// `split_part(s, delimiter, part)`
pub fn split_part(s: Column, delimiter: impl Into<Column>, part: impl Into<Column>) -> Column {
    call_function("split_part", vec![s, delimiter.into(), part.into()])
}
/// `substring_index(s, delimiter, count)`
pub fn substring_index(s: Column, delimiter: &str, count: i32) -> Column {
    call_function("substring_index", vec![s, super::lit(delimiter), super::lit(count)])
}
