//! `Expr`: the expression tree of logical plans, an enum of small structs. `Display`
//! renders Spark's auto-generated column names (`(a + 1)`, `count(1)`, `upper(s)`).

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::interval_type::IntervalType;
use ember_common::types::sql_type_name;
use ember_common::{Result, Transformed, TreeNode, TreeNodeRecursion};

use crate::function::{AggregateFunctionImpl, ScalarFunctionImpl};
pub use crate::lambda::{HigherOrderFunction, HigherOrderKind, LambdaFunction, LambdaVariable};
use crate::operator::Operator;
use crate::scalar::ScalarValue;
use crate::window::WindowFunction;

/// A reference to a column, optionally qualified by a table or alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Column {
    pub relation: Option<Arc<str>>,
    pub name: String,
}

impl Column {
    pub fn new(relation: Option<&str>, name: impl Into<String>) -> Self {
        Column { relation: relation.map(Arc::from), name: name.into() }
    }
    pub fn from_name(name: impl Into<String>) -> Self {
        Column { relation: None, name: name.into() }
    }
    /// `relation.name` or `name`.
    pub fn flat_name(&self) -> String {
        match &self.relation {
            Some(r) => format!("{r}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub expr: Box<Expr>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BinaryExpr {
    pub left: Box<Expr>,
    pub op: Operator,
    pub right: Box<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cast {
    pub expr: Box<Expr>,
    pub data_type: DataType,
    /// `try_cast`: invalid input gives NULL even under ANSI mode
    pub try_cast: bool,
    /// The Spark interval type of an interval target written out (`CAST(x AS INTERVAL
    /// HOUR)`); `None` for other targets and for the casts coercion adds, whose interval
    /// type is the default of `data_type` (see [`Expr::interval_type`]).
    pub interval_type: Option<IntervalType>,
}

impl Cast {
    /// The Spark interval type the cast gives when its target is an interval: the one
    /// written out, else the default of the target Arrow type.
    pub fn target_interval_type(&self) -> Option<IntervalType> {
        let default = IntervalType::default_for(&self.data_type)?;
        Some(self.interval_type.filter(|t| t.arrow_type() == self.data_type).unwrap_or(default))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// `CASE operand WHEN …` (simple form) or `None` (searched form)
    pub operand: Option<Box<Expr>>,
    pub when_then: Vec<(Expr, Expr)>,
    pub else_expr: Option<Box<Expr>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InList {
    pub expr: Box<Expr>,
    pub list: Vec<Expr>,
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Like {
    pub negated: bool,
    pub expr: Box<Expr>,
    pub pattern: Box<Expr>,
    pub escape_char: Option<char>,
    /// `ILIKE`
    pub case_insensitive: bool,
}

#[derive(Debug, Clone)]
pub struct ScalarFunction {
    pub func: Arc<dyn ScalarFunctionImpl>,
    pub args: Vec<Expr>,
}

impl PartialEq for ScalarFunction {
    fn eq(&self, other: &Self) -> bool {
        self.func.name() == other.func.name() && self.args == other.args
    }
}

#[derive(Debug, Clone)]
pub struct AggregateFunction {
    pub func: Arc<dyn AggregateFunctionImpl>,
    pub args: Vec<Expr>,
    pub distinct: bool,
    /// `FILTER (WHERE …)`
    pub filter: Option<Box<Expr>>,
}

impl PartialEq for AggregateFunction {
    fn eq(&self, other: &Self) -> bool {
        self.func.name() == other.func.name()
            && self.args == other.args
            && self.distinct == other.distinct
            && self.filter == other.filter
    }
}

/// Table-generating functions used in a select list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneratorKind {
    Explode,
    PosExplode,
    /// `inline(array<struct>)`: one row per struct, one column per field
    Inline,
}

/// `explode(arr)` and friends: one input row becomes zero or more output rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Generator {
    pub kind: GeneratorKind,
    /// `explode_outer`: a NULL or empty input yields one row of NULLs
    pub outer: bool,
    pub arg: Box<Expr>,
}

/// A query used as an expression. Its plan may read columns of the enclosing query
/// through [`Expr::OuterReference`]s (a correlated subquery); the optimizer's subquery
/// rules turn correlated subqueries into joins.
#[derive(Debug, Clone, PartialEq)]
pub struct Subquery {
    pub plan: Arc<crate::logical_plan::LogicalPlan>,
}

impl Subquery {
    /// The outer columns the subquery reads (directly or in nested subqueries), without duplicates.
    pub fn outer_refs(&self) -> Vec<OuterReference> {
        let mut out: Vec<OuterReference> = Vec::new();
        collect_outer_refs(&self.plan, &mut out);
        out
    }

    /// True if the subquery reads columns of an enclosing query.
    pub fn is_correlated(&self) -> bool {
        !self.outer_refs().is_empty()
    }
}

fn collect_outer_refs(plan: &crate::logical_plan::LogicalPlan, out: &mut Vec<OuterReference>) {
    for e in plan.expressions() {
        let _ = e.apply(|x| {
            match x {
                Expr::OuterReference(o) if !out.contains(o) => out.push(o.clone()),
                Expr::ScalarSubquery(s) | Expr::Exists(Exists { subquery: s, .. }) | Expr::InSubquery(InSubquery { subquery: s, .. }) => {
                    collect_outer_refs(&s.plan, out)
                }
                _ => {}
            }
            Ok(TreeNodeRecursion::Continue)
        });
    }
    for input in plan.inputs() {
        collect_outer_refs(input, out);
    }
}

/// `expr [NOT] IN (subquery)`
#[derive(Debug, Clone, PartialEq)]
pub struct InSubquery {
    pub expr: Box<Expr>,
    pub subquery: Subquery,
    pub negated: bool,
}

/// `[NOT] EXISTS (subquery)`
#[derive(Debug, Clone, PartialEq)]
pub struct Exists {
    pub subquery: Subquery,
    pub negated: bool,
}

/// A column of an enclosing query, read inside a correlated subquery.
#[derive(Debug, Clone, PartialEq)]
pub struct OuterReference {
    pub column: Column,
    pub data_type: DataType,
    pub nullable: bool,
}

/// A sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct SortExpr {
    pub expr: Expr,
    pub asc: bool,
    pub nulls_first: bool,
}

impl SortExpr {
    /// Spark's defaults: ASC NULLS FIRST, DESC NULLS LAST.
    pub fn new(expr: Expr, asc: bool, nulls_first: Option<bool>) -> Self {
        SortExpr { expr, asc, nulls_first: nulls_first.unwrap_or(asc) }
    }
}

impl fmt::Display for SortExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.expr,
            if self.asc { "ASC" } else { "DESC" },
            if self.nulls_first { "NULLS FIRST" } else { "NULLS LAST" }
        )
    }
}

/// An expression of a logical plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Column(Column),
    Literal(ScalarValue),
    Alias(Alias),
    BinaryExpr(BinaryExpr),
    Not(Box<Expr>),
    /// unary minus
    Negative(Box<Expr>),
    IsNull(Box<Expr>),
    IsNotNull(Box<Expr>),
    Cast(Cast),
    Case(Case),
    InList(InList),
    Like(Like),
    ScalarFunction(ScalarFunction),
    AggregateFunction(AggregateFunction),
    Generator(Generator),
    /// `f(args) OVER (…)`
    WindowFunction(WindowFunction),
    /// `*` or `t.*` before expansion
    Wildcard { qualifier: Option<String> },
    /// `(SELECT …)` returning one value
    ScalarSubquery(Subquery),
    /// `x [NOT] IN (SELECT …)`
    InSubquery(InSubquery),
    /// `[NOT] EXISTS (SELECT …)`
    Exists(Exists),
    /// a column of the enclosing query inside a correlated subquery
    OuterReference(OuterReference),
    /// `transform(a, x -> …)` and the other functions taking lambdas
    HigherOrderFunction(HigherOrderFunction),
    /// `(x, y) -> body`, only as an argument of a [`HigherOrderFunction`]
    Lambda(LambdaFunction),
    /// a parameter of an enclosing lambda
    LambdaVariable(LambdaVariable),
}

