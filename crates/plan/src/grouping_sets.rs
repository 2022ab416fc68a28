//! GROUPING SETS, ROLLUP and CUBE (Spark's `ResolveGroupingAnalytics`): the input goes
//! through an [`Expand`] that makes one copy of each row per grouping set, with the
//! grouping expressions not in the set nulled out, plus `spark_grouping_id`; an
//! `Aggregate` then groups by the copies and the id. `grouping(x)` and
//! `grouping_id(…)` become grouping columns whose value each copy carries as a
//! constant.
//!
//! ```text
//! SELECT a, b, sum(c) FROM t GROUP BY ROLLUP(a, b)
//!   Aggregate [_gen_grouping_0 AS a, _gen_grouping_1 AS b, spark_grouping_id], [sum(c)]
//!   +- Expand [[a, b, c, a, b, 0], [a, b, c, a, NULL, 1], [a, b, c, NULL, NULL, 3]],
//!             [a, b, c, _gen_grouping_0, _gen_grouping_1, spark_grouping_id]
//! ```

use std::sync::Arc;

use ember_common::{Error, ErrorKind, Result, TreeNode, TreeNodeRecursion};

use crate::builder::{collect_aggregates, name_expr, AggregatePlanner};
use crate::expand::{Expand, GROUPING_ID_COLUMN, GROUPING_POS_COLUMN};
use crate::expr::{Column, Expr};
use crate::logical_plan::{Aggregate, LogicalPlan};
use crate::scalar::ScalarValue;

/// The grouping expressions (each once, in order of first appearance) and the sets,
/// as indices into them.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupingSets {
    pub exprs: Vec<Expr>,
    pub sets: Vec<Vec<usize>>,
}

/// One GROUP BY item: the list of sets it stands for (a plain expression is `[[e]]`).
pub type GroupingItem = Vec<Vec<Expr>>;

impl GroupingSets {
    /// `GROUP BY item1, item2, …`: the cartesian product of the items' sets (Spark 3.2+).
    pub fn from_items(items: Vec<GroupingItem>) -> Self {
        let mut product: Vec<Vec<Expr>> = vec![vec![]];
        for item in items {
            let mut next = Vec::with_capacity(product.len() * item.len());
            for prefix in &product {
                for set in &item {
                    let mut s = prefix.clone();
                    s.extend(set.iter().cloned());
                    next.push(s);
                }
            }
            product = next;
        }
        let mut exprs: Vec<Expr> = Vec::new();
        let sets = product
            .into_iter()
            .map(|set| {
                let mut idx: Vec<usize> = Vec::new();
                for e in set {
                    let e = e.into_unaliased();
                    let i = match exprs.iter().position(|x| x == &e) {
                        Some(i) => i,
                        None => {
                            exprs.push(e);
                            exprs.len() - 1
                        }
                    };
                    if !idx.contains(&i) {
                        idx.push(i);
                    }
                }
                idx
            })
            .collect();
        GroupingSets { exprs, sets }
    }
}

/// `ROLLUP(e1, …, en)`: the sets `(e1..en), (e1..en-1), …, ()`; each element may be a
/// list of expressions (`ROLLUP((a, b), c)`).
pub fn rollup(elements: Vec<Vec<Expr>>) -> GroupingItem {
    (0..=elements.len()).rev().map(|n| elements[..n].concat()).collect()
}

/// `CUBE(e1, …, en)`: every subset, in Spark's order (`(a, b), (a), (b), ()`).
pub fn cube(elements: Vec<Vec<Expr>>) -> GroupingItem {
    match elements.split_first() {
        None => vec![vec![]],
        Some((first, rest)) => {
            let tail = cube(rest.to_vec());
            let mut out: Vec<Vec<Expr>> = tail.iter().map(|t| [first.clone(), t.clone()].concat()).collect();
            out.extend(tail);
            out
        }
    }
}

/// True for `grouping(x)` and `grouping_id(…)` calls.
pub fn is_grouping_call(e: &Expr) -> bool {
    matches!(e, Expr::AggregateFunction(f) if matches!(f.func.name(), "grouping" | "grouping_id"))
}

