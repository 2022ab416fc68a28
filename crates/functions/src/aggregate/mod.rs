//! Aggregate functions with vectorized [`GroupsAccumulator`](ember_plan::GroupsAccumulator)s,
//! one file per aggregate; `groups` holds the shared per-group plumbing.

pub mod avg;
pub mod bit_agg;
pub mod bool_agg;
pub mod collect;
pub mod count;
pub mod covariance;
pub mod decimal;
pub mod first_last;
pub mod grouping;
pub mod groups;
pub mod histogram;
pub mod interval_sum;
pub mod listagg;
pub mod max_min_by;
pub mod min_max;
pub mod mode;
pub mod moments;
pub mod percentile;
pub mod regr_avg;
pub mod sum;
pub mod try_agg;
pub mod value_lists;
pub mod variance;

use std::sync::Arc;

use ember_plan::AggregateFunctionImpl;

/// Every built-in aggregate under its own name.
pub fn all() -> Vec<Arc<dyn AggregateFunctionImpl>> {
    vec![
        Arc::new(count::Count),
        Arc::new(count::CountIf),
        Arc::new(sum::Sum),
        Arc::new(avg::Avg),
        Arc::new(try_agg::TryAggregate::try_sum()),
        Arc::new(try_agg::TryAggregate::try_avg()),
        Arc::new(bit_agg::BitAgg::new(bit_agg::BitOp::And)),
        Arc::new(bit_agg::BitAgg::new(bit_agg::BitOp::Or)),
        Arc::new(bit_agg::BitAgg::new(bit_agg::BitOp::Xor)),
        Arc::new(min_max::MinMax::min()),
        Arc::new(min_max::MinMax::max()),
        Arc::new(bool_agg::BoolAgg::bool_and()),
        Arc::new(bool_agg::BoolAgg::bool_or()),
        Arc::new(first_last::FirstLast::first()),
        Arc::new(first_last::FirstLast::last()),
        Arc::new(first_last::FirstLast::any_value()),
        Arc::new(variance::Variance::new(variance::Stat::VarSamp)),
        Arc::new(variance::Variance::new(variance::Stat::VarPop)),
        Arc::new(variance::Variance::new(variance::Stat::StddevSamp)),
        Arc::new(variance::Variance::new(variance::Stat::StddevPop)),
        Arc::new(grouping::Grouping::new_grouping()),
        Arc::new(grouping::Grouping::grouping_id()),
        Arc::new(collect::Collect::new(collect::CollectKind::List)),
        Arc::new(collect::Collect::new(collect::CollectKind::Set)),
        Arc::new(collect::Collect::new(collect::CollectKind::CountDistinct)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::CovarPop)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::CovarSamp)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::Corr)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::RegrCount)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::RegrSxx)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::RegrSyy)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::RegrSxy)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::RegrSlope)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::RegrIntercept)),
        Arc::new(covariance::Covariance::new(covariance::CovStat::RegrR2)),
        Arc::new(max_min_by::MaxMinBy::max_by()),
        Arc::new(max_min_by::MaxMinBy::min_by()),
        Arc::new(percentile::Percentile::new(percentile::PercentileKind::Exact)),
        Arc::new(percentile::Percentile::new(percentile::PercentileKind::Median)),
        Arc::new(percentile::Percentile::new(percentile::PercentileKind::Approx)),
        Arc::new(percentile::Percentile::new(percentile::PercentileKind::Cont)),
        Arc::new(percentile::Percentile::new(percentile::PercentileKind::Disc)),
        Arc::new(moments::CentralMoment::new(moments::Moment::Skewness)),
        Arc::new(moments::CentralMoment::new(moments::Moment::Kurtosis)),
        Arc::new(mode::Mode),
        Arc::new(histogram::HistogramNumeric),
        Arc::new(regr_avg::RegrAvg::avgx()),
        Arc::new(regr_avg::RegrAvg::avgy()),
        Arc::new(listagg::ListAgg::listagg()),
        Arc::new(listagg::ListAgg::string_agg()),
    ]
}

