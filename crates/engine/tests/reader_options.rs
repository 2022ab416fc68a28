//! The reader's options, bad-record modes and Hive-partitioned directories through the
//! DataFrame API: files are generated into temporary directories.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Int32Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use ember::{DataFrame, Session};
use ember_datasource::FileTable;
use ember_plan::LogicalPlan;

fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "4").config("ember.executor.threads", "2").build().unwrap()
}

fn write(dir: &Path, rel: &str, content: &[u8]) -> String {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().to_string()
}

/// Rows as `a|b`, sorted.
fn rows(df: &DataFrame) -> Vec<String> {
    let batches = df.collect().unwrap();
    let mut out = ember::format::golden_rows(&batches, "UTC").into_iter().map(|r| r.replace('\t', "|")).collect::<Vec<_>>();
    out.sort();
    out
}

trait StructString {
    fn struct_string(&self) -> String;
}

impl StructString for DataFrame {
    fn struct_string(&self) -> String {
        ember_datasource::scan_util::read_schema_string(&self.schema())
    }
}

fn sql_rows(s: &Session, sql: &str) -> Vec<String> {
    rows(&s.sql(sql).unwrap())
}

/// The file table under a DataFrame's plan.
fn file_table(plan: &LogicalPlan) -> Option<&FileTable> {
    if let LogicalPlan::TableScan(t) = plan {
        return t.source.as_any().downcast_ref::<FileTable>();
    }
    plan.inputs().into_iter().find_map(|p| file_table(p))
}

fn opened(df: &DataFrame) -> usize {
    file_table(df.logical_plan()).expect("a file scan").files_opened()
}

/// 1,000 tiny CSV files under `a=0..9/b=0..99/`, one row each: (id = a*100+b).
fn partitioned_csv(dir: &Path) {
    for a in 0..10 {
        for b in 0..100 {
            write(dir, &format!("a={a}/b={b}/part-0.csv"), format!("id\n{}\n", a * 100 + b).as_bytes());
        }
    }
}

#[test]
fn partition_filters_open_only_the_matching_files() {
    let dir = tempfile::tempdir().unwrap();
    partitioned_csv(dir.path());
    let s = session();
    let df = s.read().option("header", "true").option("inferSchema", "true").csv(&dir.path().to_string_lossy()).unwrap();
    assert_eq!(df.struct_string(), "struct<id:int,a:int,b:int>");
    df.create_or_replace_temp_view("t").unwrap();
    let table = s.table("t").unwrap();
    let before = opened(&table);

    assert_eq!(sql_rows(&s, "SELECT id, a, b FROM t WHERE a = 3 AND b = 7"), vec!["307|3|7"]);
    assert_eq!(opened(&table) - before, 1, "one file matches a = 3 AND b = 7");

    let before = opened(&table);
    assert_eq!(sql_rows(&s, "SELECT count(*), sum(id) FROM t WHERE a = 9 AND b >= 50"), vec![format!("50|{}", (950..1000).sum::<i32>())]);
    assert_eq!(opened(&table) - before, 50);

    let before = opened(&table);
    assert_eq!(sql_rows(&s, "SELECT count(*) FROM t WHERE a IN (1, 2) OR a = 11"), vec!["200"]);
    assert_eq!(opened(&table) - before, 200);

    // no partition matches: no file is opened
    let before = opened(&table);
    assert_eq!(sql_rows(&s, "SELECT count(*) FROM t WHERE a > 100"), vec!["0"]);
    assert_eq!(opened(&table), before);

    // a filter on a data column cannot prune
    let before = opened(&table);
    assert_eq!(sql_rows(&s, "SELECT a, b FROM t WHERE id = 5"), vec!["0|5"]);
    assert_eq!(opened(&table) - before, 1000);

    let plan = sql_rows(&s, "EXPLAIN SELECT id FROM t WHERE a = 3 AND b = 7").join("\n");
    assert!(
        plan.contains("PartitionFilters: [(a = 3), (b = 7)], PartitionsRead: 1/1000 files, PushedFilters: [], ReadSchema: struct<id:int>"),
        "{plan}"
    );
}

fn write_parquet(path: &Path, batch: &RecordBatch) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

