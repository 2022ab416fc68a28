//! Splitting text files into partitions: byte ranges aligned to line starts (Hadoop's
//! `LineRecordReader` rule), packed into partitions as Spark's `FilePartition` does.
//!
//! A range `[start, end)` owns the lines that *start* in it: it skips to the first line
//! start at or after `start` (unless `start == 0`) and reads through the line that
//! crosses `end`. Compressed files (gzip, zstd) and `multiLine` inputs are never split.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result};
use flate2::read::MultiGzDecoder;

use crate::listing::{Compression, FileMeta};

/// Spark's `spark.sql.files.openCostInBytes`: the cost of opening a file, in bytes.
pub const OPEN_COST_BYTES: u64 = 4 << 20;

/// A byte range of one file.
#[derive(Debug, Clone)]
pub struct FileRange {
    pub file: Arc<FileMeta>,
    pub start: u64,
    pub end: u64,
}

impl FileRange {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// Spark's `maxSplitBytes`: `min(maxPartitionBytes, max(openCost, totalBytes / target))`.
pub fn max_split_bytes(total_bytes: u64, file_count: usize, target_partitions: usize, max_partition_bytes: u64) -> u64 {
    let total = total_bytes + file_count as u64 * OPEN_COST_BYTES;
    let per_core = total / target_partitions.max(1) as u64;
    max_partition_bytes.min(OPEN_COST_BYTES.max(per_core)).max(1)
}

/// Spark's `FilePartition.getFilePartitions`: items (file splits, with their byte
/// lengths) sorted by length, longest first (a stable sort, so equal lengths keep their
/// listing order), then packed in that order: a partition is closed when the next item
/// would take it past `max_bytes`; each item costs its length plus `open_cost`. Reading
/// partitions in order then reads rows in the order Spark does.
pub fn pack<T>(mut items: Vec<(T, u64)>, max_bytes: u64, open_cost: u64) -> Vec<Vec<T>> {
    items.sort_by(|a, b| b.1.cmp(&a.1));
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut size = 0u64;
    for (item, len) in items {
        if !current.is_empty() && size + len > max_bytes {
            out.push(std::mem::take(&mut current));
            size = 0;
        }
        size += len + open_cost;
        current.push(item);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Splits text files into byte ranges and packs them into partitions.
pub fn plan_text_partitions(files: &[Arc<FileMeta>], target_partitions: usize, max_partition_bytes: u64) -> Vec<Vec<FileRange>> {
    plan_text_partitions_with(files, target_partitions, max_partition_bytes, true)
}

/// [`plan_text_partitions`]; with `splittable` false every file is one range.
pub fn plan_text_partitions_with(
    files: &[Arc<FileMeta>],
    target_partitions: usize,
    max_partition_bytes: u64,
    splittable: bool,
) -> Vec<Vec<FileRange>> {
    let total: u64 = files.iter().map(|f| f.size).sum();
    let split = max_split_bytes(total, files.len(), target_partitions, max_partition_bytes);
    let mut items = Vec::new();
    for f in files.iter().filter(|f| f.size > 0) {
        if !splittable || f.compression() != Compression::None {
            items.push((FileRange { file: f.clone(), start: 0, end: f.size }, f.size));
            continue;
        }
        let mut start = 0;
        while start < f.size {
            let end = (start + split).min(f.size);
            items.push((FileRange { file: f.clone(), start, end }, end - start));
            start = end;
        }
    }
    pack(items, split, OPEN_COST_BYTES)
}

pub(crate) fn read_error(path: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::FailedReadFile { file: path.to_string(), message: e.to_string() })
}

/// Reads the lines owned by a byte range of an uncompressed file.
pub struct RangeReader {
    inner: BufReader<File>,
    pos: u64,
    end: u64,
    done: bool,
    first_line_start: u64,
}

impl RangeReader {
    pub fn open(path: &str, start: u64, end: u64) -> Result<RangeReader> {
        let file = File::open(path).map_err(|e| read_error(path, e))?;
        let mut inner = BufReader::with_capacity(1 << 16, file);
        let mut pos = 0;
        if start > 0 {
            inner.seek(SeekFrom::Start(start - 1)).map_err(|e| read_error(path, e))?;
            let mut skipped = Vec::new();
            let n = inner.read_until(b'\n', &mut skipped).map_err(|e| read_error(path, e))?;
            pos = start - 1 + n as u64;
        }
        let done = pos >= end;
        Ok(RangeReader { inner, pos, end, done, first_line_start: pos })
    }

    /// Byte offset of the first line this range reads.
    pub fn first_line_start(&self) -> u64 {
        self.first_line_start
    }
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let data = self.inner.fill_buf()?;
        if data.is_empty() {
            self.done = true;
            return Ok(0);
        }
        let limit = self.end - 1;
        let n = if self.pos < limit {
            data.len().min(buf.len()).min((limit - self.pos) as usize)
        } else {
            let avail = data.len().min(buf.len());
            match data[..avail].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.done = true;
                    i + 1
                }
                None => avail,
            }
        };
        buf[..n].copy_from_slice(&data[..n]);
        self.inner.consume(n);
        self.pos += n as u64;
        Ok(n)
    }
}

