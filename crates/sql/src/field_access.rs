//! Binding of complex-type access and constructors: `s.f` / `t.s.f` (a dotted name whose
//! prefix is a struct column rather than a table qualifier), `a[i]` and `m[k]`
//! (`get_item`), `struct(a, b)` (fields named after columns, `col1`, … otherwise),
//! `from_json`'s DDL schema argument and the `json_tuple` generator.

use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::expr::{Generator, GeneratorKind};
use ember_plan::{lit, Expr, ScalarValue};
use sqlparser::ast::{self, AccessExpr, Subscript};

use crate::binder::Binder;
use crate::errors::{other, span_of, unsupported, ResultExt};
use crate::expr::ExprScope;
use crate::types::parse_schema_or_type_with_tz;

impl Binder<'_> {
    /// `a.b.c`: the longest table qualifier that resolves, then struct fields.
    pub(crate) fn bind_dotted_name(&self, ids: &[ast::Ident], scope: &ExprScope) -> Result<Expr> {
        let parts: Vec<&str> = ids.iter().map(|i| i.value.as_str()).collect();
        self.bind_name_parts(&parts, scope)
    }

    /// As Spark, every reading of the name in the query's own FROM comes before any in
    /// an enclosing query: in a subquery over `emp`, `dept.id` is a field of the column
    /// `emp.dept` even when the outer query reads a table `dept`.
    fn bind_name_parts(&self, parts: &[&str], scope: &ExprScope) -> Result<Expr> {
        let n = parts.len();
        if n == 0 {
            return Err(Error::internal("empty name"));
        }
        let mut first_err = None;
        for outer in [false, true] {
            for q in (0..n).rev() {
                let qualifier = if q == 0 { None } else { Some(parts[..q].join(".")) };
                match self.resolve_column_in(qualifier, parts[q], scope, outer) {
                    Ok(mut e) => {
                        for f in &parts[q + 1..] {
                            check_extract_base(&e, scope)?;
                            e = self.call_scalar("get_field", vec![e, lit(*f)])?;
                            e.data_type(scope.schema)?;
                        }
                        return Ok(e);
                    }
                    Err(err) => {
                        if matches!(err.kind(), ErrorKind::AmbiguousReference { .. }) {
                            return Err(err);
                        }
                        first_err.get_or_insert(err);
                    }
                }
            }
        }
        Err(first_err.unwrap_or_else(|| Error::internal("unresolved name")))
    }

    /// `root.f[i]['k'].g`: leading dotted names resolve like [`Self::bind_dotted_name`].
    pub(crate) fn bind_field_access(&self, root: &ast::Expr, chain: &[AccessExpr], scope: &ExprScope) -> Result<Expr> {
        let mut names: Vec<&str> = match root {
            ast::Expr::Identifier(id) => vec![id.value.as_str()],
            ast::Expr::CompoundIdentifier(ids) => ids.iter().map(|i| i.value.as_str()).collect(),
            _ => vec![],
        };
        let mut rest = chain;
        if !names.is_empty() {
            while let Some((AccessExpr::Dot(ast::Expr::Identifier(id)), tail)) = rest.split_first() {
                names.push(id.value.as_str());
                rest = tail;
            }
        }
        let mut e = if names.is_empty() { self.bind_expr(root, scope)? } else { self.bind_name_parts(&names, scope).at(span_of(root))? };
        for access in rest {
            check_extract_base(&e, scope)?;
            e = match access {
                AccessExpr::Dot(ast::Expr::Identifier(id)) => self.call_scalar("get_field", vec![e, lit(id.value.clone())])?,
                AccessExpr::Subscript(Subscript::Index { index }) => {
                    let i = self.bind_expr(index, scope)?;
                    self.call_scalar("get_item", vec![e, i]).at(span_of(index))?
                }
                AccessExpr::Subscript(Subscript::Slice { .. }) => return Err(unsupported("array slices `a[i:j]`")),
                AccessExpr::Dot(other) => return Err(unsupported(format!("the field access .{other}"))),
            };
            e.data_type(scope.schema)?;
        }
        Ok(e)
    }

    /// `s.*` where `s` (possibly qualified, `t.s`) is a struct column: its fields, each
    /// named after the field; `None` if `name` is not a struct.
    pub(crate) fn expand_struct_star(&self, name: &str, scope: &ExprScope) -> Option<Vec<Expr>> {
        let parts: Vec<&str> = name.split('.').collect();
        let base = self.bind_name_parts(&parts, scope).ok()?;
        let DataType::Struct(fields) = base.data_type(scope.schema).ok()? else { return None };
        fields
            .iter()
            .map(|f| self.call_scalar("get_field", vec![base.clone(), lit(f.name().clone())]).ok().map(|e| e.alias(f.name().clone())))
            .collect()
    }

    /// `struct(a, b AS c, 1)` → fields `a`, `c`, `col3`.
    pub(crate) fn bind_struct_literal(&self, values: &[ast::Expr], fields: &[ast::StructField], scope: &ExprScope) -> Result<Expr> {
        if !fields.is_empty() {
            return Err(unsupported("STRUCT<…>(…) with field types"));
        }
        if values.is_empty() {
            return Err(Error::new(ErrorKind::WrongNumArgs { name: "struct".into(), expected: "> 0".into(), found: 0 }));
        }
        let mut args = Vec::with_capacity(values.len() * 2);
        for (i, v) in values.iter().enumerate() {
            let (name, bound) = match v {
                ast::Expr::Named { expr, name } => (name.value.clone(), self.bind_expr(expr, scope)?),
                ast::Expr::Identifier(id) => (id.value.clone(), self.bind_expr(v, scope)?),
                ast::Expr::CompoundIdentifier(ids) => (ids.last().map(|l| l.value.clone()).unwrap_or_default(), self.bind_expr(v, scope)?),
                _ => (format!("col{}", i + 1), self.bind_expr(v, scope)?),
            };
            args.push(lit(name));
            args.push(bound);
        }
        self.call_scalar("struct", args)
    }

    /// `arrays_zip(a, s.b, x + 1)`: each array preceded by its field name (`a`, `b`, `2`).
    pub(crate) fn arrays_zip_args(&self, args: Vec<Expr>) -> Vec<Expr> {
        let mut out = Vec::with_capacity(args.len() * 2);
        for (i, a) in args.into_iter().enumerate() {
            out.push(lit(zip_field_name(&a, i)));
            out.push(a);
        }
        out
    }

    /// `from_json(json, 'a INT, b STRING')`: the schema string becomes a NULL of its type.
    pub(crate) fn prepare_from_json(&self, args: &mut [Expr]) -> Result<()> {
        if args.len() != 2 {
            return Err(Error::new(ErrorKind::WrongNumArgs { name: "from_json".into(), expected: "2".into(), found: args.len() }));
        }
        self.prepare_schema_arg(args)
    }

    /// `from_csv(csv, 'a INT, b STRING'[, options])`: as `from_json`, options aside.
    pub(crate) fn prepare_from_csv(&self, args: &mut [Expr]) -> Result<()> {
        if !(2..=3).contains(&args.len()) {
            return Err(Error::new(ErrorKind::WrongNumArgs { name: "from_csv".into(), expected: "[2, 3]".into(), found: args.len() }));
        }
        self.prepare_schema_arg(args)
    }

    /// The schema string in argument 2 becomes a NULL of its type.
    fn prepare_schema_arg(&self, args: &mut [Expr]) -> Result<()> {
        let text = match &args[1] {
            Expr::Literal(ScalarValue::Utf8(Some(s))) => s.clone(),
            other => {
                return Err(other_error(format!("The schema should be a string literal, but got {other}.")));
            }
        };
        let tz = self.time_zone();
        let dt = parse_schema_or_type_with_tz(&text, &tz)?;
        args[1] = Expr::Literal(ScalarValue::null_of(&dt)?);
        Ok(())
    }

    /// `json_tuple(json, k1, …)`: a generator of one row with columns `c0`, `c1`, ….
    pub(crate) fn json_tuple_generator(&self, args: Vec<Expr>) -> Result<Expr> {
        let call = self.call_scalar("json_tuple", args)?;
        Ok(Expr::Generator(Generator { kind: GeneratorKind::Inline, outer: false, arg: Box::new(call) }))
    }
}

