//! Tests of `HashAggregateExec`: modes, NULL keys, empty input, FILTER, DISTINCT and
//! a partial → exchange → final round trip.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, UInt32Array};
use arrow::compute::kernels::cmp;
use arrow::datatypes::{DataType, Int64Type, SchemaRef};
use arrow::record_batch::RecordBatch;

use super::*;
use crate::execution_plan::collect_partitions_serial;
use crate::operators::hash_join::test_util::*;

fn sum(arg: usize, name: &str) -> AggregateExpr {
    agg(Arc::new(TestSum), arg, name)
}

fn count(arg: usize, name: &str) -> AggregateExpr {
    agg(Arc::new(TestCount), arg, name)
}

fn agg(func: Arc<dyn AggregateFunctionImpl>, arg: usize, name: &str) -> AggregateExpr {
    let return_type = DataType::Int64;
    AggregateExpr {
        func,
        args: vec![col("v", arg)],
        arg_types: vec![DataType::Int64],
        distinct: false,
        filter: None,
        name: name.into(),
        return_type,
    }
}

/// `k, v` batches.
fn kv(rows: &[(Option<i64>, Option<i64>)]) -> RecordBatch {
    int_batch(&[("k", rows.iter().map(|r| r.0).collect()), ("v", rows.iter().map(|r| r.1).collect())])
}

fn input(partitions: Vec<Vec<RecordBatch>>) -> Arc<dyn ExecutionPlan> {
    let schema = kv(&[]).schema();
    TestMemoryExec::arc(schema, partitions)
}

