//! Views: temporary (session), global temporary (`global_temp`, shared by the
//! process's sessions) and persistent ones, stored in the catalog as their query's SQL
//! text and bound again, in the database they were created in, whenever a query reads
//! them; the result is cast to the columns stored at creation (Spark's schema
//! compensation), so a view keeps its names and types.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use ember_common::types::field_catalog_string;
use ember_common::{Error, Result};
use ember_plan::{CreateView, Expr, LogicalPlan, LogicalPlanBuilder, QualifiedName, Statement, TableName, ViewKind};

use super::metadata::{self, ColumnMeta, TableMeta, ViewMeta};
use crate::catalog::names::{self, Relation, Target};
use crate::session::Session;

/// How many views may expand inside one another (Spark's
/// `spark.sql.view.maxNestedViewDepth`).
const MAX_VIEW_DEPTH: usize = 100;

thread_local! {
    static VIEW_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Counts one level of view expansion while alive.
struct Expanding;

impl Expanding {
    fn enter(view: &QualifiedName) -> Result<Expanding> {
        let depth = VIEW_DEPTH.with(|d| d.get());
        if depth >= MAX_VIEW_DEPTH {
            return Err(Error::spark("VIEW_EXCEED_MAX_NESTED_DEPTH", &[("viewName", &view.quoted()), ("maxNestedDepth", &MAX_VIEW_DEPTH.to_string())]));
        }
        VIEW_DEPTH.with(|d| d.set(depth + 1));
        Ok(Expanding)
    }
}

impl Drop for Expanding {
    fn drop(&mut self) {
        VIEW_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// The plan reading persistent view `meta`: its text bound in its database, cast and
/// renamed to the stored columns, aliased by the view's name.
pub(crate) fn view_plan(session: &Session, meta: &TableMeta) -> Result<LogicalPlan> {
    let Some(view) = &meta.view else { return Err(Error::internal(format!("{} is not a view", meta.qualified()))) };
    let _depth = Expanding::enter(&meta.qualified())?;
    let plan = match session.bind_in_database(&view.sql, &view.current_database)? {
        Statement::Query(plan) => plan,
        _ => return Err(Error::internal(format!("the text of view {} is not a query", meta.qualified()))),
    };
    let schema = plan.schema().clone();
    if schema.len() != meta.columns.len() {
        let actual = schema.fields().iter().map(|f| format!("`{}`", f.name())).collect::<Vec<_>>().join(", ");
        let expected = meta.columns.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", ");
        let suggestion = format!("CREATE OR REPLACE VIEW {} AS {}", meta.qualified(), view.sql);
        return Err(Error::spark(
            "INCOMPATIBLE_VIEW_SCHEMA_CHANGE",
            &[("viewName", &meta.qualified().quoted()), ("colName", &expected), ("expectedNum", &meta.columns.len().to_string()), ("actualCols", &actual), ("suggestion", &suggestion)],
        ));
    }
    let stored = meta.schema(&session.time_zone())?;
    let exprs = schema
        .fields()
        .iter()
        .zip(stored.fields())
        .map(|(f, s)| {
            let e = Expr::Column(f.column());
            let e = if f.data_type() == s.data_type() { e } else { e.cast_to(s.data_type().clone()) };
            e.alias(s.name())
        })
        .collect();
    Ok(LogicalPlanBuilder::from(plan).project(exprs)?.alias(&meta.name)?.build())
}

/// The stored columns of a view over `plan`: the query's names, or the names and
/// comments the statement gives.
fn view_columns(name: &str, plan: &LogicalPlan, given: &[(String, Option<String>)]) -> Result<Vec<ColumnMeta>> {
    let schema = plan.schema();
    if !given.is_empty() && given.len() != schema.len() {
        let sub = if given.len() > schema.len() { "NOT_ENOUGH_DATA_COLUMNS" } else { "TOO_MANY_DATA_COLUMNS" };
        let view_cols = given.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let data_cols = schema.fields().iter().map(|f| format!("`{}`", f.name())).collect::<Vec<_>>().join(", ");
        return Err(Error::spark(&format!("CREATE_VIEW_COLUMN_ARITY_MISMATCH.{sub}"), &[("viewName", name), ("viewColumns", &view_cols), ("dataColumns", &data_cols)]));
    }
    let mut out: Vec<ColumnMeta> = Vec::with_capacity(schema.len());
    for (i, f) in schema.fields().iter().enumerate() {
        let (name, comment) = match given.get(i) {
            Some((n, c)) => (n.clone(), c.clone()),
            None => (f.name().to_string(), None),
        };
        if out.iter().any(|c| c.name.eq_ignore_ascii_case(&name)) {
            return Err(Error::spark("COLUMN_ALREADY_EXISTS", &[("columnName", &format!("`{}`", name.to_ascii_lowercase()))]));
        }
        out.push(ColumnMeta { name, data_type: field_catalog_string(&f.field), comment });
    }
    Ok(out)
}

/// `CREATE VIEW` of any kind.
pub(crate) fn create_view(session: &Session, create: CreateView) -> Result<()> {
    // Spark analyzes a view's query when it is created.
    crate::query::analyze(create.plan.clone(), &Arc::new(session.config()))?;
    match create.kind {
        ViewKind::Temporary | ViewKind::GlobalTemporary => {
            let plan = if create.columns.is_empty() {
                create.plan.clone()
            } else {
                let cols = view_columns(&create.name.quoted(), &create.plan, &create.columns)?;
                let names: Vec<String> = cols.into_iter().map(|c| c.name).collect();
                LogicalPlanBuilder::from(create.plan.clone()).rename_columns(&names)?.build()
            };
            if !create.name.is_bare() && create.kind == ViewKind::Temporary {
                return Err(Error::spark("TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS", &[("actualName", &create.name.quoted())]));
            }
            let name = create.name.object().to_string();
            if create.kind == ViewKind::GlobalTemporary {
                if create.if_not_exists && names::global_temp_view(&name).is_some() {
                    return Ok(());
                }
                return names::register_global_temp(&name, plan, create.replace);
            }
            if create.if_not_exists && session.temp_view(&name).is_some() {
                return Ok(());
            }
            if !create.replace && session.temp_view(&name).is_some() {
                return Err(Error::spark("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", &[("relationName", &format!("`{name}`"))]));
            }
            session.register_view(&name, plan, true)
        }
        ViewKind::Persistent => create_persistent(session, create),
    }
}

fn create_persistent(session: &Session, create: CreateView) -> Result<()> {
    let q = session.qualify(&create.name)?;
    session.require_database(&q.database)?;
    if let Some(temp) = create.temp_references.first() {
        return Err(Error::spark(
            "INVALID_TEMP_OBJ_REFERENCE",
            &[("obj", "VIEW"), ("objName", &q.quoted()), ("tempObj", "VIEW"), ("tempObjName", &format!("`{temp}`"))],
        ));
    }
    let config = session.config();
    if let Some(existing) = metadata::load(&config, &q)? {
        if create.if_not_exists {
            return Ok(());
        }
        if !create.replace {
            return Err(Error::new(ember_common::ErrorKind::TableOrViewAlreadyExists { name: q.quoted() }));
        }
        if !existing.is_view() {
            return Err(Error::spark("EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE", &[("tableName", &q.quoted()), ("operation", "CREATE OR REPLACE VIEW")]));
        }
    }
    let columns = view_columns(&q.quoted(), &create.plan, &create.columns)?;
    let meta = TableMeta {
        database: q.database.clone(),
        name: q.table.clone(),
        provider: String::new(),
        columns,
        partition_by: vec![],
        location: String::new(),
        managed: false,
        options: BTreeMap::new(),
        properties: create.properties,
        comment: create.comment,
        view: Some(ViewMeta { sql: create.sql, current_database: session.current_database() }),
    };
    metadata::save(&config, &meta)?;
    session.uncache_relation_key(&q.to_string());
    Ok(())
}

/// `ALTER VIEW name AS query`: a temporary view's plan or a persistent view's text.
pub(crate) fn alter_view_as(session: &Session, name: &TableName, sql: String, plan: LogicalPlan, temp_refs: &[String]) -> Result<()> {
    crate::query::analyze(plan.clone(), &Arc::new(session.config()))?;
    match session.relation(name)? {
        Relation::TempView { name, .. } => session.register_view(&name, plan, true),
        Relation::GlobalTempView { name, .. } => names::register_global_temp(&name, plan, true),
        Relation::Catalog(meta) if !meta.is_view() => {
            Err(Error::spark("EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE", &[("tableName", &meta.qualified().quoted()), ("operation", "ALTER VIEW ... AS")]))
        }
        Relation::Catalog(meta) => {
            let create = CreateView {
                name: TableName::new(vec![meta.database.clone(), meta.name.clone()]),
                kind: ViewKind::Persistent,
                replace: true,
                if_not_exists: false,
                columns: vec![],
                comment: meta.comment.clone(),
                properties: meta.properties.clone(),
                sql,
                plan,
                temp_references: temp_refs.to_vec(),
            };
            create_persistent(session, create)
        }
    }
}

/// `DROP VIEW [IF EXISTS] name`: a temporary view of that name first, else a
/// persistent view (a table is an error).
pub(crate) fn drop_view(session: &Session, name: &TableName, if_exists: bool) -> Result<()> {
    match session.target(name)? {
        Target::Bare(t) if session.drop_view(&t)? => {
            session.uncache_relation_key(&t);
            return Ok(());
        }
        Target::GlobalTemp(t) => {
            if names::drop_global_temp(&t)? || if_exists {
                return Ok(());
            }
            return Err(crate::catalog::table_not_found(name));
        }
        _ => {}
    }
    let q = session.qualify(name)?;
    match metadata::load(&session.config(), &q)? {
        Some(meta) if !meta.is_view() => Err(Error::spark(
            "WRONG_COMMAND_FOR_OBJECT_TYPE",
            &[("operation", "DROP VIEW"), ("requiredType", "VIEW or METRIC_VIEW"), ("objectName", &q.to_string()), ("foundType", meta.kind()), ("alternative", "DROP TABLE")],
        )),
        Some(_) => {
            metadata::remove(&session.config(), &q)?;
            session.uncache_relation_key(&q.to_string());
            Ok(())
        }
        None if if_exists => Ok(()),
        None => Err(Error::new(ember_common::ErrorKind::TableOrViewNotFound { name: q.quoted(), suggestions: vec![] })),
    }
}
