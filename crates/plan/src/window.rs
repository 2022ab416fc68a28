//! Window expressions: `f(args) OVER (PARTITION BY … ORDER BY … frame)`. Holds the
//! window spec, the ranking and offset functions Spark defines, the checks Spark's
//! analyzer makes on them (required frames, ORDER BY, arguments), their result types
//! and their Spark column names. Frames are in `window_frame.rs`.

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::coercion::{can_cast, is_numeric};
use crate::expr::{Expr, SortExpr};
use crate::function::AggregateFunctionImpl;
use crate::scalar::ScalarValue;
use crate::schema::PlanSchema;

pub use crate::window_frame::{WindowFrame, WindowFrameBound, WindowFrameUnits};

/// `PARTITION BY … ORDER BY … [frame]` as written (the frame is resolved against the
/// function when a [`WindowFunction`] is built).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WindowSpec {
    pub partition_by: Vec<Expr>,
    pub order_by: Vec<SortExpr>,
    pub frame: Option<WindowFrame>,
}

/// The window functions that are not aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinWindowFunction {
    RowNumber,
    Rank,
    DenseRank,
    PercentRank,
    CumeDist,
    Ntile,
    Lag,
    Lead,
    FirstValue,
    LastValue,
    NthValue,
}

impl BuiltinWindowFunction {
    pub const ALL: [BuiltinWindowFunction; 11] = [
        Self::RowNumber,
        Self::Rank,
        Self::DenseRank,
        Self::PercentRank,
        Self::CumeDist,
        Self::Ntile,
        Self::Lag,
        Self::Lead,
        Self::FirstValue,
        Self::LastValue,
        Self::NthValue,
    ];

    /// Spark's (lower-case) function name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::RowNumber => "row_number",
            Self::Rank => "rank",
            Self::DenseRank => "dense_rank",
            Self::PercentRank => "percent_rank",
            Self::CumeDist => "cume_dist",
            Self::Ntile => "ntile",
            Self::Lag => "lag",
            Self::Lead => "lead",
            Self::FirstValue => "first_value",
            Self::LastValue => "last_value",
            Self::NthValue => "nth_value",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Functions computed from row positions and peers only, with a frame fixed by Spark.
    pub fn is_ranking(&self) -> bool {
        matches!(self, Self::RowNumber | Self::Rank | Self::DenseRank | Self::PercentRank | Self::CumeDist | Self::Ntile)
    }

    /// Spark's `WindowFunction`s need ORDER BY; first_value and last_value are aggregates.
    fn needs_order(&self) -> bool {
        !matches!(self, Self::FirstValue | Self::LastValue)
    }

    /// Allowed argument counts.
    fn arity(&self) -> (usize, usize) {
        match self {
            Self::Ntile => (1, 1),
            Self::Lag | Self::Lead => (1, 3),
            Self::FirstValue | Self::LastValue => (1, 2),
            Self::NthValue => (2, 2),
            _ => (0, 0),
        }
    }
}

/// What a window expression computes.
#[derive(Debug, Clone)]
pub enum WindowFunctionKind {
    /// Any aggregate (`sum`, `count`, …) over the frame.
    Aggregate(Arc<dyn AggregateFunctionImpl>),
    Builtin(BuiltinWindowFunction),
}

impl WindowFunctionKind {
    pub fn name(&self) -> &str {
        match self {
            WindowFunctionKind::Aggregate(a) => a.name(),
            WindowFunctionKind::Builtin(b) => b.name(),
        }
    }
}

impl PartialEq for WindowFunctionKind {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (WindowFunctionKind::Aggregate(a), WindowFunctionKind::Aggregate(b)) => a.name() == b.name(),
            (WindowFunctionKind::Builtin(a), WindowFunctionKind::Builtin(b)) => a == b,
            _ => false,
        }
    }
}

