//! Event-time windows (Spark's `TimeWindow`, `SessionWindow` and `window_time`): the
//! window struct type, the durations read from a call's literal arguments with Spark's
//! checks and errors, and the evaluation of one window of a row.
//!
//! `window(ts, '10 minutes'[, slide[, start]])` and `session_window(ts, gap)` are bound as
//! calls of [`TimeWindowFunction`] and [`SessionWindowFunction`]; the analyzer
//! (`resolve_time_windows` in `ember-optimizer`) replaces them by a column computed
//! below the operator by [`WindowAtFunction`] / [`SessionStartFunction`], as Spark's
//! `TimeWindowing` and `SessionWindowing` rules do.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StructArray, TimestampMicrosecondArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Fields, TimeUnit, TimestampMicrosecondType};
use ember_common::interval_type::MICROS_PER_DAY;
use ember_common::types::catalog_string;
use ember_common::{Error, Result, TreeNode};

use crate::expr::ScalarFunction;
use crate::expr_schema::unexpected_type_of;
use crate::function::{ColumnarValue, FunctionContext, ScalarFunctionImpl};
use crate::scalar::ScalarValue;
use crate::Expr;

/// The name of the column a `window(…)` call becomes.
pub const WINDOW_COLUMN: &str = "window";
/// The name of the column a `session_window(…)` call becomes.
pub const SESSION_COLUMN: &str = "session_window";

/// True for a call of `window` or `session_window` as the user wrote it (before the
/// analyzer expands it).
pub fn is_time_window_call(e: &Expr) -> bool {
    matches!(e, Expr::ScalarFunction(f) if matches!(f.func.name(), "window" | "session_window"))
}

/// True when `e` holds a `window` or `session_window` call.
pub fn contains_time_window(e: &Expr) -> bool {
    let mut found = false;
    let _ = e.apply(&mut |x: &Expr| {
        found |= is_time_window_call(x);
        Ok(if found { ember_common::TreeNodeRecursion::Stop } else { ember_common::TreeNodeRecursion::Continue })
    });
    found
}

/// `struct<start: T, end: T>` for a `TIMESTAMP` or `TIMESTAMP_NTZ` time column `T`.
pub fn window_struct_type(time_type: &DataType) -> DataType {
    DataType::Struct(window_fields(time_type))
}

fn window_fields(time_type: &DataType) -> Fields {
    Fields::from(vec![Field::new("start", time_type.clone(), true), Field::new("end", time_type.clone(), true)])
}

/// The timestamp type of a window struct (`struct<start: T, end: T>`), if `t` is one.
pub fn window_struct_time_type(t: &DataType) -> Option<DataType> {
    match t {
        DataType::Struct(fields) if fields.len() == 2 && fields[0].name() == "start" && fields[1].name() == "end" => {
            let s = fields[0].data_type();
            (matches!(s, DataType::Timestamp(TimeUnit::Microsecond, _)) && s == fields[1].data_type()).then(|| s.clone())
        }
        _ => None,
    }
}

/// The type a `window` / `session_window` time argument is cast to: timestamps and window
/// structs stay, dates and strings become `TIMESTAMP` (Spark's implicit casts).
pub fn coerce_time_column(function: &str, t: &DataType) -> Result<DataType> {
    match t {
        DataType::Timestamp(TimeUnit::Microsecond, _) => Ok(t.clone()),
        DataType::Date32 | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
            Ok(DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC"))))
        }
        _ if window_struct_time_type(t).is_some() => Ok(t.clone()),
        _ => Err(unexpected_type_of(
            function,
            1,
            "time column",
            "(\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" or \"STRUCT<start: TIMESTAMP, end: TIMESTAMP>\" or \"STRUCT<start: TIMESTAMP_NTZ, end: TIMESTAMP_NTZ>\")",
            t,
        )),
    }
}

/// The timestamp type of the window a time column of type `t` falls in.
fn time_type_of(t: &DataType) -> DataType {
    window_struct_time_type(t).unwrap_or_else(|| t.clone())
}

