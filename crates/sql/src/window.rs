//! Window function calls: `f(args) [IGNORE NULLS] OVER (PARTITION BY … ORDER BY …
//! frame)` and `OVER w` with `WINDOW w AS (…)` named windows, bound to
//! `Expr::WindowFunction` (the plan checks frames and arguments as Spark does).

use ember_common::{Error, ErrorKind, Result};
use ember_plan::window::{
    distinct_unsupported, BuiltinWindowFunction, WindowFrame, WindowFrameBound, WindowFrameUnits, WindowFunction, WindowFunctionKind,
    WindowSpec,
};
use ember_plan::{lit, Expr, PlanSchema, ScalarValue};
use sqlparser::ast::{
    self, DuplicateTreatment, FunctionArg, FunctionArgExpr, FunctionArgumentClause, FunctionArguments, NamedWindowExpr, NullTreatment,
};

use crate::binder::Binder;
use crate::errors::{other, span_of, syntax_error, unsupported, ResultExt};
use crate::expr::ExprScope;
use crate::query::sort_expr;

/// Keeps a SELECT's `WINDOW` definitions visible while its expressions are bound.
pub(crate) struct NamedWindows<'b, 'a> {
    binder: &'b Binder<'a>,
}

impl Drop for NamedWindows<'_, '_> {
    fn drop(&mut self) {
        self.binder.named_windows.borrow_mut().pop();
    }
}

