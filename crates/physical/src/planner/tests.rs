//! Planner tests: logical plans built with `LogicalPlanBuilder` over `MemTable`s, the
//! physical plan snapshotted, and run through a serial stand-in for the scheduler.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int32Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::Config;
use ember_functions::BuiltinRegistry;
use ember_plan::expr::AggregateFunction;
use ember_plan::{col, lit, Expr, FunctionRegistry, JoinType, LogicalPlan, LogicalPlanBuilder, Operator};

use super::PhysicalPlanner;
use crate::execution_plan::{display_plan, ExecutionPlan, TaskContext};
use crate::operators::exchange::ExchangeExec;
use crate::operators::memory::{MemTable, MemoryScanPlanner};

fn table(name: &str, parts: Vec<Vec<(i32, Option<&str>)>>) -> LogicalPlan {
    let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, false), Field::new("name", DataType::Utf8, true)]));
    let batches = parts
        .into_iter()
        .map(|p| {
            let ids: ArrayRef = Arc::new(Int32Array::from(p.iter().map(|r| r.0).collect::<Vec<_>>()));
            let names: ArrayRef = Arc::new(StringArray::from(p.iter().map(|r| r.1).collect::<Vec<_>>()));
            vec![RecordBatch::try_new(schema.clone(), vec![ids, names]).unwrap()]
        })
        .collect();
    let source = Arc::new(MemTable::try_new(schema, batches).unwrap());
    LogicalPlanBuilder::scan(name, source).unwrap().build()
}

fn people() -> LogicalPlan {
    table("people", vec![vec![(1, Some("ann")), (2, None)], vec![(3, Some("bob")), (1, Some("cy"))]])
}

fn planner(config: Config) -> PhysicalPlanner {
    PhysicalPlanner::new(Arc::new(config), vec![Arc::new(MemoryScanPlanner)])
}

fn config(broadcast: &str) -> Config {
    let mut c = Config::new();
    c.set("spark.sql.shuffle.partitions", "3").unwrap();
    c.set("spark.sql.autoBroadcastJoinThreshold", broadcast).unwrap();
    c
}

fn agg(name: &str, args: Vec<Expr>, distinct: bool) -> Expr {
    let func = BuiltinRegistry::new().aggregate(name).unwrap();
    Expr::AggregateFunction(AggregateFunction { func, args, distinct, filter: None })
}

