//! Ember's analyzer and optimizer: Catalyst-style rule batches over logical plans.
//!
//! # Brief overview
//! - [`Rule`]: `name()` + `apply(plan, ctx) -> Transformed<LogicalPlan>`; one rule per
//!   file, the file, struct and name agreeing (`push_down_filter.rs`, `PushDownFilter`,
//!   `"push_down_filter"`).
//! - [`RuleExecutor`]: named [`Batch`]es run [`Strategy::Once`] or
//!   [`Strategy::FixedPoint`]; records which rule changed the plan, checks in debug
//!   builds that no rule changed the output schema and that fixed points are reached.
//! - [`Analyzer`]: type coercion (explicit casts), then validation.
//! - [`Optimizer`]: filter and limit pushdown, outer join elimination, constant folding,
//!   expression simplification, column pruning, … in Spark's batch order.
//! - [`RuleContext`]: the session config and a [`ConstEvaluator`] (the engine's physical
//!   expressions) used for constant folding.
//!
//! ```
//! use std::sync::Arc;
//! use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
//! use ember_optimizer::{Analyzer, Optimizer, RuleContext};
//! use ember_plan::{col, lit, Expr, LogicalPlanBuilder, TableSource};
//!
//! #[derive(Debug)]
//! struct People(SchemaRef);
//! impl TableSource for People {
//!     fn schema(&self) -> SchemaRef { self.0.clone() }
//!     fn describe(&self) -> String { "memory".into() }
//!     fn as_any(&self) -> &dyn std::any::Any { self }
//! }
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("name", DataType::Utf8, true),
//!     Field::new("age", DataType::Int64, true),
//! ]));
//! let plan = LogicalPlanBuilder::scan("people", Arc::new(People(schema))).unwrap()
//!     .project(vec![col("name"), col("age")]).unwrap()
//!     .filter(col("age").gt(lit(21))).unwrap()
//!     .project(vec![col("name")]).unwrap()
//!     .build();
//! let ctx = RuleContext::default();
//! let analyzed = Analyzer::new().execute(plan, &ctx).unwrap();
//! let (optimized, trace) = Optimizer::new().execute_traced(analyzed, &ctx).unwrap();
//! assert_eq!(
//!     optimized.display_indent(),
//!     "Project [name]\n\
//!      +- Filter (age > CAST(21 AS BIGINT))\n   \
//!         +- Relation people[name,age] memory\n"
//! );
//! assert!(trace.contains(&"Operator Optimization/push_down_filter".to_string()));
//! ```

pub mod analyzer;
pub mod executor;
pub mod optimizer;
pub mod rule;
pub mod utils;

#[cfg(test)]
pub(crate) mod test_util;

pub use analyzer::Analyzer;
pub use executor::{Batch, RuleExecutor, Strategy};
pub use optimizer::Optimizer;
pub use rule::{ConstEvaluator, Rule, RuleContext};
