//! The plan reading a table: its files, and for a partitioned table one scan per
//! partition directory (`p=v/…`) with the partition values added as typed constant
//! columns, all unioned. Directories and files starting with `_` or `.` are skipped.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::{Schema, SchemaRef};
use ember_common::Result;
use ember_physical::operators::memory::MemTable;
use ember_plan::{Expr, LogicalPlan, LogicalPlanBuilder, ScalarValue};

use super::metadata::TableMeta;
use crate::writer::committer;
use crate::writer::partition_dirs::{unescape_path_name, DEFAULT_PARTITION_NAME};

fn visible(name: &str) -> bool {
    !name.starts_with('_') && !name.starts_with('.')
}

/// True if `dir` directly holds a visible file.
fn has_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|es| {
            es.flatten()
                .any(|e| visible(&e.file_name().to_string_lossy()) && e.path().is_file())
        })
        .unwrap_or(false)
}

/// Leaf directories `col1=v1/col2=v2` of a partitioned table, with their raw values.
fn partition_dirs(
    dir: &Path,
    columns: &[String],
    values: Vec<Option<String>>,
    out: &mut Vec<(std::path::PathBuf, Vec<Option<String>>)>,
) {
    if values.len() == columns.len() {
        if has_files(dir) {
            out.push((dir.to_path_buf(), values));
        }
        return;
    }
    let col = &columns[values.len()];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let Some((key, raw)) = name.split_once('=') else {
            continue;
        };
        if !visible(&name) || !unescape_path_name(key).eq_ignore_ascii_case(col) {
            continue;
        }
        let value = if raw == DEFAULT_PARTITION_NAME {
            None
        } else {
            Some(unescape_path_name(raw))
        };
        let mut next = values.clone();
        next.push(value);
        partition_dirs(&child, columns, next, out);
    }
}

fn empty_scan(name: &str, schema: SchemaRef) -> Result<LogicalPlan> {
    Ok(LogicalPlanBuilder::scan(name, Arc::new(MemTable::try_new(schema, vec![])?))?.build())
}

/// The plan reading table `meta` (aliased by its name).
pub fn table_plan(meta: &TableMeta, time_zone: &str) -> Result<LogicalPlan> {
    let schema = meta.schema(time_zone)?;
    let location = Path::new(&meta.location);
    committer::recover(location)?;
    let options: BTreeMap<String, String> = meta.options.clone();
    let name = meta.name.as_str();
    let plan = if meta.partition_by.is_empty() {
        if has_files(location) {
            crate::reader::read_plan(
                name,
                &meta.provider,
                &meta.location,
                &options,
                Some(schema.clone()),
                None,
            )?
        } else {
            empty_scan(name, schema.clone())?
        }
    } else {
        let data_fields: Vec<_> = schema
            .fields()
            .iter()
            .filter(|f| !meta.is_partition_column(f.name()))
            .cloned()
            .collect();
        let data_schema = Arc::new(Schema::new(data_fields));
        let mut leaves = Vec::new();
        partition_dirs(location, &meta.partition_by, vec![], &mut leaves);
        let mut plans = Vec::with_capacity(leaves.len());
        for (dir, values) in leaves {
            let path = dir.to_string_lossy().to_string();
            let scan = crate::reader::read_plan(
                name,
                &meta.provider,
                &path,
                &options,
                Some(data_schema.clone()),
                None,
            )?;
            let mut exprs = Vec::new();
            for f in schema.fields() {
                let e = match meta
                    .partition_by
                    .iter()
                    .position(|p| p.eq_ignore_ascii_case(f.name()))
                {
                    Some(i) => Expr::Literal(ScalarValue::Utf8(values[i].clone()))
                        .cast_to(f.data_type().clone())
                        .alias(f.name()),
                    None => Expr::Column(ember_plan::Column::new(Some(name), f.name())),
                };
                exprs.push(e);
            }
            plans.push(LogicalPlanBuilder::from(scan).project(exprs)?.build());
        }
        let mut iter = plans.into_iter();
        match iter.next() {
            None => empty_scan(name, schema.clone())?,
            Some(first) => {
                let mut b = LogicalPlanBuilder::from(first);
                for p in iter {
                    b = b.union(p)?;
                }
                b.build()
            }
        }
    };
    Ok(LogicalPlanBuilder::from(plan).alias(name)?.build())
}