impl Expr {
    /// `self AS name`
    pub fn alias(self, name: impl Into<String>) -> Expr {
        match self {
            Expr::Alias(a) => Expr::Alias(Alias { expr: a.expr, name: name.into() }),
            other => Expr::Alias(Alias { expr: Box::new(other), name: name.into() }),
        }
    }

    /// The expression without any top-level alias.
    pub fn unalias(&self) -> &Expr {
        match self {
            Expr::Alias(a) => a.expr.unalias(),
            other => other,
        }
    }

    pub fn into_unaliased(self) -> Expr {
        match self {
            Expr::Alias(a) => a.expr.into_unaliased(),
            other => other,
        }
    }

    /// The output column name Spark would give this expression.
    pub fn output_name(&self) -> String {
        match self {
            Expr::Alias(a) => a.name.clone(),
            Expr::Column(c) => c.name.clone(),
            other => other.to_string(),
        }
    }

    pub fn binary(left: Expr, op: Operator, right: Expr) -> Expr {
        Expr::BinaryExpr(BinaryExpr { left: Box::new(left), op, right: Box::new(right) })
    }
    pub fn eq(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::Eq, other)
    }
    pub fn not_eq(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::NotEq, other)
    }
    pub fn gt(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::Gt, other)
    }
    pub fn gt_eq(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::GtEq, other)
    }
    pub fn lt(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::Lt, other)
    }
    pub fn lt_eq(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::LtEq, other)
    }
    pub fn and(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::And, other)
    }
    pub fn or(self, other: Expr) -> Expr {
        Expr::binary(self, Operator::Or, other)
    }
    pub fn is_null(self) -> Expr {
        Expr::IsNull(Box::new(self))
    }
    pub fn is_not_null(self) -> Expr {
        Expr::IsNotNull(Box::new(self))
    }
    pub fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }
    pub fn cast_to(self, data_type: DataType) -> Expr {
        Expr::Cast(Cast { expr: Box::new(self), data_type, try_cast: false, interval_type: None })
    }
    pub fn sort(self, asc: bool, nulls_first: Option<bool>) -> SortExpr {
        SortExpr::new(self, asc, nulls_first)
    }

    /// True if the expression contains an aggregate call.
    pub fn contains_aggregate(&self) -> bool {
        self.exists(|e| matches!(e, Expr::AggregateFunction(_)))
    }

    /// True if the expression contains a window function (`… OVER (…)`).
    pub fn contains_window(&self) -> bool {
        self.exists(|e| matches!(e, Expr::WindowFunction(_)))
    }

    /// True if the expression contains a generator (`explode`).
    pub fn contains_generator(&self) -> bool {
        self.exists(|e| matches!(e, Expr::Generator(_)))
    }

    /// True if the expression contains a subquery (`(SELECT …)`, `IN (SELECT …)`, `EXISTS`).
    pub fn contains_subquery(&self) -> bool {
        self.exists(|e| matches!(e, Expr::ScalarSubquery(_) | Expr::InSubquery(_) | Expr::Exists(_)))
    }

    /// True if the expression reads a column of an enclosing query.
    pub fn contains_outer_reference(&self) -> bool {
        self.exists(|e| matches!(e, Expr::OuterReference(_)))
    }

    /// True if evaluating the expression twice gives the same result.
    pub fn is_deterministic(&self) -> bool {
        !self.exists(|e| matches!(e, Expr::ScalarFunction(f) if !f.func.is_deterministic()))
    }

    /// Every column the expression refers to, in first-seen order, without duplicates.
    pub fn column_refs(&self) -> Vec<Column> {
        let mut out: Vec<Column> = Vec::new();
        let _ = self.apply(|e| {
            if let Expr::Column(c) = e {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
            Ok(TreeNodeRecursion::Continue)
        });
        out
    }

    /// True for a literal (of any type).
    pub fn is_literal(&self) -> bool {
        matches!(self, Expr::Literal(_))
    }
}

