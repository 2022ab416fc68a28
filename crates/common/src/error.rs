//! The one error type: a stable Spark-style error class, a SQLSTATE, a message, an
//! optional span into the SQL text and "did you mean" candidates.
//!
//! `Error` is one pointer wide. Build it from an [`ErrorKind`], add a span with
//! [`Error::with_span`] and the SQL text with [`Error::with_sql`]; `Display` prints
//! `[CLASS] message` and, when both are known, the offending line with a caret.

use std::fmt;
use std::sync::Arc;

use crate::span::Span;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong. Each kind has a stable error class ([`ErrorKind::class`]) and,
/// where Spark defines one, a SQLSTATE ([`ErrorKind::sqlstate`]).
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    #[error("{message}")]
    ParseSyntaxError { message: String },
    #[error("A column, variable, or function parameter with name {} cannot be resolved.{}", quote_ident(name), did_you_mean(suggestions))]
    UnresolvedColumn { name: String, suggestions: Vec<String> },
    /// `name` as Spark quotes it (`` `db`.`t` ``).
    #[error("The table or view {name} cannot be found.{} Verify the spelling and correctness of the schema and catalog.", did_you_mean(suggestions))]
    TableOrViewNotFound { name: String, suggestions: Vec<String> },
    #[error("Cannot resolve function {} on search path [`system`.`builtin`, `system`.`session`].{}", quote_ident(name), did_you_mean(suggestions))]
    UnresolvedRoutine { name: String, suggestions: Vec<String> },
    #[error("Reference {} is ambiguous, could be: [{}].", quote_ident(name), candidates.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", "))]
    AmbiguousReference { name: String, candidates: Vec<String> },
    /// `sub` is the Spark sub-class, e.g. `BINARY_OP_DIFF_TYPES`, `UNEXPECTED_INPUT_TYPE`.
    #[error("Cannot resolve {expr} due to data type mismatch: {message}")]
    DatatypeMismatch { sub: &'static str, expr: String, message: String },
    #[error("The function {} requires {expected} parameters but the actual number is {found}.", quote_ident(name))]
    WrongNumArgs { name: String, expected: String, found: usize },
    #[error("The non-aggregating expression {expr} is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use \"any_value({})\" if you do not care which of the values within a group is returned.", expr.trim_matches('"'))]
    MissingAggregation { expr: String },
    /// `data_type` as Spark prints it, e.g. `"STRING"`.
    #[error("The join condition {expr} has the invalid type {data_type}, expected \"BOOLEAN\".")]
    JoinConditionNotBoolean { expr: String, data_type: String },
    #[error("More than one row returned by a subquery used as an expression.")]
    ScalarSubqueryTooManyRows,
    #[error("The query does not include a GROUP BY clause. Add GROUP BY or turn it into the window functions using OVER clauses.")]
    MissingGroupBy,
    #[error("It is not allowed to use an aggregate function in the argument of another aggregate function or in a {context}: {expr}.")]
    InvalidAggregateUse { expr: String, context: String },
    #[error("{message}")]
    GroupByPositionOutOfRange { message: String },
    /// A window function in WHERE or HAVING; `clause` is "WHERE" or "HAVING".
    #[error("It is not allowed to use window functions inside {clause} clause.")]
    WindowFunctionNotAllowed { clause: &'static str },
    /// Window, aggregate or generator calls in an operator that cannot compute them
    /// (ORDER BY without GROUP BY, a join condition, …); `exprs` as Spark lists them.
    #[error("A query operator contains one or more unsupported expressions.\nConsider to rewrite it to avoid window functions, aggregate functions, and generator functions in the WHERE clause.\nInvalid expressions: [{exprs}]")]
    UnsupportedExprForOperator { exprs: String },
    #[error("Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.")]
    DivideByZero,
    #[error("{message}. Use 'try_{op}' to tolerate overflow and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.")]
    ArithmeticOverflow { op: String, message: String },
    #[error("The value '{value}' of the type \"{from}\" cannot be cast to \"{to}\" because it is malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead.")]
    CastInvalidInput { value: String, from: String, to: String },
    #[error("The value {value} of the type \"{from}\" cannot be cast to \"{to}\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead.")]
    CastOverflow { value: String, from: String, to: String },
    #[error("Cannot cast {from} to {to}.")]
    CannotCast { from: String, to: String },
    #[error("{message}")]
    NumericValueOutOfRange { message: String },
    /// `name` as Spark quotes it (`` `spark_catalog`.`db`.`t` ``).
    #[error("Cannot create table or view {name} because it already exists.")]
    TableOrViewAlreadyExists { name: String },
    #[error("Path does not exist: {path}.")]
    PathNotFound { path: String },
    /// Spark's `MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION` (FAILFAST mode).
    #[error("Malformed records are detected in record parsing: {message} (file {file}, line {line}). Parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.")]
    MalformedRecord { file: String, line: u64, message: String },
    /// Spark's `FAILED_READ_FILE.NO_HINT`: any failure while a scan reads a file; the
    /// underlying error, when Ember raised one, is the [`Error::cause`].
    #[error("Encountered error while reading file {file}: {message}")]
    FailedReadFile { file: String, message: String },
    #[error("The feature is not supported: {what}.")]
    UnsupportedFeature { what: String },
    #[error("{message}")]
    InvalidArgument { message: String },
    #[error("The value '{value}' in the config \"{key}\" is invalid. {reason}")]
    InvalidConfValue { key: String, value: String, reason: String },
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// A Spark error class Ember raises rarely enough not to have its own variant.
    #[error("{message}")]
    Other { class: String, sqlstate: Option<String>, message: String },
    /// A bug in Ember, never the user's fault.
    #[error("Internal error: {0}. This is a bug in Ember; please report it.")]
    Internal(String),
}

fn quote_ident(name: &str) -> String {
    name.split('.').map(|p| format!("`{p}`")).collect::<Vec<_>>().join(".")
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = suggestions.iter().map(|s| quote_ident(s)).collect();
        format!(" Did you mean one of the following? [{}].", list.join(", "))
    }
}

