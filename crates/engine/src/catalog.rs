//! The session catalog: temporary views by case-insensitive name, and the binder's
//! view of it (tables, views and `format.\`path\`` file tables).

use std::collections::BTreeMap;
use std::sync::Arc;

use ember_common::{suggest, Error, ErrorKind, Result};
use ember_datasource::{FileFormat, FileTable};
use ember_physical::operators::range::{RangeSpec, RangeTable};
use ember_optimizer::ConstEvaluator;
use ember_plan::{CatalogLookup, Expr, LogicalPlan, LogicalPlanBuilder, PlanSchema, ScalarValue};

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
            return Err(Error::new(ErrorKind::TableOrViewAlreadyExists { name: name.to_string() }));
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

/// TABLE_OR_VIEW_NOT_FOUND with the closest names.
pub fn table_not_found(name: &str, known: &[String]) -> Error {
    let suggestions = suggest::closest(name, known.iter().map(|s| s.as_str()), 5);
    Error::new(ErrorKind::TableOrViewNotFound { name: name.to_string(), suggestions })
}

/// The plan scanning a range (`id bigint`).
pub(crate) fn range_plan(spec: RangeSpec) -> Result<LogicalPlan> {
    Ok(LogicalPlanBuilder::scan("range", Arc::new(RangeTable { spec }))?.build())
}

/// What the binder sees of a session.
pub(crate) struct CatalogView<'a> {
    pub session: &'a Session,
}

impl CatalogLookup for CatalogView<'_> {
    fn table(&self, name: &str) -> Result<Option<LogicalPlan>> {
        let view = {
            let cat = self.session.state.catalog.read().map_err(|_| Error::internal("catalog lock poisoned"))?;
            cat.get(name).cloned()
        };
        if view.is_some() {
            return Ok(view);
        }
        // Catalog tables: the cached plan if `CACHE TABLE` registered one, else a fresh read.
        let name = crate::tables::strip_default(name);
        if let Some(p) = self.session.cache_manager(|m| m.table_plan(name))? {
            return Ok(Some(p));
        }
        match crate::tables::metadata::load(&self.session.config(), name)? {
            Some(meta) => Ok(Some(crate::tables::read::table_plan(&meta, &self.session.time_zone())?)),
            None => Ok(None),
        }
    }

    fn table_names(&self) -> Vec<String> {
        let mut names = self.session.table_names();
        names.extend(self.session.catalog_table_names());
        names
    }

    fn fold_constant(&self, expr: &Expr) -> Result<Option<ScalarValue>> {
        let coerced = ember_optimizer::analyzer::coerce_expr::coerce_expr(expr.clone(), &PlanSchema::empty())?.data;
        let evaluator = crate::const_eval::PhysicalConstEvaluator::new(Arc::new(self.session.config()));
        Ok(Some(evaluator.evaluate(&coerced)?))
    }

    fn table_function(&self, name: &str, args: &[Expr]) -> Result<Option<LogicalPlan>> {
        if name != "range" {
            return Ok(None);
        }
        let evaluator = crate::const_eval::PhysicalConstEvaluator::new(Arc::new(self.session.config()));
        let values = args.iter().map(|e| evaluator.evaluate(e)).collect::<Result<Vec<_>>>()?;
        let ints = values
            .iter()
            .map(|a| {
                a.as_i64().ok_or_else(|| {
                    Error::new(ErrorKind::DatatypeMismatch {
                        sub: "UNEXPECTED_INPUT_TYPE",
                        expr: "\"range\"".into(),
                        message: format!("The arguments of range must be integers, but got {a} of type \"{}\".", ember_common::types::sql_type_name(&a.data_type())),
                    })
                })
            })
            .collect::<Result<Vec<i64>>>()?;
        let (start, end, step, partitions) = match ints.as_slice() {
            [end] => (0, *end, 1, None),
            [start, end] => (*start, *end, 1, None),
            [start, end, step] => (*start, *end, *step, None),
            [start, end, step, n] => (*start, *end, *step, Some(usize::try_from(*n).unwrap_or(0))),
            _ => {
                return Err(Error::new(ErrorKind::WrongNumArgs { name: "range".into(), expected: "[1, 2, 3, 4]".into(), found: args.len() }))
            }
        };
        Ok(Some(range_plan(RangeSpec::try_new(start, end, step, partitions)?)?))
    }

    fn file_table(&self, format: &str, path: &str) -> Result<LogicalPlan> {
        crate::writer::committer::recover(std::path::Path::new(path))?;
        let format = FileFormat::from_name(format)?;
        let table = FileTable::for_direct_query(format, path)?;
        Ok(LogicalPlanBuilder::scan(&crate::reader::relation_name(path), Arc::new(table))?.build())
    }
}
