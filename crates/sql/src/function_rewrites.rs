//! Functions Spark's analyzer replaces by other expressions, kept under the name the
//! user wrote: the type-named casts (`int(x)`, `date(x)`, …), the TRY arithmetic
//! (`try_add`, `try_divide`, …), `try_to_timestamp`/`try_to_date`, `typeof`, and the
//! operator spellings `mod`, `div`, `positive`, `negative`, and `to_char` of a datetime
//! (`date_format`) or binary (`base64`, `hex`).

use ember_common::{Error, ErrorKind, Result};
use ember_plan::shown_call::ShownCall;
use ember_plan::{Expr, Operator};
use sqlparser::ast::BinaryOperator;

use crate::binder::Binder;
use crate::expr::ExprScope;

/// `(function, cast target)`: Spark's cast aliases.
const NAMED_CASTS: [(&str, &str); 12] = [
    ("boolean", "boolean"),
    ("tinyint", "tinyint"),
    ("smallint", "smallint"),
    ("int", "int"),
    ("bigint", "bigint"),
    ("float", "float"),
    ("double", "double"),
    ("decimal", "decimal"),
    ("date", "date"),
    ("timestamp", "timestamp"),
    ("binary", "binary"),
    ("string", "string"),
];

fn arity(name: &str, args: &[Expr], n: usize) -> Result<()> {
    if args.len() == n {
        return Ok(());
    }
    Err(Error::new(ErrorKind::WrongNumArgs { name: name.to_string(), expected: n.to_string(), found: args.len() }))
}

fn two(args: Vec<Expr>) -> Result<(Expr, Expr)> {
    let mut it = args.into_iter();
    match (it.next(), it.next()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Error::internal("two arguments expected")),
    }
}

fn one(args: Vec<Expr>) -> Result<Expr> {
    args.into_iter().next().ok_or_else(|| Error::internal("one argument expected"))
}

