//! `round` (HALF_UP), `bround` (HALF_EVEN), `floor` and `ceil`/`ceiling`, with Spark's
//! result types: integers and doubles keep their type under `round`, decimals get a
//! decimal sized for the rounded value, `floor`/`ceil` of a double is a bigint, and
//! `floor(x, d)`/`ceil(x, d)` round to a decimal. The scale must be a constant; the
//! binder hands it over through [`ScalarFunctionImpl::specialize`]. Doubles round
//! through their shortest decimal digits, as Spark's `BigDecimal(double)` does, so
//! `round(2.675D, 2)` is 2.68.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, Float32Array, Float64Array, PrimitiveArray};
use arrow::datatypes::*;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{decimal_for_integral, is_integral, is_numeric, is_string, MAX_PRECISION};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::utils::{check_arity, eval_arrays, int_arg, unexpected_type};

/// How a value between two candidates is rounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    HalfUp,
    HalfEven,
    Floor,
    Ceiling,
}

/// The scale argument as the binder saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scale {
    /// no scale argument (0), or one not seen as a literal yet
    Unknown,
    Fixed(i32),
    /// a NULL literal: every result is NULL
    Null,
}

#[derive(Debug)]
pub struct Round {
    name: &'static str,
    mode: Mode,
    scale: Scale,
}

pub fn round() -> Round {
    Round { name: "round", mode: Mode::HalfUp, scale: Scale::Unknown }
}
pub fn bround() -> Round {
    Round { name: "bround", mode: Mode::HalfEven, scale: Scale::Unknown }
}
pub fn floor() -> Round {
    Round { name: "FLOOR", mode: Mode::Floor, scale: Scale::Unknown }
}
pub fn ceil() -> Round {
    Round { name: "CEIL", mode: Mode::Ceiling, scale: Scale::Unknown }
}

/// The decimal type Spark casts doubles to (`DecimalType.forType(DoubleType)`).
const DOUBLE_AS_DECIMAL: (u8, i8) = (30, 15);

/// `v / 10^k` rounded by `mode`, for `k >= 0`.
fn div_pow10(v: i128, k: u32, mode: Mode) -> i128 {
    if k == 0 {
        return v;
    }
    if k > 38 {
        // |v| < 10^38: everything rounds to zero or one step away from it
        return match mode {
            Mode::Floor if v < 0 => -1,
            Mode::Ceiling if v > 0 => 1,
            _ => 0,
        };
    }
    let pow = 10i128.pow(k);
    let (q, r) = (v / pow, v % pow);
    if r == 0 {
        return q;
    }
    let away = if v < 0 { -1 } else { 1 };
    let half_cmp = r.abs().cmp(&(pow - r.abs()));
    let bump = match mode {
        Mode::HalfUp => half_cmp != std::cmp::Ordering::Less,
        Mode::HalfEven => half_cmp == std::cmp::Ordering::Greater || (half_cmp == std::cmp::Ordering::Equal && q % 2 != 0),
        Mode::Floor => v < 0,
        Mode::Ceiling => v > 0,
    };
    if bump {
        q + away
    } else {
        q
    }
}

/// `v` (an integer) rounded to `scale` digits; a non-negative scale changes nothing.
fn round_integer(v: i128, scale: i32, mode: Mode) -> i128 {
    if scale >= 0 {
        return v;
    }
    let k = (-scale) as u32;
    let q = div_pow10(v, k, mode);
    if k > 38 {
        return 0;
    }
    q.wrapping_mul(10i128.pow(k))
}

/// A double rounded to `scale` decimal places through its shortest decimal digits.
fn round_double(x: f64, scale: i32, mode: Mode) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let sci = format!("{x:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => return x,
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let Ok(mut unscaled) = digits.parse::<i128>() else { return x };
    if negative {
        unscaled = -unscaled;
    }
    // x = unscaled * 10^-frac
    let frac = digits.len() as i32 - 1 - exp;
    if frac <= scale {
        return x;
    }
    let q = div_pow10(unscaled, (frac - scale) as u32, mode);
    format!("{q}e{}", -scale).parse::<f64>().unwrap_or(x)
}

impl Round {
    fn is_floor_or_ceil(&self) -> bool {
        matches!(self.mode, Mode::Floor | Mode::Ceiling)
    }

