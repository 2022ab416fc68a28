//! `shuffle(arr[, seed])`: a random permutation of each array, with Spark's generator and
//! its inside-out Fisher–Yates (`RandomIndicesGenerator`), so a seeded call within one
//! partition returns Spark's order. Without a seed, a fresh one per call.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Int64Type};
use ember_common::random::{fresh_seed, XorShiftRandom};
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::collection_util::{array_arg, list_of, list_type, row_range, take_lists};
use super::utils::{check_arity, eval_arrays, unexpected_type};

#[derive(Debug)]
pub struct Shuffle;

impl ScalarFunctionImpl for Shuffle {
    fn name(&self) -> &str {
        "shuffle"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity("shuffle", t.len(), 1, 2)?;
        let mut out = vec![list_type(array_arg("shuffle", 1, &t[0])?)];
        if let Some(s) = t.get(1) {
            if !ember_plan::coercion::is_integral(s) {
                return Err(unexpected_type("shuffle", 2, "\"BIGINT\"", s));
            }
            out.push(DataType::Int64);
        }
        Ok(out)
    }
    fn return_type(&self, t: &[DataType]) -> Result<DataType> {
        Ok(t[0].clone())
    }
    fn is_deterministic(&self) -> bool {
        false
    }
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        eval_arrays(args, num_rows, |a, n| {
            let l = list_of(&a[0])?;
            let seed = a.get(1).map(|s| s.as_primitive::<Int64Type>()).filter(|s| !s.is_empty() && s.is_valid(0)).map(|s| s.value(0));
            let mut rng = XorShiftRandom::new(seed.unwrap_or_else(fresh_seed));
            let rows: Vec<Option<Vec<usize>>> = (0..n)
                .map(|i| {
                    if l.is_null(i) {
                        return None;
                    }
                    let r = row_range(&l, i);
                    let mut idx: Vec<usize> = (0..r.len()).collect();
                    for k in 0..r.len() {
                        let j = rng.next_int_bounded(k as i32 + 1) as usize;
                        if j != k {
                            idx[k] = idx[j];
                            idx[j] = k;
                        }
                    }
                    Some(idx.into_iter().map(|k| r.start + k).collect())
                })
                .collect();
            take_lists(l.values(), &rows)
        })
    }
}
