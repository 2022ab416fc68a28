//! Expression binding: sqlparser `Expr` → Ember `Expr` over an input schema. Every
//! node is typed right after it is built, so type errors carry that node's span.

use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{can_cast, comparison_type};
use ember_plan::expr::{Case, Cast, InList, Like};
use ember_plan::{lit, Column, Expr, Operator, PlanSchema, ScalarValue};
use sqlparser::ast::{self, BinaryOperator, CastKind, UnaryOperator, Value};

use crate::binder::Binder;
use crate::errors::{span_of, syntax_error, unsupported, ResultExt};
use crate::literal::{parse_hex, parse_number, typed_literal};
use crate::depth::{expr_depth, MAX_EXPR_DEPTH};
use crate::types::parse_cast_type_with_tz;

/// What names in an expression resolve against.
pub(crate) struct ExprScope<'s> {
    pub schema: &'s PlanSchema,
    /// Select-list expressions whose aliases stand in for names the schema lacks
    /// (GROUP BY, HAVING and ORDER BY may use select aliases).
    pub aliases: &'s [Expr],
}

impl<'s> ExprScope<'s> {
    pub fn new(schema: &'s PlanSchema) -> Self {
        ExprScope { schema, aliases: &[] }
    }

    pub fn with_aliases(schema: &'s PlanSchema, aliases: &'s [Expr]) -> Self {
        ExprScope { schema, aliases }
    }
}