impl ErrorKind {
    /// The stable, Spark-style error class.
    pub fn class(&self) -> String {
        use ErrorKind::*;
        let s: &str = match self {
            ParseSyntaxError { .. } => "PARSE_SYNTAX_ERROR",
            UnresolvedColumn { suggestions, .. } if suggestions.is_empty() => "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
            UnresolvedColumn { .. } => "UNRESOLVED_COLUMN.WITH_SUGGESTION",
            TableOrViewNotFound { .. } => "TABLE_OR_VIEW_NOT_FOUND",
            UnresolvedRoutine { .. } => "UNRESOLVED_ROUTINE",
            AmbiguousReference { .. } => "AMBIGUOUS_REFERENCE",
            DatatypeMismatch { sub, .. } => return format!("DATATYPE_MISMATCH.{sub}"),
            WrongNumArgs { .. } => "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
            MissingAggregation { .. } => "MISSING_AGGREGATION",
            MissingGroupBy => "MISSING_GROUP_BY",
            ScalarSubqueryTooManyRows => "SCALAR_SUBQUERY_TOO_MANY_ROWS",
            JoinConditionNotBoolean { .. } => "JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE",
            InvalidAggregateUse { .. } => "INVALID_AGGREGATE_FUNCTION_USAGE",
            GroupByPositionOutOfRange { .. } => "GROUP_BY_POS_OUT_OF_RANGE",
            WindowFunctionNotAllowed { .. } => "WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE",
            UnsupportedExprForOperator { .. } => "UNSUPPORTED_EXPR_FOR_OPERATOR",
            DivideByZero => "DIVIDE_BY_ZERO",
            ArithmeticOverflow { .. } => "ARITHMETIC_OVERFLOW",
            CastInvalidInput { .. } => "CAST_INVALID_INPUT",
            CastOverflow { .. } => "CAST_OVERFLOW",
            CannotCast { .. } => "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
            NumericValueOutOfRange { .. } => "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
            TableOrViewAlreadyExists { .. } => "TABLE_OR_VIEW_ALREADY_EXISTS",
            PathNotFound { .. } => "PATH_NOT_FOUND",
            MalformedRecord { .. } => "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
            FailedReadFile { .. } => "FAILED_READ_FILE.NO_HINT",
            UnsupportedFeature { .. } => "UNSUPPORTED_FEATURE",
            InvalidArgument { .. } => "INVALID_PARAMETER_VALUE",
            InvalidConfValue { .. } => "INVALID_CONF_VALUE",
            Io(_) => "IO_ERROR",
            Arrow(_) => "ARROW_ERROR",
            Other { class, .. } => return class.clone(),
            Internal(_) => "INTERNAL_ERROR",
        };
        s.to_string()
    }