/// An open range: the buffered bytes of its lines (decompressed for gzip files) and
/// the offset of its first line in the file.
pub struct OpenRange {
    pub reader: Box<dyn BufRead + Send>,
    pub first_line_start: u64,
}

/// Opens a range for reading.
pub fn open_range(range: &FileRange) -> Result<OpenRange> {
    let path = &range.file.path;
    match range.file.compression() {
        Compression::Gzip => {
            let file = File::open(path).map_err(|e| read_error(path, e))?;
            return Ok(OpenRange { reader: Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file))), first_line_start: 0 });
        }
        Compression::Zstd => {
            let file = File::open(path).map_err(|e| read_error(path, e))?;
            let decoder = zstd::stream::read::Decoder::new(file).map_err(|e| read_error(path, e))?;
            return Ok(OpenRange { reader: Box::new(BufReader::with_capacity(1 << 16, decoder)), first_line_start: 0 });
        }
        Compression::None => {}
    }
    let r = RangeReader::open(path, range.start, range.end)?;
    let first_line_start = r.first_line_start();
    Ok(OpenRange { reader: Box::new(BufReader::with_capacity(1 << 16, r)), first_line_start })
}

/// Opens a whole file (decompressing gzip), for schema inference.
pub fn open_whole(file: &Arc<FileMeta>) -> Result<Box<dyn BufRead + Send>> {
    Ok(open_range(&FileRange { file: file.clone(), start: 0, end: file.size.max(1) })?.reader)
}

/// 1-based line number of the line starting at byte `offset` (counts `\n` before it).
pub fn line_number_at(path: &str, offset: u64) -> Result<u64> {
    if offset == 0 {
        return Ok(1);
    }
    let file = File::open(path).map_err(|e| read_error(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file.take(offset));
    let mut lines = 1u64;
    loop {
        let buf = reader.fill_buf().map_err(|e| read_error(path, e))?;
        if buf.is_empty() {
            return Ok(lines);
        }
        lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let n = buf.len();
        reader.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(path: &str, start: u64, end: u64) -> String {
        let mut s = String::new();
        RangeReader::open(path, start, end).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn ranges_cover_every_line_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt").to_string_lossy().to_string();
        let text = "a\nbb\nccc\n\ndddd\neeeee";
        std::fs::write(&path, text).unwrap();
        let len = text.len() as u64;
        for step in 1..=len {
            let mut all = String::new();
            let mut start = 0;
            while start < len {
                let end = (start + step).min(len);
                all.push_str(&read_all(&path, start, end));
                start = end;
            }
            assert_eq!(all, text, "step {step}");
        }
    }

    #[test]
    fn line_numbers_and_packing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt").to_string_lossy().to_string();
        std::fs::write(&path, "a\nbb\nccc\n").unwrap();
        assert_eq!(line_number_at(&path, 0).unwrap(), 1);
        assert_eq!(line_number_at(&path, 5).unwrap(), 3);
        // Longest first; equal lengths in listing order; an item opens a new partition
        // when it would not fit (Spark's rule: the open cost counts for items already in).
        let packed = pack(vec![(1, 5), (2, 5), (3, 5), (4, 20)], 10, 0);
        assert_eq!(packed, vec![vec![4], vec![1, 2], vec![3]]);
        let packed = pack(vec![(1, 3), (2, 3), (3, 3)], 10, 2);
        assert_eq!(packed, vec![vec![1, 2], vec![3]]);
        assert!(pack(Vec::<(u8, u64)>::new(), 10, 4).is_empty());
    }

    #[test]
    fn one_big_file_uses_all_cores() {
        let f = Arc::new(FileMeta { path: "x.csv".into(), size: 1 << 30 });
        let parts = plan_text_partitions(&[f], 16, 128 << 20);
        assert_eq!(parts.len(), 16);
        let gz = Arc::new(FileMeta { path: "x.csv.gz".into(), size: 1 << 30 });
        assert_eq!(plan_text_partitions(&[gz], 16, 128 << 20).len(), 1);
        let zst = Arc::new(FileMeta { path: "x.csv.zst".into(), size: 1 << 30 });
        assert_eq!(plan_text_partitions(&[zst], 16, 128 << 20).len(), 1);
        let plain = Arc::new(FileMeta { path: "x.csv".into(), size: 1 << 30 });
        assert_eq!(plan_text_partitions_with(&[plain], 16, 128 << 20, false).len(), 1);
    }
}
