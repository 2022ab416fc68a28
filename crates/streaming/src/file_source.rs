//! `FileStreamSource`: new files in a directory become micro-batches. Every file taken
//! is recorded in the checkpoint's `sources/<i>/N` log (Spark's `FileStreamSourceLog`
//! format: `v1`, then `{"path","timestamp","batchId"}` per file) before the batch that
//! reads it is planned; the source's offset is `{"logOffset":N}`. Files must appear
//! atomically (written elsewhere, then renamed in), as Spark requires.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use ember_common::{Error, Result};
use ember_datasource::sink_log::{path_to_uri, uri_to_path};
use ember_datasource::{FileFormat, FileTable, ReadOptions};
use ember_physical::operators::memory::MemTable;
use ember_plan::TableSource;
use serde_json::{json, Value};

use crate::checkpoint::{corrupt, MetadataLog};
use crate::offset_log::check_version;
use crate::source::{Offset, ReadLimit, Source};

/// What the files hold: a format Ember's batch reader reads, or text (one row
/// `value STRING` per line, or per file with `wholetext`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFileFormat {
    Files(FileFormat),
    Text,
}

impl StreamFileFormat {
    pub fn from_name(name: &str) -> Result<Self> {
        if name.trim().eq_ignore_ascii_case("text") {
            return Ok(StreamFileFormat::Text);
        }
        FileFormat::from_name(name).map(StreamFileFormat::Files)
    }
}

/// `value STRING`, the schema of text sources.
pub fn text_schema() -> SchemaRef {
    Arc::new(arrow::datatypes::Schema::new(vec![arrow::datatypes::Field::new("value", arrow::datatypes::DataType::Utf8, true)]))
}

/// The lines (or whole contents) of `files` as `value` rows, one partition per file.
fn read_text(files: &[String], options: &ReadOptions, schema: &SchemaRef) -> Result<MemTable> {
    let whole = options.get_bool("wholetext", false)?;
    let sep = options.get("linesep").map(str::to_string);
    let mut parts = Vec::with_capacity(files.len());
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| crate::checkpoint::io_error("read", Path::new(f), e))?;
        let text = String::from_utf8_lossy(&bytes);
        let values: Vec<&str> = if whole {
            vec![&text]
        } else {
            let mut v: Vec<&str> = match &sep {
                Some(sep) if !sep.is_empty() => text.split(sep.as_str()).collect(),
                _ => text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect(),
            };
            if v.last() == Some(&"") {
                v.pop();
            }
            v
        };
        let col = Arc::new(arrow::array::StringArray::from(values));
        parts.push(vec![arrow::record_batch::RecordBatch::try_new(schema.clone(), vec![col])?]);
    }
    if parts.is_empty() {
        parts.push(vec![]);
    }
    MemTable::try_new(schema.clone(), parts)
}

/// The options Spark's file source takes (`maxFilesPerTrigger`, `latestFirst`,
/// `maxFileAge`); the rest go to the file format's reader.
#[derive(Debug, Clone, Default)]
pub struct FileSourceOptions {
    pub max_files_per_trigger: Option<usize>,
    pub max_bytes_per_trigger: Option<u64>,
    pub latest_first: bool,
    /// Files older than the newest file minus this are ignored (ms); Spark's default
    /// is a week, and it is ignored when `latestFirst` and `maxFilesPerTrigger` are set.
    pub max_file_age_ms: Option<i64>,
    pub clean_source: CleanSource,
}

impl FileSourceOptions {
    /// Reads Spark's option names (case-insensitive keys, already lower-cased).
    pub fn from_options(options: &ReadOptions) -> Result<Self> {
        let positive = |key: &str| -> Result<Option<u64>> {
            match options.get(key) {
                None => Ok(None),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(Error::invalid_argument(format!("Invalid value '{v}' for option '{key}', must be a positive integer"))),
                },
            }
        };
        let max_file_age_ms = match options.get("maxfileage") {
            None => None,
            Some(v) => Some(parse_duration_ms(v)?),
        };
        let clean_source = match options.get("cleansource").map(|v| v.trim().to_ascii_lowercase()) {
            None => CleanSource::Off,
            Some(v) if v == "off" => CleanSource::Off,
            Some(v) if v == "delete" => CleanSource::Delete,
            Some(v) if v == "archive" => match options.get("sourcearchivedir") {
                Some(dir) => CleanSource::Archive(PathBuf::from(absolute(dir))),
                None => return Err(Error::invalid_argument("Archive directory to move completed files should be specified via option 'sourceArchiveDir'.")),
            },
            Some(v) => return Err(Error::invalid_argument(format!("Invalid mode for clean source option {v}. Must be one of 'archive', 'delete', 'off'."))),
        };
        Ok(FileSourceOptions {
            clean_source,
            max_files_per_trigger: positive("maxfilespertrigger")?.map(|n| n as usize),
            max_bytes_per_trigger: positive("maxbytespertrigger")?,
            latest_first: options.get_bool("latestfirst", false)?,
            max_file_age_ms,
        })
    }
}

