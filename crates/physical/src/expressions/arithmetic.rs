//! Arithmetic of `BinaryExpr` with Spark semantics: checked integer overflow under
//! ANSI (wrapping otherwise), division by zero as an error under ANSI (NULL
//! otherwise), decimal results in the plan's precision, `div`, and date ± days.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, PrimitiveArray};
use arrow::compute::kernels::{cmp, numeric};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{i256, DataType, Date32Type, Decimal128Type, Int32Type, Int64Type};
use arrow::error::ArrowError;
use ember_common::types::sql_type_name;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{ColumnarValue, FunctionContext, Operator, ScalarValue};

use super::datum::{apply_binary, array_len, is_null_value, null_result};

fn op_name(op: Operator) -> &'static str {
    match op {
        Operator::Plus => "add",
        Operator::Minus => "subtract",
        Operator::Multiply => "multiply",
        Operator::Modulo => "remainder",
        _ => "divide",
    }
}

fn overflow(op: Operator, dt: &DataType) -> Error {
    let what = match dt {
        DataType::Int64 => "long overflow",
        DataType::Int32 => "integer overflow",
        DataType::Int16 => "short overflow",
        DataType::Int8 => "byte overflow",
        _ => "overflow",
    };
    let message = if op == Operator::IntDivide { "Overflow in integral divide".to_string() } else { what.to_string() };
    Error::new(ErrorKind::ArithmeticOverflow { op: op_name(op).into(), message })
}

fn decimal_out_of_range(dt: &DataType) -> Error {
    Error::new(ErrorKind::NumericValueOutOfRange {
        message: format!(
            "The result of the decimal operation cannot be represented as {}. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and return NULL instead.",
            sql_type_name(dt)
        ),
    })
}

/// Evaluates `l op r` where the operands already have the signature's types.
pub(crate) fn evaluate_arithmetic(
    op: Operator,
    l: ColumnarValue,
    r: ColumnarValue,
    result_type: &DataType,
    ctx: &FunctionContext,
) -> Result<ColumnarValue> {
    // A NULL scalar operand, or an operand of type void, makes every row NULL.
    if is_null_value(&l) || is_null_value(&r) {
        return null_result(&[&l, &r], result_type);
    }
    let (lt, rt) = (l.data_type(), r.data_type());
    if super::datetime_arith::is_datetime_arithmetic(&lt, &rt) {
        return super::datetime_arith::evaluate_datetime_arithmetic(op, &l, &r, result_type, ctx);
    }
    if lt == DataType::Date32 || rt == DataType::Date32 {
        return date_arithmetic(op, &l, &r, result_type, ctx);
    }
    let r = if matches!(op, Operator::Divide | Operator::IntDivide | Operator::Modulo) {
        match null_zero_divisors(op, &l, r, ctx)? {
            Some(r) => r,
            None => return null_result(&[&l], result_type),
        }
    } else {
        r
    };
    if matches!(lt, DataType::Decimal128(_, _)) {
        return decimal_arithmetic(op, &l, &r, result_type, ctx);
    }
    if op == Operator::IntDivide {
        return int_divide(&l, &r, ctx);
    }
    let ansi = ctx.ansi;
    let out = apply_binary(&l, &r, |a, b| {
        let res = match op {
            Operator::Plus if ansi => numeric::add(a, b),
            Operator::Plus => numeric::add_wrapping(a, b),
            Operator::Minus if ansi => numeric::sub(a, b),
            Operator::Minus => numeric::sub_wrapping(a, b),
            Operator::Multiply if ansi => numeric::mul(a, b),
            Operator::Multiply => numeric::mul_wrapping(a, b),
            Operator::Divide => numeric::div(a, b),
            Operator::Modulo => numeric::rem(a, b),
            other => return Err(Error::internal(format!("{other} is not arithmetic"))),
        };
        res.map_err(|e| match e {
            ArrowError::ArithmeticOverflow(_) => overflow(op, &lt),
            other => Error::from(other),
        })
    })?;
    cast_result(out, result_type, ctx)
}