impl<'a> Binder<'a> {
    /// Makes `defs` (a SELECT's WINDOW clause) visible until the guard is dropped.
    pub(crate) fn enter_named_windows<'b>(&'b self, defs: &[ast::NamedWindowDefinition]) -> NamedWindows<'b, 'a> {
        self.named_windows.borrow_mut().push(defs.to_vec());
        NamedWindows { binder: self }
    }

    /// The spec of the named window `name`, following `WINDOW a AS b` and
    /// `WINDOW a AS (b ORDER BY …)` references.
    fn named_window(&self, name: &ast::Ident) -> Result<ast::WindowSpec> {
        self.named_window_at(name, 0)
    }

    fn named_window_at(&self, name: &ast::Ident, depth: usize) -> Result<ast::WindowSpec> {
        let found = {
            let stack = self.named_windows.borrow();
            let defs = stack.last().map(|d| d.as_slice()).unwrap_or(&[]);
            if depth <= defs.len() {
                defs.iter().find(|d| d.0.value.eq_ignore_ascii_case(&name.value)).map(|d| d.1.clone())
            } else {
                None
            }
        };
        match found {
            Some(NamedWindowExpr::WindowSpec(spec)) => return self.based_on(spec, depth + 1),
            Some(NamedWindowExpr::NamedWindow(next)) => return self.named_window_at(&next, depth + 1),
            None => {}
        }
        Err(other(
            "MISSING_WINDOW_SPECIFICATION",
            "42P20",
            format!(
                "Window specification is not defined in the WINDOW clause for {}. For more information about WINDOW clauses, please refer to 'https://spark.apache.org/docs/latest/sql-ref-syntax-qry-select-window.html'.",
                name.value
            ),
        ))
        .at(crate::errors::to_span(name.span))
    }

    /// `f(args) OVER …`: a ranking / offset function or an aggregate over a window.
    pub(crate) fn bind_window_function(&self, f: &ast::Function, name: &str, over: &ast::WindowType, scope: &ExprScope) -> Result<Expr> {
        let mut ignore_nulls = matches!(f.null_treatment, Some(NullTreatment::IgnoreNulls));
        if !f.within_group.is_empty() || !matches!(f.parameters, FunctionArguments::None) {
            return Err(unsupported(format!("this syntax of the function `{name}`")));
        }
        let (list, distinct) = match &f.args {
            FunctionArguments::None => (&[][..], false),
            FunctionArguments::Subquery(_) => return Err(unsupported("subquery expressions")),
            FunctionArguments::List(l) => {
                for c in &l.clauses {
                    match c {
                        FunctionArgumentClause::IgnoreOrRespectNulls(t) => ignore_nulls |= *t == NullTreatment::IgnoreNulls,
                        _ => return Err(unsupported(format!("this syntax of the function `{name}`"))),
                    }
                }
                (l.args.as_slice(), l.duplicate_treatment == Some(DuplicateTreatment::Distinct))
            }
        };
        let mut args = Vec::with_capacity(list.len());
        for a in list {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(self.bind_expr(e, scope)?),
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) if name == "count" && list.len() == 1 => args.push(lit(1)),
                other => return Err(unsupported(format!("the function argument {other}"))).at(span_of(other)),
            }
        }
        let spec = self.bind_window_spec(over, scope)?;
        let func = match BuiltinWindowFunction::from_name(name) {
            Some(b) => WindowFunctionKind::Builtin(b),
            None => match self.functions.aggregate(name) {
                Some(a) => WindowFunctionKind::Aggregate(a),
                None if self.functions.scalar(name).is_some() => {
                    return Err(other(
                        "UNSUPPORTED_EXPR_FOR_WINDOW",
                        "42P20",
                        format!("Expression \"{name}\" not supported within a window function."),
                    ))
                }
                None => return self.call_scalar(name, args),
            },
        };
        if distinct {
            return Err(distinct_unsupported(&WindowFunction::try_new(func, args, spec, false)?));
        }
        if f.filter.is_some() {
            return Err(unsupported(format!("FILTER in the window function `{name}`")));
        }
        Ok(Expr::WindowFunction(WindowFunction::try_new(func, args, spec, ignore_nulls)?))
    }

    /// `(base PARTITION BY … ORDER BY … frame)`: the named window `base` with the
    /// parts given here added or replaced.
    /// `(base)` is the named window `base`; Spark's grammar has no `(base ORDER BY …)`.
    fn based_on(&self, s: ast::WindowSpec, depth: usize) -> Result<ast::WindowSpec> {
        let Some(base) = &s.window_name else { return Ok(s) };
        if !s.partition_by.is_empty() || !s.order_by.is_empty() || s.window_frame.is_some() {
            let next = if !s.partition_by.is_empty() {
                "PARTITION"
            } else if !s.order_by.is_empty() {
                "ORDER"
            } else {
                s.window_frame.as_ref().map_or("ROWS", |f| if f.units == ast::WindowFrameUnits::Range { "RANGE" } else { "ROWS" })
            };
            return Err(syntax_error(format!("Syntax error at or near '{next}'."))).at(crate::errors::to_span(base.span));
        }
        self.named_window_at(base, depth)
    }

    /// The OVER clause: an inline spec, possibly based on a named window, or a name.
    fn bind_window_spec(&self, over: &ast::WindowType, scope: &ExprScope) -> Result<WindowSpec> {
        let spec = match over {
            ast::WindowType::NamedWindow(name) => self.named_window(name)?,
            ast::WindowType::WindowSpec(s) => self.based_on(s.clone(), 0)?,
        };
        let partition_by = spec.partition_by.iter().map(|e| self.bind_expr(e, scope)).collect::<Result<Vec<_>>>()?;
        let order_by = spec.order_by.iter().map(|o| Ok(sort_expr(self.bind_expr(&o.expr, scope)?, o))).collect::<Result<Vec<_>>>()?;
        let frame = match &spec.window_frame {
            None => None,
            Some(f) => Some(self.bind_frame(f)?),
        };
        Ok(WindowSpec { partition_by, order_by, frame })
    }

    fn bind_frame(&self, f: &ast::WindowFrame) -> Result<WindowFrame> {
        let units = match f.units {
            ast::WindowFrameUnits::Rows => WindowFrameUnits::Rows,
            ast::WindowFrameUnits::Range => WindowFrameUnits::Range,
            // Spark's grammar has no GROUPS frames.
            ast::WindowFrameUnits::Groups => return Err(syntax_error("Syntax error at or near 'GROUPS'.")),
        };
        let start = self.bind_bound(&f.start_bound, "lower")?;
        let end = match &f.end_bound {
            Some(b) => self.bind_bound(b, "upper")?,
            None => WindowFrameBound::CurrentRow,
        };
        Ok(WindowFrame::new(units, start, end))
    }

    fn bind_bound(&self, b: &ast::WindowFrameBound, location: &str) -> Result<WindowFrameBound> {
        Ok(match b {
            ast::WindowFrameBound::CurrentRow => WindowFrameBound::CurrentRow,
            ast::WindowFrameBound::Preceding(None) => WindowFrameBound::UnboundedPreceding,
            ast::WindowFrameBound::Following(None) => WindowFrameBound::UnboundedFollowing,
            ast::WindowFrameBound::Preceding(Some(e)) => WindowFrameBound::Preceding(self.bound_value(e, location)?),
            ast::WindowFrameBound::Following(Some(e)) => WindowFrameBound::Following(self.bound_value(e, location)?),
        })
    }

    /// A frame offset: a numeric literal. Spark's parser rejects offsets that are not
    /// constant (that read columns, or are not deterministic).
    fn bound_value(&self, e: &ast::Expr, location: &str) -> Result<ScalarValue> {
        let empty = PlanSchema::empty();
        let bound = match self.bind_expr(e, &ExprScope::new(&empty)) {
            Ok(b) if b.is_deterministic() => b,
            _ => return Err(Error::legacy("_LEGACY_ERROR_TEMP_0064", "Frame bound value must be a literal.")).at(span_of(e)),
        };
        match bound {
            Expr::Literal(v) => Ok(v),
            _ => Err(not_literal(e, location)),
        }
    }
}

/// A constant offset that is not a literal (`1 + 1`), which Ember does not fold yet.
fn not_literal(e: &ast::Expr, location: &str) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "SPECIFIED_WINDOW_FRAME_WITHOUT_FOLDABLE",
        expr: format!("\"{e}\""),
        message: format!("Window frame {location} bound \"{e}\" is not a literal."),
    })
    .with_span(span_of(e))
}
