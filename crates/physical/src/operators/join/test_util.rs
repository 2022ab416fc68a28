//! Test-only helpers for the heavy operators: an in-memory leaf, column and closure
//! expressions, tiny `sum`/`count` aggregates and batch formatting.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array};
use arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use ember_common::{Config, Result};
use ember_plan::{AggregateFunctionImpl, ColumnarValue, FunctionContext, GroupsAccumulator};

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{PhysicalExpr, PhysicalExprRef};

/// A leaf with fixed partitions.
#[derive(Debug)]
pub struct TestMemoryExec {
    pub schema: SchemaRef,
    pub partitions: Vec<Vec<RecordBatch>>,
    /// Claimed output partitioning (default `Unknown(partitions.len())`).
    pub partitioning: Option<Partitioning>,
}

impl TestMemoryExec {
    pub fn arc(schema: SchemaRef, partitions: Vec<Vec<RecordBatch>>) -> Arc<dyn ExecutionPlan> {
        Arc::new(TestMemoryExec { schema, partitions, partitioning: None })
    }
}

impl ExecutionPlan for TestMemoryExec {
    fn name(&self) -> &'static str {
        "TestMemoryExec"
    }
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }
    fn with_new_children(self: Arc<Self>, _: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }
    fn output_partitioning(&self) -> Partitioning {
        self.partitioning.clone().unwrap_or(Partitioning::Unknown(self.partitions.len()))
    }
    fn execute(&self, partition: usize, _: &TaskContext) -> Result<BatchIter> {
        let batches = self.partitions.get(partition).cloned().unwrap_or_default();
        Ok(Box::new(batches.into_iter().map(Ok)))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Column `index` of the input, displayed as `name`.
#[derive(Debug)]
pub struct TestColumn {
    pub name: String,
    pub index: usize,
}

pub fn col(name: &str, index: usize) -> PhysicalExprRef {
    Arc::new(TestColumn { name: name.to_string(), index })
}

impl fmt::Display for TestColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl PhysicalExpr for TestColumn {
    fn data_type(&self, s: &Schema) -> Result<DataType> {
        Ok(s.field(self.index).data_type().clone())
    }
    fn nullable(&self, s: &Schema) -> Result<bool> {
        Ok(s.field(self.index).is_nullable())
    }
    fn evaluate(&self, batch: &RecordBatch, _: &TaskContext) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Array(batch.column(self.index).clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

type BatchFn = fn(&RecordBatch) -> ArrayRef;

/// An expression computed by a function of the batch (e.g. a boolean residual filter).
pub struct TestFnExpr {
    pub name: &'static str,
    pub data_type: DataType,
    pub f: BatchFn,
}

pub fn fn_expr(name: &'static str, data_type: DataType, f: BatchFn) -> PhysicalExprRef {
    Arc::new(TestFnExpr { name, data_type, f })
}

impl fmt::Debug for TestFnExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}
impl fmt::Display for TestFnExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl PhysicalExpr for TestFnExpr {
    fn data_type(&self, _: &Schema) -> Result<DataType> {
        Ok(self.data_type.clone())
    }
    fn nullable(&self, _: &Schema) -> Result<bool> {
        Ok(true)
    }
    fn evaluate(&self, batch: &RecordBatch, _: &TaskContext) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Array((self.f)(batch)))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Int64 columns batch; `None` is NULL.
pub fn int_batch(cols: &[(&str, Vec<Option<i64>>)]) -> RecordBatch {
    let schema = Arc::new(Schema::new(cols.iter().map(|(n, _)| Field::new(*n, DataType::Int64, true)).collect::<Vec<_>>()));
    let arrays = cols.iter().map(|(_, v)| Arc::new(Int64Array::from(v.clone())) as ArrayRef).collect();
    RecordBatch::try_new(schema, arrays).unwrap()
}

pub fn ctx_with_batch_size(n: usize) -> TaskContext {
    ctx_with_memory_limit(n, "0")
}

/// A context with batches of `n` rows and `ember.memory.limit` at `limit` (`0`: none).
pub fn ctx_with_memory_limit(n: usize, limit: &str) -> TaskContext {
    let mut c = Config::default();
    c.set(ember_common::config::keys::BATCH_SIZE, &n.to_string()).unwrap();
    c.set(ember_common::config::keys::MEMORY_LIMIT, limit).unwrap();
    TaskContext::new(Arc::new(c))
}

/// One line per row, columns separated by `, `, NULL as `NULL`.
pub fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let opts = FormatOptions::default().with_null("NULL");
    let mut out = Vec::new();
    for b in batches {
        let fmts = b.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &opts).unwrap()).collect::<Vec<_>>();
        for r in 0..b.num_rows() {
            out.push(fmts.iter().map(|f| f.value(r).to_string()).collect::<Vec<_>>().join(", "));
        }
    }
    out
}

