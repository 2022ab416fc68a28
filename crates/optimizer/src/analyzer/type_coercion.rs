//! `TypeCoercion`: makes Spark's implicit casts explicit, so every operator sees
//! exactly the types `ember_plan::coercion` prescribes and the physical planner never
//! has to guess.
//!
//! ```text
//! before:  Filter (x = y)                  x: int, y: bigint
//! after:   Filter (CAST(x AS BIGINT) = y)
//!
//! before:  Union                           first input a: int, second b: bigint
//!          :- Project [a]
//!          +- Project [b]
//! after:   Union
//!          :- SubqueryAlias t
//!          :  +- Project [CAST(a AS BIGINT) AS a]
//!          :     +- Project [a]
//!          +- Project [b]
//! ```
//!
//! Output names and types never change: select lists and aggregates keep their
//! aliases, and a cast input of a `UNION` is wrapped in a projection that keeps the
//! column names (and, for the first input, its qualifier through a `SubqueryAlias`
//! when all its columns share one).

use std::sync::Arc;

use ember_common::{Error, Result, Transformed, TreeNode};
use ember_plan::{Expr, Filter, Join, LogicalPlan, Projection, SubqueryAlias, Union, Values};

use super::coerce_expr::{cast_if_needed, cast_to_field_if_needed, coerce_expr, needs_field_cast, null_to_boolean};
use crate::rule::{Rule, RuleContext};
use crate::utils::{column_at, keep_name};

/// Inserts explicit casts for implicit type coercion. See the module docs.
pub struct TypeCoercion;

impl Rule for TypeCoercion {
    fn name(&self) -> &'static str {
        "type_coercion"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        plan.transform_up(coerce_node)
    }
}

fn coerce_node(node: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    match node {
        LogicalPlan::Union(u) => coerce_union(u),
        LogicalPlan::Values(v) => coerce_values(v),
        LogicalPlan::TableScan(_) | LogicalPlan::EmptyRelation(_) => Ok(Transformed::no(node)),
        LogicalPlan::Filter(f) => {
            let schema = f.input.schema().clone();
            let t = coerce_expr(f.predicate, &schema)?;
            let (predicate, c) = null_to_boolean(t.data, &schema)?;
            if !(t.transformed || c) {
                return Ok(Transformed::no(LogicalPlan::Filter(Filter { predicate, input: f.input })));
            }
            Ok(Transformed::yes(LogicalPlan::Filter(Filter::try_new(predicate, f.input)?)))
        }
        LogicalPlan::Join(j) if j.condition.is_some() => {
            let schema = j.left.schema().join(j.right.schema());
            let cond = j.condition.clone().unwrap_or_else(|| Expr::Literal(true.into()));
            let t = coerce_expr(cond, &schema)?;
            let (cond, c) = null_to_boolean(t.data, &schema)?;
            if !(t.transformed || c) {
                return Ok(Transformed::no(LogicalPlan::Join(j)));
            }
            Ok(Transformed::yes(LogicalPlan::Join(Join::try_new(j.left, j.right, j.join_type, Some(cond))?)))
        }
        other => {
            let Some(schema) = other.inputs().first().map(|i| i.schema().clone()) else { return Ok(Transformed::no(other)) };
            let keeps_names = matches!(other, LogicalPlan::Projection(_) | LogicalPlan::Aggregate(_));
            let mut changed = false;
            let mut exprs = Vec::new();
            for e in other.expressions() {
                let t = coerce_expr(e.clone(), &schema)?;
                changed |= t.transformed;
                exprs.push(if keeps_names && t.transformed { keep_name(e, t.data) } else { t.data });
            }
            if !changed {
                return Ok(Transformed::no(other));
            }
            let inputs = other.inputs().into_iter().cloned().collect();
            Ok(Transformed::yes(other.with_new_exprs(exprs, inputs)?))
        }
    }
}

/// Casts each VALUES item to its column's type.
fn coerce_values(v: Values) -> Result<Transformed<LogicalPlan>> {
    let empty = ember_plan::PlanSchema::empty();
    let mut changed = false;
    let mut rows = Vec::with_capacity(v.rows.len());
    for row in &v.rows {
        let mut out = Vec::with_capacity(row.len());
        for (i, e) in row.iter().enumerate() {
            let e = coerce_expr(e.clone(), &empty)?;
            changed |= e.transformed;
            let t = e.data.data_type(&empty)?;
            let (e, c) = cast_if_needed(e.data, &t, v.schema.field(i).data_type());
            changed |= c;
            out.push(e);
        }
        rows.push(out);
    }
    if !changed {
        return Ok(Transformed::no(LogicalPlan::Values(v)));
    }
    let names = v.schema.fields().iter().map(|f| f.name().to_string()).collect();
    Ok(Transformed::yes(LogicalPlan::Values(Values::try_new(rows, Some(names))?)))
}

