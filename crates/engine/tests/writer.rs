//! DataFrameWriter: round trips for every type in every format, save modes, Hive
//! partition directories, file naming and `maxRecordsPerFile`, the atomic commit's
//! visible effects, Arrow IPC, and `execute_stream`.

use std::path::Path;
use std::sync::Arc;

use arrow::array::*;
use arrow::compute::{concat_batches, sort_to_indices, take_record_batch};
use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use ember::{DataFrame, Session};

fn session() -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", "3")
        .threads(2)
        .build()
        .unwrap()
}

fn struct_type() -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("x", DataType::Int32, true),
        Field::new("y", DataType::Utf8, true),
    ]))
}

/// Scalar columns every format holds (no newlines: CSV needs multiLine for those).
fn scalar_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, true),
        Field::new("tiny", DataType::Int8, true),
        Field::new("small", DataType::Int16, true),
        Field::new("big", DataType::Int64, true),
        Field::new("dec", DataType::Decimal128(10, 2), true),
        Field::new("dbl", DataType::Float64, true),
        Field::new("flt", DataType::Float32, true),
        Field::new("s", DataType::Utf8, true),
        Field::new("d", DataType::Date32, true),
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            true,
        ),
        Field::new("b", DataType::Boolean, true),
    ]))
}

fn scalar_batch(rows: std::ops::Range<i32>, strings: &[Option<&str>]) -> RecordBatch {
    let n = rows.len();
    let ids: Vec<i32> = rows.clone().collect();
    let null_every = |i: usize| i % 5 == 4;
    let doubles = [
        1.5,
        f64::NAN,
        -0.0,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.1,
    ];
    RecordBatch::try_new(
        scalar_schema(),
        vec![
            Arc::new(Int32Array::from(ids.clone())),
            Arc::new(Int8Array::from(
                (0..n)
                    .map(|i| {
                        if null_every(i) {
                            None
                        } else {
                            Some((i as i8).wrapping_mul(37))
                        }
                    })
                    .collect::<Vec<_>>(),
            )),
            Arc::new(Int16Array::from(
                (0..n)
                    .map(|i| {
                        if null_every(i) {
                            None
                        } else {
                            Some(-(i as i16) * 300)
                        }
                    })
                    .collect::<Vec<_>>(),
            )),
            Arc::new(Int64Array::from(
                (0..n)
                    .map(|i| {
                        if null_every(i) {
                            None
                        } else {
                            Some(i64::MAX - i as i64)
                        }
                    })
                    .collect::<Vec<_>>(),
            )),
            Arc::new(
                Decimal128Array::from(
                    (0..n)
                        .map(|i| {
                            if null_every(i) {
                                None
                            } else {
                                Some(i as i128 * 12_345 - 99_999_999)
                            }
                        })
                        .collect::<Vec<_>>(),
                )
                .with_precision_and_scale(10, 2)
                .unwrap(),
            ),
            Arc::new(Float64Array::from(
                (0..n)
                    .map(|i| {
                        if null_every(i) {
                            None
                        } else {
                            Some(doubles[i % doubles.len()])
                        }
                    })
                    .collect::<Vec<_>>(),
            )),
            Arc::new(Float32Array::from(
                (0..n)
                    .map(|i| {
                        if null_every(i) {
                            None
                        } else {
                            Some(i as f32 / 4.0)
                        }
                    })
                    .collect::<Vec<_>>(),
            )),
            Arc::new(StringArray::from(
                (0..n)
                    .map(|i| strings[i % strings.len()])
                    .collect::<Vec<_>>(),
            )),
            Arc::new(Date32Array::from(
                (0..n)
                    .map(|i| {
                        if null_every(i) {
                            None
                        } else {
                            Some(i as i32 * 1000 - 5000)
                        }
                    })
                    .collect::<Vec<_>>(),
            )),
            Arc::new(
                TimestampMicrosecondArray::from(
                    (0..n)
                        .map(|i| {
                            if null_every(i) {
                                None
                            } else {
                                Some(1_700_000_000_000_000 + i as i64 * 86_400_123_000)
                            }
                        })
                        .collect::<Vec<_>>(),
                )
                .with_timezone("UTC"),
            ),
            Arc::new(BooleanArray::from(
                (0..n)
                    .map(|i| {
                        if null_every(i) {
                            None
                        } else {
                            Some(i % 2 == 0)
                        }
                    })
                    .collect::<Vec<_>>(),
            )),
        ],
    )
    .unwrap()
}

