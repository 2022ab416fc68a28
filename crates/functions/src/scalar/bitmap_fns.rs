//! The scalar bitmap helpers, for Spark's 32768-bit bitmaps (`bitmap_construct_agg`):
//! `bitmap_bucket_number(n)`, `bitmap_bit_position(n)` and `bitmap_count(bitmap)`.

use std::sync::Arc;

use arrow::array::{AsArray, Int64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type};
use ember_plan::coercion::is_integral;

use super::hash::as_binary;
use super::typed_fn::TypedFunction;
use super::utils::unexpected_type;

/// Bits in one bitmap.
const NUM_BITS: i64 = 32768;

fn long_arg(name: &str, t: &[DataType]) -> ember_common::Result<Vec<DataType>> {
    match &t[0] {
        d if is_integral(d) || d == &DataType::Null => Ok(vec![DataType::Int64]),
        d => Err(unexpected_type(name, 1, "\"BIGINT\"", d)),
    }
}

fn map_longs(a: &arrow::array::ArrayRef, f: impl Fn(i64) -> i64) -> ember_common::Result<arrow::array::ArrayRef> {
    let v = cast(a, &DataType::Int64)?;
    let out: Int64Array = v.as_primitive::<Int64Type>().iter().map(|x| x.map(&f)).collect();
    Ok(Arc::new(out))
}

pub fn bitmap_bucket_number() -> TypedFunction {
    TypedFunction {
        name: "bitmap_bucket_number",
        min_args: 1,
        max_args: 1,
        coerce: long_arg,
        returns: |_| Ok(DataType::Int64),
        kernel: |_, a, _, _| map_longs(&a[0], |v| if v > 0 { 1 + (v - 1) / NUM_BITS } else { v / NUM_BITS }),
    }
}

pub fn bitmap_bit_position() -> TypedFunction {
    TypedFunction {
        name: "bitmap_bit_position",
        min_args: 1,
        max_args: 1,
        coerce: long_arg,
        returns: |_| Ok(DataType::Int64),
        kernel: |_, a, _, _| map_longs(&a[0], |v| if v > 0 { (v - 1) % NUM_BITS } else { v.wrapping_neg() % NUM_BITS }),
    }
}

pub fn bitmap_count() -> TypedFunction {
    TypedFunction {
        name: "bitmap_count",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            DataType::Binary => Ok(vec![DataType::Binary]),
            d => Err(unexpected_type(name, 1, "\"BINARY\"", d)),
        },
        returns: |_| Ok(DataType::Int64),
        kernel: |_, a, _, _| {
            let out: Int64Array = as_binary(&a[0])?.iter().map(|b| b.map(|b| b.iter().map(|x| x.count_ones() as i64).sum())).collect();
            Ok(Arc::new(out))
        },
    }
}