    /// The SQLSTATE, where one applies.
    pub fn sqlstate(&self) -> Option<&str> {
        use ErrorKind::*;
        Some(match self {
            ParseSyntaxError { .. } => "42601",
            UnresolvedColumn { .. } => "42703",
            TableOrViewNotFound { .. } => "42P01",
            UnresolvedRoutine { .. } => "42883",
            AmbiguousReference { .. } => "42704",
            DatatypeMismatch { .. } | CannotCast { .. } => "42K09",
            WrongNumArgs { .. } => "42605",
            MissingAggregation { .. } | MissingGroupBy => "42803",
            InvalidAggregateUse { .. } => "42903",
            GroupByPositionOutOfRange { .. } => "42805",
            WindowFunctionNotAllowed { .. } => "42601",
            JoinConditionNotBoolean { .. } => "42K0E",
            ScalarSubqueryTooManyRows => "21000",
            UnsupportedExprForOperator { .. } => "42K0E",
            DivideByZero => "22012",
            ArithmeticOverflow { .. } | CastOverflow { .. } | NumericValueOutOfRange { .. } => "22003",
            CastInvalidInput { .. } => "22018",
            TableOrViewAlreadyExists { .. } => "42P07",
            PathNotFound { .. } => "42K03",
            MalformedRecord { .. } => "22023",
            FailedReadFile { .. } => "KD001",
            UnsupportedFeature { .. } => "0A000",
            InvalidArgument { .. } => "22023",
            InvalidConfValue { .. } => "22022",
            Other { sqlstate, .. } => return sqlstate.as_deref(),
            Internal(_) => "XX000",
            Io(_) | Arrow(_) => return None,
        })
    }
}

struct Inner {
    kind: ErrorKind,
    span: Option<Span>,
    sql: Option<Arc<str>>,
    context: Vec<String>,
    cause: Option<Error>,
}

/// Ember's error: one pointer wide. See the module docs.
pub struct Error(Box<Inner>);

impl Error {
    pub fn new(kind: ErrorKind) -> Self {
        Error(Box::new(Inner { kind, span: None, sql: None, context: Vec::new(), cause: None }))
    }

