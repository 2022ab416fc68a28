//! Random samples of a DataFrame, as Spark's `Dataset.sample` and `sampleBy`: with
//! Spark's samplers and generators, one generator over the whole input in order (see
//! `ember_plan::sample`), so a seeded sample is the same however the work is split.

use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result};
use ember_plan::{LogicalPlan, Sample, SampleMethod, ScalarValue};

use crate::column::Column;
use crate::dataframe::DataFrame;

/// Spark's `RandomSampler.roundingEpsilon`.
const ROUNDING_EPSILON: f64 = 1e-6;

fn illegal_argument(message: String) -> Error {
    Error::new(ErrorKind::Other { class: "ILLEGAL_ARGUMENT".into(), sqlstate: Some("22023".into()), message })
}

impl DataFrame {
    /// About `fraction` of the rows, each kept or not independently (Spark's
    /// `sample(fraction, seed)`); `seed: None` draws a new seed.
    pub fn sample(&self, fraction: f64, seed: Option<i64>) -> Result<DataFrame> {
        if !(fraction >= -ROUNDING_EPSILON && fraction <= 1.0 + ROUNDING_EPSILON) {
            return Err(illegal_argument(format!(
                "requirement failed: Sampling fraction ({}) must be on interval [0, 1] without replacement",
                ember_plan::format::format_f64(fraction)
            )));
        }
        self.sampled(SampleMethod::Bernoulli { lower: 0.0, upper: fraction.clamp(0.0, 1.0) }, seed)
    }

    /// Rows drawn with replacement: each row appears a Poisson-distributed number of
    /// times with mean `fraction` (Spark's `sample(true, fraction, seed)`).
    pub fn sample_with_replacement(&self, fraction: f64, seed: Option<i64>) -> Result<DataFrame> {
        if !(fraction >= -ROUNDING_EPSILON) || !fraction.is_finite() {
            return Err(illegal_argument(format!(
                "requirement failed: Sampling fraction ({}) must be nonnegative with replacement",
                ember_plan::format::format_f64(fraction)
            )));
        }
        self.sampled(SampleMethod::Poisson { fraction: fraction.max(0.0) }, seed)
    }

    /// A stratified sample (Spark's `stat.sampleBy`): rows whose `col` equals a key of
    /// `fractions` are kept with that key's probability, other rows are dropped.
    pub fn sample_by<K: Into<ScalarValue>>(
        &self,
        col: impl Into<Column>,
        fractions: impl IntoIterator<Item = (K, f64)>,
        seed: Option<i64>,
    ) -> Result<DataFrame> {
        let fractions: Vec<(ScalarValue, f64)> = fractions.into_iter().map(|(k, f)| (k.into(), f)).collect();
        if let Some((k, f)) = fractions.iter().find(|(_, f)| !(0.0..=1.0).contains(f)) {
            return Err(illegal_argument(format!("requirement failed: Fractions must be in [0, 1], but got {k} -> {}.", ember_plan::format::format_f64(*f))));
        }
        let key = col.into().expr;
        self.sampled(SampleMethod::Stratified { key, fractions }, seed)
    }

    fn sampled(&self, method: SampleMethod, seed: Option<i64>) -> Result<DataFrame> {
        let seed = seed.unwrap_or_else(ember_common::random::fresh_seed);
        let plan = self.logical_plan().clone();
        Ok(self.with_plan(LogicalPlan::Sample(Sample::try_new(method, seed, Arc::new(plan))?)))
    }
}
