//! Statements other than plain queries, and standalone expressions.

use insta::assert_snapshot;

use ember_common::Config;
use ember_plan::{AlterTableAction, PlanSchema, Statement};

use crate::test_util::{bind, err, plan, TestCatalog, TestFunctions};
use crate::Binder;

fn show(sql: &str) -> String {
    match bind(sql) {
        Ok(Statement::Query(p)) => format!("Query\n{}", p.display_indent()),
        Ok(Statement::Explain { extended, plan }) => format!("Explain extended={extended}\n{}", plan.display_indent()),
        Ok(Statement::CreateView(v)) => {
            let cols: Vec<&str> = v.columns.iter().map(|(c, _)| c.as_str()).collect();
            format!(
                "CreateView {} {:?} replace={} if_not_exists={} columns={cols:?} sql={:?}\n{}",
                v.name,
                v.kind,
                v.replace,
                v.if_not_exists,
                v.sql,
                v.plan.display_indent()
            )
        }
        Ok(Statement::DescribeQuery(plan)) => format!("DescribeQuery\n{}", plan.display_indent()),
        Ok(other) => format!("{other:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn set_statements() {
    assert_snapshot!(show("SET"), @"Set { key: None, value: None, verbose: false }");
    assert_snapshot!(show("SET -v"), @"Set { key: None, value: None, verbose: true }");
    assert_snapshot!(show("SET spark.sql.shuffle.partitions=4"), @r#"Set { key: Some("spark.sql.shuffle.partitions"), value: Some("4"), verbose: false }"#);
    // Spark keeps the value's text as written, quotes included.
    assert_snapshot!(show("set my.key = 'some value' ;"), @r#"Set { key: Some("my.key"), value: Some("'some value'"), verbose: false }"#);
    assert_snapshot!(show("SET `my.key`=v"), @r#"Set { key: Some("my.key"), value: Some("v"), verbose: false }"#);
    assert_snapshot!(show("SET spark.sql.ansi.enabled"), @r#"Set { key: Some("spark.sql.ansi.enabled"), value: None, verbose: false }"#);
    assert_snapshot!(show("SET TIME ZONE 'Europe/Paris'"), @r#"Set { key: Some("spark.sql.session.timeZone"), value: Some("Europe/Paris"), verbose: false }"#);
    assert_eq!(err("SET a key = 1").class(), "INVALID_SET_SYNTAX");
    assert_snapshot!(show("RESET"), @"Reset { key: None }");
    assert_snapshot!(show("RESET spark.sql.ansi.enabled"), @r#"Reset { key: Some("spark.sql.ansi.enabled") }"#);
}

#[test]
fn views() {
    assert_snapshot!(show("CREATE OR REPLACE TEMPORARY VIEW v (a, b) AS SELECT id, name FROM people"), @r#"
    CreateView v Temporary replace=true if_not_exists=false columns=["a", "b"] sql="SELECT id, name FROM people"
    Project [people.id, people.name]
    +- SubqueryAlias people
       +- LocalRelation [id, name, age, dept], 2 rows
    "#);
    assert_snapshot!(show("CREATE GLOBAL TEMP VIEW v AS VALUES (1)"), @r#"
    CreateView v GlobalTemporary replace=false if_not_exists=false columns=[] sql="VALUES (1)"
    LocalRelation [col1], 1 rows
    "#);
    // IF NOT EXISTS goes with persistent views only, and never with OR REPLACE (Spark's parser).
    assert!(show("CREATE GLOBAL TEMP VIEW IF NOT EXISTS v AS VALUES (1)").starts_with("[_LEGACY_ERROR_TEMP_0053]"));
    assert!(show("CREATE TEMP VIEW IF NOT EXISTS v AS VALUES (1)").starts_with("[_LEGACY_ERROR_TEMP_0053]"));
    assert!(show("CREATE OR REPLACE VIEW IF NOT EXISTS v AS VALUES (1)").starts_with("[CREATE_VIEW_WITH_IF_NOT_EXISTS_AND_REPLACE]"));
    assert_snapshot!(show("CREATE VIEW db.v (x COMMENT 'the x') COMMENT 'c' TBLPROPERTIES ('k' = 'v') AS SELECT 1"), @r#"
    CreateView db.v Persistent replace=false if_not_exists=false columns=["x"] sql="SELECT 1"
    Project [1 AS 1]
    +- OneRowRelation
    "#);
    assert_snapshot!(show("CREATE OR REPLACE TEMPORARY VIEW src (a INT, b STRING) USING CSV OPTIONS (path '/x.csv', Header 'true', 'sep' = ';', inferSchema true)"), @r#"CreateSourceView { name: "src", replace: true, format: "csv", options: {"header": "true", "inferschema": "true", "path": "/x.csv", "sep": ";"}, schema_ddl: Some("a INT, b STRING") }"#);
    assert_snapshot!(show("CREATE TEMP VIEW src USING parquet OPTIONS (path='/x')"), @r#"CreateSourceView { name: "src", replace: false, format: "parquet", options: {"path": "/x"}, schema_ddl: None }"#);
    assert_snapshot!(show("CREATE TEMP VIEW src (a INTT) USING parquet"), @r#"
[UNSUPPORTED_DATATYPE] Unsupported data type "INTT".
LINE 1: CREATE TEMP VIEW src (a INTT) USING parquet
                              ^
SQLSTATE: 0A000
"#);
    assert!(matches!(bind("DROP VIEW IF EXISTS v"), Ok(Statement::DropView { name, if_exists: true }) if name.parts == ["v"]));
    assert!(matches!(bind("drop view db.v"), Ok(Statement::DropView { name, if_exists: false }) if name.parts == ["db", "v"]));
    assert!(matches!(bind("ALTER VIEW v AS SELECT 2"), Ok(Statement::AlterViewAs { sql, .. }) if sql == "SELECT 2"));
}

#[test]
fn describe_show_explain() {
    assert_snapshot!(show("SHOW TABLES"), @"ShowTables { database: None, pattern: None }");
    assert_snapshot!(show("SHOW TABLES IN db LIKE 't*'"), @r#"ShowTables { database: Some("db"), pattern: Some("t*") }"#);
    assert_snapshot!(show("SHOW VIEWS FROM db 'v'"), @r#"ShowViews { database: Some("db"), pattern: Some("v") }"#);
    assert_snapshot!(show("SHOW SCHEMAS LIKE 'db*'"), @r#"ShowDatabases { pattern: Some("db*") }"#);
    assert!(matches!(bind("SHOW COLUMNS IN t IN db"), Ok(Statement::ShowColumns { table }) if table.parts == ["db", "t"]));
    assert_eq!(err("SHOW COLUMNS IN a.t IN b").class(), "SHOW_COLUMNS_WITH_CONFLICT_NAMESPACE");
    assert!(matches!(bind("SHOW TBLPROPERTIES t ('k1')"), Ok(Statement::ShowTblProperties { key: Some(k), .. }) if k == "k1"));
    assert!(matches!(bind("SHOW PARTITIONS t PARTITION (y = 2024, m = 'a')"), Ok(Statement::ShowPartitions { spec, .. }) if spec.len() == 2));
    assert!(matches!(bind("DESCRIBE TABLE EXTENDED people"), Ok(Statement::Describe { extended: true, column: None, .. })));
    assert!(matches!(bind("DESC people age"), Ok(Statement::Describe { extended: false, column: Some(c), .. }) if c == ["age"]));
    assert!(matches!(bind("DESCRIBE DATABASE EXTENDED db"), Ok(Statement::DescribeDatabase { extended: true, name }) if name == "db"));
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
fn database_and_table_commands() {
    assert!(matches!(bind("CREATE SCHEMA IF NOT EXISTS db COMMENT 'c' LOCATION '/x' WITH DBPROPERTIES ('a' = '1')"),
        Ok(Statement::CreateDatabase { name, if_not_exists: true, comment: Some(_), location: Some(_), properties }) if name == "db" && properties.len() == 1));
    assert!(matches!(bind("DROP DATABASE IF EXISTS db CASCADE"), Ok(Statement::DropDatabase { if_exists: true, cascade: true, .. })));
    assert!(matches!(bind("USE spark_catalog.db"), Ok(Statement::UseDatabase { name }) if name == "db"));
    assert_eq!(err("USE a.b.c").class(), "REQUIRES_SINGLE_PART_NAMESPACE");
    assert!(matches!(bind("ALTER TABLE t RENAME TO t2"), Ok(Statement::AlterTable { action: AlterTableAction::RenameTo(n), view: false, .. }) if n.parts == ["t2"]));
    assert!(matches!(bind("ALTER TABLE t ADD COLUMNS (c DOUBLE, d DATE COMMENT 'day')"), Ok(Statement::AlterTable { action: AlterTableAction::AddColumns(c), .. }) if c.len() == 2 && c[1].2.as_deref() == Some("day")));
    assert!(matches!(bind("ALTER TABLE t ALTER COLUMN b COMMENT 'bee'"), Ok(Statement::AlterTable { action: AlterTableAction::AlterColumn { comment: Some(_), data_type: None, .. }, .. })));
    assert!(matches!(bind("ALTER TABLE t UNSET TBLPROPERTIES IF EXISTS ('a', b)"), Ok(Statement::AlterTable { action: AlterTableAction::UnsetProperties { keys, if_exists: true }, .. }) if keys.len() == 2));
    assert!(matches!(bind("ALTER TABLE t ADD IF NOT EXISTS PARTITION (y = 1) PARTITION (y = 2)"), Ok(Statement::AlterTable { action: AlterTableAction::AddPartitions { specs, if_not_exists: true }, .. }) if specs.len() == 2));
    assert!(matches!(bind("ALTER TABLE t DROP PARTITION (y = -1), PARTITION (y = NULL)"), Ok(Statement::AlterTable { action: AlterTableAction::DropPartitions { specs, .. }, .. }) if specs[0][0].1.as_deref() == Some("-1") && specs[1][0].1.is_none()));
    assert!(matches!(bind("TRUNCATE TABLE t PARTITION (y = 1)"), Ok(Statement::TruncateTable { partition, .. }) if partition.len() == 1));
    assert!(matches!(bind("CREATE OR REPLACE TABLE db.t (a INT) USING parquet TBLPROPERTIES ('k' = 'v')"), Ok(Statement::CreateTable(c)) if c.replace && c.properties.len() == 1 && c.name.parts == ["db", "t"]));
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
