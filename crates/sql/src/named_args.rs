//! Named function arguments, `f(a => 1)`: the parameter names (and defaults) of the
//! functions Spark accepts them for, in one table, and the reordering of a call's
//! arguments into positions with Spark's errors for unknown, repeated and misplaced
//! names.

use ember_common::{suggest, Result};
use sqlparser::ast::{self, FunctionArg, FunctionArgExpr};

use crate::errors::{other, span_of, ResultExt};

/// One parameter: its name, and the SQL of its default (`None`: required).
type Param = (&'static str, Option<&'static str>);

/// The functions that take named arguments, with their parameters in order.
const SIGNATURES: &[(&str, &[Param])] = &[
    ("mask", &[("str", None), ("upperChar", Some("'X'")), ("lowerChar", Some("'x'")), ("digitChar", Some("'n'")), ("otherChar", Some("NULL"))]),
    ("count_min_sketch", &[("column", None), ("epsilon", None), ("confidence", None), ("seed", None)]),
    ("explode", &[("collection", None)]),
    ("explode_outer", &[("collection", None)]),
    ("posexplode", &[("collection", None)]),
    ("posexplode_outer", &[("collection", None)]),
    ("inline", &[("input", None)]),
    ("inline_outer", &[("input", None)]),
];

/// The parameters of the table function `range`, as Spark names them in its errors.
const RANGE_PARAMS: [&str; 4] = ["start", "end", "step", "numSlices"];

/// True if a call's arguments include a named one.
pub(crate) fn has_named(list: &[FunctionArg]) -> bool {
    list.iter().any(|a| matches!(a, FunctionArg::Named { .. } | FunctionArg::ExprNamed { .. }))
}

/// The arguments of `name(list)` in parameter order, defaults filled in, when `list`
/// names some of them.
pub(crate) fn positional(name: &str, list: &[FunctionArg]) -> Result<Vec<FunctionArg>> {
    let Some((_, params)) = SIGNATURES.iter().find(|(n, _)| *n == name) else {
        return Err(other(
            "NAMED_PARAMETERS_NOT_SUPPORTED",
            "4274K",
            format!("Named parameters are not supported for function `{name}`; please retry the query with positional arguments to the function call instead."),
        ));
    };
    let mut slots: Vec<Option<ast::Expr>> = vec![None; params.len()];
    let mut positional = 0usize;
    let mut last_named: Option<String> = None;
    for a in list {
        match a {
            FunctionArg::Named { name: param, arg: FunctionArgExpr::Expr(e), .. } => {
                let Some(i) = params.iter().position(|(p, _)| p.eq_ignore_ascii_case(&param.value)) else {
                    let names: Vec<&str> = params.iter().map(|(p, _)| *p).collect();
                    let close = suggest::closest(&param.value, names.iter().copied(), 3);
                    let shown = close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" ");
                    return Err(other(
                        "UNRECOGNIZED_PARAMETER_NAME",
                        "4274K",
                        format!("Cannot invoke routine `{name}` because the routine call included a named argument reference for the argument named `{}`, but this routine does not include any signature containing an argument with this name. Did you mean one of the following? [{shown}].", param.value),
                    ))
                    .at(crate::errors::to_span(param.span));
                };
                if slots[i].is_some() {
                    let sub = if i < positional { "BOTH_POSITIONAL_AND_NAMED" } else { "DOUBLE_NAMED_ARGUMENT_REFERENCE" };
                    let detail = if i < positional {
                        "A positional argument and named argument both referred to the same parameter. Please remove the named argument referring to this parameter."
                    } else {
                        "More than one named argument referred to the same parameter. Please assign a value only once."
                    };
                    return Err(other(
                        &format!("DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.{sub}"),
                        "4274K",
                        format!("Call to routine `{name}` is invalid because it includes multiple argument assignments to the same parameter name `{}`. {detail}", params[i].0),
                    ))
                    .at(crate::errors::to_span(param.span));
                }
                slots[i] = Some(e.clone());
                last_named = Some(params[i].0.to_string());
            }
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                if let Some(n) = &last_named {
                    return Err(other(
                        "UNEXPECTED_POSITIONAL_ARGUMENT",
                        "4274K",
                        format!("Cannot invoke routine `{name}` because it contains positional argument(s) following the named argument assigned to `{n}`; please rearrange them so the positional arguments come first and then retry the query again."),
                    ))
                    .at(span_of(e));
                }
                if positional >= params.len() {
                    return Err(ember_common::Error::new(ember_common::ErrorKind::WrongNumArgs {
                        name: name.to_string(),
                        expected: params.len().to_string(),
                        found: list.len(),
                    }));
                }
                slots[positional] = Some(e.clone());
                positional += 1;
            }
            other => return Err(crate::errors::unsupported(format!("the function argument {other}"))).at(span_of(other)),
        }
    }
    let mut out = Vec::with_capacity(params.len());
    for (slot, (param, default)) in slots.into_iter().zip(params.iter()) {
        let e = match (slot, default) {
            (Some(e), _) => e,
            (None, Some(sql)) => default_expr(sql)?,
            (None, None) => {
                return Err(other(
                    "REQUIRED_PARAMETER_NOT_FOUND",
                    "4274K",
                    format!("Cannot invoke routine `{name}` because the parameter named `{param}` is required, but the routine call did not supply a value. Please update the routine call to supply an argument value (either positionally at index {} or by name) and retry the query again.", out.len()),
                ))
            }
        };
        out.push(FunctionArg::Unnamed(FunctionArgExpr::Expr(e)));
    }
    Ok(out)
}

/// NON_FOLDABLE_ARGUMENT as Spark reports a named argument of `range(…)`: it names the
/// parameter at that argument's position.
pub(crate) fn range_named_error(list: &[FunctionArg]) -> Option<ember_common::Error> {
    let i = list.iter().position(|a| matches!(a, FunctionArg::Named { .. } | FunctionArg::ExprNamed { .. }))?;
    let param = if list.len() == 1 { RANGE_PARAMS[1] } else { RANGE_PARAMS.get(i).copied().unwrap_or("numSlices") };
    Some(other(
        "NON_FOLDABLE_ARGUMENT",
        "42K08",
        format!("The function `range` requires the parameter `{param}` to be a foldable expression of the type \"BIGINT\", but the actual argument is a non-foldable."),
    ))
}

fn default_expr(sql: &str) -> Result<ast::Expr> {
    let tokens = crate::parser::tokenize(sql)?;
    crate::parser::parse_expr(&tokens)
}