/// Wraps every input whose column types differ from the union's in a casting projection.
fn coerce_union(u: Union) -> Result<Transformed<LogicalPlan>> {
    let target = &u.schema;
    let mut changed = false;
    let mut inputs = Vec::with_capacity(u.inputs.len());
    for (n, input) in u.inputs.iter().enumerate() {
        let schema = input.schema();
        if schema.fields().iter().zip(target.fields()).all(|(f, t)| !needs_field_cast(&f.field, &t.field)) {
            inputs.push(input.clone());
            continue;
        }
        changed = true;
        let mut exprs = Vec::with_capacity(target.len());
        for (i, t) in target.fields().iter().enumerate() {
            let field = schema.field(i);
            let column = column_at(schema, i).ok_or_else(|| {
                Error::unsupported(format!(
                    "UNION of an input with duplicate column names that needs a cast (column {})",
                    field.qualified_name()
                ))
            })?;
            // to the union's type, interval fields included (`interval day` meeting
            // `interval hour` becomes `interval day to hour`)
            let (e, cast) = cast_to_field_if_needed(column, &field.field, &t.field);
            exprs.push(if cast { e.alias(field.name()) } else { e });
        }
        let projected = LogicalPlan::Projection(Projection::try_new(exprs, input.clone())?);
        // The first input names the union's columns, qualifiers included.
        let qualifiers: Vec<_> = schema.fields().iter().map(|f| f.qualifier.clone()).collect();
        let wrapped = match qualifiers.first() {
            Some(Some(q)) if n == 0 && qualifiers.iter().all(|x| x.as_deref() == Some(q.as_ref())) => {
                LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(Arc::new(projected), q.to_string())?)
            }
            _ => projected,
        };
        inputs.push(Arc::new(wrapped));
    }
    if !changed {
        return Ok(Transformed::no(LogicalPlan::Union(u)));
    }
    Ok(Transformed::yes(LogicalPlan::Union(Union::try_new(inputs)?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, JoinType, LogicalPlanBuilder, ScalarValue};

    #[test]
    fn casts_operands_and_keeps_names() {
        let plan = LogicalPlanBuilder::from(scan_u())
            .filter(col("x").eq(col("y")))
            .unwrap()
            .project(vec![col("x").gt(col("z")), col("x")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(TypeCoercion, plan), @r"
        Project [(x > CAST(z AS INT)) AS (x > z), x]
        +- Filter (CAST(x AS BIGINT) = y)
           +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn aggregates_and_join_conditions() {
        let plan = LogicalPlanBuilder::from(scan_t())
            .join(scan_u(), JoinType::Inner, Some(col("a").eq(col("y"))))
            .unwrap()
            .aggregate(vec![col("c")], vec![sum(col("a"))])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(TypeCoercion, plan), @r"
        Project [t.c, sum(a)]
        +- Aggregate [c], [sum(CAST(a AS BIGINT)) AS sum(a)]
           +- Join Inner, (CAST(a AS BIGINT) = y)
              :- Relation t[a,b,c] test
              +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn null_filter_becomes_boolean() {
        let plan = LogicalPlanBuilder::from(scan_t()).filter(lit(ScalarValue::Null)).unwrap().build();
        insta::assert_snapshot!(run(TypeCoercion, plan), @r"
        Filter CAST(NULL AS BOOLEAN)
        +- Relation t[a,b,c] test
        ");
    }

    #[test]
    fn union_inputs_are_cast_keeping_names_and_qualifier() {
        let left = LogicalPlanBuilder::from(scan_t()).project(vec![col("a"), col("c")]).unwrap().build();
        let right = LogicalPlanBuilder::from(scan_u()).project(vec![col("y"), col("x")]).unwrap().build();
        let plan = LogicalPlanBuilder::from(left)
            .union(right)
            .unwrap()
            .project(vec![col("t.a")])
            .unwrap()
            .build();
        insta::assert_snapshot!(run(TypeCoercion, plan), @r"
        Project [t.a]
        +- Union
           :- SubqueryAlias t
           :  +- Project [CAST(t.a AS BIGINT) AS a, CAST(t.c AS BIGINT) AS c]
           :     +- Project [a, c]
           :        +- Relation t[a,b,c] test
           +- Project [u.y, CAST(u.x AS BIGINT) AS x]
              +- Project [y, x]
                 +- Relation u[x,y,z] test
        ");
    }

    #[test]
    fn values_items_take_the_column_type() {
        let plan = LogicalPlanBuilder::values(vec![vec![lit(1)], vec![lit(2i64)], vec![lit(ScalarValue::Null)]], None).unwrap().build();
        let out = crate::test_util::ctx();
        let t = TypeCoercion.apply(plan, &out).unwrap();
        assert!(t.transformed);
        let LogicalPlan::Values(v) = t.data else { panic!() };
        assert_eq!(v.rows[0][0].to_string(), "CAST(1 AS BIGINT)");
        assert_eq!(v.rows[2][0].to_string(), "CAST(NULL AS BIGINT)");
        assert!(!TypeCoercion.apply(LogicalPlan::Values(v), &out).unwrap().transformed);
    }
}
