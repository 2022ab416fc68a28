//! `MapGroupsExec`: runs a `flatMapGroupsWithState` function once per group of a
//! batch query (each group starts without state; timeouts never fire), after the input
//! is hash-partitioned on the grouping keys. Streaming queries swap it for the stateful
//! operator. Also the grouping of rows by key both use.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{ArrayRef, UInt32Array};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use ember_common::{Error, Result};
use ember_plan::group_state::{GroupFunction, GroupStateData, GroupStateTimeout};

use crate::execution_plan::{BatchIter, Distribution, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{ColumnExpr, PhysicalExprRef};

/// The groups of `rows` by the columns `keys`, in key order: each group's key (one
/// row of the key columns), its encoded key and its rows (in input order).
pub fn group_rows(rows: &RecordBatch, keys: &[usize]) -> Result<Vec<(RecordBatch, Vec<u8>, RecordBatch)>> {
    if rows.num_rows() == 0 {
        return Ok(vec![]);
    }
    let key_schema = Arc::new(rows.schema().project(keys)?);
    let key_cols: Vec<ArrayRef> = keys.iter().map(|&k| rows.column(k).clone()).collect();
    let converter = RowConverter::new(key_schema.fields().iter().map(|f| SortField::new(f.data_type().clone())).collect())?;
    let encoded = converter.convert_columns(&key_cols)?;
    let mut order: Vec<u32> = (0..rows.num_rows() as u32).collect();
    order.sort_by(|a, b| encoded.row(*a as usize).cmp(&encoded.row(*b as usize)).then(a.cmp(b)));
    let mut out = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let key = encoded.row(order[start] as usize);
        let mut end = start + 1;
        while end < order.len() && encoded.row(order[end] as usize) == key {
            end += 1;
        }
        let idx = UInt32Array::from(order[start..end].to_vec());
        let group = arrow::compute::take_record_batch(rows, &idx)?;
        let key_batch = RecordBatch::try_new(key_schema.clone(), key_cols.iter().map(|c| c.slice(order[start] as usize, 1)).collect())?;
        out.push((key_batch, key.as_ref().to_vec(), group));
        start = end;
    }
    Ok(out)
}

/// See the module docs.
#[derive(Debug)]
pub struct MapGroupsExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<usize>,
    func: GroupFunction,
    timeout: GroupStateTimeout,
    schema: SchemaRef,
}

impl MapGroupsExec {
    pub fn new(input: Arc<dyn ExecutionPlan>, keys: Vec<usize>, func: GroupFunction, timeout: GroupStateTimeout, schema: SchemaRef) -> Self {
        MapGroupsExec { input, keys, func, timeout, schema }
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }

    pub fn keys(&self) -> &[usize] {
        &self.keys
    }

    pub fn func(&self) -> &GroupFunction {
        &self.func
    }

    pub fn timeout(&self) -> GroupStateTimeout {
        self.timeout
    }

    pub fn key_exprs(&self) -> Vec<PhysicalExprRef> {
        let schema = self.input.schema();
        self.keys.iter().map(|&k| Arc::new(ColumnExpr::new(schema.field(k).name(), k)) as PhysicalExprRef).collect()
    }
}

/// Checks the function's output against the declared schema.
pub fn checked_output(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    batches
        .into_iter()
        .map(|b| {
            let same = b.num_columns() == schema.fields().len() && b.schema().fields().iter().zip(schema.fields()).all(|(a, f)| a.data_type() == f.data_type());
            if !same {
                return Err(Error::invalid_argument(format!(
                    "The function of flat_map_groups_with_state returned rows of schema {:?}, not the declared {:?}",
                    b.schema().fields().iter().map(|f| f.data_type().to_string()).collect::<Vec<_>>(),
                    schema.fields().iter().map(|f| f.data_type().to_string()).collect::<Vec<_>>()
                )));
            }
            Ok(RecordBatch::try_new(schema.clone(), b.columns().to_vec())?)
        })
        .collect()
}

impl ExecutionPlan for MapGroupsExec {
    fn name(&self) -> &'static str {
        "MapGroupsExec"
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let [input]: [Arc<dyn ExecutionPlan>; 1] = children.try_into().map_err(|_| Error::internal("MapGroupsExec takes one child"))?;
        Ok(Arc::new(MapGroupsExec { input, keys: self.keys.clone(), func: self.func.clone(), timeout: self.timeout, schema: self.schema.clone() }))
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.input.output_partitioning().partition_count())
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        if self.keys.is_empty() {
            vec![Distribution::SinglePartition]
        } else {
            vec![Distribution::HashPartitioned(self.key_exprs())]
        }
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let schema = self.input.schema();
        let mut batches = Vec::new();
        for b in ctx.execute(&self.input, partition)? {
            batches.push(b?);
        }
        let all = arrow::compute::concat_batches(&schema, &batches)?;
        let mut out = Vec::new();
        for (key, _, rows) in group_rows(&all, &self.keys)? {
            let mut state = GroupStateData { timeout: self.timeout, batch_timestamp_ms: now_ms(), ..Default::default() };
            out.extend(checked_output(&self.schema, self.func.0.call(&key, &rows, &mut state)?)?);
        }
        Ok(Box::new(out.into_iter().map(Ok)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
