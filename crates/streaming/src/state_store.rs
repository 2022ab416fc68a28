//! The state store: what stateful operators keep between micro-batches, one store per
//! (operator, shuffle partition), versioned by batch (version `N + 1` is the state
//! after batch `N`). Rows are keyed by their first `keys` columns. Each version is kept
//! in memory for the next batch and written under
//! `<checkpoint>/state/<operator>/<partition>/` before the batch commits, as Spark's
//! HDFS-backed store does: `<version>.delta` holds the rows the batch changed or removed
//! (a trailing `__removed` column marks removals) and every `SNAPSHOT_INTERVAL` versions
//! `<version>.snapshot` holds them all (Arrow IPC, written atomically). A restarted
//! query loads the newest snapshot at or below the version it needs and applies the
//! deltas after it (later rows of a key win; a removal drops the key). Files no longer
//! needed to load the last `retain` versions are deleted.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};

use crate::checkpoint::{corrupt, io_error, write_atomically};

/// A full snapshot every this many versions (Spark's `minDeltasForSnapshot`).
pub const SNAPSHOT_INTERVAL: u64 = 10;

fn write_ipc(path: &std::path::Path, schema: &SchemaRef, rows: &[RecordBatch]) -> Result<()> {
    let mut buf = Vec::new();
    {
        let mut w = FileWriter::try_new(&mut buf, schema)?;
        for b in rows {
            w.write(b)?;
        }
        w.finish()?;
    }
    write_atomically(path, &buf)
}

/// The name of a delta file's removal marker column.
const REMOVED: &str = "__removed";

/// A delta file's schema: the state's columns and the removal marker.
fn delta_schema(schema: &SchemaRef) -> SchemaRef {
    let mut fields: Vec<arrow::datatypes::FieldRef> = schema.fields().iter().cloned().collect();
    fields.push(Arc::new(arrow::datatypes::Field::new(REMOVED, arrow::datatypes::DataType::Boolean, false)));
    Arc::new(arrow::datatypes::Schema::new(fields))
}

/// `rows` with the removal marker set to `removed`.
fn mark(rows: &[RecordBatch], removed: bool, schema: &SchemaRef) -> Result<Vec<RecordBatch>> {
    rows.iter()
        .map(|b| {
            let mut cols = b.columns().to_vec();
            cols.push(Arc::new(arrow::array::BooleanArray::from(vec![removed; b.num_rows()])));
            Ok(RecordBatch::try_new(schema.clone(), cols)?)
        })
        .collect()
}

/// `rows` with one row per key (the first `keys` columns): the last one given, left out
/// when it is a removal (`removed[i]` for row `i` of the concatenated rows).
fn last_row_per_key(rows: Vec<RecordBatch>, removed: Option<Vec<bool>>, keys: usize, schema: &SchemaRef) -> Result<Vec<RecordBatch>> {
    if removed.is_none() && (rows.len() <= 1 || keys == 0) {
        // One batch (a snapshot) has unique keys; a global aggregate has one row.
        return Ok(match (keys, rows.last()) {
            (0, Some(last)) if rows.len() > 1 => vec![last.clone()],
            _ => rows,
        });
    }
    let all = arrow::compute::concat_batches(schema, &rows)?;
    let fields = schema.fields()[..keys].iter().map(|f| arrow_row::SortField::new(f.data_type().clone())).collect();
    let converter = arrow_row::RowConverter::new(fields)?;
    let converted = converter.convert_columns(&all.columns()[..keys])?;
    let mut seen = std::collections::HashSet::new();
    let is_removed = |i: usize| removed.as_ref().is_some_and(|r| r[i]);
    let mut keep: Vec<u32> = (0..all.num_rows())
        .rev()
        .filter(|&i| seen.insert(converted.row(i).as_ref().to_vec()) && !is_removed(i))
        .map(|i| i as u32)
        .collect();
    keep.reverse();
    let idx = arrow::array::UInt32Array::from(keep);
    let columns = all.columns().iter().map(|c| arrow::compute::take(c.as_ref(), &idx, None)).collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(vec![RecordBatch::try_new(schema.clone(), columns)?])
}

/// Every operator's state of one query.
#[derive(Debug)]
pub struct StateStore {
    dir: PathBuf,
    retain: u64,
    cache: Mutex<HashMap<(usize, usize), (u64, Arc<Vec<RecordBatch>>)>>,
}

impl StateStore {
    /// The store under `<checkpoint>/state`, keeping `retain` versions on disk.
    pub fn new(dir: PathBuf, retain: u64) -> Self {
        StateStore { dir, retain: retain.max(2), cache: Mutex::new(HashMap::new()) }
    }

