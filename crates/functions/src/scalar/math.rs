//! Math functions on doubles with Spark's names and NULL rules: `sqrt`, `cbrt`, `exp`,
//! `ln`, `log` (1 and 2 arguments), `log10`, `log2`, `log1p`, `expm1`, `power`/`pow`,
//! `sign`/`signum`, `hypot`, `pi`, `e`. Arguments are cast to double; logarithms of
//! values at or below their asymptote are NULL, other domain errors give NaN.

use std::fmt;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use arrow::datatypes::{DataType, Float64Type};
use ember_common::Result;
use ember_plan::coercion::{is_numeric, is_string};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::utils::{check_arity, eval_arrays, unexpected_type};

/// Coerces parameter `param` of `name` to double (numbers, strings and NULL cast).
pub fn double_arg(name: &str, param: usize, dt: &DataType) -> Result<DataType> {
    if is_numeric(dt) || is_string(dt) || dt == &DataType::Null {
        Ok(DataType::Float64)
    } else {
        Err(unexpected_type(name, param, "\"DOUBLE\"", dt))
    }
}

/// A function of one double; `None` from `f` is NULL. Names are as Spark shows them in
/// column names (`SQRT(4)`, `ln(1)`); lookups are case-insensitive.
pub struct UnaryMath {
    name: &'static str,
    f: fn(f64) -> Option<f64>,
}

impl fmt::Debug for UnaryMath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

fn some(f: fn(f64) -> f64) -> impl Fn(f64) -> Option<f64> {
    move |x| Some(f(x))
}

/// Spark's `UnaryLogExpression`: NULL at or below the asymptote.
fn log_above(x: f64, asymptote: f64, f: fn(f64) -> f64) -> Option<f64> {
    if x <= asymptote {
        None
    } else {
        Some(f(x))
    }
}

/// Every one-argument double function of this file, by Spark name.
pub fn unary_functions() -> Vec<UnaryMath> {
    fn u(name: &'static str, f: fn(f64) -> Option<f64>) -> UnaryMath {
        UnaryMath { name, f }
    }
    vec![
        u("SQRT", |x| some(f64::sqrt)(x)),
        u("CBRT", |x| some(f64::cbrt)(x)),
        u("EXP", |x| some(f64::exp)(x)),
        u("EXPM1", |x| some(f64::exp_m1)(x)),
        u("ln", |x| log_above(x, 0.0, f64::ln)),
        u("LOG10", |x| log_above(x, 0.0, f64::log10)),
        // as Spark computes it (not `f64::log2`), so results agree to the last bit
        u("LOG2", |x| log_above(x, 0.0, |x| x.ln() / std::f64::consts::LN_2)),
        u("LOG1P", |x| log_above(x, -1.0, f64::ln_1p)),
        u("SIN", |x| some(f64::sin)(x)),
        u("COS", |x| some(f64::cos)(x)),
        u("TAN", |x| some(f64::tan)(x)),
        u("COT", |x| Some(1.0 / x.tan())),
        u("SEC", |x| Some(1.0 / x.cos())),
        u("CSC", |x| Some(1.0 / x.sin())),
        u("ASIN", |x| some(f64::asin)(x)),
        u("ACOS", |x| some(f64::acos)(x)),
        u("ATAN", |x| some(f64::atan)(x)),
        u("SINH", |x| some(f64::sinh)(x)),
        u("COSH", |x| some(f64::cosh)(x)),
        u("TANH", |x| some(f64::tanh)(x)),
        u("ASINH", |x| some(f64::asinh)(x)),
        u("ACOSH", |x| some(f64::acosh)(x)),
        u("ATANH", |x| some(f64::atanh)(x)),
        u("DEGREES", |x| some(f64::to_degrees)(x)),
        u("RADIANS", |x| some(f64::to_radians)(x)),
        u("rint", |x| some(f64::round_ties_even)(x)),
        // Java's Math.signum: NaN stays NaN, -0.0 stays -0.0
        u("SIGNUM", |x| Some(if x == 0.0 || x.is_nan() { x } else { x.signum() })),
    ]
}

fn as_doubles(a: &ArrayRef) -> Result<Float64Array> {
    match a.data_type() {
        DataType::Float64 => Ok(a.as_primitive::<Float64Type>().clone()),
        _ => Ok(arrow::compute::cast(a, &DataType::Float64)?.as_primitive::<Float64Type>().clone()),
    }
}

