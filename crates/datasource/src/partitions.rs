//! Hive-style partition directories (`…/year=2024/month=5/part-0.parquet`): discovery
//! of the partition columns and their types (as Spark's `PartitioningUtils`: int,
//! bigint, decimal, double, date, timestamp, else string; `__HIVE_DEFAULT_PARTITION__`
//! is NULL), pruning files with filters on those columns before any file is opened,
//! and filling the columns into the batches a scan reads from each file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray, UInt32Array};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatchOptions;
use ember_common::{Config, Error, ErrorKind, Result, Transformed, TreeNode};
use ember_physical::expressions::{create_physical_expr, evaluate_to_array};
use ember_physical::TaskContext;
use ember_plan::{conjunction, Column, Expr, PlanSchema};
use std::collections::HashMap;

use crate::csv_infer::{infer_value, merge, Inferred};
use crate::listing::ListedFile;

/// Hive's name for a NULL partition value.
pub const DEFAULT_PARTITION_NAME: &str = "__HIVE_DEFAULT_PARTITION__";

/// The partition columns of a table and each file's values.
#[derive(Debug, Clone)]
pub struct PartitionSpec {
    pub fields: Vec<Field>,
    /// one array per partition column, one value per file (the table's file order)
    pub values: Vec<ArrayRef>,
}

/// Hive's `unescapePathName`: `%XX` hex escapes.
pub fn unescape_path_name(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A file's partition directories: the `(column, raw value)` pairs below its base
/// path, outermost first, and the base path Spark "discovers" for it (Spark's
/// `parsePartition`: walking up from the file's directory, directories that are not
/// `k=v` are skipped until the first `k=v` one, and end the walk after it; the walk
/// also ends at the base path). Without any `k=v` directory the discovered base is the
/// file's own directory.
fn parse_partition(file: &ListedFile) -> (Vec<(String, Option<String>)>, PathBuf) {
    let leaf = Path::new(&file.meta.path).parent().unwrap_or(Path::new(""));
    let rel = leaf.strip_prefix(&file.base).unwrap_or(Path::new(""));
    let comps: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect();
    let mut cols = Vec::new();
    let mut stop = 0;
    for (i, name) in comps.iter().enumerate().rev() {
        match name.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                let value = if v == DEFAULT_PARTITION_NAME { None } else { Some(unescape_path_name(v)) };
                cols.push((unescape_path_name(k), value));
            }
            _ if !cols.is_empty() => {
                stop = i + 1;
                break;
            }
            _ => {}
        }
    }
    cols.reverse();
    let discovered = if cols.is_empty() { leaf.to_path_buf() } else { comps[..stop].iter().fold(file.base.clone(), |p, c| p.join(c)) };
    (cols, discovered)
}

fn conflicting_names(columns: &[Vec<String>], dirs: &[String]) -> Error {
    Error::new(ErrorKind::Other {
        class: "CONFLICTING_PARTITION_COLUMN_NAMES".into(),
        sqlstate: Some("KD009".into()),
        message: format!(
            "Conflicting partition column names detected:\n{}\nFor partitioned table directories, data files should only live in leaf directories.\nAnd directories at the same level should have the same partition column name.\nPlease check the following directories for unexpected files or inconsistent partition column names:\n{}",
            columns.iter().enumerate().map(|(i, c)| format!("\tPartition column name list #{i}: {}", c.join(", "))).collect::<Vec<_>>().join("\n"),
            dirs.iter().map(|d| format!("\t{d}")).collect::<Vec<_>>().join("\n")
        ),
    })
}

fn conflicting_structures(bases: &[String]) -> Error {
    Error::new(ErrorKind::Other {
        class: "CONFLICTING_DIRECTORY_STRUCTURES".into(),
        sqlstate: Some("KD009".into()),
        message: format!(
            "Conflicting directory structures detected.\nSuspicious paths:\n{}\nIf provided paths are partition directories, please set \"basePath\" in the options of the data source to specify the root directory of the table.\nIf there are multiple root directories, please load them separately and then union them.",
            bases.iter().map(|b| format!("\t{b}")).collect::<Vec<_>>().join("\n")
        ),
    })
}