    fn dir(&self, op: usize, partition: usize) -> PathBuf {
        self.dir.join(op.to_string()).join(partition.to_string())
    }

    /// `(version, is_snapshot)` of every state file of a store, ascending.
    fn files(&self, op: usize, partition: usize) -> Vec<(u64, bool)> {
        let mut out: Vec<(u64, bool)> = std::fs::read_dir(self.dir(op, partition))
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let (v, snap) = match name.rsplit_once('.') {
                            Some((v, "snapshot")) => (v.to_string(), true),
                            Some((v, "delta")) => (v.to_string(), false),
                            _ => return None,
                        };
                        v.parse::<u64>().ok().map(|v| (v, snap))
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// The rows of a state file and, for a delta, which of them are removals.
    fn read(&self, path: &std::path::Path, schema: &SchemaRef) -> Result<(Vec<RecordBatch>, Option<Vec<bool>>)> {
        let file = std::fs::File::open(path).map_err(|e| io_error("read", path, e))?;
        let reader = FileReader::try_new(file, None).map_err(|e| corrupt(path, e))?;
        let stored = reader.schema();
        let n = schema.fields().len();
        let has_marker = stored.fields().len() == n + 1 && stored.field(n).name() == REMOVED;
        if (stored.fields().len() != n && !has_marker)
            || stored.fields().iter().zip(schema.fields()).any(|(a, b)| a.data_type() != b.data_type())
        {
            return Err(Error::spark(
                "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE",
                &[("storedKeySchema", &format!("{stored:?}")), ("newKeySchema", &format!("{schema:?}"))],
            ));
        }
        let mut rows = Vec::new();
        let mut removed = has_marker.then(Vec::new);
        for b in reader {
            let b = b.map_err(|e| corrupt(path, e))?;
            if let Some(r) = removed.as_mut() {
                let marker = b.column(n).as_any().downcast_ref::<arrow::array::BooleanArray>().ok_or_else(|| corrupt(path, "bad removal marker"))?;
                r.extend(marker.iter().map(|v| v.unwrap_or(false)));
            }
            rows.push(RecordBatch::try_new(schema.clone(), b.columns()[..n].to_vec())?);
        }
        Ok((rows, removed))
    }

    /// The rows of `version` (empty for version 0, before the first batch), keyed by
    /// their first `keys` columns.
    pub fn load(&self, op: usize, partition: usize, version: u64, keys: usize, schema: &SchemaRef) -> Result<Arc<Vec<RecordBatch>>> {
        if version == 0 {
            return Ok(Arc::new(vec![]));
        }
        if let Some((v, rows)) = self.cache.lock().map_err(|_| Error::internal("state cache poisoned"))?.get(&(op, partition)) {
            if *v == version {
                return Ok(rows.clone());
            }
        }
        let files = self.files(op, partition);
        let dir = self.dir(op, partition);
        let missing = |what: PathBuf| {
            Error::spark(
                "CANNOT_LOAD_STATE_STORE.CANNOT_READ_MISSING_SNAPSHOT_FILE",
                &[("fileToRead", &what.display().to_string()), ("clazz", &format!("state store (operator {op}, partition {partition})"))],
            )
        };
        // The newest snapshot at or below `version`, then every delta up to it.
        let base = files.iter().rev().find(|(v, snap)| *snap && *v <= version).map(|(v, _)| *v).unwrap_or(0);
        let mut rows = if base > 0 { self.read(&dir.join(format!("{base}.snapshot")), schema)?.0 } else { vec![] };
        let mut removed: Vec<bool> = vec![false; rows.iter().map(|b| b.num_rows()).sum()];
        let mut any_removed = false;
        for v in base + 1..=version {
            if !files.contains(&(v, false)) {
                return Err(missing(dir.join(format!("{v}.delta"))));
            }
            let (delta, marks) = self.read(&dir.join(format!("{v}.delta")), schema)?;
            let count: usize = delta.iter().map(|b| b.num_rows()).sum();
            match marks {
                Some(m) => {
                    any_removed |= m.iter().any(|r| *r);
                    removed.extend(m);
                }
                None => removed.extend(std::iter::repeat_n(false, count)),
            }
            rows.extend(delta);
        }
        Ok(Arc::new(last_row_per_key(rows, any_removed.then_some(removed), keys, schema)?))
    }

    /// Stores version `version`: all its rows (`state`, kept in memory), the rows this
    /// batch changed and those it removed (the delta file; the whole state every
    /// `SNAPSHOT_INTERVAL` versions). Deletes files older versions no longer need.
    pub fn commit(
        &self,
        op: usize,
        partition: usize,
        version: u64,
        schema: &SchemaRef,
        state: Vec<RecordBatch>,
        changed: &[RecordBatch],
        removed: &[RecordBatch],
    ) -> Result<()> {
        let dir = self.dir(op, partition);
        let delta = delta_schema(schema);
        let mut rows = mark(changed, false, &delta)?;
        rows.extend(mark(removed, true, &delta)?);
        write_ipc(&dir.join(format!("{version}.delta")), &delta, &rows)?;
        if version % SNAPSHOT_INTERVAL == 0 {
            write_ipc(&dir.join(format!("{version}.snapshot")), schema, &state)?;
        }
        self.cache.lock().map_err(|_| Error::internal("state cache poisoned"))?.insert((op, partition), (version, Arc::new(state)));
        // Keep what loading any of the last `retain` versions needs.
        if let Some(oldest) = version.checked_sub(self.retain) {
            let files = self.files(op, partition);
            if let Some(base) = files.iter().rev().find(|(v, snap)| *snap && *v <= oldest).map(|(v, _)| *v) {
                for (v, snap) in files {
                    if v < base {
                        let _ = std::fs::remove_file(dir.join(format!("{v}.{}", if snap { "snapshot" } else { "delta" })));
                    }
                }
            }
        }
        Ok(())
    }

    /// Forgets what is cached in memory (a restarted query reads from disk).
    pub fn clear_cache(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    #[test]
    fn deltas_and_snapshots_round_trip_and_old_files_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let schema: SchemaRef = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true), Field::new("n", DataType::Int64, true)]));
        let batch = |rows: &[(i64, i64)]| {
            RecordBatch::try_new(
                schema.clone(),
                vec![Arc::new(Int64Array::from(rows.iter().map(|r| r.0).collect::<Vec<_>>())), Arc::new(Int64Array::from(rows.iter().map(|r| r.1).collect::<Vec<_>>()))],
            )
            .unwrap()
        };
        let store = StateStore::new(dir.path().join("state"), 5);
        assert!(store.load(0, 1, 0, 1, &schema).unwrap().is_empty());
        // version v: key v % 3 gets count v (so keys 0,1,2 are rewritten over and over)
        let mut state = std::collections::BTreeMap::new();
        for v in 1..=25u64 {
            state.insert((v % 3) as i64, v as i64);
            let all: Vec<(i64, i64)> = state.iter().map(|(k, n)| (*k, *n)).collect();
            store.commit(0, 1, v, &schema, vec![batch(&all)], &[batch(&[((v % 3) as i64, v as i64)])], &[]).unwrap();
        }
        let fresh = StateStore::new(dir.path().join("state"), 5);
        let rows = |v: u64| {
            let b = fresh.load(0, 1, v, 1, &schema).unwrap();
            let mut out: Vec<(i64, i64)> = b
                .iter()
                .flat_map(|b| {
                    let k = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().clone();
                    let n = b.column(1).as_any().downcast_ref::<Int64Array>().unwrap().clone();
                    (0..b.num_rows()).map(move |i| (k.value(i), n.value(i)))
                })
                .collect();
            out.sort();
            out
        };
        assert_eq!(rows(25), [(0, 24), (1, 25), (2, 23)]);
        assert_eq!(rows(21), [(0, 21), (1, 19), (2, 20)]);
        let names: Vec<String> = std::fs::read_dir(dir.path().join("state/0/1")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.contains(&"20.snapshot".to_string()) && !names.contains(&"10.snapshot".to_string()) && !names.contains(&"9.delta".to_string()), "{names:?}");
        assert_eq!(fresh.load(0, 1, 5, 1, &schema).unwrap_err().class(), "CANNOT_LOAD_STATE_STORE.CANNOT_READ_MISSING_SNAPSHOT_FILE");
        // A removal in a delta drops the key from every later load.
        store.commit(0, 1, 26, &schema, vec![batch(&[(0, 24), (2, 23)])], &[], &[batch(&[(1, 25)])]).unwrap();
        assert_eq!(StateStore::new(dir.path().join("state"), 5).load(0, 1, 26, 1, &schema).unwrap().iter().map(|b| b.num_rows()).sum::<usize>(), 2);
        let other: SchemaRef = Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("n", DataType::Int64, true)]));
        assert_eq!(StateStore::new(dir.path().join("state"), 5).load(0, 1, 25, 1, &other).unwrap_err().class(), "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE");
    }
}