fn ints(name: &str, values: Vec<i32>) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![Field::new(name, DataType::Int32, false)]));
    RecordBatch::try_new(schema, vec![Arc::new(Int32Array::from(values))]).unwrap()
}

#[test]
fn parquet_partition_only_queries_read_no_data() {
    let dir = tempfile::tempdir().unwrap();
    for day in 0..20 {
        for part in 0..50 {
            write_parquet(&dir.path().join(format!("day={day}/p={part}/f.parquet")), &ints("v", vec![day; 2]));
        }
    }
    let s = session();
    let df = s.read().parquet(&dir.path().to_string_lossy()).unwrap();
    assert_eq!(df.struct_string(), "struct<v:int,day:int,p:int>");
    df.create_or_replace_temp_view("pq").unwrap();
    let table = s.table("pq").unwrap();
    // only partition columns: row counts come from the footers, no data is read
    let before = opened(&table);
    assert_eq!(sql_rows(&s, "SELECT day, count(*) FROM pq WHERE day < 2 GROUP BY day"), vec!["0|100", "1|100"]);
    assert_eq!(opened(&table), before);
    // a data column: only the matching files are read
    let before = opened(&table);
    assert_eq!(sql_rows(&s, "SELECT sum(v) FROM pq WHERE day = 7 AND p < 3"), vec!["42"]);
    assert_eq!(opened(&table) - before, 3);
}

#[test]
fn partition_value_types_and_nulls() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "d=2024-01-31/n=1/s=x/k=__HIVE_DEFAULT_PARTITION__/f.json", b"{\"v\": 1}\n");
    write(dir.path(), "d=2024-02-01/n=3000000000/s=1.5/k=2.5/f.json", b"{\"v\": 2}\n");
    let s = session();
    let df = s.read().json(&dir.path().to_string_lossy()).unwrap();
    assert_eq!(df.struct_string(), "struct<v:bigint,d:date,n:bigint,s:string,k:double>");
    assert_eq!(rows(&df), vec!["1|2024-01-31|1|x|NULL", "2|2024-02-01|3000000000|1.5|2.5"]);
    let df =
        s.read().option("spark.sql.sources.partitionColumnTypeInference.enabled", "false").json(&dir.path().to_string_lossy()).unwrap();
    assert_eq!(df.struct_string(), "struct<v:bigint,d:string,n:string,s:string,k:string>");
}

#[test]
fn files_are_listed_once_per_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "k=1/a.csv", b"x\n1\n");
    let s = session();
    let df = s.read().option("header", "true").csv(&dir.path().to_string_lossy()).unwrap();
    assert_eq!(rows(&df), vec!["1|1"]);
    // a file added later is not seen by this read (its listing is fixed), a new read sees it
    write(dir.path(), "k=2/b.csv", b"x\n2\n");
    assert_eq!(rows(&df), vec!["1|1"]);
    let again = s.read().option("header", "true").csv(&dir.path().to_string_lossy()).unwrap();
    assert_eq!(rows(&again), vec!["1|1", "2|2"]);
}

#[test]
fn schema_as_ddl_and_arrow_with_options() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "t.csv", b"id|name|born\n1|'Ada, Countess'|10.12.1815\n2|NA|01.01.1900\n");
    let s = session();
    let df = s
        .read()
        .option("Header", "TRUE")
        .option("SEP", "|")
        .option("quote", "'")
        .option("nullvalue", "NA")
        .option("dateFormat", "dd.MM.yyyy")
        .schema_ddl("id INT, name STRING, born DATE")
        .csv(&p)
        .unwrap();
    assert_eq!(rows(&df), vec!["1|Ada, Countess|1815-12-10", "2|NULL|1900-01-01"]);
    let arrow = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, true), Field::new("name", DataType::Utf8, true)]));
    let df = s.read().option("header", "true").option("sep", "|").option("mode", "DROPMALFORMED").schema(arrow).csv(&p).unwrap();
    // three fields for a two-column schema: every record is malformed and dropped...
    assert!(rows(&df).is_empty());
    // ...but, as in Spark, counting parses no column, so nothing is found malformed
    assert_eq!(df.count().unwrap(), 2);
    let err = s.read().schema_ddl("id INT,, name").csv(&p).unwrap_err();
    assert!(!err.message().is_empty());
}

