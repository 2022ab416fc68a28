//! `PIVOT` and `UNPIVOT` as Spark's analyzer writes them: a pivot is one `Aggregate`
//! whose aggregate calls are filtered by `pivot <=> value`, an unpivot an `Expand` with
//! one projection per unpivoted column (group), NULL rows filtered out unless asked.

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::{Error, Result, Transformed, TreeNode};

use crate::builder::{AggregatePlanner, LogicalPlanBuilder};
use crate::coercion::common_type_without_string_promotion;
use crate::expr::{Case, Column, Expr};
use crate::operator::Operator;
use crate::{Expand, LogicalPlan};

/// One pivot value: the literal (cast to the pivot column's type) and the name its
/// columns get (the alias, or the value as a string).
#[derive(Debug, Clone)]
pub struct PivotValue {
    pub value: Expr,
    pub name: String,
}

/// One aggregate of a pivot and the suffix of its columns when there are several
/// (the alias, or the expression's Spark name).
#[derive(Debug, Clone)]
pub struct PivotAggregate {
    pub expr: Expr,
    pub name: String,
}

/// One unpivoted entry: its value columns and the name written to the name column.
#[derive(Debug, Clone)]
pub struct UnpivotValue {
    pub exprs: Vec<Expr>,
    pub name: String,
}

/// The types Spark's `PivotFirst` handles: with only these, a value absent from a group
/// gives NULL for every aggregate (Spark aggregates by value first); otherwise each
/// aggregate only sees the value's rows (so `count` gives 0).
fn pivot_first_type(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal128(_, _)
    )
}

/// `agg FILTER (WHERE cond)` for every aggregate call in `e` (anded with its own filter).
fn filter_aggregates(e: Expr, cond: &Expr) -> Result<Expr> {
    Ok(e.transform_down(|n| match n {
        Expr::AggregateFunction(mut f) => {
            let filter = match f.filter.take() {
                Some(old) => old.and(cond.clone()),
                None => cond.clone(),
            };
            f.filter = Some(Box::new(filter));
            Ok(Transformed::yes(Expr::AggregateFunction(f)))
        }
        other => Ok(Transformed::no(other)),
    })?
    .data)
}

/// The first column of `e` read outside any aggregate call.
fn unaggregated_column(e: &Expr) -> Option<Column> {
    match e {
        Expr::AggregateFunction(_) => None,
        Expr::Column(c) => Some(c.clone()),
        other => {
            let mut found = None;
            let _ = other.apply_children(|c| {
                found = unaggregated_column(c);
                Ok(if found.is_some() { ember_common::TreeNodeRecursion::Stop } else { ember_common::TreeNodeRecursion::Continue })
            });
            found
        }
    }
}

impl LogicalPlanBuilder {
    /// `PIVOT (aggs FOR pivot IN (values))`. `group` is `None` in SQL: the input columns
    /// read neither by the aggregates nor by the pivot column. `count_rows` is a
    /// `count(1)` call, used to tell absent values apart.
    pub fn pivot(
        self,
        group: Option<Vec<Expr>>,
        pivot: Expr,
        values: &[PivotValue],
        aggs: &[PivotAggregate],
        count_rows: Expr,
    ) -> Result<Self> {
        let schema = self.schema().clone();
        for a in aggs {
            if let Some(c) = unaggregated_column(&a.expr) {
                let sql = match schema.index_of(&c) {
                    Ok(i) => schema.field(i).qualified_name(),
                    Err(_) => c.name.clone(),
                };
                return Err(Error::spark("_LEGACY_ERROR_TEMP_1006", &[("sql", &sql)]));
            }
        }
        let group = match group {
            Some(g) => g,
            None => {
                let mut used: Vec<Column> = pivot.column_refs();
                for a in aggs {
                    used.extend(a.expr.column_refs());
                }
                let used: Vec<usize> = used.iter().filter_map(|c| schema.index_of(c).ok()).collect();
                (0..schema.len()).filter(|i| !used.contains(i)).map(|i| Expr::Column(schema.field(i).column())).collect()
            }
        };
        let mut absent_is_null = true;
        for a in aggs {
            absent_is_null &= pivot_first_type(&a.expr.data_type(&schema)?);
        }
        let single = aggs.len() == 1;
        let mut select = group.clone();
        for v in values {
            let cond = Expr::binary(pivot.clone(), Operator::NullSafeEq, v.value.clone());
            let present = filter_aggregates(count_rows.clone(), &cond)?.gt(crate::lit(0i64));
            for a in aggs {
                let mut e = filter_aggregates(a.expr.clone().into_unaliased(), &cond)?;
                if absent_is_null {
                    e = Expr::Case(Case { operand: None, when_then: vec![(present.clone(), e)], else_expr: None });
                }
                let name = if single { v.name.clone() } else { format!("{}_{}", v.name, a.name) };
                select.push(e.alias(name));
            }
        }
        let planner = AggregatePlanner::new(self.plan().clone(), group, &select, &[])?;
        let out = planner.rewrite_all(&select)?;
        LogicalPlanBuilder::from_arc(planner.plan).project(out)
    }

