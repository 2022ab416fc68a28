//! `LogicalPlan`: an enum of operator structs. Each struct owns its inputs (as `Arc`s,
//! so plans are cheap to share), caches its output schema and is built through a
//! validating `try_new` that checks names and types.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use ember_common::interval_type::IntervalType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result, Transformed, TreeNode, TreeNodeRecursion};

use crate::coercion::{common_type, common_type_without_string_promotion};
use crate::expr::{Expr, GeneratorKind, Generator, SortExpr};
use crate::expr_interval::widest_operand_interval;
use crate::function::widest_interval;
use crate::schema::{PlanField, PlanSchema};
use crate::table_source::TableSource;
use crate::window_plan::Window;

pub use crate::join_plan::{join_condition_not_boolean, Join, JoinType};
pub use crate::event_time::{Deduplicate, EventTimeWatermark};
pub use crate::group_state::FlatMapGroupsWithState;
pub use crate::expand::Expand;
pub use crate::sample::{Sample, SampleMethod};
pub use crate::set_operation::{SetOpKind, SetOperation};
pub use crate::update_sessions::UpdateSessions;

/// A node of a logical plan.
#[derive(Debug, Clone, PartialEq)]
pub enum LogicalPlan {
    Projection(Projection),
    Filter(Filter),
    Aggregate(Aggregate),
    Sort(Sort),
    Limit(Limit),
    LocalLimit(LocalLimit),
    Sample(Sample),
    Join(Join),
    Union(Union),
    Distinct(Distinct),
    SubqueryAlias(SubqueryAlias),
    Values(Values),
    TableScan(TableScan),
    EmptyRelation(EmptyRelation),
    Generate(Generate),
    Window(Window),
    Expand(Expand),
    SetOperation(SetOperation),
    EventTimeWatermark(EventTimeWatermark),
    Deduplicate(Deduplicate),
    FlatMapGroupsWithState(FlatMapGroupsWithState),
    UpdateSessions(UpdateSessions),
}

/// Evaluates expressions for every input row.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub exprs: Vec<Expr>,
    pub input: Arc<LogicalPlan>,
    pub schema: PlanSchema,
}

impl Projection {
    pub fn try_new(exprs: Vec<Expr>, input: Arc<LogicalPlan>) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields = Vec::with_capacity(exprs.len());
        for e in &exprs {
            if matches!(e, Expr::Wildcard { .. }) {
                return Err(Error::internal("wildcard must be expanded before building a projection"));
            }
            let field = e.to_field(in_schema)?;
            // A bare column keeps its qualifier so `t.a` still resolves above.
            let qualifier = match e {
                Expr::Column(c) => in_schema.field_of(c)?.qualifier.clone(),
                _ => None,
            };
            fields.push(PlanField::new(qualifier, field));
        }
        Ok(Projection { exprs, input, schema: PlanSchema::new(fields) })
    }
}

/// Keeps rows where the predicate is true.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub predicate: Expr,
    pub input: Arc<LogicalPlan>,
}

impl Filter {
    pub fn try_new(predicate: Expr, input: Arc<LogicalPlan>) -> Result<Self> {
        let t = predicate.data_type(input.schema())?;
        if !matches!(t, DataType::Boolean | DataType::Null) {
            return Err(filter_not_boolean(&predicate, &t));
        }
        if predicate.contains_window() {
            return Err(Error::new(ErrorKind::WindowFunctionNotAllowed { clause: "WHERE" }));
        }
        if predicate.contains_aggregate() {
            return Err(Error::new(ErrorKind::Other {
                class: "INVALID_WHERE_CONDITION".into(),
                sqlstate: Some("42903".into()),
                message: format!(
                    "The WHERE condition \"{predicate}\" contains invalid expressions: {}. Rewrite the query to avoid window functions, aggregate functions, and generator functions in the WHERE clause.",
                    aggregate_calls(&predicate)
                ),
            }));
        }
        Ok(Filter { predicate, input })
    }
}

/// Groups rows and computes aggregates. Output: group expressions, then aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub input: Arc<LogicalPlan>,
    pub group_exprs: Vec<Expr>,
    pub aggr_exprs: Vec<Expr>,
    pub schema: PlanSchema,
}

