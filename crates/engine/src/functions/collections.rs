//! DataFrame wrappers for Spark's array, map, struct and JSON functions, by Spark's
//! names (`struct_` and `map_` where Rust reserves or `std` shadows the name).

use ember_plan::expr::{Generator, GeneratorKind};
use ember_plan::{Expr, ScalarValue};

use super::{call_function, deferred_error, lit};
use crate::column::Column;

/// `array(cols…)`
pub fn array(cols: impl IntoIterator<Item = Column>) -> Column {
    call_function("array", cols.into_iter().collect())
}
/// True if the array holds `value` (NULL if not found but the array holds a NULL).
pub fn array_contains(c: Column, value: impl Into<Column>) -> Column {
    call_function("array_contains", vec![c, value.into()])
}
/// The number of elements of an array or map.
pub fn size(c: Column) -> Column {
    call_function("size", vec![c])
}
/// Same as [`size`].
pub fn cardinality(c: Column) -> Column {
    call_function("cardinality", vec![c])
}
/// The element at 1-based `index` (negative counts from the end) or the value of a map key.
pub fn element_at(c: Column, index: impl Into<Column>) -> Column {
    call_function("element_at", vec![c, index.into()])
}
/// [`element_at`] that returns NULL for an index out of range.
pub fn try_element_at(c: Column, index: impl Into<Column>) -> Column {
    call_function("try_element_at", vec![c, index.into()])
}
/// The element at 0-based `index`, NULL out of range.
pub fn get(c: Column, index: impl Into<Column>) -> Column {
    call_function("get", vec![c, index.into()])
}
/// Sorted ascending with NULLs first, or descending with NULLs last.
pub fn sort_array(c: Column, asc: bool) -> Column {
    call_function("sort_array", vec![c, lit(asc)])
}
/// Sorted ascending, NULLs last.
pub fn array_sort(c: Column) -> Column {
    call_function("array_sort", vec![c])
}
pub fn array_distinct(c: Column) -> Column {
    call_function("array_distinct", vec![c])
}
pub fn array_union(a: Column, b: Column) -> Column {
    call_function("array_union", vec![a, b])
}
pub fn array_intersect(a: Column, b: Column) -> Column {
    call_function("array_intersect", vec![a, b])
}
pub fn array_except(a: Column, b: Column) -> Column {
    call_function("array_except", vec![a, b])
}
/// The elements as text joined by `sep`, NULLs skipped.
pub fn array_join(c: Column, sep: &str) -> Column {
    call_function("array_join", vec![c, lit(sep)])
}
/// The elements as text joined by `sep`, NULLs written as `null_replacement`.
pub fn array_join_with_nulls(c: Column, sep: &str, null_replacement: &str) -> Column {
    call_function("array_join", vec![c, lit(sep), lit(null_replacement)])
}
pub fn array_max(c: Column) -> Column {
    call_function("array_max", vec![c])
}
pub fn array_min(c: Column) -> Column {
    call_function("array_min", vec![c])
}
/// 1-based position of the first `value`, 0 if absent.
pub fn array_position(c: Column, value: impl Into<Column>) -> Column {
    call_function("array_position", vec![c, value.into()])
}
pub fn array_remove(c: Column, value: impl Into<Column>) -> Column {
    call_function("array_remove", vec![c, value.into()])
}
/// `length` elements from 1-based `start` (negative counts from the end).
pub fn slice(c: Column, start: impl Into<Column>, length: impl Into<Column>) -> Column {
    call_function("slice", vec![c, start.into(), length.into()])
}
/// One struct per position of the arrays, fields named after the columns (`0`, `1`, … otherwise).
pub fn arrays_zip(cols: impl IntoIterator<Item = Column>) -> Column {
    let mut args = Vec::new();
    for (i, c) in cols.into_iter().enumerate() {
        let name = match c.expr() {
            Expr::Column(col) => col.name.clone(),
            Expr::Alias(a) => a.name.clone(),
            _ => i.to_string(),
        };
        args.push(lit(name.as_str()));
        args.push(c);
    }
    call_function("arrays_zip", args)
}
pub fn flatten(c: Column) -> Column {
    call_function("flatten", vec![c])
}
/// `start`, `start + step`, … up to `stop`; the step is ±1 when `None`.
pub fn sequence(start: Column, stop: Column, step: Option<Column>) -> Column {
    let mut args = vec![start, stop];
    args.extend(step);
    call_function("sequence", args)
}
/// `map(k1, v1, k2, v2, …)` (Spark's `create_map`).
pub fn create_map(cols: impl IntoIterator<Item = Column>) -> Column {
    call_function("map", cols.into_iter().collect())
}
pub fn map_from_arrays(keys: Column, values: Column) -> Column {
    call_function("map_from_arrays", vec![keys, values])
}
pub fn map_keys(c: Column) -> Column {
    call_function("map_keys", vec![c])
}
pub fn map_values(c: Column) -> Column {
    call_function("map_values", vec![c])
}
pub fn map_entries(c: Column) -> Column {
    call_function("map_entries", vec![c])
}
pub fn map_contains_key(c: Column, key: impl Into<Column>) -> Column {
    call_function("map_contains_key", vec![c, key.into()])
}

