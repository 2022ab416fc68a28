//! `pmod(a, n)`: the positive remainder `((a % n) + n) % n`, typed like `a % n`
//! (decimals by Spark's remainder precision rule). A zero divisor is DIVIDE_BY_ZERO
//! under ANSI and NULL otherwise.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray, Decimal128Array, PrimitiveArray};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::*;
use ember_common::{Error, Result};
use ember_plan::coercion::binary_signature;
use ember_plan::{ColumnarValue, FunctionContext, Operator, ScalarFunctionImpl};

use super::utils::{check_arity, eval_arrays};

#[derive(Debug)]
pub struct Pmod;

fn signature(t: &[DataType]) -> Result<ember_plan::coercion::BinarySignature> {
    check_arity("pmod", t.len(), 2, 2)?;
    binary_signature(&t[0], Operator::Modulo, &t[1], "pmod")
}

/// Applies `f` row by row; a zero divisor is an error under ANSI, else NULL.
fn pmod_rows<T: ArrowPrimitiveType>(
    l: &PrimitiveArray<T>,
    r: &PrimitiveArray<T>,
    ansi: bool,
    is_zero: impl Fn(T::Native) -> bool,
    f: impl Fn(T::Native, T::Native) -> Option<T::Native>,
) -> Result<PrimitiveArray<T>> {
    let mut out = Vec::with_capacity(l.len());
    for i in 0..l.len() {
        if l.is_null(i) || r.is_null(i) {
            out.push(None);
            continue;
        }
        let (a, n) = (l.value(i), r.value(i));
        if is_zero(n) {
            if ansi {
                return Err(Error::remainder_by_zero());
            }
            out.push(None);
            continue;
        }
        out.push(f(a, n));
    }
    Ok(out.into_iter().collect())
}

macro_rules! int_pmod {
    ($l:expr, $r:expr, $ansi:expr, $t:ty) => {{
        let out = pmod_rows::<$t>(
            $l.as_primitive(),
            $r.as_primitive(),
            $ansi,
            |n| n == 0,
            |a, n| {
                let m = a.wrapping_rem(n);
                Some(if m < 0 { m.wrapping_add(n).wrapping_rem(n) } else { m })
            },
        )?;
        Arc::new(out) as ArrayRef
    }};
}

impl ScalarFunctionImpl for Pmod {
    fn name(&self) -> &str {
        "pmod"
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let sig = signature(t)?;
        Ok(vec![sig.left, sig.right])
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(signature(t)?.result)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let result = signature(&types)?.result;
        let ansi = ctx.ansi;
        eval_arrays(args, num_rows, |a, _| {
            let (l, r) = (&a[0], &a[1]);
            Ok(match (l.data_type(), &result) {
                (DataType::Int8, _) => int_pmod!(l, r, ansi, Int8Type),
                (DataType::Int16, _) => int_pmod!(l, r, ansi, Int16Type),
                (DataType::Int32, _) => int_pmod!(l, r, ansi, Int32Type),
                (DataType::Int64, _) => int_pmod!(l, r, ansi, Int64Type),
                (DataType::Float32, _) => {
                    let out = pmod_rows::<Float32Type>(
                        l.as_primitive(),
                        r.as_primitive(),
                        ansi,
                        |n| n == 0.0,
                        |a, n| {
                            let m = a % n;
                            Some(if m < 0.0 { (m + n) % n } else { m })
                        },
                    )?;
                    Arc::new(out) as ArrayRef
                }
                (DataType::Float64, _) => {
                    let out = pmod_rows::<Float64Type>(
                        l.as_primitive(),
                        r.as_primitive(),
                        ansi,
                        |n| n == 0.0,
                        |a, n| {
                            let m = a % n;
                            Some(if m < 0.0 { (m + n) % n } else { m })
                        },
                    )?;
                    Arc::new(out) as ArrayRef
                }
                (DataType::Decimal128(_, _), DataType::Decimal128(p, s)) => {
                    // both sides at the result scale; the remainder is below |n|
                    let at_scale = |x: &ArrayRef| -> Result<ArrayRef> {
                        Ok(cast_with_options(x, &DataType::Decimal128(38, *s), &CastOptions { safe: false, ..Default::default() })?)
                    };
                    let (la, ra) = (at_scale(l)?, at_scale(r)?);
                    let out = pmod_rows::<Decimal128Type>(
                        la.as_primitive(),
                        ra.as_primitive(),
                        ansi,
                        |n| n == 0,
                        |a, n| {
                            let m = a % n;
                            Some(if m < 0 { (m + n) % n } else { m })
                        },
                    )?;
                    let limit = 10i128.checked_pow(*p as u32).unwrap_or(i128::MAX);
                    let out: Decimal128Array = out.iter().map(|v| v.filter(|v| v.abs() < limit)).collect();
                    Arc::new(out.with_precision_and_scale(*p, *s)?) as ArrayRef
                }
                (DataType::Null, _) => arrow::array::new_null_array(&result, l.len()),
                (other, _) => return Err(Error::internal(format!("pmod of {other}"))),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, call_ctx, ints, render};

    #[test]
    fn positive_remainders() {
        let a = ints(&[Some(-7), Some(7), Some(-7), None]);
        let n = ints(&[Some(3), Some(3), Some(-3), Some(3)]);
        insta::assert_snapshot!(render(&call(&Pmod, vec![a, n]).unwrap()), @"[2, 1, -1, NULL]");
        let d: ArrayRef = Arc::new(Decimal128Array::from(vec![-75]).with_precision_and_scale(2, 1).unwrap());
        insta::assert_snapshot!(render(&call(&Pmod, vec![d, ints(&[Some(2)])]).unwrap()), @"[0.5]");
    }

    #[test]
    fn zero_divisor() {
        assert_eq!(call(&Pmod, vec![ints(&[Some(1)]), ints(&[Some(0)])]).unwrap_err().class(), "REMAINDER_BY_ZERO");
        let ctx = FunctionContext { ansi: false, ..Default::default() };
        insta::assert_snapshot!(render(&call_ctx(&Pmod, vec![ints(&[Some(1)]), ints(&[Some(0)])], &ctx).unwrap()), @"[NULL]");
    }
}
