//! `Binder`: the entry points that turn SQL text into bound statements and
//! expressions, and the CTE scope threaded through query binding.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use ember_common::{Config, Result};
use ember_plan::{CatalogLookup, Expr, FunctionRegistry, LogicalPlan, PlanSchema, Statement};
use sqlparser::ast::{SelectItem, SelectItemQualifiedWildcardKind};

use crate::errors::{other, span_of, unexpected, unsupported, ResultExt};
use crate::expr::ExprScope;
use crate::parser::{parse_select_item, split_tokens, tokenize};

/// Binds SQL against a catalog and a function registry.
pub struct Binder<'a> {
    pub(crate) catalog: &'a dyn CatalogLookup,
    pub(crate) functions: &'a dyn FunctionRegistry,
    pub(crate) config: &'a Config,
    /// How many `bind_expr` calls are active; the depth check runs at the outermost one.
    pub(crate) expr_nesting: Cell<usize>,
    /// Schemas of the queries enclosing the subquery being bound, outermost first:
    /// names not found in a subquery's own FROM resolve against these (correlation).
    pub(crate) outer_schemas: RefCell<Vec<PlanSchema>>,
    /// The CTEs visible in each query being bound, innermost last, so a subquery
    /// in an expression sees the CTEs of the query around it.
    pub(crate) cte_stack: RefCell<Vec<Vec<(String, Arc<LogicalPlan>)>>>,
    /// The `WINDOW` clauses of the SELECTs being bound, innermost last.
    pub(crate) named_windows: RefCell<Vec<Vec<sqlparser::ast::NamedWindowDefinition>>>,
    /// Temporary views the statement reads (a persistent view may not).
    pub(crate) temp_refs: RefCell<Vec<String>>,
    /// The parameters of the lambdas being bound, innermost last.
    pub(crate) lambda_scope: RefCell<Vec<Vec<ember_plan::expr::LambdaVariable>>>,
    /// The values of the statement's parameter markers (`:name`, `?`).
    pub(crate) args: Option<crate::params::QueryArgs>,
}

impl<'a> Binder<'a> {
    pub fn new(catalog: &'a dyn CatalogLookup, functions: &'a dyn FunctionRegistry, config: &'a Config) -> Self {
        Binder {
            catalog,
            functions,
            config,
            expr_nesting: Cell::new(0),
            outer_schemas: RefCell::new(Vec::new()),
            cte_stack: RefCell::new(Vec::new()),
            named_windows: RefCell::new(Vec::new()),
            temp_refs: RefCell::new(Vec::new()),
            lambda_scope: RefCell::new(Vec::new()),
            args: None,
        }
    }

    /// Binds parameter markers to `args`.
    pub fn with_args(mut self, args: crate::params::QueryArgs) -> Self {
        self.args = Some(args);
        self
    }

    /// Parses and binds exactly one statement. Errors carry a span into `sql` and the SQL text.
    pub fn bind_sql(&self, sql: &str) -> Result<Statement> {
        ember_common::catch_panic(|| self.bind_sql_inner(sql)).map_err(|e| e.with_sql(sql))
    }

    fn bind_sql_inner(&self, sql: &str) -> Result<Statement> {
        let tokens = crate::params::number_positional(tokenize(sql)?);
        let parts = split_tokens(crate::identifier_clause::expand(tokens, self.args.as_ref())?);
        match parts.as_slice() {
            [] => Err(other("PARSE_EMPTY_STATEMENT", "42617", "Syntax error, unexpected empty statement.")),
            [one] => self.bind_statement(sql, one),
            [_, second, ..] => Err(unexpected(second.first(), Default::default())),
        }
    }

    /// Binds a standalone expression over `schema`, as `expr("a + 1")`, `selectExpr("a AS b")`
    /// and `filter("a > 1")` need. An alias (`a + 1 AS b`) and `*` / `t.*` are accepted.
    pub fn bind_expr_sql(&self, sql: &str, schema: &PlanSchema) -> Result<Expr> {
        ember_common::catch_panic(|| self.bind_expr_sql_inner(sql, schema)).map_err(|e| e.with_sql(sql))
    }

    fn bind_expr_sql_inner(&self, sql: &str, schema: &PlanSchema) -> Result<Expr> {
        let tokens = tokenize(sql)?;
        if tokens.is_empty() {
            return Err(other("PARSE_EMPTY_STATEMENT", "42617", "Syntax error, unexpected empty statement."));
        }
        let item = parse_select_item(&tokens)?;
        let scope = ExprScope::new(schema);
        match &item {
            SelectItem::UnnamedExpr(e) => self.bind_expr(e, &scope),
            SelectItem::ExprWithAlias { expr, alias } => Ok(self.bind_expr(expr, &scope)?.alias(alias.value.clone())),
            SelectItem::Wildcard(_) => Ok(Expr::Wildcard { qualifier: None }),
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) => {
                Ok(Expr::Wildcard { qualifier: Some(crate::relation::object_name(name)) })
            }
            other => Err(unsupported(format!("the expression {other}"))).at(span_of(other)),
        }
    }

    /// The session time zone, for `timestamp` types and literals.
    pub(crate) fn time_zone(&self) -> String {
        self.config.time_zone()
    }
}

/// Common table expressions visible at some point of a query, innermost first.
#[derive(Default)]
pub(crate) struct Scope<'p> {
    parent: Option<&'p Scope<'p>>,
    ctes: Vec<(String, Arc<LogicalPlan>)>,
}

impl<'p> Scope<'p> {
    pub fn root() -> Self {
        Scope::default()
    }

    pub fn child(parent: &'p Scope<'p>) -> Self {
        Scope { parent: Some(parent), ctes: Vec::new() }
    }

    pub fn add(&mut self, name: &str, plan: LogicalPlan) {
        self.add_arc(name, Arc::new(plan));
    }

    pub fn add_arc(&mut self, name: &str, plan: Arc<LogicalPlan>) {
        self.ctes.push((name.to_ascii_lowercase(), plan));
    }

    /// Every visible CTE, outermost first (so later entries shadow earlier ones).
    pub fn visible(&self) -> Vec<(String, Arc<LogicalPlan>)> {
        let mut out = self.parent.map(|p| p.visible()).unwrap_or_default();
        out.extend(self.ctes.iter().cloned());
        out
    }

    /// The CTE named `name` (case-insensitive); later and inner definitions shadow earlier ones.
    pub fn lookup(&self, name: &str) -> Option<Arc<LogicalPlan>> {
        let lower = name.to_ascii_lowercase();
        self.ctes
            .iter()
            .rev()
            .find(|(n, _)| *n == lower)
            .map(|(_, p)| p.clone())
            .or_else(|| self.parent.and_then(|p| p.lookup(name)))
    }

    /// Every visible CTE name, for suggestions.
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.ctes.iter().map(|(n, _)| n.clone()).collect();
        if let Some(p) = self.parent {
            out.extend(p.names());
        }
        out
    }
}