    /// The decimal result type for input `decimal(p, s)` rounded to `scale`.
    fn decimal_type(p: u8, s: i8, scale: i32) -> DataType {
        let (p, s) = (p as i32, s as i32);
        let integral = p - s + 1;
        if scale < 0 {
            let np = integral.max(-scale + 1);
            DataType::Decimal128(np.min(MAX_PRECISION as i32) as u8, 0)
        } else {
            let ns = s.min(scale);
            DataType::Decimal128((integral + ns).min(MAX_PRECISION as i32) as u8, ns as i8)
        }
    }

    fn scale_value(&self, args: usize) -> Result<Option<i32>> {
        match (self.scale, args) {
            (Scale::Fixed(s), _) => Ok(Some(s)),
            (Scale::Null, _) => Ok(None),
            (Scale::Unknown, 1) => Ok(Some(0)),
            (Scale::Unknown, _) => Err(Error::new(ErrorKind::DatatypeMismatch {
                sub: "NON_FOLDABLE_INPUT",
                expr: format!("\"{}\"", self.name),
                message: "the input `scale` should be a foldable \"INT\" expression; however, got a non-constant expression.".into(),
            })),
        }
    }
}

/// Spark's error for a rounded decimal that does not fit its result type.
fn rounded_out_of_range(rounded: &str, original: i128, original_scale: i32, dt: &DataType) -> Error {
    let (p, s) = match dt {
        DataType::Decimal128(p, s) => (*p, *s),
        _ => (MAX_PRECISION, 0),
    };
    Error::spark(
        "NUMERIC_VALUE_OUT_OF_RANGE.WITHOUT_SUGGESTION",
        &[
            ("roundedValue", rounded),
            ("originalValue", &ember_plan::format::format_decimal(original, original_scale as i8)),
            ("precision", &p.to_string()),
            ("scale", &s.to_string()),
        ],
    )
}

impl ScalarFunctionImpl for Round {
    fn name(&self) -> &str {
        self.name
    }

    /// Spark writes `CEIL(x)` / `FLOOR(x)` but `ceil(x, s)` / `floor(x, s)`.
    fn display_call(&self, args: &[String]) -> Option<String> {
        (self.is_floor_or_ceil() && args.len() == 2).then(|| format!("{}({})", self.name.to_ascii_lowercase(), args.join(", ")))
    }