pub fn sorted_rows(batches: &[RecordBatch]) -> Vec<String> {
    let mut r = rows(batches);
    r.sort();
    r
}

/// Test `sum(bigint)`: NULL when no non-NULL input; state `[sum]`.
#[derive(Debug)]
pub struct TestSum;
/// Test `count(x)`: counts non-NULL rows; state `[count]`.
#[derive(Debug)]
pub struct TestCount;

impl AggregateFunctionImpl for TestSum {
    fn name(&self) -> &str {
        "sum"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        Ok(t.to_vec())
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }
    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new("sum", DataType::Int64, true)])
    }
    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(SumCountAcc { count: false, values: vec![] }))
    }
}

impl AggregateFunctionImpl for TestCount {
    fn name(&self) -> &str {
        "count"
    }
    fn coerce_types(&self, t: &[DataType]) -> Result<Vec<DataType>> {
        Ok(t.to_vec())
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }
    fn nullable(&self) -> bool {
        false
    }
    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![Field::new("count", DataType::Int64, false)])
    }
    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(SumCountAcc { count: true, values: vec![] }))
    }
}

struct SumCountAcc {
    count: bool,
    values: Vec<Option<i64>>,
}

impl SumCountAcc {
    fn add(&mut self, g: usize, v: i64) {
        let slot = &mut self.values[g];
        *slot = Some(slot.unwrap_or(0) + v);
    }
    fn out(&mut self) -> ArrayRef {
        let v = std::mem::take(&mut self.values);
        if self.count {
            Arc::new(Int64Array::from_iter_values(v.into_iter().map(|x| x.unwrap_or(0))))
        } else {
            Arc::new(Int64Array::from(v))
        }
    }
}

impl GroupsAccumulator for SumCountAcc {
    fn update_batch(&mut self, values: &[ArrayRef], groups: &[usize], filter: Option<&BooleanArray>, total: usize) -> Result<()> {
        self.values.resize(total, None);
        for (r, &g) in groups.iter().enumerate() {
            if filter.is_some_and(|f| !f.is_valid(r) || !f.value(r)) {
                continue;
            }
            let arg = values.first();
            if arg.is_some_and(|a| a.is_null(r)) {
                continue;
            }
            let v = if self.count { 1 } else { arg.map(|a| a.as_primitive::<Int64Type>().value(r)).unwrap_or(0) };
            self.add(g, v);
        }
        Ok(())
    }
    fn merge_batch(&mut self, states: &[ArrayRef], groups: &[usize], total: usize) -> Result<()> {
        self.values.resize(total, None);
        let s = states[0].as_primitive::<Int64Type>();
        for (r, &g) in groups.iter().enumerate() {
            if s.is_valid(r) {
                self.add(g, s.value(r));
            }
        }
        Ok(())
    }
    fn evaluate(&mut self) -> Result<ArrayRef> {
        Ok(self.out())
    }
    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.out()])
    }
    fn size(&self) -> usize {
        self.values.capacity() * 16
    }
}