/// Spark writes "" for an empty string; whether it reads back as "" or NULL is the
/// reader's business, so round trips leave it out (see `csv_empty_strings_are_quoted`).
const CSV_STRINGS: &[Option<&str>] = &[
    Some("plain"),
    Some("with,comma"),
    Some("say \"hi\""),
    Some("ünïcödé ✓"),
    None,
    Some("back\\slash"),
    Some("  padded  "),
];
const ALL_STRINGS: &[Option<&str>] = &[
    Some("plain"),
    Some("line\nbreak\r\n"),
    Some("say \"hi\""),
    Some("ünïcödé ✓"),
    None,
    Some(""),
    Some("tab\tand\\"),
];

/// Scalar columns plus an array and a struct (Parquet, JSON, Arrow).
fn nested_batch(rows: std::ops::Range<i32>) -> RecordBatch {
    let base = scalar_batch(rows.clone(), ALL_STRINGS);
    let n = rows.len();
    let mut list = ListBuilder::new(Int32Builder::new());
    for i in 0..n {
        if i % 6 == 5 {
            list.append_null();
        } else {
            for j in 0..(i % 3) {
                list.values().append_option(if j == 1 {
                    None
                } else {
                    Some(j as i32 + i as i32)
                });
            }
            list.append(true);
        }
    }
    let list: ArrayRef = Arc::new(list.finish());
    let xs: ArrayRef = Arc::new(Int32Array::from(
        (0..n)
            .map(|i| if i % 4 == 1 { None } else { Some(i as i32) })
            .collect::<Vec<_>>(),
    ));
    let ys: ArrayRef = Arc::new(StringArray::from(
        (0..n).map(|i| Some(format!("y{i}"))).collect::<Vec<_>>(),
    ));
    let DataType::Struct(fields) = struct_type() else {
        unreachable!()
    };
    let nulls = arrow::buffer::NullBuffer::from((0..n).map(|i| i % 7 != 3).collect::<Vec<_>>());
    let st: ArrayRef = Arc::new(StructArray::new(fields, vec![xs, ys], Some(nulls)));
    let mut fields: Vec<Field> = base
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("arr", list.data_type().clone(), true));
    fields.push(Field::new("st", struct_type(), true));
    let mut cols = base.columns().to_vec();
    cols.push(list);
    cols.push(st);
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap()
}

fn df_of(session: &Session, batches: Vec<RecordBatch>) -> DataFrame {
    session.create_dataframe(batches).unwrap()
}

/// All rows sorted by the first column.
fn sorted(batches: &[RecordBatch], schema: &SchemaRef) -> RecordBatch {
    let all = concat_batches(schema, batches).unwrap();
    let idx = sort_to_indices(all.column(0), None, None).unwrap();
    take_record_batch(&all, &idx).unwrap()
}