#[test]
fn bad_records_path_keeps_what_was_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "in/t.csv", b"a,b\n1,2\n3,x\n4\n5,6\n");
    let bad_dir = dir.path().join("bad");
    let s = session();
    let df =
        s.read().option("header", "true").option("badRecordsPath", bad_dir.to_string_lossy()).schema_ddl("a INT, b INT").csv(&p).unwrap();
    assert_eq!(rows(&df), vec!["1|2", "5|6"]);
    let mut lines = Vec::new();
    for f in walk(&bad_dir) {
        lines.extend(std::fs::read_to_string(f).unwrap().lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()));
    }
    lines.sort_by_key(|v| v["line"].as_u64());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["path"], p.as_str());
    assert_eq!((lines[0]["line"].as_u64(), lines[0]["byteOffset"].as_u64()), (Some(3), Some(8)));
    assert_eq!(lines[0]["record"], "3,x");
    assert!(lines[0]["reason"].as_str().unwrap().contains("column `b`"), "{lines:?}");
    assert_eq!((lines[1]["line"].as_u64(), lines[1]["record"].as_str()), (Some(4), Some("4")));
}

fn walk(p: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn modes_for_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "t.csv", b"1,2024-01-01\nbad,2024-13-01\n3,2024-01-03\n");
    let s = session();
    let read = |mode: &str| s.read().option("mode", mode).schema_ddl("id INT, day DATE, _corrupt_record STRING").csv(&csv).unwrap();
    assert_eq!(rows(&read("PERMISSIVE")), vec!["1|2024-01-01|NULL", "3|2024-01-03|NULL", "NULL|NULL|bad,2024-13-01"]);
    assert_eq!(rows(&read("DROPMALFORMED")), vec!["1|2024-01-01|NULL", "3|2024-01-03|NULL"]);
    let err = read("FAILFAST").collect().unwrap_err();
    assert_eq!(err.class(), "FAILED_READ_FILE.NO_HINT");
    assert_eq!(err.cause().map(|c| c.class()).as_deref(), Some("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION"));
    assert!(err.message().contains("line 2") && err.message().contains("column `id`"), "{err}");

    let json = write(dir.path(), "t.json", b"{\"a\": 1, \"b\": \"x\"}\n{\"a\": \"one\", \"b\": \"y\"}\n[1]\n{\"a\":\n");
    let df = s.read().schema_ddl("a BIGINT, b STRING, _corrupt_record STRING").json(&json).unwrap();
    assert_eq!(rows(&df), vec!["1|x|NULL", "NULL|NULL|[1]", "NULL|NULL|{\"a\":", "NULL|y|{\"a\": \"one\", \"b\": \"y\"}"]);
    let df = s.read().option("mode", "DROPMALFORMED").schema_ddl("a BIGINT, b STRING").json(&json).unwrap();
    assert_eq!(rows(&df), vec!["1|x"]);
}

