//! Statements: what one SQL statement asks for, as bound by `ember-sql`. Queries carry
//! a logical plan; commands carry their arguments for the session to run.

use std::collections::BTreeMap;

use crate::logical_plan::LogicalPlan;
use crate::table_name::TableName;

/// A bound SQL statement.
#[derive(Debug, Clone)]
pub enum Statement {
    /// A query whose rows are the result.
    Query(LogicalPlan),
    /// `EXPLAIN [EXTENDED] query`
    Explain { extended: bool, plan: LogicalPlan },
    /// `CREATE [OR REPLACE] [[GLOBAL] TEMPORARY] VIEW name [(cols)] AS query`
    CreateView(Box<CreateView>),
    /// `CREATE [OR REPLACE] TEMPORARY VIEW name [(cols)] USING format OPTIONS (…)`
    CreateSourceView { name: String, replace: bool, format: String, options: BTreeMap<String, String>, schema_ddl: Option<String> },
    /// `DROP VIEW [IF EXISTS] name`
    DropView { name: TableName, if_exists: bool },
    /// `ALTER VIEW name AS query`
    AlterViewAs { name: TableName, sql: String, plan: LogicalPlan },
    /// `SET` (list), `SET -v` (every known key), `SET key` (show), `SET key=value`
    Set { key: Option<String>, value: Option<String>, verbose: bool },
    /// `RESET` (all) or `RESET key`
    Reset { key: Option<String> },
    /// `SHOW TABLES [IN db] [[LIKE] 'pattern']`
    ShowTables { database: Option<String>, pattern: Option<String> },
    /// `SHOW VIEWS [IN db] [[LIKE] 'pattern']`
    ShowViews { database: Option<String>, pattern: Option<String> },
    /// `SHOW DATABASES|SCHEMAS|NAMESPACES [[LIKE] 'pattern']`
    ShowDatabases { pattern: Option<String> },
    /// `SHOW [USER|SYSTEM|ALL] FUNCTIONS [[LIKE] 'pattern']`; `user` lists only
    /// user-defined functions (there are none yet).
    ShowFunctions { user: bool, pattern: Option<String> },
    /// `SHOW COLUMNS IN t [IN db]`
    ShowColumns { table: TableName },
    /// `SHOW TBLPROPERTIES t [('key')]`
    ShowTblProperties { table: TableName, key: Option<String> },
    /// `SHOW PARTITIONS t [PARTITION (…)]`
    ShowPartitions { table: TableName, spec: PartitionSpec },
    /// `SHOW CREATE TABLE name`
    ShowCreateTable { name: TableName },
    /// `DESCRIBE [TABLE] [EXTENDED] name [PARTITION (…)] [column]`
    Describe { name: TableName, extended: bool, partition: PartitionSpec, column: Option<Vec<String>> },
    /// `DESCRIBE QUERY …` / `DESCRIBE (SELECT …)`
    DescribeQuery(LogicalPlan),
    /// `DESCRIBE DATABASE|SCHEMA [EXTENDED] db`
    DescribeDatabase { name: String, extended: bool },
    /// `DESCRIBE FUNCTION [EXTENDED] name`
    DescribeFunction { name: String, extended: bool },
    /// `CREATE DATABASE|SCHEMA [IF NOT EXISTS] db [COMMENT …] [LOCATION …] [WITH DBPROPERTIES (…)]`
    CreateDatabase { name: String, if_not_exists: bool, comment: Option<String>, location: Option<String>, properties: BTreeMap<String, String> },
    /// `DROP DATABASE|SCHEMA [IF EXISTS] db [RESTRICT|CASCADE]`
    DropDatabase { name: String, if_exists: bool, cascade: bool },
    /// `USE [DATABASE|SCHEMA|NAMESPACE] db`
    UseDatabase { name: String },
    /// `ALTER DATABASE|SCHEMA db SET DBPROPERTIES|PROPERTIES (…)` / `SET LOCATION '…'`
    AlterDatabase { name: String, properties: BTreeMap<String, String>, location: Option<String> },
    /// `CREATE TABLE … [USING …] [AS query]`
    CreateTable(Box<CreateTable>),
    /// `INSERT INTO|OVERWRITE [TABLE] name [PARTITION (…)] query`
    Insert(Box<InsertInto>),
    /// `DROP TABLE [IF EXISTS] name` (a temporary view of that name is dropped first)
    DropTable { name: TableName, if_exists: bool },
    /// `TRUNCATE TABLE name [PARTITION (…)]`
    TruncateTable { name: TableName, partition: PartitionSpec },
    /// `ALTER TABLE|VIEW name …`
    AlterTable { name: TableName, view: bool, action: AlterTableAction },
    /// `CACHE [LAZY] TABLE name [AS query]`
    CacheTable { name: TableName, lazy: bool, plan: Option<LogicalPlan> },
    /// `UNCACHE TABLE [IF EXISTS] name`
    UncacheTable { name: TableName, if_exists: bool },
    /// `CLEAR CACHE`
    ClearCache,
}

