//! Generators beyond the one-argument kinds: `stack(n, v1, v2, …)`, bound as
//! `inline(array(named_struct('col0', …), …))` after Spark's checks, and generators used
//! as table-valued functions in FROM (`SELECT * FROM explode(array(1, 2))`), a `Generate`
//! over one row keeping only the generated columns.

use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::expr::{Generator, GeneratorKind};
use ember_plan::{lit, Expr, Generate, LogicalPlan, LogicalPlanBuilder, PlanSchema, ScalarValue};
use sqlparser::ast;

use crate::binder::Binder;
use crate::errors::ResultExt;
use crate::expr::ExprScope;

/// The most rows `stack` builds beyond its values.
const MAX_STACK_ROWS: usize = 1 << 20;

impl Binder<'_> {
    /// `stack(n, v1, …, vk)`: `n` rows of `ceil(k / n)` columns `col0, col1, …`, filled
    /// row by row, missing values NULL. Each column's values must have one type.
    pub(crate) fn bind_stack(&self, args: Vec<Expr>, scope: &ExprScope) -> Result<Expr> {
        if args.len() < 2 {
            return Err(Error::new(ErrorKind::WrongNumArgs { name: "stack".into(), expected: "> 1".into(), found: args.len() }));
        }
        let shown = format!("stack({})", args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "));
        let n = match &args[0] {
            Expr::Literal(v) => v.as_i64(),
            other => {
                return Err(Error::spark(
                    "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                    &[("sqlExpr", &format!("\"{shown}\"")), ("inputName", "`n`"), ("inputType", "\"INT\""), ("inputExpr", &format!("\"{other}\""))],
                ))
            }
        };
        let n = match n {
            Some(n) if n > 0 && n <= i32::MAX as i64 => n as usize,
            _ => {
                return Err(Error::new(ErrorKind::DatatypeMismatch {
                    sub: "VALUE_OUT_OF_RANGE",
                    expr: format!("\"{shown}\""),
                    message: format!("The `n` must be between (0, 2147483647] (current value = {}).", args[0]),
                }))
            }
        };
        let values = &args[1..];
        // the rows are built as expressions: refuse a count no query needs (Spark would
        // generate that many rows of NULLs)
        if n > MAX_STACK_ROWS && n > values.len() {
            return Err(Error::spark(
                "COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER",
                &[("numberOfElements", &n.to_string()), ("maxRoundedArrayLength", &MAX_STACK_ROWS.to_string()), ("functionName", "`stack`"), ("parameter", "`n`")],
            ));
        }
        let cols = values.len().div_ceil(n);
        let mut types = Vec::with_capacity(cols);
        for c in 0..cols {
            let mut t: Option<(usize, DataType)> = None;
            for (i, v) in values.iter().enumerate().skip(c).step_by(cols) {
                let vt = v.data_type(scope.schema)?;
                match &t {
                    _ if vt == DataType::Null => {}
                    None => t = Some((i + 1, vt)),
                    Some((first, ft)) if *ft != vt => {
                        let name = |t: &DataType| format!("\"{}\"", catalog_string(t).to_uppercase());
                        return Err(Error::new(ErrorKind::DatatypeMismatch {
                            sub: "STACK_COLUMN_DIFF_TYPES",
                            expr: format!("\"{shown}\""),
                            message: format!(
                                "The data type of the column ({c}) do not have the same type: {} ({first}) <> {} ({}).",
                                name(ft),
                                name(&vt),
                                i + 1
                            ),
                        }));
                    }
                    Some(_) => {}
                }
            }
            types.push(t.map(|(_, t)| t).unwrap_or(DataType::Null));
        }
        let mut rows = Vec::with_capacity(n);
        for r in 0..n {
            let mut fields = Vec::with_capacity(cols * 2);
            for (c, t) in types.iter().enumerate() {
                let v = values.get(r * cols + c).cloned().unwrap_or(Expr::Literal(ScalarValue::Null));
                let v = if v.data_type(scope.schema)? == *t { v } else { v.cast_to(t.clone()) };
                fields.push(lit(format!("col{c}")));
                fields.push(v);
            }
            rows.push(self.call_scalar("named_struct", fields)?);
        }
        let arg = self.call_scalar("array", rows)?;
        Ok(Expr::Generator(Generator { kind: GeneratorKind::Inline, outer: false, arg: Box::new(arg) }))
    }

    /// `FROM generator(args)`: the generated rows as a table, or `None` when `name` is not
    /// a generator.
    pub(crate) fn generator_table(&self, name: &ast::ObjectName, args: &[ast::FunctionArg]) -> Result<Option<LogicalPlan>> {
        let fname = crate::relation::object_name(name).to_ascii_lowercase();
        if !crate::function::is_generator_name(&fname) {
            return Ok(None);
        }
        let call = ast::Expr::Function(ast::Function {
            name: name.clone(),
            uses_odbc_syntax: false,
            parameters: ast::FunctionArguments::None,
            args: ast::FunctionArguments::List(ast::FunctionArgumentList { duplicate_treatment: None, args: args.to_vec(), clauses: vec![] }),
            filter: None,
            null_treatment: None,
            over: None,
            within_group: vec![],
        });
        let empty = PlanSchema::empty();
        let Expr::Generator(g) = self.bind_expr(&call, &ExprScope::new(&empty))? else {
            return Ok(None);
        };
        let one = LogicalPlanBuilder::one_row().build();
        let skip = one.schema().len();
        let gen = Generate::try_new(std::sync::Arc::new(one), g, vec![])?;
        let generated: Vec<Expr> = gen.schema.fields().iter().skip(skip).map(|f| Expr::Column(f.column())).collect();
        let plan = LogicalPlanBuilder::from(LogicalPlan::Generate(gen)).project(generated).at(crate::errors::span_of(name))?;
        Ok(Some(plan.build()))
    }
}