/// A `window` call's durations in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindowSpec {
    pub window: i64,
    pub slide: i64,
    pub start: i64,
}

impl TimeWindowSpec {
    /// The durations of `window(ts, window[, slide[, start]])` from the literal arguments
    /// after the time column, checked as Spark's `TimeWindow` checks them.
    pub fn from_args(args: &[Expr]) -> Result<TimeWindowSpec> {
        let literals: Vec<Option<&ScalarValue>> = args.iter().map(literal_of).collect();
        let spec = Self::from_literals(&literals)?;
        spec.check(&args[0])?;
        Ok(spec)
    }

    /// The durations from a call's literal arguments (`None` where an argument is not a
    /// literal), not yet checked against each other.
    pub fn from_literals(literals: &[Option<&ScalarValue>]) -> Result<TimeWindowSpec> {
        if !(2..=4).contains(&literals.len()) {
            return Err(Error::new(ember_common::ErrorKind::WrongNumArgs {
                name: "window".into(),
                expected: "[2, 3, 4]".into(),
                found: literals.len(),
            }));
        }
        let window = duration_micros(literals[1])?;
        let slide = match literals.get(2) {
            Some(v) => duration_micros(*v)?,
            None => window,
        };
        let start = match literals.get(3) {
            Some(v) => duration_micros(*v)?,
            None => 0,
        };
        Ok(TimeWindowSpec { window, slide, start })
    }

    fn check(&self, time: &Expr) -> Result<()> {
        let shown = format!("\"window({time}, {}, {}, {})\"", self.window, self.slide, self.start);
        let out_of_range = |name: &str, v: i64| {
            Error::spark(
                "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                &[("sqlExpr", &shown), ("exprName", &format!("`{name}`")), ("valueRange", "(0, 9223372036854775807]"), ("currentValue", &format!("{v}L"))],
            )
        };
        let violation = |left: &str, lv: i64, constraint: &str, right: &str, rv: i64| {
            Error::spark(
                "DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION",
                &[
                    ("sqlExpr", &shown),
                    ("leftExprName", &format!("`{left}`")),
                    ("leftExprValue", &format!("{lv}L")),
                    ("constraint", constraint),
                    ("rightExprName", &format!("`{right}`")),
                    ("rightExprValue", &format!("{rv}L")),
                ],
            )
        };
        if self.window <= 0 {
            Err(out_of_range("window_duration", self.window))
        } else if self.slide <= 0 {
            Err(out_of_range("slide_duration", self.slide))
        } else if self.slide > self.window {
            Err(violation("slide_duration", self.slide, "<=", "window_duration", self.window))
        } else if self.start.unsigned_abs() >= self.slide.unsigned_abs() {
            Err(violation("abs(start_time)", self.start.unsigned_abs() as i64, "<", "slide_duration", self.slide))
        } else {
            Ok(())
        }
    }

    /// How many windows overlap each instant: the copies a sliding window makes of a row.
    pub fn overlapping(&self) -> usize {
        let n = self.window / self.slide + i64::from(self.window % self.slide != 0);
        n.max(1) as usize
    }

    /// The `index`-th latest window containing `ts` (`None` when that window does not
    /// contain it), as Spark's `TimeWindowing` computes it.
    pub fn window_at(&self, ts: i64, index: i64) -> Option<(i64, i64)> {
        let remainder = ts.wrapping_sub(self.start) % self.slide;
        let last_start = ts.wrapping_sub(if remainder < 0 { remainder + self.slide } else { remainder });
        let start = last_start.wrapping_sub(index.wrapping_mul(self.slide));
        let end = start.wrapping_add(self.window);
        (start <= ts && ts < end).then_some((start, end))
    }
}

