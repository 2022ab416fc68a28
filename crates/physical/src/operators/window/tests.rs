//! WindowExec tests: empty input, one row, NULL keys, ties, frames at partition
//! edges, many batches and many partitions, and the segment tree against a naive sum.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::compute::SortOptions;
use arrow::datatypes::{DataType, Int64Type};
use arrow::record_batch::RecordBatch;
use ember_common::Result;
use ember_plan::{BuiltinWindowFunction as B, ScalarValue, WindowFrame, WindowFrameBound as Bound, WindowFrameUnits as Units};

use super::*;
use crate::expressions::{LiteralExpr, PhysicalSortExpr};
use crate::operators::hash_join::test_util::*;

fn asc(i: usize, name: &str) -> PhysicalSortExpr {
    PhysicalSortExpr { expr: col(name, i), options: SortOptions { descending: false, nulls_first: true } }
}

fn builtin(f: B, param: i64, args: Vec<PhysicalExprRef>, frame: WindowFrame, ignore_nulls: bool, ty: DataType) -> WindowExpr {
    WindowExpr {
        func: WindowFunctionExec::Builtin { func: f, param },
        args,
        frame,
        ignore_nulls,
        name: f.name().into(),
        return_type: ty,
        nullable: true,
    }
}

fn ranking(f: B, param: i64) -> WindowExpr {
    let ty = if matches!(f, B::PercentRank | B::CumeDist) { DataType::Float64 } else { DataType::Int32 };
    builtin(f, param, vec![], WindowFrame::rows_to_current(), false, ty)
}

fn sum(arg: usize, frame: WindowFrame, name: &str) -> WindowExpr {
    WindowExpr {
        func: WindowFunctionExec::Aggregate { func: Arc::new(ember_functions::aggregate::sum::Sum), arg_types: vec![DataType::Int64] },
        args: vec![col("v", arg)],
        frame,
        ignore_nulls: false,
        name: name.into(),
        return_type: DataType::Int64,
        nullable: true,
    }
}

fn rows_frame(start: Bound, end: Bound) -> WindowFrame {
    WindowFrame::new(Units::Rows, start, end)
}

fn n(v: i32) -> ScalarValue {
    ScalarValue::Int32(Some(v))
}

/// Runs a WindowExec partitioned by column 0 and ordered by column 1 over `parts`
/// (each already sorted), with output batches of `batch_size` rows.
fn run(parts: Vec<Vec<RecordBatch>>, exprs: Vec<WindowExpr>, batch_size: usize, partitioned: bool) -> Vec<Vec<String>> {
    let schema = parts.iter().flatten().next().map(|b| b.schema()).unwrap_or_else(|| int_batch(&[("k", vec![]), ("v", vec![])]).schema());
    let input = TestMemoryExec::arc(schema, parts.clone());
    let partition_by = if partitioned { vec![col("k", 0)] } else { vec![] };
    let exec = WindowExec::try_new(input, partition_by, vec![asc(1, "v")], exprs).unwrap();
    let ctx = ctx_with_batch_size(batch_size);
    (0..parts.len())
        .map(|p| {
            let batches = exec.execute(p, &ctx).unwrap().collect::<Result<Vec<_>>>().unwrap();
            assert!(batches.iter().all(|b| b.num_rows() <= batch_size && b.num_rows() > 0));
            rows(&batches)
        })
        .collect()
}

fn keyed(k: Vec<Option<i64>>, v: Vec<Option<i64>>) -> RecordBatch {
    int_batch(&[("k", k), ("v", v)])
}

#[test]
fn empty_input_gives_no_rows() {
    let out = run(vec![vec![], vec![keyed(vec![], vec![])]], vec![ranking(B::RowNumber, 0)], 4, true);
    assert_eq!(out, vec![Vec::<String>::new(), vec![]]);
}