/// Checks divisors for zero: an error under ANSI, otherwise those rows become NULL.
/// Returns `None` when the divisor is a zero scalar (every row is NULL).
fn null_zero_divisors(op: Operator, l: &ColumnarValue, r: ColumnarValue, ctx: &FunctionContext) -> Result<Option<ColumnarValue>> {
    let zero = ScalarValue::Int32(Some(0)).cast_to(&r.data_type())?;
    let zero = ColumnarValue::Scalar(zero);
    let mask = apply_binary(&r, &zero, |a, b| Ok(Arc::new(cmp::eq(a, b)?) as ArrayRef))?;
    // A NULL dividend gives NULL without looking at the divisor.
    let mask = match (mask, l) {
        (ColumnarValue::Array(m), ColumnarValue::Array(la)) if la.null_count() > 0 => {
            let not_null = arrow::compute::is_not_null(la.as_ref())?;
            ColumnarValue::Array(Arc::new(arrow::compute::and(m.as_boolean(), &not_null)?))
        }
        (m, ColumnarValue::Scalar(s)) if s.is_null() => {
            let n = array_len(&[&m]).unwrap_or(1);
            ColumnarValue::Array(Arc::new(BooleanArray::from(vec![false; n])))
        }
        (m, _) => m,
    };
    let any_zero = match &mask {
        ColumnarValue::Scalar(s) => s.as_bool() == Some(true),
        ColumnarValue::Array(a) => a.as_boolean().true_count() > 0,
    };
    if !any_zero {
        return Ok(Some(r));
    }
    if ctx.ansi {
        if op == Operator::Modulo {
            return Err(Error::spark("REMAINDER_BY_ZERO", &[("config", "\"spark.sql.ansi.enabled\"")]));
        }
        return Err(Error::new(ErrorKind::DivideByZero));
    }
    match (r, mask) {
        (ColumnarValue::Array(a), ColumnarValue::Array(m)) => Ok(Some(ColumnarValue::Array(arrow::compute::nullif(&a, m.as_boolean())?))),
        _ => Ok(None),
    }
}

/// Casts a kernel result to the plan's result type (decimal precision, overflow).
fn cast_result(v: ColumnarValue, result_type: &DataType, ctx: &FunctionContext) -> Result<ColumnarValue> {
    if &v.data_type() == result_type {
        return Ok(v);
    }
    let opts = CastOptions { safe: !ctx.ansi, ..Default::default() };
    super::datum::apply_unary(&v, |a| {
        cast_with_options(a, result_type, &opts).map_err(|e| match result_type {
            DataType::Decimal128(_, _) => decimal_out_of_range(result_type),
            _ => Error::from(e),
        })
    })
}

/// Decimal `+ - * %` computed exactly in 256 bits, then rounded to the result type.
fn decimal_arithmetic(op: Operator, l: &ColumnarValue, r: &ColumnarValue, result_type: &DataType, ctx: &FunctionContext) -> Result<ColumnarValue> {
    if matches!(op, Operator::Divide | Operator::IntDivide) {
        return decimal_divide(op, l, r, result_type, ctx);
    }
    if let Some(fast) = super::decimal_fast::try_decimal_i128(op, l, r, result_type)? {
        return Ok(fast);
    }
    let wide = |v: &ColumnarValue| -> Result<ColumnarValue> {
        match v.data_type() {
            DataType::Decimal128(p, s) => super::datum::apply_unary(v, |a| Ok(cast_with_options(a, &DataType::Decimal256(p.max(38), s), &CastOptions::default())?)),
            _ => Ok(v.clone()),
        }
    };
    let (wl, wr) = (wide(l)?, wide(r)?);
    let out = apply_binary(&wl, &wr, |a, b| {
        match op {
            Operator::Plus => numeric::add(a, b),
            Operator::Minus => numeric::sub(a, b),
            Operator::Multiply => numeric::mul(a, b),
            _ => numeric::rem(a, b),
        }
        .map_err(|_| decimal_out_of_range(result_type))
    })?;
    cast_result(out, result_type, ctx)
}

