//! Runs a write: the query's result partitions become tasks that each write one file
//! per partition directory (rolled over at `maxRecordsPerFile`) into the job's
//! staging area; then the job commits (see [`super::committer`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_physical::BatchIter;
use ember_plan::LogicalPlan;

use super::committer::{CommitKind, Job};
use super::file_sinks::{FileSink, SinkFactory, WriteFormat};
use super::partition_dirs::{data_schema, split_by_partition};
use crate::query::QueryExecution;
use crate::session::Session;

/// What a write job produces and where.
pub(crate) struct WriteRequest<'a> {
    pub format: WriteFormat,
    pub target: &'a Path,
    /// Partition column names (matched case-insensitively against the plan's output).
    pub partition_by: &'a [String],
    pub options: &'a BTreeMap<String, String>,
    pub commit: CommitKind,
}

struct OpenFile {
    sink: Box<dyn FileSink>,
    rows: usize,
}

struct TaskWriter<'a> {
    task: usize,
    job: &'a Job,
    factory: &'a SinkFactory,
    extension: String,
    max_records: usize,
    open: HashMap<String, OpenFile>,
    next_file: usize,
    files: usize,
}

impl TaskWriter<'_> {
    fn new_file(&mut self, dir: &str) -> Result<OpenFile> {
        let name = format!(
            "part-{:05}-{}.c{:03}{}",
            self.task, self.job.uuid, self.next_file, self.extension
        );
        self.next_file += 1;
        self.files += 1;
        let dir_path = self.job.data_dir().join(dir);
        std::fs::create_dir_all(&dir_path)
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", dir_path.display())))?;
        Ok(OpenFile {
            sink: self.factory.open(&dir_path.join(name))?,
            rows: 0,
        })
    }

    fn write(&mut self, dir: String, mut piece: RecordBatch) -> Result<()> {
        while piece.num_rows() > 0 {
            let mut file = match self.open.remove(&dir) {
                Some(f) => f,
                None => self.new_file(&dir)?,
            };
            let room = self.max_records.saturating_sub(file.rows).max(1);
            let take = room.min(piece.num_rows());
            file.sink.write(&piece.slice(0, take))?;
            file.rows += take;
            piece = piece.slice(take, piece.num_rows() - take);
            if file.rows >= self.max_records {
                file.sink.finish()?;
            } else {
                self.open.insert(dir.clone(), file);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<usize> {
        for (_, f) in self.open {
            f.sink.finish()?;
        }
        Ok(self.files)
    }
}

/// Indices of the partition columns in `schema`, in the order given.
pub(crate) fn partition_indices(
    schema: &arrow::datatypes::Schema,
    names: &[String],
) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for n in names {
        let i = schema
            .fields()
            .iter()
            .position(|f| f.name().eq_ignore_ascii_case(n))
            .ok_or_else(|| {
                let cols: Vec<String> = schema
                    .fields()
                    .iter()
                    .map(|f| format!("`{}`", f.name()))
                    .collect();
                Error::new(ember_common::ErrorKind::UnresolvedColumn {
                    name: n.clone(),
                    suggestions: ember_common::suggest::closest(
                        n,
                        schema.fields().iter().map(|f| f.name().as_str()),
                        5,
                    ),
                })
                .context(format!(
                    "Partition column `{n}` not found in schema [{}].",
                    cols.join(", ")
                ))
            })?;
        if out.contains(&i) {
            return Err(Error::new(ember_common::ErrorKind::Other {
                class: "COLUMN_ALREADY_EXISTS".into(),
                sqlstate: Some("42711".into()),
                message: format!("The column `{n}` already exists. Choose another name or rename the existing column."),
            }));
        }
        out.push(i);
    }
    if !out.is_empty() && out.len() == schema.fields().len() {
        return Err(Error::new(ember_common::ErrorKind::Other {
            class: "ALL_PARTITION_COLUMNS_NOT_ALLOWED".into(),
            sqlstate: Some("KD005".into()),
            message: "Cannot use all columns for partition columns.".into(),
        }));
    }
    Ok(out)
}

/// Runs `plan` and writes its rows as `request` says; returns the files written,
/// relative to the target.
pub(crate) fn run_write_job(
    session: &Session,
    plan: LogicalPlan,
    request: &WriteRequest,
) -> Result<Vec<String>> {
    let session = &session.for_query();
    ember_common::catch_panic(|| write(session, plan, request))
}

fn write(session: &Session, plan: LogicalPlan, request: &WriteRequest) -> Result<Vec<String>> {
    let qe = QueryExecution::new(session, plan)?;
    let schema = qe.physical.schema();
    let part_cols = partition_indices(&schema, request.partition_by)?;
    let file_schema = data_schema(&schema, &part_cols);
    let tz = session.time_zone();
    let factory = SinkFactory::try_new(request.format, file_schema, request.options, &tz)?;
    let max_records = match request.options.get("maxrecordsperfile") {
        None => usize::MAX,
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n > 0 => n as usize,
            Ok(_) => usize::MAX,
            Err(_) => return Err(Error::invalid_argument(format!("The value '{v}' of the option 'maxRecordsPerFile' is invalid: it must be an integer."))),
        },
    };
    let job = Job::setup(request.target)?;
    let ctx = session.task_context(qe.config.clone());
    let extension = factory.extension();
    let run = || -> Result<Vec<String>> {
        let task = |p: usize, batches: BatchIter| -> Result<usize> {
            let mut w = TaskWriter {
                task: p,
                job: &job,
                factory: &factory,
                extension: extension.clone(),
                max_records,
                open: HashMap::new(),
                next_file: 0,
                files: 0,
            };
            for batch in batches {
                let batch = batch?;
                for (dir, piece) in split_by_partition(&batch, &part_cols, &tz)? {
                    w.write(dir, piece)?;
                }
            }
            w.finish()
        };
        let files: usize = session
            .scheduler()
            .run_tasks(&qe.physical, &ctx, task)?
            .into_iter()
            .sum();
        if files == 0 && part_cols.is_empty() {
            // As Spark: an empty result still writes one file carrying the schema.
            let name = format!("part-00000-{}.c000{}", job.uuid, extension);
            factory.open(&job.data_dir().join(name))?.finish()?;
        }
        job.commit(&request.commit)
    };
    match run() {
        Ok(n) => Ok(n),
        Err(e) => {
            job.abort();
            Err(e)
        }
    }
}
