//! DataFrame wrappers for the higher-order functions, with Rust closures as lambdas:
//! `transform(col("a"), |x| x + lit(1))` builds the plan `SELECT transform(a, x -> x + 1)`
//! does. A closure's parameters are lambda variables typed when the expression meets its
//! input (see `ember_plan::lambda::resolve_lambdas`).

use std::cell::Cell;

use arrow::datatypes::DataType;
use ember_plan::expr::{HigherOrderFunction, HigherOrderKind, LambdaFunction, LambdaVariable};
use ember_plan::Expr;

use crate::column::Column;

thread_local! {
    /// How many lambda closures are running on this thread: the depth of the next lambda.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// A lambda of `n` parameters from `f`, which receives them as columns.
fn lambda(n: usize, f: impl FnOnce(Vec<Column>) -> Column) -> Expr {
    let depth = DEPTH.with(|d| d.get());
    let params: Vec<LambdaVariable> = (0..n)
        .map(|index| LambdaVariable { name: format!("x_{index}"), depth, index, data_type: DataType::Null, nullable: true })
        .collect();
    let cols = params.iter().map(|p| Column::from_expr(Expr::LambdaVariable(p.clone()))).collect();
    DEPTH.with(|d| d.set(depth + 1));
    let body = f(cols);
    DEPTH.with(|d| d.set(depth));
    Expr::Lambda(LambdaFunction { params, body: Box::new(body.into_expr()) })
}

fn call(kind: HigherOrderKind, values: Vec<Column>, lambdas: Vec<Expr>) -> Column {
    let mut args: Vec<Expr> = values.into_iter().map(|c| c.into_expr()).collect();
    args.extend(lambdas);
    Column::from_expr(Expr::HigherOrderFunction(HigherOrderFunction { kind, args }))
}

fn one(f: impl FnOnce(Column) -> Column) -> impl FnOnce(Vec<Column>) -> Column {
    move |mut p| f(p.remove(0))
}

fn two(f: impl FnOnce(Column, Column) -> Column) -> impl FnOnce(Vec<Column>) -> Column {
    move |mut p| {
        let y = p.remove(1);
        f(p.remove(0), y)
    }
}

/// `f` applied to every element.
pub fn transform(c: Column, f: impl FnOnce(Column) -> Column) -> Column {
    call(HigherOrderKind::Transform, vec![c], vec![lambda(1, one(f))])
}
/// `f(element, index)` for every element.
pub fn transform_with_index(c: Column, f: impl FnOnce(Column, Column) -> Column) -> Column {
    call(HigherOrderKind::Transform, vec![c], vec![lambda(2, two(f))])
}
/// The elements for which `f` is true.
pub fn filter(c: Column, f: impl FnOnce(Column) -> Column) -> Column {
    call(HigherOrderKind::Filter, vec![c], vec![lambda(1, one(f))])
}
/// The elements for which `f(element, index)` is true.
pub fn filter_with_index(c: Column, f: impl FnOnce(Column, Column) -> Column) -> Column {
    call(HigherOrderKind::Filter, vec![c], vec![lambda(2, two(f))])
}
/// True if `f` holds for some element (NULL if none does and one gives NULL).
pub fn exists(c: Column, f: impl FnOnce(Column) -> Column) -> Column {
    call(HigherOrderKind::Exists, vec![c], vec![lambda(1, one(f))])
}
/// True if `f` holds for every element (NULL if none fails and one gives NULL).
pub fn forall(c: Column, f: impl FnOnce(Column) -> Column) -> Column {
    call(HigherOrderKind::Forall, vec![c], vec![lambda(1, one(f))])
}
/// Folds the elements into `zero` with `merge(acc, x)`.
pub fn aggregate(c: Column, zero: impl Into<Column>, merge: impl FnOnce(Column, Column) -> Column) -> Column {
    let m = lambda(2, two(merge));
    let finish = LambdaFunction::identity(DEPTH.with(|d| d.get()), DataType::Null);
    call(HigherOrderKind::Aggregate, vec![c, zero.into()], vec![m, Expr::Lambda(finish)])
}
/// [`aggregate`] with `finish(acc)` applied to the result.
pub fn aggregate_with_finish(
    c: Column,
    zero: impl Into<Column>,
    merge: impl FnOnce(Column, Column) -> Column,
    finish: impl FnOnce(Column) -> Column,
) -> Column {
    let m = lambda(2, two(merge));
    let f = lambda(1, one(finish));
    call(HigherOrderKind::Aggregate, vec![c, zero.into()], vec![m, f])
}
/// Same as [`aggregate`] (Spark's `reduce`).
pub fn reduce(c: Column, zero: impl Into<Column>, merge: impl FnOnce(Column, Column) -> Column) -> Column {
    let m = lambda(2, two(merge));
    let finish = LambdaFunction::identity(DEPTH.with(|d| d.get()), DataType::Null);
    call(HigherOrderKind::Reduce, vec![c, zero.into()], vec![m, Expr::Lambda(finish)])
}
/// `f(a[i], b[i])` for each position of the longer array (the shorter padded with NULLs).
pub fn zip_with(a: Column, b: Column, f: impl FnOnce(Column, Column) -> Column) -> Column {
    call(HigherOrderKind::ZipWith, vec![a, b], vec![lambda(2, two(f))])
}
/// The entries for which `f(key, value)` is true.
pub fn map_filter(c: Column, f: impl FnOnce(Column, Column) -> Column) -> Column {
    call(HigherOrderKind::MapFilter, vec![c], vec![lambda(2, two(f))])
}
/// New keys `f(key, value)`.
pub fn transform_keys(c: Column, f: impl FnOnce(Column, Column) -> Column) -> Column {
    call(HigherOrderKind::TransformKeys, vec![c], vec![lambda(2, two(f))])
}
/// New values `f(key, value)`.
pub fn transform_values(c: Column, f: impl FnOnce(Column, Column) -> Column) -> Column {
    call(HigherOrderKind::TransformValues, vec![c], vec![lambda(2, two(f))])
}
/// Both maps' keys, each with `f(key, value1, value2)` (NULL where a map lacks the key).
pub fn map_zip_with(a: Column, b: Column, f: impl FnOnce(Column, Column, Column) -> Column) -> Column {
    let l = lambda(3, move |mut p| {
        let v2 = p.remove(2);
        let v1 = p.remove(1);
        f(p.remove(0), v1, v2)
    });
    call(HigherOrderKind::MapZipWith, vec![a, b], vec![l])
}
/// Sorted with `cmp(left, right)`: negative, zero or positive as left is less, equal or greater.
pub fn array_sort_by(c: Column, cmp: impl FnOnce(Column, Column) -> Column) -> Column {
    call(HigherOrderKind::ArraySort, vec![c], vec![lambda(2, two(cmp))])
}
