//! Commands: statements that act on the session (SET, CREATE VIEW, SHOW TABLES,
//! DESCRIBE, EXPLAIN) and return their output rows as a DataFrame, as Spark does.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{LogicalPlan, LogicalPlanBuilder, PlanSchema, Statement};

use crate::dataframe::DataFrame;
use crate::session::Session;

/// A DataFrame over literal rows of string/boolean columns.
fn rows_df(session: &Session, schema: SchemaRef, columns: Vec<ArrayRef>) -> Result<DataFrame> {
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    let table = ember_physical::operators::memory::MemTable::try_new(schema, vec![vec![batch]])?;
    let plan = LogicalPlanBuilder::scan("command", Arc::new(table))?.build();
    Ok(DataFrame::new(session.clone(), plan).into_ordered())
}

fn strings(values: Vec<Option<String>>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

/// A DataFrame with no columns and no rows (`struct<>`).
fn empty_df(session: &Session) -> DataFrame {
    let plan = LogicalPlan::EmptyRelation(ember_plan::EmptyRelation { produce_one_row: false, schema: PlanSchema::empty() });
    DataFrame::new(session.clone(), plan)
}

pub(crate) fn run_command(session: &Session, statement: Statement) -> Result<DataFrame> {
    match statement {
        Statement::Query(plan) => Ok(DataFrame::new(session.clone(), plan)),
        Statement::Explain { extended, plan } => {
            let text = crate::explain::explain(session, &plan, extended)?;
            let schema = Arc::new(Schema::new(vec![Field::new("plan", DataType::Utf8, true)]));
            rows_df(session, schema, vec![strings(vec![Some(text)])])
        }
        Statement::CreateView { name, replace, if_not_exists, plan } => {
            if if_not_exists && session.table_names().iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                return Ok(empty_df(session));
            }
            // Validate the view's query now, as Spark analyzes it at creation.
            crate::query::analyze(plan.clone(), &Arc::new(session.config()))?;
            session.register_view(&name, plan, replace)?;
            Ok(empty_df(session))
        }
        Statement::CreateSourceView { name, replace, format, options, schema_ddl } => {
            let path = options.get("path").cloned().ok_or_else(|| {
                Error::new(ErrorKind::Other {
                    class: "UNABLE_TO_INFER_SCHEMA".into(),
                    sqlstate: Some("42KD9".into()),
                    message: format!("Unable to infer schema for {}. It must be specified manually: the OPTIONS need a 'path'.", format.to_uppercase()),
                })
            })?;
            let options = crate::reader::with_session_conf(session, &options);
            let plan = crate::reader::read_plan(&name, &format, &path, &options, None, schema_ddl.as_deref())?;
            session.register_view(&name, plan, replace)?;
            Ok(empty_df(session))
        }
        Statement::DropView { name, if_exists } => {
            if !session.drop_view(&name)? && !if_exists {
                return Err(crate::catalog::table_not_found(&name, &session.table_names()));
            }
            Ok(empty_df(session))
        }
        Statement::Set { key, value } => {
            let schema = Arc::new(Schema::new(vec![Field::new("key", DataType::Utf8, false), Field::new("value", DataType::Utf8, true)]));
            match (key, value) {
                (Some(k), Some(v)) => {
                    session.set_config(&k, &v)?;
                    rows_df(session, schema, vec![strings(vec![Some(k)]), strings(vec![Some(v)])])
                }
                (Some(k), None) => {
                    let v = session.config().get_or_default(&k).unwrap_or_else(|| "<undefined>".to_string());
                    rows_df(session, schema, vec![strings(vec![Some(k)]), strings(vec![Some(v)])])
                }
                _ => {
                    let cfg = session.config();
                    let (ks, vs): (Vec<_>, Vec<_>) = cfg.entries().map(|(k, v)| (Some(k.to_string()), Some(v.to_string()))).unzip();
                    rows_df(session, schema, vec![strings(ks), strings(vs)])
                }
            }
        }
        Statement::ShowTables => {
            let tables = session.catalog_table_names();
            let views = session.table_names();
            let schema = Arc::new(Schema::new(vec![
                Field::new("namespace", DataType::Utf8, false),
                Field::new("tableName", DataType::Utf8, false),
                Field::new("isTemporary", DataType::Boolean, false),
            ]));
            let namespaces = tables.iter().map(|_| Some("default".to_string())).chain(views.iter().map(|_| Some(String::new()))).collect();
            let temporary: Vec<bool> = tables.iter().map(|_| false).chain(views.iter().map(|_| true)).collect();
            let names = tables.into_iter().chain(views).map(Some).collect();
            rows_df(session, schema, vec![strings(namespaces), strings(names), Arc::new(BooleanArray::from(temporary))])
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
        Statement::ShowCreateTable { name } => {
            let Some(meta) = crate::tables::metadata::load(&session.config(), &name)? else {
                return Err(Error::new(ErrorKind::Other {
                    class: "EXPECT_PERMANENT_VIEW_NOT_TEMP".into(),
                    sqlstate: Some("42809".into()),
                    message: format!("'SHOW CREATE TABLE' expects a permanent view but `{name}` is a temp view."),
                }));
            };
            let schema = Arc::new(Schema::new(vec![Field::new("createtab_stmt", DataType::Utf8, false)]));
            rows_df(session, schema, vec![strings(vec![Some(crate::tables::commands::show_create(&meta))])])
        }
        Statement::CacheTable { name, lazy, plan } => {
            if let Some(plan) = plan {
                crate::query::analyze(plan.clone(), &Arc::new(session.config()))?;
                session.register_view(&name, plan, false)?;
            }
            crate::cache::cache_table(session, &name, !lazy)?;
            Ok(empty_df(session))
        }
        Statement::UncacheTable { name, if_exists: _ } => {
            crate::cache::uncache_table(session, &name)?;
            Ok(empty_df(session))
        }
        Statement::ClearCache => {
            crate::cache::clear(session)?;
            Ok(empty_df(session))
        }
        Statement::Describe { name, extended } => {
            let df = session.table(&name)?;
            let extra = if session.has_temp_view(&name) {
                vec![]
            } else {
                match crate::tables::metadata::load(&session.config(), crate::tables::strip_default(&name))? {
                    Some(meta) => crate::tables::commands::describe_rows(&meta, extended),
                    None => vec![],
                }
            };
            describe_schema_with(session, df.logical_plan().schema(), extra)
        }
        Statement::DescribeQuery(plan) => describe_schema(session, plan.schema()),
    }
}

fn describe_schema(session: &Session, schema: &PlanSchema) -> Result<DataFrame> {
    describe_schema_with(session, schema, vec![])
}

/// DESCRIBE rows: the columns, then `extra` rows (partition and table details).
fn describe_schema_with(session: &Session, schema: &PlanSchema, extra: Vec<(String, String, Option<String>)>) -> Result<DataFrame> {
    let out = Arc::new(Schema::new(vec![
        Field::new("col_name", DataType::Utf8, false),
        Field::new("data_type", DataType::Utf8, false),
        Field::new("comment", DataType::Utf8, true),
    ]));
    let mut names: Vec<Option<String>> = schema.fields().iter().map(|f| Some(f.name().to_string())).collect();
    let mut types: Vec<Option<String>> = schema.fields().iter().map(|f| Some(ember_common::types::field_catalog_string(&f.field))).collect();
    let mut comments = vec![None; schema.len()];
    for (n, t, c) in extra {
        names.push(Some(n));
        types.push(Some(t));
        comments.push(c);
    }
    rows_df(session, out, vec![strings(names), strings(types), strings(comments)])
}
