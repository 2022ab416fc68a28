//! Function calls: aggregates and scalar functions from the registry, `count(*)`, and
//! the generators `explode`, `explode_outer`, `posexplode`, `posexplode_outer`.

use ember_common::{suggest, Error, ErrorKind, Result};
use ember_plan::expr::{AggregateFunction, Generator, GeneratorKind, ScalarFunction};
use ember_plan::{lit, Expr};
use sqlparser::ast::{self, DuplicateTreatment, FunctionArg, FunctionArgExpr, FunctionArguments};

use crate::binder::Binder;
use crate::errors::{other, span_of, unsupported, ResultExt};
use crate::expr::ExprScope;

const GENERATORS: [(&str, GeneratorKind, bool); 6] = [
    ("explode", GeneratorKind::Explode, false),
    ("explode_outer", GeneratorKind::Explode, true),
    ("posexplode", GeneratorKind::PosExplode, false),
    ("posexplode_outer", GeneratorKind::PosExplode, true),
    ("inline", GeneratorKind::Inline, false),
    ("inline_outer", GeneratorKind::Inline, true),
];

/// The generator functions' names.
pub(crate) const GENERATOR_NAMES: [&str; 6] = [GENERATORS[0].0, GENERATORS[1].0, GENERATORS[2].0, GENERATORS[3].0, GENERATORS[4].0, GENERATORS[5].0];

/// True for the names of Spark's generators (usable in FROM as table functions too).
pub(crate) fn is_generator_name(name: &str) -> bool {
    GENERATORS.iter().any(|g| g.0 == name) || matches!(name, "stack" | "json_tuple")
}

