//! DataFrame wrappers for Spark's window functions and the Window spec builder:
//! `row_number().over(&Window::partition_by([col("k")]).order_by([col("v").desc()]))`,
//! `sum(col("x")).over(&Window::partition_by([col("k")]).rows_between(-1, 1))`.

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::expr::ScalarFunction;
use ember_plan::window::{
    distinct_unsupported, BuiltinWindowFunction, WindowFrame, WindowFrameBound, WindowFrameUnits, WindowFunction, WindowFunctionKind,
    WindowSpec as PlanWindowSpec,
};
use ember_plan::{ColumnarValue, Expr, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::{deferred_error, lit};
use crate::column::Column;

/// Entry points of window specs, as Spark's `Window` object.
pub struct Window;

impl Window {
    /// `PARTITION BY cols`
    pub fn partition_by(cols: impl IntoIterator<Item = impl Into<Column>>) -> WindowSpec {
        WindowSpec::default().partition_by(cols)
    }

    /// `ORDER BY cols` (`col("v").desc()` for descending).
    pub fn order_by(cols: impl IntoIterator<Item = impl Into<Column>>) -> WindowSpec {
        WindowSpec::default().order_by(cols)
    }

    /// `rows_between(Window::unbounded_preceding(), …)`
    pub fn unbounded_preceding() -> i64 {
        i64::MIN
    }

    /// `… Window::unbounded_following())`
    pub fn unbounded_following() -> i64 {
        i64::MAX
    }

    /// The current row (offset 0).
    pub fn current_row() -> i64 {
        0
    }
}

/// A window specification: partitioning, ordering and an optional frame.
#[derive(Debug, Clone, Default)]
pub struct WindowSpec {
    partition_by: Vec<Column>,
    order_by: Vec<Column>,
    frame: Option<(WindowFrameUnits, i64, i64)>,
}

impl WindowSpec {
    pub fn partition_by(mut self, cols: impl IntoIterator<Item = impl Into<Column>>) -> Self {
        self.partition_by = cols.into_iter().map(Into::into).collect();
        self
    }

    pub fn order_by(mut self, cols: impl IntoIterator<Item = impl Into<Column>>) -> Self {
        self.order_by = cols.into_iter().map(Into::into).collect();
        self
    }

    /// `ROWS BETWEEN start AND end`: negative offsets precede the current row, 0 is the
    /// current row, [`Window::unbounded_preceding`] / [`Window::unbounded_following`]
    /// are the partition's ends.
    pub fn rows_between(mut self, start: i64, end: i64) -> Self {
        self.frame = Some((WindowFrameUnits::Rows, start, end));
        self
    }

    /// `RANGE BETWEEN start AND end`, offsets on the value of the one ORDER BY key.
    pub fn range_between(mut self, start: i64, end: i64) -> Self {
        self.frame = Some((WindowFrameUnits::Range, start, end));
        self
    }

    fn to_plan(&self) -> PlanWindowSpec {
        let bound = |v: i64| match v {
            i64::MIN => WindowFrameBound::UnboundedPreceding,
            i64::MAX => WindowFrameBound::UnboundedFollowing,
            0 => WindowFrameBound::CurrentRow,
            v if v < 0 => WindowFrameBound::Preceding(offset(v.unsigned_abs() as i64)),
            v => WindowFrameBound::Following(offset(v)),
        };
        PlanWindowSpec {
            partition_by: self.partition_by.iter().map(|c| c.expr.clone()).collect(),
            order_by: self.order_by.iter().map(|c| c.to_sort_expr()).collect(),
            frame: self.frame.map(|(units, s, e)| WindowFrame::new(units, bound(s), bound(e))),
        }
    }
}

/// Spark keeps int-sized offsets as INT literals, larger ones as BIGINT.
fn offset(v: i64) -> ScalarValue {
    match i32::try_from(v) {
        Ok(i) => ScalarValue::Int32(Some(i)),
        Err(_) => ScalarValue::Int64(Some(v)),
    }
}

impl Column {
    /// `self OVER (spec)`: a window function or any aggregate over a window.
    pub fn over(self, spec: &WindowSpec) -> Column {
        match over(self.expr, spec) {
            Ok(e) => Column::from_expr(e),
            Err(e) => Column::from_expr(deferred_error(e)),
        }
    }
}

fn over(expr: Expr, spec: &WindowSpec) -> Result<Expr> {
    let spec = spec.to_plan();
    match expr {
        Expr::AggregateFunction(a) if a.filter.is_some() => {
            Err(Error::unsupported(format!("FILTER in the window function `{}`", a.func.name())))
        }
        Expr::AggregateFunction(a) => {
            let w = WindowFunction::try_new(WindowFunctionKind::Aggregate(a.func), a.args, spec, false)?;
            if a.distinct {
                return Err(distinct_unsupported(&w));
            }
            Ok(Expr::WindowFunction(w))
        }
        Expr::ScalarFunction(s) => match pending_of(s.func.name()) {
            Some((func, ignore_nulls)) => {
                Ok(Expr::WindowFunction(WindowFunction::try_new(WindowFunctionKind::Builtin(func), s.args, spec, ignore_nulls)?))
            }
            None => Err(not_a_window_function(&Expr::ScalarFunction(s).to_string())),
        },
        other => Err(not_a_window_function(&other.to_string())),
    }
}

fn not_a_window_function(e: &str) -> Error {
    Error::new(ErrorKind::Other {
        class: "UNSUPPORTED_EXPR_FOR_WINDOW".into(),
        sqlstate: Some("42P20".into()),
        message: format!("Expression \"{e}\" not supported within a window function."),
    })
}

/// The window function a wrapper's pending call stands for, and its IGNORE NULLS.
fn pending_of(name: &str) -> Option<(BuiltinWindowFunction, bool)> {
    match name.strip_suffix(IGNORE_NULLS) {
        Some(base) => BuiltinWindowFunction::from_name(base).map(|f| (f, true)),
        None => BuiltinWindowFunction::from_name(name).map(|f| (f, false)),
    }
}

const IGNORE_NULLS: &str = " ignore nulls";

/// A window function before `.over(…)`: typing it (using it without a window) is
/// Spark's WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE.
#[derive(Debug, Clone)]
struct PendingWindow {
    func: BuiltinWindowFunction,
    ignore_nulls: bool,
    name: String,
}

impl PendingWindow {
    fn name(&self) -> String {
        if self.ignore_nulls {
            format!("{}{IGNORE_NULLS}", self.func.name())
        } else {
            self.func.name().to_string()
        }
    }

    fn error(&self) -> Error {
        Error::new(ErrorKind::Other {
            class: "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE".into(),
            sqlstate: Some("42601".into()),
            message: format!("Window function `{}` requires an OVER clause.", self.func.name()),
        })
    }
}

impl ScalarFunctionImpl for PendingWindow {
    fn name(&self) -> &str {
        &self.name
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(arg_types.to_vec())
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Err(self.error())
    }
    fn invoke(&self, _: &[ColumnarValue], _: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        Err(self.error())
    }
}

fn pending(func: BuiltinWindowFunction, ignore_nulls: bool, args: Vec<Column>) -> Column {
    let mut f = PendingWindow { func, ignore_nulls, name: String::new() };
    f.name = PendingWindow::name(&f);
    Column::from_expr(Expr::ScalarFunction(ScalarFunction { func: Arc::new(f), args: args.into_iter().map(|c| c.expr).collect() }))
}

/// `row_number()`: 1, 2, 3, … within the partition.
pub fn row_number() -> Column {
    pending(BuiltinWindowFunction::RowNumber, false, vec![])
}
/// `rank()`: position of the first peer (ties share it, gaps after ties).
pub fn rank() -> Column {
    pending(BuiltinWindowFunction::Rank, false, vec![])
}
/// `dense_rank()`: ranks without gaps.
pub fn dense_rank() -> Column {
    pending(BuiltinWindowFunction::DenseRank, false, vec![])
}
/// `percent_rank()`: `(rank - 1) / (rows in partition - 1)`.
pub fn percent_rank() -> Column {
    pending(BuiltinWindowFunction::PercentRank, false, vec![])
}
/// `cume_dist()`: fraction of rows up to and including the current row's peers.
pub fn cume_dist() -> Column {
    pending(BuiltinWindowFunction::CumeDist, false, vec![])
}
/// `ntile(n)`: bucket number 1..=n.
pub fn ntile(n: i32) -> Column {
    pending(BuiltinWindowFunction::Ntile, false, vec![lit(n)])
}
/// `lag(c, offset)`: the value `offset` rows before, NULL past the partition start.
pub fn lag(c: Column, offset: i32) -> Column {
    pending(BuiltinWindowFunction::Lag, false, vec![c, lit(offset)])
}
/// `lag(c, offset, default)`, optionally skipping NULLs (`IGNORE NULLS`).
pub fn lag_with_default(c: Column, offset: i32, default: impl Into<Column>, ignore_nulls: bool) -> Column {
    pending(BuiltinWindowFunction::Lag, ignore_nulls, vec![c, lit(offset), default.into()])
}
/// `lead(c, offset)`: the value `offset` rows after, NULL past the partition end.
pub fn lead(c: Column, offset: i32) -> Column {
    pending(BuiltinWindowFunction::Lead, false, vec![c, lit(offset)])
}
/// `lead(c, offset, default)`, optionally skipping NULLs (`IGNORE NULLS`).
pub fn lead_with_default(c: Column, offset: i32, default: impl Into<Column>, ignore_nulls: bool) -> Column {
    pending(BuiltinWindowFunction::Lead, ignore_nulls, vec![c, lit(offset), default.into()])
}
/// `first_value(c)` over the frame, optionally the first non-NULL one.
pub fn first_value(c: Column, ignore_nulls: bool) -> Column {
    pending(BuiltinWindowFunction::FirstValue, ignore_nulls, vec![c])
}
/// `last_value(c)` over the frame, optionally the last non-NULL one.
pub fn last_value(c: Column, ignore_nulls: bool) -> Column {
    pending(BuiltinWindowFunction::LastValue, ignore_nulls, vec![c])
}
/// `nth_value(c, n)`: the n-th value of the frame (1-based), optionally of its non-NULL values.
pub fn nth_value(c: Column, n: i32, ignore_nulls: bool) -> Column {
    pending(BuiltinWindowFunction::NthValue, ignore_nulls, vec![c, lit(n)])
}
