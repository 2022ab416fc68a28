//! `NestedLoopJoinExec`: joins without equi-keys (cross joins, non-equi ON clauses) by
//! pairing every left row with the whole right side and applying the filter.

#[path = "join/nested_loop_stream.rs"]
mod nested_loop_stream;

use std::any::Any;
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::JoinType;

use self::nested_loop_stream::{NestedLoopSpec, NestedLoopStream};
use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::PhysicalExprRef;
use crate::operators::hash_join::output::{filter_schema, join_schema};

/// Nested-loop join. Inner, cross, left outer, semi and anti joins stream the left
/// partitions against a broadcast right side; right and full outer joins run in one
/// task over single-partition inputs.
#[derive(Debug)]
pub struct NestedLoopJoinExec {
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    spec: Arc<NestedLoopSpec>,
    shared_right: Mutex<Option<Arc<RecordBatch>>>,
}

impl NestedLoopJoinExec {
    pub fn try_new(
        left: Arc<dyn ExecutionPlan>,
        right: Arc<dyn ExecutionPlan>,
        filter: Option<PhysicalExprRef>,
        join_type: JoinType,
    ) -> Result<Self> {
        let (ls, rs) = (left.schema(), right.schema());
        let spec = NestedLoopSpec { join_type, schema: join_schema(&ls, &rs, join_type), filter, filter_schema: filter_schema(&ls, &rs) };
        Ok(NestedLoopJoinExec { left, right, spec: Arc::new(spec), shared_right: Mutex::new(None) })
    }

    pub fn left(&self) -> &Arc<dyn ExecutionPlan> {
        &self.left
    }

    pub fn right(&self) -> &Arc<dyn ExecutionPlan> {
        &self.right
    }

    pub fn filter(&self) -> Option<&PhysicalExprRef> {
        self.spec.filter.as_ref()
    }

    pub fn join_type(&self) -> JoinType {
        self.spec.join_type
    }

    /// Right and full outer joins must see every row of both sides in one task.
    fn single_task(&self) -> bool {
        matches!(self.spec.join_type, JoinType::RightOuter | JoinType::FullOuter)
    }

    /// The right side as one batch, collected once and shared by all tasks.
    fn right_batch(&self, ctx: &TaskContext) -> Result<Arc<RecordBatch>> {
        let mut guard = self.shared_right.lock().map_err(|_| Error::internal("a task collecting a broadcast side panicked"))?;
        if let Some(b) = guard.as_ref() {
            return Ok(b.clone());
        }
        let batches = ctx.execute(&self.right, 0)?.collect::<Result<Vec<_>>>()?;
        let batch = Arc::new(arrow::compute::concat_batches(&self.right.schema(), &batches)?);
        *guard = Some(batch.clone());
        Ok(batch)
    }
}