/// `f(args) OVER (spec)` with its frame resolved (never unspecified once built).
#[derive(Debug, Clone, PartialEq)]
pub struct WindowFunction {
    pub func: WindowFunctionKind,
    /// For lag/lead always `[input, offset, default]`; for nth_value `[input, n]`.
    pub args: Vec<Expr>,
    pub partition_by: Vec<Expr>,
    pub order_by: Vec<SortExpr>,
    pub frame: WindowFrame,
    /// `IGNORE NULLS` (lag, lead, first_value, last_value, nth_value)
    pub ignore_nulls: bool,
}

fn other(class: &str, sqlstate: &str, message: String) -> Error {
    Error::new(ErrorKind::Other { class: class.into(), sqlstate: Some(sqlstate.into()), message })
}

/// The value of a literal integer argument (`ntile(4)`, `lag(x, 2)`).
fn int_literal(e: &Expr) -> Option<i64> {
    match e.unalias() {
        Expr::Literal(ScalarValue::Int8(Some(v))) => Some(*v as i64),
        Expr::Literal(ScalarValue::Int16(Some(v))) => Some(*v as i64),
        Expr::Literal(ScalarValue::Int32(Some(v))) => Some(*v as i64),
        Expr::Literal(ScalarValue::Int64(Some(v))) => Some(*v),
        Expr::Negative(inner) => int_literal(inner).map(|v| -v),
        _ => None,
    }
}

