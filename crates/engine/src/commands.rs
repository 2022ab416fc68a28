//! Commands: statements that act on the session or the catalog (SET, views, databases,
//! tables, SHOW, DESCRIBE, EXPLAIN, cache) and return their output rows as a DataFrame,
//! as Spark does.

use std::sync::Arc;

use ember_common::{Error, Result};
use ember_plan::{PartitionSpec, PlanSchema, Statement, TableName};

use crate::catalog::names::Relation;
use crate::command_output::{empty_df, rows_df, Cell, Col};
use crate::dataframe::DataFrame;
use crate::format::DESCRIBE_LAYOUT;
use crate::session::Session;

pub(crate) fn run_command(session: &Session, statement: Statement) -> Result<DataFrame> {
    match statement {
        Statement::Query(plan) => Ok(DataFrame::new(session.clone(), plan)),
        Statement::Explain { extended, plan } => {
            let text = crate::explain::explain(session, &plan, extended)?;
            rows_df(session, &[Col::Str("plan", true)], vec![vec![Cell::from(text)]], None)
        }
        Statement::CreateView(create) => {
            crate::tables::views::create_view(session, *create)?;
            Ok(empty_df(session))
        }
        Statement::CreateSourceView { name, replace, format, options, schema_ddl } => {
            let path = options.get("path").cloned().ok_or_else(|| Error::spark("UNABLE_TO_INFER_SCHEMA", &[("format", &format.to_uppercase())]))?;
            let options = crate::reader::with_session_conf(session, &options);
            let plan = crate::reader::read_plan(&name, &format, &path, &options, None, schema_ddl.as_deref())?;
            if !replace && session.temp_view(&name).is_some() {
                return Err(Error::spark("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", &[("relationName", &format!("`{name}`"))]));
            }
            session.register_view(&name, plan, true)?;
            Ok(empty_df(session))
        }
        Statement::DropView { name, if_exists } => {
            crate::tables::views::drop_view(session, &name, if_exists)?;
            Ok(empty_df(session))
        }
        Statement::AlterViewAs { name, sql, plan } => {
            crate::tables::views::alter_view_as(session, &name, sql, plan, &[])?;
            Ok(empty_df(session))
        }
        Statement::Set { key, value, verbose } => crate::config_commands::set(session, key, value, verbose),
        Statement::Reset { key } => {
            crate::config_commands::reset(session, key.as_deref())?;
            Ok(empty_df(session))
        }
        Statement::ShowTables { database, pattern } => crate::catalog::show::show_tables(session, database.as_deref(), pattern.as_deref()),
        Statement::ShowViews { database, pattern } => crate::catalog::show::show_views(session, database.as_deref(), pattern.as_deref()),
        Statement::ShowDatabases { pattern } => crate::catalog::databases::show(session, pattern.as_deref()),
        Statement::ShowFunctions { user, pattern } => crate::catalog::functions::show(session, user, pattern.as_deref()),
        Statement::DescribeFunction { name, extended } => crate::catalog::functions::describe(session, &name, extended),
        Statement::ShowColumns { table } => crate::catalog::show::show_columns(session, &table),
        Statement::ShowTblProperties { table, key } => crate::catalog::show::show_tblproperties(session, &table, key.as_deref()),
        Statement::ShowPartitions { table, spec } => crate::tables::partitions::show(session, &table, &spec),
        Statement::ShowCreateTable { name } => {
            let meta = match session.relation(&name)? {
                Relation::Catalog(meta) => meta,
                Relation::TempView { name, .. } | Relation::GlobalTempView { name, .. } => {
                    return Err(Error::spark("EXPECT_PERMANENT_VIEW_NOT_TEMP", &[("operation", "SHOW CREATE TABLE"), ("viewName", &format!("`{name}`"))]));
                }
            };
            rows_df(session, &[Col::Str("createtab_stmt", false)], vec![vec![Cell::from(crate::tables::commands::show_create(&meta))]], None)
        }
        Statement::Describe { name, extended, partition, column } => describe(session, &name, extended, &partition, column.as_deref()),
        Statement::DescribeQuery(plan) => describe_schema(session, plan.schema(), &[], vec![]),
        Statement::DescribeDatabase { name, extended } => crate::catalog::databases::describe(session, &name, extended),
        Statement::CreateDatabase { name, if_not_exists, comment, location, properties } => {
            crate::catalog::databases::create(session, &name, if_not_exists, comment, location, properties)?;
            Ok(empty_df(session))
        }
        Statement::DropDatabase { name, if_exists, cascade } => {
            crate::catalog::databases::drop(session, &name, if_exists, cascade)?;
            Ok(empty_df(session))
        }
        Statement::UseDatabase { name } => {
            crate::catalog::databases::use_database(session, &name)?;
            Ok(empty_df(session))
        }
        Statement::AlterDatabase { name, properties, location } => {
            crate::catalog::databases::alter(session, &name, properties, location)?;
            Ok(empty_df(session))
        }
        Statement::CreateTable(create) => {
            crate::tables::commands::create_table(session, *create)?;
            Ok(empty_df(session))
        }
        Statement::Insert(insert) => {
            crate::tables::commands::insert(session, *insert)?;
            Ok(empty_df(session))
        }
        Statement::DropTable { name, if_exists } => {
            crate::tables::commands::drop_table(session, &name, if_exists)?;
            Ok(empty_df(session))
        }
        Statement::TruncateTable { name, partition } => {
            crate::tables::alter::truncate(session, &name, &partition)?;
            Ok(empty_df(session))
        }
        Statement::AlterTable { name, view, action } => {
            crate::tables::alter::alter(session, &name, view, action)?;
            Ok(empty_df(session))
        }
        Statement::CacheTable { name, lazy, plan } => {
            if let Some(plan) = plan {
                crate::query::analyze(plan.clone(), &Arc::new(session.config()))?;
                if session.temp_view(name.object()).is_some() {
                    return Err(Error::spark("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", &[("relationName", &name.quoted())]));
                }
                session.register_view(name.object(), plan, false)?;
            }
            crate::cache::cache_table(session, &name, !lazy)?;
            Ok(empty_df(session))
        }
        Statement::UncacheTable { name, if_exists } => {
            match crate::cache::uncache_table(session, &name) {
                Err(e) if if_exists && e.class() == "TABLE_OR_VIEW_NOT_FOUND" => {}
                other => {
                    other?;
                }
            }
            Ok(empty_df(session))
        }
        Statement::ClearCache => {
            crate::cache::clear(session)?;
            Ok(empty_df(session))
        }
    }
}