/// A duration argument of `window`: a string literal read as a calendar interval (no
/// months) or an integer literal in microseconds (Spark's `TimeWindow` parameters).
fn duration_micros(value: Option<&ScalarValue>) -> Result<i64> {
    match value {
        Some(ScalarValue::Utf8(Some(s))) => string_duration_micros(s),
        Some(ScalarValue::Int8(Some(v))) => Ok(*v as i64),
        Some(ScalarValue::Int16(Some(v))) => Ok(*v as i64),
        Some(ScalarValue::Int32(Some(v))) => Ok(*v as i64),
        Some(ScalarValue::Int64(Some(v))) => Ok(*v),
        _ => Err(not_a_duration_literal()),
    }
}

/// The value of a literal argument (aliased or not).
fn literal_of(e: &Expr) -> Option<&ScalarValue> {
    match e {
        Expr::Literal(v) => Some(v),
        Expr::Alias(a) => literal_of(&a.expr),
        _ => None,
    }
}

fn not_a_duration_literal() -> Error {
    Error::spark("_LEGACY_ERROR_TEMP_1207", &[])
}

/// `'10 minutes'` in microseconds (days are 24 hours); months are refused.
pub fn string_duration_micros(s: &str) -> Result<i64> {
    let (months, days, micros) = crate::calendar_interval::parse_calendar_interval(s)?;
    if months != 0 {
        return Err(Error::spark("_LEGACY_ERROR_TEMP_3231", &[("interval", s)]));
    }
    (days as i64)
        .checked_mul(MICROS_PER_DAY)
        .and_then(|d| d.checked_add(micros))
        .ok_or_else(|| Error::spark("ARITHMETIC_OVERFLOW", &[("message", "long overflow"), ("alternative", ""), ("config", "\"spark.sql.ansi.enabled\"")]))
}

/// `window_time` of a window struct column: its end minus one microsecond, typed as the
/// end (NULL where the window is).
pub fn window_time_array(s: &StructArray) -> Result<TimestampMicrosecondArray> {
    let end = s.column(1).as_primitive_opt::<TimestampMicrosecondType>().ok_or_else(|| Error::internal("window_time of a non-window"))?;
    let nulls = NullBuffer::union(s.nulls(), end.nulls());
    let values: Vec<i64> = end.values().iter().map(|v| v.wrapping_sub(1)).collect();
    let tz = match end.data_type() {
        DataType::Timestamp(_, tz) => tz.clone(),
        _ => None,
    };
    Ok(TimestampMicrosecondArray::new(values.into(), nulls).with_timezone_opt(tz))
}

/// The microseconds of a timestamp column, or `window_time` of a window struct column (as
/// Spark windows a window by its time).
pub(crate) fn time_micros(a: &ArrayRef) -> Result<TimestampMicrosecondArray> {
    if let Some(s) = a.as_struct_opt() {
        return window_time_array(s);
    }
    a.as_primitive_opt::<TimestampMicrosecondType>()
        .cloned()
        .ok_or_else(|| Error::internal(format!("window time column of type {}", a.data_type())))
}

/// A struct array of windows, NULL where `bounds` is `None`.
pub fn window_array(time_type: &DataType, bounds: impl Iterator<Item = Option<(i64, i64)>>) -> ArrayRef {
    let (lower, upper) = bounds.size_hint();
    let capacity = upper.unwrap_or(lower);
    let (mut starts, mut ends, mut valid) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity), Vec::with_capacity(capacity));
    for b in bounds {
        let (s, e) = b.unwrap_or((0, 0));
        starts.push(s);
        ends.push(e);
        valid.push(b.is_some());
    }
    let tz = match time_type {
        DataType::Timestamp(_, tz) => tz.clone(),
        _ => None,
    };
    let nulls = NullBuffer::from(valid);
    let start = TimestampMicrosecondArray::new(starts.into(), Some(nulls.clone())).with_timezone_opt(tz.clone());
    let end = TimestampMicrosecondArray::new(ends.into(), Some(nulls.clone())).with_timezone_opt(tz);
    Arc::new(StructArray::new(window_fields(time_type), vec![Arc::new(start), Arc::new(end)], Some(nulls)))
}

