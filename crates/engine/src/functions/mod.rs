//! Spark's function library for DataFrames, by Spark's names: `col`, `lit`, `sum`,
//! `count`, `upper`, `split`, `explode`, `when`, … Functions come from the same
//! registry SQL uses, so `upper(col("a"))` and `SELECT upper(a)` build the same plan.

use std::sync::{Arc, OnceLock};

use arrow::datatypes::DataType;
use ember_common::{Error, Result};
use ember_functions::BuiltinRegistry;
use ember_plan::expr::{AggregateFunction, Case, Generator, GeneratorKind, ScalarFunction};
use ember_plan::{ColumnarValue, Expr, FunctionContext, FunctionRegistry, ScalarFunctionImpl, ScalarValue};

use crate::column::Column;

/// `pub fn name(c) -> Column` wrappers calling the registry function `name`.
macro_rules! unary {
    ($($name:ident),*) => {$(
        pub fn $name(c: impl Into<$crate::column::Column>) -> $crate::column::Column {
            $crate::functions::call_function(stringify!($name), vec![c.into()])
        }
    )*};
}

/// `pub fn name(a, b) -> Column` wrappers calling the registry function `name`.
macro_rules! binary {
    ($($name:ident),*) => {$(
        pub fn $name(a: impl Into<$crate::column::Column>, b: impl Into<$crate::column::Column>) -> $crate::column::Column {
            $crate::functions::call_function(stringify!($name), vec![a.into(), b.into()])
        }
    )*};
}

/// `pub fn name() -> Column` wrappers calling the registry function `name`.
macro_rules! nullary {
    ($($name:ident),*) => {$(
        pub fn $name() -> $crate::column::Column {
            $crate::functions::call_function(stringify!($name), vec![])
        }
    )*};
}

mod aggregates;
mod collections;
mod collections_more;
mod datetime;
mod event_time;
mod lambdas;
mod math;
mod scalar_more;
mod strings;
mod try_bits;
mod window;

pub use aggregates::*;
pub use collections::*;
pub use collections_more::*;
pub use datetime::*;
pub use event_time::*;
pub use lambdas::*;
pub use math::*;
pub use scalar_more::*;
pub use strings::*;
pub use try_bits::*;
pub use window::*;

/// The built-in functions, shared by every session.
pub fn registry() -> &'static BuiltinRegistry {
    static REGISTRY: OnceLock<BuiltinRegistry> = OnceLock::new();
    REGISTRY.get_or_init(BuiltinRegistry::new)
}

/// A column by name; `"t.a"` is qualified, `"*"` is every column.
pub fn col(name: &str) -> Column {
    if name == "*" {
        return Column::from_expr(Expr::Wildcard { qualifier: None });
    }
    if let Some(q) = name.strip_suffix(".*") {
        return Column::from_expr(Expr::Wildcard { qualifier: Some(q.to_string()) });
    }
    Column::from_expr(ember_plan::col(name))
}

/// Same as [`col`].
pub fn column(name: &str) -> Column {
    col(name)
}

/// A literal value.
pub fn lit(value: impl Into<ScalarValue>) -> Column {
    Column::from_expr(Expr::Literal(value.into()))
}

/// A NULL literal of no type.
pub fn null() -> Column {
    Column::from_expr(Expr::Literal(ScalarValue::Null))
}

/// Calls a scalar or aggregate function by name, as `SELECT name(args)` would.
pub fn call_function(name: &str, args: Vec<Column>) -> Column {
    let mut args: Vec<Expr> = args.into_iter().map(|c| c.expr).collect();
    let reg = registry();
    if let Some(f) = reg.scalar(name) {
        return match ember_plan::function::specialize_for_args(f, &mut args) {
            Ok(func) => Column::from_expr(Expr::ScalarFunction(ScalarFunction { func, args })),
            Err(e) => Column::from_expr(deferred_error(e)),
        };
    }
    if let Some(f) = reg.aggregate(name) {
        return Column::from_expr(Expr::AggregateFunction(AggregateFunction { func: f, args, distinct: false, filter: None }));
    }
    let suggestions = ember_common::suggest::closest(name, reg.names().iter().map(|s| s.as_str()), 5);
    Column::from_expr(deferred_error(Error::new(ember_common::ErrorKind::UnresolvedRoutine {
        name: name.to_string(),
        suggestions,
    })))
}

fn agg(name: &str, args: Vec<Column>, distinct: bool) -> Column {
    let mut c = call_function(name, args);
    if let Expr::AggregateFunction(a) = &mut c.expr {
        a.distinct = distinct;
    }
    c
}

