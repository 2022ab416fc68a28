//! Statements other than plain queries, and standalone expressions.

use insta::assert_snapshot;

use ember_common::Config;
use ember_plan::{PlanSchema, Statement};

use crate::test_util::{bind, err, plan, TestCatalog, TestFunctions};
use crate::Binder;

fn show(sql: &str) -> String {
    match bind(sql) {
        Ok(Statement::Query(p)) => format!("Query\n{}", p.display_indent()),
        Ok(Statement::Explain { extended, plan }) => format!("Explain extended={extended}\n{}", plan.display_indent()),
        Ok(Statement::CreateView { name, replace, if_not_exists, plan }) => {
            format!("CreateView {name} replace={replace} if_not_exists={if_not_exists}\n{}", plan.display_indent())
        }
        Ok(Statement::DescribeQuery(plan)) => format!("DescribeQuery\n{}", plan.display_indent()),
        Ok(other) => format!("{other:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn set_statements() {
    assert_snapshot!(show("SET"), @"Set { key: None, value: None }");
    assert_snapshot!(show("SET spark.sql.shuffle.partitions=4"), @r#"Set { key: Some("spark.sql.shuffle.partitions"), value: Some("4") }"#);
    assert_snapshot!(show("set my.key = 'some value' ;"), @r#"Set { key: Some("my.key"), value: Some("some value") }"#);
    assert_snapshot!(show("SET spark.sql.ansi.enabled"), @r#"Set { key: Some("spark.sql.ansi.enabled"), value: None }"#);
    assert_snapshot!(show("SET TIME ZONE 'Europe/Paris'"), @r#"Set { key: Some("spark.sql.session.timeZone"), value: Some("Europe/Paris") }"#);
}

#[test]
fn views() {
    assert_snapshot!(show("CREATE OR REPLACE TEMPORARY VIEW v (a, b) AS SELECT id, name FROM people"), @r"
    CreateView v replace=true if_not_exists=false
    Project [people.id AS a, people.name AS b]
    +- Project [people.id, people.name]
       +- SubqueryAlias people
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(show("CREATE VIEW IF NOT EXISTS v AS VALUES (1)"), @r#"
CreateView v replace=false if_not_exists=true
LocalRelation [col1], 1 rows
"#);
    // Spark's parser rejects IF NOT EXISTS on temporary views and with OR REPLACE.
    assert_snapshot!(show("CREATE GLOBAL TEMP VIEW IF NOT EXISTS v AS VALUES (1)"), @r#"
[_LEGACY_ERROR_TEMP_0053] It is not allowed to define a TEMPORARY view with IF NOT EXISTS.
LINE 1: CREATE GLOBAL TEMP VIEW IF NOT EXISTS v AS VALUES (1)
        ^^^^^^
"#);
    assert_snapshot!(show("CREATE OR REPLACE VIEW IF NOT EXISTS v AS VALUES (1)"), @r#"
[CREATE_VIEW_WITH_IF_NOT_EXISTS_AND_REPLACE] CREATE VIEW with both IF NOT EXISTS and REPLACE is not allowed.
LINE 1: CREATE OR REPLACE VIEW IF NOT EXISTS v AS VALUES (1)
        ^^^^^^
SQLSTATE: 42601
"#);
    assert_snapshot!(show("CREATE OR REPLACE TEMPORARY VIEW src (a INT, b STRING) USING CSV OPTIONS (path '/x.csv', Header 'true', 'sep' = ';', inferSchema true)"), @r#"CreateSourceView { name: "src", replace: true, format: "csv", options: {"header": "true", "inferschema": "true", "path": "/x.csv", "sep": ";"}, schema_ddl: Some("a INT, b STRING") }"#);
    assert_snapshot!(show("CREATE TEMP VIEW src USING parquet OPTIONS (path='/x')"), @r#"CreateSourceView { name: "src", replace: false, format: "parquet", options: {"path": "/x"}, schema_ddl: None }"#);
    assert_snapshot!(show("CREATE TEMP VIEW src (a INTT) USING parquet"), @r#"
[UNSUPPORTED_DATATYPE] Unsupported data type "INTT".
LINE 1: CREATE TEMP VIEW src (a INTT) USING parquet
                              ^
SQLSTATE: 0A000
"#);
    assert_snapshot!(show("DROP VIEW IF EXISTS v"), @r#"DropView { name: "v", if_exists: true }"#);
    assert_snapshot!(show("drop view v"), @r#"DropView { name: "v", if_exists: false }"#);
}

#[test]
fn describe_show_explain() {
    assert_snapshot!(show("SHOW TABLES"), @"ShowTables");
    assert_snapshot!(show("DESCRIBE TABLE EXTENDED people"), @r#"Describe { name: "people", extended: true }"#);
    assert_snapshot!(show("DESC people"), @r#"Describe { name: "people", extended: false }"#);
    assert_snapshot!(show("DESCRIBE peopel"), @r#"
[TABLE_OR_VIEW_NOT_FOUND] The table or view `peopel` cannot be found. Did you mean one of the following? [`people`]. Verify the spelling and correctness of the schema and catalog.
LINE 1: DESCRIBE peopel
                 ^^^^^^
SQLSTATE: 42P01
"#);
    assert_snapshot!(show("DESCRIBE QUERY SELECT id FROM people"), @r"
    DescribeQuery
    Project [people.id]
    +- SubqueryAlias people
       +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(show("EXPLAIN EXTENDED SELECT id FROM people"), @r"
    Explain extended=true
    Project [people.id]
    +- SubqueryAlias people
       +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(show("EXPLAIN SELECT 1"), @r#"
Explain extended=false
Project [1 AS 1]
+- OneRowRelation
"#);
    assert_snapshot!(show("(SELECT 1)"), @r#"
Query
Project [1 AS 1]
+- OneRowRelation
"#);
}

#[test]
fn timestamps_use_the_session_time_zone() {
    let mut config = Config::new();
    config.set("spark.sql.session.timeZone", "Asia/Tokyo").unwrap();
    let binder = Binder::new(&TestCatalog, &TestFunctions, &config);
    let Statement::Query(p) = binder.bind_sql("SELECT TIMESTAMP '2020-01-01 00:00:00', CAST('x' AS timestamp)").unwrap() else { panic!() };
    let types: Vec<String> = p.schema().fields().iter().map(|f| format!("{:?}", f.data_type())).collect();
    assert_eq!(types, ["Timestamp(Microsecond, Some(\"Asia/Tokyo\"))"; 2]);
}

#[test]
fn standalone_expressions() {
    let config = Config::new();
    let binder = Binder::new(&TestCatalog, &TestFunctions, &config);
    let Statement::Query(p) = bind("SELECT * FROM people").unwrap() else { panic!() };
    let schema: &PlanSchema = p.schema();
    let e = |s: &str| binder.bind_expr_sql(s, schema).map(|e| e.to_string()).unwrap_or_else(|e| e.to_string());
    assert_eq!(e("age + 1"), "(age + 1)");
    assert_eq!(e("upper(name) AS u"), "upper(name) AS u");
    assert_eq!(e("age > 1 AND dept = 'eng'"), "((age > 1) AND (dept = eng))");
    assert_eq!(e("*"), "*");
    assert_eq!(e("sum(age)"), "sum(age)");
    assert_snapshot!(e("nmae"), @r#"
[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nmae` cannot be resolved. Did you mean one of the following? [`people`.`name`, `people`.`age`, `people`.`id`, `people`.`dept`].
LINE 1: nmae
        ^^^^
SQLSTATE: 42703
"#);
    assert_snapshot!(e("age +"), @r#"
[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.
LINE 1: age +
            ^
SQLSTATE: 42601
"#);
    assert_snapshot!(e(""), @r#"
[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement.
SQLSTATE: 42617
"#);
    assert!(plan("SELECT 1").starts_with("Project"));
    assert_eq!(err("SET x=1; SELECT 1").class(), "PARSE_SYNTAX_ERROR");
}
