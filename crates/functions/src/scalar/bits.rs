//! Bit functions on integers: `bit_count`, `bit_get`/`getbit`, `shiftleft`,
//! `shiftright`, `shiftrightunsigned`, with Java's semantics (shift counts taken
//! modulo the width, `bit_count` of the value widened to a long).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int32Array, Int64Array, Int8Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int32Type, Int64Type};
use ember_common::{Error, Result};
use ember_plan::coercion::{is_integral, is_string};

use super::typed_fn::TypedFunction;
use super::utils::{as_ints, int_arg, unexpected_type};

/// An integral parameter: integers stay, strings become bigint, NULL becomes int.
pub fn integral_arg(name: &str, param: usize, dt: &DataType) -> Result<DataType> {
    match dt {
        d if is_integral(d) => Ok(d.clone()),
        DataType::Null => Ok(DataType::Int32),
        d if is_string(d) => Ok(DataType::Int64),
        d => Err(unexpected_type(name, param, "\"INTEGRAL\"", d)),
    }
}

/// `bit_count(x)`: the number of one bits of `x` as a long (a boolean counts as 0 or 1).
pub fn bit_count() -> TypedFunction {
    TypedFunction {
        name: "bit_count",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            DataType::Boolean => Ok(vec![DataType::Boolean]),
            d => Ok(vec![integral_arg(name, 1, d).map_err(|_| unexpected_type(name, 1, "(\"INTEGRAL\" or \"BOOLEAN\")", d))?]),
        },
        returns: |_| Ok(DataType::Int32),
        kernel: |_, a, _, _| {
            let out: Int32Array = match a[0].data_type() {
                DataType::Boolean => a[0].as_boolean().iter().map(|v| v.map(i32::from)).collect(),
                _ => longs(&a[0])?.iter().map(|v| v.map(|v| v.count_ones() as i32)).collect(),
            };
            Ok(Arc::new(out))
        },
    }
}

fn longs(a: &ArrayRef) -> Result<Int64Array> {
    Ok(cast(a, &DataType::Int64)?.as_primitive::<Int64Type>().clone())
}

fn width(dt: &DataType) -> i32 {
    match dt {
        DataType::Int8 => 8,
        DataType::Int16 => 16,
        DataType::Int32 => 32,
        _ => 64,
    }
}

/// `bit_get(x, pos)` (also `getbit`): bit `pos` of `x` as a tinyint, 0 the lowest.
pub fn bit_get(name: &'static str) -> TypedFunction {
    TypedFunction {
        name,
        min_args: 2,
        max_args: 2,
        coerce: |name, t| Ok(vec![integral_arg(name, 1, &t[0])?, int_arg(name, 2, &t[1])?]),
        returns: |_| Ok(DataType::Int8),
        kernel: |name, a, n, _| {
            let bits = width(a[0].data_type());
            let x = longs(&a[0])?;
            let pos = as_ints(&a[1])?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                if x.is_null(i) || pos.is_null(i) {
                    out.push(None);
                    continue;
                }
                let p = pos.value(i);
                if !(0..bits).contains(&p) {
                    return Err(Error::spark(
                        "INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE",
                        &[("parameter", "`pos`"), ("functionName", &format!("`{name}`")), ("upper", &bits.to_string()), ("invalidValue", &p.to_string())],
                    ));
                }
                out.push(Some(((x.value(i) >> p) & 1) as i8));
            }
            Ok(Arc::new(Int8Array::from(out)))
        },
    }
}

/// The shifted value: int for byte, short and int, long for long.
fn shift_coerce(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    let value = match integral_arg(name, 1, &t[0])? {
        DataType::Int64 => DataType::Int64,
        _ => DataType::Int32,
    };
    Ok(vec![value, int_arg(name, 2, &t[1])?])
}

#[derive(Clone, Copy)]
enum Shift {
    Left,
    Right,
    RightUnsigned,
}

fn shift_kernel(shift: Shift, a: &[ArrayRef]) -> Result<ArrayRef> {
    let by = as_ints(&a[1])?;
    Ok(match a[0].data_type() {
        DataType::Int64 => {
            let x = a[0].as_primitive::<Int64Type>();
            let out: Int64Array = x
                .iter()
                .zip(by.iter())
                .map(|(x, b)| {
                    let (x, b) = (x?, (b? & 63) as u32);
                    Some(match shift {
                        Shift::Left => x.wrapping_shl(b),
                        Shift::Right => x.wrapping_shr(b),
                        Shift::RightUnsigned => ((x as u64) >> b) as i64,
                    })
                })
                .collect();
            Arc::new(out)
        }
        _ => {
            let x = a[0].as_primitive::<Int32Type>();
            let out: Int32Array = x
                .iter()
                .zip(by.iter())
                .map(|(x, b)| {
                    let (x, b) = (x?, (b? & 31) as u32);
                    Some(match shift {
                        Shift::Left => x.wrapping_shl(b),
                        Shift::Right => x.wrapping_shr(b),
                        Shift::RightUnsigned => ((x as u32) >> b) as i32,
                    })
                })
                .collect();
            Arc::new(out)
        }
    })
}

pub fn shiftleft() -> TypedFunction {
    TypedFunction { name: "shiftleft", min_args: 2, max_args: 2, coerce: shift_coerce, returns: |t| Ok(t[0].clone()), kernel: |_, a, _, _| shift_kernel(Shift::Left, a) }
}

pub fn shiftright() -> TypedFunction {
    TypedFunction { name: "shiftright", min_args: 2, max_args: 2, coerce: shift_coerce, returns: |t| Ok(t[0].clone()), kernel: |_, a, _, _| shift_kernel(Shift::Right, a) }
}

pub fn shiftrightunsigned() -> TypedFunction {
    TypedFunction {
        name: "shiftrightunsigned",
        min_args: 2,
        max_args: 2,
        coerce: shift_coerce,
        returns: |t| Ok(t[0].clone()),
        kernel: |_, a, _, _| shift_kernel(Shift::RightUnsigned, a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::utils::test_util::{call, ints, render};

    #[test]
    fn counts_bits_of_the_long() {
        assert_eq!(render(&call(&bit_count(), vec![ints(&[Some(-1), Some(7), None])]).unwrap()), "[64, 3, NULL]");
    }

    #[test]
    fn bit_get_checks_the_position() {
        assert_eq!(render(&call(&bit_get("bit_get"), vec![ints(&[Some(11)]), ints(&[Some(3)])]).unwrap()), "[1]");
        let e = call(&bit_get("bit_get"), vec![ints(&[Some(11)]), ints(&[Some(32)])]).unwrap_err();
        assert_eq!(e.class(), "INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE");
    }

    #[test]
    fn shifts_take_the_count_modulo_the_width() {
        assert_eq!(render(&call(&shiftleft(), vec![ints(&[Some(1)]), ints(&[Some(33)])]).unwrap()), "[2]");
        assert_eq!(render(&call(&shiftrightunsigned(), vec![ints(&[Some(-8)]), ints(&[Some(1)])]).unwrap()), "[2147483644]");
    }
}
