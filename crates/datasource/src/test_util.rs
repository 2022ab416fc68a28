//! Helpers for the scan tests: write files, plan a scan through `FileScanPlanner`,
//! and render rows as text.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, RecordBatch};
use arrow::util::display::array_value_to_string;
use ember_common::config::keys;
use ember_common::{Config, Result};
use ember_physical::{collect_partitions_serial, ExecutionPlan, ScanPlanner, TaskContext};
use ember_plan::{Expr, TableScan, TableSource};

use crate::{FileFormat, FileScanPlanner, FileTable, ReadOptions};

pub fn write(dir: &Path, name: &str, content: &str) -> String {
    write_bytes(dir, name, content.as_bytes())
}

pub fn write_bytes(dir: &Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().to_string()
}

pub fn table(format: FileFormat, paths: &[&str], opts: &[(&str, &str)]) -> Result<FileTable> {
    let options: ReadOptions = opts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    FileTable::try_new(format, paths.iter().map(|p| p.to_string()).collect(), options, None)
}

/// A task context whose `spark.sql.files.maxPartitionBytes` is `max_bytes`.
pub fn ctx(max_bytes: Option<u64>) -> TaskContext {
    let mut config = Config::new();
    if let Some(b) = max_bytes {
        config.set(keys::MAX_PARTITION_BYTES, &b.to_string()).unwrap();
    }
    TaskContext::new(Arc::new(config))
}

pub fn plan(
    table: FileTable,
    projection: Option<Vec<usize>>,
    filters: Vec<Expr>,
    fetch: Option<usize>,
    ctx: &TaskContext,
) -> Result<Arc<dyn ExecutionPlan>> {
    let source: Arc<dyn TableSource> = Arc::new(table);
    let scan = TableScan::try_new("t", source, projection, filters, fetch)?;
    Ok(FileScanPlanner.plan_scan(&scan, 4, ctx)?.expect("file table"))
}

pub fn collect(plan: &Arc<dyn ExecutionPlan>, ctx: &TaskContext) -> Result<Vec<RecordBatch>> {
    let batches = collect_partitions_serial(plan, ctx)?;
    for b in &batches {
        assert_eq!(b.schema(), plan.schema(), "batch schema differs from the plan's");
    }
    Ok(batches)
}

/// Rows as `a|b|c`, NULL for nulls.
pub fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            let cells: Vec<String> = b
                .columns()
                .iter()
                .map(|c| if c.is_null(r) { "NULL".to_string() } else { array_value_to_string(c, r).unwrap() })
                .collect();
            out.push(cells.join("|"));
        }
    }
    out
}

/// `name:type` of every column.
pub fn schema_string(table: &FileTable) -> String {
    crate::scan_util::read_schema_string(&table.schema())
}