impl Binder<'_> {
    pub(crate) fn bind_function(&self, f: &ast::Function, scope: &ExprScope) -> Result<Expr> {
        let name = crate::relation::object_name(&f.name).to_ascii_lowercase();
        let name_span = span_of(&f.name);
        if let Some(over) = &f.over {
            return self.bind_window_function(f, &name, over, scope).at(name_span);
        }
        if f.null_treatment.is_some() || !matches!(f.parameters, FunctionArguments::None) {
            return Err(unsupported(format!("this syntax of the function `{name}`")));
        }
        let (list, distinct) = match &f.args {
            FunctionArguments::None => (&[][..], false),
            FunctionArguments::Subquery(_) => return Err(unsupported("subquery expressions")),
            FunctionArguments::List(l) => {
                if !l.clauses.is_empty() {
                    return Err(unsupported(format!("this syntax of the function `{name}`")));
                }
                (l.args.as_slice(), l.duplicate_treatment == Some(DuplicateTreatment::Distinct))
            }
        };
        if let Some(kind) = crate::lambda::higher_order_kind(&name, list) {
            if f.filter.is_some() || distinct {
                return Err(other(
                    "INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
                    "42000",
                    format!("Invalid SQL syntax: The function `{name}` does not support DISTINCT or FILTER."),
                ));
            }
            return self.bind_higher_order(kind, list, scope).at(name_span);
        }
        if let Some(e) = crate::lambda::first_lambda(list) {
            return Err(crate::lambda::non_higher_order(&name)).at(span_of(e));
        }
        let named;
        let list = if crate::named_args::has_named(list) {
            named = crate::named_args::positional(&name, list).at(name_span)?;
            named.as_slice()
        } else {
            list
        };
        let mut args = Vec::with_capacity(list.len());
        let mut star = false;
        let (name, list) = match Self::datetime_unit_call(&name, list)? {
            Some((target, unit)) => {
                args.push(lit(unit));
                (target.to_string(), &list[1..])
            }
            None => (name, list),
        };
        for a in list {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(self.bind_expr(e, scope)?),
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => star = true,
                other => return Err(unsupported(format!("the function argument {other}"))).at(span_of(other)),
            }
        }
        if star {
            if name != "count" || !args.is_empty() {
                return Err(other(
                    "INVALID_USAGE_OF_STAR_OR_REGEX",
                    "42000",
                    format!("Invalid usage of '*' in expression `{name}`."),
                ));
            }
            // Spark names count(*) `count(1)`.
            args.push(lit(1));
        }

        if let Some(value) = self.session_function(&name) {
            if !args.is_empty() {
                return Err(Error::new(ErrorKind::WrongNumArgs { name, expected: "0".into(), found: args.len() })).at(name_span);
            }
            return Ok(value);
        }

        if let Some((_, kind, outer)) = GENERATORS.iter().find(|(n, _, _)| *n == name) {
            if args.len() != 1 {
                return Err(Error::new(ErrorKind::WrongNumArgs { name, expected: "1".into(), found: args.len() }));
            }
            let arg = args.pop().ok_or_else(|| Error::internal("generator argument"))?;
            return Ok(Expr::Generator(Generator { kind: *kind, outer: *outer, arg: Box::new(arg) }));
        }

        if name == "stack" {
            return self.bind_stack(args, scope).at(name_span);
        }
        if name == "json_tuple" {
            return self.json_tuple_generator(args).at(name_span);
        }
        if name == "arrays_zip" {
            args = self.arrays_zip_args(args);
        }
        if name == "unix_timestamp" && args.is_empty() {
            // Spark's `unix_timestamp()` is `unix_timestamp(current_timestamp(), <format>)`
            args.push(self.call_scalar("current_timestamp", vec![])?);
        }
        if name == "assert_true" && args.len() == 1 {
            // Spark's default message names the condition, and shows in the column name.
            let message = format!("'{}' is not true!", args[0]);
            args.push(lit(message));
        }
        if name == "from_csv" {
            self.prepare_from_csv(&mut args).at(name_span)?;
        }
        if name == "from_json" {
            self.prepare_from_json(&mut args).at(name_span)?;
        }
        args = self.ordered_set_args(&name, args, &f.within_group, scope).at(name_span)?;
        if f.filter.is_none() && !distinct {
            if let Some(rewritten) = self.rewrite_function(&name, args.clone(), scope).at(name_span)? {
                return Ok(rewritten);
            }
        }
        if let Some(func) = self.functions.aggregate(&name) {
            let filter = match &f.filter {
                Some(x) => Some(Box::new(self.bind_expr(x, scope)?)),
                None => None,
            };
            if matches!(func.name(), "percentile_approx" | "approx_percentile") && args.len() == 2 {
                // Spark shows the default accuracy in the column name.
                args.push(lit(10000));
            }
            if func.name() == "histogram_numeric" && args.len() == 2 && !args[1].is_literal() {
                let shown = format!("\"histogram_numeric({}, {})\"", args[0], args[1]);
                return Err(Error::spark(
                    "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                    &[("sqlExpr", &shown), ("inputName", "`nb`"), ("inputType", "\"INT\""), ("inputExpr", &format!("\"{}\"", args[1]))],
                ))
                .at(name_span);
            }
            if func.name() == "percentile" && args.len() == 2 {
                // …and the default frequency.
                args.push(lit(1));
            }
            return Ok(Expr::AggregateFunction(AggregateFunction { func, args, distinct, filter }));
        }
        if ember_plan::BuiltinWindowFunction::from_name(&name).is_some() {
            return Err(other(
                "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE",
                "42601",
                format!("Window function `{name}` requires an OVER clause."),
            ))
            .at(name_span);
        }
        if distinct || f.filter.is_some() {
            if self.functions.scalar(&name).is_some() {
                return Err(other(
                    "INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
                    "42000",
                    format!("Invalid SQL syntax: The function `{name}` does not support DISTINCT or FILTER."),
                ));
            }
        }
        Self::order_trim_args(&name, &mut args);
        self.call_scalar(&name, args).at(name_span)
    }

    /// `timestampadd(HOUR, n, ts)` and its spellings (`dateadd`, `date_add`, and
    /// `timestampdiff` / `datediff` / `date_diff`) with a unit keyword first: the function
    /// to call and the unit, which becomes a string argument. A quoted unit is an error.
    fn datetime_unit_call(name: &str, list: &[FunctionArg]) -> Result<Option<(&'static str, String)>> {
        let target = match name {
            "timestampadd" | "dateadd" | "date_add" => "timestampadd",
            "timestampdiff" | "datediff" | "date_diff" => "timestampdiff",
            _ => return Ok(None),
        };
        if list.len() != 3 {
            return Ok(None);
        }
        match &list[0] {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(ast::Expr::Identifier(id))) => {
                let unit = id.value.to_ascii_uppercase();
                Ok(ember_plan::datetime::DATETIME_UNITS.contains(&unit.as_str()).then_some((target, unit)))
            }
            FunctionArg::Unnamed(FunctionArgExpr::Expr(ast::Expr::Value(v))) => match &v.value {
                ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                    Err(ember_plan::datetime::invalid_datetime_unit(target, s))
                }
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// Spark's two-argument trims take the characters first (`ltrim(chars, s)`); the one
    /// function behind each takes the string first.
    fn order_trim_args(name: &str, args: &mut [Expr]) {
        if matches!(name, "trim" | "ltrim" | "rtrim") && args.len() == 2 {
            args.swap(0, 1);
        }
    }

    /// The functions Spark answers from the session at analysis (`current_database()`,
    /// `current_catalog()`, `current_user()` and their aliases): a literal named as
    /// Spark names the call.
    fn session_function(&self, name: &str) -> Option<Expr> {
        let (value, column) = match name {
            "current_database" | "current_schema" => (self.catalog.current_database(), "current_schema()"),
            "current_catalog" => (ember_plan::table_name::SESSION_CATALOG.to_string(), "current_catalog()"),
            "current_user" | "user" | "session_user" => (current_user(), "current_user()"),
            _ => return None,
        };
        Some(lit(value).alias(column))
    }

    /// A call of the registry's scalar function `name`, or UNRESOLVED_ROUTINE.
    pub(crate) fn call_scalar(&self, name: &str, mut args: Vec<Expr>) -> Result<Expr> {
        match self.functions.scalar(name) {
            Some(func) => Ok(Expr::ScalarFunction(ScalarFunction { func: ember_plan::function::specialize_for_args(func, &mut args)?, args })),
            None => Err(self.unknown_function(name)),
        }
    }

    fn unknown_function(&self, name: &str) -> Error {
        let mut names = self.functions.names();
        names.extend(GENERATORS.iter().map(|g| g.0.to_string()));
        names.push("stack".to_string());
        names.extend(ember_plan::expr::HigherOrderKind::ALL.iter().map(|k| k.name().to_string()));
        names.extend(ember_plan::BuiltinWindowFunction::ALL.iter().map(|w| w.name().to_string()));
        let suggestions = suggest::closest(name, names.iter().map(|s| s.as_str()), 5);
        Error::new(ErrorKind::UnresolvedRoutine { name: name.to_string(), suggestions })
    }
}

/// The operating-system user running the session, as Spark's `current_user()` (the JVM's
/// `user.name`).
fn current_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".to_string())
}