impl ExecutionPlan for NestedLoopJoinExec {
    fn name(&self) -> &'static str {
        "NestedLoopJoinExec"
    }

    fn details(&self) -> String {
        match &self.spec.filter {
            Some(f) => format!("{}, filter={f}", self.spec.join_type),
            None => self.spec.join_type.to_string(),
        }
    }

    fn schema(&self) -> SchemaRef {
        self.spec.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.left, &self.right]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [left, right]: [Arc<dyn ExecutionPlan>; 2] =
            children.try_into().map_err(|_| Error::internal("NestedLoopJoinExec takes two children"))?;
        Ok(Arc::new(NestedLoopJoinExec::try_new(left, right, self.spec.filter.clone(), self.spec.join_type)?))
    }

    fn output_partitioning(&self) -> Partitioning {
        if self.single_task() {
            Partitioning::Single
        } else {
            self.left.output_partitioning()
        }
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        if self.single_task() {
            vec![Distribution::SinglePartition, Distribution::SinglePartition]
        } else {
            vec![Distribution::Unspecified, Distribution::Broadcast]
        }
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        if self.single_task() && partition != 0 {
            return Err(Error::internal(format!("{} nested-loop join has one partition, asked for {partition}", self.spec.join_type)));
        }
        let right = self.right_batch(ctx)?;
        let left = ctx.execute(&self.left, partition)?;
        Ok(Box::new(NestedLoopStream::new(self.spec.clone(), right, left, ctx.clone())?))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use crate::operators::hash_join::test_util::*;
    use arrow::array::{ArrayRef, AsArray};
    use arrow::compute::kernels::cmp;
    use arrow::datatypes::{DataType, Int64Type};

    fn left(partitions: usize) -> Arc<dyn ExecutionPlan> {
        let b1 = int_batch(&[("a", vec![Some(1), Some(5)])]);
        let b2 = int_batch(&[("a", vec![None, Some(3)])]);
        let parts = if partitions == 1 { vec![vec![b1, b2]] } else { vec![vec![b1], vec![], vec![b2]] };
        TestMemoryExec::arc(int_batch(&[("a", vec![])]).schema(), parts)
    }

    fn right(rows: Vec<Option<i64>>) -> Arc<dyn ExecutionPlan> {
        let b = int_batch(&[("b", rows)]);
        TestMemoryExec::arc(b.schema(), vec![vec![b]])
    }

    /// `a < b`, NULL when either is NULL.
    fn a_lt_b(b: &RecordBatch) -> ArrayRef {
        let (a, bb) = (b.column(0).as_primitive::<Int64Type>(), b.column(1).as_primitive::<Int64Type>());
        Arc::new(cmp::lt(a, bb).unwrap())
    }

    fn run(join_type: JoinType, filter: bool, right_rows: Vec<Option<i64>>) -> Vec<String> {
        let filter = filter.then(|| fn_expr("a < b", DataType::Boolean, a_lt_b));
        let mut result: Option<Vec<String>> = None;
        let partition_counts: &[usize] = if matches!(join_type, JoinType::RightOuter | JoinType::FullOuter) { &[1] } else { &[1, 3] };
        for &n in partition_counts {
            for batch_size in [1, 2, 100] {
                let exec: Arc<dyn ExecutionPlan> =
                    Arc::new(NestedLoopJoinExec::try_new(left(n), right(right_rows.clone()), filter.clone(), join_type).unwrap());
                let out = collect_partitions_serial(&exec, &ctx_with_batch_size(batch_size)).unwrap();
                assert!(out.iter().all(|b| b.num_rows() <= batch_size && b.schema() == exec.schema()));
                let got = sorted_rows(&out);
                match &result {
                    Some(r) => assert_eq!(&got, r, "{join_type} partitions={n} batch_size={batch_size}"),
                    None => result = Some(got),
                }
            }
        }
        result.unwrap_or_default()
    }

    #[test]
    fn cross_join() {
        assert_eq!(run(JoinType::Cross, false, vec![Some(2), None]).len(), 8);
        assert!(run(JoinType::Cross, false, vec![]).is_empty());
    }

    #[test]
    fn inner_with_non_equi_filter() {
        assert_eq!(run(JoinType::Inner, true, vec![Some(2), None, Some(4)]), ["1, 2", "1, 4", "3, 4"]);
    }

    #[test]
    fn left_outer_semi_anti() {
        let r = || vec![Some(2), None, Some(4)];
        assert_eq!(run(JoinType::LeftOuter, true, r()), ["1, 2", "1, 4", "3, 4", "5, NULL", "NULL, NULL"]);
        assert_eq!(run(JoinType::LeftSemi, true, r()), ["1", "3"]);
        assert_eq!(run(JoinType::LeftAnti, true, r()), ["5", "NULL"]);
        assert_eq!(run(JoinType::LeftAnti, false, vec![]).len(), 4);
        assert!(run(JoinType::LeftAnti, false, r()).is_empty());
        assert_eq!(run(JoinType::LeftSemi, false, r()).len(), 4);
        assert_eq!(run(JoinType::LeftOuter, true, vec![]).len(), 4);
    }

    #[test]
    fn left_single_fails_on_a_second_match() {
        // At most one b > a per left row: as a left outer join.
        assert_eq!(run(JoinType::LeftSingle, true, vec![Some(2), None]), ["1, 2", "3, NULL", "5, NULL", "NULL, NULL"]);
        assert_eq!(run(JoinType::LeftSingle, false, vec![Some(7)]), ["1, 7", "3, 7", "5, 7", "NULL, 7"]);
        // 1 < 2 and 1 < 4: a second match.
        let filter = Some(fn_expr("a < b", DataType::Boolean, a_lt_b));
        let exec: Arc<dyn ExecutionPlan> =
            Arc::new(NestedLoopJoinExec::try_new(left(1), right(vec![Some(2), Some(4)]), filter, JoinType::LeftSingle).unwrap());
        let err = collect_partitions_serial(&exec, &ctx_with_batch_size(1)).unwrap_err();
        assert_eq!(err.class(), "SCALAR_SUBQUERY_TOO_MANY_ROWS");
    }

    #[test]
    fn left_existence_keeps_the_first_match() {
        // 1 < 2 and 1 < 4: only the first pair is kept.
        assert_eq!(run(JoinType::LeftExistence, true, vec![Some(2), None, Some(4)]), ["1, 2", "3, 4", "5, NULL", "NULL, NULL"]);
        assert_eq!(run(JoinType::LeftExistence, false, vec![Some(7), Some(8)]), ["1, 7", "3, 7", "5, 7", "NULL, 7"]);
        assert_eq!(run(JoinType::LeftExistence, true, vec![]).len(), 4);
    }

    #[test]
    fn right_and_full_outer_in_one_task() {
        let r = || vec![Some(2), None, Some(0)];
        assert_eq!(run(JoinType::RightOuter, true, r()), ["1, 2", "NULL, 0", "NULL, NULL"]);
        assert_eq!(run(JoinType::FullOuter, true, r()), ["1, 2", "3, NULL", "5, NULL", "NULL, 0", "NULL, NULL", "NULL, NULL"]);
        let exec = NestedLoopJoinExec::try_new(left(1), right(r()), None, JoinType::FullOuter).unwrap();
        assert!(matches!(exec.required_input_distribution()[0], Distribution::SinglePartition));
        assert!(matches!(exec.output_partitioning(), Partitioning::Single));
        assert!(exec.execute(1, &TaskContext::default()).is_err());
    }

    #[test]
    fn shape() {
        let exec = NestedLoopJoinExec::try_new(left(3), right(vec![]), Some(fn_expr("a < b", DataType::Boolean, a_lt_b)), JoinType::Inner)
            .unwrap();
        assert_eq!(exec.details(), "Inner, filter=a < b");
        assert_eq!(exec.output_partitioning().partition_count(), 3);
        assert!(matches!(exec.required_input_distribution()[1], Distribution::Broadcast));
        let semi = NestedLoopJoinExec::try_new(left(1), right(vec![]), None, JoinType::LeftSemi).unwrap();
        assert_eq!(semi.schema().fields().len(), 1);
    }
}
