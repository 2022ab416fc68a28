//! Random values with Spark's generator: `rand([seed])` / `random`, `randn([seed])`,
//! `uniform(min, max[, seed])`, `randstr(length[, seed])` and `uuid()`. Each call keeps
//! one `XORShiftRandom` per partition, seeded with `seed + partition` as Spark
//! initializes it, so a seeded call returns Spark's numbers for the same partitioning.
//! A call without a seed draws one when it is built.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use ember_common::random::{fresh_seed, XorShiftRandom};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::coercion::{common_type, is_integral, is_numeric};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

use super::utils::{check_arity, int_arg, unexpected_type};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Rand,
    Randn,
    Uniform,
    RandStr,
    Uuid,
}

/// One random function call; `seed` is fixed when the call is built.
#[derive(Debug)]
pub struct RandomFn {
    name: &'static str,
    kind: Kind,
    seed: Option<i64>,
}

pub fn rand() -> RandomFn {
    RandomFn { name: "rand", kind: Kind::Rand, seed: None }
}
pub fn randn() -> RandomFn {
    RandomFn { name: "randn", kind: Kind::Randn, seed: None }
}
pub fn uniform() -> RandomFn {
    RandomFn { name: "uniform", kind: Kind::Uniform, seed: None }
}
pub fn randstr() -> RandomFn {
    RandomFn { name: "randstr", kind: Kind::RandStr, seed: None }
}
pub fn uuid() -> RandomFn {
    RandomFn { name: "uuid", kind: Kind::Uuid, seed: None }
}

fn seed_arg(name: &str, i: usize, d: &DataType) -> Result<DataType> {
    if is_integral(d) || d == &DataType::Null {
        Ok(DataType::Int64)
    } else {
        Err(unexpected_type(name, i, "(\"INT\" or \"BIGINT\")", d))
    }
}

fn not_foldable(name: &str, param: &str) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "NON_FOLDABLE_INPUT",
        expr: format!("\"{name}\""),
        message: format!("the input {param} should be a foldable \"INT\" or \"BIGINT\" expression."),
    })
}