impl ScalarFunctionImpl for UnaryMath {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let name = self.name.to_ascii_lowercase();
        check_arity(&name, t.len(), 1, 1)?;
        Ok(vec![double_arg(&name, 1, &t[0])?])
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), 1, 1)?;
        eval_arrays(args, num_rows, |a, _| {
            let x = as_doubles(&a[0])?;
            let out: Float64Array = x.iter().map(|v| v.and_then(self.f)).collect();
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

/// A function of two doubles: `power`/`pow`, `atan2`, `hypot`, and `log` whose first
/// argument is the base (`log(x)` alone is `ln(x)`).
pub struct BinaryMath {
    name: &'static str,
    /// fewest arguments; with one argument `f` sees `(E, x)`
    min_args: usize,
    f: fn(f64, f64) -> Option<f64>,
}

impl fmt::Debug for BinaryMath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

/// Spark's `Logarithm`: NULL when the base or the value is not positive.
fn log_base(base: f64, x: f64) -> Option<f64> {
    if base <= 0.0 || x <= 0.0 {
        None
    } else {
        Some(x.ln() / base.ln())
    }
}

pub fn binary_functions() -> Vec<BinaryMath> {
    vec![
        BinaryMath { name: "POWER", min_args: 2, f: |a, b| Some(a.powf(b)) },
        BinaryMath { name: "ATAN2", min_args: 2, f: |y, x| Some(y.atan2(x)) },
        BinaryMath { name: "HYPOT", min_args: 2, f: |a, b| Some(a.hypot(b)) },
        BinaryMath { name: "LOG", min_args: 1, f: log_base },
    ]
}

impl ScalarFunctionImpl for BinaryMath {
    fn name(&self) -> &str {
        self.name
    }

    /// `log(x)` is Spark's `LOG(E(), x)`: the base it defaults to shows.
    fn display_call(&self, args: &[String]) -> Option<String> {
        (self.name == "LOG" && args.len() == 1).then(|| format!("LOG(E(), {})", args[0]))
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        let name = self.name.to_ascii_lowercase();
        check_arity(&name, t.len(), self.min_args, 2)?;
        t.iter().enumerate().map(|(i, d)| double_arg(&name, i + 1, d)).collect()
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), self.min_args, 2)?;
        eval_arrays(args, num_rows, |a, n| {
            if a.len() == 1 {
                let x = as_doubles(&a[0])?;
                let out: Float64Array = x.iter().map(|v| v.and_then(|v| (self.f)(std::f64::consts::E, v))).collect();
                return Ok(Arc::new(out) as ArrayRef);
            }
            let (l, r) = (as_doubles(&a[0])?, as_doubles(&a[1])?);
            let out: Float64Array =
                (0..n).map(|i| if l.is_null(i) || r.is_null(i) { None } else { (self.f)(l.value(i), r.value(i)) }).collect();
            Ok(Arc::new(out) as ArrayRef)
        })
    }
}

/// `pi()` and `e()`.
#[derive(Debug)]
pub struct MathConstant {
    name: &'static str,
    value: f64,
}

pub fn pi() -> MathConstant {
    MathConstant { name: "PI", value: std::f64::consts::PI }
}

pub fn e() -> MathConstant {
    MathConstant { name: "E", value: std::f64::consts::E }
}

impl ScalarFunctionImpl for MathConstant {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(&self.name.to_ascii_lowercase(), t.len(), 0, 0)?;
        Ok(vec![])
    }

    fn return_type(&self, _t: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn invoke(&self, args: &[ColumnarValue], _num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), 0, 0)?;
        Ok(ColumnarValue::Scalar(ScalarValue::Float64(Some(self.value))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render, strs};

    fn unary(name: &str) -> UnaryMath {
        unary_functions().into_iter().find(|f| f.name.eq_ignore_ascii_case(name)).unwrap()
    }

    fn binary(name: &str) -> BinaryMath {
        binary_functions().into_iter().find(|f| f.name.eq_ignore_ascii_case(name)).unwrap()
    }

    #[test]
    fn logs_below_asymptote_are_null() {
        let x = ints(&[Some(100), Some(0), Some(-1), None]);
        insta::assert_snapshot!(render(&call(&unary("log10"), vec![x.clone()]).unwrap()), @"[2.0, NULL, NULL, NULL]");
        insta::assert_snapshot!(render(&call(&unary("ln"), vec![x.clone()]).unwrap()), @"[4.605170185988092, NULL, NULL, NULL]");
        insta::assert_snapshot!(render(&call(&binary("log"), vec![ints(&[Some(2), Some(2), Some(0)]), ints(&[Some(8), Some(-8), Some(8)])]).unwrap()), @"[3.0, NULL, NULL]");
    }

    #[test]
    fn domain_errors_are_nan_and_strings_cast() {
        insta::assert_snapshot!(render(&call(&unary("sqrt"), vec![strs(&[Some("4"), Some("-4")])]).unwrap()), @"[2.0, NaN]");
        insta::assert_snapshot!(render(&call(&binary("power"), vec![ints(&[Some(2)]), ints(&[Some(10)])]).unwrap()), @"[1024.0]");
        let e = call(&unary("sqrt"), vec![Arc::new(arrow::array::BooleanArray::from(vec![true]))]).unwrap_err();
        assert_eq!(e.class(), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
    }

    #[test]
    fn signum_keeps_zero_and_nan() {
        let x: ArrayRef = Arc::new(Float64Array::from(vec![Some(-2.5), Some(0.0), Some(f64::NAN), None]));
        insta::assert_snapshot!(render(&call(&unary("signum"), vec![x]).unwrap()), @"[-1.0, 0.0, NaN, NULL]");
    }
}
