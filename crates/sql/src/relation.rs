//! FROM clauses: tables and views (wrapped in `SubqueryAlias`), CTE references, file
//! tables (`parquet.\`path\``), table-valued functions (`range(10)`), derived tables,
//! inline `VALUES`, and joins.

use std::sync::Arc;

use ember_common::{suggest, Error, ErrorKind, Result};
use ember_plan::{Expr, JoinType, LogicalPlan, LogicalPlanBuilder, PlanSchema, TableName};
use sqlparser::ast::{self, JoinConstraint, JoinOperator, ObjectName, ObjectNamePart, TableFactor, TableWithJoins};

use crate::binder::{Binder, Scope};
use crate::errors::{span_of, unsupported, ResultExt};
use crate::expr::ExprScope;
use crate::sample::SamplePlace;

const FILE_FORMATS: [&str; 6] = ["parquet", "csv", "json", "orc", "text", "avro"];

/// `a.b.c` as written (identifier values joined with dots).
fn non_constant_argument(function: &str, arg: &Expr) -> ember_common::Error {
    ember_common::Error::new(ErrorKind::Other {
        class: "NON_FOLDABLE_ARGUMENT".into(),
        sqlstate: Some("42K08".into()),
        message: format!("The function `{function}` requires its arguments to be constants, but got \"{arg}\"."),
    })
}