    fn implicit_args(&self, given: usize) -> Vec<ScalarValue> {
        if given == 1 && !self.is_floor_or_ceil() {
            vec![ScalarValue::Int32(Some(0))]
        } else {
            Vec::new()
        }
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let Some(Some(v)) = literals.get(1) else { return Ok(None) };
        let scale = if v.is_null() {
            Scale::Null
        } else {
            match v.as_i64() {
                Some(s) if i32::try_from(s).is_ok() && is_integral(&v.data_type()) => Scale::Fixed(s as i32),
                _ => return Err(unexpected_type(&self.name.to_ascii_lowercase(), 2, "\"INT\"", &v.data_type())),
            }
        };
        Ok(Some(Arc::new(Round { name: self.name, mode: self.mode, scale })))
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(&self.name.to_ascii_lowercase(), t.len(), 1, 2)?;
        let decimal_only = self.is_floor_or_ceil() && t.len() == 2;
        let first = match &t[0] {
            d if decimal_only && is_integral(d) => {
                let (p, s) = decimal_for_integral(d).unwrap_or((20, 0));
                DataType::Decimal128(p, s)
            }
            DataType::Decimal128(p, s) => DataType::Decimal128(*p, *s),
            d if decimal_only && (is_numeric(d) || is_string(d) || d == &DataType::Null) => {
                DataType::Decimal128(DOUBLE_AS_DECIMAL.0, DOUBLE_AS_DECIMAL.1)
            }
            d if self.is_floor_or_ceil() && is_integral(d) => DataType::Int64,
            d if is_numeric(d) => d.clone(),
            d if is_string(d) || d == &DataType::Null => DataType::Float64,
            d => return Err(unexpected_type(&self.name.to_ascii_lowercase(), 1, "\"NUMERIC\"", d)),
        };
        self.scale_value(t.len())?;
        let mut out = vec![first];
        if t.len() == 2 {
            out.push(int_arg(&self.name.to_ascii_lowercase(), 2, &t[1])?);
        }
        Ok(out)
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        check_arity(&self.name.to_ascii_lowercase(), t.len(), 1, 2)?;
        let scale = self.scale_value(t.len())?.unwrap_or(0);
        Ok(match &t[0] {
            DataType::Decimal128(p, 0) if self.is_floor_or_ceil() && t.len() == 1 => DataType::Decimal128(*p, 0),
            DataType::Decimal128(p, s) if self.is_floor_or_ceil() && t.len() == 1 => {
                DataType::Decimal128((*p as i32 - *s as i32 + 1).min(MAX_PRECISION as i32) as u8, 0)
            }
            DataType::Decimal128(p, s) => Round::decimal_type(*p, *s, scale),
            _ if self.is_floor_or_ceil() => DataType::Int64,
            d => d.clone(),
        })
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(&self.name.to_ascii_lowercase(), args.len(), 1, 2)?;
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let out_type = self.return_type(&types)?;
        let scale = self.scale_value(args.len())?;
        eval_arrays(&args[..1], num_rows, |a, n| {
            let x = &a[0];
            let Some(scale) = scale else {
                return Ok(arrow::array::new_null_array(&out_type, n));
            };
            let mode = self.mode;
            Ok(match x.data_type() {
                DataType::Decimal128(_, s) => round_decimal(x.as_primitive::<Decimal128Type>(), *s, scale, mode, &out_type)?,
                DataType::Float64 if self.is_floor_or_ceil() => {
                    let f = if mode == Mode::Floor { f64::floor } else { f64::ceil };
                    Arc::new(x.as_primitive::<Float64Type>().unary::<_, Int64Type>(|v| f(v) as i64)) as ArrayRef
                }
                DataType::Float32 if self.is_floor_or_ceil() => {
                    let f = if mode == Mode::Floor { f64::floor } else { f64::ceil };
                    Arc::new(x.as_primitive::<Float32Type>().unary::<_, Int64Type>(|v| f(v as f64) as i64)) as ArrayRef
                }
                DataType::Float64 => {
                    let out: Float64Array = x.as_primitive::<Float64Type>().unary(|v| round_double(v, scale, mode));
                    Arc::new(out) as ArrayRef
                }
                DataType::Float32 => {
                    let out: Float32Array = x
                        .as_primitive::<Float32Type>()
                        .unary(|v| round_double(format!("{v}").parse::<f64>().unwrap_or(v as f64), scale, mode) as f32);
                    Arc::new(out) as ArrayRef
                }
                DataType::Int8 => round_ints::<Int8Type>(x, scale, mode, |v| v as i8),
                DataType::Int16 => round_ints::<Int16Type>(x, scale, mode, |v| v as i16),
                DataType::Int32 => round_ints::<Int32Type>(x, scale, mode, |v| v as i32),
                DataType::Int64 => round_ints::<Int64Type>(x, scale, mode, |v| v as i64),
                other => return Err(unexpected_type(&self.name.to_ascii_lowercase(), 1, "\"NUMERIC\"", other)),
            })
        })
    }
}

fn round_ints<T>(x: &ArrayRef, scale: i32, mode: Mode, narrow: fn(i128) -> T::Native) -> ArrayRef
where
    T: ArrowPrimitiveType,
    T::Native: Into<i128>,
{
    // Spark narrows the rounded BigDecimal with intValue()/longValue(): it wraps.
    let out: PrimitiveArray<T> = x.as_primitive::<T>().unary(|v| narrow(round_integer(v.into(), scale, mode)));
    Arc::new(out)
}