impl WindowFunction {
    /// Checks `func(args) OVER spec` as Spark's analyzer does and resolves its frame:
    /// the function's own frame for ranking and offset functions, else the spec's, else
    /// Spark's default.
    pub fn try_new(func: WindowFunctionKind, mut args: Vec<Expr>, spec: WindowSpec, ignore_nulls: bool) -> Result<Self> {
        let WindowSpec { partition_by, order_by, frame } = spec;
        if let Some(f) = &frame {
            f.check(&order_by)?;
        }
        let builtin = match &func {
            WindowFunctionKind::Aggregate(_) => {
                if ignore_nulls {
                    return Err(other(
                        "INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
                        "42000",
                        format!("Invalid SQL syntax: The function `{}` does not support IGNORE NULLS.", func.name()),
                    ));
                }
                let frame = frame.unwrap_or_else(|| WindowFrame::default_for(!order_by.is_empty()));
                return Ok(WindowFunction { func, args, partition_by, order_by, frame, ignore_nulls });
            }
            WindowFunctionKind::Builtin(b) => *b,
        };
        if matches!(builtin, BuiltinWindowFunction::Rank | BuiltinWindowFunction::DenseRank | BuiltinWindowFunction::PercentRank) {
            // Spark's rank functions take any arguments and replace them by the ORDER BY keys.
            args.clear();
        }
        let (lo, hi) = builtin.arity();
        if args.len() < lo || args.len() > hi {
            let expected = if lo == hi { lo.to_string() } else { format!("[{lo}, {hi}]") };
            return Err(Error::new(ErrorKind::WrongNumArgs { name: builtin.name().into(), expected, found: args.len() }));
        }
        let mut ignore_nulls = ignore_nulls;
        if matches!(builtin, BuiltinWindowFunction::FirstValue | BuiltinWindowFunction::LastValue) && args.len() == 2 {
            match args[1].unalias() {
                Expr::Literal(ScalarValue::Boolean(Some(b))) => ignore_nulls |= *b,
                e => {
                    return Err(Error::new(ErrorKind::DatatypeMismatch {
                        sub: "UNEXPECTED_INPUT_TYPE",
                        expr: format!("\"{}({}, {e})\"", builtin.name(), args[0]),
                        message: format!("The second parameter requires the \"BOOLEAN\" type, however \"{e}\" is not a boolean literal."),
                    }))
                }
            }
            args.truncate(1);
        }
        if ignore_nulls && builtin.is_ranking() {
            return Err(other(
                "INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
                "42000",
                format!("Invalid SQL syntax: The function `{}` does not support IGNORE NULLS.", builtin.name()),
            ));
        }
        if matches!(builtin, BuiltinWindowFunction::Lag | BuiltinWindowFunction::Lead) {
            if args.len() < 2 {
                args.push(Expr::Literal(ScalarValue::Int32(Some(1))));
            }
            if args.len() < 3 {
                args.push(Expr::Literal(ScalarValue::Null));
            }
        }
        let call = builtin_sql(builtin, &args);
        if builtin.needs_order() && order_by.is_empty() {
            return Err(other(
                "WINDOW_FUNCTION_FRAME_NOT_ORDERED",
                "42601",
                format!(
                    "Window function {} requires the window to be ordered. You need to add an ORDER BY clause. For example: SELECT {call} OVER (PARTITION BY window_partition ORDER BY window_ordering) FROM table.",
                    builtin.name()
                ),
            ));
        }
        let positive = |what: &str, e: &Expr| -> Result<i64> {
            match int_literal(e) {
                Some(v) if v > 0 && v <= i32::MAX as i64 => Ok(v),
                Some(v) => Err(Error::new(ErrorKind::DatatypeMismatch {
                    sub: "VALUE_OUT_OF_RANGE",
                    expr: format!("\"{call}\""),
                    message: format!("The `{what}` must be between (0, {}] (current value = {v}).", i32::MAX),
                })),
                None => Err(Error::new(ErrorKind::DatatypeMismatch {
                    sub: "NON_FOLDABLE_INPUT",
                    expr: format!("\"{call}\""),
                    message: format!("the input `{what}` should be a foldable \"INT\" expression; however, got \"{e}\"."),
                })),
            }
        };
        use BuiltinWindowFunction as B;
        let required = match builtin {
            B::RowNumber | B::Rank | B::DenseRank | B::PercentRank => Some(WindowFrame::rows_to_current()),
            B::CumeDist => {
                Some(WindowFrame::new(WindowFrameUnits::Range, WindowFrameBound::UnboundedPreceding, WindowFrameBound::CurrentRow))
            }
            B::Ntile => {
                positive("buckets", &args[0])?;
                Some(WindowFrame::rows_to_current())
            }
            B::Lag | B::Lead => {
                let n = int_literal(&args[1]).ok_or_else(|| {
                    Error::new(ErrorKind::DatatypeMismatch {
                        sub: "NON_FOLDABLE_INPUT",
                        expr: format!("\"{}\"", builtin_sql(builtin, &args)),
                        message: format!("the input `offset` should be a foldable \"INT\" expression; however, got \"{}\".", args[1]),
                    })
                })?;
                let n = if builtin == B::Lag { -n } else { n };
                let at = WindowFrameBound::Following(ScalarValue::Int32(Some(n as i32)));
                if let Some(f) = &frame {
                    if f.units != WindowFrameUnits::Rows || f.start != at || f.end != at {
                        return Err(Error::legacy(
                            "_LEGACY_ERROR_TEMP_1035",
                            format!("Cannot specify window frame for {} function.", builtin.name()),
                        ));
                    }
                }
                Some(WindowFrame::new(WindowFrameUnits::Rows, at.clone(), at))
            }
            B::NthValue => {
                positive("offset", &args[1])?;
                None
            }
            B::FirstValue | B::LastValue => None,
        };
        let frame = match (required, frame) {
            (Some(req), Some(given)) if req != given => {
                return Err(Error::legacy("_LEGACY_ERROR_TEMP_1036", format!("Window Frame {given} must match the required frame {req}.")))
            }
            (Some(req), _) => req,
            (None, Some(given)) => given,
            (None, None) => WindowFrame::default_for(!order_by.is_empty()),
        };
        Ok(WindowFunction { func, args, partition_by, order_by, frame, ignore_nulls })
    }

    /// Partition and order keys (expressions that must be equal for two window
    /// functions to share a `Window` node).
    pub fn same_partitioning(&self, other: &WindowFunction) -> bool {
        self.partition_by == other.partition_by && self.order_by == other.order_by
    }