/// `window(ts, window[, slide[, start]])` as the user writes it, shown as `window`. Its
/// value is the latest window containing `ts`; the analyzer replaces every call (a
/// sliding window gives one row per window, see `WindowAtFunction`).
#[derive(Debug, Default)]
pub struct TimeWindowFunction {
    spec: Option<TimeWindowSpec>,
}

impl ScalarFunctionImpl for TimeWindowFunction {
    fn name(&self) -> &str {
        "window"
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let mut out = arg_types.to_vec();
        if let Some(t) = arg_types.first() {
            out[0] = coerce_time_column("window", t)?;
        }
        Ok(out)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        let t = arg_types.first().ok_or_else(|| Error::internal("window without arguments"))?;
        Ok(window_struct_type(&time_type_of(t)))
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        Ok(Some(Arc::new(TimeWindowFunction { spec: Some(TimeWindowSpec::from_literals(literals)?) })))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        match self.spec {
            Some(spec) => window_at(&spec, &args[0], 0, num_rows),
            // no rows to window: nothing to read the durations for
            None if num_rows == 0 => {
                let t = time_type_of(&args[0].data_type());
                Ok(ColumnarValue::Array(window_array(&t, std::iter::empty())))
            }
            None => Err(Error::internal("window evaluated before its durations were read")),
        }
    }

    fn display_call(&self, _args: &[String]) -> Option<String> {
        Some(WINDOW_COLUMN.to_string())
    }
}

fn window_at(spec: &TimeWindowSpec, time: &ColumnarValue, index: i64, num_rows: usize) -> Result<ColumnarValue> {
    let a = time.clone().into_array(num_rows)?;
    let ts = time_micros(&a)?;
    let out = window_array(&time_type_of(a.data_type()), ts.iter().map(|t| t.and_then(|t| spec.window_at(t, index))));
    Ok(ColumnarValue::Array(out))
}

/// `window_at(ts, i)`: the `i`-th latest window of `spec` containing `ts`, NULL when
/// `ts` is NULL or outside it. The analyzer's expansion of a `window` call: one
/// projection per `i` below a filter dropping the NULL windows.
#[derive(Debug)]
pub struct WindowAtFunction {
    pub spec: TimeWindowSpec,
}

impl WindowAtFunction {
    /// `window_at(time, index)` as an expression.
    pub fn call(spec: TimeWindowSpec, time: Expr, index: usize) -> Expr {
        Expr::ScalarFunction(ScalarFunction { func: Arc::new(WindowAtFunction { spec }), args: vec![time, Expr::Literal(ScalarValue::Int64(Some(index as i64)))] })
    }
}

impl ScalarFunctionImpl for WindowAtFunction {
    fn name(&self) -> &str {
        "window_at"
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(arg_types.to_vec())
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        let t = arg_types.first().ok_or_else(|| Error::internal("window_at without arguments"))?;
        Ok(window_struct_type(&time_type_of(t)))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        let index = match args.get(1) {
            Some(ColumnarValue::Scalar(ScalarValue::Int64(Some(i)))) => *i,
            _ => return Err(Error::internal("window_at needs a literal index")),
        };
        window_at(&self.spec, &args[0], index, num_rows)
    }
}

/// The Spark name of a type in `session_window`'s gap error (`IntegerType`).
pub(crate) fn spark_type_class(t: &DataType) -> String {
    let s = catalog_string(t);
    match s.as_str() {
        "tinyint" => "ByteType".into(),
        "smallint" => "ShortType".into(),
        "int" => "IntegerType".into(),
        "bigint" => "LongType".into(),
        "float" => "FloatType".into(),
        "double" => "DoubleType".into(),
        "boolean" => "BooleanType".into(),
        "date" => "DateType".into(),
        "timestamp" => "TimestampType".into(),
        "timestamp_ntz" => "TimestampNTZType".into(),
        "binary" => "BinaryType".into(),
        other => other.to_string(),
    }
}
