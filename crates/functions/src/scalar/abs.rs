//! `abs(x)`: absolute value of a number or an ANSI interval (of the same type); under
//! ANSI the minimum value overflows, otherwise it stays negative (Java's `Math.abs`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray, PrimitiveArray};
use arrow::datatypes::*;
use ember_common::{Error, ErrorKind, Result};
use ember_common::interval_type::IntervalType;
use ember_plan::coercion::{is_numeric, is_string};
use ember_plan::interval::{interval_array, interval_values, is_interval};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{check_arity, eval_arrays, unexpected_type};

#[derive(Debug)]
pub struct Abs;

fn int_abs<T>(a: &ArrayRef, ansi: bool, type_name: &str) -> Result<ArrayRef>
where
    T: ArrowPrimitiveType,
    T::Native: arrow::datatypes::ArrowNativeTypeOp,
{
    let a = a.as_primitive::<T>();
    let zero = T::Native::ZERO;
    let out: PrimitiveArray<T> = if ansi {
        a.try_unary(|v| {
            if v >= zero {
                Ok(v)
            } else {
                v.neg_checked().map_err(|_| overflow(type_name))
            }
        })?
    } else {
        a.unary(|v| if v >= zero { v } else { v.neg_wrapping() })
    };
    Ok(Arc::new(out.with_data_type(a.data_type().clone())))
}

fn overflow(type_name: &str) -> Error {
    Error::new(ErrorKind::ArithmeticOverflow { op: "abs".into(), message: format!("{type_name} overflow") })
}

/// |interval|, in the interval's own storage.
fn interval_abs(x: &ArrayRef, ansi: bool) -> Result<ArrayRef> {
    let t = IntervalType::default_for(x.data_type()).ok_or_else(|| Error::internal("abs of a non-interval"))?;
    let min = if t.is_year_month() { i32::MIN as i64 } else { i64::MIN };
    let values = interval_values(x.as_ref()).ok_or_else(|| Error::internal("abs of a non-interval"))?;
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        out.push(match v {
            Some(v) if v == min && ansi => return Err(overflow("interval")),
            Some(v) if v == min => Some(v),
            v => v.map(i64::abs),
        });
    }
    interval_array(out, t)
}

impl ScalarFunctionImpl for Abs {
    fn name(&self) -> &str {
        "abs"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("abs", t.len(), 1, 1)?;
        match &t[0] {
            d if is_numeric(d) => Ok(vec![d.clone()]),
            d if is_string(d) || d == &DataType::Null => Ok(vec![DataType::Float64]),
            d if is_interval(d) => Ok(vec![d.clone()]),
            d => Err(unexpected_type("abs", 1, "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")", d)),
        }
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity("abs", t.len(), 1, 1)?;
        Ok(t[0].clone())
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity("abs", args.len(), 1, 1)?;
        eval_arrays(args, num_rows, |a, _| {
            let x = &a[0];
            match x.data_type() {
                DataType::Int8 => int_abs::<Int8Type>(x, ctx.ansi, "tinyint"),
                DataType::Int16 => int_abs::<Int16Type>(x, ctx.ansi, "smallint"),
                DataType::Int32 => int_abs::<Int32Type>(x, ctx.ansi, "integer"),
                DataType::Int64 => int_abs::<Int64Type>(x, ctx.ansi, "long"),
                // |decimal| keeps precision and cannot overflow
                DataType::Decimal128(_, _) => int_abs::<Decimal128Type>(x, false, "decimal"),
                DataType::Float32 => Ok(Arc::new(x.as_primitive::<Float32Type>().unary::<_, Float32Type>(f32::abs)) as ArrayRef),
                DataType::Float64 => Ok(Arc::new(x.as_primitive::<Float64Type>().unary::<_, Float64Type>(f64::abs)) as ArrayRef),
                DataType::Null => Ok(x.clone()),
                d if is_interval(d) => interval_abs(x, ctx.ansi),
                other => Err(unexpected_type("abs", 1, "\"NUMERIC\"", other)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, call_ctx, ints, render};
    use arrow::array::Decimal128Array;

    #[test]
    fn abs_values() {
        insta::assert_snapshot!(render(&call(&Abs, vec![ints(&[Some(-1), None, Some(2)])]).unwrap()), @"[1, NULL, 2]");
        let d: ArrayRef = Arc::new(Decimal128Array::from(vec![Some(-150)]).with_precision_and_scale(5, 2).unwrap());
        let out = call(&Abs, vec![d]).unwrap();
        assert_eq!(out.data_type(), &DataType::Decimal128(5, 2));
        insta::assert_snapshot!(render(&out), @"[1.50]");
    }

    #[test]
    fn intervals_keep_their_type() {
        let ym: ArrayRef = Arc::new(arrow::array::IntervalYearMonthArray::from(vec![Some(-14), None]));
        assert_eq!(Abs.coerce_types(&[ym.data_type().clone()]).unwrap(), vec![ym.data_type().clone()]);
        let out = call(&Abs, vec![ym.clone()]).unwrap();
        assert_eq!(out.data_type(), ym.data_type());
        assert_eq!(interval_values(out.as_ref()).unwrap(), vec![Some(14), None]);
        let min: ArrayRef = Arc::new(arrow::array::DurationMicrosecondArray::from(vec![i64::MIN]));
        assert_eq!(call(&Abs, vec![min]).unwrap_err().class(), "ARITHMETIC_OVERFLOW");
    }

    #[test]
    fn min_int_overflows_under_ansi() {
        let e = call(&Abs, vec![ints(&[Some(i32::MIN)])]).unwrap_err();
        assert_eq!(e.class(), "ARITHMETIC_OVERFLOW");
        let ctx = FunctionContext { ansi: false, ..Default::default() };
        let out = call_ctx(&Abs, vec![ints(&[Some(i32::MIN)])], &ctx).unwrap();
        insta::assert_snapshot!(render(&out), @"[-2147483648]");
    }
}