    /// `UNPIVOT [INCLUDE NULLS] ((v1, …) FOR name IN (…))`: the `ids` columns (`None`:
    /// the input columns not unpivoted), the name column, then the value columns, whose
    /// types are the least common type of each position.
    pub fn unpivot(
        self,
        ids: Option<Vec<Expr>>,
        values: &[UnpivotValue],
        name_column: &str,
        value_columns: &[String],
        include_nulls: bool,
    ) -> Result<Self> {
        let schema = self.schema().clone();
        let width = value_columns.len();
        if values.is_empty() {
            return Err(Error::spark("UNPIVOT_REQUIRES_VALUE_COLUMNS", &[]));
        }
        for v in values {
            if v.exprs.len() != width {
                return Err(Error::spark("UNPIVOT_VALUE_SIZE_MISMATCH", &[("names", &width.to_string())]));
            }
        }
        let ids = match ids {
            Some(i) => i,
            None => {
                let used: Vec<usize> =
                    values.iter().flat_map(|v| v.exprs.iter().flat_map(|e| e.column_refs())).filter_map(|c| schema.index_of(&c).ok()).collect();
                (0..schema.len()).filter(|i| !used.contains(i)).map(|i| Expr::Column(schema.field(i).column())).collect()
            }
        };
        let mut types = Vec::with_capacity(width);
        for pos in 0..width {
            let col_types = values.iter().map(|v| v.exprs[pos].data_type(&schema)).collect::<Result<Vec<_>>>()?;
            let common = col_types.iter().skip(1).try_fold(col_types[0].clone(), |acc, t| common_type_without_string_promotion(&acc, t));
            match common {
                Some(t) => types.push(t),
                None => return Err(type_mismatch(values, pos, &col_types)),
            }
        }
        let mut names: Vec<(Option<Arc<str>>, String)> = Vec::with_capacity(ids.len() + 1 + width);
        for id in &ids {
            match id {
                Expr::Column(c) => {
                    let f = schema.field(schema.index_of(c)?);
                    names.push((f.qualifier.clone(), f.name().to_string()));
                }
                other => names.push((None, other.output_name())),
            }
        }
        names.push((None, name_column.to_string()));
        names.extend(value_columns.iter().map(|n| (None, n.clone())));
        let projections: Vec<Vec<Expr>> = values
            .iter()
            .map(|v| {
                let mut p: Vec<Expr> = ids.iter().map(|i| i.clone().into_unaliased()).collect();
                p.push(crate::lit(v.name.as_str()));
                for (e, t) in v.exprs.iter().zip(&types) {
                    let e = e.clone().into_unaliased();
                    p.push(if e.data_type(&schema)? == *t { e } else { e.cast_to(t.clone()) });
                }
                Ok(p)
            })
            .collect::<Result<_>>()?;
        let expand = LogicalPlanBuilder::from(LogicalPlan::Expand(Expand::try_new(self.plan().clone(), projections, names)?));
        if include_nulls {
            return Ok(expand);
        }
        let keep = value_columns.iter().map(|n| Expr::Column(Column::from_name(n.as_str())).is_not_null()).reduce(|a, b| a.or(b));
        match keep {
            Some(k) => expand.filter(k),
            None => Ok(expand),
        }
    }
}

/// UNPIVOT_VALUE_DATA_TYPE_MISMATCH: the types at `pos`, each with its columns, by type name.
fn type_mismatch(values: &[UnpivotValue], pos: usize, types: &[DataType]) -> Error {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (v, t) in values.iter().zip(types) {
        let tn = ember_common::types::sql_type_name(t);
        let cn = format!("`{}`", v.exprs[pos].output_name());
        match groups.iter_mut().find(|g| g.0 == tn) {
            Some(g) => g.1.push(cn),
            None => groups.push((tn, vec![cn])),
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    for g in &mut groups {
        g.1.sort();
    }
    let text = groups.iter().map(|(t, cs)| format!("\"{t}\" ({})", cs.join(", "))).collect::<Vec<_>>().join(", ");
    Error::spark("UNPIVOT_VALUE_DATA_TYPE_MISMATCH", &[("types", &text)])
}
