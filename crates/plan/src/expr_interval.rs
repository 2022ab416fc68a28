//! The Spark interval type of an interval-valued expression: the start and end fields
//! its Arrow type cannot hold (`interval hour` and `interval day to second` are both
//! `Duration`), derived as Spark derives them. Literals, casts and columns say theirs;
//! `+` and `-` of two intervals, `CASE` and functions such as `coalesce`, `sum` or `max`
//! widen their operands' (`INTERVAL '1' DAY + INTERVAL '2' HOUR` is an `interval day to
//! hour`); every other interval result (`interval * n`, `avg`, `date - date`) has the
//! default type of its Arrow type.

use ember_common::interval_type::IntervalType;
use ember_common::Result;

use crate::expr::Expr;
use crate::function::widest_interval;
use crate::operator::Operator;
use crate::scalar::ScalarValue;
use crate::schema::PlanSchema;
use crate::window::{BuiltinWindowFunction, WindowFunctionKind};

impl Expr {
    /// This expression's Spark interval type over rows of `schema`; `None` when its value
    /// is not an ANSI interval.
    pub fn interval_type(&self, schema: &PlanSchema) -> Result<Option<IntervalType>> {
        let dt = self.data_type(schema)?;
        let Some(default) = IntervalType::default_for(&dt) else { return Ok(None) };
        let derived = match self {
            Expr::Column(c) => IntervalType::of_field(&schema.field_of(c)?.field),
            Expr::Literal(ScalarValue::Interval(_, t)) => Some(*t),
            Expr::Alias(a) => a.expr.interval_type(schema)?,
            Expr::Negative(e) => operand_interval_type(e, schema)?,
            Expr::Cast(c) => c.target_interval_type(),
            Expr::BinaryExpr(b) if matches!(b.op, Operator::Plus | Operator::Minus) => {
                widest_interval(&[operand_interval_type(&b.left, schema)?, operand_interval_type(&b.right, schema)?])
            }
            Expr::Case(c) => widest_operand_interval(c.when_then.iter().map(|(_, t)| t).chain(c.else_expr.as_deref()), schema)?,
            Expr::ScalarFunction(f) => f.func.result_interval_type(&operand_interval_types(&f.args, schema)?),
            Expr::AggregateFunction(f) => f.func.result_interval_type(&operand_interval_types(&f.args, schema)?),
            Expr::WindowFunction(w) => {
                let args = operand_interval_types(&w.args, schema)?;
                match &w.func {
                    WindowFunctionKind::Aggregate(a) => a.result_interval_type(&args),
                    WindowFunctionKind::Builtin(
                        BuiltinWindowFunction::Lag
                        | BuiltinWindowFunction::Lead
                        | BuiltinWindowFunction::FirstValue
                        | BuiltinWindowFunction::LastValue
                        | BuiltinWindowFunction::NthValue,
                    ) => args.first().copied().flatten(),
                    WindowFunctionKind::Builtin(_) => None,
                }
            }
            Expr::ScalarSubquery(s) => s.plan.schema().fields().first().and_then(|f| IntervalType::of_field(&f.field)),
            _ => None,
        };
        Ok(Some(derived.filter(|t| t.arrow_type() == dt).unwrap_or(default)))
    }
}

/// The interval type an operand brings to its parent: through the casts coercion adds to
/// widen operands to one Arrow type (`interval day` to `Duration` in `INTERVAL '1' DAY +
/// INTERVAL '1' HOUR`, a NULL to an interval), so the parent's type is the same before
/// and after coercion.
fn operand_interval_type(e: &Expr, schema: &PlanSchema) -> Result<Option<IntervalType>> {
    match e {
        Expr::Cast(c) if c.interval_type.is_none() => operand_interval_type(&c.expr, schema),
        _ => e.interval_type(schema),
    }
}

/// The widest interval type of expressions meeting in one column (VALUES rows, `CASE`
/// branches), seen through the casts coercion adds; `None` when none is an interval.
pub fn widest_operand_interval<'a>(exprs: impl IntoIterator<Item = &'a Expr>, schema: &PlanSchema) -> Result<Option<IntervalType>> {
    let types = exprs.into_iter().map(|e| operand_interval_type(e, schema)).collect::<Result<Vec<_>>>()?;
    Ok(widest_interval(&types))
}

pub(crate) fn operand_interval_types(args: &[Expr], schema: &PlanSchema) -> Result<Vec<Option<IntervalType>>> {
    args.iter().map(|a| operand_interval_type(a, schema)).collect()
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{DataType, Field, TimeUnit};
    use ember_common::interval_type::IntervalField::*;

    use super::*;
    use crate::schema::PlanField;
    use crate::{col, lit};

    fn hour() -> IntervalType {
        IntervalType::new(Hour, Hour).unwrap()
    }

    fn schema() -> PlanSchema {
        let f = hour().annotate(Field::new("h", DataType::Duration(TimeUnit::Microsecond), true));
        PlanSchema::new(vec![PlanField::new(None, f)])
    }

    fn type_of(e: &Expr) -> String {
        e.interval_type(&schema()).unwrap().map(|t| t.catalog_string()).unwrap_or_default()
    }

    #[test]
    fn fields_come_from_columns_literals_and_widening() {
        let day = Expr::Literal(crate::interval::day_interval(1));
        assert_eq!(type_of(&col("h")), "interval hour");
        assert_eq!(type_of(&day), "interval day");
        assert_eq!(type_of(&Expr::binary(day.clone(), Operator::Plus, col("h"))), "interval day to hour");
        // the cast coercion adds does not change the sum's type
        let coerced = Expr::binary(day.clone().cast_to(crate::interval::DAY_TIME), Operator::Plus, col("h"));
        assert_eq!(type_of(&coerced), "interval day to hour");
        assert_eq!(type_of(&Expr::Negative(Box::new(col("h")))), "interval hour");
        // products and explicit default casts have the default type
        assert_eq!(type_of(&Expr::binary(col("h"), Operator::Multiply, lit(2))), "interval day to second");
        assert_eq!(type_of(&col("h").cast_to(crate::interval::DAY_TIME)), "interval day to second");
        assert_eq!(type_of(&lit(1)), "");
    }
}
