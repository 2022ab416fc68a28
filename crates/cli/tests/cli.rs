//! End-to-end tests of the `ember` binary: `-c` with literals and VALUES, each output
//! format, errors with carets, exit codes, `--conf`. These need the engine to run SQL.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ember(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ember")).args(args).stdin(Stdio::null()).output().expect("run ember")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn golden_literals() {
    let o = ember(&["--format", "golden", "-c", "SELECT 1 AS a, 'x' AS b, NULL AS c; SELECT 1.5D, CAST(2 AS DECIMAL(5,2))"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o), @r#"
    @@ STATEMENT 1
    @@ SCHEMA struct<a:int,b:string,c:void>
    1	x	NULL
    @@ END
    @@ STATEMENT 2
    @@ SCHEMA struct<1.5:double,CAST(2 AS DECIMAL(5,2)):decimal(5,2)>
    1.5	2.00
    @@ END
    "#);
}

#[test]
fn golden_values_and_nested() {
    // map(...) and named_struct(...) constructors come with the complex-types work; the
    // formatting unit tests cover map and struct values.
    let o = ember(&[
        "--format",
        "golden",
        "-c",
        "SELECT * FROM VALUES (1, 'a'), (2, NULL) AS t(id, name) ORDER BY id; SELECT array(1, 2), array('a', NULL), DATE'2024-01-02', X'4142', 1e10D",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o), @r#"
    @@ STATEMENT 1
    @@ SCHEMA struct<id:int,name:string>
    1	a
    2	NULL
    @@ END
    @@ STATEMENT 2
    @@ SCHEMA struct<array(1, 2):array<int>,array(a, NULL):array<string>,DATE '2024-01-02':date,X'4142':binary,1.0E10:double>
    [1,2]	["a",null]	2024-01-02	AB	1.0E10
    @@ END
    "#);
}

#[test]
fn golden_error_block_and_exit_code() {
    let o = ember(&["--format", "golden", "-c", "SELECT 1;\nSELECT nope;\nSELECT 2"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o), @r#"
    @@ STATEMENT 1
    @@ SCHEMA struct<1:int>
    1
    @@ END
    @@ STATEMENT 2
    @@ ERROR UNRESOLVED_COLUMN.WITHOUT_SUGGESTION 42703
    A column, variable, or function parameter with name `nope` cannot be resolved.
    LINE 1: SELECT nope
                   ^^^^
    @@ END
    @@ STATEMENT 3
    @@ SCHEMA struct<2:int>
    2
    @@ END
    "#);
}

#[test]
fn table_csv_tsv_json() {
    let sql = "SELECT * FROM VALUES (1, 'a,b'), (2, NULL) AS t(id, name) ORDER BY id";
    for format in ["table", "csv", "tsv", "json"] {
        let o = ember(&["--format", format, "-c", sql]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        insta::assert_snapshot!(format!("{format}\n{}", stdout(&o)));
    }
}

#[test]
fn error_goes_to_stderr_with_script_line() {
    let o = ember(&["--format", "csv", "-c", "SELECT 1 AS x;\nSELECT\n  nope;\nSELECT 2 AS y"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o), @r#"
    x
    1
    y
    2
    "#);
    let err = stderr(&o);
    assert!(err.contains("[UNRESOLVED_COLUMN"), "{err}");
    assert!(err.contains("LINE 3:   nope"), "{err}");
}

#[test]
fn file_and_stdin() {
    let dir = std::env::temp_dir().join(format!("ember-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("script.sql");
    std::fs::write(&path, "-- a script\nSELECT 40 + 2 AS answer;\n").unwrap();
    let o = ember(&["--format", "csv", "-f", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "answer\n42\n");

    let mut child = Command::new(env!("CARGO_BIN_EXE_ember"))
        .args(["--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"SELECT 'piped' AS s;").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(stdout(&o), "s\npiped\n");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn conf_is_applied_and_validated() {
    let o = ember(&["--conf", "spark.sql.shuffle.partitions=3", "--format", "csv", "-c", "SET spark.sql.shuffle.partitions"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains('3'), "{}", stdout(&o));

    let o = ember(&["--conf", "spark.sql.shuffle.partitions=many", "-c", "SELECT 1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("INVALID_CONF_VALUE"), "{}", stderr(&o));

    let o = ember(&["--conf", "no-equals-sign", "-c", "SELECT 1"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn time_goes_to_stderr() {
    let o = ember(&["--time", "--format", "csv", "-c", "SELECT 1 AS one"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "one\n1\n");
    assert!(stderr(&o).contains("Time taken:"), "{}", stderr(&o));
}
