//! Statements: what one SQL statement asks for, as bound by `ember-sql`. Queries carry
//! a logical plan; commands carry their arguments for the session to run.

use std::collections::BTreeMap;

use crate::logical_plan::LogicalPlan;

/// A bound SQL statement.
#[derive(Debug, Clone)]
pub enum Statement {
    /// A query whose rows are the result.
    Query(LogicalPlan),
    /// `EXPLAIN [EXTENDED] query`
    Explain { extended: bool, plan: LogicalPlan },
    /// `CREATE [OR REPLACE] [GLOBAL] TEMPORARY VIEW name AS query`
    CreateView { name: String, replace: bool, if_not_exists: bool, plan: LogicalPlan },
    /// `CREATE [OR REPLACE] TEMPORARY VIEW name [(cols)] USING format OPTIONS (…)`
    CreateSourceView { name: String, replace: bool, format: String, options: BTreeMap<String, String>, schema_ddl: Option<String> },
    /// `DROP VIEW [IF EXISTS] name`
    DropView { name: String, if_exists: bool },
    /// `SET` (list), `SET key` (show), `SET key=value`
    Set { key: Option<String>, value: Option<String> },
    /// `SHOW TABLES`
    ShowTables,
    /// `DESCRIBE [TABLE] name`
    Describe { name: String, extended: bool },
    /// `DESCRIBE QUERY …` / `DESCRIBE (SELECT …)`
    DescribeQuery(LogicalPlan),
    /// `CREATE TABLE … [USING …] [AS query]`
    CreateTable(Box<CreateTable>),
    /// `INSERT INTO|OVERWRITE [TABLE] name [PARTITION (…)] query`
    Insert(Box<InsertInto>),
    /// `DROP TABLE [IF EXISTS] name` (a temporary view of that name is dropped first)
    DropTable { name: String, if_exists: bool },
    /// `SHOW CREATE TABLE name`
    ShowCreateTable { name: String },
    /// `CACHE [LAZY] TABLE name [AS query]`
    CacheTable { name: String, lazy: bool, plan: Option<LogicalPlan> },
    /// `UNCACHE TABLE [IF EXISTS] name`
    UncacheTable { name: String, if_exists: bool },
    /// `CLEAR CACHE`
    ClearCache,
}

/// `CREATE [EXTERNAL] TABLE [IF NOT EXISTS] name [(columns)] [USING format]
/// [PARTITIONED BY (cols)] [LOCATION 'path'] [OPTIONS (…)] [COMMENT '…'] [AS query]`.
#[derive(Debug, Clone)]
pub struct CreateTable {
    pub name: String,
    pub if_not_exists: bool,
    /// The column list as DDL text (`a INT, b STRING`), validated by the binder.
    pub schema_ddl: Option<String>,
    /// `USING` format, lower-case (`None`: the default source, parquet).
    pub provider: Option<String>,
    pub partition_by: Vec<String>,
    pub location: Option<String>,
    pub options: BTreeMap<String, String>,
    pub comment: Option<String>,
    /// `AS query`
    pub query: Option<LogicalPlan>,
}

/// `INSERT INTO|OVERWRITE [TABLE] name [PARTITION (k = v, k2, …)] query`.
#[derive(Debug, Clone)]
pub struct InsertInto {
    pub table: String,
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
