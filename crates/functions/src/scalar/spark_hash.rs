//! `hash(…)` and `xxhash64(…)`: Spark's Murmur3 (x86, 32-bit) and XXH64 hashes with
//! seed 42, folded over the arguments and hashed per type exactly as Spark's
//! `HashExpression` does (ints, longs, floats with -0.0 as 0, decimals by their
//! unscaled value, strings and binary by their bytes, nested values element by element;
//! a NULL leaves the running hash as it is).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int32Array, Int64Array};
use arrow::datatypes::*;
use ember_common::Result;

use super::typed_fn::TypedFunction;
use super::utils::unexpected_type;

/// One of Spark's two hash functions over its three primitive inputs.
pub trait SparkHasher {
    type H: Copy;
    fn int(v: i32, seed: Self::H) -> Self::H;
    fn long(v: i64, seed: Self::H) -> Self::H;
    fn bytes(b: &[u8], seed: Self::H) -> Self::H;
}

/// Spark's `Murmur3_x86_32`.
pub struct Murmur3;

fn mix_k1(k: i32) -> i32 {
    (k.wrapping_mul(0xcc9e_2d51_u32 as i32)).rotate_left(15).wrapping_mul(0x1b87_3593)
}

fn mix_h1(h: i32, k: i32) -> i32 {
    (h ^ k).rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64_u32 as i32)
}

fn fmix32(h: i32, len: i32) -> i32 {
    let mut h = (h ^ len) as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    (h ^ (h >> 16)) as i32
}

impl SparkHasher for Murmur3 {
    type H = i32;
    fn int(v: i32, seed: i32) -> i32 {
        fmix32(mix_h1(seed, mix_k1(v)), 4)
    }
    fn long(v: i64, seed: i32) -> i32 {
        let h = mix_h1(seed, mix_k1(v as i32));
        fmix32(mix_h1(h, mix_k1((v as u64 >> 32) as i32)), 8)
    }
    /// `hashUnsafeBytes`: whole 4-byte words, then each remaining (signed) byte alone.
    fn bytes(b: &[u8], seed: i32) -> i32 {
        let mut h = seed;
        let mut words = b.chunks_exact(4);
        for w in &mut words {
            h = mix_h1(h, mix_k1(i32::from_le_bytes([w[0], w[1], w[2], w[3]])));
        }
        for &byte in words.remainder() {
            h = mix_h1(h, mix_k1(byte as i8 as i32));
        }
        fmix32(h, b.len() as i32)
    }
}

/// Spark's `XXH64`.
pub struct Xxh64;

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

fn round64(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2)).rotate_left(31).wrapping_mul(P1)
}

fn le64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

impl SparkHasher for Xxh64 {
    type H = i64;
    fn int(v: i32, seed: i64) -> i64 {
        let mut h = (seed as u64).wrapping_add(P5).wrapping_add(4);
        h ^= (v as u32 as u64).wrapping_mul(P1);
        h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        fmix64(h) as i64
    }
    fn long(v: i64, seed: i64) -> i64 {
        let mut h = (seed as u64).wrapping_add(P5).wrapping_add(8);
        h ^= (v as u64).wrapping_mul(P2).rotate_left(31).wrapping_mul(P1);
        h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
        fmix64(h) as i64
    }
    fn bytes(b: &[u8], seed: i64) -> i64 {
        let seed = seed as u64;
        let mut rest = b;
        let mut h = if b.len() >= 32 {
            let (mut v1, mut v2, mut v3, mut v4) =
                (seed.wrapping_add(P1).wrapping_add(P2), seed.wrapping_add(P2), seed, seed.wrapping_sub(P1));
            while rest.len() >= 32 {
                v1 = round64(v1, le64(&rest[0..]));
                v2 = round64(v2, le64(&rest[8..]));
                v3 = round64(v3, le64(&rest[16..]));
                v4 = round64(v4, le64(&rest[24..]));
                rest = &rest[32..];
            }
            let mut h = v1.rotate_left(1).wrapping_add(v2.rotate_left(7)).wrapping_add(v3.rotate_left(12)).wrapping_add(v4.rotate_left(18));
            for v in [v1, v2, v3, v4] {
                h ^= round64(0, v);
                h = h.wrapping_mul(P1).wrapping_add(P4);
            }
            h
        } else {
            seed.wrapping_add(P5)
        };
        h = h.wrapping_add(b.len() as u64);
        while rest.len() >= 8 {
            h ^= round64(0, le64(rest));
            h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
            rest = &rest[8..];
        }
        if rest.len() >= 4 {
            h ^= (u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as u64).wrapping_mul(P1);
            h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
            rest = &rest[4..];
        }
        for &byte in rest {
            h ^= (byte as u64).wrapping_mul(P5);
            h = h.rotate_left(11).wrapping_mul(P1);
        }
        fmix64(h) as i64
    }
}

/// `BigInteger.toByteArray`: the shortest big-endian two's complement bytes.
fn big_integer_bytes(v: i128) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 15 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    bytes[start..].to_vec()
}