/// `count(c)`; `count(col("*"))` counts rows (`count(1)`).
pub fn count(c: Column) -> Column {
    let arg = if matches!(c.expr, Expr::Wildcard { qualifier: None }) { lit(1) } else { c };
    agg("count", vec![arg], false)
}
/// `count(DISTINCT c…)`
pub fn count_distinct(cols: impl IntoIterator<Item = Column>) -> Column {
    agg("count", cols.into_iter().collect(), true)
}
pub fn sum(c: Column) -> Column {
    agg("sum", vec![c], false)
}
/// `sum(DISTINCT c)`
pub fn sum_distinct(c: Column) -> Column {
    agg("sum", vec![c], true)
}
pub fn avg(c: Column) -> Column {
    agg("avg", vec![c], false)
}
/// Same as [`avg`].
pub fn mean(c: Column) -> Column {
    avg(c)
}
pub fn min(c: Column) -> Column {
    agg("min", vec![c], false)
}
pub fn max(c: Column) -> Column {
    agg("max", vec![c], false)
}

pub fn upper(c: Column) -> Column {
    call_function("upper", vec![c])
}
pub fn lower(c: Column) -> Column {
    call_function("lower", vec![c])
}
pub fn length(c: Column) -> Column {
    call_function("length", vec![c])
}
pub fn trim(c: Column) -> Column {
    call_function("trim", vec![c])
}
pub fn ltrim(c: Column) -> Column {
    call_function("ltrim", vec![c])
}
pub fn rtrim(c: Column) -> Column {
    call_function("rtrim", vec![c])
}
pub fn abs(c: Column) -> Column {
    call_function("abs", vec![c])
}
/// `substring(c, pos, len)`, 1-based.
pub fn substring(c: Column, pos: i32, len: i32) -> Column {
    call_function("substring", vec![c, lit(pos), lit(len)])
}
pub fn concat(cols: impl IntoIterator<Item = Column>) -> Column {
    call_function("concat", cols.into_iter().collect())
}
pub fn concat_ws(sep: &str, cols: impl IntoIterator<Item = Column>) -> Column {
    let mut args = vec![lit(sep)];
    args.extend(cols);
    call_function("concat_ws", args)
}
/// `split(c, regex)` → array of strings.
pub fn split(c: Column, pattern: &str) -> Column {
    call_function("split", vec![c, lit(pattern)])
}
pub fn coalesce(cols: impl IntoIterator<Item = Column>) -> Column {
    call_function("coalesce", cols.into_iter().collect())
}
pub fn nullif(a: Column, b: Column) -> Column {
    call_function("nullif", vec![a, b])
}

fn generator(kind: GeneratorKind, outer: bool, c: Column) -> Column {
    Column::from_expr(Expr::Generator(Generator { kind, outer, arg: Box::new(c.expr) }))
}
/// One output row per array element.
pub fn explode(c: Column) -> Column {
    generator(GeneratorKind::Explode, false, c)
}
/// Like [`explode`], but a NULL or empty array gives one row with NULL.
pub fn explode_outer(c: Column) -> Column {
    generator(GeneratorKind::Explode, true, c)
}
/// One row per element with its position (`pos`, `col`).
pub fn posexplode(c: Column) -> Column {
    generator(GeneratorKind::PosExplode, false, c)
}

/// `CASE WHEN condition THEN value`; chain `.when(…)` and `.otherwise(…)`.
pub fn when(condition: Column, value: impl Into<Column>) -> Column {
    Column::from_expr(Expr::Case(Case { operand: None, when_then: vec![(condition.expr, value.into().expr)], else_expr: None }))
}

/// An expression that fails with `error` when the plan using it is built, so that
/// DataFrame builders can stay infallible and still report bad input precisely.
pub(crate) fn deferred_error(error: Error) -> Expr {
    let deferred = DeferredError {
        class: error.class(),
        sqlstate: error.sqlstate().map(|s| s.to_string()),
        message: error.message(),
    };
    Expr::ScalarFunction(ScalarFunction { func: Arc::new(deferred), args: vec![] })
}

/// The class, SQLSTATE and message of an error raised when the expression is typed.
#[derive(Debug)]
struct DeferredError {
    class: String,
    sqlstate: Option<String>,
    message: String,
}

impl DeferredError {
    fn error(&self) -> Error {
        Error::new(ember_common::ErrorKind::Other {
            class: self.class.clone(),
            sqlstate: self.sqlstate.clone(),
            message: self.message.clone(),
        })
    }
}

impl ScalarFunctionImpl for DeferredError {
    fn name(&self) -> &str {
        "error"
    }
    fn coerce_types(&self, _arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Err(self.error())
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Err(self.error())
    }
    fn invoke(&self, _args: &[ColumnarValue], _num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        Err(self.error())
    }
}