#[test]
fn one_row() {
    let exprs = vec![
        ranking(B::RowNumber, 0),
        ranking(B::Rank, 0),
        ranking(B::PercentRank, 0),
        ranking(B::CumeDist, 0),
        ranking(B::Ntile, 3),
        builtin(
            B::Lag,
            -1,
            vec![col("v", 1), Arc::new(LiteralExpr::new(ScalarValue::Int64(None)))],
            WindowFrame::rows_to_current(),
            false,
            DataType::Int64,
        ),
        sum(1, WindowFrame::default_for(true), "s"),
    ];
    let out = run(vec![vec![keyed(vec![Some(1)], vec![Some(5)])]], exprs, 4, true);
    assert_eq!(out[0], ["1, 5, 1, 1, 0.0, 1.0, 1, NULL, 5"]);
}

#[test]
fn ties_and_null_keys() {
    // Sorted by k (NULLs first), then v (NULLs first).
    let batch = keyed(vec![None, None, Some(1), Some(1), Some(1), Some(1)], vec![None, Some(2), None, Some(1), Some(1), Some(3)]);
    let exprs = vec![
        ranking(B::RowNumber, 0),
        ranking(B::Rank, 0),
        ranking(B::DenseRank, 0),
        ranking(B::PercentRank, 0),
        ranking(B::CumeDist, 0),
        sum(1, WindowFrame::default_for(true), "running"),
    ];
    let out = run(vec![vec![batch]], exprs, 100, true);
    assert_eq!(
        out[0],
        [
            "NULL, NULL, 1, 1, 1, 0.0, 0.5, NULL",
            "NULL, 2, 2, 2, 2, 1.0, 1.0, 2",
            "1, NULL, 1, 1, 1, 0.0, 0.25, NULL",
            "1, 1, 2, 2, 2, 0.3333333333333333, 0.75, 2",
            "1, 1, 3, 2, 2, 0.3333333333333333, 0.75, 2",
            "1, 3, 4, 4, 3, 1.0, 1.0, 5",
        ]
    );
}

#[test]
fn frames_at_partition_edges() {
    let batch = keyed(vec![Some(1), Some(1), Some(1), Some(2), Some(2)], vec![Some(1), Some(2), Some(4), Some(10), Some(20)]);
    let exprs = vec![
        sum(1, rows_frame(Bound::Preceding(n(1)), Bound::Following(n(1))), "around"),
        sum(1, rows_frame(Bound::CurrentRow, Bound::UnboundedFollowing), "rest"),
        sum(1, rows_frame(Bound::Following(n(1)), Bound::Following(n(2))), "next_two"),
        sum(1, WindowFrame::new(Units::Range, Bound::Preceding(n(1)), Bound::CurrentRow), "range"),
        builtin(
            B::Lead,
            1,
            vec![col("v", 1), Arc::new(LiteralExpr::new(ScalarValue::Int64(Some(-1))))],
            WindowFrame::rows_to_current(),
            false,
            DataType::Int64,
        ),
        ranking(B::Ntile, 2),
    ];
    let out = run(vec![vec![batch]], exprs, 2, true);
    assert_eq!(
        out[0],
        [
            "1, 1, 3, 7, 6, 1, 2, 1",
            "1, 2, 7, 6, 4, 3, 4, 1",
            "1, 4, 6, 4, NULL, 4, -1, 2",
            "2, 10, 30, 30, 20, 10, 20, 1",
            "2, 20, 30, 20, NULL, 20, -1, 2",
        ]
    );
}