impl Aggregate {
    pub fn try_new(input: Arc<LogicalPlan>, group_exprs: Vec<Expr>, aggr_exprs: Vec<Expr>) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields = Vec::new();
        for g in &group_exprs {
            if g.contains_aggregate() {
                return Err(Error::new(ErrorKind::Other {
                    class: "GROUP_BY_AGGREGATE".into(),
                    sqlstate: Some("42903".into()),
                    message: format!("Aggregate functions are not allowed in GROUP BY, but found {g}."),
                }));
            }
            let qualifier = match g {
                Expr::Column(c) => in_schema.field_of(c)?.qualifier.clone(),
                _ => None,
            };
            fields.push(PlanField::new(qualifier, g.to_field(in_schema)?));
        }
        for a in &aggr_exprs {
            if !matches!(a.unalias(), Expr::AggregateFunction(_)) {
                return Err(Error::internal(format!("aggregate expression expected, found {a}")));
            }
            if let Expr::AggregateFunction(f) = a.unalias() {
                if let Some(filter) = &f.filter {
                    check_aggregate_filter(filter, in_schema)?;
                }
                if f.args.iter().any(|x| x.contains_aggregate()) {
                    return Err(Error::new(ErrorKind::Other {
                        class: "NESTED_AGGREGATE_FUNCTION".into(),
                        sqlstate: Some("42607".into()),
                        message: "It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.".into(),
                    }));
                }
            }
            fields.push(PlanField::new(None, a.to_field(in_schema)?));
        }
        Ok(Aggregate { input, group_exprs, aggr_exprs, schema: PlanSchema::new(fields) })
    }
}

/// Orders rows; `fetch` keeps only the first rows (top-K).
#[derive(Debug, Clone, PartialEq)]
pub struct Sort {
    pub exprs: Vec<SortExpr>,
    pub input: Arc<LogicalPlan>,
    pub fetch: Option<usize>,
}

impl Sort {
    pub fn try_new(exprs: Vec<SortExpr>, input: Arc<LogicalPlan>, fetch: Option<usize>) -> Result<Self> {
        for e in &exprs {
            let t = e.expr.data_type(input.schema())?;
            if matches!(t, DataType::Map(_, _)) {
                return Err(Error::new(ErrorKind::DatatypeMismatch {
                    sub: "INVALID_ORDERING_TYPE",
                    expr: format!("\"{}\"", e.expr),
                    message: format!("The `sortorder` does not support ordering on type \"{}\".", catalog_string(&t).to_uppercase()),
                }));
            }
        }
        Ok(Sort { exprs, input, fetch })
    }
}

/// Skips `skip` rows then returns at most `fetch` rows of the whole input (Spark's
/// `GlobalLimit` over `LocalLimit`, with `Offset`): the rows are counted over all
/// partitions together, in partition order.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub skip: usize,
    pub fetch: Option<usize>,
    pub input: Arc<LogicalPlan>,
}

/// At most `fetch` rows of *each partition* (Spark's `LocalLimit`). It never stands
/// alone: rules put it below a [`Limit`] (or a top-K [`Sort`]) that makes the count
/// global, where reading fewer rows per partition cannot change the result. A scan's
/// `fetch` means the same.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalLimit {
    pub fetch: usize,
    pub input: Arc<LogicalPlan>,
}

/// DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN for a filter `predicate` of type `t`.
pub fn filter_not_boolean(predicate: &Expr, t: &DataType) -> Error {
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "FILTER_NOT_BOOLEAN",
        expr: format!("\"{predicate}\""),
        message: format!("Filter expression \"{predicate}\" of type \"{}\" is not a boolean.", catalog_string(t).to_uppercase()),
    })
}

/// `UNION ALL` of inputs with the same number of columns; names from the first input,
/// types widened to a common type per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub inputs: Vec<Arc<LogicalPlan>>,
    pub schema: PlanSchema,
}