/// The field name Spark gives a `struct(…)` member: the column's or alias's name, else `col<i>`.
fn struct_field_name(e: &Expr, i: usize) -> String {
    match e {
        Expr::Column(c) => c.name.clone(),
        Expr::Alias(a) => a.name.clone(),
        _ => format!("col{}", i + 1),
    }
}

/// `struct(cols…)` (Spark's `struct`): fields named after the columns.
pub fn struct_(cols: impl IntoIterator<Item = Column>) -> Column {
    let mut args = Vec::new();
    for (i, c) in cols.into_iter().enumerate() {
        args.push(lit(struct_field_name(c.expr(), i).as_str()));
        let value = match c.into_expr() {
            Expr::Alias(a) => *a.expr,
            other => other,
        };
        args.push(Column::from_expr(value));
    }
    call_function("struct", args)
}
/// `named_struct(name1, value1, …)`
pub fn named_struct(fields: impl IntoIterator<Item = (&'static str, Column)>) -> Column {
    let mut args = Vec::new();
    for (name, value) in fields {
        args.push(lit(name));
        args.push(value);
    }
    call_function("named_struct", args)
}

fn generator(kind: GeneratorKind, outer: bool, arg: Column) -> Column {
    Column::from_expr(Expr::Generator(Generator { kind, outer, arg: Box::new(arg.into_expr()) }))
}
/// Like `posexplode`, but a NULL or empty input gives one row of NULLs.
pub fn posexplode_outer(c: Column) -> Column {
    generator(GeneratorKind::PosExplode, true, c)
}
/// One row per struct of an array of structs, one column per field.
pub fn inline(c: Column) -> Column {
    generator(GeneratorKind::Inline, false, c)
}
/// Like [`inline`], but a NULL or empty array gives one row of NULLs.
pub fn inline_outer(c: Column) -> Column {
    generator(GeneratorKind::Inline, true, c)
}

/// The value at a JSON path (`$.a.b[0]`) as text.
pub fn get_json_object(c: Column, path: &str) -> Column {
    call_function("get_json_object", vec![c, lit(path)])
}
/// A generator of one row with the values of `keys` as columns `c0`, `c1`, ….
pub fn json_tuple(c: Column, keys: &[&str]) -> Column {
    let mut args = vec![c];
    args.extend(keys.iter().map(|k| lit(*k)));
    generator(GeneratorKind::Inline, false, call_function("json_tuple", args))
}
/// Parses JSON text with a schema given as DDL (`"a INT, b STRING"`) or a type name
/// (`"array<int>"`); malformed input gives NULL fields.
pub fn from_json(c: Column, schema: &str) -> Column {
    let dt = match ember_sql::parse_schema_or_type_with_tz(schema, "UTC") {
        Ok(t) => t,
        Err(e) => return Column::from_expr(deferred_error(e)),
    };
    match ScalarValue::null_of(&dt) {
        Ok(null) => call_function("from_json", vec![c, Column::from_expr(Expr::Literal(null))]),
        Err(e) => Column::from_expr(deferred_error(e)),
    }
}
/// A struct, map or array as JSON text.
pub fn to_json(c: Column) -> Column {
    call_function("to_json", vec![c])
}
