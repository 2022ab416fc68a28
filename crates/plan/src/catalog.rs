//! What the binder needs from the session: tables and views by name, file tables by
//! format and path (`parquet.\`path\``), and functions.

use ember_common::Result;

use crate::logical_plan::LogicalPlan;
use crate::expr::Expr;
use crate::scalar::ScalarValue;
use crate::table_name::TableName;

/// Name lookup for the binder.
pub trait CatalogLookup {
    /// The plan of a table or view, or `None` if there is none by that name. A
    /// one-part name is a temporary view, else a table or view of the current
    /// database; `db.t` and `spark_catalog.db.t` name a database's table.
    fn table(&self, name: &TableName) -> Result<Option<LogicalPlan>>;

    /// Every table and view name, for "did you mean" suggestions.
    fn table_names(&self) -> Vec<String>;

    /// A plan reading the file(s) at `path` in `format` (`csv`, `json`, `parquet`).
    fn file_table(&self, format: &str, path: &str) -> Result<LogicalPlan>;

    /// The plan of a table-valued function call (`range(10)`), or `None` if there is no
    /// table function by that name. Arguments are bound expressions without columns.
    fn table_function(&self, _name: &str, _args: &[Expr]) -> Result<Option<LogicalPlan>> {
        Ok(None)
    }

    /// The value of a bound expression without columns (`LIMIT 1 + 1`), evaluated as a
    /// query would; `None` where the catalog cannot evaluate expressions.
    fn fold_constant(&self, _expr: &Expr) -> Result<Option<ScalarValue>> {
        Ok(None)
    }

    /// Runs `plan` now and returns a plan scanning its rows (a table named `name`) and
    /// the row count; `None` where the catalog cannot run queries. Recursive CTEs
    /// evaluate their steps this way.
    fn materialize(&self, _plan: LogicalPlan, _name: &str) -> Result<Option<(LogicalPlan, usize)>> {
        Ok(None)
    }

    /// True if `name` resolves to a temporary view (which a persistent view may not read).
    fn is_temporary(&self, _name: &TableName) -> bool {
        false
    }

    /// The current database (`USE db`), as `current_database()` returns it.
    fn current_database(&self) -> String {
        "default".to_string()
    }
}