#[test]
fn frame_values_with_ignore_nulls() {
    let batch = int_batch(&[
        ("k", vec![Some(1); 5]),
        ("v", vec![Some(1), Some(2), Some(3), Some(4), Some(5)]),
        ("x", vec![Some(1), None, Some(3), Some(4), Some(5)]),
    ]);
    let x = col("x", 2);
    let whole = WindowFrame::default_for(false);
    let to_current = WindowFrame::default_for(true);
    let exprs = vec![
        builtin(B::NthValue, 2, vec![x.clone()], whole.clone(), false, DataType::Int64),
        builtin(B::NthValue, 2, vec![x.clone()], whole, true, DataType::Int64),
        builtin(B::LastValue, 0, vec![x.clone()], rows_frame(Bound::UnboundedPreceding, Bound::Following(n(-3))), true, DataType::Int64),
        builtin(B::FirstValue, 0, vec![x.clone()], rows_frame(Bound::Following(n(1)), Bound::UnboundedFollowing), true, DataType::Int64),
        builtin(
            B::Lag,
            -1,
            vec![x.clone(), Arc::new(LiteralExpr::new(ScalarValue::Int64(Some(0))))],
            to_current.clone(),
            true,
            DataType::Int64,
        ),
        builtin(B::Lag, -1, vec![x, Arc::new(LiteralExpr::new(ScalarValue::Int64(None)))], to_current, false, DataType::Int64),
    ];
    let out = run(vec![vec![batch]], exprs, 10, true);
    assert_eq!(
        out[0],
        [
            "1, 1, 1, NULL, 3, NULL, 3, 0, NULL",
            "1, 2, NULL, NULL, 3, NULL, 3, 1, 1",
            "1, 3, 3, NULL, 3, NULL, 4, 1, NULL",
            "1, 4, 4, NULL, 3, 1, 5, 3, 3",
            "1, 5, 5, NULL, 3, 1, NULL, 4, 4",
        ]
    );
}

#[test]
fn many_batches_and_many_partitions() {
    // Three task partitions; the second holds two window partitions over many batches.
    let p0 = vec![keyed(vec![Some(1), Some(1)], vec![Some(1), Some(2)])];
    let p1: Vec<RecordBatch> = (0..10).map(|i| keyed(vec![Some(2 + i / 5); 2], vec![Some(2 * i), Some(2 * i + 1)])).collect();
    let p2 = vec![];
    let out = run(vec![p0, p1, p2], vec![ranking(B::RowNumber, 0), sum(1, WindowFrame::default_for(true), "s")], 3, true);
    assert_eq!(out[0], ["1, 1, 1, 1", "1, 2, 2, 3"]);
    assert_eq!(out[1].len(), 20);
    assert_eq!(out[1][9], "2, 9, 10, 45");
    assert_eq!(out[1][10], "3, 10, 1, 10");
    assert_eq!(out[1][19], "3, 19, 10, 145");
    assert!(out[2].is_empty());
}

#[test]
fn segment_tree_matches_a_naive_sum() {
    let vals: Vec<Option<i64>> = (0..257).map(|i| if i % 7 == 3 { None } else { Some((i * 31) % 17 - 8) }).collect();
    let batch = keyed(vec![Some(0); vals.len()], (0..vals.len() as i64).map(Some).collect());
    let batch = RecordBatch::try_new(batch.schema(), vec![batch.column(0).clone(), Arc::new(arrow::array::Int64Array::from(vals.clone()))])
        .unwrap();
    for (a, b) in [(-5, 3), (-1, -1), (2, 9), (-300, 0), (0, 0), (-3, -7)] {
        let bound = |x: i32| match x.cmp(&0) {
            std::cmp::Ordering::Less => Bound::Preceding(n(-x)),
            std::cmp::Ordering::Equal => Bound::CurrentRow,
            std::cmp::Ordering::Greater => Bound::Following(n(x)),
        };
        let exec = WindowExec::try_new(
            TestMemoryExec::arc(batch.schema(), vec![vec![batch.clone()]]),
            vec![],
            vec![asc(0, "k")],
            vec![sum(1, rows_frame(bound(a), bound(b)), "s")],
        )
        .unwrap();
        let out = exec.execute(0, &ctx_with_batch_size(1000)).unwrap().collect::<Result<Vec<_>>>().unwrap();
        let got = out[0].column(2).as_primitive::<Int64Type>();
        for i in 0..vals.len() as i64 {
            let (lo, hi) = ((i + a as i64).max(0), (i + b as i64).min(vals.len() as i64 - 1));
            let window: Vec<i64> = (lo..=hi).filter_map(|j| vals[j as usize]).collect();
            let expected = if window.is_empty() { None } else { Some(window.iter().sum::<i64>()) };
            let actual = got.is_valid(i as usize).then(|| got.value(i as usize));
            assert_eq!(actual, expected, "frame ({a}, {b}) row {i}");
        }
    }
}