/// Error for `grouping()` / `grouping_id()` outside GROUPING SETS, ROLLUP and CUBE.
pub fn grouping_without_sets() -> Error {
    Error::new(ErrorKind::Other {
        class: "UNSUPPORTED_GROUPING_EXPRESSION".into(),
        sqlstate: Some("42K0E".into()),
        message: "grouping()/grouping_id() can only be used with GroupingSets/Cube/Rollup.".into(),
    })
}

/// Plans the Expand and the Aggregate for `gs` over `input`; `exprs` and `extra` are
/// the expressions evaluated above it (select list; HAVING and ORDER BY). Use the
/// returned planner's `rewrite` for them.
pub fn plan_grouping_sets(input: Arc<LogicalPlan>, gs: GroupingSets, exprs: &[Expr], extra: &[Expr]) -> Result<AggregatePlanner> {
    let GroupingSets { exprs: groups, sets } = gs;
    let k = groups.len();
    if k > 63 {
        return Err(Error::new(ErrorKind::Other {
            class: "GROUPING_SIZE_LIMIT_EXCEEDED".into(),
            sqlstate: Some("54000".into()),
            message: "Grouping sets size cannot be greater than 64.".into(),
        }));
    }
    let mut calls: Vec<Expr> = Vec::new();
    for e in exprs.iter().chain(extra) {
        collect_aggregates(e, &mut calls);
    }
    let (grouping_calls, aggr_calls): (Vec<Expr>, Vec<Expr>) = calls.into_iter().partition(is_grouping_call);
    // Each grouping call as the bits (positions into `groups`) it reads.
    let mut call_bits: Vec<Vec<usize>> = Vec::with_capacity(grouping_calls.len());
    for c in &grouping_calls {
        call_bits.push(grouping_call_bits(c, &groups)?);
    }
    let in_schema = input.schema().clone();
    let gid_of = |set: &[usize], bits: &[usize]| -> i64 { bits.iter().fold(0i64, |acc, b| (acc << 1) | i64::from(!set.contains(b))) };
    let all_bits: Vec<usize> = (0..k).collect();
    let duplicates = sets.iter().enumerate().any(|(i, s)| sets[..i].iter().any(|t| same_set(s, t)));
    let mut projections = Vec::with_capacity(sets.len());
    for (pos, set) in sets.iter().enumerate() {
        let mut row: Vec<Expr> = in_schema.columns().into_iter().map(Expr::Column).collect();
        for (j, g) in groups.iter().enumerate() {
            row.push(if set.contains(&j) { g.clone() } else { Expr::Literal(ScalarValue::Null).cast_to(g.data_type(&in_schema)?) });
        }
        row.push(Expr::Literal(ScalarValue::Int64(Some(gid_of(set, &all_bits)))));
        for (c, bits) in grouping_calls.iter().zip(&call_bits) {
            let v = gid_of(set, bits);
            row.push(Expr::Literal(if is_grouping(c) { ScalarValue::Int8(Some(v as i8)) } else { ScalarValue::Int64(Some(v)) }));
        }
        if duplicates {
            row.push(Expr::Literal(ScalarValue::Int32(Some(pos as i32))));
        }
        projections.push(row);
    }
    let mut names: Vec<(Option<Arc<str>>, String)> = in_schema.fields().iter().map(|f| (f.qualifier.clone(), f.name().to_string())).collect();
    names.extend((0..k).map(|j| (None, format!("_gen_grouping_{j}"))));
    names.push((None, GROUPING_ID_COLUMN.to_string()));
    names.extend(grouping_calls.iter().map(|c| (None, c.to_string())));
    if duplicates {
        names.push((None, GROUPING_POS_COLUMN.to_string()));
    }
    let expand = Arc::new(LogicalPlan::Expand(Expand::try_new(input, projections, names)?));

    let mut agg_groups: Vec<Expr> = groups
        .iter()
        .enumerate()
        .map(|(j, g)| Expr::Column(Column::from_name(format!("_gen_grouping_{j}"))).alias(name_expr(g.clone()).output_name()))
        .collect();
    let mut match_exprs: Vec<Expr> = groups.clone();
    for c in &grouping_calls {
        agg_groups.push(Expr::Column(Column::from_name(c.to_string())));
        match_exprs.push(c.clone());
    }
    for hidden in [Some(GROUPING_ID_COLUMN), duplicates.then_some(GROUPING_POS_COLUMN)].into_iter().flatten() {
        agg_groups.push(Expr::Column(Column::from_name(hidden)));
        match_exprs.push(Expr::Column(Column::from_name(hidden)));
    }
    let named_aggs = crate::builder::name_aggregate_calls(&aggr_calls);
    let agg = Aggregate::try_new(expand, agg_groups, named_aggs)?;
    let global = groups.is_empty();
    Ok(AggregatePlanner::from_parts(Arc::new(LogicalPlan::Aggregate(agg)), match_exprs, aggr_calls, global))
}

