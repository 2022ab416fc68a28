//! `CheckAnalysis`: validates an analyzed plan and reports user errors (never panics):
//! no `*` left, generators only in `Generate`, aggregates only in `Aggregate`,
//! boolean filter and join conditions, every expression typed, and (a check on
//! type coercion itself) every binary operator sees its signature's operand types.

use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result, Transformed, TreeNode, TreeNodeRecursion};
use ember_plan::{join_condition_not_boolean, unsupported_expr_for_operator, Expr, LogicalPlan, PlanSchema};

use crate::rule::{Rule, RuleContext};
use crate::utils::expr_schema;

/// Validates the analyzed plan; never changes it.
pub struct CheckAnalysis;

impl Rule for CheckAnalysis {
    fn name(&self) -> &'static str {
        "check_analysis"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        let mut result = Ok(());
        plan.apply(|node| match check_node(node) {
            Ok(()) => Ok(TreeNodeRecursion::Continue),
            Err(e) => {
                result = Err(e);
                Ok(TreeNodeRecursion::Stop)
            }
        })?;
        result.map(|()| Transformed::no(plan))
    }
}

fn check_node(node: &LogicalPlan) -> Result<()> {
    let Some(schema) = expr_schema(node) else { return Ok(()) };
    let context = match node {
        LogicalPlan::Filter(_) => "WHERE clause",
        LogicalPlan::Join(_) => "join condition",
        LogicalPlan::Sort(_) => "ORDER BY clause",
        LogicalPlan::Values(_) => "VALUES clause",
        _ => "SELECT list without GROUP BY",
    };
    for e in node.expressions() {
        if matches!(node, LogicalPlan::Aggregate(_)) && e.contains_window() {
            return Err(Error::legacy(
                "_LEGACY_ERROR_TEMP_1031",
                "It is not allowed to use a window function inside an aggregate function. Please use the inner window function in a sub-query.",
            ));
        }
        match (node, e.unalias()) {
            // A Window node's own window functions; their arguments are checked.
            (LogicalPlan::Window(_), Expr::WindowFunction(w)) => {
                for a in w.args.iter().chain(&w.partition_by).chain(w.order_by.iter().map(|o| &o.expr)) {
                    check_expr(a, &schema)?;
                }
                e.data_type(&schema)?;
            }
            _ => check_expr(e, &schema)?,
        }
        if !matches!(node, LogicalPlan::Aggregate(_)) && e.contains_aggregate() {
            return Err(Error::new(ErrorKind::InvalidAggregateUse { expr: e.to_string(), context: context.into() }));
        }
    }
    match node {
        LogicalPlan::Filter(f) => check_boolean(&f.predicate, &schema, "FILTER_NOT_BOOLEAN", "Filter expression"),
        LogicalPlan::Join(j) => match &j.condition {
            Some(c) => match c.data_type(&schema)? {
                DataType::Boolean => Ok(()),
                t => Err(join_condition_not_boolean(c, &t)),
            },
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

fn check_boolean(e: &Expr, schema: &PlanSchema, sub: &'static str, what: &str) -> Result<()> {
    let t = e.data_type(schema)?;
    if t == DataType::Boolean {
        return Ok(());
    }
    Err(Error::new(ErrorKind::DatatypeMismatch {
        sub,
        expr: format!("\"{e}\""),
        message: format!("{what} \"{e}\" of type \"{}\" is not a boolean.", catalog_string(&t).to_uppercase()),
    }))
}

fn check_expr(e: &Expr, schema: &PlanSchema) -> Result<()> {
    let mut result = Ok(());
    e.apply(|n| {
        let r = match n {
            Expr::Wildcard { .. } => Err(Error::new(ErrorKind::Other {
                class: "INVALID_USAGE_OF_STAR_OR_REGEX".into(),
                sqlstate: Some("42000".into()),
                message: format!("Invalid usage of '{n}' in expression \"{e}\"."),
            })),
            Expr::Generator(_) => Err(Error::new(ErrorKind::Other {
                class: "UNSUPPORTED_GENERATOR.OUTSIDE_SELECT".into(),
                sqlstate: Some("42K0E".into()),
                message: format!("The generator is not supported: outside the SELECT clause, found: \"{e}\"."),
            })),
            Expr::BinaryExpr(b) => check_binary(b, schema),
            Expr::WindowFunction(_) => Err(unsupported_expr_for_operator([e])),
            _ => Ok(()),
        };
        match r {
            Ok(()) => Ok(TreeNodeRecursion::Continue),
            Err(err) => {
                result = Err(err);
                Ok(TreeNodeRecursion::Stop)
            }
        }
    })?;
    result?;
    // Every expression must type against its input (reports mismatches to the user).
    e.data_type(schema).map(|_| ())
}

fn check_binary(b: &ember_plan::expr::BinaryExpr, schema: &PlanSchema) -> Result<()> {
    let name = format!("({} {} {})", b.left, b.op, b.right);
    let (lt, rt, sig) = b.signature(schema, &name)?;
    if sig.left != lt || sig.right != rt {
        return Err(Error::internal(format!(
            "type coercion left {name} with operand types {} and {} (expected {} and {})",
            catalog_string(&lt),
            catalog_string(&rt),
            catalog_string(&sig.left),
            catalog_string(&sig.right)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, Filter, LogicalPlanBuilder, Projection, ScalarValue};
    use std::sync::Arc;

    fn check(plan: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
        CheckAnalysis.apply(plan, &ctx())
    }

    #[test]
    fn accepts_a_coerced_plan() {
        let plan = LogicalPlanBuilder::from(scan_t()).filter(col("a").gt(lit(1))).unwrap().build();
        assert!(!check(plan).unwrap().transformed);
    }

    #[test]
    fn reports_uncoerced_operands_and_null_filters() {
        let plan = LogicalPlanBuilder::from(scan_u()).filter(col("x").gt(col("y"))).unwrap().build();
        let err = check(plan).unwrap_err();
        assert_eq!(err.class(), "INTERNAL_ERROR");
        let plan = LogicalPlan::Filter(Filter::try_new(lit(ScalarValue::Null), Arc::new(scan_t())).unwrap());
        assert_eq!(check(plan).unwrap_err().class(), "DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN");
    }

    #[test]
    fn reports_aggregates_outside_aggregate() {
        let plan = LogicalPlan::Projection(Projection::try_new(vec![count(col("a")).alias("n")], Arc::new(scan_t())).unwrap());
        assert_eq!(check(plan).unwrap_err().class(), "INVALID_AGGREGATE_FUNCTION_USAGE");
    }
}

#[cfg(test)]
mod generator_tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, Filter};
    use std::sync::Arc;

    #[test]
    fn reports_generators_outside_generate() {
        let plan = LogicalPlan::Filter(Filter::try_new(explode(col("flags")), Arc::new(scan_g())).unwrap());
        let err = CheckAnalysis.apply(plan, &ctx()).unwrap_err();
        assert_eq!(err.class(), "UNSUPPORTED_GENERATOR.OUTSIDE_SELECT");
    }
}
