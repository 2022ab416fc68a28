//! `LATERAL VIEW [OUTER] generator(args) name [AS c1, c2, …]`: each lateral view adds a
//! `Generate` over the FROM clause (in order, so later views see earlier ones' columns);
//! the generated columns are qualified by the view's name.

use ember_common::Result;
use ember_plan::{Expr, Generate, LogicalPlan, LogicalPlanBuilder};
use sqlparser::ast;

use crate::binder::Binder;
use crate::errors::{other, span_of, ResultExt};
use crate::expr::ExprScope;

impl Binder<'_> {
    /// Applies the lateral views of a SELECT to its FROM clause.
    pub(crate) fn bind_lateral_views(&self, mut input: LogicalPlanBuilder, views: &[ast::LateralView]) -> Result<LogicalPlanBuilder> {
        for v in views {
            let span = span_of(&v.lateral_view);
            let schema = input.schema().clone();
            let bound = self.bind_expr(&v.lateral_view, &ExprScope::new(&schema))?;
            let mut generator = match bound {
                Expr::Generator(g) => g,
                other_expr => {
                    let name = match &v.lateral_view {
                        ast::Expr::Function(f) => crate::relation::object_name(&f.name),
                        _ => other_expr.to_string(),
                    };
                    return Err(other(
                        "UNSUPPORTED_GENERATOR.NOT_GENERATOR",
                        "42K0E",
                        format!("The generator is not supported: `{name}` is expected to be a generator. However, its class is not a generator."),
                    ))
                    .at(span);
                }
            };
            generator.outer |= v.outer;
            let names: Vec<String> = v.lateral_col_alias.iter().map(|a| a.value.clone()).collect();
            let qualifier = crate::relation::object_name(&v.lateral_view_name);
            let qualifier = if qualifier.is_empty() { None } else { Some(qualifier) };
            let gen = Generate::try_new(input.plan().clone(), generator, names).at(span)?.with_qualifier(qualifier);
            input = LogicalPlanBuilder::from(LogicalPlan::Generate(gen));
        }
        Ok(input)
    }
}