pub(crate) fn object_name(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => i.value.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

impl Binder<'_> {
    /// The FROM clause; no FROM is one row without columns.
    pub(crate) fn bind_from(&self, from: &[TableWithJoins], scope: &Scope) -> Result<LogicalPlanBuilder> {
        let mut plan: Option<LogicalPlanBuilder> = None;
        for twj in from {
            plan = Some(match plan {
                Some(left) if crate::lateral::is_lateral(&twj.relation) => {
                    let joined = self.bind_lateral_join(left.build(), &twj.relation, None, scope)?;
                    self.bind_joins(LogicalPlanBuilder::from(joined), &twj.joins, scope)?
                }
                None => self.bind_table_with_joins(twj, scope)?,
                Some(left) => {
                    let right = self.bind_table_with_joins(twj, scope)?;
                    left.join(right.build(), JoinType::Cross, None).at(span_of(twj))?
                }
            });
        }
        Ok(plan.unwrap_or_else(LogicalPlanBuilder::one_row))
    }

    fn bind_table_with_joins(&self, twj: &TableWithJoins, scope: &Scope) -> Result<LogicalPlanBuilder> {
        let left = LogicalPlanBuilder::from(self.bind_table_factor(&twj.relation, scope)?);
        self.bind_joins(left, &twj.joins, scope)
    }

    fn bind_joins(&self, mut left: LogicalPlanBuilder, joins: &[ast::Join], scope: &Scope) -> Result<LogicalPlanBuilder> {
        for join in joins {
            if crate::lateral::is_lateral(&join.relation) {
                let plan = self.bind_lateral_join(left.build(), &join.relation, Some(&join.join_operator), scope)?;
                left = LogicalPlanBuilder::from(plan);
                continue;
            }
            let right = self.bind_table_factor(&join.relation, scope)?;
            left = self.bind_join(left, right, &join.join_operator).at(span_of(join))?;
        }
        Ok(left)
    }

    fn bind_join(&self, left: LogicalPlanBuilder, right: LogicalPlan, op: &JoinOperator) -> Result<LogicalPlanBuilder> {
        use JoinOperator as J;
        let (join_type, constraint) = match op {
            J::Join(c) | J::Inner(c) => (JoinType::Inner, c),
            J::Left(c) | J::LeftOuter(c) => (JoinType::LeftOuter, c),
            J::Right(c) | J::RightOuter(c) => (JoinType::RightOuter, c),
            J::FullOuter(c) => (JoinType::FullOuter, c),
            J::CrossJoin(c) => (JoinType::Cross, c),
            J::Semi(c) | J::LeftSemi(c) => (JoinType::LeftSemi, c),
            J::Anti(c) | J::LeftAnti(c) => (JoinType::LeftAnti, c),
            J::CrossApply | J::OuterApply => return Err(unsupported("APPLY joins")),
            _ => return Err(unsupported("this kind of join")),
        };
        match constraint {
            JoinConstraint::On(e) => {
                let both = left.schema().join(right.schema());
                let cond = self.bind_expr(e, &ExprScope::new(&both))?;
                if cond.data_type(&both)? == arrow::datatypes::DataType::Null {
                    return Err(ember_plan::join_condition_not_boolean(&cond, &arrow::datatypes::DataType::Null)).at(span_of(e));
                }
                let join_type = if join_type == JoinType::Cross { JoinType::Inner } else { join_type };
                left.join(right, join_type, Some(cond)).at(span_of(e))
            }
            JoinConstraint::Using(names) => {
                let cols: Vec<String> = names.iter().map(|n| n.0.last().map(|p| part_value(p)).unwrap_or_default()).collect();
                left.join_using(right, join_type, &cols)
            }
            // NATURAL: USING every column name the two sides share, in the left side's order.
            JoinConstraint::Natural => {
                let rs = right.schema();
                let mut cols: Vec<String> = Vec::new();
                for f in left.schema().fields() {
                    let shared = rs.fields().iter().any(|r| r.name().eq_ignore_ascii_case(f.name()));
                    if shared && !cols.iter().any(|c| c.eq_ignore_ascii_case(f.name())) {
                        cols.push(f.name().to_string());
                    }
                }
                left.join_using(right, join_type, &cols)
            }
            JoinConstraint::None => left.join(right, join_type, None),
        }
    }

    pub(crate) fn bind_table_factor(&self, tf: &TableFactor, scope: &Scope) -> Result<LogicalPlan> {
        let span = span_of(tf);
        match tf {
            TableFactor::Table { name, alias, args, with_hints, version, partitions, sample, .. } => {
                if let Some(args) = args {
                    let plan = self.bind_table_function(name, &args.args).at(span)?;
                    let plan = match sample {
                        Some(s) => self.bind_sample(plan, s, SamplePlace::Function, span)?,
                        None => plan,
                    };
                    return self.apply_alias(plan, alias.as_ref(), None).at(span);
                }
                if !with_hints.is_empty() || version.is_some() || !partitions.is_empty() {
                    return Err(unsupported(format!("the table clause in {tf}"))).at(span);
                }
                let plan = self.resolve_table(name, scope).at(span_of(name))?;
                let default_alias = match &plan {
                    Resolved::File(_) => None,
                    // A pipe operator's input keeps its own qualifiers.
                    Resolved::Table(_) if object_name(name) == crate::pipe::PIPE_INPUT => None,
                    Resolved::Table(_) => Some(object_name(name).to_ascii_lowercase()),
                };
                let plan = match plan {
                    Resolved::File(p) | Resolved::Table(p) => p,
                };
                let plan = match sample {
                    Some(s) => self.bind_sample(plan, s, SamplePlace::Table, span)?,
                    None => plan,
                };
                self.apply_alias(plan, alias.as_ref(), default_alias).at(span)
            }
            // `LATERAL`: the caller pushed the join's left side as the outer scope.
            TableFactor::Derived { subquery, alias, sample, .. } => {
                // `(VALUES …) AS t(a, b)` names the columns directly.
                if let (ast::SetExpr::Values(v), Some(a)) = (subquery.body.as_ref(), alias) {
                    if subquery.with.is_none() && subquery.order_by.is_none() && subquery.limit_clause.is_none() && !a.columns.is_empty() {
                        let names = a.columns.iter().map(|c| c.name.value.clone()).collect();
                        let plan = self.bind_values(v, Some(names))?;
                        return self.apply_alias(plan, Some(&ast::TableAlias { columns: vec![], ..a.clone() }), None).at(span);
                    }
                }
                let plan = self.bind_query(subquery, scope)?;
                let plan = match sample {
                    Some(s) => self.bind_sample(plan, s, SamplePlace::Derived, span)?,
                    None => plan,
                };
                self.apply_alias(plan, alias.as_ref(), None).at(span)
            }
            TableFactor::NestedJoin { table_with_joins, alias } => {
                let plan = self.bind_table_with_joins(table_with_joins, scope)?.build();
                self.apply_alias(plan, alias.as_ref(), None).at(span)
            }
            TableFactor::Pivot { table, aggregate_functions, value_column, value_source, default_on_null, alias } => {
                let input = self.bind_table_factor(table, scope)?;
                let plan = self.bind_pivot(input, aggregate_functions, value_column, value_source, default_on_null.as_ref())?;
                self.apply_alias(plan, alias.as_ref(), None).at(span)
            }
            TableFactor::Unpivot { table, value, name, columns, null_inclusion, alias } => {
                let input = self.bind_table_factor(table, scope)?;
                let plan = self.bind_unpivot(input, value, name, columns, null_inclusion.as_ref())?;
                self.apply_alias(plan, alias.as_ref(), None).at(span)
            }
            other => Err(unsupported(format!("the FROM item {other}"))).at(span),
        }
    }

    /// A table-valued function call such as `range(1, 10)`; arguments are expressions
    /// without columns (the session evaluates them).
    fn bind_table_function(&self, name: &ObjectName, args: &[ast::FunctionArg]) -> Result<LogicalPlan> {
        if let Some(plan) = self.generator_table(name, args)? {
            return Ok(plan);
        }
        let fname = object_name(name).to_ascii_lowercase();
        if fname == "range" {
            if let Some(e) = crate::named_args::range_named_error(args) {
                return Err(e).at(span_of(name));
            }
        }
        let empty = PlanSchema::empty();
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            let e = match a {
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => e,
                other => return Err(unsupported(format!("the table function argument {other}"))),
            };
            let bound = self.bind_expr(e, &ExprScope::new(&empty)).at(span_of(e))?;
            if bound.contains_aggregate() || bound.contains_generator() || !bound.is_deterministic() {
                return Err(non_constant_argument(&fname, &bound)).at(span_of(e));
            }
            values.push(bound);
        }
        match self.catalog.table_function(&fname, &values)? {
            Some(plan) => Ok(plan),
            None => Err(ember_common::Error::new(ErrorKind::Other {
                class: "UNRESOLVABLE_TABLE_VALUED_FUNCTION".into(),
                sqlstate: Some("42883".into()),
                message: format!("Could not resolve `{fname}` to a table-valued function. Please make sure that `{fname}` is defined as a table-valued function and that all required parameters are provided correctly."),
            }))
            .at(span_of(name)),
        }
    }

    /// Renames columns (`AS t(a, b)`) then re-qualifies (`AS t`).
    fn apply_alias(&self, plan: LogicalPlan, alias: Option<&ast::TableAlias>, default: Option<String>) -> Result<LogicalPlan> {
        let mut b = LogicalPlanBuilder::from(plan);
        let name = match alias {
            Some(a) => {
                if !a.columns.is_empty() {
                    let names: Vec<String> = a.columns.iter().map(|c| c.name.value.clone()).collect();
                    b = b.rename_columns(&names)?;
                }
                Some(a.name.value.clone())
            }
            None => default,
        };
        if let Some(n) = name {
            b = b.alias(&n)?;
        }
        Ok(b.build())
    }

    fn resolve_table(&self, name: &ObjectName, scope: &Scope) -> Result<Resolved> {
        let parts: Vec<&ast::Ident> = name
            .0
            .iter()
            .filter_map(|p| match p {
                ObjectNamePart::Identifier(i) => Some(i),
                _ => None,
            })
            .collect();
        if let [fmt, path] = parts.as_slice() {
            let f = fmt.value.to_ascii_lowercase();
            if path.quote_style == Some('`') && fmt.quote_style.is_none() && FILE_FORMATS.contains(&f.as_str()) {
                return Ok(Resolved::File(self.catalog.file_table(&f, &path.value)?));
            }
        }
        let table = TableName::new(parts.iter().map(|i| i.value.clone()).collect());
        if table.is_bare() {
            if let Some(plan) = scope.lookup(table.object()) {
                return Ok(Resolved::Table(Arc::unwrap_or_clone(plan)));
            }
        }
        self.catalog_table(&table).map(Resolved::Table).map_err(|e| if e.class() == "TABLE_OR_VIEW_NOT_FOUND" { self.table_not_found(&table, scope) } else { e })
    }

    /// The plan of a catalog table or view (recording temporary views read), or
    /// TABLE_OR_VIEW_NOT_FOUND.
    pub(crate) fn catalog_table(&self, name: &TableName) -> Result<LogicalPlan> {
        match self.catalog.table(name)? {
            Some(plan) => {
                if self.catalog.is_temporary(name) {
                    self.temp_refs.borrow_mut().push(name.to_string());
                }
                Ok(plan)
            }
            None => Err(self.table_not_found(name, &Scope::root())),
        }
    }

    /// TABLE_OR_VIEW_NOT_FOUND with the closest table, view and CTE names.
    pub(crate) fn table_not_found(&self, name: &TableName, scope: &Scope) -> Error {
        let mut names = self.catalog.table_names();
        names.extend(scope.names());
        let suggestions = suggest::closest(name.object(), names.iter().map(|s| s.as_str()), 5);
        Error::new(ErrorKind::TableOrViewNotFound { name: name.quoted(), suggestions })
    }
}

enum Resolved {
    File(LogicalPlan),
    Table(LogicalPlan),
}

fn part_value(p: &ObjectNamePart) -> String {
    match p {
        ObjectNamePart::Identifier(i) => i.value.clone(),
        other => other.to_string(),
    }
}
