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
            let names = session.table_names();
            let schema = Arc::new(Schema::new(vec![
                Field::new("namespace", DataType::Utf8, false),
                Field::new("tableName", DataType::Utf8, false),
                Field::new("isTemporary", DataType::Boolean, false),
            ]));
            let n = names.len();
            rows_df(
                session,
                schema,
                vec![
                    strings(vec![Some(String::new()); n]),
                    strings(names.into_iter().map(Some).collect()),
                    Arc::new(BooleanArray::from(vec![true; n])),
                ],
            )
        }
        Statement::Describe { name, extended: _ } => {
            let df = session.table(&name)?;
            describe_schema(session, df.logical_plan().schema())
        }
        Statement::DescribeQuery(plan) => describe_schema(session, plan.schema()),
    }
}

fn describe_schema(session: &Session, schema: &PlanSchema) -> Result<DataFrame> {
    let out = Arc::new(Schema::new(vec![
        Field::new("col_name", DataType::Utf8, false),
        Field::new("data_type", DataType::Utf8, false),
        Field::new("comment", DataType::Utf8, true),
    ]));
    let names = schema.fields().iter().map(|f| Some(f.name().to_string())).collect();
    let types = schema.fields().iter().map(|f| Some(ember_common::types::catalog_string(f.data_type()))).collect();
    let comments = vec![None; schema.len()];
    rows_df(session, out, vec![strings(names), strings(types), strings(comments)])
}
