//! Runner tests against a fake backend: formats, error continuation, golden numbering,
//! carets re-based onto script lines.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int32Array, RecordBatch, StringArray};
use arrow::datatypes::SchemaRef;
use ember_common::{Error, ErrorKind, Result, Span};

use super::*;

/// Answers `SELECT 1`-like statements with a fixed table; anything containing `bad`
/// fails with an unresolved column at the position of `bad`.
struct Fake;

impl SqlBackend for Fake {
    fn run(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        for (i, line) in sql.lines().enumerate() {
            if let Some(col) = line.find("bad") {
                return Err(Error::new(ErrorKind::UnresolvedColumn { name: "bad".into(), suggestions: vec![] })
                    .with_span(Span::new(i as u32 + 1, col as u32 + 1, i as u32 + 1, col as u32 + 4))
                    .with_sql(sql));
            }
        }
        let batch = RecordBatch::try_from_iter([
            ("id", Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec![Some("a,b"), Some("c")])) as ArrayRef),
        ])
        .map_err(Error::from)?;
        Ok((batch.schema(), vec![batch]))
    }

    fn time_zone(&self) -> String {
        "UTC".into()
    }
}

fn run(format: OutputFormat, script: &str) -> (String, String, usize) {
    let mut runner = Runner::new(&Fake, format, false);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    runner.run_script(script, &mut out, &mut err).unwrap();
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap(), runner.failures())
}

#[test]
fn golden_numbers_statements_and_keeps_going() {
    let (out, err, failures) = run(OutputFormat::Golden, "SELECT 1;\nSELECT bad;\nSELECT 2");
    assert_eq!(failures, 1);
    assert_eq!(err, "");
    insta::assert_snapshot!(out, @r#"
    @@ STATEMENT 1
    @@ SCHEMA struct<id:int,s:string>
    1	a,b
    NULL	c
    @@ END
    @@ STATEMENT 2
    @@ ERROR UNRESOLVED_COLUMN.WITHOUT_SUGGESTION 42703
    A column, variable, or function parameter with name `bad` cannot be resolved.
    LINE 1: SELECT bad
                   ^^^
    @@ END
    @@ STATEMENT 3
    @@ SCHEMA struct<id:int,s:string>
    1	a,b
    NULL	c
    @@ END
    "#);
}

#[test]
fn csv_and_errors_on_stderr() {
    let (out, err, failures) = run(OutputFormat::Csv, "SELECT 1;\n\nSELECT\n  bad FROM t;");
    assert_eq!(failures, 1);
    insta::assert_snapshot!(out, @r#"
    id,s
    1,"a,b"
    ,c
    "#);
    insta::assert_snapshot!(err, @r#"
    [UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter with name `bad` cannot be resolved.
    LINE 4:   bad FROM t;
              ^^^
    SQLSTATE: 42703
    "#);
}

#[test]
fn table_and_json() {
    let (out, _, _) = run(OutputFormat::Table, "SELECT 1");
    insta::assert_snapshot!(out, @r#"
    +------+-----+
    | id   | s   |
    +------+-----+
    |    1 | a,b |
    | NULL | c   |
    +------+-----+
    "#);
    let (out, _, _) = run(OutputFormat::Json, "SELECT 1;");
    insta::assert_snapshot!(out, @r#"
    {"id":1,"s":"a,b"}
    {"id":null,"s":"c"}
    "#);
}

#[test]
fn empty_script_runs_nothing() {
    let (out, err, failures) = run(OutputFormat::Golden, "  ;\n -- nothing\n");
    assert_eq!((out.as_str(), err.as_str(), failures), ("", "", 0));
}

#[test]
fn caret_is_rebased_onto_the_script_column() {
    let (_, err, _) = run(OutputFormat::Tsv, "SELECT 1; SELECT bad");
    insta::assert_snapshot!(err, @r#"
    [UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter with name `bad` cannot be resolved.
    LINE 1: SELECT 1; SELECT bad
                             ^^^
    SQLSTATE: 42703
    "#);
}

/// Ctrl-C during a statement: it fails as cancelled, the rest of the script is
/// skipped; once the flag is cleared (the shell's next statement) scripts run again.
#[test]
fn an_interrupt_stops_the_script() {
    struct Interrupting(crate::interrupt::Interrupted);
    impl SqlBackend for Interrupting {
        fn run(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
            if sql.contains("long") {
                self.0.set();
                return Err(Error::spark("OPERATION_CANCELED", &[]));
            }
            Fake.run(sql)
        }
        fn time_zone(&self) -> String {
            "UTC".into()
        }
    }
    let flag = crate::interrupt::Interrupted::default();
    let backend = Interrupting(flag.clone());
    let mut runner = Runner::new(&backend, OutputFormat::Csv, false).with_interrupt(flag.clone());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    runner.run_script("SELECT 1; SELECT long; SELECT 2", &mut out, &mut err).unwrap();
    assert!(flag.is_set());
    assert_eq!(String::from_utf8_lossy(&out).matches("id,s").count(), 1);
    assert!(String::from_utf8_lossy(&err).contains("[OPERATION_CANCELED]"));
    runner.clear_interrupt();
    let mut out = Vec::new();
    runner.run_script("SELECT 3", &mut out, &mut err).unwrap();
    assert_eq!(String::from_utf8_lossy(&out).matches("id,s").count(), 1);
}
