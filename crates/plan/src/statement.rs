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
}
