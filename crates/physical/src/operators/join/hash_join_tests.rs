//! Tests of `HashJoinExec`: every join type on both build sides and both modes, with
//! duplicate and NULL keys, residual filters, empty sides and small batches.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use arrow::compute::kernels::cmp;
use arrow::datatypes::{DataType, Int64Type};
use arrow::record_batch::RecordBatch;
use ember_plan::JoinType;

use super::test_util::*;
use super::*;
use crate::execution_plan::collect_partitions_serial;

/// Left `(lk, lv)`: keys 1, 1, 2, NULL, 4 over two batches.
fn left_batches() -> Vec<RecordBatch> {
    vec![
        int_batch(&[("lk", vec![Some(1), Some(1), Some(2)]), ("lv", vec![Some(10), Some(11), Some(20)])]),
        int_batch(&[("lk", vec![None, Some(4)]), ("lv", vec![Some(99), Some(40)])]),
    ]
}

/// Right `(rk, rv)`: keys 1, 2, 2, NULL, 3.
fn right_batches() -> Vec<RecordBatch> {
    vec![
        int_batch(&[("rk", vec![Some(1), Some(2)]), ("rv", vec![Some(100), Some(200)])]),
        int_batch(&[("rk", vec![]), ("rv", vec![])]),
        int_batch(&[("rk", vec![Some(2), None, Some(3)]), ("rv", vec![Some(201), Some(999), Some(300)])]),
    ]
}

fn leaf(batches: Vec<RecordBatch>, partitions: usize) -> Arc<dyn ExecutionPlan> {
    let schema = batches[0].schema();
    TestMemoryExec::arc(schema, split_by_key(batches, partitions))
}

/// Simulates a hash exchange on Int64 column 0 (NULL keys to partition 0).
fn split_by_key(batches: Vec<RecordBatch>, n: usize) -> Vec<Vec<RecordBatch>> {
    let mut parts = vec![Vec::new(); n];
    for b in &batches {
        let keys = b.column(0).as_primitive::<Int64Type>();
        for (p, part) in parts.iter_mut().enumerate() {
            let idx: arrow::array::UInt32Array = (0..b.num_rows() as u32).filter(|&r| owner(keys, r as usize, n) == p).collect();
            part.push(arrow::compute::take_record_batch(b, &idx).unwrap());
        }
    }
    parts
}

fn owner(keys: &arrow::array::Int64Array, r: usize, n: usize) -> usize {
    if keys.is_null(r) {
        0
    } else {
        keys.value(r).rem_euclid(n as i64) as usize
    }
}

fn join(
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    join_type: JoinType,
    mode: PartitionMode,
    filter: Option<PhysicalExprRef>,
    batch_size: usize,
) -> Vec<String> {
    let on = vec![(col("lk", 0), col("rk", 0))];
    let exec: Arc<dyn ExecutionPlan> = Arc::new(HashJoinExec::try_new(left, right, on, filter, join_type, mode).unwrap());
    let out = collect_partitions_serial(&exec, &ctx_with_batch_size(batch_size)).unwrap();
    assert!(out.iter().all(|b| b.num_rows() <= batch_size && b.schema() == exec.schema()));
    sorted_rows(&out)
}

fn modes(join_type: JoinType) -> Vec<PartitionMode> {
    if output::at_most_one_match(join_type) {
        // Single and existence joins always probe with their left side.
        return vec![PartitionMode::Partitioned { build: BuildSide::Right }, PartitionMode::Broadcast { build: BuildSide::Right }];
    }
    let mut modes = vec![PartitionMode::Partitioned { build: BuildSide::Left }, PartitionMode::Partitioned { build: BuildSide::Right }];
    if !matches!(join_type, JoinType::LeftOuter | JoinType::FullOuter | JoinType::LeftSemi | JoinType::LeftAnti) {
        modes.push(PartitionMode::Broadcast { build: BuildSide::Left });
    }
    if !matches!(join_type, JoinType::RightOuter | JoinType::FullOuter) {
        modes.push(PartitionMode::Broadcast { build: BuildSide::Right });
    }
    modes
}