/// The type of a partition value, as Spark infers it (no booleans).
fn infer_partition_value(s: &str) -> Inferred {
    match infer_value(s) {
        Inferred::Bool => Inferred::Str,
        t => t,
    }
}

/// The files a table reads and their partition columns, as Spark's
/// `PartitioningAwareFileIndex`: when no file is under a `k=v` directory the table is
/// not partitioned and reads only the files directly in the paths given (files in
/// other sub-directories are ignored); otherwise it reads the files under partition
/// directories, which must all have the same base path and column names.
/// `infer_types` is `spark.sql.sources.partitionColumnTypeInference.enabled`; a column
/// of `user_schema` with the same name gives its type. Returns which files are read
/// and, for a partitioned table, the values of the files read.
pub fn discover(files: &[ListedFile], infer_types: bool, user_schema: Option<&Schema>) -> Result<(Vec<bool>, Option<PartitionSpec>)> {
    let parsed: Vec<(Vec<(String, Option<String>)>, PathBuf)> = files.iter().map(parse_partition).collect();
    let Some(first) = parsed.iter().find(|(cols, _)| !cols.is_empty()) else {
        return Ok((files.iter().map(ListedFile::is_top_level).collect(), None));
    };
    let mut bases: Vec<String> = Vec::new();
    for (_, base) in &parsed {
        let b = base.to_string_lossy().to_string();
        if !bases.iter().any(|x| x.to_lowercase() == b.to_lowercase()) {
            bases.push(b);
        }
    }
    if bases.len() > 1 {
        return Err(conflicting_structures(&bases));
    }
    let names: Vec<String> = first.0.iter().map(|(k, _)| k.clone()).collect();
    let read: Vec<bool> = parsed.iter().map(|(cols, _)| !cols.is_empty()).collect();
    let same = |cols: &Vec<(String, Option<String>)>| cols.len() == names.len() && cols.iter().zip(&names).all(|((k, _), n)| k.eq_ignore_ascii_case(n));
    if let Some(bad) = parsed.iter().position(|(cols, _)| !cols.is_empty() && !same(cols)) {
        let good = parsed.iter().position(|(cols, _)| same(cols)).unwrap_or(0);
        let dir = |i: usize| Path::new(&files[i].meta.path).parent().map(|d| d.to_string_lossy().to_string()).unwrap_or_default();
        let cols = |i: usize| parsed[i].0.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        return Err(conflicting_names(&[cols(good), cols(bad)], &[dir(good), dir(bad)]));
    }
    let kept: Vec<&Vec<(String, Option<String>)>> = parsed.iter().filter(|(cols, _)| !cols.is_empty()).map(|(cols, _)| cols).collect();
    let mut fields = Vec::new();
    let mut values = Vec::new();
    for (c, name) in names.iter().enumerate() {
        let raw: StringArray = kept.iter().map(|p| p[c].1.clone()).collect();
        let user = user_schema.and_then(|s| s.fields().iter().find(|f| f.name().eq_ignore_ascii_case(name)));
        let dt = match user {
            Some(f) => f.data_type().clone(),
            None if infer_types => {
                let t = raw.iter().flatten().fold(Inferred::Null, |t, v| merge(t, infer_partition_value(v)));
                t.data_type()
            }
            None => DataType::Utf8,
        };
        let name = user.map(|f| f.name().clone()).unwrap_or_else(|| name.clone());
        let opts = CastOptions { safe: true, ..Default::default() };
        values.push(cast_with_options(&raw, &dt, &opts)?);
        fields.push(Field::new(name, dt, true));
    }
    Ok((read, Some(PartitionSpec { fields, values })))
}

