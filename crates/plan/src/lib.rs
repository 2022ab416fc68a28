//! Ember's logical layer: expressions ([`Expr`]), logical plans ([`LogicalPlan`]),
//! schemas with qualifiers ([`PlanSchema`]), Spark's type coercion rules, the plan
//! builder shared by SQL and DataFrames, and the contracts with functions and sources.
//!
//! # Brief overview
//! - [`LogicalPlan`] is an enum of operator structs (`Projection`, `Filter`, …), each
//!   built with a validating `try_new` and caching its output schema.
//! - [`Expr`] displays as Spark's generated column names.
//! - [`LogicalPlanBuilder`] builds plans; both `ember-sql` and the DataFrame API use it.
//! - [`coercion`] holds Spark's implicit casts and decimal precision rules.
//!
//! ```
//! use ember_plan::{col, lit, LogicalPlanBuilder};
//! let plan = LogicalPlanBuilder::values(vec![vec![lit(1), lit("a")], vec![lit(2), lit("b")]], None)
//!     .unwrap()
//!     .filter(col("col1").gt(lit(1)))
//!     .unwrap()
//!     .project(vec![col("col2")])
//!     .unwrap()
//!     .build();
//! assert_eq!(plan.schema().field(0).name(), "col2");
//! ```

pub mod builder;
pub mod calendar_interval;
pub mod catalog;
pub mod coercion;
pub mod datetime;
pub mod datetime_coercion;
pub mod display;
pub mod event_time;
pub mod expand;
pub mod expr;
pub mod expr_interval;
pub mod expr_schema;
pub mod extract_interval_days;
pub mod format;
pub mod function;
pub mod group_state;
pub mod grouping_sets;
pub mod interval;
pub mod interval_parse;
pub mod lambda;
pub mod logical_plan;
pub mod operator;
pub mod plan_depth;
pub mod pivot;
pub mod sample;
pub mod scalar;
pub mod schema;
pub mod set_operation;
pub mod shown_call;
pub mod statement;
pub mod statistics;
pub mod subquery_plans;
pub mod table_name;
pub mod table_source;
pub mod time_window;
pub mod update_sessions;
pub mod session_window;
pub mod window;
pub mod window_frame;
pub mod join_plan;
pub mod lateral_join;
pub mod window_plan;

pub use builder::LogicalPlanBuilder;
pub use catalog::CatalogLookup;
pub use expr::{col, conjunction, lit, split_conjunction, Column, Expr, SortExpr};
pub use function::{AggregateFunctionImpl, ColumnarValue, FunctionContext, FunctionRegistry, GroupsAccumulator, ScalarFunctionImpl};
pub use logical_plan::*;
pub use operator::Operator;
pub use scalar::ScalarValue;
pub use schema::{PlanField, PlanSchema};
pub use statement::{AlterTableAction, CreateTable, CreateView, InsertInto, PartitionSpec, PartitionValue, Statement, ViewKind};
pub use table_name::{QualifiedName, TableName};
pub use table_source::{FilterPushdown, TableSource};
pub use window::{BuiltinWindowFunction, WindowFrame, WindowFrameBound, WindowFrameUnits, WindowFunction, WindowFunctionKind, WindowSpec};
pub use window_plan::Window;