/// Decimal division with Spark's result scale, rounding half up (`/`), or truncating
/// to a bigint (`div`).
fn decimal_divide(op: Operator, l: &ColumnarValue, r: &ColumnarValue, result_type: &DataType, ctx: &FunctionContext) -> Result<ColumnarValue> {
    let (s1, s2) = match (l.data_type(), r.data_type()) {
        (DataType::Decimal128(_, s1), DataType::Decimal128(_, s2)) => (s1 as i32, s2 as i32),
        (a, b) => return Err(Error::internal(format!("decimal division of {a} and {b}"))),
    };
    let (out_p, out_s) = match result_type {
        DataType::Decimal128(p, s) => (*p, *s),
        _ => (38, 0),
    };
    let n = array_len(&[l, r]).unwrap_or(1);
    let la = l.clone().into_array(n)?;
    let ra = r.clone().into_array(n)?;
    let (la, ra) = (la.as_primitive::<Decimal128Type>(), ra.as_primitive::<Decimal128Type>());
    let shift = out_s as i32 - s1 + s2;
    let ten = i256::from_i128(10);
    let limit = ten.checked_pow(out_p as u32).unwrap_or(i256::MAX);
    let round = op == Operator::Divide;
    let mut values: Vec<Option<i128>> = Vec::with_capacity(n);
    for i in 0..n {
        if la.is_null(i) || ra.is_null(i) || ra.value(i) == 0 {
            values.push(None);
            continue;
        }
        let mut num = i256::from_i128(la.value(i));
        let mut den = i256::from_i128(ra.value(i));
        if shift >= 0 {
            num = num.checked_mul(ten.checked_pow(shift as u32).unwrap_or(i256::MAX)).unwrap_or(i256::MAX);
        } else {
            den = den.checked_mul(ten.checked_pow((-shift) as u32).unwrap_or(i256::MAX)).unwrap_or(i256::MAX);
        }
        let (mut q, rem) = num.checked_div_rem(den).unwrap_or((i256::MAX, i256::ZERO));
        if round && rem != i256::ZERO {
            let twice = rem.wrapping_abs().wrapping_mul(i256::from_i128(2));
            if twice >= den.wrapping_abs() {
                q = if num.is_negative() != den.is_negative() { q.wrapping_sub(i256::ONE) } else { q.wrapping_add(i256::ONE) };
            }
        }
        let fits = if round { q.wrapping_abs() < limit } else { q.to_i128().is_some_and(|v| i64::try_from(v).is_ok()) };
        if !fits {
            if ctx.ansi {
                return Err(if round { decimal_out_of_range(result_type) } else { overflow(op, &DataType::Int64) });
            }
            values.push(None);
            continue;
        }
        values.push(q.to_i128());
    }
    let out: ArrayRef = if round {
        Arc::new(Decimal128Array::from(values).with_precision_and_scale(out_p, out_s)?)
    } else {
        Arc::new(PrimitiveArray::<Int64Type>::from(values.into_iter().map(|v| v.map(|v| v as i64)).collect::<Vec<_>>()))
    };
    single_or_array(out, l, r)
}

