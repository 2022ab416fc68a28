//! The `Sample` plan node (Spark's `Sample`): keeps a random subset of its input's
//! rows, from `TABLESAMPLE (x PERCENT | BUCKET a OUT OF b)`, `df.sample(…)` and
//! `df.sample_by(…)`.
//!
//! Spark seeds one generator per partition (`seed + partition index`), so its sample
//! changes with the partitioning. Ember draws from one generator over the whole input
//! in its order, so a seeded sample is the same at any partition count, thread count or
//! batch size, and equals Spark's wherever Spark reads the input as one partition.

use std::fmt;
use std::sync::Arc;

use ember_common::{Error, Result};

use crate::expr::Expr;
use crate::logical_plan::LogicalPlan;
use crate::scalar::ScalarValue;

/// How rows are drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleMethod {
    /// Keeps a row when its uniform draw in `[0, 1)` falls in `[lower, upper)` (Spark's
    /// `BernoulliCellSampler`): a fraction `upper - lower` of the rows, without
    /// replacement.
    Bernoulli { lower: f64, upper: f64 },
    /// Emits each row a Poisson-distributed number of times with mean `fraction`
    /// (Spark's `PoissonSampler`): sampling with replacement.
    Poisson { fraction: f64 },
    /// Keeps a row when its uniform draw is below its stratum's fraction (`sampleBy`);
    /// rows of strata not listed are dropped.
    Stratified { key: Expr, fractions: Vec<(ScalarValue, f64)> },
}

/// A random subset of `input`'s rows; `seed` makes it repeatable.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub method: SampleMethod,
    pub seed: i64,
    pub input: Arc<LogicalPlan>,
}

impl Sample {
    pub fn try_new(method: SampleMethod, seed: i64, input: Arc<LogicalPlan>) -> Result<Self> {
        let bad = |what: String| Err(Error::internal(format!("invalid sample: {what}")));
        match &method {
            SampleMethod::Bernoulli { lower, upper } if !(0.0..=1.0).contains(lower) || !(0.0..=1.0).contains(upper) || lower > upper => {
                return bad(format!("bounds [{lower}, {upper})"));
            }
            SampleMethod::Poisson { fraction } if !fraction.is_finite() || *fraction < 0.0 => return bad(format!("fraction {fraction}")),
            SampleMethod::Stratified { key, .. } => {
                key.data_type(input.schema())?;
            }
            _ => {}
        }
        Ok(Sample { method, seed, input })
    }

    /// The expressions the sample evaluates (the stratum key, if any).
    pub fn expressions(&self) -> Vec<&Expr> {
        match &self.method {
            SampleMethod::Stratified { key, .. } => vec![key],
            _ => vec![],
        }
    }

    /// The same sample over a new input, with new expressions (as [`Sample::expressions`]).
    pub fn with_new(&self, mut exprs: Vec<Expr>, input: Arc<LogicalPlan>) -> Result<Self> {
        let method = match &self.method {
            SampleMethod::Stratified { fractions, .. } => {
                if exprs.is_empty() {
                    return Err(Error::internal("sample: missing stratum key"));
                }
                SampleMethod::Stratified { key: exprs.remove(0), fractions: fractions.clone() }
            }
            other => other.clone(),
        };
        Sample::try_new(method, self.seed, input)
    }
}

impl fmt::Display for Sample {
    /// Spark's EXPLAIN line: `Sample 0.0, 0.1, false, 42`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.method {
            SampleMethod::Bernoulli { lower, upper } => write!(f, "Sample {lower:?}, {upper:?}, false, {}", self.seed),
            SampleMethod::Poisson { fraction } => write!(f, "Sample 0.0, {fraction:?}, true, {}", self.seed),
            SampleMethod::Stratified { key, fractions } => {
                let list = fractions.iter().map(|(k, v)| format!("{k} -> {v:?}")).collect::<Vec<_>>().join(", ");
                write!(f, "SampleBy {key}, [{list}], {}", self.seed)
            }
        }
    }
}
