//! `EnsureRequirements` (Spark's rule of the same name): walks the physical plan
//! bottom-up and inserts an `ExchangeExec` wherever a child's output partitioning does
//! not satisfy the distribution its parent requires.
//!
//! Before: `HashAggregateExec(Final) <- HashAggregateExec(Partial) <- scan`
//! After:  `HashAggregateExec(Final) <- ExchangeExec hashpartitioning(k, n) <- …`

use std::sync::Arc;

use ember_common::{Config, Result};

use crate::execution_plan::{Distribution, ExecutionPlan, Partitioning};
use crate::expressions::PhysicalExprRef;
use crate::operators::exchange::ExchangeExec;

/// Returns `plan` with exchanges inserted so every operator's input requirement holds.
/// Hash exchanges use `spark.sql.shuffle.partitions` partitions, so the two sides of a
/// partitioned join always agree.
pub fn ensure_requirements(plan: Arc<dyn ExecutionPlan>, config: &Config) -> Result<Arc<dyn ExecutionPlan>> {
    let children: Vec<Arc<dyn ExecutionPlan>> = plan.children().into_iter().cloned().collect();
    if children.is_empty() {
        return Ok(plan);
    }
    let children = children.into_iter().map(|c| ensure_requirements(c, config)).collect::<Result<Vec<_>>>()?;
    let reqs = plan.required_input_distribution();
    let hash_children = reqs.iter().filter(|r| matches!(r, Distribution::HashPartitioned(_))).count();
    let n = config.shuffle_partitions();
    let mut out = Vec::with_capacity(children.len());
    for (i, child) in children.into_iter().enumerate() {
        let req = reqs.get(i).cloned().unwrap_or(Distribution::Unspecified);
        let child: Arc<dyn ExecutionPlan> = match req {
            Distribution::Unspecified => child,
            Distribution::SinglePartition => {
                if child.output_partitioning().partition_count() == 1 {
                    child
                } else {
                    Arc::new(ExchangeExec::new(child, Partitioning::Single))
                }
            }
            Distribution::HashPartitioned(keys) => {
                if satisfies_hash(&child.output_partitioning(), &keys, n, hash_children > 1) {
                    child
                } else {
                    Arc::new(ExchangeExec::new(child, Partitioning::Hash(keys, n)))
                }
            }
            Distribution::Broadcast => {
                if matches!(child.output_partitioning(), Partitioning::Broadcast) {
                    child
                } else {
                    Arc::new(ExchangeExec::new(child, Partitioning::Broadcast))
                }
            }
        };
        out.push(child);
    }
    plan.with_new_children(out)
}

fn names(keys: &[PhysicalExprRef]) -> Vec<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

/// A lone child is fine when it has one partition or is hash partitioned on a subset
/// of the keys; co-partitioned children (joins) need exactly the keys and `n`.
pub(crate) fn satisfies_hash(p: &Partitioning, keys: &[PhysicalExprRef], n: usize, co_partitioned: bool) -> bool {
    let required = names(keys);
    match p {
        Partitioning::Hash(have, m) => {
            let have = names(have);
            if co_partitioned {
                have == required && *m == n
            } else {
                !have.is_empty() && have.iter().all(|h| required.contains(h))
            }
        }
        other => !co_partitioned && other.partition_count() == 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display_plan;
    use crate::expressions::ColumnExpr;
    use crate::operators::limit::GlobalLimitExec;
    use crate::operators::memory::MemoryExec;
    use crate::TaskContext;
    use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
    use std::any::Any;

    fn mem(parts: usize) -> Arc<dyn ExecutionPlan> {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true), Field::new("b", DataType::Int32, true)]));
        Arc::new(MemoryExec::try_new(vec![vec![]; parts], schema, None).unwrap())
    }

    /// A two-child operator requiring hash partitioning on column 0 of each side.
    #[derive(Debug)]
    struct NeedsHash(Vec<Arc<dyn ExecutionPlan>>, Vec<Distribution>);

    impl ExecutionPlan for NeedsHash {
        fn name(&self) -> &'static str {
            "NeedsHash"
        }
        fn schema(&self) -> SchemaRef {
            self.0[0].schema()
        }
        fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
            self.0.iter().collect()
        }
        fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
            Ok(Arc::new(NeedsHash(children, self.1.clone())))
        }
        fn output_partitioning(&self) -> Partitioning {
            self.0[0].output_partitioning()
        }
        fn required_input_distribution(&self) -> Vec<Distribution> {
            self.1.clone()
        }
        fn execute(&self, _partition: usize, _ctx: &TaskContext) -> Result<crate::BatchIter> {
            Ok(Box::new(std::iter::empty()))
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    fn hash(i: usize) -> Distribution {
        Distribution::HashPartitioned(vec![Arc::new(ColumnExpr::new(if i == 0 { "a" } else { "b" }, i))])
    }

    fn config(n: usize) -> Config {
        let mut c = Config::new();
        c.set("spark.sql.shuffle.partitions", &n.to_string()).unwrap();
        c
    }

    #[test]
    fn inserts_single_partition_exchange_only_when_needed() {
        let c = config(4);
        let plan = ensure_requirements(Arc::new(GlobalLimitExec::new(mem(3), 0, Some(1))), &c).unwrap();
        insta::assert_snapshot!(display_plan(&plan), @r"
        GlobalLimitExec 1
        +- ExchangeExec SinglePartition
           +- MemoryExec [a, b], partitions=3
        ");
        let plan = ensure_requirements(Arc::new(GlobalLimitExec::new(mem(1), 0, Some(1))), &c).unwrap();
        insta::assert_snapshot!(display_plan(&plan), @r"
        GlobalLimitExec 1
        +- MemoryExec [a, b], partitions=1
        ");
    }

    #[test]
    fn co_partitions_both_join_sides_and_reuses_existing_partitioning() {
        let c = config(8);
        let join = Arc::new(NeedsHash(vec![mem(2), mem(1)], vec![hash(0), hash(0)]));
        let plan = ensure_requirements(join, &c).unwrap();
        insta::assert_snapshot!(display_plan(&plan), @r"
        NeedsHash
        :- ExchangeExec hashpartitioning(a#0, 8)
        :  +- MemoryExec [a, b], partitions=2
        +- ExchangeExec hashpartitioning(a#0, 8)
           +- MemoryExec [a, b], partitions=1
        ");
        // Already partitioned on `a`: a parent needing (a) again adds nothing; one
        // needing (b) or a broadcast adds an exchange.
        let above = Arc::new(NeedsHash(vec![plan.clone()], vec![hash(0)]));
        let out = ensure_requirements(above, &c).unwrap();
        assert_eq!(display_plan(&out).matches("ExchangeExec").count(), 2);
        let above = Arc::new(NeedsHash(vec![plan.clone()], vec![hash(1)]));
        assert_eq!(display_plan(&ensure_requirements(above, &c).unwrap()).matches("ExchangeExec").count(), 3);
        let above = Arc::new(NeedsHash(vec![mem(3), mem(2)], vec![Distribution::Broadcast, Distribution::Unspecified]));
        insta::assert_snapshot!(display_plan(&ensure_requirements(above, &c).unwrap()), @r"
        NeedsHash
        :- ExchangeExec BroadcastExchange
        :  +- MemoryExec [a, b], partitions=3
        +- MemoryExec [a, b], partitions=2
        ");
    }
}
