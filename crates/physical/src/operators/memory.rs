//! In-memory data: `MemoryExec` (batches per partition), `EmptyExec` (no rows or one
//! row without columns), `MemTable` (a `TableSource` over batches, what
//! `session.create_dataframe` registers) and `MemoryScanPlanner` (plans its scans).

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use ember_common::{Error, Result};
use ember_plan::{TableScan, TableSource};

use crate::operators::range::{RangeExec, RangeTable};
use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::scan_planner::ScanPlanner;

/// Batches held in memory, one list per partition, optionally projected.
#[derive(Debug)]
pub struct MemoryExec {
    partitions: Vec<Vec<RecordBatch>>,
    schema: SchemaRef,
    projection: Option<Vec<usize>>,
}

impl MemoryExec {
    /// `schema` is the batches' schema; the output schema is its projection. No
    /// partitions at all is treated as one empty partition.
    pub fn try_new(partitions: Vec<Vec<RecordBatch>>, schema: SchemaRef, projection: Option<Vec<usize>>) -> Result<Self> {
        for b in partitions.iter().flatten() {
            if b.num_columns() != schema.fields().len() {
                return Err(Error::internal(format!(
                    "MemoryExec batch has {} columns, schema has {}",
                    b.num_columns(),
                    schema.fields().len()
                )));
            }
        }
        let out_schema = match &projection {
            Some(p) => {
                if let Some(bad) = p.iter().find(|&&i| i >= schema.fields().len()) {
                    return Err(Error::internal(format!("MemoryExec projection index {bad} out of range")));
                }
                Arc::new(schema.project(p)?)
            }
            None => schema,
        };
        let partitions = if partitions.is_empty() { vec![vec![]] } else { partitions };
        Ok(MemoryExec { partitions, schema: out_schema, projection })
    }

    fn project(&self, b: &RecordBatch) -> Result<RecordBatch> {
        match &self.projection {
            Some(p) => Ok(b.project(p)?),
            None => Ok(b.clone()),
        }
    }
}

