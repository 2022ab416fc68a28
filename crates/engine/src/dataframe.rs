//! `DataFrame`: a lazy, immutable query. Transformations return a new DataFrame over
//! a bigger logical plan (built with the same `LogicalPlanBuilder` SQL uses); actions
//! (`collect`, `count`, `show`) analyze, optimize and run it.

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{Column as PlanColumn, Expr, JoinType, LogicalPlan, LogicalPlanBuilder};

use crate::column::Column;
use crate::query::QueryExecution;
use crate::session::Session;

/// A lazy query over a session.
#[derive(Clone)]
pub struct DataFrame {
    session: Session,
    plan: LogicalPlan,
    /// Rows come in a defined order (command output such as DESCRIBE).
    ordered: bool,
}

impl std::fmt::Debug for DataFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataFrame[{}]", self.schema_string())
    }
}

fn exprs(cols: impl IntoIterator<Item = impl Into<Column>>) -> Vec<Expr> {
    cols.into_iter().map(|c| c.into().expr).collect()
}

/// Parses Spark's join type names (`inner`, `left`, `left_outer`, `full`, `semi`, …).
pub fn parse_join_type(how: &str) -> Result<JoinType> {
    Ok(match how.to_ascii_lowercase().replace('_', "").as_str() {
        "inner" => JoinType::Inner,
        "left" | "leftouter" => JoinType::LeftOuter,
        "right" | "rightouter" => JoinType::RightOuter,
        "full" | "fullouter" | "outer" => JoinType::FullOuter,
        "leftsemi" | "semi" => JoinType::LeftSemi,
        "leftanti" | "anti" => JoinType::LeftAnti,
        "cross" => JoinType::Cross,
        _ => {
            return Err(Error::new(ErrorKind::Other {
                class: "UNSUPPORTED_JOIN_TYPE".into(),
                sqlstate: Some("0A000".into()),
                message: format!(
                    "Unsupported join type '{how}'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', 'left', 'leftouter', 'left_outer', 'right', 'rightouter', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', 'cross'."
                ),
            }))
        }
    })
}

impl DataFrame {
    /// A DataFrame belongs to the session, not to the statement that made it: it
    /// keeps no running query's cancellation token.
    pub(crate) fn new(session: Session, plan: LogicalPlan) -> Self {
        DataFrame { session: session.without_query(), plan, ordered: false }
    }

    /// Marks the rows as coming in a defined order (command output).
    pub(crate) fn into_ordered(mut self) -> Self {
        self.ordered = true;
        self
    }

    /// A DataFrame of the same session over another logical plan (built with
    /// `ember_plan::LogicalPlanBuilder`, or a part of this DataFrame's plan).
    pub fn with_plan(&self, plan: LogicalPlan) -> DataFrame {
        DataFrame { session: self.session.clone(), plan, ordered: false }
    }

    pub(crate) fn builder(&self) -> LogicalPlanBuilder {
        LogicalPlanBuilder::from(self.plan.clone())
    }

