//! Spark's pseudo-random generators, bit for bit, so a seeded `rand(42)`, a
//! `TABLESAMPLE … REPEATABLE (7)` or a `df.sample(…, seed)` returns Spark's numbers:
//! [`XorShiftRandom`] (Spark's `org.apache.spark.util.random.XORShiftRandom`, with
//! `java.util.Random`'s `nextDouble` / `nextGaussian` on top) and [`PoissonSampler`]
//! (Apache Commons Math's `PoissonDistribution` over its `Well19937c` generator, which
//! Spark's `PoissonSampler` uses for sampling with replacement).

/// A seed for a sample or generator the user gave none for (Spark draws one from its
/// own generator): different on every call.
pub fn fresh_seed() -> i64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.finish() as i64
}

/// Spark's `XORShiftRandom`: a 64-bit xorshift generator whose seed is first scrambled
/// with Scala's MurmurHash3, exposed through `java.util.Random`'s derived methods.
#[derive(Debug, Clone)]
pub struct XorShiftRandom {
    state: i64,
    next_gaussian: Option<f64>,
}

impl XorShiftRandom {
    pub fn new(seed: i64) -> Self {
        XorShiftRandom { state: hash_seed(seed), next_gaussian: None }
    }

    /// `java.util.Random.next(bits)` over the xorshift step.
    fn next(&mut self, bits: u32) -> i32 {
        let mut s = self.state;
        s ^= s << 21;
        s ^= ((s as u64) >> 35) as i64;
        s ^= s << 4;
        self.state = s;
        (s & ((1i64 << bits) - 1)) as i32
    }

    /// `java.util.Random.nextInt()`: 32 random bits.
    pub fn next_int(&mut self) -> i32 {
        self.next(32)
    }