/// The running hash after value `i` of `a` (unchanged for NULL).
fn hash_value<S: SparkHasher>(a: &dyn Array, i: usize, seed: S::H) -> S::H {
    if a.is_null(i) {
        return seed;
    }
    match a.data_type() {
        DataType::Boolean => S::int(a.as_boolean().value(i) as i32, seed),
        DataType::Int8 => S::int(a.as_primitive::<Int8Type>().value(i) as i32, seed),
        DataType::Int16 => S::int(a.as_primitive::<Int16Type>().value(i) as i32, seed),
        DataType::Int32 => S::int(a.as_primitive::<Int32Type>().value(i), seed),
        DataType::Date32 => S::int(a.as_primitive::<Date32Type>().value(i), seed),
        DataType::Int64 => S::long(a.as_primitive::<Int64Type>().value(i), seed),
        DataType::Timestamp(_, _) => S::long(a.as_primitive::<TimestampMicrosecondType>().value(i), seed),
        DataType::Float32 => {
            let f = a.as_primitive::<Float32Type>().value(i);
            let bits = if f == 0.0 { 0 } else if f.is_nan() { 0x7fc0_0000 } else { f.to_bits() as i32 };
            S::int(bits, seed)
        }
        DataType::Float64 => {
            let f = a.as_primitive::<Float64Type>().value(i);
            let bits = if f == 0.0 { 0 } else if f.is_nan() { 0x7ff8_0000_0000_0000 } else { f.to_bits() as i64 };
            S::long(bits, seed)
        }
        DataType::Decimal128(p, _) => {
            let v = a.as_primitive::<Decimal128Type>().value(i);
            if *p <= 18 {
                S::long(v as i64, seed)
            } else {
                S::bytes(&big_integer_bytes(v), seed)
            }
        }
        DataType::Utf8 => S::bytes(a.as_string::<i32>().value(i).as_bytes(), seed),
        DataType::LargeUtf8 => S::bytes(a.as_string::<i64>().value(i).as_bytes(), seed),
        DataType::Binary => S::bytes(a.as_binary::<i32>().value(i), seed),
        DataType::Interval(IntervalUnit::YearMonth) => S::int(a.as_primitive::<IntervalYearMonthType>().value(i), seed),
        DataType::Duration(_) => S::long(a.as_primitive::<DurationMicrosecondType>().value(i), seed),
        DataType::List(_) => {
            let v = a.as_list::<i32>().value(i);
            (0..v.len()).fold(seed, |h, j| hash_value::<S>(v.as_ref(), j, h))
        }
        DataType::Struct(_) => a.as_struct().columns().iter().fold(seed, |h, c| hash_value::<S>(c.as_ref(), i, h)),
        DataType::Map(_, _) => {
            let m = a.as_map().value(i);
            let (k, v) = (m.column(0), m.column(1));
            (0..m.len()).fold(seed, |h, j| hash_value::<S>(v.as_ref(), j, hash_value::<S>(k.as_ref(), j, h)))
        }
        _ => seed,
    }
}

/// The hashes of every row of the arguments, starting from 42.
fn hash_rows<S: SparkHasher>(a: &[ArrayRef], n: usize, seed: S::H) -> Vec<S::H> {
    let mut out = vec![seed; n];
    for col in a {
        for (i, h) in out.iter_mut().enumerate() {
            *h = hash_value::<S>(col.as_ref(), i, *h);
        }
    }
    out
}

fn hashable(name: &str, t: &[DataType]) -> Result<Vec<DataType>> {
    for (i, d) in t.iter().enumerate() {
        if matches!(d, DataType::Map(_, _)) {
            return Err(ember_common::Error::new(ember_common::ErrorKind::DatatypeMismatch {
                sub: "HASH_MAP_TYPE",
                expr: format!("\"{name}\""),
                message: format!("Input to the function `{name}` cannot contain elements of the \"MAP\" type. In Spark, same maps may have different hashcode, thus hash expressions are prohibited on \"MAP\" elements. To restore previous behavior set \"spark.sql.legacy.allowHashOnMapType\" to \"true\"."),
            }));
        }
        if matches!(d, DataType::Interval(IntervalUnit::MonthDayNano)) {
            return Err(unexpected_type(name, i + 1, "\"ANY\"", d));
        }
    }
    Ok(t.to_vec())
}

/// `hash(a, …)`: Murmur3 with seed 42, an INT.
pub fn hash() -> TypedFunction {
    TypedFunction {
        name: "hash",
        min_args: 1,
        max_args: usize::MAX,
        coerce: hashable,
        returns: |_| Ok(DataType::Int32),
        kernel: |_, a, n, _| Ok(Arc::new(Int32Array::from(hash_rows::<Murmur3>(a, n, 42)))),
    }
}

/// `xxhash64(a, …)`: XXH64 with seed 42, a BIGINT.
pub fn xxhash64() -> TypedFunction {
    TypedFunction {
        name: "xxhash64",
        min_args: 1,
        max_args: usize::MAX,
        coerce: hashable,
        returns: |_| Ok(DataType::Int64),
        kernel: |_, a, n, _| Ok(Arc::new(Int64Array::from(hash_rows::<Xxh64>(a, n, 42)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from Spark 4.2.1.
    #[test]
    fn spark_values() {
        assert_eq!(Murmur3::int(1, 42), -559580957);
        assert_eq!(Murmur3::long(1, 42), -1712319331);
        assert_eq!(Murmur3::bytes(b"a", 42), 1485273170);
        assert_eq!(Murmur3::bytes(b"abcdefghijklmnopqrstuvwxyz0123456789", 42), 46508703);
        assert_eq!(Xxh64::int(1, 42), -6698625589789238999);
        assert_eq!(Xxh64::long(1, 42), -7001672635703045582);
        assert_eq!(Xxh64::bytes(b"a", 42), -8582455328737087284);
        assert_eq!(Xxh64::bytes(b"abcdefghijklmnopqrstuvwxyz0123456789", 42), 2724237963427677065);
        assert_eq!(big_integer_bytes(-1), vec![0xff]);
        assert_eq!(big_integer_bytes(128), vec![0, 128]);
    }
}
