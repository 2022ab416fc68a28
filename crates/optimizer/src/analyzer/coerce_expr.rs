//! Expression-level type coercion: inserts the explicit casts `ember_plan::coercion`
//! prescribes, bottom-up, so every operator and function sees exactly the types it
//! was typed with. Result types do not change (typing already assumes these casts).

use arrow::datatypes::{DataType, Field};
use ember_common::interval_type::IntervalType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result, Transformed, TreeNode};
use ember_plan::coercion::{common_type_of, comparison_type, is_numeric, is_string};
use ember_plan::expr::{AggregateFunction, BinaryExpr, Case, InList, Like, ScalarFunction};
use ember_plan::{Expr, PlanSchema};

/// Coerces every subexpression of `expr`, typed against `schema`.
pub fn coerce_expr(expr: Expr, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    expr.transform_up(|e| coerce_node(e, schema))
}

/// `expr` cast to `to` unless it already has that type.
pub fn cast_if_needed(expr: Expr, from: &DataType, to: &DataType) -> (Expr, bool) {
    if from == to {
        (expr, false)
    } else {
        (expr.cast_to(to.clone()), true)
    }
}

/// Whether values of field `from` need a cast to be of field `to`'s type, its Spark
/// interval type included.
pub fn needs_field_cast(from: &Field, to: &Field) -> bool {
    from.data_type() != to.data_type() || IntervalType::of_field(from) != IntervalType::of_field(to)
}

/// `expr`, a column of field `from`, cast to the type of field `to`, its Spark interval
/// type included (`interval hour` to `interval hour to minute` is a cast though both are
/// `Duration`), unless they are the same; and whether a cast was added.
pub fn cast_to_field_if_needed(expr: Expr, from: &Field, to: &Field) -> (Expr, bool) {
    if !needs_field_cast(from, to) {
        return (expr, false);
    }
    match expr.cast_to(to.data_type().clone()) {
        Expr::Cast(mut c) => {
            c.interval_type = IntervalType::of_field(to);
            (Expr::Cast(c), true)
        }
        other => (other, true),
    }
}

/// Casts a NULL-typed boolean operand (`NOT NULL`, `WHERE NULL`) to boolean.
pub fn null_to_boolean(expr: Expr, schema: &PlanSchema) -> Result<(Expr, bool)> {
    let t = expr.data_type(schema)?;
    Ok(if t == DataType::Null { cast_if_needed(expr, &t, &DataType::Boolean) } else { (expr, false) })
}

fn coerce_node(e: Expr, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    match e {
        Expr::BinaryExpr(b) => {
            let name = format!("({} {} {})", b.left, b.op, b.right);
            let (_, _, sig) = b.signature(schema, &name)?;
            let (lt, rt) = (b.left.data_type(schema)?, b.right.data_type(schema)?);
            let (left, cl) = cast_if_needed(*b.left, &lt, &sig.left);
            let (right, cr) = cast_if_needed(*b.right, &rt, &sig.right);
            let out = Expr::BinaryExpr(BinaryExpr { left: Box::new(left), op: b.op, right: Box::new(right) });
            Ok(Transformed::new(out, cl || cr))
        }
        Expr::Not(inner) => {
            let (inner, c) = null_to_boolean(*inner, schema)?;
            Ok(Transformed::new(Expr::Not(Box::new(inner)), c))
        }
        Expr::Negative(inner) => {
            let t = inner.data_type(schema)?;
            let target = match &t {
                DataType::Null => DataType::Int32,
                t if is_numeric(t) => t.clone(),
                t if is_string(t) => DataType::Float64,
                _ => t.clone(),
            };
            let (inner, c) = cast_if_needed(*inner, &t, &target);
            Ok(Transformed::new(Expr::Negative(Box::new(inner)), c))
        }
        Expr::Case(c) => coerce_case(c, schema),
        Expr::InList(i) => coerce_in_list(i, schema),
        Expr::InSubquery(i) => coerce_in_subquery(i, schema),
        Expr::Like(l) => {
            let et = l.expr.data_type(schema)?;
            let pt = l.pattern.data_type(schema)?;
            let to_string = |e: Expr, t: &DataType| if is_string(t) { (e, false) } else { cast_if_needed(e, t, &DataType::Utf8) };
            let (expr, c1) = to_string(*l.expr, &et);
            let (pattern, c2) = to_string(*l.pattern, &pt);
            Ok(Transformed::new(Expr::Like(Like { expr: Box::new(expr), pattern: Box::new(pattern), ..l }), c1 || c2))
        }
        Expr::ScalarFunction(f) => {
            let types = arg_types(&f.args, schema)?;
            let targets = f.func.coerce_types(&types)?;
            let (args, changed) = cast_args(f.args, &types, &targets, f.func.name())?;
            Ok(Transformed::new(Expr::ScalarFunction(ScalarFunction { func: f.func, args }), changed))
        }
        Expr::AggregateFunction(f) => {
            let types = arg_types(&f.args, schema)?;
            let targets = f.func.coerce_types(&types)?;
            let (args, mut changed) = cast_args(f.args, &types, &targets, f.func.name())?;
            let filter = match f.filter {
                Some(flt) => {
                    let (flt, c) = null_to_boolean(*flt, schema)?;
                    changed |= c;
                    Some(Box::new(flt))
                }
                None => None,
            };
            let out = AggregateFunction { func: f.func, args, distinct: f.distinct, filter };
            Ok(Transformed::new(Expr::AggregateFunction(out), changed))
        }
        other => Ok(Transformed::no(other)),
    }
}