/// INVALID_EXTRACT_BASE_FIELD_TYPE unless `e` is a struct, array or map.
fn check_extract_base(e: &Expr, scope: &ExprScope) -> Result<()> {
    let t = e.data_type(scope.schema)?;
    if matches!(t, DataType::Struct(_) | DataType::List(_) | DataType::LargeList(_) | DataType::Map(_, _) | DataType::Null) {
        return Ok(());
    }
    Err(other(
        "INVALID_EXTRACT_BASE_FIELD_TYPE",
        "42000",
        format!(
            "Can't extract a value from \"{e}\". Need a complex type [STRUCT, ARRAY, MAP] but got \"{}\".",
            catalog_string(&t).to_uppercase()
        ),
    ))
}

/// The field Spark names an `arrays_zip` argument by: its column or field name, else its position.
fn zip_field_name(e: &Expr, i: usize) -> String {
    match e {
        Expr::Column(c) => c.name.clone(),
        Expr::Alias(a) => a.name.clone(),
        Expr::ScalarFunction(f) if f.func.name() == "get_field" => match f.args.get(1) {
            Some(Expr::Literal(ScalarValue::Utf8(Some(n)))) => n.clone(),
            _ => i.to_string(),
        },
        _ => i.to_string(),
    }
}

fn other_error(message: String) -> Error {
    other("INVALID_SCHEMA.NON_STRING_LITERAL", "42K07", message)
}

/// The name Spark gives a select item written as a (dotted) name: `s.f` reaching into a
/// struct is named `f`, and a column matched in another case keeps the case written.
pub(crate) fn name_dotted_item(ast: &ast::Expr, bound: Expr) -> Expr {
    let written = match ast {
        ast::Expr::Identifier(id) => Some(id),
        ast::Expr::CompoundIdentifier(ids) => ids.last(),
        _ => None,
    };
    match (ast, &bound, written) {
        (ast::Expr::CompoundIdentifier(_), Expr::ScalarFunction(f), Some(last)) if f.func.name() == "get_field" => bound.alias(last.value.clone()),
        // a column matched in another case is named as the query writes it (`SELECT ID`)
        (_, Expr::Column(c), Some(w)) if c.name != w.value && c.name.eq_ignore_ascii_case(&w.value) => bound.alias(w.value.clone()),
        _ => bound,
    }
}