impl Union {
    pub fn try_new(inputs: Vec<Arc<LogicalPlan>>) -> Result<Self> {
        let first = inputs.first().ok_or_else(|| Error::internal("union needs at least one input"))?;
        let n = first.schema().len();
        let mut types: Vec<DataType> = first.schema().fields().iter().map(|f| f.data_type().clone()).collect();
        let mut nullable: Vec<bool> = first.schema().fields().iter().map(|f| f.is_nullable()).collect();
        let mut intervals: Vec<Option<IntervalType>> = first.schema().fields().iter().map(|f| IntervalType::of_field(&f.field)).collect();
        for (i, other) in inputs.iter().enumerate().skip(1) {
            if other.schema().len() != n {
                return Err(Error::new(ErrorKind::Other {
                    class: "NUM_COLUMNS_MISMATCH".into(),
                    sqlstate: Some("42826".into()),
                    message: format!(
                        "UNION can only be performed on inputs with the same number of columns, but the first input has {n} columns and the {} input has {} columns.",
                        ordinal(i + 1),
                        other.schema().len()
                    ),
                }));
            }
            for (c, f) in other.schema().fields().iter().enumerate() {
                types[c] = common_type(&types[c], f.data_type()).ok_or_else(|| {
                    Error::new(ErrorKind::Other {
                        class: "INCOMPATIBLE_COLUMN_TYPE".into(),
                        sqlstate: Some("42825".into()),
                        message: format!(
                            "UNION can only be performed on inputs with compatible column types. The {} column of the {} input is \"{}\" type which is not compatible with \"{}\" at the same column of the first input.",
                            ordinal(c + 1),
                            ordinal(i + 1),
                            catalog_string(f.data_type()).to_uppercase(),
                            catalog_string(&types[c]).to_uppercase()
                        ),
                    })
                })?;
                nullable[c] |= f.is_nullable();
                intervals[c] = widest_interval(&[intervals[c], IntervalType::of_field(&f.field)]);
            }
        }
        let fields = first
            .schema()
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| PlanField::new(f.qualifier.clone(), with_interval(Field::new(f.name(), types[i].clone(), nullable[i]), intervals[i])))
            .collect();
        Ok(Union { inputs, schema: PlanSchema::new(fields) })
    }
}

/// `field` marked with the Spark interval type of a column whose values meet from several
/// sources (VALUES rows, UNION inputs); the type's default when it does not fit the
/// field's Arrow type.
pub fn with_interval(field: Field, interval: Option<IntervalType>) -> Field {
    match interval {
        Some(t) if t.arrow_type() == *field.data_type() => t.annotate(field),
        _ => field,
    }
}

/// Spark's checks on an aggregate's `FILTER (WHERE …)`: boolean, no aggregate inside.
fn check_aggregate_filter(filter: &Expr, in_schema: &PlanSchema) -> Result<()> {
    let invalid = |sub: &str, detail: String| {
        Error::new(ErrorKind::Other {
            class: format!("INVALID_AGGREGATE_FILTER.{sub}"),
            sqlstate: Some("42903".into()),
            message: format!("The FILTER expression \"{filter}\" in an aggregate function is invalid. {detail}"),
        })
    };
    if filter.contains_aggregate() {
        return Err(invalid("CONTAINS_AGGREGATE", format!("Expected a FILTER expression without an aggregation, but found \"{}\".", aggregate_calls(filter))));
    }
    let t = filter.data_type(in_schema)?;
    if !matches!(t, DataType::Boolean | DataType::Null) {
        return Err(invalid("NOT_BOOLEAN", "Expected a FILTER expression of the BOOLEAN type.".into()));
    }
    Ok(())
}

/// The aggregate calls inside `e`, comma separated, for messages.
fn aggregate_calls(e: &Expr) -> String {
    special_calls(e).iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
}

/// The aggregate, window and generator calls in `e` (Spark's "special expressions").
fn special_calls(e: &Expr) -> Vec<Expr> {
    let mut calls = Vec::new();
    crate::builder::collect_aggregates(e, &mut calls);
    let _ = e.apply(|n| {
        if let Expr::WindowFunction(_) | Expr::Generator(_) = n {
            calls.push(n.clone());
            return Ok(TreeNodeRecursion::Jump);
        }
        Ok(TreeNodeRecursion::Continue)
    });
    calls
}

/// `UNSUPPORTED_EXPR_FOR_OPERATOR` for an operator whose expressions `exprs` call
/// aggregate, window or generator functions it cannot compute (ORDER BY without
/// GROUP BY, a join condition).
pub fn unsupported_expr_for_operator<'e>(exprs: impl IntoIterator<Item = &'e Expr>) -> Error {
    let calls: Vec<String> = exprs.into_iter().flat_map(special_calls).map(|c| format!("\"{c}\"")).collect();
    Error::new(ErrorKind::UnsupportedExprForOperator { exprs: calls.join(", ") })
}

fn ordinal(n: usize) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        n => format!("{n}th"),
    }
}

/// Removes duplicate rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Distinct {
    pub input: Arc<LogicalPlan>,
}

