//! `df.sample`, `df.sample_with_replacement` and `df.sample_by`: Spark's rows where
//! Spark reads the input as one partition (values from PySpark 4.2.1 over
//! `spark.range(0, 30, 1, 1)`), the same rows at every partitioning, thread count and
//! batch size, and Spark's argument checks.

use ember::functions::{col, lit};
use ember::{DataFrame, Session};

fn session(partitions: &str, threads: &str, batch: &str) -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", partitions)
        .config("ember.executor.threads", threads)
        .config("ember.execution.batchSize", batch)
        .build()
        .unwrap()
}

fn ids(df: &DataFrame) -> Vec<i64> {
    df.collect()
        .unwrap()
        .iter()
        .flat_map(|b| b.column(0).as_any().downcast_ref::<arrow::array::Int64Array>().unwrap().values().to_vec())
        .collect()
}

fn range30(s: &Session) -> DataFrame {
    s.range(0, 30, 1, None).unwrap()
}

#[test]
fn samples_match_spark_on_one_partition() {
    let s = session("1", "1", "8192");
    assert_eq!(ids(&range30(&s).sample(0.3, Some(5)).unwrap()), vec![0, 1, 5, 6, 8, 9, 11, 15, 16, 20, 23, 25, 28, 29]);
    assert_eq!(ids(&range30(&s).sample_with_replacement(0.5, Some(3)).unwrap()), vec![5, 6, 10, 13, 21, 27, 27, 27, 28]);
    let keyed = range30(&s).with_column("k", col("id").modulo(lit(3i64))).unwrap();
    let by = keyed.sample_by("k", [(0i64, 0.5), (1, 1.0)], Some(7)).unwrap();
    assert_eq!(ids(&by), vec![0, 1, 4, 6, 7, 10, 13, 15, 16, 19, 22, 25, 27, 28]);
}

#[test]
fn a_seeded_sample_does_not_depend_on_the_partitioning() {
    let reference = ids(&session("1", "1", "8192").range(0, 2000, 1, None).unwrap().sample(0.25, Some(99)).unwrap());
    assert!((400..600).contains(&reference.len()), "{} rows", reference.len());
    for (p, t, b) in [("7", "5", "3"), ("4", "2", "1"), ("16", "3", "100")] {
        let s = session(p, t, b);
        let df = s.range(0, 2000, 1, Some(p.parse().unwrap())).unwrap();
        assert_eq!(ids(&df.sample(0.25, Some(99)).unwrap()), reference, "{p} partitions, {t} threads, batch {b}");
        // Filters and limits above the sample see the same rows.
        let limited = df.sample(0.25, Some(99)).unwrap().filter(col("id").gt(lit(1000i64))).unwrap().limit(5).unwrap();
        let want: Vec<i64> = reference.iter().copied().filter(|&i| i > 1000).take(5).collect();
        assert_eq!(ids(&limited), want);
    }
}

#[test]
fn unseeded_samples_differ_but_keep_about_the_fraction() {
    let s = session("2", "2", "8192");
    let a = ids(&s.range(0, 5000, 1, None).unwrap().sample(0.5, None).unwrap());
    let b = ids(&s.range(0, 5000, 1, None).unwrap().sample(0.5, None).unwrap());
    assert!((2200..2800).contains(&a.len()) && (2200..2800).contains(&b.len()));
    assert_ne!(a, b);
}

#[test]
fn bad_fractions_are_errors() {
    let s = session("2", "2", "8192");
    let df = range30(&s);
    let err = df.sample(1.5, Some(1)).unwrap_err();
    assert!(err.to_string().contains("Sampling fraction (1.5) must be on interval [0, 1] without replacement"), "{err}");
    assert!(df.sample(-0.1, Some(1)).is_err());
    assert!(df.sample(f64::NAN, Some(1)).is_err());
    let err = df.sample_with_replacement(-0.5, Some(1)).unwrap_err();
    assert!(err.to_string().contains("must be nonnegative with replacement"), "{err}");
    let err = df.sample_by("id", [(0i64, 1.5)], Some(7)).unwrap_err();
    assert!(err.to_string().contains("Fractions must be in [0, 1]"), "{err}");
    assert!(df.sample_by("nope", [(0i64, 0.5)], Some(7)).is_err());
    // Fractions of 0 and 1 keep nothing and everything.
    assert!(ids(&df.sample(0.0, Some(1)).unwrap()).is_empty());
    assert_eq!(ids(&df.sample(1.0, Some(1)).unwrap()).len(), 30);
}