impl PartitionSpec {
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(self.fields.clone()))
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name() == name).or_else(|| self.fields.iter().position(|f| f.name().eq_ignore_ascii_case(name)))
    }

    /// Which files can hold rows passing `filters`: the filters that use only partition
    /// columns are evaluated on the files' partition values.
    pub fn prune(&self, filters: &[Expr]) -> Result<Vec<bool>> {
        let n = self.values.first().map(|a| a.len()).unwrap_or(0);
        let usable: Vec<Expr> = filters
            .iter()
            .filter(|f| {
                let refs = f.column_refs();
                !refs.is_empty() && refs.iter().all(|c| self.index_of(&c.name).is_some()) && f.is_deterministic()
            })
            .cloned()
            .collect();
        let Some(predicate) = conjunction(usable) else { return Ok(vec![true; n]) };
        let unqualified = predicate
            .transform_up(|e| match e {
                Expr::Column(c) if c.relation.is_some() => Ok(Transformed::yes(Expr::Column(Column::from_name(c.name)))),
                other => Ok(Transformed::no(other)),
            })?
            .data;
        let schema = self.schema();
        let physical = create_physical_expr(&unqualified, &PlanSchema::from_arrow(None, &schema))?;
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        let batch = RecordBatch::try_new_with_options(schema, self.values.clone(), &opts)?;
        let ctx = TaskContext::new(Arc::new(Config::new()));
        let result = evaluate_to_array(physical.as_ref(), &batch, &ctx)?;
        let mask = result.as_any().downcast_ref::<BooleanArray>().ok_or_else(|| Error::internal("partition filter is not boolean"))?;
        Ok((0..n).map(|i| mask.is_valid(i) && mask.value(i)).collect())
    }

    /// The spec restricted to the files kept by `keep`.
    pub fn select(&self, keep: &[bool]) -> Result<PartitionSpec> {
        let idx: UInt32Array = keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i as u32).collect();
        let values = self.values.iter().map(|a| Ok(arrow::compute::take(a.as_ref(), &idx, None)?)).collect::<Result<Vec<_>>>()?;
        Ok(PartitionSpec { fields: self.fields.clone(), values })
    }
}

/// Where an output column of a scan comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FillColumn {
    /// column `i` of the batch the format reader produced
    Read(usize),
    /// partition column `i`
    Partition(usize),
}

/// Adds the partition columns to the batches read from each file.
#[derive(Debug)]
pub struct PartitionFill {
    pub output: SchemaRef,
    layout: Vec<FillColumn>,
    spec: PartitionSpec,
    /// file path → its row in `spec.values`
    file_rows: HashMap<String, usize>,
}

impl PartitionFill {
    /// `paths` are the scanned files, in the order of `spec`'s values.
    pub fn new(output: SchemaRef, layout: Vec<FillColumn>, spec: PartitionSpec, paths: &[&str]) -> PartitionFill {
        let file_rows = paths.iter().enumerate().map(|(i, p)| (p.to_string(), i)).collect();
        PartitionFill { output, layout, spec, file_rows }
    }

    pub fn is_partition_column(&self, name: &str) -> bool {
        self.spec.index_of(name).is_some()
    }