impl Binder<'_> {
    /// Binds and type-checks one expression; errors point at the innermost failing node.
    pub(crate) fn bind_expr(&self, e: &ast::Expr, scope: &ExprScope) -> Result<Expr> {
        let nesting = self.expr_nesting.get();
        if nesting == 0 && expr_depth(e) > MAX_EXPR_DEPTH {
            // No span: computing it recurses through the whole expression.
            return Err(ember_plan::plan_depth::too_complex(format!("Expressions are nested more than {MAX_EXPR_DEPTH} levels deep.")));
        }
        let span = span_of(e);
        self.expr_nesting.set(nesting + 1);
        let out = self.bind_expr_inner(e, scope).at(span);
        self.expr_nesting.set(nesting);
        let out = out?;
        if !matches!(out, Expr::Wildcard { .. }) {
            out.data_type(scope.schema).at(span)?;
        }
        Ok(out)
    }

    /// The frequent, deeply nesting shapes stay in this small function so deep
    /// expressions (`a + b + c + …`) use little stack per level.
    fn bind_expr_inner(&self, e: &ast::Expr, scope: &ExprScope) -> Result<Expr> {
        use ast::Expr as A;
        match e {
            A::Identifier(id) => self.resolve_column(None, &id.value, scope),
            A::Nested(inner) => self.bind_expr(inner, scope),
            A::BinaryOp { left, op, right } => self.bind_binary_op(left, op, right, scope),
            _ => self.bind_expr_rest(e, scope),
        }
    }

    /// `l op r` for already bound operands (datetime arithmetic as Spark rewrites it).
    pub(crate) fn bind_binary_op_exprs(&self, l: Expr, op: &BinaryOperator, r: Expr, scope: &ExprScope) -> Result<Expr> {
        match op {
            BinaryOperator::Plus => self.datetime_arithmetic(l, Operator::Plus, r, scope.schema),
            BinaryOperator::Minus => self.datetime_arithmetic(l, Operator::Minus, r, scope.schema),
            BinaryOperator::Multiply => self.datetime_arithmetic(l, Operator::Multiply, r, scope.schema),
            _ => self.bind_binary(l, op, r),
        }
    }

    #[inline(never)]
    fn bind_binary_op(&self, left: &ast::Expr, op: &BinaryOperator, right: &ast::Expr, scope: &ExprScope) -> Result<Expr> {
        let l = self.bind_expr(left, scope)?;
        let r = self.bind_expr(right, scope)?;
        self.bind_binary_op_exprs(l, op, r, scope)
    }

    #[inline(never)]
    fn bind_expr_rest(&self, e: &ast::Expr, scope: &ExprScope) -> Result<Expr> {
        use ast::Expr as A;
        let bind = |x: &ast::Expr| self.bind_expr(x, scope);
        Ok(match e {
            A::CompoundIdentifier(ids) => self.bind_dotted_name(ids, scope)?,
            A::CompoundFieldAccess { root, access_chain } => self.bind_field_access(root, access_chain, scope)?,
            A::Struct { values, fields } => self.bind_struct_literal(values, fields, scope)?,
            A::Value(v) => Expr::Literal(self.bind_value(&v.value)?),
            A::TypedString(ts) => {
                let value = ts.value.clone().into_string().ok_or_else(|| unsupported("a typed literal without a string"))?;
                Expr::Literal(typed_literal(&ts.data_type.to_string(), &value, &self.time_zone())?)
            }
            A::UnaryOp { op, expr } => match (op, expr.as_ref()) {
                (UnaryOperator::Minus, A::Value(v)) if matches!(v.value, Value::Number(..)) => match &v.value {
                    Value::Number(n, long) => Expr::Literal(parse_number(&number_text(n, *long), true)?),
                    _ => return Err(Error::internal("number expected")),
                },
                (UnaryOperator::Minus, inner) => Expr::Negative(Box::new(bind(inner)?)),
                (UnaryOperator::Plus, inner) => bind(inner)?,
                (UnaryOperator::Not | UnaryOperator::BangNot, inner) => bind(inner)?.not(),
                (other, _) => return Err(unsupported(format!("the unary operator {other}"))),
            },
            A::IsNull(x) => bind(x)?.is_null(),
            A::IsNotNull(x) => bind(x)?.is_not_null(),
            A::IsUnknown(x) => bind(x)?.is_null(),
            A::IsNotUnknown(x) => bind(x)?.is_not_null(),
            A::IsTrue(x) => Expr::binary(bind(x)?, Operator::NullSafeEq, lit(true)),
            A::IsNotTrue(x) => Expr::binary(bind(x)?, Operator::NullSafeEq, lit(true)).not(),
            A::IsFalse(x) => Expr::binary(bind(x)?, Operator::NullSafeEq, lit(false)),
            A::IsNotFalse(x) => Expr::binary(bind(x)?, Operator::NullSafeEq, lit(false)).not(),
            A::IsDistinctFrom(a, b) => Expr::binary(bind(a)?, Operator::NullSafeEq, bind(b)?).not(),
            A::IsNotDistinctFrom(a, b) => Expr::binary(bind(a)?, Operator::NullSafeEq, bind(b)?),
            A::InList { expr, list, negated } => {
                let x = bind(expr)?;
                let list = list.iter().map(bind).collect::<Result<Vec<_>>>()?;
                check_in_types(&x, &list, scope.schema)?;
                Expr::InList(InList { expr: Box::new(x), list, negated: *negated })
            }
            A::Between { expr, negated, low, high } => {
                let x = bind(expr)?;
                let range = x.clone().gt_eq(bind(low)?).and(x.lt_eq(bind(high)?));
                if *negated {
                    range.not()
                } else {
                    range
                }
            }
            A::Like { negated, any, expr, pattern, escape_char } | A::ILike { negated, any, expr, pattern, escape_char } => {
                let escape_char = match escape_char {
                    None => None,
                    Some(esc) => Some(escape_char_of(esc).at(span_of(esc.as_ref()))?),
                };
                let ci = matches!(e, A::ILike { .. });
                if let Some((quant_any, list)) = crate::like_quantifier::quantified_patterns(*any, pattern)? {
                    let patterns = list.into_iter().map(|p| bind(p)).collect::<Result<Vec<_>>>()?;
                    return Ok(crate::like_quantifier::quantified_like(bind(expr)?, patterns, quant_any, *negated, ci, escape_char));
                }
                Expr::Like(Like {
                    negated: *negated,
                    expr: Box::new(bind(expr)?),
                    pattern: Box::new(bind(pattern)?),
                    escape_char,
                    case_insensitive: matches!(e, A::ILike { .. }),
                })
            }
            A::RLike { negated, expr, pattern, .. } => {
                let call = self.call_scalar("rlike", vec![bind(expr)?, bind(pattern)?])?;
                if *negated {
                    call.not()
                } else {
                    call
                }
            }
            A::Cast { kind, expr, data_type, format } => {
                if format.is_some() {
                    return Err(unsupported("CAST with FORMAT"));
                }
                let x = bind(expr)?;
                let try_cast = matches!(kind, CastKind::TryCast | CastKind::SafeCast);
                self.bind_cast(x, &data_type.to_string(), try_cast, scope)?
            }
            A::Case { operand, conditions, else_result, .. } => {
                let operand = operand.as_ref().map(|o| bind(o)).transpose()?;
                let mut when_then = Vec::with_capacity(conditions.len());
                for cw in conditions {
                    when_then.push((bind(&cw.condition)?, bind(&cw.result)?));
                }
                let else_expr = else_result.as_ref().map(|x| bind(x).map(Box::new)).transpose()?;
                let searched = operand.is_none();
                let case = Expr::Case(Case { operand: operand.map(Box::new), when_then, else_expr });
                if let (true, Expr::Case(c)) = (searched, &case) {
                    // Spark's CaseWhen: every WHEN condition is a BOOLEAN (a bare NULL is not);
                    // the message counts conditions only (the second WHEN is the second parameter).
                    for (i, (w, _)) in c.when_then.iter().enumerate() {
                        let t = w.data_type(scope.schema)?;
                        if t != DataType::Boolean {
                            return Err(ember_plan::expr_schema::unexpected_type(&case, i + 1, &w.to_string(), "\"BOOLEAN\"", &t))
                                .at(span_of(&conditions[i].condition));
                        }
                    }
                }
                case
            }
            A::Function(f) => self.bind_function(f, scope)?,
            A::Substring { expr, substring_from, substring_for, shorthand, .. } => {
                // Spark has no `SUBSTRING(s FOR n)`; `substring(s)` has too few arguments.
                let mut args = vec![bind(expr)?];
                match (substring_from, substring_for) {
                    (Some(from), _) => args.push(bind(from)?),
                    (None, Some(len)) => return Err(syntax_error("Syntax error at or near 'FOR'.")).at(span_of(len.as_ref())),
                    (None, None) => {}
                }
                if let Some(len) = substring_for {
                    args.push(bind(len)?);
                }
                let name = if *shorthand && self.functions.scalar("substr").is_some() { "substr" } else { "substring" };
                self.call_scalar(name, args)?
            }
            A::Overlay { expr, overlay_what, overlay_from, overlay_for } => {
                let mut args = vec![bind(expr)?, bind(overlay_what)?, bind(overlay_from)?];
                if let Some(len) = overlay_for {
                    args.push(bind(len)?);
                }
                self.call_scalar("overlay", args)?
            }
            A::Trim { trim_where, trim_what, expr, trim_characters } => {
                if trim_characters.is_some() {
                    return Err(unsupported("TRIM with a list of characters"));
                }
                let name = match trim_where {
                    Some(ast::TrimWhereField::Leading) => "ltrim",
                    Some(ast::TrimWhereField::Trailing) => "rtrim",
                    _ => "trim",
                };
                let mut args = vec![bind(expr)?];
                if let Some(what) = trim_what {
                    args.push(bind(what)?);
                }
                self.call_scalar(name, args)?
            }
            // Spark parses `POSITION(a IN b)` as `locate(a, b)`.
            A::Position { expr, r#in } => self.call_scalar("locate", vec![bind(expr)?, bind(r#in)?])?,
            A::Extract { field, expr, .. } => {
                // the field as written (see `EmberDialect::parse_prefix`)
                let name = match field {
                    ast::DateTimeField::Custom(id) => id.value.clone(),
                    other => other.to_string().to_ascii_lowercase(),
                };
                self.call_scalar("extract", vec![lit(name), bind(expr)?])?
            }
            A::Ceil { expr, field } | A::Floor { expr, field } => {
                let name = if matches!(e, A::Ceil { .. }) { "ceil" } else { "floor" };
                let mut args = vec![bind(expr)?];
                match field {
                    ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime) => {}
                    ast::CeilFloorKind::Scale(v) => args.push(Expr::Literal(self.bind_value(&v.value)?)),
                    ast::CeilFloorKind::DateTimeField(f) => return Err(unsupported(format!("{name}(... TO {f})"))),
                }
                self.call_scalar(name, args)?
            }
            A::Array(arr) => {
                let elems = arr.elem.iter().map(bind).collect::<Result<Vec<_>>>()?;
                self.call_scalar("array", elems)?
            }
            A::Subquery(q) => self.bind_scalar_subquery(q, scope)?,
            A::InSubquery { expr, subquery, negated } => self.bind_in_subquery(expr, subquery, *negated, scope)?,
            A::Exists { subquery, negated } => self.bind_exists(subquery, *negated, scope)?,
            A::AnyOp { .. } | A::AllOp { .. } => {
                return Err(unsupported("ANY / ALL subquery comparisons"));
            }
            A::Interval(iv) => Expr::Literal(crate::interval::bind_interval(iv)?),
            A::Lambda(_) => return Err(Error::spark("INVALID_LAMBDA_FUNCTION_CALL.PARAMETER_DOES_NOT_ACCEPT_LAMBDA_FUNCTION", &[])),
            // A row constructor `(a, b)` is Spark's `named_struct(col1, a, col2, b)`.
            A::Tuple(items) => {
                let mut args = Vec::with_capacity(items.len() * 2);
                for (i, item) in items.iter().enumerate() {
                    let bound = bind(item)?;
                    args.push(lit(match &bound {
                        Expr::Column(c) => c.name.clone(),
                        _ => format!("col{}", i + 1),
                    }));
                    args.push(bound);
                }
                self.call_scalar("named_struct", args)?
            }
            A::Identifier(_) | A::Nested(_) | A::BinaryOp { .. } => return self.bind_expr_inner(e, scope),
            other => return Err(unsupported(format!("the expression {other}"))),
        })
    }

    /// A column of the schema, or the select expression an alias names, or else a
    /// column of an enclosing query.
    pub(crate) fn resolve_column(&self, qualifier: Option<String>, name: &str, scope: &ExprScope) -> Result<Expr> {
        self.resolve_column_in(qualifier, name, scope, true)
    }

    /// [`Self::resolve_column`]; enclosing queries only when `outer`.
    pub(crate) fn resolve_column_in(&self, qualifier: Option<String>, name: &str, scope: &ExprScope, outer: bool) -> Result<Expr> {
        if qualifier.is_none() {
            if let Some(v) = self.lambda_variable(name) {
                return Ok(v);
            }
        }
        let col = Column::new(qualifier.as_deref(), name);
        match scope.schema.index_of(&col) {
            Ok(i) => Ok(Expr::Column(scope.schema.field(i).column())),
            Err(e) => {
                if qualifier.is_none() && matches!(e.kind(), ErrorKind::UnresolvedColumn { .. }) {
                    let found = scope.aliases.iter().find_map(|a| match a {
                        Expr::Alias(al) if al.name.eq_ignore_ascii_case(name) => Some(al.expr.as_ref().clone()),
                        _ => None,
                    });
                    if let Some(x) = found {
                        return Ok(x);
                    }
                }
                if outer && matches!(e.kind(), ErrorKind::UnresolvedColumn { .. }) {
                    if let Some(outer) = self.resolve_outer_column(&col) {
                        return Ok(outer);
                    }
                }
                Err(e)
            }
        }
    }

    pub(crate) fn bind_value(&self, v: &Value) -> Result<ScalarValue> {
        Ok(match v {
            Value::Number(n, long) => parse_number(&number_text(n, *long), false)?,
            Value::Boolean(b) => ScalarValue::Boolean(Some(*b)),
            Value::Null => ScalarValue::Null,
            Value::HexStringLiteral(s) => parse_hex(s)?,
            Value::SingleQuotedByteStringLiteral(s) | Value::DoubleQuotedByteStringLiteral(s) => {
                ScalarValue::Binary(Some(s.as_bytes().to_vec()))
            }
            Value::Placeholder(p) => crate::params::marker_value(self.args.as_ref(), p)?,
            other => match other.clone().into_string() {
                Some(s) => ScalarValue::Utf8(Some(s)),
                None => return Err(unsupported(format!("the literal {other}"))),
            },
        })
    }

    /// `CAST(x AS type_name)`, or DATATYPE_MISMATCH when Spark cannot cast between the types.
    pub(crate) fn bind_cast(&self, x: Expr, type_name: &str, try_cast: bool, scope: &ExprScope) -> Result<Expr> {
        let (to, interval_type) = parse_cast_type_with_tz(type_name, &self.time_zone())?;
        let from = x.data_type(scope.schema)?;
        if !can_cast(&from, &to) {
            let from_name = match x.interval_type(scope.schema)? {
                Some(t) => t.catalog_string(),
                None => catalog_string(&from),
            };
            let to_name = interval_type.map(|t| t.catalog_string()).unwrap_or_else(|| catalog_string(&to));
            if let Some(functions) = cast_function_suggestion(&from, &to) {
                let (src, target) = (format!("\"{}\"", from_name.to_uppercase()), format!("\"{}\"", to_name.to_uppercase()));
                return Err(Error::spark(
                    "DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION",
                    &[("sqlExpr", &format!("\"{x}\"")), ("srcType", &src), ("targetType", &target), ("functionNames", functions)],
                ));
            }
            return Err(Error::new(ErrorKind::CannotCast {
                from: format!("\"{}\"", from_name.to_uppercase()),
                to: format!("\"{}\"", to_name.to_uppercase()),
            }));
        }
        Ok(Expr::Cast(Cast { expr: Box::new(x), data_type: to, try_cast, interval_type }))
    }

    pub(crate) fn bind_binary(&self, l: Expr, op: &BinaryOperator, r: Expr) -> Result<Expr> {
        use BinaryOperator as B;
        let op = match op {
            B::Plus => Operator::Plus,
            B::Minus => Operator::Minus,
            B::Multiply => Operator::Multiply,
            B::Divide => Operator::Divide,
            B::Modulo => Operator::Modulo,
            B::MyIntegerDivide | B::DuckIntegerDivide => Operator::IntDivide,
            B::Gt => Operator::Gt,
            B::Lt => Operator::Lt,
            B::GtEq => Operator::GtEq,
            B::LtEq => Operator::LtEq,
            B::Eq => Operator::Eq,
            B::NotEq => Operator::NotEq,
            B::Spaceship => Operator::NullSafeEq,
            B::And => Operator::And,
            B::Or => Operator::Or,
            B::StringConcat => {
                return match self.functions.scalar("concat") {
                    Some(_) => self.call_scalar("concat", vec![l, r]),
                    None => Ok(Expr::binary(l, Operator::StringConcat, r)),
                };
            }
            other => return Err(unsupported(format!("the operator {other}"))),
        };
        Ok(Expr::binary(l, op, r))
    }
}