/// `a AND b AND c` → `[a, b, c]`
pub fn split_conjunction(expr: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    fn go<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
        match e {
            Expr::BinaryExpr(b) if b.op == Operator::And => {
                go(&b.left, out);
                go(&b.right, out);
            }
            Expr::Alias(a) => go(&a.expr, out),
            other => out.push(other),
        }
    }
    go(expr, &mut out);
    out
}

/// Owned version of [`split_conjunction`].
pub fn split_conjunction_owned(expr: Expr) -> Vec<Expr> {
    let mut out = Vec::new();
    fn go(e: Expr, out: &mut Vec<Expr>) {
        match e {
            Expr::BinaryExpr(b) if b.op == Operator::And => {
                go(*b.left, out);
                go(*b.right, out);
            }
            Expr::Alias(a) => go(*a.expr, out),
            other => out.push(other),
        }
    }
    go(expr, &mut out);
    out
}

/// `[a, b, c]` → `Some(a AND b AND c)`; `None` for an empty list.
pub fn conjunction(exprs: impl IntoIterator<Item = Expr>) -> Option<Expr> {
    exprs.into_iter().reduce(|a, b| a.and(b))
}

/// A column expression.
pub fn col(name: &str) -> Expr {
    match name.split_once('.') {
        Some((q, n)) if !q.is_empty() && !n.is_empty() => Expr::Column(Column::new(Some(q), n)),
        _ => Expr::Column(Column::from_name(name)),
    }
}

