//! DataFrame wrappers for the newer array, map and aggregate functions (the `regr_*` family too)
//! (`array_append`, `map_concat`, `mode`, `listagg`, …), by PySpark's names.

use ember_plan::ScalarValue;

use super::{agg, call_function, lit};
use crate::column::Column;

pub fn array_append(c: Column, value: impl Into<Column>) -> Column {
    call_function("array_append", vec![c, value.into()])
}
pub fn array_prepend(c: Column, value: impl Into<Column>) -> Column {
    call_function("array_prepend", vec![c, value.into()])
}
/// `value` at 1-based `pos` (negative counts from the end; gaps fill with NULLs).
pub fn array_insert(c: Column, pos: impl Into<Column>, value: impl Into<Column>) -> Column {
    call_function("array_insert", vec![c, pos.into(), value.into()])
}
/// The array without NULL elements.
pub fn array_compact(c: Column) -> Column {
    call_function("array_compact", vec![c])
}
pub fn array_size(c: Column) -> Column {
    call_function("array_size", vec![c])
}
/// `value` repeated `count` times.
pub fn array_repeat(value: Column, count: impl Into<Column>) -> Column {
    call_function("array_repeat", vec![value, count.into()])
}
/// True if the arrays share a non-NULL element.
pub fn arrays_overlap(a: Column, b: Column) -> Column {
    call_function("arrays_overlap", vec![a, b])
}
pub fn map_concat(cols: impl IntoIterator<Item = Column>) -> Column {
    call_function("map_concat", cols.into_iter().collect())
}
/// A map from an array of (key, value) structs.
pub fn map_from_entries(c: Column) -> Column {
    call_function("map_from_entries", vec![c])
}
/// Splits text into a map: pairs by the regex `pair_delim`, key and value by `key_value_delim`.
pub fn str_to_map(c: Column, pair_delim: &str, key_value_delim: &str) -> Column {
    call_function("str_to_map", vec![c, lit(pair_delim), lit(key_value_delim)])
}
/// Same as `collect_list`.
pub fn array_agg(c: Column) -> Column {
    agg("array_agg", vec![c], false)
}
pub fn skewness(c: Column) -> Column {
    agg("skewness", vec![c], false)
}
pub fn kurtosis(c: Column) -> Column {
    agg("kurtosis", vec![c], false)
}
/// The most frequent value (the smallest among ties).
pub fn mode(c: Column) -> Column {
    agg("mode", vec![c], false)
}
/// The values joined by `delimiter` (none when `None`), in no particular order.
pub fn listagg(c: Column, delimiter: Option<&str>) -> Column {
    let d = delimiter.map(lit).unwrap_or_else(|| Column::from_expr(ember_plan::Expr::Literal(ScalarValue::Null)));
    agg("listagg", vec![c, d], false)
}
/// Same as [`listagg`].
pub fn string_agg(c: Column, delimiter: Option<&str>) -> Column {
    let d = delimiter.map(lit).unwrap_or_else(|| Column::from_expr(ember_plan::Expr::Literal(ScalarValue::Null)));
    agg("string_agg", vec![c, d], false)
}

/// The linear regression aggregates over the rows where both `y` and `x` are non-NULL.
pub fn regr_count(y: Column, x: Column) -> Column {
    agg("regr_count", vec![y, x], false)
}
pub fn regr_avgx(y: Column, x: Column) -> Column {
    agg("regr_avgx", vec![y, x], false)
}
pub fn regr_avgy(y: Column, x: Column) -> Column {
    agg("regr_avgy", vec![y, x], false)
}
pub fn regr_sxx(y: Column, x: Column) -> Column {
    agg("regr_sxx", vec![y, x], false)
}
pub fn regr_syy(y: Column, x: Column) -> Column {
    agg("regr_syy", vec![y, x], false)
}
pub fn regr_sxy(y: Column, x: Column) -> Column {
    agg("regr_sxy", vec![y, x], false)
}
pub fn regr_slope(y: Column, x: Column) -> Column {
    agg("regr_slope", vec![y, x], false)
}
pub fn regr_intercept(y: Column, x: Column) -> Column {
    agg("regr_intercept", vec![y, x], false)
}
pub fn regr_r2(y: Column, x: Column) -> Column {
    agg("regr_r2", vec![y, x], false)
}

/// The number of elements of a JSON array (NULL for other or malformed text).
pub fn json_array_length(c: Column) -> Column {
    call_function("json_array_length", vec![c])
}
/// The top-level keys of a JSON object (NULL for other or malformed text).
pub fn json_object_keys(c: Column) -> Column {
    call_function("json_object_keys", vec![c])
}
/// The DDL type of a constant JSON document, as Spark's JSON reader infers it.
pub fn schema_of_json(json: &str) -> Column {
    call_function("schema_of_json", vec![lit(json)])
}

/// A struct as one CSV record.
pub fn to_csv(c: Column) -> Column {
    call_function("to_csv", vec![c])
}
/// Parses one CSV record with a DDL schema (`"a INT, b STRING"`); bad fields give NULL.
pub fn from_csv(c: Column, schema: &str) -> Column {
    let dt = match ember_sql::parse_ddl_schema(schema) {
        Ok(s) => arrow::datatypes::DataType::Struct(s.fields().clone()),
        Err(e) => return Column::from_expr(super::deferred_error(e)),
    };
    match ScalarValue::null_of(&dt) {
        Ok(null) => call_function("from_csv", vec![c, Column::from_expr(ember_plan::Expr::Literal(null))]),
        Err(e) => Column::from_expr(super::deferred_error(e)),
    }
}
/// The DDL type Spark's CSV inference gives a constant record.
pub fn schema_of_csv(csv: &str) -> Column {
    call_function("schema_of_csv", vec![lit(csv)])
}

/// An approximate histogram of at most `nb` bins: `array<struct<x, y>>`.
pub fn histogram_numeric(c: Column, nb: i32) -> Column {
    agg("histogram_numeric", vec![c, lit(nb)], false)
}