/// The functions Spark suggests for a cast it refuses between numbers and datetimes.
fn cast_function_suggestion(from: &DataType, to: &DataType) -> Option<&'static str> {
    use ember_plan::coercion::is_numeric;
    match (from, to) {
        (f, DataType::Date32) if is_numeric(f) => Some("`DATE_FROM_UNIX_DATE`"),
        (DataType::Date32, t) if is_numeric(t) => Some("`UNIX_DATE`"),
        (f, DataType::Timestamp(_, _)) if is_numeric(f) => Some("`TIMESTAMP_SECONDS`, `TIMESTAMP_MILLIS` and `TIMESTAMP_MICROS`"),
        (DataType::Timestamp(_, _), t) if is_numeric(t) => Some("`UNIX_SECONDS`, `UNIX_MILLIS` and `UNIX_MICROS`"),
        _ => None,
    }
}

/// The number text with sqlparser's `long` flag turned back into an `L` suffix.
fn number_text(n: &str, long: bool) -> String {
    if long {
        format!("{n}L")
    } else {
        n.to_string()
    }
}

fn escape_char_of(e: &ast::Expr) -> Result<char> {
    if let ast::Expr::Value(v) = e {
        if let Some(s) = v.value.clone().into_string() {
            let mut chars = s.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                return Ok(c);
            }
        }
    }
    Err(crate::errors::other(
        "INVALID_ESCAPE_CHAR",
        "42604",
        format!("The escape character must be a string literal of length one, but got {e}."),
    ))
}

/// `x IN (a, b)`: every value must compare with `x` (Spark's DATA_DIFF_TYPES).
fn check_in_types(x: &Expr, list: &[Expr], schema: &PlanSchema) -> Result<()> {
    let mut types = vec![x.data_type(schema)?];
    for e in list {
        types.push(e.data_type(schema)?);
    }
    let ok = types.iter().skip(1).all(|t| comparison_type(&types[0], t).is_some());
    if ok {
        return Ok(());
    }
    let names: Vec<String> = types.iter().map(|t| format!("\"{}\"", catalog_string(t).to_uppercase())).collect();
    let shown = Expr::InList(InList { expr: Box::new(x.clone()), list: list.to_vec(), negated: false });
    Err(Error::new(ErrorKind::DatatypeMismatch {
        sub: "DATA_DIFF_TYPES",
        expr: format!("\"{shown}\""),
        message: format!("Input to `in` should all be the same type, but it's [{}].", names.join(", ")),
    }))
}