    /// The result type over rows of `schema`.
    pub fn data_type(&self, schema: &PlanSchema) -> Result<DataType> {
        let types = self.args.iter().map(|a| a.data_type(schema)).collect::<Result<Vec<_>>>()?;
        for p in &self.partition_by {
            p.data_type(schema)?;
        }
        if self.frame.units == WindowFrameUnits::Range && self.frame.has_offsets() {
            if let Some(o) = self.order_by.first() {
                let t = o.expr.data_type(schema)?;
                let castable = [&self.frame.start, &self.frame.end].iter().filter_map(|b| b.offset()).all(|v| can_cast(&v.data_type(), &t));
                if !(is_numeric(&t) || t == DataType::Date32) && castable {
                    // Spark casts the offsets to the ORDER BY type, then rejects that type.
                    return Err(self.frame.unaccepted_type(self.frame.first_offset_location(), &t));
                }
                if !(is_numeric(&t) || t == DataType::Date32) {
                    return Err(Error::new(ErrorKind::DatatypeMismatch {
                        sub: "RANGE_FRAME_INVALID_TYPE",
                        expr: format!("\"{self}\""),
                        message: format!(
                            "The data type \"{}\" used in the order specification does not support the data type \"NUMERIC\" which is used in the range frame.",
                            catalog_string(&t).to_uppercase()
                        ),
                    }));
                }
            }
        }
        for o in &self.order_by {
            o.expr.data_type(schema)?;
        }
        use BuiltinWindowFunction as B;
        match &self.func {
            WindowFunctionKind::Aggregate(a) => {
                let coerced = a.coerce_types(&types)?;
                a.return_type(&coerced)
            }
            WindowFunctionKind::Builtin(b) => match b {
                B::RowNumber | B::Rank | B::DenseRank | B::Ntile => Ok(DataType::Int32),
                B::PercentRank | B::CumeDist => Ok(DataType::Float64),
                B::FirstValue | B::LastValue | B::NthValue => Ok(types[0].clone()),
                B::Lag | B::Lead => {
                    let (input, default) = (&types[0], &types[2]);
                    if *input == DataType::Null {
                        return Ok(default.clone());
                    }
                    if default != input && !can_cast(default, input) {
                        return Err(Error::new(ErrorKind::DatatypeMismatch {
                            sub: "UNEXPECTED_INPUT_TYPE",
                            expr: format!("\"{self}\""),
                            message: format!(
                                "The third parameter requires the \"{}\" type, however \"{}\" has the type \"{}\".",
                                catalog_string(input).to_uppercase(),
                                self.args[2],
                                catalog_string(default).to_uppercase()
                            ),
                        }));
                    }
                    Ok(input.clone())
                }
            },
        }
    }

    /// Ranking functions and `count` never give NULL.
    pub fn nullable(&self) -> bool {
        match &self.func {
            WindowFunctionKind::Aggregate(a) => a.nullable(),
            WindowFunctionKind::Builtin(b) => !b.is_ranking(),
        }
    }
}

/// DISTINCT_WINDOW_FUNCTION_UNSUPPORTED for `f(DISTINCT …) OVER …`.
pub fn distinct_unsupported(w: &WindowFunction) -> Error {
    let list = w.args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
    other(
        "DISTINCT_WINDOW_FUNCTION_UNSUPPORTED",
        "0A000",
        format!("Distinct window functions are not supported: {}(DISTINCT {list}) OVER {}.", w.func.name(), WindowSpecDisplay(w)),
    )
}

/// Spark's SQL text of the function call alone (`RANK()`, `lag(v, 1, NULL)`).
fn builtin_sql(b: BuiltinWindowFunction, args: &[Expr]) -> String {
    use BuiltinWindowFunction as B;
    let list = args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
    match b {
        B::Rank | B::DenseRank | B::PercentRank => format!("{}()", b.name().to_uppercase()),
        _ => format!("{}({list})", b.name()),
    }
}

