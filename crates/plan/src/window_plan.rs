//! The `Window` plan node (window functions sharing one PARTITION BY / ORDER BY,
//! appended to the input's columns) and the builder step that pulls window
//! expressions out of a select list into a stack of `Window` nodes, one per distinct
//! partitioning and ordering (Spark's `ExtractWindowExpressions`).

use std::sync::Arc;

use ember_common::{Error, Result, Transformed, TreeNode, TreeNodeRecursion};

use crate::expr::{Column, Expr, SortExpr};
use crate::logical_plan::{LogicalPlan, Projection, Sort};
use crate::schema::{PlanField, PlanSchema};
use crate::window::WindowFunction;

/// Computes window functions over its input. Output: the input columns, then one
/// column per window expression. All expressions share partition and order keys;
/// frames may differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub input: Arc<LogicalPlan>,
    /// `WindowFunction AS name`
    pub window_exprs: Vec<Expr>,
    pub schema: PlanSchema,
}

impl Window {
    pub fn try_new(window_exprs: Vec<Expr>, input: Arc<LogicalPlan>) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields: Vec<PlanField> = in_schema.fields().to_vec();
        let mut first: Option<&WindowFunction> = None;
        for e in &window_exprs {
            let Expr::WindowFunction(w) = e.unalias() else {
                return Err(Error::internal(format!("window expression expected, found {e}")));
            };
            match first {
                Some(f) if !f.same_partitioning(w) => {
                    return Err(Error::internal(format!("window expressions with different partitioning in one Window node: {e}")))
                }
                None => first = Some(w),
                _ => {}
            }
            fields.push(PlanField::new(None, e.to_field(in_schema)?));
        }
        if first.is_none() {
            return Err(Error::internal("a Window node needs at least one window expression"));
        }
        Ok(Window { input, window_exprs, schema: PlanSchema::new(fields) })
    }

    /// The window functions, without their aliases.
    pub fn functions(&self) -> impl Iterator<Item = &WindowFunction> {
        self.window_exprs.iter().filter_map(|e| match e.unalias() {
            Expr::WindowFunction(w) => Some(w),
            _ => None,
        })
    }

    /// The shared PARTITION BY keys.
    pub fn partition_by(&self) -> &[Expr] {
        self.functions().next().map(|w| w.partition_by.as_slice()).unwrap_or(&[])
    }

    /// The shared ORDER BY keys.
    pub fn order_by(&self) -> &[SortExpr] {
        self.functions().next().map(|w| w.order_by.as_slice()).unwrap_or(&[])
    }
}

/// Moves the window functions of `exprs` into `Window` nodes over `input` (one per
/// distinct PARTITION BY + ORDER BY, in order of first appearance) and rewrites
/// `exprs` to read their output columns.
pub fn extract_windows(input: Arc<LogicalPlan>, exprs: Vec<Expr>) -> Result<(Arc<LogicalPlan>, Vec<Expr>)> {
    let mut calls: Vec<WindowFunction> = Vec::new();
    for e in &exprs {
        collect_windows(e, &mut calls)?;
    }
    if calls.is_empty() {
        return Ok((input, exprs));
    }
    // Unique output names: Spark's name, suffixed when it is already taken.
    let mut taken: Vec<String> = input.schema().fields().iter().map(|f| f.name().to_ascii_lowercase()).collect();
    let mut names = Vec::with_capacity(calls.len());
    for w in &calls {
        let base = w.to_string();
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name.to_ascii_lowercase()) {
            name = format!("{base}#{n}");
            n += 1;
        }
        taken.push(name.to_ascii_lowercase());
        names.push(name);
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, w) in calls.iter().enumerate() {
        match groups.iter_mut().find(|g| calls[g[0]].same_partitioning(w)) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    let mut plan = input;
    for g in groups {
        let window_exprs = g.iter().map(|&i| Expr::WindowFunction(calls[i].clone()).alias(names[i].clone())).collect();
        plan = Arc::new(LogicalPlan::Window(Window::try_new(window_exprs, plan)?));
    }
    let rewritten = exprs
        .into_iter()
        .map(|e| {
            e.transform_down(|x| match &x {
                Expr::WindowFunction(w) => match calls.iter().position(|c| c == w) {
                    Some(i) => Ok(Transformed::yes(Expr::Column(Column::from_name(names[i].clone())))),
                    None => Ok(Transformed::no(x)),
                },
                _ => Ok(Transformed::no(x)),
            })
            .map(|t| t.data)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((plan, rewritten))
}

/// `ORDER BY` keys holding window functions: they are computed by `Window` nodes
/// below the `Sort`, and a projection above drops them again.
pub fn sort_with_windows(input: Arc<LogicalPlan>, exprs: Vec<SortExpr>) -> Result<LogicalPlan> {
    let columns: Vec<Expr> = input.schema().columns().into_iter().map(Expr::Column).collect();
    let keys = exprs.iter().map(|s| s.expr.clone()).collect();
    let (windowed, keys) = extract_windows(input, keys)?;
    let sort_exprs = exprs.into_iter().zip(keys).map(|(s, expr)| SortExpr { expr, ..s }).collect();
    let sort = LogicalPlan::Sort(Sort::try_new(sort_exprs, windowed, None)?);
    Ok(LogicalPlan::Projection(Projection::try_new(columns, Arc::new(sort))?))
}

/// Collects distinct window calls in `e`; a window function inside another one's
/// arguments or spec is not supported.
fn collect_windows(e: &Expr, out: &mut Vec<WindowFunction>) -> Result<()> {
    let mut nested = None;
    e.apply(|n| {
        if let Expr::WindowFunction(w) = n {
            let inner = w.args.iter().chain(&w.partition_by).chain(w.order_by.iter().map(|o| &o.expr)).any(|a| a.contains_window());
            if inner {
                nested = Some(n.to_string());
                return Ok(TreeNodeRecursion::Stop);
            }
            if !out.contains(w) {
                out.push(w.clone());
            }
            return Ok(TreeNodeRecursion::Jump);
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    match nested {
        Some(n) => Err(Error::new(ember_common::ErrorKind::Other {
            class: "UNSUPPORTED_FEATURE.NESTED_WINDOW_FUNCTION".into(),
            sqlstate: Some("0A000".into()),
            message: format!(
                "The feature is not supported: a window function inside another window function: {n}. Compute the inner one in a subquery."
            ),
        })),
        None => Ok(()),
    }
}