/// A literal expression.
pub fn lit(value: impl Into<ScalarValue>) -> Expr {
    Expr::Literal(value.into())
}

fn outer_ref_names(s: &Subquery) -> String {
    s.outer_refs().iter().map(|o| o.column.name.clone()).collect::<Vec<_>>().join(", ")
}

fn join_args(args: &[Expr]) -> String {
    args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column(c) => write!(f, "{}", c.name),
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Alias(a) => write!(f, "{} AS {}", a.expr, a.name),
            Expr::BinaryExpr(b) if matches!(b.op, Operator::DatetimeAdd | Operator::DatetimeSub) => {
                write!(f, "{} {} {}", b.left, b.op, b.right)
            }
            Expr::BinaryExpr(b) => write!(f, "({} {} {})", b.left, b.op, b.right),
            Expr::Not(e) => write!(f, "(NOT {e})"),
            Expr::Negative(e) => write!(f, "(- {e})"),
            Expr::IsNull(e) => write!(f, "({e} IS NULL)"),
            Expr::IsNotNull(e) => write!(f, "({e} IS NOT NULL)"),
            // Spark's Cast.sql: a cast to an array, map or struct shows only its input.
            Expr::Cast(c) if matches!(c.data_type, DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_)) => {
                write!(f, "{}", c.expr)
            }
            Expr::Cast(c) => {
                let kw = if c.try_cast { "TRY_CAST" } else { "CAST" };
                let to = match c.interval_type {
                    Some(t) => t.catalog_string().to_ascii_uppercase(),
                    None => sql_type_name(&c.data_type),
                };
                write!(f, "{kw}({} AS {to})", c.expr)
            }
            Expr::Case(c) => {
                // `CASE x WHEN 1 …` shows as Spark parses it: `CASE WHEN (x = 1) …`.
                write!(f, "CASE")?;
                for (w, t) in &c.when_then {
                    match &c.operand {
                        Some(op) => write!(f, " WHEN ({op} = {w}) THEN {t}")?,
                        None => write!(f, " WHEN {w} THEN {t}")?,
                    }
                }
                if let Some(e) = &c.else_expr {
                    write!(f, " ELSE {e}")?;
                }
                write!(f, " END")
            }
            Expr::InList(i) => {
                if i.negated {
                    write!(f, "(NOT ({} IN ({})))", i.expr, join_args(&i.list))
                } else {
                    write!(f, "({} IN ({}))", i.expr, join_args(&i.list))
                }
            }
            Expr::Like(l) => {
                let body = if l.case_insensitive {
                    format!("ilike({}, {})", l.expr, l.pattern)
                } else {
                    format!("{} LIKE {}", l.expr, l.pattern)
                };
                if l.negated {
                    write!(f, "(NOT {body})")
                } else {
                    write!(f, "{body}")
                }
            }
            Expr::ScalarFunction(s) => {
                let shown: Vec<String> = s.args.iter().map(|a| a.to_string()).collect();
                match s.func.display_call(&shown) {
                    Some(text) => write!(f, "{text}"),
                    // The shown arguments again: rendering them twice doubles the work per level.
                    None => write!(f, "{}({})", s.func.name(), shown.join(", ")),
                }
            }
            Expr::AggregateFunction(a) => {
                let distinct = if a.distinct { "DISTINCT " } else { "" };
                let rendered: Vec<String> = a.args.iter().map(|x| x.to_string()).collect();
                match a.func.display_call(&rendered) {
                    Some(text) if a.distinct => write!(f, "{}", text.replacen('(', "(DISTINCT ", 1))?,
                    Some(text) => write!(f, "{text}")?,
                    None => {
                        let shown = &a.args[..a.func.shown_args(a.args.len()).min(a.args.len())];
                        write!(f, "{}({}{})", a.func.name(), distinct, join_args(shown))?;
                    }
                }
                if let Some(filter) = &a.filter {
                    write!(f, " FILTER (WHERE {filter})")?;
                }
                Ok(())
            }
            Expr::Generator(g) => {
                let name = match (g.kind, g.outer) {
                    (GeneratorKind::Explode, false) => "explode",
                    (GeneratorKind::Explode, true) => "explode_outer",
                    (GeneratorKind::PosExplode, false) => "posexplode",
                    (GeneratorKind::PosExplode, true) => "posexplode_outer",
                    (GeneratorKind::Inline, false) => "inline",
                    (GeneratorKind::Inline, true) => "inline_outer",
                };
                write!(f, "{name}({})", g.arg)
            }
            Expr::WindowFunction(w) => write!(f, "{w}"),
            Expr::Wildcard { qualifier } => match qualifier {
                Some(q) => write!(f, "{q}.*"),
                None => write!(f, "*"),
            },
            Expr::ScalarSubquery(s) => write!(f, "scalarsubquery({})", outer_ref_names(s)),
            Expr::InSubquery(i) => {
                let body = format!("({} IN (listquery({})))", i.expr, outer_ref_names(&i.subquery));
                if i.negated {
                    write!(f, "(NOT {body})")
                } else {
                    write!(f, "{body}")
                }
            }
            Expr::Exists(e) => {
                let body = format!("exists({})", outer_ref_names(&e.subquery));
                if e.negated {
                    write!(f, "(NOT {body})")
                } else {
                    write!(f, "{body}")
                }
            }
            Expr::OuterReference(o) => write!(f, "outer({})", o.column.name),
            Expr::HigherOrderFunction(h) => write!(f, "{}({})", h.kind.name(), join_args(&h.args)),
            Expr::Lambda(l) => write!(f, "{l}"),
            Expr::LambdaVariable(_) => write!(f, "namedlambdavariable()"),
        }
    }
}