    /// The logical plan as bound (before analysis).
    pub fn logical_plan(&self) -> &LogicalPlan {
        &self.plan
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Does this DataFrame read a streaming source (`session.read_stream()`)? Such a
    /// DataFrame runs only through [`DataFrame::write_stream`].
    pub fn is_streaming(&self) -> bool {
        ember_streaming::streaming_relation::is_streaming(&self.plan)
    }

    /// Starts building a streaming query over this (streaming) DataFrame.
    pub fn write_stream(&self) -> crate::streaming::DataStreamWriter {
        crate::streaming::DataStreamWriter::new(self.clone())
    }

    /// The output schema.
    pub fn schema(&self) -> SchemaRef {
        self.plan.schema().arrow_schema().clone()
    }

    /// Output column names.
    pub fn columns(&self) -> Vec<String> {
        self.plan.schema().fields().iter().map(|f| f.name().to_string()).collect()
    }

    /// `SELECT cols`.
    pub fn select(&self, cols: impl IntoIterator<Item = impl Into<Column>>) -> Result<DataFrame> {
        let exprs = exprs(cols);
        if exprs.iter().any(|e| e.contains_aggregate()) {
            // A select with aggregates is a global aggregation, as in Spark.
            return Ok(self.with_plan(self.builder().aggregate(vec![], exprs)?.build()));
        }
        Ok(self.with_plan(self.builder().project(exprs)?.build()))
    }

    /// `SELECT` of SQL expression strings (`"a + 1 AS b"`).
    pub fn select_expr(&self, sql_exprs: &[&str]) -> Result<DataFrame> {
        let cols = sql_exprs.iter().map(|s| self.parse_expr(s).map(Column::from_expr)).collect::<Result<Vec<_>>>()?;
        self.select(cols)
    }

    fn parse_expr(&self, sql: &str) -> Result<Expr> {
        let config = self.session.config();
        let view = crate::catalog::CatalogView::new(&self.session);
        let binder = ember_sql::Binder::new(&view, self.session.functions(), &config);
        binder.bind_expr_sql(sql, self.plan.schema()).map_err(|e| e.with_sql(sql))
    }

    /// Keeps rows where `condition` is true.
    pub fn filter(&self, condition: Column) -> Result<DataFrame> {
        Ok(self.with_plan(self.builder().filter(condition.expr)?.build()))
    }

    /// Same as [`DataFrame::filter`] (Spark's `where`).
    pub fn where_(&self, condition: Column) -> Result<DataFrame> {
        self.filter(condition)
    }

    /// Keeps rows where the SQL condition string is true (`df.filter("a > 1")`).
    pub fn filter_sql(&self, condition: &str) -> Result<DataFrame> {
        let e = self.parse_expr(condition)?;
        Ok(self.with_plan(self.builder().filter(e)?.build()))
    }

    /// Adds a column, or replaces the one with the same name.
    pub fn with_column(&self, name: &str, value: Column) -> Result<DataFrame> {
        let schema = self.plan.schema();
        let mut out = Vec::new();
        let mut replaced = false;
        for f in schema.fields() {
            if f.name().eq_ignore_ascii_case(name) {
                if !replaced {
                    out.push(value.expr.clone().alias(name));
                    replaced = true;
                }
            } else {
                out.push(Expr::Column(f.column()));
            }
        }
        if !replaced {
            out.push(value.expr.alias(name));
        }
        Ok(self.with_plan(self.builder().project(out)?.build()))
    }

    /// Renames a column; a missing column is a no-op, as in Spark.
    pub fn with_column_renamed(&self, existing: &str, new: &str) -> Result<DataFrame> {
        let out: Vec<Expr> = self
            .plan
            .schema()
            .fields()
            .iter()
            .map(|f| {
                let c = Expr::Column(f.column());
                if f.name().eq_ignore_ascii_case(existing) { c.alias(new) } else { c }
            })
            .collect();
        Ok(self.with_plan(self.builder().project(out)?.build()))
    }

    /// Removes columns by name; missing names are ignored, as in Spark.
    pub fn drop(&self, names: &[&str]) -> Result<DataFrame> {
        let out: Vec<Expr> = self
            .plan
            .schema()
            .fields()
            .iter()
            .filter(|f| !names.iter().any(|n| f.name().eq_ignore_ascii_case(n)))
            .map(|f| Expr::Column(f.column()))
            .collect();
        Ok(self.with_plan(self.builder().project(out)?.build()))
    }

    /// Groups rows for aggregation: `df.group_by([col("k")]).agg([sum(col("v"))])`.
    pub fn group_by(&self, cols: impl IntoIterator<Item = impl Into<Column>>) -> GroupedData {
        GroupedData { df: self.clone(), groups: exprs(cols), sets: None }
    }

    /// Groups by every prefix of `cols` (`GROUP BY ROLLUP(cols)`).
    pub fn rollup(&self, cols: impl IntoIterator<Item = impl Into<Column>>) -> GroupedData {
        let groups = exprs(cols);
        let sets = (0..=groups.len()).rev().map(|n| (0..n).collect()).collect();
        GroupedData { df: self.clone(), groups, sets: Some(sets) }
    }

    /// Groups by every subset of `cols` (`GROUP BY CUBE(cols)`).
    pub fn cube(&self, cols: impl IntoIterator<Item = impl Into<Column>>) -> GroupedData {
        let groups = exprs(cols);
        let indices: Vec<Vec<ember_plan::Expr>> = (0..groups.len()).map(|i| vec![ember_plan::lit(i as i64)]).collect();
        let sets = ember_plan::grouping_sets::cube(indices)
            .into_iter()
            .map(|s| s.iter().filter_map(|e| if let ember_plan::Expr::Literal(v) = e { v.as_i64().map(|i| i as usize) } else { None }).collect())
            .collect();
        GroupedData { df: self.clone(), groups, sets: Some(sets) }
    }

    /// Aggregates over all rows (`df.agg([max(col("a"))])`).
    pub fn agg(&self, aggs: impl IntoIterator<Item = impl Into<Column>>) -> Result<DataFrame> {
        self.group_by(Vec::<Column>::new()).agg(aggs)
    }

    /// Joins with `right` on a condition; `how` is Spark's join type name.
    pub fn join(&self, right: &DataFrame, condition: Column, how: &str) -> Result<DataFrame> {
        let jt = parse_join_type(how)?;
        let plan = self.builder().join(right.plan.clone(), jt, Some(condition.expr))?.build();
        Ok(self.with_plan(plan))
    }

    /// Joins on equally named columns, which appear once in the output (`USING`).
    pub fn join_using(&self, right: &DataFrame, columns: &[&str], how: &str) -> Result<DataFrame> {
        let jt = parse_join_type(how)?;
        let cols: Vec<String> = columns.iter().map(|s| s.to_string()).collect();
        Ok(self.with_plan(self.builder().join_using(right.plan.clone(), jt, &cols)?.build()))
    }

    /// Cartesian product.
    pub fn cross_join(&self, right: &DataFrame) -> Result<DataFrame> {
        Ok(self.with_plan(self.builder().join(right.plan.clone(), JoinType::Cross, None)?.build()))
    }

    /// Sorts by columns (`col("a").desc()`; plain columns sort ascending).
    pub fn order_by(&self, cols: impl IntoIterator<Item = impl Into<Column>>) -> Result<DataFrame> {
        let keys = cols.into_iter().map(|c| c.into().to_sort_expr()).collect();
        Ok(self.with_plan(self.builder().sort(keys)?.build()))
    }

    /// Same as [`DataFrame::order_by`].
    pub fn sort(&self, cols: impl IntoIterator<Item = impl Into<Column>>) -> Result<DataFrame> {
        self.order_by(cols)
    }

    pub fn limit(&self, n: usize) -> Result<DataFrame> {
        Ok(self.with_plan(self.builder().limit(0, Some(n))?.build()))
    }

    /// Skips the first `n` rows.
    pub fn offset(&self, n: usize) -> Result<DataFrame> {
        Ok(self.with_plan(self.builder().limit(n, None)?.build()))
    }

    pub fn distinct(&self) -> Result<DataFrame> {
        Ok(self.with_plan(self.builder().distinct()?.build()))
    }

    /// Rows of both, matched by position, duplicates kept (Spark's `union`).
    pub fn union(&self, other: &DataFrame) -> Result<DataFrame> {
        Ok(self.with_plan(self.builder().union(other.plan.clone())?.build()))
    }

    /// Same as [`DataFrame::union`].
    pub fn union_all(&self, other: &DataFrame) -> Result<DataFrame> {
        self.union(other)
    }

    fn set_operation(&self, other: &DataFrame, kind: ember_plan::SetOpKind, all: bool) -> Result<DataFrame> {
        let s = ember_plan::SetOperation::try_new(kind, all, std::sync::Arc::new(self.plan.clone()), std::sync::Arc::new(other.plan.clone()))?;
        Ok(self.with_plan(LogicalPlan::SetOperation(s)))
    }

    /// Distinct rows present in both (`INTERSECT`).
    pub fn intersect(&self, other: &DataFrame) -> Result<DataFrame> {
        self.set_operation(other, ember_plan::SetOpKind::Intersect, false)
    }

    /// Rows present in both, as multisets (`INTERSECT ALL`).
    pub fn intersect_all(&self, other: &DataFrame) -> Result<DataFrame> {
        self.set_operation(other, ember_plan::SetOpKind::Intersect, true)
    }

    /// Distinct rows of this one not in `other` (`EXCEPT`).
    pub fn subtract(&self, other: &DataFrame) -> Result<DataFrame> {
        self.set_operation(other, ember_plan::SetOpKind::Except, false)
    }

    /// Rows of this one not in `other`, as multisets (`EXCEPT ALL`).
    pub fn except_all(&self, other: &DataFrame) -> Result<DataFrame> {
        self.set_operation(other, ember_plan::SetOpKind::Except, true)
    }

    /// Gives the DataFrame a name for qualified column references (`alias.col`).
    pub fn alias(&self, alias: &str) -> Result<DataFrame> {
        Ok(self.with_plan(self.builder().alias(alias)?.build()))
    }

    /// Registers this DataFrame as a temporary view (replacing one of the same name).
    pub fn create_or_replace_temp_view(&self, name: &str) -> Result<()> {
        self.session.register_view(name, self.plan.clone(), true)
    }

    /// Registers this DataFrame as a temporary view; fails if the name is taken.
    pub fn create_temp_view(&self, name: &str) -> Result<()> {
        self.session.register_view(name, self.plan.clone(), false)
    }

    /// Plans the query to run as part of `session`'s running query (scalar
    /// subqueries and caches run now, cancelled with it).
    pub(crate) fn query_execution(&self, session: &Session) -> Result<QueryExecution> {
        QueryExecution::new(session, self.plan.clone())
    }

    /// Runs the query and returns all rows as Arrow record batches. It can be
    /// cancelled from another thread with `session.cancel_all()` (or times out after
    /// `ember.query.timeout`): it then fails with `OPERATION_CANCELED`. A panic while
    /// planning or running fails it with `INTERNAL_ERROR`.
    pub fn collect(&self) -> Result<Vec<RecordBatch>> {
        let session = self.session.for_query();
        ember_common::catch_panic(|| self.query_execution(&session)?.collect(&session))
    }

    /// Number of rows.
    pub fn count(&self) -> Result<usize> {
        let counted = self.agg([crate::functions::count(crate::functions::lit(1))])?;
        let batches = counted.collect()?;
        let value = batches
            .first()
            .and_then(|b| ember_plan::ScalarValue::try_from_array(b.column(0).as_ref(), 0).ok())
            .and_then(|v| v.as_i64())
            .ok_or_else(|| Error::internal("count returned no value"))?;
        Ok(value as usize)
    }

    /// Prints the first 20 rows as a table, strings truncated to 20 characters.
    pub fn show(&self) -> Result<()> {
        self.show_with(20, 20)
    }

    /// Prints the first `n` rows; `truncate` = 0 keeps strings whole.
    pub fn show_with(&self, n: usize, truncate: usize) -> Result<()> {
        print!("{}", self.show_string(n, truncate)?);
        Ok(())
    }

    /// What `show_with` prints.
    pub fn show_string(&self, n: usize, truncate: usize) -> Result<String> {
        // Fetch one row more than shown to know whether to say "only showing top n rows".
        let batches = self.limit(n + 1)?.collect()?;
        Ok(crate::format::show_string_with_zone(&batches, &self.schema(), n, truncate, false, &self.session.time_zone()))
    }

    /// The schema as Spark's `printSchema()` shows it.
    pub fn schema_string(&self) -> String {
        let mut out = String::from("root\n");
        for f in self.plan.schema().fields() {
            tree_field(&mut out, f.name(), f.data_type(), f.is_nullable(), 1);
        }
        out
    }

    pub fn print_schema(&self) {
        print!("{}", self.schema_string());
    }

    /// The plans of this query as EXPLAIN [EXTENDED] prints them.
    pub fn explain_string(&self, extended: bool) -> Result<String> {
        crate::explain::explain(&self.session, &self.plan, extended)
    }

    pub fn explain(&self, extended: bool) -> Result<()> {
        println!("{}", self.explain_string(extended)?);
        Ok(())
    }

    /// True if the query's result order is defined (its last operator is a sort, or it
    /// is the output of a command such as DESCRIBE).
    pub fn is_ordered(&self) -> bool {
        if self.ordered {
            return true;
        }
        fn sorted(p: &LogicalPlan) -> bool {
            match p {
                LogicalPlan::Sort(_) => true,
                LogicalPlan::Projection(x) => sorted(&x.input),
                LogicalPlan::Limit(x) => sorted(&x.input),
                LogicalPlan::SubqueryAlias(x) => sorted(&x.input),
                _ => false,
            }
        }
        sorted(&self.plan)
    }

    /// A column of this DataFrame, qualified by its relation when it has one.
    pub fn col(&self, name: &str) -> Result<Column> {
        let schema = self.plan.schema();
        let i = schema.index_of(&PlanColumn::from_name(name))?;
        Ok(Column::from_expr(Expr::Column(schema.field(i).column())))
    }
}

fn spark_type_name(dt: &arrow::datatypes::DataType) -> String {
    use arrow::datatypes::DataType::*;
    match dt {
        Int8 => "byte".into(),
        Int16 => "short".into(),
        Int32 => "integer".into(),
        Int64 => "long".into(),
        List(_) => "array".into(),
        Struct(_) => "struct".into(),
        Map(_, _) => "map".into(),
        other => ember_common::types::catalog_string(other),
    }
}

fn tree_field(out: &mut String, name: &str, dt: &arrow::datatypes::DataType, nullable: bool, depth: usize) {
    use arrow::datatypes::DataType::*;
    let indent = " |   ".repeat(depth - 1);
    out.push_str(&format!("{indent} |-- {name}: {} (nullable = {nullable})\n", spark_type_name(dt)));
    match dt {
        Struct(fields) => {
            for f in fields {
                tree_field(out, f.name(), f.data_type(), f.is_nullable(), depth + 1);
            }
        }
        List(f) => {
            let inner = " |   ".repeat(depth);
            out.push_str(&format!("{inner} |-- element: {} (containsNull = {})\n", spark_type_name(f.data_type()), f.is_nullable()));
        }
        _ => {}
    }
}

/// A DataFrame grouped by some columns, waiting for `agg`.
#[derive(Debug, Clone)]
pub struct GroupedData {
    pub(crate) df: DataFrame,
    pub(crate) groups: Vec<Expr>,
    /// ROLLUP / CUBE: the grouping sets, as indices into `groups`
    pub(crate) sets: Option<Vec<Vec<usize>>>,
}

impl GroupedData {
    /// Output: the grouping columns, then the aggregates.
    pub fn agg(&self, aggs: impl IntoIterator<Item = impl Into<Column>>) -> Result<DataFrame> {
        let Some(sets) = &self.sets else {
            let plan = self.df.builder().aggregate(self.groups.clone(), exprs(aggs))?.build();
            return Ok(self.df.with_plan(plan));
        };
        let select: Vec<Expr> = self.groups.iter().cloned().chain(exprs(aggs)).collect();
        let gs = ember_plan::grouping_sets::GroupingSets { exprs: self.groups.iter().cloned().map(Expr::into_unaliased).collect(), sets: sets.clone() };
        let planner = ember_plan::grouping_sets::plan_grouping_sets(self.df.builder().plan().clone(), gs, &select, &[])?;
        let out = planner.rewrite_all(&select)?;
        let plan = LogicalPlanBuilder::from_arc(planner.plan).project(out)?.build();
        Ok(self.df.with_plan(plan))
    }

    /// Number of rows per group, in a column named `count`.
    pub fn count(&self) -> Result<DataFrame> {
        self.agg([crate::functions::count(crate::functions::lit(1)).alias("count")])
    }

    fn each(&self, f: fn(Column) -> Column, cols: &[&str]) -> Result<DataFrame> {
        self.agg(cols.iter().map(|c| f(crate::functions::col(c))).collect::<Vec<_>>())
    }

    pub fn sum(&self, cols: &[&str]) -> Result<DataFrame> {
        self.each(crate::functions::sum, cols)
    }
    pub fn avg(&self, cols: &[&str]) -> Result<DataFrame> {
        self.each(crate::functions::avg, cols)
    }
    pub fn min(&self, cols: &[&str]) -> Result<DataFrame> {
        self.each(crate::functions::min, cols)
    }
    pub fn max(&self, cols: &[&str]) -> Result<DataFrame> {
        self.each(crate::functions::max, cols)
    }
}