fn is_grouping(call: &Expr) -> bool {
    matches!(call, Expr::AggregateFunction(f) if f.func.name() == "grouping")
}

fn same_set(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// The grouping expressions a `grouping(x)` / `grouping_id(…)` call reads, as positions.
fn grouping_call_bits(call: &Expr, groups: &[Expr]) -> Result<Vec<usize>> {
    let Expr::AggregateFunction(f) = call else {
        return Err(Error::internal(format!("grouping call expected, found {call}")));
    };
    let listed = || groups.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(", ");
    let find = |a: &Expr| groups.iter().position(|g| g == a.unalias() || same_column(g, a.unalias()));
    if f.func.name() == "grouping" {
        let arg = f.args.first().ok_or_else(|| Error::internal("grouping() without an argument"))?;
        return match find(arg) {
            Some(i) => Ok(vec![i]),
            None => Err(Error::new(ErrorKind::Other {
                class: "GROUPING_COLUMN_MISMATCH".into(),
                sqlstate: Some("42803".into()),
                message: format!("Column of grouping ({arg}) can't be found in grouping columns {}.", listed()),
            })),
        };
    }
    if f.args.is_empty() {
        return Ok((0..groups.len()).collect());
    }
    let bits: Vec<Option<usize>> = f.args.iter().map(find).collect();
    if bits.len() == groups.len() && bits.iter().enumerate().all(|(i, b)| *b == Some(i)) {
        return Ok((0..groups.len()).collect());
    }
    let args = f.args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
    Err(Error::new(ErrorKind::Other {
        class: "GROUPING_ID_COLUMN_MISMATCH".into(),
        sqlstate: Some("42803".into()),
        message: format!("Columns of grouping_id ({args}) does not match grouping columns ({}).", listed()),
    }))
}

fn same_column(group: &Expr, e: &Expr) -> bool {
    match (group, e) {
        (Expr::Column(a), Expr::Column(b)) => {
            a.name.eq_ignore_ascii_case(&b.name) && (a.relation.is_none() || b.relation.is_none() || a.relation == b.relation)
        }
        _ => false,
    }
}

/// True if `plan`'s expressions contain a `grouping()` / `grouping_id()` call.
pub fn contains_grouping_call(exprs: &[Expr]) -> bool {
    let mut found = false;
    for e in exprs {
        let _ = e.apply(|n| {
            if is_grouping_call(n) {
                found = true;
                return Ok(TreeNodeRecursion::Stop);
            }
            Ok(TreeNodeRecursion::Continue)
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::col;

    #[test]
    fn rollup_cube_and_products() {
        let show = |item: GroupingItem| {
            item.iter().map(|s| format!("({})", s.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(","))).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(show(rollup(vec![vec![col("a")], vec![col("b")]])), "(a,b) (a) ()");
        assert_eq!(show(cube(vec![vec![col("a")], vec![col("b")]])), "(a,b) (a) (b) ()");
        let gs = GroupingSets::from_items(vec![vec![vec![col("a")]], rollup(vec![vec![col("b"), col("c")]])]);
        assert_eq!(gs.exprs.len(), 3);
        assert_eq!(gs.sets, vec![vec![0, 1, 2], vec![0]]);
    }
}