impl TreeNode for Expr {
    fn map_children<F: FnMut(Self) -> Result<Transformed<Self>>>(self, mut f: F) -> Result<Transformed<Self>> {
        let mut changed = false;
        let mut map = |e: Expr| -> Result<Expr> {
            let t = f(e)?;
            changed |= t.transformed;
            Ok(t.data)
        };
        let map_box = |b: Box<Expr>, map: &mut dyn FnMut(Expr) -> Result<Expr>| -> Result<Box<Expr>> {
            Ok(Box::new(map(*b)?))
        };
        let out = match self {
            Expr::Column(_)
            | Expr::Literal(_)
            | Expr::Wildcard { .. }
            | Expr::ScalarSubquery(_)
            | Expr::Exists(_)
            | Expr::OuterReference(_)
            | Expr::LambdaVariable(_) => self,
            Expr::InSubquery(i) => Expr::InSubquery(InSubquery { expr: map_box(i.expr, &mut map)?, ..i }),
            Expr::Alias(a) => Expr::Alias(Alias { expr: map_box(a.expr, &mut map)?, name: a.name }),
            Expr::BinaryExpr(b) => {
                let left = map_box(b.left, &mut map)?;
                let right = map_box(b.right, &mut map)?;
                Expr::BinaryExpr(BinaryExpr { left, op: b.op, right })
            }
            Expr::Not(e) => Expr::Not(map_box(e, &mut map)?),
            Expr::Negative(e) => Expr::Negative(map_box(e, &mut map)?),
            Expr::IsNull(e) => Expr::IsNull(map_box(e, &mut map)?),
            Expr::IsNotNull(e) => Expr::IsNotNull(map_box(e, &mut map)?),
            Expr::Cast(c) => Expr::Cast(Cast { expr: map_box(c.expr, &mut map)?, ..c }),
            Expr::Case(c) => {
                let operand = c.operand.map(|o| map_box(o, &mut map)).transpose()?;
                let when_then = c
                    .when_then
                    .into_iter()
                    .map(|(w, t)| Ok((map(w)?, map(t)?)))
                    .collect::<Result<Vec<_>>>()?;
                let else_expr = c.else_expr.map(|e| map_box(e, &mut map)).transpose()?;
                Expr::Case(Case { operand, when_then, else_expr })
            }
            Expr::InList(i) => {
                let expr = map_box(i.expr, &mut map)?;
                let list = i.list.into_iter().map(&mut map).collect::<Result<Vec<_>>>()?;
                Expr::InList(InList { expr, list, negated: i.negated })
            }
            Expr::Like(l) => {
                let expr = map_box(l.expr, &mut map)?;
                let pattern = map_box(l.pattern, &mut map)?;
                Expr::Like(Like { expr, pattern, ..l })
            }
            Expr::ScalarFunction(s) => {
                let args = s.args.into_iter().map(&mut map).collect::<Result<Vec<_>>>()?;
                Expr::ScalarFunction(ScalarFunction { func: s.func, args })
            }
            Expr::AggregateFunction(a) => {
                let args = a.args.into_iter().map(&mut map).collect::<Result<Vec<_>>>()?;
                let filter = a.filter.map(|e| map_box(e, &mut map)).transpose()?;
                Expr::AggregateFunction(AggregateFunction { func: a.func, args, distinct: a.distinct, filter })
            }
            Expr::Generator(g) => Expr::Generator(Generator { arg: map_box(g.arg, &mut map)?, ..g }),
            Expr::HigherOrderFunction(h) => {
                let args = h.args.into_iter().map(&mut map).collect::<Result<Vec<_>>>()?;
                Expr::HigherOrderFunction(HigherOrderFunction { kind: h.kind, args })
            }
            Expr::Lambda(l) => Expr::Lambda(LambdaFunction { params: l.params, body: map_box(l.body, &mut map)? }),
            Expr::WindowFunction(w) => {
                let args = w.args.into_iter().map(&mut map).collect::<Result<Vec<_>>>()?;
                let partition_by = w.partition_by.into_iter().map(&mut map).collect::<Result<Vec<_>>>()?;
                let order_by = w
                    .order_by
                    .into_iter()
                    .map(|o| Ok(SortExpr { expr: map(o.expr)?, ..o }))
                    .collect::<Result<Vec<_>>>()?;
                Expr::WindowFunction(WindowFunction { args, partition_by, order_by, ..w })
            }
        };
        Ok(Transformed::new(out, changed))
    }