impl Binder<'_> {
    /// The call rewritten as Spark's analyzer does, or `None` when `name` is not one of
    /// these functions.
    pub(crate) fn rewrite_function(&self, name: &str, args: Vec<Expr>, scope: &ExprScope) -> Result<Option<Expr>> {
        if let Some((_, to)) = NAMED_CASTS.iter().find(|(n, _)| *n == name) {
            arity(name, &args, 1)?;
            let x = one(args)?;
            // Spark names `int(x)` after `x`.
            let shown = x.to_string();
            let cast = self.bind_cast(x, to, false, scope)?;
            return Ok(Some(ShownCall::wrap(name, shown, cast, false)));
        }
        let binary = match name {
            "try_add" => Some((BinaryOperator::Plus, true)),
            "try_subtract" => Some((BinaryOperator::Minus, true)),
            "try_multiply" => Some((BinaryOperator::Multiply, true)),
            "try_divide" => Some((BinaryOperator::Divide, true)),
            "try_mod" => Some((BinaryOperator::Modulo, true)),
            "mod" => Some((BinaryOperator::Modulo, false)),
            _ => None,
        };
        if let Some((op, try_mode)) = binary {
            arity(name, &args, 2)?;
            let shown = ShownCall::call_text(name, &args);
            let (l, r) = two(args)?;
            let inner = self.bind_binary_op_exprs(l, &op, r, scope)?;
            return Ok(Some(ShownCall::wrap(name, shown, inner, try_mode)));
        }
        Ok(Some(match name {
            "div" => {
                arity(name, &args, 2)?;
                let (l, r) = two(args)?;
                Expr::binary(l, Operator::IntDivide, r)
            }
            "negative" => {
                arity(name, &args, 1)?;
                let shown = ShownCall::call_text(name, &args);
                ShownCall::wrap(name, shown, Expr::Negative(Box::new(one(args)?)), false)
            }
            "positive" => {
                arity(name, &args, 1)?;
                let x = one(args)?;
                let shown = format!("(+ {x})");
                let t = x.data_type(scope.schema)?;
                let x = if ember_plan::coercion::is_string(&t) { self.bind_cast(x, "double", false, scope)? } else { x };
                let t = x.data_type(scope.schema)?;
                if !(ember_plan::coercion::is_numeric(&t) || t == arrow::datatypes::DataType::Null || x.interval_type(scope.schema)?.is_some()) {
                    return Err(Error::new(ErrorKind::DatatypeMismatch {
                        sub: "UNEXPECTED_INPUT_TYPE",
                        expr: format!("\"{shown}\""),
                        message: format!(
                            "The first parameter requires the (\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\") type, however \"{x}\" has the type \"{}\".",
                            ember_common::types::catalog_string(&t).to_uppercase()
                        ),
                    }));
                }
                ShownCall::wrap(name, shown, x, false)
            }
            "typeof" => {
                arity(name, &args, 1)?;
                let shown = ShownCall::call_text(name, &args);
                let x = one(args)?;
                let type_name = match x.interval_type(scope.schema)? {
                    Some(t) => t.catalog_string(),
                    None => ember_common::types::catalog_string(&x.data_type(scope.schema)?),
                };
                // The type is known now, but an aggregate or window argument must stay in
                // the tree: `SELECT typeof(count(*)) FROM t` is an aggregation (one row);
                // so must a time window, which drops the rows without one.
                let value = if x.contains_aggregate() || x.contains_window() || ember_plan::time_window::contains_time_window(&x) {
                    self.call_scalar("nvl2", vec![x, ember_plan::lit(type_name.clone()), ember_plan::lit(type_name)])?
                } else {
                    ember_plan::lit(type_name)
                };
                ShownCall::wrap(name, shown, value, false)
            }
            "to_char" | "to_varchar" if args.len() == 2 => {
                // Spark's `to_char` of a datetime is `date_format`, of binary `base64`/`hex`
                match args[0].data_type(scope.schema)? {
                    arrow::datatypes::DataType::Date32 | arrow::datatypes::DataType::Timestamp(_, _) => {
                        self.call_scalar("date_format", args)?
                    }
                    arrow::datatypes::DataType::Binary => {
                        let given = match &args[1] {
                            Expr::Literal(v) => v.to_string(),
                            _ => String::new(),
                        };
                        let fmt = given.to_ascii_lowercase();
                        // `to_varchar` keeps its name: without the format for base64 and hex
                        let shown = match fmt.as_str() {
                            "base64" | "hex" => format!("{name}({})", args[0]),
                            _ => ShownCall::call_text(name, &args),
                        };
                        let (x, _) = two(args)?;
                        let inner = match fmt.as_str() {
                            "base64" => self.call_scalar("base64", vec![x])?,
                            "hex" => self.call_scalar("hex", vec![x])?,
                            "utf-8" | "utf8" => self.call_scalar("decode", vec![x, ember_plan::lit(given)])?,
                            _ => {
                                return Err(Error::new(ErrorKind::DatatypeMismatch {
                                    sub: "INVALID_ARG_VALUE",
                                    expr: format!("\"{name}\""),
                                    message: format!("The format value must to be a case-insensitive \"STRING\" literal of 'base64', 'hex', 'utf-8', or 'utf8', but got '{fmt}'."),
                                }))
                            }
                        };
                        if name == "to_varchar" {
                            ShownCall::wrap(name, shown, inner, false)
                        } else {
                            inner
                        }
                    }
                    _ => return Ok(None),
                }
            }
            "try_to_timestamp" | "try_to_date" => {
                let shown = ShownCall::call_text(name, &args);
                let inner = self.call_scalar(&name["try_".len()..], args)?;
                ShownCall::wrap(name, shown, inner, true)
            }
            _ => return Ok(None),
        }))
    }
}

/// The functions the binder implements itself (casts by type name, TRY arithmetic,
/// session facts, generators, operators and keywords Spark lists as functions), for
/// `SHOW FUNCTIONS`; the registry lists the rest.
pub fn binder_function_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = NAMED_CASTS.iter().map(|(n, _)| *n).collect();
    names.extend([
        "try_add", "try_subtract", "try_multiply", "try_divide", "try_mod", "mod", "div", "negative", "positive", "typeof",
        "try_to_timestamp", "try_to_date", "current_database", "current_schema", "current_catalog", "current_user", "user",
        "session_user", "json_tuple", "and", "or", "not", "in", "like", "ilike", "between", "case", "when", "cast",
    ]);
    names.extend(crate::function::GENERATOR_NAMES);
    names.push("stack");
    names.extend(ember_plan::expr::HigherOrderKind::ALL.iter().map(|k| k.name()));
    names.extend([
        "!", "!=", "%", "&", "*", "+", "-", "/", "<", "<<", "<=", "<=>", "<>", "=", "==", ">", ">=", ">>", ">>>", "^", "|", "||", "~",
    ]);
    names
}