/// Renames the input's qualifier (`FROM t AS x`, `(subquery) x`), optionally also the
/// column names (`AS x(a, b)`).
#[derive(Debug, Clone, PartialEq)]
pub struct SubqueryAlias {
    pub input: Arc<LogicalPlan>,
    pub alias: String,
    pub schema: PlanSchema,
}

impl SubqueryAlias {
    pub fn try_new(input: Arc<LogicalPlan>, alias: impl Into<String>) -> Result<Self> {
        let alias = alias.into();
        let schema = input.schema().with_qualifier(&alias);
        Ok(SubqueryAlias { input, alias, schema })
    }
}

/// Literal rows (`VALUES (1, 'a'), (2, 'b')`).
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub rows: Vec<Vec<Expr>>,
    pub schema: PlanSchema,
}

impl Values {
    /// Column names default to `col1`, `col2`, … as in Spark.
    pub fn try_new(rows: Vec<Vec<Expr>>, names: Option<Vec<String>>) -> Result<Self> {
        let empty = PlanSchema::empty();
        let width = rows.first().map(|r| r.len()).unwrap_or(0);
        let mut types: Vec<DataType> = vec![DataType::Null; width];
        let mut intervals: Vec<Option<IntervalType>> = vec![None; width];
        for row in &rows {
            if row.len() != width {
                return Err(Error::new(ErrorKind::Other {
                    class: "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH".into(),
                    sqlstate: Some("42000".into()),
                    message: format!("Invalid inline table. Inline table expected {width} columns but found {} columns in row.", row.len()),
                }));
            }
            for (i, e) in row.iter().enumerate() {
                let t = e.data_type(&empty)?;
                types[i] = common_type_without_string_promotion(&types[i], &t).ok_or_else(|| {
                    Error::new(ErrorKind::Other {
                        class: "INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE".into(),
                        sqlstate: Some("42000".into()),
                        message: format!("Invalid inline table. Found incompatible types in the column `col{}` for inline table.", i + 1),
                    })
                })?;
                intervals[i] = widest_interval(&[intervals[i], widest_operand_interval([e], &empty)?]);
            }
        }
        let names = names.unwrap_or_else(|| (1..=width).map(|i| format!("col{i}")).collect());
        if names.len() != width {
            return Err(Error::new(ErrorKind::Other {
                class: "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH".into(),
                sqlstate: Some("42000".into()),
                message: format!("Invalid inline table. Inline table expected {} columns but found {width} columns in row.", names.len()),
            }));
        }
        let fields = names
            .iter()
            .zip(types)
            .zip(intervals)
            .map(|((n, t), it)| PlanField::new(None, with_interval(Field::new(n, t, true), it)))
            .collect();
        Ok(Values { rows, schema: PlanSchema::new(fields) })
    }
}

/// Reads a table; the optimizer fills in `projection`, `filters` and `fetch`.
#[derive(Debug, Clone)]
pub struct TableScan {
    pub table_name: String,
    pub source: Arc<dyn TableSource>,
    /// Indices into the source schema; `None` reads every column.
    pub projection: Option<Vec<usize>>,
    /// Filters the scan may use to skip data (conjuncts over the scan's columns).
    pub filters: Vec<Expr>,
    pub fetch: Option<usize>,
    pub schema: PlanSchema,
}

impl PartialEq for TableScan {
    fn eq(&self, other: &Self) -> bool {
        self.table_name == other.table_name
            && Arc::ptr_eq(&self.source, &other.source)
            && self.projection == other.projection
            && self.filters == other.filters
            && self.fetch == other.fetch
    }
}

impl TableScan {
    pub fn try_new(
        table_name: impl Into<String>,
        source: Arc<dyn TableSource>,
        projection: Option<Vec<usize>>,
        filters: Vec<Expr>,
        fetch: Option<usize>,
    ) -> Result<Self> {
        let table_name = table_name.into();
        let full = source.schema();
        let arrow = match &projection {
            Some(p) => {
                if let Some(bad) = p.iter().find(|&&i| i >= full.fields().len()) {
                    return Err(Error::internal(format!("projection index {bad} out of range for {}", table_name)));
                }
                full.project(p)?
            }
            None => full.as_ref().clone(),
        };
        let schema = PlanSchema::from_arrow(Some(&table_name), &arrow);
        Ok(TableScan { table_name, source, projection, filters, fetch, schema })
    }
}

