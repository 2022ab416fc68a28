//! Where a row is computed: `monotonically_increasing_id()` (the partition in the upper
//! 31 bits, the row's number within it in the lower 33), `spark_partition_id()`, and the
//! input-file functions, which are empty (`''`, -1) outside a file scan, as in Spark.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int32Array, Int64Array, StringArray};
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::check_arity;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    MonotonicId,
    PartitionId,
    FileName,
    BlockStart,
    BlockLength,
}

#[derive(Debug)]
pub struct TaskInfo {
    name: &'static str,
    kind: Kind,
}

pub fn monotonically_increasing_id() -> TaskInfo {
    TaskInfo { name: "monotonically_increasing_id", kind: Kind::MonotonicId }
}
pub fn spark_partition_id() -> TaskInfo {
    TaskInfo { name: "spark_partition_id", kind: Kind::PartitionId }
}
pub fn input_file_name() -> TaskInfo {
    TaskInfo { name: "input_file_name", kind: Kind::FileName }
}
pub fn input_file_block_start() -> TaskInfo {
    TaskInfo { name: "input_file_block_start", kind: Kind::BlockStart }
}
pub fn input_file_block_length() -> TaskInfo {
    TaskInfo { name: "input_file_block_length", kind: Kind::BlockLength }
}

impl ScalarFunctionImpl for TaskInfo {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, t.len(), 0, 0)?;
        Ok(vec![])
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match self.kind {
            Kind::PartitionId => DataType::Int32,
            Kind::FileName => DataType::Utf8,
            _ => DataType::Int64,
        })
    }

    fn is_deterministic(&self) -> bool {
        false
    }

    fn invoke(&self, _: &[ColumnarValue], n: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        let out: ArrayRef = match self.kind {
            Kind::MonotonicId => {
                let key = self as *const TaskInfo as usize;
                let start = ctx.task_state.with(key, ctx.partition, || 0i64, |next: &mut i64| {
                    let start = *next;
                    *next += n as i64;
                    start
                });
                let base = (ctx.partition as i64) << 33;
                Arc::new(Int64Array::from_iter_values((0..n as i64).map(|i| base + start + i)))
            }
            Kind::PartitionId => Arc::new(Int32Array::from(vec![ctx.partition as i32; n])),
            Kind::FileName => Arc::new(StringArray::from(vec![""; n])),
            Kind::BlockStart | Kind::BlockLength => Arc::new(Int64Array::from(vec![-1; n])),
        };
        Ok(ColumnarValue::Array(out))
    }

    fn display_call(&self, _: &[String]) -> Option<String> {
        (self.kind == Kind::PartitionId).then(|| "SPARK_PARTITION_ID()".to_string())
    }
}
