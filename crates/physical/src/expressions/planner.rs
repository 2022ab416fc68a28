//! `create_physical_expr`: binds a logical `Expr` to an input schema. Columns become
//! indices; operands whose type differs from what the operator expects are cast (the
//! analyzer normally inserted those casts already, so this is a safety net).

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::{Error, Result};
use ember_plan::coercion::{common_type_of, comparison_type};
use ember_plan::expr::Case;
use ember_plan::{Expr, Operator, PlanSchema};

use super::{
    BinaryExpr, CaseExpr, CastExpr, ColumnExpr, InListExpr, IsNotNullExpr, IsNullExpr, LikeExpr, LiteralExpr, NegativeExpr, NotExpr,
    PendingSubqueryExpr, PhysicalExprRef, ScalarFunctionExpr,
};

/// Binds `expr` to `input_schema`.
pub fn create_physical_expr(expr: &Expr, input_schema: &PlanSchema) -> Result<PhysicalExprRef> {
    let bind = |e: &Expr| create_physical_expr(e, input_schema);
    Ok(match expr {
        Expr::Column(c) => {
            let index = input_schema.index_of(c)?;
            Arc::new(ColumnExpr::new(input_schema.field(index).name(), index))
        }
        Expr::Literal(v) => Arc::new(LiteralExpr(v.clone())),
        Expr::Alias(a) => bind(&a.expr)?,
        Expr::BinaryExpr(b) => {
            let (_, _, sig) = b.signature(input_schema, &expr.to_string())?;
            let (lt, rt) = (b.left.data_type(input_schema)?, b.right.data_type(input_schema)?);
            let left = cast_if_needed(bind(&b.left)?, &lt, &sig.left);
            let right = cast_if_needed(bind(&b.right)?, &rt, &sig.right);
            Arc::new(BinaryExpr::new(left, b.op, right, sig.result))
        }
        Expr::Not(e) => {
            let t = e.data_type(input_schema)?;
            Arc::new(NotExpr::new(cast_if_needed(bind(e)?, &t, &DataType::Boolean)))
        }
        Expr::Negative(e) => {
            let t = e.data_type(input_schema)?;
            let target = expr.data_type(input_schema)?;
            Arc::new(NegativeExpr::new(cast_if_needed(bind(e)?, &t, &target)))
        }
        Expr::IsNull(e) => Arc::new(IsNullExpr::new(bind(e)?)),
        Expr::IsNotNull(e) => Arc::new(IsNotNullExpr::new(bind(e)?)),
        Expr::Cast(c) => {
            let t = c.expr.data_type(input_schema)?;
            let (from, to) = (c.expr.interval_type(input_schema)?, expr.interval_type(input_schema)?);
            if t == c.data_type && from == to {
                bind(&c.expr)?
            } else {
                Arc::new(CastExpr::new(bind(&c.expr)?, c.data_type.clone(), c.try_cast).with_interval_types(from, to))
            }
        }
        Expr::Case(c) => case_expr(expr, c, input_schema)?,
        Expr::InList(i) => {
            let mut types = vec![i.expr.data_type(input_schema)?];
            for e in &i.list {
                types.push(e.data_type(input_schema)?);
            }
            let common = types
                .iter()
                .skip(1)
                .try_fold(types[0].clone(), |acc, t| comparison_type(&acc, t))
                .or_else(|| common_type_of(&types))
                .ok_or_else(|| Error::internal(format!("no common type for {expr}")))?;
            let value = cast_if_needed(bind(&i.expr)?, &types[0], &common);
            let list = i
                .list
                .iter()
                .zip(types.iter().skip(1))
                .map(|(e, t)| Ok(cast_if_needed(bind(e)?, t, &common)))
                .collect::<Result<Vec<_>>>()?;
            Arc::new(InListExpr::new(value, list, i.negated))
        }
        Expr::Like(l) => Arc::new(LikeExpr::new(l.negated, l.case_insensitive, bind(&l.expr)?, bind(&l.pattern)?, l.escape_char)),
        Expr::ScalarFunction(f) => {
            let types = f.args.iter().map(|a| a.data_type(input_schema)).collect::<Result<Vec<_>>>()?;
            let coerced = f.func.coerce_types(&types)?;
            let args = f
                .args
                .iter()
                .enumerate()
                .map(|(i, a)| Ok(cast_if_needed(bind(a)?, &types[i], coerced.get(i).unwrap_or(&types[i]))))
                .collect::<Result<Vec<_>>>()?;
            let return_type = f.func.return_type(&coerced)?;
            Arc::new(ScalarFunctionExpr::new(f.func.clone(), args, return_type))
        }
        // Uncorrelated scalar subqueries are run before the query and replaced by their
        // value; one left here is shown by EXPLAIN and never evaluated.
        Expr::ScalarSubquery(_) => Arc::new(PendingSubqueryExpr::new(expr.to_string(), expr.data_type(input_schema)?)),
        Expr::HigherOrderFunction(h) => Arc::new(super::higher_order::HigherOrderExpr::compile(h, input_schema)?),
        Expr::AggregateFunction(_)
        | Expr::WindowFunction(_)
        | Expr::Generator(_)
        | Expr::Wildcard { .. }
        | Expr::InSubquery(_)
        | Expr::Exists(_)
        | Expr::OuterReference(_)
        | Expr::Lambda(_)
        | Expr::LambdaVariable(_) => {
            return Err(Error::internal(format!("{expr} cannot be evaluated as a scalar expression")))
        }
    })
}