/// No input rows, or exactly one empty row (`SELECT 1` without FROM).
#[derive(Debug, Clone, PartialEq)]
pub struct EmptyRelation {
    pub produce_one_row: bool,
    pub schema: PlanSchema,
}

/// Applies a generator (`explode`) to each input row; output is the input columns
/// followed by the generated ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Generate {
    pub input: Arc<LogicalPlan>,
    pub generator: Generator,
    /// names of the generated columns (`col`, or `pos`, `col`)
    pub output_names: Vec<String>,
    /// `LATERAL VIEW explode(x) t AS c`: the generated columns are `t.c`
    pub qualifier: Option<String>,
    pub schema: PlanSchema,
}

impl Generate {
    /// The same node with its generated columns qualified by `qualifier` (a lateral view's name).
    pub fn with_qualifier(mut self, qualifier: Option<String>) -> Self {
        let n = self.input.schema().len();
        let q: Option<Arc<str>> = qualifier.as_deref().map(Arc::from);
        let fields = self
            .schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| if i < n { f.clone() } else { PlanField::new(q.clone(), f.field.clone()) })
            .collect();
        self.schema = PlanSchema::new(fields);
        self.qualifier = qualifier;
        self
    }

    pub fn try_new(input: Arc<LogicalPlan>, generator: Generator, output_names: Vec<String>) -> Result<Self> {
        // types the generator (and fails on a wrong argument type)
        Expr::Generator(generator.clone()).data_type(input.schema())?;
        let arg_type = generator.arg.data_type(input.schema())?;
        let mut fields: Vec<PlanField> = input.schema().fields().to_vec();
        let generated = generated_fields(generator.kind, generator.outer, &arg_type, &output_names);
        if !output_names.is_empty() && output_names.len() != generated.len() {
            return Err(Error::new(ErrorKind::Other {
                class: "UDTF_ALIAS_NUMBER_MISMATCH".into(),
                sqlstate: Some("42802".into()),
                message: format!(
                    "The number of aliases supplied in the AS clause does not match the number of columns output by the UDTF. Expected {} aliases, but got {}.",
                    generated.len(),
                    output_names.len()
                ),
            }));
        }
        let names = generated.iter().map(|f| f.name().clone()).collect();
        fields.extend(generated.into_iter().map(|f| PlanField::new(None, f)));
        Ok(Generate { input, generator, output_names: names, qualifier: None, schema: PlanSchema::new(fields) })
    }
}

/// The columns a generator adds over an argument of type `arg_type`, named `names` where
/// given: `col` (array) or `key`, `value` (map), after `pos` for posexplode; the struct's
/// fields for inline.
pub fn generated_fields(kind: GeneratorKind, outer: bool, arg_type: &DataType, names: &[String]) -> Vec<Field> {
    let mut out = Vec::new();
    if kind == GeneratorKind::PosExplode {
        out.push(Field::new("pos", DataType::Int32, outer));
    }
    match (kind, arg_type) {
        (GeneratorKind::Inline, DataType::List(f) | DataType::LargeList(f)) => {
            if let DataType::Struct(fs) = f.data_type() {
                out.extend(fs.iter().map(|x| Field::new(x.name(), x.data_type().clone(), true)));
            }
        }
        (_, DataType::Map(f, _)) => {
            if let DataType::Struct(fs) = f.data_type() {
                out.extend(fs.iter().enumerate().map(|(i, x)| Field::new(x.name(), x.data_type().clone(), i > 0 || outer)));
            }
        }
        (_, DataType::List(f) | DataType::LargeList(f)) => out.push(Field::new("col", f.data_type().clone(), true)),
        _ => out.push(Field::new("col", DataType::Null, true)),
    }
    for (i, f) in out.iter_mut().enumerate() {
        if let Some(n) = names.get(i) {
            *f = f.clone().with_name(n.clone());
        }
    }
    out
}