/// Partition columns and their values as written (`None` for `NULL`), in order.
pub type PartitionSpec = Vec<(String, Option<String>)>;

/// Which kind of view a `CREATE VIEW` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    /// Session-local, gone with the session.
    Temporary,
    /// In the `global_temp` database, shared by the sessions of a process.
    GlobalTemporary,
    /// Stored in the catalog as SQL text.
    Persistent,
}

/// `CREATE [OR REPLACE] [[GLOBAL] TEMPORARY] VIEW [IF NOT EXISTS] name [(col [COMMENT …], …)]
/// [COMMENT …] [TBLPROPERTIES (…)] AS query`.
#[derive(Debug, Clone)]
pub struct CreateView {
    pub name: TableName,
    pub kind: ViewKind,
    pub replace: bool,
    pub if_not_exists: bool,
    /// Column names (and comments) given in the statement; empty: the query's names.
    pub columns: Vec<(String, Option<String>)>,
    pub comment: Option<String>,
    pub properties: BTreeMap<String, String>,
    /// The query's SQL text, stored for persistent views.
    pub sql: String,
    pub plan: LogicalPlan,
    /// Temporary views and functions the query reads (a persistent view may not).
    pub temp_references: Vec<String>,
}

/// What an `ALTER TABLE` changes.
#[derive(Debug, Clone)]
pub enum AlterTableAction {
    /// `RENAME TO new`
    RenameTo(TableName),
    /// `ADD COLUMN[S] (name type [COMMENT …], …)`: name, Spark type string, comment.
    AddColumns(Vec<(String, String, Option<String>)>),
    /// `RENAME COLUMN a TO b`
    RenameColumn { from: String, to: String },
    /// `ALTER|CHANGE COLUMN c COMMENT '…'` (or a type that keeps the column's type)
    AlterColumn { column: String, data_type: Option<String>, comment: Option<String> },
    /// `DROP COLUMN[S] …`
    DropColumns(Vec<String>),
    /// `SET TBLPROPERTIES (…)`
    SetProperties(BTreeMap<String, String>),
    /// `UNSET TBLPROPERTIES [IF EXISTS] (…)`
    UnsetProperties { keys: Vec<String>, if_exists: bool },
    /// `ADD [IF NOT EXISTS] PARTITION (…) [PARTITION (…)]…`
    AddPartitions { specs: Vec<PartitionSpec>, if_not_exists: bool },
    /// `DROP [IF EXISTS] PARTITION (…)[, PARTITION (…)]…`
    DropPartitions { specs: Vec<PartitionSpec>, if_exists: bool },
    /// `SET LOCATION '…'`
    SetLocation(String),
    /// `RECOVER PARTITIONS`
    RecoverPartitions,
}

/// `CREATE [EXTERNAL] TABLE [IF NOT EXISTS] name [(columns)] [USING format]
/// [PARTITIONED BY (cols)] [LOCATION 'path'] [OPTIONS (…)] [COMMENT '…']
/// [TBLPROPERTIES (…)] [AS query]`.
#[derive(Debug, Clone)]
pub struct CreateTable {
    pub name: TableName,
    pub if_not_exists: bool,
    /// `CREATE OR REPLACE TABLE`
    pub replace: bool,
    /// The column list as DDL text (`a INT, b STRING`), validated by the binder.
    pub schema_ddl: Option<String>,
    /// `USING` format, lower-case (`None`: the default source, parquet).
    pub provider: Option<String>,
    pub partition_by: Vec<String>,
    pub location: Option<String>,
    pub options: BTreeMap<String, String>,
    pub properties: BTreeMap<String, String>,
    pub comment: Option<String>,
    /// `AS query`
    pub query: Option<LogicalPlan>,
}

/// `INSERT INTO|OVERWRITE [TABLE] name [PARTITION (k = v, k2, …)] query`.
#[derive(Debug, Clone)]
pub struct InsertInto {
    pub table: TableName,
    pub overwrite: bool,
    /// Partition spec in order: a static value (as text, `None` for `NULL`) or dynamic.
    pub partition: Vec<(String, PartitionValue)>,
    pub query: LogicalPlan,
}

/// One column of an INSERT's `PARTITION (…)` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum PartitionValue {
    /// `k = 'v'` (the literal's text; `None` for `NULL`).
    Static(Option<String>),
    /// `k` alone: the value comes from the query.
    Dynamic,
}