/// `DESCRIBE [EXTENDED] name [PARTITION (…)] [column]`.
fn describe(session: &Session, name: &TableName, extended: bool, partition: &PartitionSpec, column: Option<&[String]>) -> Result<DataFrame> {
    let relation = session.relation(name)?;
    let plan = session.relation_plan(&relation)?;
    let meta = match &relation {
        Relation::Catalog(meta) => Some(meta.clone()),
        _ => None,
    };
    if let Some(path) = column {
        return describe_column(session, plan.schema(), meta.as_ref(), path, extended);
    }
    let comments: Vec<Option<String>> = plan
        .schema()
        .fields()
        .iter()
        .map(|f| meta.as_ref().and_then(|m| m.column(f.name())).and_then(|c| c.comment.clone()))
        .collect();
    let forbidden = |kind: &str| Error::spark("FORBIDDEN_OPERATION", &[("statement", "DESC PARTITION"), ("objectType", kind), ("objectName", &name.quoted())]);
    let extra = match &meta {
        Some(m) if !partition.is_empty() && m.is_view() => return Err(forbidden("VIEW")),
        Some(m) if !partition.is_empty() => crate::tables::partitions::describe_rows(session, m, partition, extended)?,
        Some(m) => crate::tables::commands::describe_rows(m, extended),
        None if !partition.is_empty() => return Err(forbidden("TEMPORARY VIEW")),
        None => Vec::new(),
    };
    describe_schema(session, plan.schema(), &comments, extra)
}

/// `DESCRIBE t col`: name, type and comment as `info_name`/`info_value` rows.
fn describe_column(session: &Session, schema: &PlanSchema, meta: Option<&crate::tables::metadata::TableMeta>, path: &[String], extended: bool) -> Result<DataFrame> {
    let shown = path.join(".");
    let not_found = || Error::spark("COLUMN_NOT_FOUND", &[("colName", &format!("`{shown}`")), ("caseSensitiveConfig", "\"spark.sql.caseSensitive\"")]);
    let first = path.first().ok_or_else(not_found)?;
    let field = schema.fields().iter().find(|f| f.name().eq_ignore_ascii_case(first)).ok_or_else(not_found)?;
    if path.len() > 1 {
        return Err(Error::spark("_LEGACY_ERROR_TEMP_1060", &[("command", "DESC TABLE COLUMN"), ("field", &shown)]));
    }
    let comment = meta.and_then(|m| m.column(first)).and_then(|c| c.comment.clone()).unwrap_or_else(|| "NULL".into());
    let mut rows = vec![
        vec![Cell::from("col_name"), Cell::from(field.name().to_string())],
        vec![Cell::from("data_type"), Cell::from(ember_common::types::field_catalog_string(&field.field))],
        vec![Cell::from("comment"), Cell::from(comment)],
    ];
    if extended {
        for stat in ["min", "max", "num_nulls", "distinct_count", "avg_col_len", "max_col_len", "histogram"] {
            rows.push(vec![Cell::from(stat), Cell::from("NULL")]);
        }
    }
    rows_df(session, &[Col::Str("info_name", false), Col::Str("info_value", false)], rows, None)
}

/// DESCRIBE rows: the columns (with `comments`), then `extra` rows (partition and
/// table details).
fn describe_schema(session: &Session, schema: &PlanSchema, comments: &[Option<String>], extra: Vec<(String, String, Option<String>)>) -> Result<DataFrame> {
    let mut rows: Vec<Vec<Cell>> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![Cell::from(f.name().to_string()), Cell::from(ember_common::types::field_catalog_string(&f.field)), Cell::from(comments.get(i).cloned().flatten())]
        })
        .collect();
    for (n, t, c) in extra {
        rows.push(vec![Cell::from(n), Cell::from(t), Cell::from(c)]);
    }
    rows_df(session, &[Col::Str("col_name", false), Col::Str("data_type", false), Col::Str("comment", true)], rows, Some(DESCRIBE_LAYOUT))
}
