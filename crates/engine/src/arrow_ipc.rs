//! Reading Arrow IPC files (`session.read().arrow(path)`, `format("arrow")`): every
//! visible file of a path, directory or glob, one partition per file.

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use ember_common::{Error, ErrorKind, Result};
use ember_physical::operators::memory::MemTable;
use ember_plan::{LogicalPlan, LogicalPlanBuilder};

fn read_error(file: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::FailedReadFile {
        file: file.to_string(),
        message: e.to_string(),
    })
}

/// The plan reading the Arrow IPC files at `path` as relation `name`.
pub(crate) fn read_arrow_plan(name: &str, path: &str) -> Result<LogicalPlan> {
    crate::writer::committer::recover(std::path::Path::new(path))?;
    let files = ember_datasource::listing::list_files(&[path.to_string()])?;
    let mut schema = None;
    let mut partitions: Vec<Vec<RecordBatch>> = Vec::new();
    for f in &files {
        let file = std::fs::File::open(&f.path).map_err(|e| read_error(&f.path, e))?;
        let reader = arrow::ipc::reader::FileReader::try_new(std::io::BufReader::new(file), None)
            .map_err(|e| read_error(&f.path, e))?;
        let file_schema = reader.schema();
        match &schema {
            None => schema = Some(file_schema.clone()),
            Some(s) if s.fields() != file_schema.fields() => {
                return Err(read_error(
                    &f.path,
                    "the file's schema differs from the first file's schema",
                ));
            }
            Some(_) => {}
        }
        let batches = reader
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| read_error(&f.path, e))?;
        partitions.push(batches);
    }
    let schema = schema.ok_or_else(|| {
        Error::new(ErrorKind::Other {
            class: "UNABLE_TO_INFER_SCHEMA".into(),
            sqlstate: Some("42KD9".into()),
            message: "Unable to infer schema for Arrow. It must be specified manually.".into(),
        })
    })?;
    let table = MemTable::try_new(schema, partitions)?;
    Ok(LogicalPlanBuilder::scan(name, Arc::new(table))?.build())
}