impl LogicalPlan {
    /// The output schema.
    pub fn schema(&self) -> &PlanSchema {
        match self {
            LogicalPlan::Projection(p) => &p.schema,
            LogicalPlan::Filter(f) => f.input.schema(),
            LogicalPlan::Aggregate(a) => &a.schema,
            LogicalPlan::Sort(s) => s.input.schema(),
            LogicalPlan::Limit(l) => l.input.schema(),
            LogicalPlan::LocalLimit(l) => l.input.schema(),
            LogicalPlan::Sample(s) => s.input.schema(),
            LogicalPlan::Join(j) => &j.schema,
            LogicalPlan::Union(u) => &u.schema,
            LogicalPlan::Distinct(d) => d.input.schema(),
            LogicalPlan::SubqueryAlias(s) => &s.schema,
            LogicalPlan::Values(v) => &v.schema,
            LogicalPlan::TableScan(t) => &t.schema,
            LogicalPlan::EmptyRelation(e) => &e.schema,
            LogicalPlan::Generate(g) => &g.schema,
            LogicalPlan::Window(w) => &w.schema,
            LogicalPlan::Expand(e) => &e.schema,
            LogicalPlan::SetOperation(s) => &s.schema,
            LogicalPlan::EventTimeWatermark(w) => &w.schema,
            LogicalPlan::Deduplicate(d) => d.input.schema(),
            LogicalPlan::FlatMapGroupsWithState(g) => &g.schema,
            LogicalPlan::UpdateSessions(u) => u.input.schema(),
        }
    }

    /// The direct inputs.
    pub fn inputs(&self) -> Vec<&Arc<LogicalPlan>> {
        match self {
            LogicalPlan::Projection(p) => vec![&p.input],
            LogicalPlan::Filter(f) => vec![&f.input],
            LogicalPlan::Aggregate(a) => vec![&a.input],
            LogicalPlan::Sort(s) => vec![&s.input],
            LogicalPlan::Limit(l) => vec![&l.input],
            LogicalPlan::LocalLimit(l) => vec![&l.input],
            LogicalPlan::Sample(s) => vec![&s.input],
            LogicalPlan::Join(j) => vec![&j.left, &j.right],
            LogicalPlan::Union(u) => u.inputs.iter().collect(),
            LogicalPlan::Distinct(d) => vec![&d.input],
            LogicalPlan::SubqueryAlias(s) => vec![&s.input],
            LogicalPlan::Generate(g) => vec![&g.input],
            LogicalPlan::Window(w) => vec![&w.input],
            LogicalPlan::Expand(e) => vec![&e.input],
            LogicalPlan::SetOperation(s) => vec![&s.left, &s.right],
            LogicalPlan::EventTimeWatermark(w) => vec![&w.input],
            LogicalPlan::Deduplicate(d) => vec![&d.input],
            LogicalPlan::FlatMapGroupsWithState(g) => vec![&g.input],
            LogicalPlan::UpdateSessions(u) => vec![&u.input],
            LogicalPlan::Values(_) | LogicalPlan::TableScan(_) | LogicalPlan::EmptyRelation(_) => vec![],
        }
    }

    /// The expressions this node evaluates (not those of its inputs).
    pub fn expressions(&self) -> Vec<&Expr> {
        match self {
            LogicalPlan::Projection(p) => p.exprs.iter().collect(),
            LogicalPlan::Filter(f) => vec![&f.predicate],
            LogicalPlan::Aggregate(a) => a.group_exprs.iter().chain(a.aggr_exprs.iter()).collect(),
            LogicalPlan::Sort(s) => s.exprs.iter().map(|e| &e.expr).collect(),
            LogicalPlan::Join(j) => j.condition.iter().collect(),
            LogicalPlan::Values(v) => v.rows.iter().flatten().collect(),
            LogicalPlan::TableScan(t) => t.filters.iter().collect(),
            LogicalPlan::Generate(g) => vec![&g.generator.arg],
            LogicalPlan::Window(w) => w.window_exprs.iter().collect(),
            LogicalPlan::Expand(e) => e.projections.iter().flatten().collect(),
            LogicalPlan::Sample(s) => s.expressions(),
            LogicalPlan::EventTimeWatermark(w) => vec![&w.event_time],
            LogicalPlan::Deduplicate(d) => d.keys.iter().collect(),
            LogicalPlan::FlatMapGroupsWithState(g) => g.keys.iter().collect(),
            LogicalPlan::UpdateSessions(u) => u.expressions(),
            _ => vec![],
        }
    }