/// The `java.util.UUID` of two random longs, version 4.
fn uuid_of(rng: &mut XorShiftRandom) -> String {
    let long = |r: &mut XorShiftRandom| ((r.next_int() as i64) << 32).wrapping_add(r.next_int() as i64);
    let hi = (long(rng) & !0xF000) | 0x4000;
    let lo = (long(rng) as u64 & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    let (hi, lo) = (hi as u64, lo);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

/// Spark's `randstr`: each character `abs(nextInt() % 62)` of `0-9a-zA-Z`.
fn rand_str(rng: &mut XorShiftRandom, len: usize) -> String {
    (0..len)
        .map(|_| {
            let v = (rng.next_int() % 62).unsigned_abs() as u8;
            match v {
                0..=9 => (b'0' + v) as char,
                10..=35 => (b'a' + v - 10) as char,
                _ => (b'A' + v - 36) as char,
            }
        })
        .collect()
}

impl RandomFn {
    /// The index of the seed argument.
    fn seed_index(&self) -> usize {
        match self.kind {
            Kind::Uniform => 2,
            Kind::RandStr => 1,
            _ => 0,
        }
    }

    fn max_args(&self) -> usize {
        match self.kind {
            Kind::Uuid => 0,
            k => self.seed_index() + 1 - usize::from(k == Kind::Uuid),
        }
    }
}

impl ScalarFunctionImpl for RandomFn {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), self.seed_index(), self.max_args())?;
        let mut out = Vec::with_capacity(t.len());
        for (i, d) in t.iter().enumerate() {
            out.push(match (self.kind, i) {
                (Kind::Uniform, 0 | 1) => {
                    if !(is_numeric(d) || d == &DataType::Null) {
                        return Err(unexpected_type(self.name, i + 1, "\"NUMERIC\"", d));
                    }
                    let other = &t[1 - i];
                    common_type(d, other).filter(is_numeric).unwrap_or(DataType::Int32)
                }
                (Kind::RandStr, 0) => int_arg(self.name, 1, d)?,
                _ => seed_arg(self.name, i + 1, d)?,
            });
        }
        Ok(out)
    }

    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(match self.kind {
            Kind::Rand | Kind::Randn => DataType::Float64,
            Kind::RandStr | Kind::Uuid => DataType::Utf8,
            Kind::Uniform => t.first().cloned().unwrap_or(DataType::Int32),
        })
    }

    fn is_deterministic(&self) -> bool {
        false
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let seed = match literals.get(self.seed_index()) {
            None => fresh_seed(),
            Some(Some(v)) => match v {
                ScalarValue::Null => 0,
                v => match v.to_string().parse::<i64>() {
                    Ok(s) if is_integral(&v.data_type()) => s,
                    _ => return Ok(None),
                },
            },
            Some(None) => return Err(not_foldable(self.name, "seed")),
        };
        Ok(Some(Arc::new(RandomFn { name: self.name, kind: self.kind, seed: Some(seed) })))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        let seed = self.seed.unwrap_or(0).wrapping_add(ctx.partition as i64);
        let key = self as *const RandomFn as usize;
        let first = |i: usize| -> Result<Option<ScalarValue>> {
            match args.get(i) {
                Some(ColumnarValue::Scalar(s)) => Ok(Some(s.clone())),
                Some(ColumnarValue::Array(a)) if !a.is_empty() => Ok(Some(ScalarValue::try_from_array(a.as_ref(), 0)?)),
                _ => Ok(None),
            }
        };
        let out: ArrayRef = match self.kind {
            Kind::Rand | Kind::Randn | Kind::Uniform => {
                let values: Vec<f64> = ctx.task_state.with(key, ctx.partition, || XorShiftRandom::new(seed), |rng: &mut XorShiftRandom| {
                    (0..num_rows).map(|_| if self.kind == Kind::Randn { rng.next_gaussian() } else { rng.next_double() }).collect()
                });
                if self.kind != Kind::Uniform {
                    Arc::new(Float64Array::from(values))
                } else {
                    let rt = args.first().map(|a| a.data_type()).unwrap_or(DataType::Int32);
                    let bound = |i| -> Result<Option<f64>> {
                        Ok(match first(i)? {
                            Some(v) if !v.is_null() => v.to_string().parse::<f64>().ok(),
                            _ => None,
                        })
                    };
                    let (lo, hi) = (bound(0)?, bound(1)?);
                    let scaled: Float64Array = values.iter().map(|r| Some(lo? + (hi? - lo?) * r)).collect();
                    cast(&(Arc::new(scaled) as ArrayRef), &rt)?
                }
            }
            Kind::RandStr => {
                let len = match first(0)? {
                    Some(ScalarValue::Int32(Some(n))) if n >= 0 => n as usize,
                    Some(ScalarValue::Int32(Some(n))) => {
                        return Err(Error::new(ErrorKind::Other {
                            class: "INVALID_PARAMETER_VALUE.LENGTH".into(),
                            sqlstate: Some("22023".into()),
                            message: format!("The value of parameter(s) `length` in `randstr` is invalid: Expects `length` greater than or equal to 0, but got {n}."),
                        }))
                    }
                    _ => 0,
                };
                let values: Vec<String> =
                    ctx.task_state.with(key, ctx.partition, || XorShiftRandom::new(seed), |rng: &mut XorShiftRandom| (0..num_rows).map(|_| rand_str(rng, len)).collect());
                Arc::new(StringArray::from(values))
            }
            Kind::Uuid => {
                let values: Vec<String> = ctx.task_state.with(
                    key,
                    ctx.partition,
                    || XorShiftRandom::new(fresh_seed()),
                    |rng: &mut XorShiftRandom| (0..num_rows).map(|_| uuid_of(rng)).collect(),
                );
                Arc::new(StringArray::from(values))
            }
        };
        Ok(ColumnarValue::Array(out))
    }

    /// Spark hides a seed it drew itself: `rand()`, `uniform(1, 2)`.
    fn display_call(&self, args: &[String]) -> Option<String> {
        None.filter(|_: &String| args.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn randstr_matches_spark() {
        assert_eq!(rand_str(&mut XorShiftRandom::new(0), 3), "ceV");
        assert_eq!(rand_str(&mut XorShiftRandom::new(42), 10), "pll6YOIJNn");
    }

    #[test]
    fn uuids_are_version_4() {
        let u = uuid_of(&mut XorShiftRandom::new(1));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