fn arg_types(args: &[Expr], schema: &PlanSchema) -> Result<Vec<DataType>> {
    args.iter().map(|a| a.data_type(schema)).collect()
}

fn cast_args(args: Vec<Expr>, types: &[DataType], targets: &[DataType], name: &str) -> Result<(Vec<Expr>, bool)> {
    if targets.len() != args.len() {
        return Err(Error::internal(format!(
            "function {name} coerced {} arguments to {} types",
            args.len(),
            targets.len()
        )));
    }
    let mut changed = false;
    let out = args
        .into_iter()
        .zip(types.iter().zip(targets))
        .map(|(a, (from, to))| {
            let (a, c) = cast_if_needed(a, from, to);
            changed |= c;
            a
        })
        .collect();
    Ok((out, changed))
}

fn data_diff_types(expr: &str, func: &str, types: &[DataType]) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "DATA_DIFF_TYPES",
        expr: format!("\"{expr}\""),
        message: format!(
            "Input to `{func}` should all be the same type, but it's [{}].",
            types.iter().map(|t| format!("\"{}\"", catalog_string(t).to_uppercase())).collect::<Vec<_>>().join(", ")
        ),
    })
}

fn comparison_type_of(types: &[DataType]) -> Option<DataType> {
    let mut it = types.iter();
    let first = it.next()?.clone();
    it.try_fold(first, |acc, t| comparison_type(&acc, t))
}

fn coerce_case(c: Case, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    let name = Expr::Case(c.clone()).to_string();
    let mut changed = false;
    // Results: every THEN and the ELSE to their common type.
    let mut result_types = Vec::new();
    for (_, t) in &c.when_then {
        result_types.push(t.data_type(schema)?);
    }
    if let Some(e) = &c.else_expr {
        result_types.push(e.data_type(schema)?);
    }
    let result = common_type_of(&result_types).ok_or_else(|| data_diff_types(&name, "casewhen", &result_types))?;
    // Conditions: the operand and the WHEN values to their comparison type (simple
    // form), or NULL conditions to boolean (searched form).
    let when_types = c.when_then.iter().map(|(w, _)| w.data_type(schema)).collect::<Result<Vec<_>>>()?;
    let (operand, when_target) = match c.operand {
        Some(op) => {
            let ot = op.data_type(schema)?;
            let mut all = vec![ot.clone()];
            all.extend(when_types.iter().cloned());
            let target = comparison_type_of(&all).ok_or_else(|| data_diff_types(&name, "casewhen", &all))?;
            let (op, co) = cast_if_needed(*op, &ot, &target);
            changed |= co;
            (Some(Box::new(op)), Some(target))
        }
        None => (None, None),
    };
    let mut when_then = Vec::with_capacity(c.when_then.len());
    for (((w, t), wt), tt) in c.when_then.into_iter().zip(&when_types).zip(&result_types) {
        let target = match &when_target {
            Some(target) => target.clone(),
            None if wt == &DataType::Null => DataType::Boolean,
            None => wt.clone(),
        };
        let (w, cw) = cast_if_needed(w, wt, &target);
        let (t, ct) = cast_if_needed(t, tt, &result);
        changed |= cw || ct;
        when_then.push((w, t));
    }
    let else_expr = match c.else_expr {
        Some(e) => {
            let et = result_types.last().cloned().unwrap_or(DataType::Null);
            let (e, ce) = cast_if_needed(*e, &et, &result);
            changed |= ce;
            Some(Box::new(e))
        }
        None => None,
    };
    Ok(Transformed::new(Expr::Case(Case { operand, when_then, else_expr }), changed))
}