/// Runs `join_type` in every valid mode, 1 and 3 partitions, batch sizes 1 and 64,
/// and checks they agree; returns the sorted rows.
fn check_all(join_type: JoinType, filter: Option<PhysicalExprRef>) -> Vec<String> {
    check_all_seen_as(join_type, filter, |rows| rows)
}

/// [`check_all`], comparing the runs as `view` shows their sorted rows.
fn check_all_seen_as(join_type: JoinType, filter: Option<PhysicalExprRef>, view: fn(Vec<String>) -> Vec<String>) -> Vec<String> {
    let mut result: Option<Vec<String>> = None;
    for mode in modes(join_type) {
        for n in [1, 3] {
            for batch_size in [1, 64] {
                let (l, r) = match mode {
                    PartitionMode::Partitioned { .. } => (leaf(left_batches(), n), leaf(right_batches(), n)),
                    PartitionMode::Broadcast { build: BuildSide::Left } => (leaf(left_batches(), 1), leaf(right_batches(), n)),
                    PartitionMode::Broadcast { build: BuildSide::Right } => (leaf(left_batches(), n), leaf(right_batches(), 1)),
                };
                let got = view(join(l, r, join_type, mode, filter.clone(), batch_size));
                match &result {
                    Some(expected) => assert_eq!(&got, expected, "{join_type} {mode:?} partitions={n} batch_size={batch_size}"),
                    None => result = Some(got),
                }
            }
        }
    }
    result.unwrap_or_default()
}

#[test]
fn inner() {
    assert_eq!(check_all(JoinType::Inner, None), ["1, 10, 1, 100", "1, 11, 1, 100", "2, 20, 2, 200", "2, 20, 2, 201"]);
}

#[test]
fn left_outer() {
    assert_eq!(
        check_all(JoinType::LeftOuter, None),
        ["1, 10, 1, 100", "1, 11, 1, 100", "2, 20, 2, 200", "2, 20, 2, 201", "4, 40, NULL, NULL", "NULL, 99, NULL, NULL"]
    );
}

#[test]
fn right_outer() {
    assert_eq!(
        check_all(JoinType::RightOuter, None),
        ["1, 10, 1, 100", "1, 11, 1, 100", "2, 20, 2, 200", "2, 20, 2, 201", "NULL, NULL, 3, 300", "NULL, NULL, NULL, 999"]
    );
}

#[test]
fn full_outer() {
    assert_eq!(
        check_all(JoinType::FullOuter, None),
        [
            "1, 10, 1, 100",
            "1, 11, 1, 100",
            "2, 20, 2, 200",
            "2, 20, 2, 201",
            "4, 40, NULL, NULL",
            "NULL, 99, NULL, NULL",
            "NULL, NULL, 3, 300",
            "NULL, NULL, NULL, 999"
        ]
    );
}

#[test]
fn left_semi_and_anti() {
    assert_eq!(check_all(JoinType::LeftSemi, None), ["1, 10", "1, 11", "2, 20"]);
    // NOT EXISTS semantics: rows with a NULL key survive an anti join.
    assert_eq!(check_all(JoinType::LeftAnti, None), ["4, 40", "NULL, 99"]);
}

/// `lv + 180 < rv`: keeps only (2, 20) with rv = 201 among the key matches.
fn residual(b: &RecordBatch) -> ArrayRef {
    let lv = b.column(1).as_primitive::<Int64Type>();
    let rv = b.column(3).as_primitive::<Int64Type>();
    let shifted = arrow::compute::kernels::numeric::add(lv, &Int64Array::new_scalar(180)).unwrap();
    Arc::new(cmp::lt(&shifted, rv).unwrap())
}

#[test]
fn residual_filter_applies_to_every_join_type() {
    let f = || Some(fn_expr("lv + 180 < rv", DataType::Boolean, residual));
    assert_eq!(check_all(JoinType::Inner, f()), ["2, 20, 2, 201"]);
    assert_eq!(
        check_all(JoinType::LeftOuter, f()),
        ["1, 10, NULL, NULL", "1, 11, NULL, NULL", "2, 20, 2, 201", "4, 40, NULL, NULL", "NULL, 99, NULL, NULL"]
    );
    assert_eq!(
        check_all(JoinType::RightOuter, f()),
        ["2, 20, 2, 201", "NULL, NULL, 1, 100", "NULL, NULL, 2, 200", "NULL, NULL, 3, 300", "NULL, NULL, NULL, 999"]
    );
    assert_eq!(check_all(JoinType::FullOuter, f()).len(), 9);
    assert_eq!(check_all(JoinType::LeftSemi, f()), ["2, 20"]);
    assert_eq!(check_all(JoinType::LeftAnti, f()), ["1, 10", "1, 11", "4, 40", "NULL, 99"]);
}