    /// Rebuilds this node with new expressions (same count and order as
    /// [`LogicalPlan::expressions`]) and new inputs, re-validating it.
    pub fn with_new_exprs(&self, mut exprs: Vec<Expr>, mut inputs: Vec<Arc<LogicalPlan>>) -> Result<LogicalPlan> {
        let mut input = || -> Result<Arc<LogicalPlan>> {
            if inputs.is_empty() {
                return Err(Error::internal("with_new_exprs: missing input"));
            }
            Ok(inputs.remove(0))
        };
        Ok(match self {
            LogicalPlan::Projection(_) => LogicalPlan::Projection(Projection::try_new(exprs, input()?)?),
            LogicalPlan::Filter(_) => LogicalPlan::Filter(Filter::try_new(take_one(&mut exprs)?, input()?)?),
            LogicalPlan::Aggregate(a) => {
                let aggr = exprs.split_off(a.group_exprs.len());
                LogicalPlan::Aggregate(Aggregate::try_new(input()?, exprs, aggr)?)
            }
            LogicalPlan::Sort(s) => {
                let sort = s
                    .exprs
                    .iter()
                    .zip(exprs)
                    .map(|(old, e)| SortExpr { expr: e, asc: old.asc, nulls_first: old.nulls_first })
                    .collect();
                LogicalPlan::Sort(Sort::try_new(sort, input()?, s.fetch)?)
            }
            LogicalPlan::Limit(l) => LogicalPlan::Limit(Limit { skip: l.skip, fetch: l.fetch, input: input()? }),
            LogicalPlan::LocalLimit(l) => LogicalPlan::LocalLimit(LocalLimit { fetch: l.fetch, input: input()? }),
            LogicalPlan::Sample(s) => LogicalPlan::Sample(s.with_new(exprs, input()?)?),
            LogicalPlan::Join(j) => {
                let left = input()?;
                let right = input()?;
                let cond = if j.condition.is_some() { Some(take_one(&mut exprs)?) } else { None };
                LogicalPlan::Join(Join::try_new(left, right, j.join_type, cond)?)
            }
            LogicalPlan::Union(_) => LogicalPlan::Union(Union::try_new(inputs)?),
            LogicalPlan::Distinct(_) => LogicalPlan::Distinct(Distinct { input: input()? }),
            LogicalPlan::SubqueryAlias(s) => {
                let new = SubqueryAlias::try_new(input()?, s.alias.clone())?;
                LogicalPlan::SubqueryAlias(new)
            }
            LogicalPlan::Values(v) => {
                let width = v.schema.len();
                let mut rows = Vec::new();
                let mut it = exprs.into_iter();
                for _ in 0..v.rows.len() {
                    rows.push(it.by_ref().take(width).collect());
                }
                let names = v.schema.fields().iter().map(|f| f.name().to_string()).collect();
                LogicalPlan::Values(Values::try_new(rows, Some(names))?)
            }
            LogicalPlan::TableScan(t) => LogicalPlan::TableScan(TableScan::try_new(
                t.table_name.clone(),
                t.source.clone(),
                t.projection.clone(),
                exprs,
                t.fetch,
            )?),
            LogicalPlan::EmptyRelation(e) => LogicalPlan::EmptyRelation(e.clone()),
            LogicalPlan::Generate(g) => {
                let generator = Generator { arg: Box::new(take_one(&mut exprs)?), ..g.generator.clone() };
                LogicalPlan::Generate(Generate::try_new(input()?, generator, g.output_names.clone())?.with_qualifier(g.qualifier.clone()))
            }
            LogicalPlan::Window(_) => LogicalPlan::Window(Window::try_new(exprs, input()?)?),
            LogicalPlan::Expand(e) => {
                let width = e.schema.len();
                let mut it = exprs.into_iter();
                let projections = (0..e.projections.len()).map(|_| it.by_ref().take(width).collect()).collect();
                LogicalPlan::Expand(Expand::try_new(input()?, projections, e.names())?)
            }
            LogicalPlan::SetOperation(s) => {
                let left = input()?;
                LogicalPlan::SetOperation(SetOperation::try_new(s.kind, s.all, left, input()?)?)
            }
            LogicalPlan::EventTimeWatermark(w) => LogicalPlan::EventTimeWatermark(EventTimeWatermark::try_new(take_one(&mut exprs)?, w.delay_ms, input()?)?),
            LogicalPlan::Deduplicate(d) => LogicalPlan::Deduplicate(Deduplicate::try_new(exprs, d.within_watermark, input()?)?),
            LogicalPlan::FlatMapGroupsWithState(g) => LogicalPlan::FlatMapGroupsWithState(FlatMapGroupsWithState { keys: exprs, input: input()?, ..g.clone() }),
            LogicalPlan::UpdateSessions(u) => LogicalPlan::UpdateSessions(UpdateSessions::try_new(input()?, exprs, u.session.clone())?),
        })
    }