fn run(plan: Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Vec<RecordBatch> {
    collect_partitions_serial(&plan, ctx).unwrap()
}

/// Simulates a hash exchange on the Int64 column 0: NULL keys go to partition 0.
fn exchange(plan: &Arc<dyn ExecutionPlan>, n: usize) -> Arc<dyn ExecutionPlan> {
    let batches = run(plan.clone(), &TaskContext::default());
    let mut parts = vec![Vec::new(); n];
    for b in &batches {
        let keys = b.column(0).as_primitive::<Int64Type>();
        for (p, part) in parts.iter_mut().enumerate() {
            let idx: UInt32Array = (0..b.num_rows())
                .filter(|&r| if keys.is_null(r) { p == 0 } else { keys.value(r).rem_euclid(n as i64) as usize == p })
                .map(|r| r as u32)
                .collect();
            part.push(arrow::compute::take_record_batch(b, &idx).unwrap());
        }
    }
    let schema: SchemaRef = plan.schema();
    TestMemoryExec::arc(schema, parts)
}

#[test]
fn single_mode_groups_with_null_keys_over_batches() {
    let data = input(vec![vec![
        kv(&[(Some(1), Some(10)), (None, Some(1)), (Some(2), None)]),
        kv(&[(Some(1), Some(5)), (None, Some(2)), (Some(3), Some(7))]),
    ]]);
    let exec = HashAggregateExec::try_new(
        AggregateMode::Single,
        vec![(col("k", 0), "k".into())],
        vec![sum(1, "sum(v)"), count(1, "count(v)")],
        data,
    )
    .unwrap();
    assert_eq!(exec.details(), "mode=Single, keys=[k], functions=[sum(v), count(v)]");
    let out = run(Arc::new(exec), &ctx_with_batch_size(2));
    assert!(out.iter().all(|b| b.num_rows() <= 2));
    assert_eq!(sorted_rows(&out), ["1, 15, 2", "2, NULL, 0", "3, 7, 1", "NULL, 3, 2"]);
}

#[test]
fn global_aggregate_on_empty_input_returns_one_row() {
    for mode in [AggregateMode::Single, AggregateMode::Partial] {
        let exec = HashAggregateExec::try_new(mode, vec![], vec![sum(1, "sum(v)"), count(1, "count(v)")], input(vec![vec![]])).unwrap();
        let out = run(Arc::new(exec), &TaskContext::default());
        assert_eq!(rows(&out), ["NULL, 0"], "{mode}");
    }
}

#[test]
fn grouped_aggregate_on_empty_input_returns_nothing() {
    let exec = HashAggregateExec::try_new(
        AggregateMode::Single,
        vec![(col("k", 0), "k".into())],
        vec![count(1, "c")],
        input(vec![vec![], vec![]]),
    )
    .unwrap();
    assert!(rows(&run(Arc::new(exec), &TaskContext::default())).is_empty());
}

#[test]
fn partial_final_round_trip_across_partitions() {
    let data = input(vec![
        vec![kv(&[(Some(1), Some(1)), (Some(2), Some(2)), (None, Some(4))]), kv(&[(Some(3), None)])],
        vec![kv(&[(Some(1), Some(10)), (Some(2), Some(20)), (Some(-3), Some(5))])],
        vec![],
        vec![kv(&[(None, Some(40)), (Some(1), Some(100))])],
    ]);
    let keys = vec![(col("k", 0), "k".to_string())];
    let aggs = vec![sum(1, "sum(v)"), count(1, "count(v)")];
    let partial: Arc<dyn ExecutionPlan> =
        Arc::new(HashAggregateExec::try_new(AggregateMode::Partial, keys.clone(), aggs.clone(), data).unwrap());
    let names = partial.schema().fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>();
    assert_eq!(names, ["k", "sum(v)[sum]", "count(v)[count]"]);
    assert!(matches!(partial.output_partitioning(), Partitioning::Unknown(4)));
    let shuffled = exchange(&partial, 3);
    let final_ = HashAggregateExec::try_new(AggregateMode::Final, keys, aggs, shuffled).unwrap();
    assert!(matches!(&final_.required_input_distribution()[0], Distribution::HashPartitioned(k) if k.len() == 1));
    let out = run(Arc::new(final_), &ctx_with_batch_size(1));
    assert_eq!(sorted_rows(&out), ["-3, 5, 1", "1, 111, 3", "2, 22, 2", "3, NULL, 0", "NULL, 44, 2"]);
}

#[test]
fn global_partial_final_emits_a_state_row_per_partition() {
    let data = input(vec![vec![kv(&[(Some(1), Some(1))])], vec![], vec![kv(&[(Some(2), Some(2)), (Some(2), None)])]]);
    let aggs = vec![sum(1, "s"), count(1, "c")];
    let partial: Arc<dyn ExecutionPlan> = Arc::new(HashAggregateExec::try_new(AggregateMode::Partial, vec![], aggs.clone(), data).unwrap());
    let states = run(partial.clone(), &TaskContext::default());
    assert_eq!(rows(&states), ["1, 1", "NULL, 0", "2, 1"]);
    let single = TestMemoryExec::arc(partial.schema(), vec![states]);
    let final_ = HashAggregateExec::try_new(AggregateMode::Final, vec![], aggs.clone(), single).unwrap();
    assert!(matches!(final_.required_input_distribution()[0], Distribution::SinglePartition));
    assert_eq!(rows(&run(Arc::new(final_), &TaskContext::default())), ["3, 2"]);
    // Final over no state rows at all still gives one row.
    let empty = TestMemoryExec::arc(partial.schema(), vec![vec![]]);
    let final_ = HashAggregateExec::try_new(AggregateMode::Final, vec![], aggs, empty).unwrap();
    assert_eq!(rows(&run(Arc::new(final_), &TaskContext::default())), ["NULL, 0"]);
}

fn v_gt_2(b: &RecordBatch) -> ArrayRef {
    let v = b.column(1).as_primitive::<Int64Type>();
    Arc::new(cmp::gt(v, &arrow::array::Int64Array::new_scalar(2)).unwrap())
}

#[test]
fn filter_clause_skips_rows_not_true() {
    let data = input(vec![vec![kv(&[(Some(1), Some(1)), (Some(1), Some(3)), (Some(1), None), (Some(2), Some(2))])]]);
    let mut s = sum(1, "s");
    s.filter = Some(fn_expr("v > 2", DataType::Boolean, v_gt_2));
    let mut c = count(1, "c");
    c.filter = s.filter.clone();
    let exec = HashAggregateExec::try_new(AggregateMode::Single, vec![(col("k", 0), "k".into())], vec![s, c], data).unwrap();
    assert_eq!(sorted_rows(&run(Arc::new(exec), &TaskContext::default())), ["1, 3, 1", "2, NULL, 0"]);
}

#[test]
fn distinct_counts_each_value_once_per_group() {
    let data = input(vec![vec![
        kv(&[(Some(1), Some(3)), (Some(1), Some(3)), (Some(1), None), (Some(2), Some(3))]),
        kv(&[(Some(1), Some(3)), (Some(1), Some(4)), (Some(2), Some(1)), (Some(2), Some(5))]),
    ]]);
    let mut d = count(1, "count(DISTINCT v)");
    d.distinct = true;
    let mut ds = sum(1, "sum(DISTINCT v) FILTER (v > 2)");
    ds.distinct = true;
    ds.filter = Some(fn_expr("v > 2", DataType::Boolean, v_gt_2));
    let plain = count(1, "count(v)");
    let exec =
        HashAggregateExec::try_new(AggregateMode::Single, vec![(col("k", 0), "k".into())], vec![d.clone(), ds, plain], data).unwrap();
    assert_eq!(sorted_rows(&run(Arc::new(exec), &TaskContext::default())), ["1, 2, 7, 4", "2, 3, 8, 3"]);
    let err = HashAggregateExec::try_new(AggregateMode::Partial, vec![], vec![d], input(vec![])).unwrap_err();
    assert_eq!(err.class(), "INTERNAL_ERROR");
}

#[test]
fn float_keys_normalize_zero_and_nan() {
    let b = RecordBatch::try_from_iter([(
        "f",
        Arc::new(arrow::array::Float64Array::from(vec![0.0, -0.0, f64::NAN, -f64::NAN, 1.5])) as ArrayRef,
    )])
    .unwrap();
    let data = TestMemoryExec::arc(b.schema(), vec![vec![b]]);
    let c = AggregateExpr { arg_types: vec![], args: vec![], ..count(0, "count(1)") };
    let exec = HashAggregateExec::try_new(AggregateMode::Single, vec![(col("f", 0), "f".into())], vec![c], data).unwrap();
    assert_eq!(sorted_rows(&run(Arc::new(exec), &TaskContext::default())), ["0.0, 2", "1.5, 1", "NaN, 2"]);
}

#[test]
fn filter_must_be_boolean() {
    let mut s = sum(1, "s");
    s.filter = Some(col("v", 1));
    let exec = HashAggregateExec::try_new(AggregateMode::Single, vec![], vec![s], input(vec![vec![kv(&[(Some(1), Some(1))])]])).unwrap();
    let err = collect_partitions_serial(&(Arc::new(exec) as Arc<dyn ExecutionPlan>), &TaskContext::default()).unwrap_err();
    assert!(err.to_string().contains("not boolean"), "{err}");
    let _ = BooleanArray::from(vec![true]);
}

#[test]
fn output_partitioning_maps_input_hash_keys_to_group_columns() {
    let hashed = |exprs: Vec<PhysicalExprRef>| -> Arc<dyn ExecutionPlan> {
        let schema = kv(&[]).schema();
        Arc::new(TestMemoryExec { schema, partitions: vec![vec![]; 4], partitioning: Some(Partitioning::Hash(exprs, 4)) })
    };
    let keys = vec![(col("v", 1), "v".to_string()), (col("k", 0), "key".to_string())];
    let exec = HashAggregateExec::try_new(AggregateMode::Partial, keys.clone(), vec![count(1, "c")], hashed(vec![col("k", 0)])).unwrap();
    match exec.output_partitioning() {
        Partitioning::Hash(e, 4) => assert_eq!(e.iter().map(|e| e.to_string()).collect::<Vec<_>>(), ["key#1"]),
        other => panic!("{other:?}"),
    }
    let exec = HashAggregateExec::try_new(
        AggregateMode::Single,
        keys,
        vec![count(1, "c")],
        hashed(vec![fn_expr("other", DataType::Int64, |b| b.column(0).clone())]),
    )
    .unwrap();
    assert!(matches!(exec.output_partitioning(), Partitioning::Unknown(4)));
}

#[test]
fn partial_merge_combines_states_and_final_reads_them() {
    // Two "batches" of partial states for the same keys merge into one state row per
    // key (streaming aggregation merges a batch with the stored state this way).
    let data = input(vec![vec![kv(&[(Some(1), Some(1)), (Some(2), None)])], vec![kv(&[(Some(1), Some(10)), (None, Some(4))])]]);
    let keys = vec![(col("k", 0), "k".to_string())];
    let aggs = vec![sum(1, "sum(v)"), count(1, "count(v)")];
    let partial: Arc<dyn ExecutionPlan> =
        Arc::new(HashAggregateExec::try_new(AggregateMode::Partial, keys.clone(), aggs.clone(), data).unwrap());
    let states = run(partial.clone(), &TaskContext::default());
    let merged_in = TestMemoryExec::arc(partial.schema(), vec![states]);
    let merge: Arc<dyn ExecutionPlan> =
        Arc::new(HashAggregateExec::try_new(AggregateMode::PartialMerge, keys.clone(), aggs.clone(), merged_in).unwrap());
    assert_eq!(merge.schema(), partial.schema());
    let merged = run(merge.clone(), &TaskContext::default());
    assert_eq!(sorted_rows(&merged), ["1, 11, 2", "2, NULL, 0", "NULL, 4, 1"]);
    let final_in = TestMemoryExec::arc(merge.schema(), vec![merged]);
    let final_ = HashAggregateExec::try_new(AggregateMode::Final, keys, aggs, final_in).unwrap();
    assert_eq!(sorted_rows(&run(Arc::new(final_), &TaskContext::default())), ["1, 11, 2", "2, NULL, 0", "NULL, 4, 1"]);
}

/// `n` rows of `k, v` in batches of 10: `groups` keys (one of them NULL), `v` = row.
fn many_groups(n: i64, groups: i64) -> Vec<RecordBatch> {
    (0..n)
        .step_by(10)
        .map(|start| kv(&(start..(start + 10).min(n)).map(|i| ((i % groups != 7).then_some(i % groups), Some(i))).collect::<Vec<_>>()))
        .collect()
}

fn partial_then_final(parts: Vec<Vec<RecordBatch>>, ctx: &TaskContext) -> Vec<String> {
    let keys = vec![(col("k", 0), "k".to_string())];
    let aggs = vec![sum(1, "sum(v)"), count(1, "count(v)")];
    let partial: Arc<dyn ExecutionPlan> =
        Arc::new(HashAggregateExec::try_new(AggregateMode::Partial, keys.clone(), aggs.clone(), input(parts)).unwrap());
    let shuffled = exchange(&partial, 3);
    let final_ = HashAggregateExec::try_new(AggregateMode::Final, keys, aggs, shuffled).unwrap();
    sorted_rows(&run(Arc::new(final_), ctx))
}

#[test]
fn final_aggregate_spills_partitions_and_merges_them() {
    for (n, groups) in [(20_000, 5_000), (3_000, 3_000), (1, 1), (0, 1), (500, 1)] {
        let parts = vec![many_groups(n, groups), vec![], many_groups(n / 3, groups)];
        let unlimited = partial_then_final(parts.clone(), &ctx_with_batch_size(100));
        let ctx = ctx_with_memory_limit(100, "32k");
        assert_eq!(partial_then_final(parts, &ctx), unlimited, "{n} rows in {groups} groups");
        assert_eq!(ctx.spill.metrics().files() > 0, groups > 1000, "{n} rows in {groups} groups");
        assert_eq!(ctx.memory.reserved(), 0);
    }
}

#[test]
fn single_mode_spills_and_partial_mode_emits_early() {
    let parts = vec![many_groups(12_000, 4_000)];
    let keys = vec![(col("k", 0), "k".to_string())];
    let single = |ctx: &TaskContext| {
        let exec = HashAggregateExec::try_new(AggregateMode::Single, keys.clone(), vec![sum(1, "s")], input(parts.clone())).unwrap();
        sorted_rows(&run(Arc::new(exec), ctx))
    };
    let ctx = ctx_with_memory_limit(100, "32k");
    assert_eq!(single(&ctx), single(&TaskContext::default()));
    assert!(ctx.spill.metrics().files() > 0);

    let partial = HashAggregateExec::try_new(AggregateMode::Partial, keys, vec![count(1, "c")], input(parts)).unwrap();
    let ctx = ctx_with_memory_limit(100, "32k");
    let out = run(Arc::new(partial), &ctx);
    // Groups are handed on more than once (the final aggregate merges them), nothing spills.
    assert!(out.iter().map(|b| b.num_rows()).sum::<usize>() > 4_000);
    assert_eq!(ctx.spill.metrics().files(), 0);
}

#[test]
fn distinct_aggregate_that_does_not_fit_fails_with_unable_to_acquire_memory() {
    let mut distinct = count(1, "c");
    distinct.distinct = true;
    let exec = HashAggregateExec::try_new(AggregateMode::Single, vec![], vec![distinct], input(vec![many_groups(50_000, 10)])).unwrap();
    let plan: Arc<dyn ExecutionPlan> = Arc::new(exec);
    let e = collect_partitions_serial(&plan, &ctx_with_memory_limit(100, "64k")).unwrap_err();
    assert_eq!(e.class(), "UNABLE_TO_ACQUIRE_MEMORY");
    assert!(e.to_string().contains("HashAggregateExec(Single)[partition 0]"), "{e}");
    assert_eq!(rows(&run(plan, &TaskContext::default())), ["50000"]);
}
