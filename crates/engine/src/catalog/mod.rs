//! The session catalog: temporary views by case-insensitive name, name resolution
//! ([`names`]) and the binder's view of it (tables, views, `format.\`path\`` file
//! tables, table functions).

pub(crate) mod databases;
pub(crate) mod functions;
pub(crate) mod names;
pub(crate) mod show;

use std::collections::BTreeMap;
use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result};
use ember_datasource::{FileFormat, FileTable};
use ember_physical::operators::range::{RangeSpec, RangeTable};
use ember_optimizer::ConstEvaluator;
use ember_plan::coercion::{is_numeric, is_string};
use ember_plan::{CatalogLookup, Expr, LogicalPlan, LogicalPlanBuilder, PlanSchema, ScalarValue, TableName};

use crate::session::Session;

/// Temporary views.
#[derive(Debug, Default)]
pub struct Catalog {
    views: BTreeMap<String, (String, LogicalPlan)>,
}

impl Catalog {
    pub fn register(&mut self, name: &str, plan: LogicalPlan, replace: bool) -> Result<()> {
        let key = name.to_ascii_lowercase();
        if !replace && self.views.contains_key(&key) {
            return Err(Error::spark("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", &[("relationName", &format!("`{name}`"))]));
        }
        self.views.insert(key, (name.to_string(), plan));
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&LogicalPlan> {
        self.views.get(&name.to_ascii_lowercase()).map(|(_, p)| p)
    }

    pub fn remove(&mut self, name: &str) -> bool {
        self.views.remove(&name.to_ascii_lowercase()).is_some()
    }

    /// Names as they were registered, sorted case-insensitively.
    pub fn names(&self) -> Vec<String> {
        self.views.values().map(|(n, _)| n.clone()).collect()
    }
}

/// TABLE_OR_VIEW_NOT_FOUND for `name` as written.
pub fn table_not_found(name: &TableName) -> Error {
    Error::new(ErrorKind::TableOrViewNotFound { name: name.quoted(), suggestions: vec![] })
}

/// The plan scanning a range (`id bigint`).
pub(crate) fn range_plan(spec: RangeSpec) -> Result<LogicalPlan> {
    Ok(LogicalPlanBuilder::scan("range", Arc::new(RangeTable { spec }))?.build())
}

/// What the binder sees of a session. `database` overrides the current database
/// (while binding a persistent view's text).
pub(crate) struct CatalogView<'a> {
    pub session: &'a Session,
    pub database: Option<String>,
}

impl<'a> CatalogView<'a> {
    pub fn new(session: &'a Session) -> Self {
        CatalogView { session, database: None }
    }

    /// `name` with a bare name qualified by the overriding database, if any.
    fn in_database(&self, name: &TableName) -> TableName {
        match &self.database {
            Some(db) if name.is_bare() && self.session.temp_view(name.object()).is_none() => TableName::new(vec![db.clone(), name.object().to_string()]),
            _ => name.clone(),
        }
    }
}

impl CatalogLookup for CatalogView<'_> {
    fn table(&self, name: &TableName) -> Result<Option<LogicalPlan>> {
        self.session.table_plan(&self.in_database(name))
    }

    fn is_temporary(&self, name: &TableName) -> bool {
        name.is_bare() && self.session.temp_view(name.object()).is_some()
    }

    fn current_database(&self) -> String {
        self.database.clone().unwrap_or_else(|| self.session.current_database())
    }

    fn table_names(&self) -> Vec<String> {
        let mut names = self.session.table_names();
        names.extend(crate::tables::metadata::list(&self.session.config(), &self.current_database()).into_iter().map(|m| m.name));
        names
    }

    fn fold_constant(&self, expr: &Expr) -> Result<Option<ScalarValue>> {
        let coerced = ember_optimizer::analyzer::coerce_expr::coerce_expr(expr.clone(), &PlanSchema::empty())?.data;
        let evaluator = crate::const_eval::PhysicalConstEvaluator::new(Arc::new(self.session.config()));
        Ok(Some(evaluator.evaluate(&coerced)?))
    }

    fn materialize(&self, plan: LogicalPlan, name: &str) -> Result<Option<(LogicalPlan, usize)>> {
        let schema = Arc::new(plan.schema().to_arrow_with_names());
        let batches = crate::query::QueryExecution::new(self.session, plan)?.collect(self.session)?;
        let rows = batches.iter().map(|b| b.num_rows()).sum();
        let batches = batches.into_iter().map(|b| b.with_schema(schema.clone())).collect::<std::result::Result<Vec<_>, _>>()?;
        let table = ember_physical::operators::memory::MemTable::try_new(schema, vec![batches])?;
        Ok(Some((LogicalPlanBuilder::scan(name, Arc::new(table))?.build(), rows)))
    }

    fn table_function(&self, name: &str, args: &[Expr]) -> Result<Option<LogicalPlan>> {
        if name != "range" {
            return Ok(None);
        }
        if args.is_empty() || args.len() > 4 {
            return Err(Error::new(ErrorKind::WrongNumArgs { name: "range".into(), expected: "[1, 2, 3, 4]".into(), found: args.len() }));
        }
        let evaluator = crate::const_eval::PhysicalConstEvaluator::new(Arc::new(self.session.config()));
        // Spark casts the arguments to BIGINT (strings with ANSI's checks); `range(n)`
        // gives n as the second parameter, `end`.
        let ordinals = ["first", "second", "third", "fourth"];
        let ints = args
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let t = e.data_type(&PlanSchema::empty())?;
                let position = if args.len() == 1 { 1 } else { i };
                let wrong = || {
                    Error::new(ErrorKind::Other {
                        class: "UNEXPECTED_INPUT_TYPE".into(),
                        sqlstate: Some("42K09".into()),
                        message: format!(
                            "Parameter {} of function `range` requires the \"BIGINT\" type, however \"{e}\" has the type \"{}\".",
                            ordinals[position],
                            ember_common::types::sql_type_name(&t)
                        ),
                    })
                };
                if !(is_numeric(&t) || is_string(&t)) {
                    return Err(wrong());
                }
                evaluator.evaluate(&e.clone().cast_to(arrow::datatypes::DataType::Int64))?.as_i64().ok_or_else(wrong)
            })
            .collect::<Result<Vec<i64>>>()?;
        let (start, end, step, partitions) = match ints.as_slice() {
            [end] => (0, *end, 1, None),
            [start, end] => (*start, *end, 1, None),
            [start, end, step] => (*start, *end, *step, None),
            [start, end, step, n] => (*start, *end, *step, Some(usize::try_from(*n).unwrap_or(0))),
            _ => return Err(Error::internal("range arity checked above")),
        };
        // Spark reports a range it cannot build (step 0) as a failed call.
        let spec = RangeSpec::try_new(start, end, step, partitions).map_err(|e| {
            Error::new(ErrorKind::Other {
                class: "FAILED_FUNCTION_CALL".into(),
                sqlstate: Some("38000".into()),
                message: "Failed preparing of the function `range` for call. Please, double check function's arguments.".into(),
            })
            .context(e.message())
        })?;
        Ok(Some(range_plan(spec)?))
    }

    fn file_table(&self, format: &str, path: &str) -> Result<LogicalPlan> {
        crate::writer::committer::recover(std::path::Path::new(path))?;
        let format = FileFormat::from_name(format)?;
        let table = FileTable::for_direct_query(format, path)?;
        Ok(LogicalPlanBuilder::scan(&crate::reader::relation_name(path), Arc::new(table))?.build())
    }
}