#[test]
fn multi_line_encoding_and_compression() {
    let dir = tempfile::tempdir().unwrap();
    let s = session();
    let csv = write(dir.path(), "m.csv", b"id,text\n1,\"two\nlines\"\n2,\"x\"\n");
    let df = s.read().option("header", "true").option("multiLine", "true").csv(&csv).unwrap();
    assert_eq!(rows(&df), vec!["1|two\nlines", "2|x"]);
    let json = write(dir.path(), "m.json", b"[{\"id\": 1,\n  \"s\": \"a\"},\n {\"id\": 2, \"s\": null}]");
    let df = s.read().option("multiLine", "true").json(&json).unwrap();
    assert_eq!(df.struct_string(), "struct<id:bigint,s:string>");
    assert_eq!(rows(&df), vec!["1|a", "2|NULL"]);
    let latin = write(dir.path(), "l.csv", b"name\nJos\xe9\n");
    let df = s.read().option("header", "true").option("encoding", "ISO-8859-1").csv(&latin).unwrap();
    assert_eq!(rows(&df), vec!["José"]);
    // bad UTF-8 under the default encoding reads as U+FFFD, as Spark decodes it: no
    // malformed record, no panic
    let df = s.read().option("header", "true").option("mode", "FAILFAST").csv(&latin).unwrap();
    assert_eq!(rows(&df), vec!["Jos\u{fffd}"]);
    // gzip: one task per file (not splittable)
    let gz = dir.path().join("g.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::default());
    let mut text = String::from("n\n");
    for i in 0..5000 {
        text.push_str(&format!("{i}\n"));
    }
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let s2 = Session::builder().config("spark.sql.files.maxPartitionBytes", "1000").build().unwrap();
    let df = s2.read().option("header", "true").option("inferSchema", "true").csv(&gz.to_string_lossy()).unwrap();
    assert_eq!(rows(&df.agg([ember::functions::sum(ember::functions::col("n"))]).unwrap()), vec![format!("{}", (0..5000i64).sum::<i64>())]);
}

#[test]
fn parquet_merge_schema_widens_types() {
    let dir = tempfile::tempdir().unwrap();
    write_parquet(&dir.path().join("1.parquet"), &ints("a", vec![1, 2]));
    let wide = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, false), Field::new("b", DataType::Utf8, true)])),
        vec![Arc::new(Int64Array::from(vec![5_000_000_000])), Arc::new(StringArray::from(vec!["x"]))],
    )
    .unwrap();
    write_parquet(&dir.path().join("2.parquet"), &wide);
    let s = session();
    let path = dir.path().to_string_lossy().to_string();
    let first_only = s.read().parquet(&path).unwrap();
    assert_eq!(first_only.struct_string(), "struct<a:int>");
    let merged = s.read().option("mergeSchema", "true").parquet(&path).unwrap();
    assert_eq!(merged.struct_string(), "struct<a:bigint,b:string>");
    assert_eq!(rows(&merged), vec!["1|NULL", "2|NULL", "5000000000|x"]);
    write_parquet(
        &dir.path().join("3.parquet"),
        &RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("a", DataType::Utf8, false)])),
            vec![Arc::new(StringArray::from(vec!["s"]))],
        )
        .unwrap(),
    );
    let err = s.read().option("mergeSchema", "true").parquet(&path).unwrap_err();
    assert_eq!(err.class(), "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE");
}

#[test]
fn listing_options_and_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x/a.csv", b"v\n1\n");
    write(dir.path(), "x/y/b.csv", b"v\n2\n");
    write(dir.path(), "x/y/c.txt", b"v\n3\n");
    write(dir.path(), "x/_SUCCESS", b"");
    write(dir.path(), "x/.a.csv.crc", b"junk");
    let s = session();
    let root = dir.path().join("x").to_string_lossy().to_string();
    // as Spark: without partition directories only the files directly in the path are read
    let df = s.read().option("header", "true").csv(&root).unwrap();
    assert_eq!(rows(&df), vec!["1"]);
    let df = s.read().option("header", "true").option("recursiveFileLookup", "true").csv(&root).unwrap();
    assert_eq!(rows(&df), vec!["1", "2", "3"]);
    let df = s.read().option("header", "true").option("recursiveFileLookup", "true").option("pathGlobFilter", "*.csv").csv(&root).unwrap();
    assert_eq!(rows(&df), vec!["1", "2"]);
    let err = s.read().csv(&dir.path().join("nope").to_string_lossy()).unwrap_err();
    assert_eq!(err.class(), "PATH_NOT_FOUND");
    // Spark reads a mode it does not know as PERMISSIVE
    let df = s.read().option("header", "true").option("mode", "PERMISIVE").csv(&root).unwrap();
    assert_eq!(rows(&df), vec!["1"]);
    let err = s.read().option("sep", "").csv(&root).unwrap_err();
    assert_eq!(err.class(), "INVALID_DELIMITER_VALUE.EMPTY_STRING");
    // a pattern Spark cannot compile fails where Spark compiles it: timestamp inference
    let err = s.read().option("inferSchema", "true").option("timestampFormat", "yyyy-MM-dd'T").csv(&root).unwrap_err();
    assert_eq!(err.class(), "INVALID_DATETIME_PATTERN.WITH_SUGGESTION");
}