#[test]
fn left_single_fails_on_a_second_match() {
    // Key 2 meets two right rows.
    for mode in modes(JoinType::LeftSingle) {
        let on = vec![(col("lk", 0), col("rk", 0))];
        let exec: Arc<dyn ExecutionPlan> =
            Arc::new(HashJoinExec::try_new(leaf(left_batches(), 1), leaf(right_batches(), 1), on, None, JoinType::LeftSingle, mode).unwrap());
        let err = collect_partitions_serial(&exec, &ctx_with_batch_size(64)).unwrap_err();
        assert_eq!(err.class(), "SCALAR_SUBQUERY_TOO_MANY_ROWS");
    }
    // With the residual filter each left row meets at most one: a left outer join.
    let f = || Some(fn_expr("lv + 180 < rv", DataType::Boolean, residual));
    assert_eq!(check_all(JoinType::LeftSingle, f()), check_all(JoinType::LeftOuter, f()));
    let build_left = PartitionMode::Partitioned { build: BuildSide::Left };
    let on = vec![(col("lk", 0), col("rk", 0))];
    assert!(HashJoinExec::try_new(leaf(left_batches(), 1), leaf(right_batches(), 1), on, None, JoinType::LeftSingle, build_left).is_err());
}

#[test]
fn left_existence_keeps_one_match_per_left_row() {
    // Key 2 meets two right rows (200 and 201): one of them is kept.
    let without_rv = |rows: Vec<String>| rows.into_iter().map(|r| r.rsplit_once(", ").map_or(r.clone(), |(head, _)| head.to_string())).collect();
    assert_eq!(check_all_seen_as(JoinType::LeftExistence, None, without_rv), ["1, 10, 1", "1, 11, 1", "2, 20, 2", "4, 40, NULL", "NULL, 99, NULL"]);
    // With the residual filter each left row meets at most one: a left outer join.
    let f = || Some(fn_expr("lv + 180 < rv", DataType::Boolean, residual));
    assert_eq!(check_all(JoinType::LeftExistence, f()), check_all(JoinType::LeftOuter, f()));
}

#[test]
fn empty_sides() {
    let empty_l = || TestMemoryExec::arc(left_batches()[0].schema(), vec![vec![]]);
    let empty_r = || TestMemoryExec::arc(right_batches()[0].schema(), vec![vec![]]);
    let part = |b| PartitionMode::Partitioned { build: b };
    assert!(join(leaf(left_batches(), 1), empty_r(), JoinType::Inner, part(BuildSide::Right), None, 8).is_empty());
    assert_eq!(join(leaf(left_batches(), 1), empty_r(), JoinType::LeftAnti, part(BuildSide::Left), None, 8).len(), 5);
    assert_eq!(join(leaf(left_batches(), 1), empty_r(), JoinType::LeftOuter, part(BuildSide::Right), None, 8).len(), 5);
    assert_eq!(join(empty_l(), leaf(right_batches(), 1), JoinType::FullOuter, part(BuildSide::Left), None, 8).len(), 5);
    assert!(join(empty_l(), leaf(right_batches(), 1), JoinType::LeftSemi, part(BuildSide::Right), None, 8).is_empty());
}

#[test]
fn one_row_each_side() {
    let l = leaf(vec![int_batch(&[("lk", vec![Some(7)]), ("lv", vec![None])])], 1);
    let r = leaf(vec![int_batch(&[("rk", vec![Some(7)]), ("rv", vec![Some(1)])])], 1);
    assert_eq!(join(l, r, JoinType::Inner, PartitionMode::Broadcast { build: BuildSide::Right }, None, 1), ["7, NULL, 7, 1"]);
}