fn assert_same(expected: &RecordBatch, got: &[RecordBatch], what: &str) {
    let schema = expected.schema();
    let got: Vec<RecordBatch> = got
        .iter()
        .map(|b| {
            RecordBatch::try_new(schema.clone(), b.columns().to_vec())
                .unwrap_or_else(|e| panic!("{what}: schema {e}"))
        })
        .collect();
    let got = sorted(&got, &schema);
    assert_eq!(got.num_rows(), expected.num_rows(), "{what}: row count");
    for (i, f) in schema.fields().iter().enumerate() {
        if got.column(i).to_data() != expected.column(i).to_data() {
            panic!(
                "{what}: column {}\nexpected {:?}\ngot {:?}",
                f.name(),
                expected.column(i),
                got.column(i)
            );
        }
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn out(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_string_lossy().to_string()
}

fn files_in(path: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn parquet_round_trips_every_type_and_codec() {
    let s = session();
    let dir = tmp();
    let batches = vec![
        nested_batch(0..40),
        nested_batch(40..41),
        nested_batch(41..41),
        nested_batch(41..100),
    ];
    let expected = sorted(&batches, &batches[0].schema());
    for codec in ["snappy", "gzip", "zstd", "lz4", "none", "uncompressed"] {
        let path = out(&dir, codec);
        df_of(&s, batches.clone())
            .write()
            .option("compression", codec)
            .parquet(&path)
            .unwrap();
        let back = s.read().parquet(&path).unwrap();
        assert_eq!(back.schema().fields().len(), expected.num_columns());
        assert_same(&expected, &back.collect().unwrap(), codec);
        let ext = match codec {
            "snappy" => ".snappy.parquet",
            "gzip" => ".gz.parquet",
            "zstd" => ".zstd.parquet",
            "lz4" => ".lz4hadoop.parquet",
            _ => ".parquet",
        };
        let names = files_in(&path);
        assert!(names.contains(&"_SUCCESS".to_string()), "{names:?}");
        assert!(
            names
                .iter()
                .filter(|n| !n.starts_with('_'))
                .all(|n| n.starts_with("part-") && n.ends_with(ext)),
            "{codec}: {names:?}"
        );
    }
    let err = df_of(&s, batches)
        .write()
        .option("compression", "brotli-9")
        .parquet(&out(&dir, "bad"))
        .unwrap_err();
    assert_eq!(err.class(), "INVALID_PARAMETER_VALUE", "{err}");
    assert!(!Path::new(&out(&dir, "bad")).join("_temporary").exists());
}

#[test]
fn json_round_trips_every_type_and_omits_nulls() {
    let s = session();
    let dir = tmp();
    let batches = vec![nested_batch(0..30), nested_batch(30..61)];
    let expected = sorted(&batches, &batches[0].schema());
    let path = out(&dir, "j");
    df_of(&s, batches.clone()).write().json(&path).unwrap();
    let back = s.read().schema(batches[0].schema()).json(&path).unwrap();
    assert_same(&expected, &back.collect().unwrap(), "json");
    // Spark's JSON writer leaves NULL fields out of the objects.
    let text: String = files_in(&path)
        .iter()
        .filter(|n| n.ends_with(".json"))
        .map(|n| std::fs::read_to_string(Path::new(&path).join(n)).unwrap())
        .collect();
    let row4 = text.lines().find(|l| l.starts_with("{\"id\":4,")).unwrap();
    assert!(
        !row4.contains("null") && !row4.contains("\"tiny\""),
        "{row4}"
    );
    assert!(
        text.contains("\"ts\":\"2023-11-14T22:13:20.000Z\""),
        "{}",
        &text[..300.min(text.len())]
    );
    // gzip output reads back too.
    let gz = out(&dir, "gz");
    df_of(&s, batches.clone())
        .write()
        .option("compression", "gzip")
        .json(&gz)
        .unwrap();
    assert!(files_in(&gz).iter().any(|n| n.ends_with(".json.gz")));
    assert_same(
        &expected,
        &s.read()
            .schema(batches[0].schema())
            .json(&gz)
            .unwrap()
            .collect()
            .unwrap(),
        "json.gz",
    );
}

#[test]
fn csv_round_trips_scalars_with_options() {
    let s = session();
    let dir = tmp();
    let batches = vec![
        scalar_batch(0..25, CSV_STRINGS),
        scalar_batch(25..50, CSV_STRINGS),
    ];
    let expected = sorted(&batches, &scalar_schema());
    for (name, header, sep) in [
        ("default", false, ","),
        ("header", true, ","),
        ("semicolon", true, ";"),
        ("tab", false, "\t"),
    ] {
        let path = out(&dir, name);
        df_of(&s, batches.clone())
            .write()
            .option("header", header)
            .option("sep", sep)
            .csv(&path)
            .unwrap();
        let back = s
            .read()
            .schema(scalar_schema())
            .option("header", header)
            .option("sep", sep)
            .csv(&path)
            .unwrap();
        assert_same(&expected, &back.collect().unwrap(), name);
    }
    // nullValue: NULLs are written as the marker and read back as NULL.
    let path = out(&dir, "nulls");
    df_of(&s, batches.clone())
        .write()
        .option("nullValue", "\\N")
        .csv(&path)
        .unwrap();
    let text: String = files_in(&path)
        .iter()
        .filter(|n| n.ends_with(".csv"))
        .map(|n| std::fs::read_to_string(Path::new(&path).join(n)).unwrap())
        .collect();
    assert!(text.contains("\\N"));
    assert!(
        text.contains("\"say \\\"hi\\\"\""),
        "quotes are escaped: {text}"
    );
    let back = s
        .read()
        .schema(scalar_schema())
        .option("nullValue", "\\N")
        .csv(&path)
        .unwrap();
    assert_same(&expected, &back.collect().unwrap(), "nullValue");
    // Nested types cannot be written as CSV, as in Spark.
    let err = df_of(&s, vec![nested_batch(0..3)])
        .write()
        .csv(&out(&dir, "nested"))
        .unwrap_err();
    assert_eq!(err.class(), "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE");
    let err = df_of(&s, batches)
        .write()
        .option("dateFormat", "dd/MM/yyyy")
        .csv(&out(&dir, "fmt"))
        .unwrap_err();
    assert_eq!(err.class(), "UNSUPPORTED_FEATURE");
}

#[test]
fn csv_empty_strings_are_quoted() {
    let s = session();
    let dir = tmp();
    let path = out(&dir, "empty");
    s.sql("SELECT * FROM VALUES (1, ''), (2, NULL), (3, 'x') AS t(a, b)")
        .unwrap()
        .write()
        .option("header", true)
        .csv(&path)
        .unwrap();
    let text: String = files_in(&path)
        .iter()
        .filter(|n| n.ends_with(".csv"))
        .map(|n| std::fs::read_to_string(Path::new(&path).join(n)).unwrap())
        .collect();
    let mut lines: Vec<&str> = text.lines().filter(|l| *l != "a,b").collect();
    lines.sort();
    assert_eq!(lines, vec!["1,\"\"", "2,", "3,x"]);
}

#[test]
fn arrow_ipc_round_trips() {
    let s = session();
    let dir = tmp();
    let batches = vec![nested_batch(0..17), nested_batch(17..40)];
    let expected = sorted(&batches, &batches[0].schema());
    let path = out(&dir, "ipc");
    df_of(&s, batches.clone()).write().arrow(&path).unwrap();
    assert!(files_in(&path).iter().any(|n| n.ends_with(".arrow")));
    let back = s.read().arrow(&path).unwrap();
    assert_same(&expected, &back.collect().unwrap(), "arrow");
    let back = s.read().format("arrow").load(&path).unwrap();
    assert_eq!(back.count().unwrap(), 40);
    let err = s.read().arrow(&out(&dir, "missing")).unwrap_err();
    assert_eq!(err.class(), "PATH_NOT_FOUND");
}

#[test]
fn save_modes() {
    let s = session();
    let dir = tmp();
    let path = out(&dir, "modes");
    let df = s.range(0, 10, 1, Some(2)).unwrap();
    df.write().parquet(&path).unwrap();
    let err = df.write().mode("error").parquet(&path).unwrap_err();
    assert_eq!(err.class(), "PATH_ALREADY_EXISTS");
    assert!(
        err.to_string().contains("Set mode as \"overwrite\""),
        "{err}"
    );
    let err = df.write().mode("errorifexists").parquet(&path).unwrap_err();
    assert_eq!(err.class(), "PATH_ALREADY_EXISTS");
    let read = || s.read().parquet(&path).unwrap().count().unwrap();
    df.write().mode("ignore").parquet(&path).unwrap();
    assert_eq!(read(), 10);
    df.write().mode("append").parquet(&path).unwrap();
    assert_eq!(read(), 20);
    s.range(0, 3, 1, Some(1))
        .unwrap()
        .write()
        .mode("OVERWRITE")
        .parquet(&path)
        .unwrap();
    assert_eq!(read(), 3);
    let err = df.write().mode("sometimes").parquet(&path).unwrap_err();
    assert_eq!(err.class(), "INVALID_SAVE_MODE");
    // `format(…).save(…)` and ignore on a new path writes.
    let p2 = out(&dir, "fmt");
    df.write().format("json").mode("ignore").save(&p2).unwrap();
    assert_eq!(s.read().json(&p2).unwrap().count().unwrap(), 10);
    assert!(!Path::new(&path).join("_temporary").exists());
}

#[test]
fn partitioned_writes_use_hive_directories() {
    let s = session();
    let dir = tmp();
    let path = out(&dir, "parts");
    let df = s.sql("SELECT * FROM VALUES (1, 'a/b', 10), (2, NULL, 20), (3, 'a/b', 30), (4, '', 40), (5, 'x=y', 50) AS t(id, c, v)").unwrap();
    df.write().partition_by(["c"]).json(&path).unwrap();
    let dirs = files_in(&path);
    assert_eq!(
        dirs,
        vec![
            "_SUCCESS",
            "c=__HIVE_DEFAULT_PARTITION__",
            "c=a%2Fb",
            "c=x%3Dy"
        ]
    );
    let leaf = format!("{path}/c=a%2Fb");
    let back = s.read().json(&leaf).unwrap();
    assert_eq!(
        back.columns(),
        vec!["id", "v"],
        "the partition column is not in the files"
    );
    assert_eq!(back.count().unwrap(), 2);
    assert_eq!(
        s.read()
            .json(&format!("{path}/c=__HIVE_DEFAULT_PARTITION__"))
            .unwrap()
            .count()
            .unwrap(),
        2
    );
    // Two partition columns, nested directories; unknown and all-columns partitionings fail.
    let p2 = out(&dir, "two");
    s.sql("SELECT id, id % 2 AS p, CAST(id % 3 AS STRING) AS q FROM range(12)")
        .unwrap()
        .write()
        .partition_by(["p", "q"])
        .parquet(&p2)
        .unwrap();
    assert_eq!(files_in(&format!("{p2}/p=1")), vec!["q=0", "q=1", "q=2"]);
    assert_eq!(
        s.read()
            .parquet(&format!("{p2}/p=1/q=2"))
            .unwrap()
            .count()
            .unwrap(),
        2
    );
    // Dynamic partition overwrite replaces only the directories written to.
    s.sql("SELECT 9 AS id, 'x=y' AS c, 90 AS v")
        .unwrap()
        .write()
        .mode("overwrite")
        .option("partitionOverwriteMode", "dynamic")
        .partition_by(["c"])
        .json(&path)
        .unwrap();
    assert_eq!(
        s.read()
            .json(&format!("{path}/c=x%3Dy"))
            .unwrap()
            .count()
            .unwrap(),
        1
    );
    assert_eq!(s.read().json(&leaf).unwrap().count().unwrap(), 2);
    s.sql("SELECT 9 AS id, 'x=y' AS c, 90 AS v")
        .unwrap()
        .write()
        .mode("overwrite")
        .partition_by(["c"])
        .json(&path)
        .unwrap();
    assert_eq!(
        files_in(&path),
        vec!["_SUCCESS", "c=x%3Dy"],
        "static overwrite replaces everything"
    );
    let err = df
        .write()
        .partition_by(["nope"])
        .json(&out(&dir, "bad"))
        .unwrap_err();
    assert!(
        err.class().starts_with("UNRESOLVED_COLUMN"),
        "{}",
        err.class()
    );
    let err = s
        .range(0, 3, 1, None)
        .unwrap()
        .write()
        .partition_by(["id"])
        .json(&out(&dir, "all"))
        .unwrap_err();
    assert_eq!(err.class(), "ALL_PARTITION_COLUMNS_NOT_ALLOWED");
}

#[test]
fn max_records_per_file_and_file_names() {
    let s = session();
    let dir = tmp();
    let path = out(&dir, "max");
    s.range(0, 10, 1, Some(1))
        .unwrap()
        .write()
        .option("maxRecordsPerFile", 3)
        .csv(&path)
        .unwrap();
    let names: Vec<String> = files_in(&path)
        .into_iter()
        .filter(|n| n.starts_with("part-"))
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for (i, n) in names.iter().enumerate() {
        // part-00000-<uuid>.c00i.csv
        assert!(
            n.starts_with("part-00000-")
                && n.ends_with(&format!(".c{i:03}.csv"))
                && n.len() == "part-00000-".len() + 36 + ".c000.csv".len(),
            "{n}"
        );
    }
    assert_eq!(s.read().csv(&path).unwrap().count().unwrap(), 10);
    // One file per task: 3 partitions give 3 files.
    let p2 = out(&dir, "tasks");
    s.range(0, 30, 1, Some(3))
        .unwrap()
        .write()
        .parquet(&p2)
        .unwrap();
    assert_eq!(
        files_in(&p2)
            .iter()
            .filter(|n| n.starts_with("part-"))
            .count(),
        3
    );
}

#[test]
fn empty_results_still_write_the_schema() {
    let s = session();
    let dir = tmp();
    let path = out(&dir, "empty");
    s.sql("SELECT CAST(1 AS INT) AS a, 'x' AS b WHERE false")
        .unwrap()
        .write()
        .parquet(&path)
        .unwrap();
    let back = s.read().parquet(&path).unwrap();
    assert_eq!(back.columns(), vec!["a", "b"]);
    assert_eq!(back.count().unwrap(), 0);
}

#[test]
fn failed_writes_leave_the_target_untouched() {
    let s = session();
    let dir = tmp();
    let path = out(&dir, "fail");
    s.range(0, 5, 1, None)
        .unwrap()
        .write()
        .parquet(&path)
        .unwrap();
    let before = files_in(&path);
    // 1 / (id - 50) divides by zero on one row, in the middle of the job.
    let err = s
        .sql("SELECT id, 1 / (id - 50) AS x FROM range(100)")
        .unwrap()
        .write()
        .mode("overwrite")
        .parquet(&path)
        .unwrap_err();
    assert_eq!(err.class(), "DIVIDE_BY_ZERO");
    assert_eq!(files_in(&path), before);
    assert_eq!(s.read().parquet(&path).unwrap().count().unwrap(), 5);
}

#[test]
fn execute_stream_yields_every_partition() {
    let s = session();
    let df = s.range(0, 1000, 1, Some(4)).unwrap();
    let stream = df.execute_stream().unwrap();
    assert_eq!(stream.schema().field(0).name(), "id");
    let batches: Vec<RecordBatch> = stream.collect::<Result<_, _>>().unwrap();
    assert!(batches.len() >= 4);
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(total, 1000);
    // With a shuffle: the aggregation's stages run first, then results stream.
    let agg = s
        .sql("SELECT id % 7 AS k, count(*) AS n FROM range(1000) GROUP BY 1")
        .unwrap();
    let rows: usize = agg
        .execute_stream()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    assert_eq!(rows, 7);
    // Empty and failing queries.
    assert_eq!(
        s.sql("SELECT 1 WHERE false")
            .unwrap()
            .execute_stream()
            .unwrap()
            .count(),
        0
    );
    let mut failing = s
        .sql("SELECT 1 / (id - 3) FROM range(10)")
        .unwrap()
        .execute_stream()
        .unwrap();
    assert!(failing.any(|r| r.is_err()));
}