/// `"7d"`, `"1h"`, `"10 seconds"`, `"500ms"` → milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<i64> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = (t[..split].trim(), t[split..].trim());
    let n: f64 = num.parse().map_err(|_| Error::invalid_argument(format!("Invalid duration '{text}'")))?;
    let unit = unit.strip_prefix("interval").unwrap_or(unit).trim();
    let ms = match unit {
        "" | "ms" | "millisecond" | "milliseconds" => 1.0,
        "s" | "sec" | "secs" | "second" | "seconds" => 1e3,
        "m" | "min" | "mins" | "minute" | "minutes" => 6e4,
        "h" | "hour" | "hours" => 3.6e6,
        "d" | "day" | "days" => 8.64e7,
        "w" | "week" | "weeks" => 6.048e8,
        "us" | "microsecond" | "microseconds" => 1e-3,
        _ => return Err(Error::invalid_argument(format!("Invalid duration '{text}': unknown unit '{unit}'"))),
    };
    Ok((n * ms) as i64)
}

#[derive(Debug, Clone)]
struct SeenFile {
    path: String,
    timestamp_ms: i64,
}

#[derive(Debug)]
struct State {
    /// Files already in the log, by path.
    seen: HashSet<String>,
    /// The newest log entry's batch id (-1: none).
    last_log_id: i64,
    /// Under `AvailableNow`: the only files later batches may take.
    available_now: Option<HashSet<String>>,
    /// Log entries whose files `cleanSource` already handled.
    cleaned_upto: i64,
}

/// What to do with a file once its batch committed (`cleanSource`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CleanSource {
    #[default]
    Off,
    Delete,
    /// Move under this directory, keeping the file's absolute path below it.
    Archive(PathBuf),
}

/// New files under a path, in batches.
#[derive(Debug)]
pub struct FileStreamSource {
    path: String,
    format: StreamFileFormat,
    schema: SchemaRef,
    reader_options: ReadOptions,
    options: FileSourceOptions,
    log: MetadataLog,
    state: Mutex<State>,
}