#[test]
fn schema_nullability_and_shape() {
    let l = leaf(left_batches(), 1);
    let r = leaf(right_batches(), 2);
    let on = vec![(col("lk", 0), col("rk", 0))];
    let semi = HashJoinExec::try_new(
        l.clone(),
        r.clone(),
        on.clone(),
        None,
        JoinType::LeftSemi,
        PartitionMode::Broadcast { build: BuildSide::Right },
    )
    .unwrap();
    assert_eq!(semi.schema().fields().len(), 2);
    assert_eq!(semi.details(), "LeftSemi, mode=Broadcast(build=Right), on=[(lk, rk)]");
    assert_eq!(semi.output_partitioning().partition_count(), 1);
    assert!(matches!(semi.required_input_distribution()[1], Distribution::Broadcast));
    let strict = |name: &str| arrow::datatypes::Field::new(name, DataType::Int64, false);
    let ls = Arc::new(arrow::datatypes::Schema::new(vec![strict("lk"), strict("lv")]));
    let l2 = TestMemoryExec::arc(ls, vec![vec![]]);
    let outer =
        HashJoinExec::try_new(l2, r.clone(), on.clone(), None, JoinType::RightOuter, PartitionMode::Partitioned { build: BuildSide::Left })
            .unwrap();
    assert!(outer.schema().field(0).is_nullable());
    assert_eq!(outer.output_partitioning().partition_count(), 2);
    let err = HashJoinExec::try_new(
        l.clone(),
        r.clone(),
        on.clone(),
        None,
        JoinType::LeftOuter,
        PartitionMode::Broadcast { build: BuildSide::Left },
    )
    .unwrap_err();
    assert_eq!(err.class(), "INTERNAL_ERROR");
    let bad_on = vec![(col("lk", 0), fn_expr("s", DataType::Utf8, |b| b.column(0).clone()))];
    assert!(HashJoinExec::try_new(l, r, bad_on, None, JoinType::Inner, PartitionMode::Partitioned { build: BuildSide::Left }).is_err());
}

#[test]
fn broadcast_table_is_built_once() {
    let l = leaf(left_batches(), 3);
    let r = leaf(right_batches(), 1);
    let on = vec![(col("lk", 0), col("rk", 0))];
    let exec = HashJoinExec::try_new(l, r, on, None, JoinType::Inner, PartitionMode::Broadcast { build: BuildSide::Right }).unwrap();
    let ctx = TaskContext::default();
    let _ = exec.execute(0, &ctx).unwrap();
    let first = exec.shared_table.lock().unwrap().clone().unwrap();
    let _ = exec.execute(2, &ctx).unwrap();
    assert!(Arc::ptr_eq(&first, exec.shared_table.lock().unwrap().as_ref().unwrap()));
}

#[test]
fn multi_column_keys_with_strings_and_float_normalization() {
    let lb = RecordBatch::try_from_iter([
        ("s", Arc::new(arrow::array::StringArray::from(vec![Some("a"), Some("a"), None])) as ArrayRef),
        ("f", Arc::new(arrow::array::Float64Array::from(vec![0.0, f64::NAN, 1.0])) as ArrayRef),
    ])
    .unwrap();
    let rb = RecordBatch::try_from_iter([
        ("s", Arc::new(arrow::array::StringArray::from(vec![Some("a"), Some("a"), None])) as ArrayRef),
        ("f", Arc::new(arrow::array::Float64Array::from(vec![-0.0, -f64::NAN, 1.0])) as ArrayRef),
    ])
    .unwrap();
    let l = TestMemoryExec::arc(lb.schema(), vec![vec![lb]]);
    let r = TestMemoryExec::arc(rb.schema(), vec![vec![rb]]);
    let on = vec![(col("s", 0), col("s", 0)), (col("f", 1), col("f", 1))];
    let exec: Arc<dyn ExecutionPlan> =
        Arc::new(HashJoinExec::try_new(l, r, on, None, JoinType::Inner, PartitionMode::Partitioned { build: BuildSide::Right }).unwrap());
    let out = collect_partitions_serial(&exec, &TaskContext::default()).unwrap();
    assert_eq!(sorted_rows(&out), ["a, 0.0, a, -0.0", "a, NaN, a, NaN"]);
}