fn single_or_array(out: ArrayRef, l: &ColumnarValue, r: &ColumnarValue) -> Result<ColumnarValue> {
    if array_len(&[l, r]).is_none() {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(out.as_ref(), 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}

/// `a div b` on bigints: truncating; `MIN div -1` overflows.
fn int_divide(l: &ColumnarValue, r: &ColumnarValue, ctx: &FunctionContext) -> Result<ColumnarValue> {
    let n = array_len(&[l, r]).unwrap_or(1);
    let cast64 = |v: &ColumnarValue| -> Result<ArrayRef> { Ok(cast_with_options(&v.clone().into_array(n)?, &DataType::Int64, &CastOptions::default())?) };
    let (la, ra) = (cast64(l)?, cast64(r)?);
    let ansi = ctx.ansi;
    let out: PrimitiveArray<Int64Type> = arrow::compute::try_binary(la.as_primitive::<Int64Type>(), ra.as_primitive::<Int64Type>(), |a: i64, b: i64| {
        if b == 0 {
            return Ok(0);
        }
        match a.checked_div(b) {
            Some(v) => Ok(v),
            None if ansi => Err(ArrowError::ArithmeticOverflow("Overflow in integral divide".into())),
            None => Ok(a.wrapping_div(b)),
        }
    })
    .map_err(|e| match e {
        ArrowError::ArithmeticOverflow(_) => overflow(Operator::IntDivide, &DataType::Int64),
        other => Error::from(other),
    })?;
    single_or_array(Arc::new(out), l, r)
}

/// `date ± days` and `date - date` (days between).
fn date_arithmetic(op: Operator, l: &ColumnarValue, r: &ColumnarValue, result_type: &DataType, ctx: &FunctionContext) -> Result<ColumnarValue> {
    let as_i32 = |v: &ColumnarValue| -> Result<ColumnarValue> {
        super::datum::apply_unary(v, |a| Ok(cast_with_options(a, &DataType::Int32, &CastOptions::default())?))
    };
    let (li, ri) = (as_i32(l)?, as_i32(r)?);
    let out = evaluate_arithmetic(op, li, ri, &DataType::Int32, ctx)?;
    if result_type == &DataType::Date32 {
        super::datum::apply_unary(&out, |a| {
            let days = a.as_primitive::<Int32Type>();
            Ok(Arc::new(days.reinterpret_cast::<Date32Type>()) as ArrayRef)
        })
    } else {
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Float64Array, Int32Array, Int64Array};

    fn arr(a: impl Array + 'static) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(a))
    }
    fn ansi(on: bool) -> FunctionContext {
        FunctionContext { ansi: on, ..Default::default() }
    }

    #[test]
    fn integer_overflow_errors_under_ansi_and_wraps_otherwise() {
        let l = arr(Int32Array::from(vec![i32::MAX]));
        let r = ColumnarValue::Scalar(ScalarValue::Int32(Some(1)));
        let e = evaluate_arithmetic(Operator::Plus, l.clone(), r.clone(), &DataType::Int32, &ansi(true)).unwrap_err();
        assert_eq!(e.class(), "ARITHMETIC_OVERFLOW");
        assert!(e.to_string().contains("integer overflow"), "{e}");
        let v = evaluate_arithmetic(Operator::Plus, l, r, &DataType::Int32, &ansi(false)).unwrap().into_array(1).unwrap();
        assert_eq!(v.as_primitive::<Int32Type>().value(0), i32::MIN);
    }

    #[test]
    fn division_by_zero() {
        let l = arr(Float64Array::from(vec![Some(1.0), None, Some(4.0)]));
        let r = arr(Float64Array::from(vec![Some(0.0), Some(0.0), Some(2.0)]));
        let e = evaluate_arithmetic(Operator::Divide, l.clone(), r.clone(), &DataType::Float64, &ansi(true)).unwrap_err();
        assert_eq!(e.class(), "DIVIDE_BY_ZERO");
        let v = evaluate_arithmetic(Operator::Divide, l, r, &DataType::Float64, &ansi(false)).unwrap().into_array(3).unwrap();
        assert_eq!(format!("{:?}", v.as_primitive::<arrow::datatypes::Float64Type>().iter().collect::<Vec<_>>()), "[None, None, Some(2.0)]");
        // NULL / 0 is NULL even under ANSI
        let l = arr(Float64Array::from(vec![None::<f64>]));
        let r = arr(Float64Array::from(vec![Some(0.0)]));
        assert!(evaluate_arithmetic(Operator::Divide, l, r, &DataType::Float64, &ansi(true)).is_ok());
    }

    #[test]
    fn integral_divide_truncates() {
        let l = arr(Int64Array::from(vec![7, -7, i64::MIN]));
        let r = arr(Int64Array::from(vec![2, 2, -1]));
        let e = evaluate_arithmetic(Operator::IntDivide, l.clone(), r.clone(), &DataType::Int64, &ansi(true)).unwrap_err();
        assert_eq!(e.class(), "ARITHMETIC_OVERFLOW");
        let v = evaluate_arithmetic(Operator::IntDivide, l, r, &DataType::Int64, &ansi(false)).unwrap().into_array(3).unwrap();
        assert_eq!(v.as_primitive::<Int64Type>().values().to_vec(), vec![3, -3, i64::MIN]);
    }

    #[test]
    fn decimal_results_use_plan_types() {
        let d = |v: i128, p, s| ColumnarValue::Scalar(ScalarValue::Decimal128(Some(v), p, s));
        // 1.00 / 3.00 as decimal(3,2)/decimal(3,2) → decimal(9,6) = 0.333333
        let out = evaluate_arithmetic(Operator::Divide, d(100, 3, 2), d(300, 3, 2), &DataType::Decimal128(9, 6), &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Decimal128(Some(333333), 9, 6))), "{out:?}");
        // 2.00 / 3.00 rounds half up → 0.666667
        let out = evaluate_arithmetic(Operator::Divide, d(200, 3, 2), d(300, 3, 2), &DataType::Decimal128(9, 6), &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Decimal128(Some(666667), 9, 6))), "{out:?}");
        // 1.5 * 1.5 = 2.25 as decimal(5,2)
        let out = evaluate_arithmetic(Operator::Multiply, d(15, 2, 1), d(15, 2, 1), &DataType::Decimal128(5, 2), &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Decimal128(Some(225), 5, 2))), "{out:?}");
        // 9.9 + 0.15 = 10.05 as decimal(4,2)
        let out = evaluate_arithmetic(Operator::Plus, d(99, 2, 1), d(15, 3, 2), &DataType::Decimal128(4, 2), &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Decimal128(Some(1005), 4, 2))), "{out:?}");
        // 7.5 % 2 = 1.5 as decimal(2,1); -7.5 % 2 = -1.5 (sign of the dividend)
        let out = evaluate_arithmetic(Operator::Modulo, d(75, 2, 1), d(2, 10, 0), &DataType::Decimal128(2, 1), &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Decimal128(Some(15), 2, 1))), "{out:?}");
        let out = evaluate_arithmetic(Operator::Modulo, d(-75, 2, 1), d(2, 10, 0), &DataType::Decimal128(2, 1), &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Decimal128(Some(-15), 2, 1))), "{out:?}");
        // 10 div 3.0 = 3 (bigint)
        let out = evaluate_arithmetic(Operator::IntDivide, d(10, 10, 0), d(30, 2, 1), &DataType::Int64, &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Int64(Some(3)))), "{out:?}");
        // overflow of the result precision
        let e = evaluate_arithmetic(Operator::Plus, d(99, 2, 0), d(99, 2, 0), &DataType::Decimal128(2, 0), &ansi(true)).unwrap_err();
        assert_eq!(e.class(), "NUMERIC_VALUE_OUT_OF_RANGE");
        let out = evaluate_arithmetic(Operator::Plus, d(99, 2, 0), d(99, 2, 0), &DataType::Decimal128(2, 0), &ansi(false)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Decimal128(None, 2, 0))), "{out:?}");
    }

    #[test]
    fn date_plus_days() {
        let l = ColumnarValue::Scalar(ScalarValue::Date32(Some(10)));
        let r = ColumnarValue::Scalar(ScalarValue::Int32(Some(5)));
        let out = evaluate_arithmetic(Operator::Plus, l.clone(), r, &DataType::Date32, &ansi(true)).unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Date32(Some(15)))), "{out:?}");
        // date - date is Spark's `interval day` (see datetime_arith.rs)
        let out = evaluate_arithmetic(Operator::Minus, l.clone(), l, &ember_plan::interval::DAY, &ansi(true)).unwrap();
        assert_eq!(out.data_type(), ember_plan::interval::DAY);
        assert_eq!(format!("{}", ScalarValue::try_from_array(out.into_array(1).unwrap().as_ref(), 0).unwrap()), "INTERVAL '0' DAY");
    }
}