impl ExecutionPlan for MemoryExec {
    fn name(&self) -> &'static str {
        "MemoryExec"
    }

    fn details(&self) -> String {
        let cols: Vec<&str> = self.schema.fields().iter().map(|f| f.name().as_str()).collect();
        format!("[{}], partitions={}", cols.join(", "), self.partitions.len())
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if !children.is_empty() {
            return Err(Error::internal("MemoryExec has no children"));
        }
        Ok(self)
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(self.partitions.len())
    }

    fn execute(&self, partition: usize, _ctx: &TaskContext) -> Result<BatchIter> {
        let batches = self
            .partitions
            .get(partition)
            .ok_or_else(|| Error::internal(format!("MemoryExec has no partition {partition}")))?;
        let out = batches.iter().map(|b| self.project(b)).collect::<Vec<_>>();
        Ok(Box::new(out.into_iter()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// No rows, or one row with no columns (`SELECT 1` without `FROM`).
#[derive(Debug)]
pub struct EmptyExec {
    schema: SchemaRef,
    produce_one_row: bool,
}

impl EmptyExec {
    pub fn new(schema: SchemaRef, produce_one_row: bool) -> Self {
        EmptyExec { schema, produce_one_row }
    }
}

impl ExecutionPlan for EmptyExec {
    fn name(&self) -> &'static str {
        "EmptyExec"
    }

    fn details(&self) -> String {
        if self.produce_one_row {
            "produce_one_row=true".into()
        } else {
            String::new()
        }
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(self: Arc<Self>, _children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }

    fn output_partitioning(&self) -> Partitioning {
        Partitioning::Unknown(1)
    }

    fn execute(&self, partition: usize, _ctx: &TaskContext) -> Result<BatchIter> {
        if partition != 0 {
            return Err(Error::internal(format!("EmptyExec has no partition {partition}")));
        }
        if !self.produce_one_row {
            return Ok(Box::new(std::iter::empty()));
        }
        let columns = self.schema.fields().iter().map(|f| arrow::array::new_null_array(f.data_type(), 1)).collect();
        let options = RecordBatchOptions::new().with_row_count(Some(1));
        let batch = RecordBatch::try_new_with_options(self.schema.clone(), columns, &options)?;
        Ok(Box::new(std::iter::once(Ok(batch))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A table held in memory: batches per partition, all of one schema.
#[derive(Debug)]
pub struct MemTable {
    schema: SchemaRef,
    partitions: Vec<Vec<RecordBatch>>,
}

impl MemTable {
    /// Fails (user error) if a batch's schema does not match `schema`.
    pub fn try_new(schema: SchemaRef, partitions: Vec<Vec<RecordBatch>>) -> Result<Self> {
        for b in partitions.iter().flatten() {
            let same = b.schema().fields().len() == schema.fields().len()
                && b.schema().fields().iter().zip(schema.fields()).all(|(a, f)| a.data_type() == f.data_type());
            if !same {
                return Err(Error::invalid_argument(format!(
                    "All batches of a table must have the schema {}, but one has {}",
                    describe(&schema),
                    describe(&b.schema())
                )));
            }
        }
        Ok(MemTable { schema, partitions })
    }

    pub fn partitions(&self) -> &[Vec<RecordBatch>] {
        &self.partitions
    }
}

fn describe(schema: &Schema) -> String {
    let parts: Vec<String> =
        schema.fields().iter().map(|f| format!("{}: {}", f.name(), ember_common::types::catalog_string(f.data_type()))).collect();
    format!("[{}]", parts.join(", "))
}

impl TableSource for MemTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        "memory".into()
    }

    fn estimated_size_bytes(&self) -> Option<u64> {
        Some(self.partitions.iter().flatten().map(|b| b.get_array_memory_size() as u64).sum())
    }

    fn estimated_rows(&self) -> Option<u64> {
        Some(self.partitions.iter().flatten().map(|b| b.num_rows() as u64).sum())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Plans scans of in-memory sources: [`MemTable`]s as [`MemoryExec`]s (one partition per
/// table partition) and ranges as [`RangeExec`]s.
#[derive(Debug, Default)]
pub struct MemoryScanPlanner;

impl ScanPlanner for MemoryScanPlanner {
    fn plan_scan(&self, scan: &TableScan, target_partitions: usize, _ctx: &TaskContext) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        if let Some(range) = scan.source.as_any().downcast_ref::<RangeTable>() {
            let partitions = range.spec.partitions.unwrap_or(target_partitions);
            let schema = scan.schema.arrow_schema().clone();
            return Ok(Some(Arc::new(RangeExec::new(range.spec, partitions, schema, scan.fetch))));
        }
        let Some(table) = scan.source.as_any().downcast_ref::<MemTable>() else {
            return Ok(None);
        };
        let exec = MemoryExec::try_new(table.partitions.clone(), table.schema.clone(), scan.projection.clone())?;
        Ok(Some(Arc::new(exec)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use arrow::array::{ArrayRef, Int32Array, StringArray};

    fn batch() -> RecordBatch {
        RecordBatch::try_from_iter(vec![
            ("a", Arc::new(Int32Array::from(vec![1, 2])) as ArrayRef),
            ("b", Arc::new(StringArray::from(vec!["x", "y"])) as ArrayRef),
        ])
        .unwrap()
    }

    #[test]
    fn memory_exec_projects_and_partitions() {
        let b = batch();
        let m: Arc<dyn ExecutionPlan> = Arc::new(MemoryExec::try_new(vec![vec![b.clone()], vec![], vec![b.clone(), b.clone()]], b.schema(), Some(vec![1])).unwrap());
        assert_eq!(m.output_partitioning().partition_count(), 3);
        let out = collect_partitions_serial(&m, &TaskContext::default()).unwrap();
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].schema().field(0).name(), "b");
        assert!(m.execute(3, &TaskContext::default()).is_err());
        let empty: Arc<dyn ExecutionPlan> = Arc::new(MemoryExec::try_new(vec![], b.schema(), None).unwrap());
        assert_eq!(collect_partitions_serial(&empty, &TaskContext::default()).unwrap().len(), 0);
    }

    #[test]
    fn empty_exec_rows() {
        let one: Arc<dyn ExecutionPlan> = Arc::new(EmptyExec::new(Arc::new(Schema::empty()), true));
        let out = collect_partitions_serial(&one, &TaskContext::default()).unwrap();
        assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
        let none: Arc<dyn ExecutionPlan> = Arc::new(EmptyExec::new(batch().schema(), false));
        assert!(collect_partitions_serial(&none, &TaskContext::default()).unwrap().is_empty());
    }

    #[test]
    fn mem_table_checks_schema_and_plans_scans() {
        let b = batch();
        let other = RecordBatch::try_from_iter(vec![("a", Arc::new(StringArray::from(vec!["q"])) as ArrayRef), ("b", Arc::new(StringArray::from(vec!["x"])) as ArrayRef)]).unwrap();
        assert_eq!(MemTable::try_new(b.schema(), vec![vec![other]]).unwrap_err().class(), "INVALID_PARAMETER_VALUE");
        let t: Arc<dyn TableSource> = Arc::new(MemTable::try_new(b.schema(), vec![vec![b.clone()], vec![b]]).unwrap());
        assert!(t.estimated_size_bytes().unwrap() > 0);
        let scan = TableScan::try_new("t", t, Some(vec![0]), vec![], None).unwrap();
        let exec = MemoryScanPlanner.plan_scan(&scan, 4, &TaskContext::default()).unwrap().unwrap();
        assert_eq!(exec.output_partitioning().partition_count(), 2);
        assert_eq!(exec.schema().fields().len(), 1);
    }
}