    fn apply_children<'a, F: FnMut(&'a Self) -> Result<TreeNodeRecursion>>(&'a self, mut f: F) -> Result<TreeNodeRecursion> {
        let children: Vec<&'a Expr> = match self {
            Expr::Column(_)
            | Expr::Literal(_)
            | Expr::Wildcard { .. }
            | Expr::ScalarSubquery(_)
            | Expr::Exists(_)
            | Expr::OuterReference(_)
            | Expr::LambdaVariable(_) => vec![],
            Expr::InSubquery(i) => vec![&i.expr],
            Expr::Alias(a) => vec![&a.expr],
            Expr::BinaryExpr(b) => vec![&b.left, &b.right],
            Expr::Not(e) | Expr::Negative(e) | Expr::IsNull(e) | Expr::IsNotNull(e) => vec![e],
            Expr::Cast(c) => vec![&c.expr],
            Expr::Case(c) => {
                let mut v: Vec<&Expr> = Vec::new();
                if let Some(o) = &c.operand {
                    v.push(o);
                }
                for (w, t) in &c.when_then {
                    v.push(w);
                    v.push(t);
                }
                if let Some(e) = &c.else_expr {
                    v.push(e);
                }
                v
            }
            Expr::InList(i) => std::iter::once(i.expr.as_ref()).chain(i.list.iter()).collect(),
            Expr::Like(l) => vec![&l.expr, &l.pattern],
            Expr::ScalarFunction(s) => s.args.iter().collect(),
            Expr::AggregateFunction(a) => a.args.iter().chain(a.filter.as_deref()).collect(),
            Expr::Generator(g) => vec![&g.arg],
            Expr::HigherOrderFunction(h) => h.args.iter().collect(),
            Expr::Lambda(l) => vec![&l.body],
            Expr::WindowFunction(w) => w.args.iter().chain(&w.partition_by).chain(w.order_by.iter().map(|o| &o.expr)).collect(),
        };
        for c in children {
            if f(c)? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_style_names() {
        let e = col("a").gt(lit(1)).and(col("t.b").is_null());
        assert_eq!(e.to_string(), "((a > 1) AND (b IS NULL))");
        assert_eq!(col("x").cast_to(DataType::Int64).to_string(), "CAST(x AS BIGINT)");
        assert_eq!(col("x").alias("y").output_name(), "y");
    }

    #[test]
    fn splits_and_rebuilds_conjunctions() {
        let e = col("a").eq(lit(1)).and(col("b").eq(lit(2))).and(col("c").eq(lit(3)));
        let parts = split_conjunction(&e);
        assert_eq!(parts.len(), 3);
        let rebuilt = conjunction(parts.into_iter().cloned()).unwrap();
        assert_eq!(rebuilt, e);
        assert_eq!(e.column_refs().len(), 3);
    }
}
