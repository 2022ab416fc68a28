//! DataFrame wrappers for Spark's statistical and collection aggregates (corr, percentile_approx, collect_list, …)
//! and for `grouping` / `grouping_id`, which only work under `rollup` / `cube`.

use ember_plan::ScalarValue;

use super::{agg, lit};
use crate::column::Column;

/// `grouping(c)`: 1 where `c` is aggregated over in the row's grouping set, else 0.
pub fn grouping(c: Column) -> Column {
    agg("grouping", vec![c], false)
}
/// `grouping_id(cols…)`: one bit per grouping column (no columns: all of them).
pub fn grouping_id(cols: impl IntoIterator<Item = Column>) -> Column {
    agg("grouping_id", cols.into_iter().collect(), false)
}
pub fn corr(x: Column, y: Column) -> Column {
    agg("corr", vec![x, y], false)
}
pub fn covar_pop(x: Column, y: Column) -> Column {
    agg("covar_pop", vec![x, y], false)
}
pub fn covar_samp(x: Column, y: Column) -> Column {
    agg("covar_samp", vec![x, y], false)
}
pub fn stddev(c: Column) -> Column {
    agg("stddev", vec![c], false)
}
pub fn stddev_samp(c: Column) -> Column {
    agg("stddev_samp", vec![c], false)
}
pub fn stddev_pop(c: Column) -> Column {
    agg("stddev_pop", vec![c], false)
}
pub fn variance(c: Column) -> Column {
    agg("variance", vec![c], false)
}
pub fn var_samp(c: Column) -> Column {
    agg("var_samp", vec![c], false)
}
pub fn var_pop(c: Column) -> Column {
    agg("var_pop", vec![c], false)
}
/// Exact percentile `p` (0 to 1), interpolated; a double.
pub fn percentile(c: Column, p: f64) -> Column {
    agg("percentile", vec![c, lit(p), lit(1)], false)
}
/// `percentile_approx(c, p, accuracy)`: an element of the input (Spark's default
/// accuracy is 10000).
pub fn percentile_approx(c: Column, p: f64, accuracy: i32) -> Column {
    agg("percentile_approx", vec![c, lit(p), lit(accuracy)], false)
}
/// Same as [`percentile_approx`].
pub fn approx_percentile(c: Column, p: f64, accuracy: i32) -> Column {
    agg("approx_percentile", vec![c, lit(p), lit(accuracy)], false)
}
pub fn median(c: Column) -> Column {
    agg("median", vec![c], false)
}
/// Number of distinct non-NULL values (exact in Ember).
pub fn approx_count_distinct(c: Column) -> Column {
    agg("approx_count_distinct", vec![c], false)
}
pub fn collect_list(c: Column) -> Column {
    agg("collect_list", vec![c], false)
}
pub fn collect_set(c: Column) -> Column {
    agg("collect_set", vec![c], false)
}
/// `first(c, ignoreNulls)`
pub fn first(c: Column, ignore_nulls: bool) -> Column {
    agg("first", vec![c, lit(ScalarValue::Boolean(Some(ignore_nulls)))], false)
}
/// `last(c, ignoreNulls)`
pub fn last(c: Column, ignore_nulls: bool) -> Column {
    agg("last", vec![c, lit(ScalarValue::Boolean(Some(ignore_nulls)))], false)
}
pub fn any_value(c: Column) -> Column {
    agg("any_value", vec![c], false)
}
pub fn bool_and(c: Column) -> Column {
    agg("bool_and", vec![c], false)
}
pub fn bool_or(c: Column) -> Column {
    agg("bool_or", vec![c], false)
}
pub fn every(c: Column) -> Column {
    agg("every", vec![c], false)
}
pub fn some(c: Column) -> Column {
    agg("some", vec![c], false)
}
pub fn count_if(c: Column) -> Column {
    agg("count_if", vec![c], false)
}
/// The `x` of the row with the largest `ord`.
pub fn max_by(x: Column, ord: Column) -> Column {
    agg("max_by", vec![x, ord], false)
}
/// The `x` of the row with the smallest `ord`.
pub fn min_by(x: Column, ord: Column) -> Column {
    agg("min_by", vec![x, ord], false)
}