    /// `java.util.Random.nextDouble`: 53 random bits in `[0, 1)`.
    pub fn next_double(&mut self) -> f64 {
        let hi = (self.next(26) as i64) << 27;
        let lo = self.next(27) as i64;
        (hi + lo) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `java.util.Random.nextGaussian` (Marsaglia's polar method, the second value kept).
    pub fn next_gaussian(&mut self) -> f64 {
        if let Some(g) = self.next_gaussian.take() {
            return g;
        }
        loop {
            let v1 = 2.0 * self.next_double() - 1.0;
            let v2 = 2.0 * self.next_double() - 1.0;
            let s = v1 * v1 + v2 * v2;
            if s < 1.0 && s != 0.0 {
                let multiplier = (-2.0 * s.ln() / s).sqrt();
                self.next_gaussian = Some(v2 * multiplier);
                return v1 * multiplier;
            }
        }
    }

    /// `java.util.Random.nextInt(bound)` for a positive `bound`.
    pub fn next_int_bounded(&mut self, bound: i32) -> i32 {
        let bound = bound.max(1);
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((bound as i64 * r as i64) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }
}

/// `XORShiftRandom.hashSeed`: MurmurHash3 of the seed's 8 big-endian bytes, twice.
fn hash_seed(seed: i64) -> i64 {
    let bytes = seed.to_be_bytes();
    let low = murmur3_bytes(&bytes, 0x3c07_4a61);
    let high = murmur3_bytes(&bytes, low);
    ((high as i64) << 32) | (low as u32 as i64)
}

/// Scala's `MurmurHash3.bytesHash(data, seed)`.
fn murmur3_bytes(data: &[u8], seed: i32) -> i32 {
    let mut h = seed as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        h = mix(h, u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, b) in tail.iter().enumerate() {
            k ^= (*b as u32) << (8 * i);
        }
        h = mix_last(h, k);
    }
    avalanche(h ^ data.len() as u32) as i32
}

fn mix_last(h: u32, k: u32) -> u32 {
    let k = k.wrapping_mul(0xcc9e_2d51).rotate_left(15).wrapping_mul(0x1b87_3593);
    h ^ k
}

fn mix(h: u32, k: u32) -> u32 {
    mix_last(h, k).rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64)
}

fn avalanche(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// `new java.util.Random(seed).nextLong()` (the 48-bit linear congruential generator).
fn java_random_next_long(seed: i64) -> i64 {
    const MULTIPLIER: i64 = 0x5_DEEC_E66D;
    const MASK: i64 = (1 << 48) - 1;
    let mut state = (seed ^ MULTIPLIER) & MASK;
    let mut next = |bits: u32| {
        state = (state.wrapping_mul(MULTIPLIER).wrapping_add(0xB)) & MASK;
        (state >> (48 - bits)) as i32
    };
    let hi = (next(32) as i64) << 32;
    hi.wrapping_add(next(32) as i64)
}

/// Apache Commons Math's `Well19937c` generator (as `PoissonDistribution` creates it).
#[derive(Debug, Clone)]
struct Well19937c {
    v: Vec<i32>,
    index: usize,
}

const WELL_R: usize = 624;
const WELL_M1: usize = 70;
const WELL_M2: usize = 179;
const WELL_M3: usize = 449;

impl Well19937c {
    /// `setSeed(long)`: the seed's two halves, extended as `AbstractWell.setSeed(int[])`.
    fn new(seed: i64) -> Self {
        let mut v = vec![0i32; WELL_R];
        v[0] = (seed as u64 >> 32) as i32;
        v[1] = (seed & 0xffff_ffff) as i32;
        for i in 2..WELL_R {
            let l = v[i - 2] as i64;
            v[i] = ((1_812_433_253i64.wrapping_mul(l ^ (l >> 30)).wrapping_add(i as i64)) & 0xffff_ffff) as i32;
        }
        Well19937c { v, index: 0 }
    }

    fn next(&mut self, bits: u32) -> i32 {
        let r = WELL_R;
        let index = self.index;
        let index_rm1 = (index + r - 1) % r;
        let index_rm2 = (index + r - 2) % r;
        let v0 = self.v[index];
        let vm1 = self.v[(index + WELL_M1) % r];
        let vm2 = self.v[(index + WELL_M2) % r];
        let vm3 = self.v[(index + WELL_M3) % r];
        let ushr = |x: i32, n: u32| ((x as u32) >> n) as i32;
        let z0 = (i32::MIN & self.v[index_rm1]) ^ (0x7FFF_FFFF & self.v[index_rm2]);
        let z1 = (v0 ^ (v0 << 25)) ^ (vm1 ^ ushr(vm1, 27));
        let z2 = ushr(vm2, 9) ^ (vm3 ^ ushr(vm3, 1));
        let z3 = z1 ^ z2;
        let mut z4 = z0 ^ (z1 ^ (z1 << 9)) ^ (z2 ^ (z2 << 21)) ^ (z3 ^ ushr(z3, 21));
        self.v[index] = z3;
        self.v[index_rm1] = z4;
        self.v[index_rm2] &= i32::MIN;
        self.index = index_rm1;
        z4 ^= (z4 << 7) & (0xe46e_1700u32 as i32);
        z4 ^= (z4 << 15) & (0x9b86_8000u32 as i32);
        ushr(z4, 32 - bits)
    }

    /// `BitsStreamGenerator.nextDouble`: 52 random bits in `[0, 1)`.
    fn next_double(&mut self) -> f64 {
        let high = (self.next(26) as i64) << 26;
        let low = self.next(26) as i64;
        (high | low) as f64 * f64::powi(2.0, -52)
    }
}

/// Spark's `PoissonSampler` without gap sampling (as `SampleExec` uses it): for each
/// item, how many times it is drawn, Poisson-distributed with mean `fraction`.
#[derive(Debug, Clone)]
pub struct PoissonSampler {
    mean: f64,
    rng: Well19937c,
}

impl PoissonSampler {
    /// The sampler of the first partition of Spark's `PartitionwiseSampledRDD` with this
    /// seed: its generator is seeded with `new java.util.Random(seed).nextLong()`.
    pub fn new(mean: f64, seed: i64) -> Self {
        PoissonSampler { mean, rng: Well19937c::new(java_random_next_long(seed)) }
    }

    /// The next count (`PoissonDistribution.sample`); 0 for a mean of 0 or less.
    pub fn sample(&mut self) -> usize {
        if self.mean <= 0.0 {
            return 0;
        }
        // Commons Math switches to another algorithm at a mean of 40; Ember instead
        // adds draws of means below 40 (the sum of Poissons is Poisson), so very large
        // fractions are correct in distribution but not Spark's exact numbers.
        if self.mean < 40.0 {
            return self.small_mean(self.mean);
        }
        let mut left = self.mean;
        let mut total = 0usize;
        while left > 0.0 {
            let part = left.min(39.0);
            total += self.small_mean(part);
            left -= part;
        }
        total
    }

    /// `PoissonDistribution.nextPoisson` for a mean below 40: multiply uniforms until
    /// the product falls below `e^-mean`.
    fn small_mean(&mut self, mean: f64) -> usize {
        let p = (-mean).exp();
        let mut n = 0usize;
        let mut r = 1.0;
        while (n as f64) < 1000.0 * mean {
            r *= self.rng.next_double();
            if r >= p {
                n += 1;
            } else {
                return n;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spark 4.2.1 (local[2]): `SELECT id, rand(42) FROM range(0, 5)`; ids 0-1 are in
    /// partition 0 (seed 42), ids 2-4 in partition 1 (seed 43).
    #[test]
    fn xorshift_matches_spark_rand() {
        let mut r = XorShiftRandom::new(42);
        assert_eq!([r.next_double(), r.next_double()], [0.619189370225301, 0.5096018842446481]);
        let mut r = XorShiftRandom::new(43);
        let got: Vec<f64> = (0..3).map(|_| r.next_double()).collect();
        assert_eq!(got, vec![0.8017532427858894, 0.6565552949992319, 0.2515595782593636]);
        assert_eq!(XorShiftRandom::new(0).next_double(), 0.7604953758285915);
    }

    /// Spark 4.2.1: `SELECT randn(42)`.
    #[test]
    fn gaussian_matches_spark_randn() {
        assert_eq!(XorShiftRandom::new(42).next_gaussian(), 2.384479054241165);
    }

    #[test]
    fn bounded_ints_stay_in_range() {
        let mut r = XorShiftRandom::new(7);
        for bound in [1, 2, 3, 10, 1 << 20, i32::MAX] {
            for _ in 0..100 {
                let v = r.next_int_bounded(bound);
                assert!((0..bound).contains(&v));
            }
        }
    }

    #[test]
    fn poisson_counts_have_the_mean() {
        for mean in [0.0, 0.3, 2.5, 45.0] {
            let mut s = PoissonSampler::new(mean, 11);
            let n = 20_000;
            let total: usize = (0..n).map(|_| s.sample()).sum();
            let avg = total as f64 / n as f64;
            assert!((avg - mean).abs() <= 0.05 * mean.max(0.1), "mean {mean}: {avg}");
        }
    }
}
