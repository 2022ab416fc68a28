//! Small numeric functions: `nanvl`, `isnan`, `factorial`, `bin`, `width_bucket`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use ember_common::Result;
use ember_plan::coercion::{is_numeric, is_string};

use super::math::double_arg;
use super::typed_fn::TypedFunction;
use super::utils::unexpected_type;

fn doubles(a: &ArrayRef) -> Result<arrow::array::Float64Array> {
    Ok(cast(a, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
}

fn longs(a: &ArrayRef) -> Result<Int64Array> {
    Ok(cast(a, &DataType::Int64)?.as_primitive::<Int64Type>().clone())
}

/// A parameter Spark casts to bigint (numbers and strings).
fn long_arg(name: &str, param: usize, dt: &DataType) -> Result<DataType> {
    if is_numeric(dt) || is_string(dt) || dt == &DataType::Null {
        Ok(DataType::Int64)
    } else {
        Err(unexpected_type(name, param, "\"BIGINT\"", dt))
    }
}

/// `nanvl(a, b)`: `a` unless it is NaN, then `b`; float when both are float, else double.
pub fn nanvl() -> TypedFunction {
    TypedFunction {
        name: "nanvl",
        min_args: 2,
        max_args: 2,
        coerce: |name, t| {
            let float = |d: &DataType| matches!(d, DataType::Float32 | DataType::Null);
            if float(&t[0]) && float(&t[1]) && t.contains(&DataType::Float32) {
                return Ok(vec![DataType::Float32, DataType::Float32]);
            }
            Ok(vec![double_arg(name, 1, &t[0])?, double_arg(name, 2, &t[1])?])
        },
        returns: |t| Ok(t[0].clone()),
        kernel: |_, a, _, _| {
            let (x, y) = (doubles(&a[0])?, doubles(&a[1])?);
            let out: arrow::array::Float64Array =
                x.iter().zip(y.iter()).map(|(x, y)| match x { Some(v) if v.is_nan() => y, other => other }).collect();
            Ok(cast(&(Arc::new(out) as ArrayRef), a[0].data_type())?)
        },
    }
}

/// `isnan(x)`: true for NaN, false otherwise (NULL included).
pub fn isnan() -> TypedFunction {
    TypedFunction {
        name: "isnan",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| Ok(vec![double_arg(name, 1, &t[0])?]),
        returns: |_| Ok(DataType::Boolean),
        kernel: |_, a, _, _| {
            let out: BooleanArray = doubles(&a[0])?.iter().map(|v| Some(v.is_some_and(f64::is_nan))).collect();
            Ok(Arc::new(out))
        },
    }
}

/// `factorial(n)`: n! as a bigint for 0 <= n <= 20, else NULL.
pub fn factorial() -> TypedFunction {
    TypedFunction {
        name: "factorial",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            d if is_numeric(d) || is_string(d) || d == &DataType::Null => Ok(vec![DataType::Int32]),
            d => Err(unexpected_type(name, 1, "\"INT\"", d)),
        },
        returns: |_| Ok(DataType::Int64),
        kernel: |_, a, _, _| {
            let out: Int64Array =
                longs(&a[0])?.iter().map(|v| v.filter(|n| (0..=20).contains(n)).map(|n| (1..=n).product::<i64>())).collect();
            Ok(Arc::new(out))
        },
    }
}

/// `bin(x)`: the two's-complement binary digits of `x` as a long.
pub fn bin() -> TypedFunction {
    TypedFunction {
        name: "bin",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| Ok(vec![long_arg(name, 1, &t[0])?]),
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, a, _, _| {
            let out: StringArray = longs(&a[0])?.iter().map(|v| v.map(|v| format!("{:b}", v as u64))).collect();
            Ok(Arc::new(out))
        },
    }
}

/// `width_bucket(v, min, max, n)`: the bucket of `v` among `n` equal-width buckets
/// between `min` and `max` (0 below, n + 1 above; reversed when `min > max`).
pub fn width_bucket() -> TypedFunction {
    TypedFunction {
        name: "width_bucket",
        min_args: 4,
        max_args: 4,
        coerce: |name, t| {
            Ok(vec![double_arg(name, 1, &t[0])?, double_arg(name, 2, &t[1])?, double_arg(name, 3, &t[2])?, long_arg(name, 4, &t[3])?])
        },
        returns: |_| Ok(DataType::Int64),
        kernel: |_, a, n, _| {
            let (v, lo, hi, b) = (doubles(&a[0])?, doubles(&a[1])?, doubles(&a[2])?, longs(&a[3])?);
            let out: Int64Array = (0..n)
                .map(|i| {
                    if v.is_null(i) || lo.is_null(i) || hi.is_null(i) || b.is_null(i) {
                        return None;
                    }
                    bucket(v.value(i), lo.value(i), hi.value(i), b.value(i))
                })
                .collect();
            Ok(Arc::new(out))
        },
    }
}

/// Spark's `WidthBucket.computeBucketNumber`.
pub fn bucket(value: f64, min: f64, max: f64, buckets: i64) -> Option<i64> {
    if buckets <= 0 || buckets == i64::MAX || min == max || !min.is_finite() || !max.is_finite() || value.is_nan() {
        return None;
    }
    let (lower, upper) = (min.min(max), min.max(max));
    let n = buckets as f64;
    Some(if min < max {
        if value < lower {
            0
        } else if value >= upper {
            buckets + 1
        } else {
            (n * (value - lower) / (upper - lower)) as i64 + 1
        }
    } else if value > upper {
        0
    } else if value <= lower {
        buckets + 1
    } else {
        (n * (upper - value) / (upper - lower)) as i64 + 1
    })
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn buckets_as_spark() {
        assert_eq!(bucket(5.3, 0.2, 10.6, 5), Some(3));
        assert_eq!(bucket(-2.1, 1.3, 3.4, 3), Some(0));
        assert_eq!(bucket(8.1, 0.0, 5.7, 4), Some(5));
        assert_eq!(bucket(-0.9, 5.2, 0.5, 2), Some(3));
        assert_eq!(bucket(5.0, 0.0, 10.0, 0), None);
    }
}