    /// Rebuilds this node with new inputs and the same expressions.
    pub fn with_new_inputs(&self, inputs: Vec<Arc<LogicalPlan>>) -> Result<LogicalPlan> {
        let exprs = self.expressions().into_iter().cloned().collect();
        self.with_new_exprs(exprs, inputs)
    }

    /// Rewrites every expression of this node (not of its inputs) with `f`.
    pub fn map_expressions<F: FnMut(Expr) -> Result<Transformed<Expr>>>(self, mut f: F) -> Result<Transformed<LogicalPlan>> {
        let mut changed = false;
        let mut exprs = Vec::new();
        for e in self.expressions() {
            let t = f(e.clone())?;
            changed |= t.transformed;
            exprs.push(t.data);
        }
        if !changed {
            return Ok(Transformed::no(self));
        }
        let inputs = self.inputs().into_iter().cloned().collect();
        Ok(Transformed::yes(self.with_new_exprs(exprs, inputs)?))
    }

    /// Names of this node's operator, for display.
    pub fn name(&self) -> &'static str {
        match self {
            LogicalPlan::Projection(_) => "Project",
            LogicalPlan::Filter(_) => "Filter",
            LogicalPlan::Aggregate(_) => "Aggregate",
            LogicalPlan::Sort(_) => "Sort",
            LogicalPlan::Limit(_) => "Limit",
            LogicalPlan::LocalLimit(_) => "LocalLimit",
            LogicalPlan::Sample(_) => "Sample",
            LogicalPlan::Join(_) => "Join",
            LogicalPlan::Union(_) => "Union",
            LogicalPlan::Distinct(_) => "Distinct",
            LogicalPlan::SubqueryAlias(_) => "SubqueryAlias",
            LogicalPlan::Values(_) => "LocalRelation",
            LogicalPlan::TableScan(_) => "Relation",
            LogicalPlan::EmptyRelation(_) => "OneRowRelation",
            LogicalPlan::Generate(_) => "Generate",
            LogicalPlan::Window(_) => "Window",
            LogicalPlan::Expand(_) => "Expand",
            LogicalPlan::SetOperation(s) => match s.kind {
                SetOpKind::Intersect => "Intersect",
                SetOpKind::Except => "Except",
            },
            LogicalPlan::EventTimeWatermark(_) => "EventTimeWatermark",
            LogicalPlan::Deduplicate(d) if d.within_watermark => "DeduplicateWithinWatermark",
            LogicalPlan::Deduplicate(_) => "Deduplicate",
            LogicalPlan::FlatMapGroupsWithState(_) => "FlatMapGroupsWithState",
            LogicalPlan::UpdateSessions(_) => "UpdateSessions",
        }
    }

    /// Names of all tables scanned below this node.
    pub fn scanned_tables(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        let _ = self.apply(|p| {
            if let LogicalPlan::TableScan(t) = p {
                out.insert(t.table_name.clone());
            }
            Ok(TreeNodeRecursion::Continue)
        });
        out
    }
}

fn take_one(exprs: &mut Vec<Expr>) -> Result<Expr> {
    if exprs.is_empty() {
        return Err(Error::internal("with_new_exprs: missing expression"));
    }
    Ok(exprs.remove(0))
}

impl TreeNode for LogicalPlan {
    fn map_children<F: FnMut(Self) -> Result<Transformed<Self>>>(self, mut f: F) -> Result<Transformed<Self>> {
        let inputs = self.inputs();
        if inputs.is_empty() {
            return Ok(Transformed::no(self));
        }
        let mut changed = false;
        let mut new_inputs = Vec::with_capacity(inputs.len());
        for i in inputs {
            let t = f(i.as_ref().clone())?;
            changed |= t.transformed;
            new_inputs.push(Arc::new(t.data));
        }
        if !changed {
            return Ok(Transformed::no(self));
        }
        Ok(Transformed::yes(self.with_new_inputs(new_inputs)?))
    }

    fn apply_children<'a, F: FnMut(&'a Self) -> Result<TreeNodeRecursion>>(&'a self, mut f: F) -> Result<TreeNodeRecursion> {
        for i in self.inputs() {
            if f(i.as_ref())? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    }
}
