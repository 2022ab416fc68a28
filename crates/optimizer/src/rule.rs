//! The `Rule` trait and what every rule may consult: the session config and a
//! constant evaluator (implemented by the engine with physical expressions).

use std::fmt;
use std::sync::Arc;

use ember_common::{Config, Result, Transformed};
use ember_plan::{Expr, LogicalPlan, ScalarValue};

/// Evaluates a constant expression (no columns, no aggregates) to a value.
/// Implemented by the engine with physical expressions, so folding at planning time
/// gives exactly what execution would.
pub trait ConstEvaluator: Send + Sync {
    fn evaluate(&self, expr: &Expr) -> Result<ScalarValue>;
}

/// What a rule may consult besides the plan.
#[derive(Clone)]
pub struct RuleContext {
    pub config: Arc<Config>,
    /// `None` disables constant folding.
    pub evaluator: Option<Arc<dyn ConstEvaluator>>,
}

impl RuleContext {
    /// A context with `config` and no evaluator.
    pub fn new(config: Arc<Config>) -> Self {
        RuleContext { config, evaluator: None }
    }

    /// The same context with a constant evaluator.
    pub fn with_evaluator(mut self, evaluator: Arc<dyn ConstEvaluator>) -> Self {
        self.evaluator = Some(evaluator);
        self
    }
}

impl Default for RuleContext {
    fn default() -> Self {
        RuleContext::new(Arc::new(Config::new()))
    }
}

impl fmt::Debug for RuleContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleContext")
            .field("config", &self.config)
            .field("evaluator", &self.evaluator.as_ref().map(|_| "<ConstEvaluator>"))
            .finish()
    }
}

/// A rewrite of logical plans. `apply` reports `transformed: true` only when the plan
/// really changed: the executor repeats fixed-point batches until no rule does.
pub trait Rule: Send + Sync {
    /// The rule's name, matching its file and struct (`push_down_filter`).
    fn name(&self) -> &'static str;
    fn apply(&self, plan: LogicalPlan, ctx: &RuleContext) -> Result<Transformed<LogicalPlan>>;
}