impl fmt::Display for WindowSpecDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.0;
        let mut parts = Vec::new();
        if !w.partition_by.is_empty() {
            parts.push(format!("PARTITION BY {}", w.partition_by.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ")));
        }
        if !w.order_by.is_empty() {
            parts.push(format!("ORDER BY {}", w.order_by.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ")));
        }
        parts.push(w.frame.to_string());
        write!(f, "({})", parts.join(" "))
    }
}

/// The `( … )` after OVER, as Spark prints it.
pub struct WindowSpecDisplay<'a>(pub &'a WindowFunction);

impl fmt::Display for WindowFunction {
    /// Spark's column name: `sum(v) OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST
    /// RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = match &self.func {
            WindowFunctionKind::Aggregate(a) => {
                format!("{}({})", a.name(), self.args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "))
            }
            WindowFunctionKind::Builtin(b) => builtin_sql(*b, &self.args),
        };
        write!(f, "{call} OVER {}", WindowSpecDisplay(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::col;

    fn spec(order: bool, frame: Option<WindowFrame>) -> WindowSpec {
        WindowSpec { partition_by: vec![col("k")], order_by: if order { vec![col("v").sort(false, None)] } else { vec![] }, frame }
    }

    fn builtin(f: BuiltinWindowFunction, args: Vec<Expr>, s: WindowSpec) -> Result<WindowFunction> {
        WindowFunction::try_new(WindowFunctionKind::Builtin(f), args, s, false)
    }

    #[test]
    fn spark_names_and_resolved_frames() {
        let rank = builtin(BuiltinWindowFunction::Rank, vec![], spec(true, None)).unwrap();
        assert_eq!(
            rank.to_string(),
            "RANK() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        );
        // Spark accepts arguments to rank and drops them: `rank(v)` is `RANK()`.
        let rank_v = builtin(BuiltinWindowFunction::Rank, vec![col("v")], spec(true, None)).unwrap();
        assert_eq!(rank_v, rank);
        let lag = builtin(BuiltinWindowFunction::Lag, vec![col("v")], spec(true, None)).unwrap();
        assert_eq!(
            lag.to_string(),
            "lag(v, 1, NULL) OVER (PARTITION BY k ORDER BY v DESC NULLS LAST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)"
        );
        let first = builtin(BuiltinWindowFunction::FirstValue, vec![col("v")], spec(false, None)).unwrap();
        assert_eq!(first.frame, WindowFrame::default_for(false));
        let cume = builtin(BuiltinWindowFunction::CumeDist, vec![], spec(true, None)).unwrap();
        assert_eq!(cume.frame.units, WindowFrameUnits::Range);
    }

    #[test]
    fn spark_frame_and_argument_errors() {
        let class = |r: Result<WindowFunction>| r.unwrap_err().class();
        let rows = |s, e| Some(WindowFrame::new(WindowFrameUnits::Rows, s, e));
        let one = || ScalarValue::Int32(Some(1));
        assert_eq!(class(builtin(BuiltinWindowFunction::RowNumber, vec![], spec(false, None))), "WINDOW_FUNCTION_FRAME_NOT_ORDERED");
        assert_eq!(
            class(builtin(BuiltinWindowFunction::NthValue, vec![col("v"), Expr::Literal(ScalarValue::Int32(Some(0)))], spec(true, None))),
            "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE"
        );
        let bad = rows(WindowFrameBound::Following(one()), WindowFrameBound::Preceding(one()));
        assert_eq!(
            class(builtin(BuiltinWindowFunction::FirstValue, vec![col("v")], spec(true, bad))),
            "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON"
        );
        let empty = rows(WindowFrameBound::CurrentRow, WindowFrameBound::Preceding(one()));
        assert!(builtin(BuiltinWindowFunction::FirstValue, vec![col("v")], spec(true, empty)).is_ok());
        let range = Some(WindowFrame::new(WindowFrameUnits::Range, WindowFrameBound::Preceding(one()), WindowFrameBound::CurrentRow));
        assert_eq!(
            class(builtin(BuiltinWindowFunction::LastValue, vec![col("v")], spec(false, range))),
            "DATATYPE_MISMATCH.RANGE_FRAME_WITHOUT_ORDER"
        );
        let other = rows(WindowFrameBound::UnboundedPreceding, WindowFrameBound::UnboundedFollowing);
        assert_eq!(class(builtin(BuiltinWindowFunction::Rank, vec![], spec(true, other))), "_LEGACY_ERROR_TEMP_1036");
    }
}