/// Wraps `e` in a cast when its type `from` is not `to`.
pub fn cast_if_needed(e: PhysicalExprRef, from: &DataType, to: &DataType) -> PhysicalExprRef {
    if from == to {
        e
    } else {
        Arc::new(CastExpr::new(e, to.clone(), false))
    }
}

/// `CASE [operand] WHEN … END` → searched form with branches cast to the result type.
fn case_expr(expr: &Expr, c: &Case, schema: &PlanSchema) -> Result<PhysicalExprRef> {
    let result_type = expr.data_type(schema)?;
    let mut when_then = Vec::with_capacity(c.when_then.len());
    for (w, t) in &c.when_then {
        let cond = match &c.operand {
            Some(op) => Expr::binary(op.as_ref().clone(), Operator::Eq, w.clone()),
            None => w.clone(),
        };
        let cond_type = cond.data_type(schema)?;
        let cond = cast_if_needed(create_physical_expr(&cond, schema)?, &cond_type, &DataType::Boolean);
        let then = cast_if_needed(create_physical_expr(t, schema)?, &t.data_type(schema)?, &result_type);
        when_then.push((cond, then));
    }
    let else_expr = match &c.else_expr {
        Some(e) => Some(cast_if_needed(create_physical_expr(e, schema)?, &e.data_type(schema)?, &result_type)),
        None => None,
    };
    Ok(Arc::new(CaseExpr::new(when_then, else_expr, result_type)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::TaskContext;
    use arrow::array::{ArrayRef, Int32Array, StringArray};
    use arrow::datatypes::Field;
    use arrow::record_batch::RecordBatch;
    use ember_plan::{col, lit, PlanField, ScalarValue};

    fn schema() -> PlanSchema {
        PlanSchema::new(vec![
            PlanField::new(Some("t".into()), Field::new("a", DataType::Int32, true)),
            PlanField::new(Some("t".into()), Field::new("s", DataType::Utf8, true)),
        ])
    }

    fn batch() -> RecordBatch {
        RecordBatch::try_from_iter(vec![
            ("a", Arc::new(Int32Array::from(vec![Some(1), None, Some(3)])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec![Some("2"), Some("x"), None])) as ArrayRef),
        ])
        .unwrap()
    }

    fn show(e: &Expr) -> String {
        let p = create_physical_expr(e, &schema()).unwrap();
        let mut ctx = TaskContext::default();
        ctx.functions.ansi = false;
        let out = p.evaluate(&batch(), &ctx).unwrap().into_array(3).unwrap();
        let vals = (0..3).map(|i| ScalarValue::try_from_array(out.as_ref(), i).unwrap().to_string()).collect::<Vec<_>>().join(",");
        format!("{p} => {vals}")
    }

    #[test]
    fn binds_and_coerces() {
        insta::assert_snapshot!(show(&Expr::binary(col("t.a"), Operator::Plus, lit(1i64)).alias("x")), @"(cast(a#0 as bigint) + 1) => 2,NULL,4");
        insta::assert_snapshot!(show(&col("a").eq(col("s"))), @"(a#0 = cast(s#1 as int)) => false,NULL,NULL");
        insta::assert_snapshot!(show(&Expr::binary(col("a"), Operator::Divide, lit(2))), @"(cast(a#0 as double) / cast(2 as double)) => 0.5,NULL,1.5");
        let case = Expr::Case(Case { operand: Some(Box::new(col("a"))), when_then: vec![(lit(1), lit("one"))], else_expr: Some(Box::new(lit("other"))) });
        insta::assert_snapshot!(show(&case), @"CASE WHEN (a#0 = 1) THEN one ELSE other END => one,other,other");
        let in_list = Expr::InList(ember_plan::expr::InList { expr: Box::new(col("a")), list: vec![lit(3i64), lit(5i64)], negated: false });
        insta::assert_snapshot!(show(&in_list), @"cast(a#0 as bigint) IN (3,5) => false,NULL,true");
    }

    #[test]
    fn errors_name_columns() {
        let e = create_physical_expr(&col("nope"), &schema()).unwrap_err();
        assert_eq!(e.class(), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    }
}