/// `x IN (subquery)`: both sides to their comparison type; the subquery's column is
/// cast by a projection over its plan.
fn coerce_in_subquery(i: ember_plan::expr::InSubquery, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    let et = i.expr.data_type(schema)?;
    let sub_schema = i.subquery.plan.schema().clone();
    if sub_schema.len() != 1 {
        return Ok(Transformed::no(Expr::InSubquery(i)));
    }
    let st = sub_schema.field(0).data_type().clone();
    let Some(target) = ember_plan::coercion::comparison_type(&et, &st) else {
        return Err(data_diff_types(&Expr::InSubquery(i.clone()).to_string(), "in", &[et, st]));
    };
    let (expr, c1) = cast_if_needed(*i.expr, &et, &target);
    let mut subquery = i.subquery;
    let c2 = st != target;
    if c2 {
        let f = sub_schema.field(0);
        let cast = Expr::Column(f.column()).cast_to(target).alias(f.name().to_string());
        let plan = ember_plan::Projection::try_new(vec![cast], subquery.plan.clone())?;
        subquery = ember_plan::expr::Subquery { plan: std::sync::Arc::new(ember_plan::LogicalPlan::Projection(plan)) };
    }
    Ok(Transformed::new(Expr::InSubquery(ember_plan::expr::InSubquery { expr: Box::new(expr), subquery, negated: i.negated }), c1 || c2))
}

fn coerce_in_list(i: InList, schema: &PlanSchema) -> Result<Transformed<Expr>> {
    let et = i.expr.data_type(schema)?;
    let item_types = i.list.iter().map(|e| e.data_type(schema)).collect::<Result<Vec<_>>>()?;
    let mut all = vec![et.clone()];
    all.extend(item_types.iter().cloned());
    let target = comparison_type_of(&all).ok_or_else(|| data_diff_types(&Expr::InList(i.clone()).to_string(), "in", &all))?;
    let (expr, mut changed) = cast_if_needed(*i.expr, &et, &target);
    let list = i
        .list
        .into_iter()
        .zip(&item_types)
        .map(|(e, t)| {
            let (e, c) = cast_if_needed(e, t, &target);
            changed |= c;
            e
        })
        .collect();
    Ok(Transformed::new(Expr::InList(InList { expr: Box::new(expr), list, negated: i.negated }), changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use ember_plan::{col, lit, ScalarValue};

    fn coerce(e: Expr) -> String {
        let plan = scan_u();
        coerce_expr(e, plan.schema()).unwrap().data.to_string()
    }

    #[test]
    fn binary_operands_take_the_signature_types() {
        assert_eq!(coerce(col("x").eq(col("y"))), "(CAST(x AS BIGINT) = y)");
        assert_eq!(coerce(col("z").gt(lit(1))), "(CAST(z AS INT) > 1)");
        assert_eq!(coerce(lit(ScalarValue::Null).and(lit(true))), "(CAST(NULL AS BOOLEAN) AND true)");
        // already coerced: unchanged
        let plan = scan_u();
        let once = coerce_expr(col("x").eq(col("y")), plan.schema()).unwrap().data;
        assert!(!coerce_expr(once, plan.schema()).unwrap().transformed);
    }

    #[test]
    fn case_in_like_and_functions() {
        let case = Expr::Case(Case {
            operand: Some(Box::new(col("z"))),
            when_then: vec![(lit(1), col("x")), (lit(2), col("y"))],
            else_expr: Some(Box::new(lit(ScalarValue::Null))),
        });
        assert_eq!(coerce(case), "CASE WHEN (CAST(z AS INT) = 1) THEN CAST(x AS BIGINT) WHEN (CAST(z AS INT) = 2) THEN y ELSE CAST(NULL AS BIGINT) END");
        let inl = Expr::InList(InList { expr: Box::new(col("x")), list: vec![lit(1), col("y")], negated: false });
        assert_eq!(coerce(inl), "(CAST(x AS BIGINT) IN (CAST(1 AS BIGINT), y))");
        let like = Expr::Like(Like { negated: false, expr: Box::new(col("x")), pattern: Box::new(lit("1%")), escape_char: None, case_insensitive: false });
        assert_eq!(coerce(like), "CAST(x AS STRING) LIKE 1%");
        assert_eq!(coerce(upper(col("x"))), "upper(CAST(x AS STRING))");
        assert_eq!(coerce(sum(col("x"))), "sum(CAST(x AS BIGINT))");
        assert_eq!(coerce(Expr::Not(Box::new(lit(ScalarValue::Null)))), "(NOT CAST(NULL AS BOOLEAN))");
        assert_eq!(coerce(Expr::Negative(Box::new(col("z")))), "(- CAST(z AS DOUBLE))");
    }

    #[test]
    fn incompatible_case_branches_are_an_error() {
        let case = Expr::Case(Case { operand: None, when_then: vec![(lit(true), lit(1))], else_expr: Some(Box::new(lit(true))) });
        let plan = scan_u();
        let err = coerce_expr(case, plan.schema()).unwrap_err();
        assert!(err.class().starts_with("DATATYPE_MISMATCH"), "{err}");
    }
}