impl FileStreamSource {
    /// A source over `path` (a directory or a glob) whose log lives in `log_dir`
    /// (`<checkpoint>/sources/<i>`); reads the log to know which files are taken.
    pub fn try_new(path: &str, format: StreamFileFormat, schema: SchemaRef, reader_options: ReadOptions, log_dir: PathBuf) -> Result<Self> {
        let options = FileSourceOptions::from_options(&reader_options)?;
        let log = MetadataLog::new(log_dir);
        let mut seen = HashSet::new();
        let mut last_log_id = -1;
        for id in log.batch_ids()? {
            for f in read_entries(&log, id)? {
                seen.insert(f.path);
            }
            last_log_id = id as i64;
        }
        let path = absolute(path);
        Ok(FileStreamSource {
            path,
            format,
            schema,
            reader_options,
            options,
            log,
            state: Mutex::new(State { seen, last_log_id, available_now: None, cleaned_upto: -1 }),
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>> {
        self.state.lock().map_err(|_| Error::internal("file source lock poisoned"))
    }

    /// Visible files under the path that `keep` accepts, with their modification
    /// times (read only for those), oldest first.
    fn list(&self, keep: impl Fn(&str) -> bool) -> Result<Vec<(SeenFile, u64)>> {
        let root = Path::new(&self.path);
        let listed = if root.exists() || self.path.contains(['*', '?', '[', '{']) {
            match ember_datasource::listing::list_files(std::slice::from_ref(&self.path)) {
                Ok(l) => l,
                Err(e) if e.class() == "PATH_NOT_FOUND" => vec![],
                Err(e) => return Err(e),
            }
        } else {
            vec![]
        };
        let mut out = Vec::with_capacity(listed.len());
        for f in listed.into_iter().filter(|f| keep(&f.path)) {
            let modified = std::fs::metadata(&f.path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            out.push((SeenFile { path: f.path, timestamp_ms: modified }, f.size));
        }
        out.sort_by(|(a, _), (b, _)| a.timestamp_ms.cmp(&b.timestamp_ms).then_with(|| a.path.cmp(&b.path)));
        Ok(out)
    }
}

fn absolute(path: &str) -> String {
    let p = Path::new(path);
    if p.is_absolute() {
        return path.to_string();
    }
    std::env::current_dir().map(|d| d.join(p).to_string_lossy().into_owned()).unwrap_or_else(|_| path.to_string())
}

fn read_entries(log: &MetadataLog, id: u64) -> Result<Vec<SeenFile>> {
    let path = log.dir().join(id.to_string());
    let Some(text) = log.get(id)? else { return Ok(vec![]) };
    let mut lines = text.lines();
    check_version(lines.next(), &path)?;
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).map_err(|e| corrupt(&path, e))?;
            let uri = v.get("path").and_then(|p| p.as_str()).ok_or_else(|| corrupt(&path, "entry without path"))?;
            Ok(SeenFile {
                path: uri_to_path(uri),
                timestamp_ms: v.get("timestamp").and_then(|t| t.as_i64()).unwrap_or(0),
            })
        })
        .collect()
}

impl Source for FileStreamSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        format!("FileStreamSource[file:{}]", self.path)
    }

    fn latest_offset(&self, start: Option<&Offset>, limit: ReadLimit) -> Result<Option<Offset>> {
        let start = start.and_then(|o| o.as_i64()).unwrap_or(-1);
        let mut state = self.lock()?;
        if state.last_log_id > start {
            // Files already taken (by a run that stopped before its batch ran).
            return Ok(Some(Offset(json!({ "logOffset": state.last_log_id }))));
        }
        let mut new_files =
            self.list(|path| !state.seen.contains(path) && state.available_now.as_ref().is_none_or(|a| a.contains(path)))?;
        if let Some(age) = self.options.max_file_age_ms {
            if !(self.options.latest_first && self.options.max_files_per_trigger.is_some()) {
                let newest = new_files.iter().map(|(f, _)| f.timestamp_ms).max().unwrap_or(0);
                new_files.retain(|(f, _)| f.timestamp_ms >= newest - age);
            }
        }
        if self.options.latest_first {
            new_files.reverse();
        }
        if limit == ReadLimit::Default {
            if let Some(n) = self.options.max_files_per_trigger {
                new_files.truncate(n);
            } else if let Some(max_bytes) = self.options.max_bytes_per_trigger {
                let mut total = 0;
                let keep = new_files.iter().take_while(|(_, size)| {
                    let fits = total == 0 || total + size <= max_bytes;
                    total += size;
                    fits
                });
                let n = keep.count().max(1);
                new_files.truncate(n);
            }
        }
        if new_files.is_empty() {
            return Ok(None);
        }
        let id = state.last_log_id + 1;
        let mut text = String::from("v1");
        for (f, _) in &new_files {
            text.push('\n');
            text.push_str(&json!({ "path": path_to_uri(&f.path), "timestamp": f.timestamp_ms, "batchId": id }).to_string());
        }
        if !self.log.add(id as u64, &text)? {
            return Err(Error::spark("CONCURRENT_STREAM_LOG_UPDATE", &[("batchId", &id.to_string())]));
        }
        for (f, _) in new_files {
            state.seen.insert(f.path);
        }
        state.last_log_id = id;
        Ok(Some(Offset(json!({ "logOffset": id }))))
    }

    fn get_batch(&self, start: Option<&Offset>, end: &Offset) -> Result<Arc<dyn TableSource>> {
        let from = start.and_then(|o| o.as_i64()).unwrap_or(-1) + 1;
        let to = end.as_i64().ok_or_else(|| Error::internal(format!("file source offset {}", end.json())))?;
        let mut files = Vec::new();
        for id in from.max(0)..=to {
            files.extend(read_entries(&self.log, id as u64)?.into_iter().map(|f| f.path));
        }
        if files.is_empty() {
            return Ok(Arc::new(MemTable::try_new(self.schema.clone(), vec![vec![]])?));
        }
        let mut opts = self.reader_options.clone();
        for key in ["maxfilespertrigger", "maxbytespertrigger", "latestfirst", "maxfileage", "cleansource", "sourcearchivedir", "path"] {
            opts.remove(key);
        }
        match self.format {
            StreamFileFormat::Files(format) => Ok(Arc::new(FileTable::try_new(format, files, opts, Some(self.schema.clone()))?)),
            StreamFileFormat::Text => Ok(Arc::new(read_text(&files, &opts, &self.schema)?)),
        }
    }

    fn commit(&self, end: &Offset) -> Result<()> {
        if self.options.clean_source == CleanSource::Off {
            return Ok(());
        }
        let end = end.as_i64().unwrap_or(-1);
        let mut state = self.lock()?;
        for id in (state.cleaned_upto + 1).max(0)..=end {
            for f in read_entries(&self.log, id as u64)? {
                let src = Path::new(&f.path);
                if !src.exists() {
                    continue; // cleaned before a restart
                }
                let done = match &self.options.clean_source {
                    CleanSource::Delete => std::fs::remove_file(src),
                    CleanSource::Archive(dir) => {
                        let target = dir.join(f.path.trim_start_matches('/'));
                        std::fs::create_dir_all(target.parent().unwrap_or(dir)).and_then(|_| std::fs::rename(src, &target))
                    }
                    CleanSource::Off => Ok(()),
                };
                // As Spark, a file that cannot be cleaned is left in place (logged there).
                let _ = done;
            }
        }
        state.cleaned_upto = state.cleaned_upto.max(end);
        Ok(())
    }

    fn prepare_for_available_now(&self) -> Result<()> {
        let files = self.list(|_| true)?.into_iter().map(|(f, _)| f.path).collect();
        self.lock()?.available_now = Some(files);
        Ok(())
    }
}