/// `(synonym, target)`: names Spark resolves to another aggregate and shows as that one
/// (`array_agg(x)` is `collect_list(x)`).
pub const SYNONYMS: &[(&str, &str)] = &[("array_agg", "collect_list")];

/// `(alias, target)`: names Spark accepts for another aggregate.
pub const ALIASES: &[(&str, &str)] = &[
    ("mean", "avg"),
    ("every", "bool_and"),
    ("some", "bool_or"),
    ("any", "bool_or"),
    ("first_value", "first"),
    ("last_value", "last"),
    ("stddev", "stddev_samp"),
    ("std", "stddev_samp"),
    ("variance", "var_samp"),
    ("approx_percentile", "percentile_approx"),
];

#[cfg(test)]
pub mod test_util {
    //! Helpers for accumulator tests.
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Decimal128Array, Float64Array, Int32Array, Int64Array, StringArray};
    use arrow::compute::concat;
    use arrow::datatypes::DataType;
    use ember_plan::{AggregateFunctionImpl, FunctionContext};

    pub use crate::scalar::utils::test_util::render;

    pub fn ctx() -> FunctionContext {
        FunctionContext::default()
    }

    pub fn legacy() -> FunctionContext {
        FunctionContext { ansi: false, ..Default::default() }
    }

    pub fn i32s(v: &[Option<i32>]) -> ArrayRef {
        Arc::new(Int32Array::from(v.to_vec()))
    }

    pub fn i64s(v: &[Option<i64>]) -> ArrayRef {
        Arc::new(Int64Array::from(v.to_vec()))
    }

    pub fn f64s(v: &[Option<f64>]) -> ArrayRef {
        Arc::new(Float64Array::from(v.to_vec()))
    }

    pub fn strs(v: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    pub fn decs(v: &[Option<i128>], p: u8, s: i8) -> ArrayRef {
        Arc::new(Decimal128Array::from(v.to_vec()).with_precision_and_scale(p, s).expect("decimal"))
    }

    /// One group per row, all in one batch; renders the result.
    pub fn one_batch(f: &dyn AggregateFunctionImpl, args: Vec<ArrayRef>, groups: &[usize], n: usize, ctx: &FunctionContext) -> ember_common::Result<String> {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type().clone()).collect();
        let mut acc = f.create_accumulator(&types, ctx)?;
        acc.update_batch(&args, groups, None, n)?;
        Ok(render(&acc.evaluate()?))
    }

    /// Two partial accumulators (row `i` of either part goes to group `i % 2`; the
    /// second part numbers its groups the other way round), their states concatenated
    /// and merged into a final accumulator. Returns the rendered final values.
    pub fn two_phase(f: &dyn AggregateFunctionImpl, types: &[DataType], ctx: &FunctionContext, part1: Vec<ArrayRef>, part2: Vec<ArrayRef>) -> String {
        let n1 = part1.first().map(|a| a.len()).unwrap_or(0);
        let n2 = part2.first().map(|a| a.len()).unwrap_or(0);
        let mut a = f.create_accumulator(types, ctx).unwrap();
        a.update_batch(&part1, &(0..n1).map(|i| i % 2).collect::<Vec<_>>(), None, 2).unwrap();
        let mut b = f.create_accumulator(types, ctx).unwrap();
        b.update_batch(&part2, &(0..n2).map(|i| (i + 1) % 2).collect::<Vec<_>>(), None, 2).unwrap();
        let (sa, sb) = (a.state().unwrap(), b.state().unwrap());
        let fields = f.state_fields(types).unwrap();
        assert_eq!(sa.len(), fields.len());
        for (s, field) in sa.iter().zip(&fields) {
            assert_eq!(s.data_type(), field.data_type(), "state type of {}", field.name());
        }
        let merged: Vec<ArrayRef> = sa.iter().zip(&sb).map(|(x, y)| concat(&[x.as_ref(), y.as_ref()]).unwrap()).collect();
        let mut c = f.create_accumulator(types, ctx).unwrap();
        c.merge_batch(&merged, &[0, 1, 1, 0], 2).unwrap();
        let out = c.evaluate().unwrap();
        assert_eq!(out.data_type(), &f.return_type(types).unwrap());
        render(&out)
    }
}
