//! Vectors as `array<float>`: `vector_cosine_similarity`, `vector_inner_product`,
//! `vector_l2_distance`, `vector_norm(v[, degree])` (degree 1, 2 or infinity) and
//! `vector_normalize(v[, degree])`. Vectors of different lengths are
//! VECTOR_DIMENSION_MISMATCH; a NULL vector or element gives NULL.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float32Array, Float32Builder, ListBuilder};
use arrow::datatypes::{DataType, Float32Type};
use ember_common::{Error, ErrorKind, Result};

use super::typed_fn::TypedFunction;
use super::utils::unexpected_type;

fn float_vector() -> DataType {
    DataType::new_list(DataType::Float32, true)
}

/// `f` with Spark's default degree, 2.0, filled in (and shown) when omitted.
pub fn with_degree(f: TypedFunction) -> super::defaults::WithDefaults<TypedFunction> {
    super::defaults::WithDefaults { inner: f, defaults: || vec![ember_plan::ScalarValue::Float32(Some(2.0))], min_given: 1 }
}

fn vector_arg(name: &str, i: usize, d: &DataType) -> Result<DataType> {
    match d {
        DataType::List(f) if f.data_type() == &DataType::Float32 => Ok(d.clone()),
        d => Err(unexpected_type(name, i, "\"ARRAY<FLOAT>\"", d)),
    }
}

fn degree_arg(name: &str, d: &DataType) -> Result<DataType> {
    match d {
        d if ember_plan::coercion::is_numeric(d) || d == &DataType::Null => Ok(DataType::Float32),
        d => Err(unexpected_type(name, 2, "\"FLOAT\"", d)),
    }
}

/// Row `i` of a vector column as f64s; `None` for NULL or a NULL element.
fn vector(a: &ArrayRef, i: usize) -> Option<Vec<f64>> {
    if a.is_null(i) {
        return None;
    }
    let v = a.as_list::<i32>().value(i);
    let f = v.as_primitive::<Float32Type>();
    if f.null_count() > 0 {
        return None;
    }
    Some(f.values().iter().map(|x| *x as f64).collect())
}

fn same_dimension(name: &str, x: &[f64], y: &[f64]) -> Result<()> {
    if x.len() == y.len() {
        return Ok(());
    }
    Err(Error::new(ErrorKind::Other {
        class: "VECTOR_DIMENSION_MISMATCH".into(),
        sqlstate: Some("22000".into()),
        message: format!("Vectors passed to `{name}` must have the same dimension, but got {} and {}.", x.len(), y.len()),
    }))
}

fn pairwise(name: &'static str) -> TypedFunction {
    TypedFunction {
        name,
        min_args: 2,
        max_args: 2,
        coerce: |name, t| Ok(vec![vector_arg(name, 1, &t[0])?, vector_arg(name, 2, &t[1])?]),
        returns: |_| Ok(DataType::Float32),
        kernel: |name, a, n, _| {
            let f: fn(&[f64], &[f64]) -> Option<f64> = match name {
                "vector_inner_product" => |x, y| Some(x.iter().zip(y).map(|(a, b)| a * b).sum()),
                "vector_l2_distance" => |x, y| Some(x.iter().zip(y).map(|(a, b)| (a - b) * (a - b)).sum::<f64>().sqrt()),
                _ => |x, y| {
                    let dot: f64 = x.iter().zip(y).map(|(a, b)| a * b).sum();
                    let (nx, ny) = (norm(x, 2.0), norm(y, 2.0));
                    (nx > 0.0 && ny > 0.0).then(|| dot / (nx * ny))
                },
            };
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(match (vector(&a[0], i), vector(&a[1], i)) {
                    (Some(x), Some(y)) => {
                        same_dimension(name, &x, &y)?;
                        f(&x, &y).map(|v| v as f32)
                    }
                    _ => None,
                });
            }
            Ok(Arc::new(Float32Array::from(out)) as ArrayRef)
        },
    }
}

pub fn vector_cosine_similarity() -> TypedFunction {
    pairwise("vector_cosine_similarity")
}
pub fn vector_inner_product() -> TypedFunction {
    pairwise("vector_inner_product")
}
pub fn vector_l2_distance() -> TypedFunction {
    pairwise("vector_l2_distance")
}

fn norm(x: &[f64], degree: f64) -> f64 {
    if degree == 1.0 {
        x.iter().map(|v| v.abs()).sum()
    } else if degree.is_infinite() {
        x.iter().fold(0.0, |m, v| m.max(v.abs()))
    } else {
        x.iter().map(|v| v * v).sum::<f64>().sqrt()
    }
}

/// The degrees per row (2 when omitted), checked.
fn degrees(name: &str, a: &[ArrayRef], n: usize) -> Result<Vec<Option<f64>>> {
    let Some(d) = a.get(1) else { return Ok(vec![Some(2.0); n]) };
    let d = arrow::compute::cast(d, &DataType::Float32)?;
    d.as_primitive::<Float32Type>()
        .iter()
        .map(|v| match v {
            Some(v) if v == 1.0 || v == 2.0 || (v.is_infinite() && v > 0.0) => Ok(Some(v as f64)),
            Some(v) => Err(Error::new(ErrorKind::Other {
                class: "INVALID_VECTOR_NORM_DEGREE".into(),
                sqlstate: Some("22023".into()),
                message: format!("For the `{name}` function, degree must be 1.0, 2.0, or float('inf'), but got {v:?}."),
            })),
            None => Ok(None),
        })
        .collect()
}

pub fn vector_norm() -> TypedFunction {
    TypedFunction {
        name: "vector_norm",
        min_args: 1,
        max_args: 2,
        coerce: |name, t| {
            let mut out = vec![vector_arg(name, 1, &t[0])?];
            if let Some(d) = t.get(1) {
                out.push(degree_arg(name, d)?);
            }
            Ok(out)
        },
        returns: |_| Ok(DataType::Float32),
        kernel: |name, a, n, _| {
            let deg = degrees(name, a, n)?;
            let out: Float32Array = (0..n).map(|i| Some(norm(&vector(&a[0], i)?, deg[i]?) as f32)).collect();
            Ok(Arc::new(out))
        },
    }
}

pub fn vector_normalize() -> TypedFunction {
    TypedFunction {
        name: "vector_normalize",
        min_args: 1,
        max_args: 2,
        coerce: |name, t| {
            let mut out = vec![vector_arg(name, 1, &t[0])?];
            if let Some(d) = t.get(1) {
                out.push(degree_arg(name, d)?);
            }
            Ok(out)
        },
        returns: |_| Ok(float_vector()),
        kernel: |name, a, n, _| {
            let deg = degrees(name, a, n)?;
            let mut out = ListBuilder::new(Float32Builder::new());
            for (i, d) in deg.iter().enumerate() {
                match (vector(&a[0], i), d) {
                    (Some(v), Some(d)) if norm(&v, *d) > 0.0 => {
                        let len = norm(&v, *d);
                        for x in v {
                            out.values().append_value((x / len) as f32);
                        }
                        out.append(true);
                    }
                    _ => out.append(false),
                }
            }
            Ok(Arc::new(out.finish()))
        },
    }
}
