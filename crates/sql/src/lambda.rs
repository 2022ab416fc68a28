//! Binding higher-order function calls (`transform(a, x -> x + 1)`, `aggregate(a, 0,
//! (acc, x) -> acc + x)`, …): the value arguments first, then each lambda with its
//! parameters typed from them, in a scope where the parameters shadow columns.

use ember_common::{Error, ErrorKind, Result};
use ember_plan::expr::{HigherOrderFunction, HigherOrderKind, LambdaFunction, LambdaVariable};
use ember_plan::Expr;
use sqlparser::ast::{self, FunctionArg, FunctionArgExpr};

use crate::binder::Binder;
use crate::errors::{span_of, ResultExt};
use crate::expr::ExprScope;

/// True when `f`'s call is a higher-order function call: a name Spark gives one and, for
/// `array_sort` (also a plain function), a lambda argument.
pub(crate) fn higher_order_kind(name: &str, args: &[FunctionArg]) -> Option<HigherOrderKind> {
    let kind = HigherOrderKind::from_name(name)?;
    let has_lambda = args.iter().any(|a| matches!(a, FunctionArg::Unnamed(FunctionArgExpr::Expr(ast::Expr::Lambda(_)))));
    (kind != HigherOrderKind::ArraySort || has_lambda).then_some(kind)
}

impl Binder<'_> {
    /// `kind(args…)`: binds the value arguments, then the lambdas against their types.
    pub(crate) fn bind_higher_order(&self, kind: HigherOrderKind, list: &[FunctionArg], scope: &ExprScope) -> Result<Expr> {
        let name = kind.name();
        let counts = kind.arg_counts();
        if !counts.contains(&list.len()) {
            let expected = match counts {
                [n] => n.to_string(),
                many => format!("[{}]", many.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")),
            };
            return Err(Error::new(ErrorKind::WrongNumArgs { name: name.to_string(), expected, found: list.len() }));
        }
        let mut exprs: Vec<&ast::Expr> = Vec::with_capacity(list.len());
        for a in list {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => exprs.push(e),
                other => return Err(crate::errors::unsupported(format!("the function argument {other}"))).at(span_of(other)),
            }
        }
        let nvalues = kind.value_args();
        let mut values = Vec::with_capacity(nvalues);
        for e in &exprs[..nvalues] {
            if let ast::Expr::Lambda(_) = e {
                return Err(Error::spark("INVALID_LAMBDA_FUNCTION_CALL.PARAMETER_DOES_NOT_ACCEPT_LAMBDA_FUNCTION", &[]))
                    .at(span_of(*e));
            }
            values.push(self.bind_expr(e, scope)?);
        }
        let types = values.iter().map(|v| v.data_type(scope.schema)).collect::<Result<Vec<_>>>()?;
        let shown_raw = format!(
            "{name}({})",
            values.iter().map(|v| v.to_string()).chain(exprs[nvalues..].iter().map(|e| raw_lambda(e))).collect::<Vec<_>>().join(", ")
        );
        kind.check_value_args(&shown_raw, &values, &types)?;
        let mut args = values;
        for (i, e) in exprs[nvalues..].iter().enumerate() {
            let ast::Expr::Lambda(l) = e else {
                return Err(Error::spark(
                    "INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION",
                    &[("class", "org.apache.spark.sql.catalyst.expressions.LambdaFunction")],
                ))
                .at(span_of(*e));
            };
            args.push(Expr::Lambda(self.bind_lambda(kind, &types, i, l, scope).at(span_of(*e))?));
        }
        if matches!(kind, HigherOrderKind::Aggregate | HigherOrderKind::Reduce) && args.len() == 3 {
            let zero = types.get(1).cloned().unwrap_or(arrow::datatypes::DataType::Null);
            args.push(Expr::Lambda(LambdaFunction::identity(self.lambda_scope.borrow().len(), zero)));
        }
        Ok(Expr::HigherOrderFunction(HigherOrderFunction { kind, args }))
    }

    /// One lambda argument, its parameters typed for lambda number `index` of `kind`.
    fn bind_lambda(
        &self,
        kind: HigherOrderKind,
        types: &[arrow::datatypes::DataType],
        index: usize,
        l: &ast::LambdaFunction,
        scope: &ExprScope,
    ) -> Result<LambdaFunction> {
        let names: Vec<&ast::Ident> = l.params.iter().map(|p| &p.name).collect();
        for (i, n) in names.iter().enumerate() {
            if names[..i].iter().any(|m| m.value.eq_ignore_ascii_case(&n.value)) {
                let args = names.iter().map(|n| format!("`{}`", n.value)).collect::<Vec<_>>().join(", ");
                return Err(Error::spark(
                    "INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES",
                    &[("args", &args), ("caseSensitiveConfig", "\"spark.sql.caseSensitive\"")],
                ));
            }
        }
        let param_types = kind.lambda_params(types, index, names.len())?;
        let depth = self.lambda_scope.borrow().len();
        let params: Vec<LambdaVariable> = names
            .iter()
            .zip(param_types)
            .enumerate()
            .map(|(i, (n, (data_type, nullable)))| LambdaVariable { name: n.value.clone(), depth, index: i, data_type, nullable })
            .collect();
        self.lambda_scope.borrow_mut().push(params.clone());
        let body = self.bind_expr(&l.body, scope);
        self.lambda_scope.borrow_mut().pop();
        let body = body?;
        if body.contains_subquery() {
            return Err(Error::spark("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.HIGHER_ORDER_FUNCTION", &[]));
        }
        Ok(LambdaFunction { params, body: Box::new(body) })
    }

    /// The innermost lambda parameter named `name`, if any.
    pub(crate) fn lambda_variable(&self, name: &str) -> Option<Expr> {
        let scopes = self.lambda_scope.borrow();
        scopes.iter().rev().flat_map(|s| s.iter()).find(|v| v.name.eq_ignore_ascii_case(name)).map(|v| Expr::LambdaVariable(v.clone()))
    }
}

/// An unbound lambda as Spark shows it in errors raised before it is bound.
fn raw_lambda(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Lambda(l) => {
            let params = l.params.iter().map(|p| p.name.value.clone()).collect::<Vec<_>>().join(", ");
            format!("lambdafunction({}, {params})", l.body)
        }
        other => other.to_string(),
    }
}

/// The first lambda among a call's arguments.
pub(crate) fn first_lambda(args: &[FunctionArg]) -> Option<&ast::Expr> {
    args.iter().find_map(|a| match a {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(e @ ast::Expr::Lambda(_))) => Some(e),
        _ => None,
    })
}

/// INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION for a lambda passed to `name`,
/// naming the function's class as Spark does (`upper` is `…expressions.Upper`).
pub(crate) fn non_higher_order(name: &str) -> Error {
    let class: String = name
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect();
    let class = format!("org.apache.spark.sql.catalyst.expressions.{class}");
    Error::spark("INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION", &[("class", &class)])
}