    /// The output batch for `batch`, read from the file at `path`.
    pub fn apply(&self, batch: RecordBatch, path: &str) -> Result<RecordBatch> {
        let rows = batch.num_rows();
        let file_row = *self.file_rows.get(path).ok_or_else(|| Error::internal(format!("no partition values for {path}")))?;
        let mut cols = Vec::with_capacity(self.layout.len());
        for c in &self.layout {
            cols.push(match c {
                FillColumn::Read(i) => batch.columns().get(*i).cloned().ok_or_else(|| Error::internal("scan column missing"))?,
                FillColumn::Partition(i) => {
                    let values = self.spec.values.get(*i).ok_or_else(|| Error::internal("partition column missing"))?;
                    let idx = UInt32Array::from(vec![file_row as u32; rows]);
                    arrow::compute::take(values.as_ref(), &idx, None)?
                }
            });
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(self.output.clone(), cols, &opts)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::FileMeta;
    use ember_plan::{col, lit};
    use std::path::PathBuf;

    fn file(rel: &str) -> ListedFile {
        ListedFile { meta: FileMeta { path: format!("/base/{rel}"), size: 1 }, base: PathBuf::from("/base"), root: PathBuf::from("/base") }
    }

    fn spec_of(files: &[ListedFile]) -> PartitionSpec {
        discover(files, true, None).unwrap().1.unwrap()
    }

    #[test]
    fn discovers_and_types_columns() {
        let files = vec![
            file("year=2024/month=5/day=2024-05-01/c=x%3Dy/p.csv"),
            file("year=2023/month=__HIVE_DEFAULT_PARTITION__/day=2024-05-02/c=1/p.csv"),
            file("year=3000000000/month=12/day=2024-05-03/c=true/p.csv"),
        ];
        let spec = spec_of(&files);
        let types: Vec<String> = spec.fields.iter().map(|f| format!("{}:{}", f.name(), f.data_type())).collect();
        assert_eq!(types, vec!["year:Int64", "month:Int32", "day:Date32", "c:Utf8"]);
        assert!(spec.values[1].is_null(1));
        let c = spec.values[3].as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(c.value(0), "x=y");
        let (_, strings) = discover(&files, false, None).unwrap();
        assert!(strings.unwrap().fields.iter().all(|f| f.data_type() == &DataType::Utf8));
        // `sub` is not a partition directory: skipped below the first `k=v` one
        let deep = spec_of(&[file("x=1/sub/p.csv")]);
        assert_eq!(deep.fields[0].name(), "x");
    }

    #[test]
    fn unpartitioned_tables_read_top_level_files() {
        let files = vec![file("a/p.csv"), file("b/q.csv"), file("top.csv")];
        let (read, spec) = discover(&files, true, None).unwrap();
        assert!(spec.is_none());
        assert_eq!(read, vec![false, false, true]);
        // files beside partition directories are not read, as in Spark
        let (read, spec) = discover(&[file("k=1/p.csv"), file("top.csv")], true, None).unwrap();
        assert_eq!(read, vec![true, false]);
        assert_eq!(spec.unwrap().values[0].len(), 1);
    }

    #[test]
    fn conflicting_names_fail() {
        let err = discover(&[file("a=1/p.csv"), file("b=1/p.csv")], true, None).unwrap_err();
        assert_eq!(err.class(), "CONFLICTING_PARTITION_COLUMN_NAMES");
        let err = discover(&[file("a=1/p.csv"), file("a=1/b=2/p.csv")], true, None).unwrap_err();
        assert_eq!(err.class(), "CONFLICTING_PARTITION_COLUMN_NAMES");
        // a partition directory beside a plain one: two base paths
        let err = discover(&[file("a=1/p.csv"), file("b/p.csv")], true, None).unwrap_err();
        assert_eq!(err.class(), "CONFLICTING_DIRECTORY_STRUCTURES");
    }

    #[test]
    fn prunes_and_fills() {
        let files: Vec<ListedFile> = (0..4).map(|i| file(&format!("k={i}/p.csv"))).collect();
        let spec = spec_of(&files);
        let keep = spec.prune(&[col("k").gt_eq(lit(2)), col("other").eq(lit(1))]).unwrap();
        assert_eq!(keep, vec![false, false, true, true]);
        assert_eq!(spec.prune(&[col("k").eq(col("other"))]).unwrap(), vec![true; 4]);
        let kept = spec.select(&keep).unwrap();
        let out = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true), Field::new("k", DataType::Int32, true)]));
        let fill = PartitionFill::new(
            out.clone(),
            vec![FillColumn::Read(0), FillColumn::Partition(0)],
            kept,
            &["/base/k=2/p.csv", "/base/k=3/p.csv"],
        );
        let read = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)])),
            vec![Arc::new(arrow::array::Int32Array::from(vec![7, 8]))],
        )
        .unwrap();
        let b = fill.apply(read, "/base/k=3/p.csv").unwrap();
        let k = b.column(1).as_any().downcast_ref::<arrow::array::Int32Array>().unwrap();
        assert_eq!(k.values().to_vec(), vec![3, 3]);
    }
}