/// Runs a plan serially, materializing exchanges bottom-up like the scheduler.
fn run(plan: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Vec<RecordBatch> {
    fn materialize(p: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) {
        for c in p.children() {
            materialize(c, ctx);
        }
        if let Some(ex) = p.as_any().downcast_ref::<ExchangeExec>() {
            let mut buffers = vec![vec![]; ex.output_partition_count()];
            for task in 0..ex.input().output_partitioning().partition_count() {
                let mut rr = task;
                for b in ex.input().execute(task, ctx).unwrap() {
                    for (i, piece) in ex.partition_batch(&b.unwrap(), ctx, &mut rr).unwrap() {
                        buffers[i].push(piece);
                    }
                }
            }
            ex.set_output(buffers).unwrap();
        }
    }
    materialize(plan, ctx);
    crate::collect_partitions_serial(plan, ctx).unwrap()
}

fn rows(plan: &Arc<dyn ExecutionPlan>, sort: bool) -> String {
    crate::expressions::test_fmt::fmt_batches(&run(plan, &TaskContext::default()), sort)
}

#[test]
fn scan_filter_project() {
    let plan = LogicalPlanBuilder::from(people())
        .filter(col("id").gt(lit(1)))
        .unwrap()
        .project(vec![col("name"), Expr::binary(col("id"), Operator::Multiply, lit(10)).alias("x")])
        .unwrap()
        .build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    insta::assert_snapshot!(display_plan(&physical), @r"
    ProjectionExec [name#1, (id#0 * 10) AS x]
    +- FilterExec (id#0 > 1)
       +- MemoryExec [id, name], partitions=2
    ");
    insta::assert_snapshot!(rows(&physical, true), @r"
    name | x
    NULL | 20
    bob | 30
    ");
}

#[test]
fn two_phase_aggregate_and_distinct() {
    let plan = LogicalPlanBuilder::from(people()).aggregate(vec![col("id")], vec![agg("count", vec![col("name")], false)]).unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    insta::assert_snapshot!(display_plan(&physical), @r"
    ProjectionExec [id#0, count(name)#1]
    +- HashAggregateExec mode=Final, keys=[id], functions=[count(name)]
       +- ExchangeExec hashpartitioning(id#0, 3)
          +- HashAggregateExec mode=Partial, keys=[id], functions=[count(name)]
             +- MemoryExec [id, name], partitions=2
    ");
    insta::assert_snapshot!(rows(&physical, true), @r"
    id | count(name)
    1 | 2
    2 | 0
    3 | 1
    ");

    let plan = LogicalPlanBuilder::from(people()).aggregate(vec![], vec![agg("count", vec![col("id")], true)]).unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    insta::assert_snapshot!(display_plan(&physical), @r"
    ProjectionExec [count(DISTINCT id)#0]
    +- HashAggregateExec mode=Single, keys=[], functions=[count(DISTINCT id)]
       +- ExchangeExec SinglePartition
          +- MemoryExec [id, name], partitions=2
    ");
    insta::assert_snapshot!(rows(&physical, false), @r"
    count(DISTINCT id)
    3
    ");
}

#[test]
fn sort_limit_union_values() {
    let values = LogicalPlanBuilder::values(vec![vec![lit(9i64), lit("v")], vec![lit(0i64), Expr::Literal(ember_plan::ScalarValue::Null)]], Some(vec!["id".into(), "name".into()]))
        .unwrap()
        .build();
    let plan = LogicalPlanBuilder::from(people())
        .union(values)
        .unwrap()
        .sort(vec![col("id").sort(false, None)])
        .unwrap()
        .limit(1, Some(3))
        .unwrap()
        .build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    insta::assert_snapshot!(display_plan(&physical), @r"
    GlobalLimitExec 3, offset=1
    +- LocalLimitExec 4
       +- SortPreservingMergeExec [id#0 DESC NULLS LAST]
          +- SortExec [id#0 DESC NULLS LAST]
             +- UnionExec
                :- ProjectionExec [cast(id#0 as bigint) AS id, name#1]
                :  +- MemoryExec [id, name], partitions=2
                +- MemoryExec [id, name], partitions=2
    ");
    insta::assert_snapshot!(rows(&physical, false), @r"
    id | name
    3 | bob
    2 | NULL
    1 | ann
    ");
}

#[test]
fn joins_broadcast_or_partitioned() {
    let depts = table("depts", vec![vec![(1, Some("eng")), (3, Some("ops"))]]);
    let cond = col("people.id").eq(col("depts.id")).and(col("people.name").not_eq(col("depts.name")));
    let build = |c: Config| {
        let plan = LogicalPlanBuilder::from(people()).join(depts.clone(), JoinType::Inner, Some(cond.clone())).unwrap().build();
        planner(c).create_physical_plan(&plan).unwrap()
    };
    let broadcast = build(config("10m"));
    insta::assert_snapshot!(display_plan(&broadcast), @r"
    HashJoinExec Inner, mode=Broadcast(build=Right), on=[(id#0, id#0)], filter=(name#1 != name#3)
    :- MemoryExec [id, name], partitions=2
    +- ExchangeExec BroadcastExchange
       +- MemoryExec [id, name], partitions=1
    ");
    insta::assert_snapshot!(rows(&broadcast, true), @r"
    id | name | id | name
    1 | ann | 1 | eng
    1 | cy | 1 | eng
    3 | bob | 3 | ops
    ");
    let partitioned = build(config("-1"));
    insta::assert_snapshot!(display_plan(&partitioned), @r"
    HashJoinExec Inner, mode=Partitioned(build=Right), on=[(id#0, id#0)], filter=(name#1 != name#3)
    :- ExchangeExec hashpartitioning(id#0, 3)
    :  +- MemoryExec [id, name], partitions=2
    +- ExchangeExec hashpartitioning(id#0, 3)
       +- MemoryExec [id, name], partitions=1
    ");
    insta::assert_snapshot!(rows(&partitioned, true), @r"
    id | name | id | name
    1 | ann | 1 | eng
    1 | cy | 1 | eng
    3 | bob | 3 | ops
    ");
}

#[test]
fn single_and_existence_joins_build_their_right_side() {
    let depts = table("depts", vec![vec![(1, Some("eng")), (3, Some("ops"))]]);
    let cond = col("people.id").eq(col("depts.id"));
    for jt in [JoinType::LeftSingle, JoinType::LeftExistence] {
        let plan = LogicalPlanBuilder::from(people()).join(depts.clone(), jt, Some(cond.clone())).unwrap().build();
        let shape = |c: Config| display_plan(&planner(c).create_physical_plan(&plan).unwrap()).replace(&jt.to_string(), "<jt>");
        insta::allow_duplicates! {
            insta::assert_snapshot!(shape(config("10m")), @r"
            HashJoinExec <jt>, mode=Broadcast(build=Right), on=[(id#0, id#0)]
            :- MemoryExec [id, name], partitions=2
            +- ExchangeExec BroadcastExchange
               +- MemoryExec [id, name], partitions=1
            ");
            insta::assert_snapshot!(shape(config("-1")), @r"
            HashJoinExec <jt>, mode=Partitioned(build=Right), on=[(id#0, id#0)]
            :- ExchangeExec hashpartitioning(id#0, 3)
            :  +- MemoryExec [id, name], partitions=2
            +- ExchangeExec hashpartitioning(id#0, 3)
               +- MemoryExec [id, name], partitions=1
            ");
        }
    }
}

#[test]
fn unknown_source_is_an_error() {
    let plan = people();
    let p = PhysicalPlanner::new(Arc::new(Config::new()), vec![]);
    assert_eq!(p.create_physical_plan(&plan).unwrap_err().class(), "UNSUPPORTED_FEATURE");
}

#[test]
fn one_row_relation_distinct_and_empty_values() {
    let plan = LogicalPlanBuilder::one_row().project(vec![Expr::binary(lit(1), Operator::Plus, lit(2))]).unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    insta::assert_snapshot!(display_plan(&physical), @r"
    ProjectionExec [(1 + 2) AS (1 + 2)]
    +- EmptyExec produce_one_row=true
    ");
    insta::assert_snapshot!(rows(&physical, false), @r"
    (1 + 2)
    3
    ");

    let plan = LogicalPlanBuilder::from(people()).project(vec![col("id")]).unwrap().distinct().unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    insta::assert_snapshot!(display_plan(&physical), @r"
    HashAggregateExec mode=Final, keys=[id], functions=[]
    +- ExchangeExec hashpartitioning(id#0, 3)
       +- HashAggregateExec mode=Partial, keys=[id], functions=[]
          +- ProjectionExec [id#0]
             +- MemoryExec [id, name], partitions=2
    ");
    insta::assert_snapshot!(rows(&physical, true), @r"
    id
    1
    2
    3
    ");

    let plan = LogicalPlanBuilder::from(table("empty", vec![])).filter(col("id").is_null()).unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    assert_eq!(rows(&physical, false), "");
}

#[test]
fn ansi_errors_surface_at_execution() {
    let plan = LogicalPlanBuilder::from(people()).project(vec![Expr::binary(col("id"), Operator::Divide, lit(0))]).unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    let err = crate::collect_partitions_serial(&physical, &TaskContext::default()).unwrap_err();
    assert_eq!(err.class(), "DIVIDE_BY_ZERO");
}

#[test]
fn cross_and_non_equi_joins_use_nested_loops() {
    let depts = table("depts", vec![vec![(1, Some("eng")), (3, Some("ops"))]]);
    let plan = LogicalPlanBuilder::from(people()).join(depts.clone(), JoinType::LeftOuter, Some(col("people.id").gt(col("depts.id")))).unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    insta::assert_snapshot!(display_plan(&physical), @r"
    NestedLoopJoinExec LeftOuter, filter=(id#0 > id#2)
    :- MemoryExec [id, name], partitions=2
    +- ExchangeExec BroadcastExchange
       +- MemoryExec [id, name], partitions=1
    ");
    insta::assert_snapshot!(rows(&physical, true), @r"
    id | name | id | name
    1 | ann | NULL | NULL
    1 | cy | NULL | NULL
    2 | NULL | 1 | eng
    3 | bob | 1 | eng
    ");
    let plan = LogicalPlanBuilder::from(people()).join(depts, JoinType::Inner, None).unwrap().build();
    let physical = planner(config("10m")).create_physical_plan(&plan).unwrap();
    assert_eq!(run(&physical, &TaskContext::default()).iter().map(|b| b.num_rows()).sum::<usize>(), 8);
}

#[test]
fn window_exchanges_on_partition_keys_and_sorts_once_per_spec() {
    use ember_plan::window::{BuiltinWindowFunction, WindowFunction, WindowFunctionKind, WindowSpec};
    let spec = |order: bool| WindowSpec {
        partition_by: vec![col("name")],
        order_by: if order { vec![col("id").sort(true, None)] } else { vec![] },
        frame: None,
    };
    let rn = WindowFunction::try_new(WindowFunctionKind::Builtin(BuiltinWindowFunction::RowNumber), vec![], spec(true), false).unwrap();
    let total = WindowFunction::try_new(WindowFunctionKind::Aggregate(BuiltinRegistry::new().aggregate("sum").unwrap()), vec![col("id")], spec(false), false).unwrap();
    let everyone = WindowFunction::try_new(
        WindowFunctionKind::Aggregate(BuiltinRegistry::new().aggregate("count").unwrap()),
        vec![lit(1)],
        WindowSpec::default(),
        false,
    )
    .unwrap();
    let plan = LogicalPlanBuilder::from(people())
        .project(vec![
            col("id"),
            col("name"),
            Expr::WindowFunction(rn).alias("rn"),
            Expr::WindowFunction(total).alias("total"),
            Expr::WindowFunction(everyone).alias("n"),
        ])
        .unwrap()
        .build();
    let physical = planner(config("-1")).create_physical_plan(&plan).unwrap();
    let shown = display_plan(&physical);
    // One exchange on the partition key, shared by both PARTITION BY name windows; a
    // single-partition exchange for the window without keys.
    assert_eq!(shown.matches("ExchangeExec hashpartitioning(name").count(), 1, "{shown}");
    assert_eq!(shown.matches("ExchangeExec SinglePartition").count(), 1, "{shown}");
    assert_eq!(shown.matches("WindowExec").count(), 3, "{shown}");
    assert_eq!(
        rows(&physical, true),
        "id | name | rn | total | n\n1 | ann | 1 | 1 | 4\n1 | cy | 1 | 1 | 4\n2 | NULL | 1 | 2 | 4\n3 | bob | 1 | 3 | 4"
    );
}