    /// Shorthand for a bug in Ember.
    pub fn internal(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal(msg.into()))
    }

    /// Shorthand for a feature Ember does not have yet.
    pub fn unsupported(what: impl Into<String>) -> Self {
        Error::new(ErrorKind::UnsupportedFeature { what: what.into() })
    }

    /// Shorthand for a bad option or argument given by the user.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument { message: message.into() })
    }

    /// A Spark `_LEGACY_ERROR_TEMP_*` class: Spark gives these no SQLSTATE.
    pub fn legacy(class: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Other { class: class.into(), sqlstate: None, message: message.into() })
    }

    /// Shorthand for a syntax error.
    pub fn syntax(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::ParseSyntaxError { message: message.into() })
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    pub fn span(&self) -> Option<Span> {
        self.0.span
    }

    pub fn class(&self) -> String {
        self.0.kind.class()
    }

    pub fn sqlstate(&self) -> Option<&str> {
        self.0.kind.sqlstate()
    }

    /// Attaches a span unless one is already set (the innermost span wins).
    pub fn with_span(mut self, span: Span) -> Self {
        if self.0.span.is_none() && span.is_known() {
            self.0.span = Some(span);
        }
        self
    }

    /// Attaches a span if `span` is `Some`.
    pub fn with_opt_span(self, span: Option<Span>) -> Self {
        match span {
            Some(s) => self.with_span(s),
            None => self,
        }
    }

    /// Attaches the SQL text the span points into (the first one set wins).
    pub fn with_sql(mut self, sql: impl Into<Arc<str>>) -> Self {
        if self.0.sql.is_none() {
            self.0.sql = Some(sql.into());
        }
        self
    }

    /// Adds a line of context, e.g. "while reading file x.csv".
    pub fn context(mut self, line: impl Into<String>) -> Self {
        self.0.context.push(line.into());
        self
    }

    /// Records the error this one was raised for (Spark's exception cause), e.g. the
    /// malformed record behind a `FAILED_READ_FILE.NO_HINT`.
    pub fn with_cause(mut self, cause: Error) -> Self {
        self.0.cause = Some(cause);
        self
    }

    /// The error this one was raised for, if any.
    pub fn cause(&self) -> Option<&Error> {
        self.0.cause.as_ref()
    }

    /// The message alone: no class, no caret.
    pub fn message(&self) -> String {
        let mut msg = self.0.kind.to_string();
        for c in &self.0.context {
            msg.push_str("\n");
            msg.push_str(c);
        }
        msg
    }

    /// The message followed by the offending SQL line and a caret, when known.
    pub fn message_with_snippet(&self) -> String {
        let mut msg = self.message();
        if let (Some(span), Some(sql)) = (self.0.span, self.0.sql.as_deref()) {
            if let Some(snippet) = span.render(sql) {
                msg.push('\n');
                msg.push_str(&snippet);
            }
        }
        msg
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.class(), self.message_with_snippet())?;
        if let Some(state) = self.sqlstate() {
            write!(f, "\nSQLSTATE: {state}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(cause) = &self.0.cause {
            return Some(cause);
        }
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Arrow(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io(e))
    }
}

impl From<arrow::error::ArrowError> for Error {
    fn from(e: arrow::error::ArrowError) -> Self {
        use arrow::error::ArrowError;
        match e {
            ArrowError::DivideByZero => Error::new(ErrorKind::DivideByZero),
            ArrowError::ArithmeticOverflow(message) => {
                Error::new(ErrorKind::ArithmeticOverflow { op: "add".into(), message })
            }
            ArrowError::ExternalError(inner) => match inner.downcast::<Error>() {
                Ok(ours) => *ours,
                Err(other) => Error::new(ErrorKind::Arrow(ArrowError::ExternalError(other))),
            },
            other => Error::new(ErrorKind::Arrow(other)),
        }
    }
}

/// Returns early with an internal error (for invariant violations, never user input).
#[macro_export]
macro_rules! internal_err {
    ($($arg:tt)*) => { Err($crate::Error::internal(format!($($arg)*))) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn unresolved_column_lists_suggestions() {
        let e = Error::new(ErrorKind::UnresolvedColumn { name: "nmae".into(), suggestions: vec!["name".into()] })
            .with_span(Span::new(1, 8, 1, 12))
            .with_sql("SELECT nmae FROM people");
        assert_eq!(e.class(), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
        assert_eq!(e.sqlstate(), Some("42703"));
        let text = e.to_string();
        assert!(text.contains("Did you mean one of the following? [`name`]"), "{text}");
        assert!(text.contains("LINE 1: SELECT nmae FROM people\n               ^^^^"), "{text}");
    }

    #[test]
    fn causes_chain() {
        let inner = Error::new(ErrorKind::MalformedRecord { file: "f.csv".into(), line: 3, message: "bad".into() });
        let outer = Error::new(ErrorKind::FailedReadFile { file: "f.csv".into(), message: inner.to_string() }).with_cause(inner);
        assert_eq!(outer.class(), "FAILED_READ_FILE.NO_HINT");
        assert_eq!(outer.cause().map(|c| c.class()).as_deref(), Some("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION"));
        assert!(std::error::Error::source(&outer).is_some());
    }

    #[test]
    fn first_span_wins() {
        let e = Error::syntax("x").with_span(Span::point(1, 2)).with_span(Span::point(3, 4));
        assert_eq!(e.span(), Some(Span::point(1, 2)));
    }
}