fn round_decimal(x: &PrimitiveArray<Decimal128Type>, s: i8, scale: i32, mode: Mode, out_type: &DataType) -> Result<ArrayRef> {
    let (op, os) = match out_type {
        DataType::Decimal128(p, s) => (*p, *s),
        other => return Err(Error::internal(format!("decimal rounding to {}", catalog_string(other)))),
    };
    let s = s as i32;
    let limit = 10i128.pow(op as u32);
    let mut values = Vec::with_capacity(x.len());
    for v in x.iter() {
        let Some(v) = v else {
            values.push(None);
            continue;
        };
        let target = scale.min(s);
        // the value at scale `target` (or at scale 0, times 10^-target, when negative)
        // the result scale is `target` when it is not negative
        let r = if target >= 0 {
            Some(div_pow10(v, (s - target) as u32, mode))
        } else {
            let k = (s - target) as u32;
            let q = div_pow10(v, k, mode);
            if q == 0 {
                Some(0)
            } else {
                10i128.checked_pow((-target) as u32).and_then(|p| q.checked_mul(p))
            }
        };
        match r {
            Some(r) if r.abs() < limit => values.push(Some(r)),
            // Spark raises this one with ANSI off too (its message suggests no setting)
            Some(r) => return Err(rounded_out_of_range(&ember_plan::format::format_decimal(r, os), v, s, out_type)),
            None => return Err(rounded_out_of_range("(overflow)", v, s, out_type)),
        }
    }
    Ok(Arc::new(Decimal128Array::from(values).with_precision_and_scale(op, os)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render};

    fn with_scale(f: Round, s: i32) -> Arc<dyn ScalarFunctionImpl> {
        let lit = ScalarValue::Int32(Some(s));
        f.specialize(&[None, Some(&lit)]).unwrap().unwrap()
    }

    #[test]
    fn half_up_and_half_even() {
        let x: ArrayRef = Arc::new(Float64Array::from(vec![2.5, 3.5, -2.5, 2.675, 1e300, f64::NAN]));
        insta::assert_snapshot!(render(&call(&round(), vec![x.clone()]).unwrap()), @"[3.0, 4.0, -3.0, 3.0, 1e300, NaN]");
        insta::assert_snapshot!(render(&call(&bround(), vec![x.clone()]).unwrap()), @"[2.0, 4.0, -2.0, 3.0, 1e300, NaN]");
        let r2 = with_scale(round(), 2);
        insta::assert_snapshot!(render(&call(r2.as_ref(), vec![x, ints(&[Some(2); 6])]).unwrap()), @"[2.5, 3.5, -2.5, 2.68, 1e300, NaN]");
    }

    #[test]
    fn decimals_keep_a_decimal_type() {
        let d: ArrayRef = Arc::new(Decimal128Array::from(vec![Some(12345), Some(-12355), None]).with_precision_and_scale(5, 2).unwrap());
        let r1 = with_scale(round(), 1);
        let out = call(r1.as_ref(), vec![d.clone(), ints(&[Some(1); 3])]).unwrap();
        assert_eq!(out.data_type(), &DataType::Decimal128(5, 1));
        insta::assert_snapshot!(render(&out), @"[123.5, -123.6, NULL]");
        let b1 = with_scale(bround(), 1);
        insta::assert_snapshot!(render(&call(b1.as_ref(), vec![d.clone(), ints(&[Some(1); 3])]).unwrap()), @"[123.4, -123.6, NULL]");
        let rn = with_scale(round(), -2);
        let out = call(rn.as_ref(), vec![d.clone(), ints(&[Some(-2); 3])]).unwrap();
        assert_eq!(out.data_type(), &DataType::Decimal128(4, 0));
        insta::assert_snapshot!(render(&out), @"[100, -100, NULL]");
        let out = call(&floor(), vec![d]).unwrap();
        assert_eq!(out.data_type(), &DataType::Decimal128(4, 0));
        insta::assert_snapshot!(render(&out), @"[123, -124, NULL]");
    }

    #[test]
    fn integers_round_to_tens() {
        let r = with_scale(round(), -1);
        insta::assert_snapshot!(render(&call(r.as_ref(), vec![ints(&[Some(25), Some(-25), Some(24)]), ints(&[Some(-1); 3])]).unwrap()), @"[30, -30, 20]");
        let out = call(&ceil(), vec![ints(&[Some(3)])]).unwrap();
        assert_eq!(out.data_type(), &DataType::Int64);
    }

    #[test]
    fn floor_and_ceil_of_doubles_are_bigints() {
        let x: ArrayRef = Arc::new(Float64Array::from(vec![Some(-0.5), Some(1.5), None]));
        insta::assert_snapshot!(render(&call(&floor(), vec![x.clone()]).unwrap()), @"[-1, 1, NULL]");
        insta::assert_snapshot!(render(&call(&ceil(), vec![x]).unwrap()), @"[0, 2, NULL]");
    }

    #[test]
    fn non_constant_scale_is_an_error() {
        let e = call(&round(), vec![ints(&[Some(1)]), ints(&[Some(1)])]).unwrap_err();
        assert_eq!(e.class(), "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT");
    }
}
