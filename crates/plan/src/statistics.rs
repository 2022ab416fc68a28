//! Size estimates of logical plans, for join ordering and broadcast decisions: row
//! counts from the sources (Parquet footers, file sizes, in-memory tables) scaled by
//! rough selectivities, as Spark's size-only statistics plus simple filter estimates.
//! Estimates are guesses: they pick plans, never results.

use arrow::datatypes::DataType;

use crate::expr::{split_conjunction, Expr};
use crate::logical_plan::{JoinType, LogicalPlan};
use crate::operator::Operator;
use crate::schema::PlanSchema;

/// Estimated number of output rows; `None` when a source gives no hint.
pub fn estimate_rows(plan: &LogicalPlan) -> Option<f64> {
    Some(match plan {
        LogicalPlan::TableScan(t) => {
            let rows = match t.source.estimated_rows() {
                Some(r) => r as f64,
                None => {
                    let bytes = t.source.estimated_size_bytes()? as f64;
                    let full = PlanSchema::from_arrow(None, &t.source.schema());
                    bytes / row_width(&full).max(1.0)
                }
            };
            let rows = t.filters.iter().fold(rows, |r, f| r * selectivity(f));
            match t.fetch {
                Some(n) => rows.min(n as f64),
                None => rows,
            }
        }
        LogicalPlan::Filter(f) => match f.input.as_ref() {
            // Conjuncts also pushed into the scan below are counted there once.
            LogicalPlan::TableScan(t) => crate::expr::split_conjunction(&f.predicate)
                .into_iter()
                .filter(|c| !t.filters.contains(c))
                .fold(estimate_rows(&f.input)?, |r, c| r * selectivity(c)),
            _ => estimate_rows(&f.input)? * selectivity(&f.predicate),
        },
        LogicalPlan::Projection(p) => estimate_rows(&p.input)?,
        LogicalPlan::SubqueryAlias(s) => estimate_rows(&s.input)?,
        LogicalPlan::Sort(s) => {
            let r = estimate_rows(&s.input)?;
            s.fetch.map_or(r, |n| r.min(n as f64))
        }
        LogicalPlan::Limit(l) => {
            let r = (estimate_rows(&l.input)? - l.skip as f64).max(0.0);
            l.fetch.map_or(r, |n| r.min(n as f64))
        }
        LogicalPlan::Aggregate(a) if a.group_exprs.is_empty() => 1.0,
        LogicalPlan::Aggregate(a) => (estimate_rows(&a.input)? * 0.1).max(1.0),
        LogicalPlan::Distinct(d) => estimate_rows(&d.input)? * 0.5,
        LogicalPlan::Join(j) => {
            let (l, r) = (estimate_rows(&j.left)?, estimate_rows(&j.right)?);
            let equi = j.condition.as_ref().is_some_and(has_equality);
            match j.join_type {
                // At most one row per left row, and (keys being mostly unique on the
                // right) not many more than the right side's rows.
                JoinType::LeftSemi if equi => l.min(r),
                JoinType::LeftSemi | JoinType::LeftAnti => l,
                JoinType::Cross => l * r,
                JoinType::Inner if !equi => l * r * 0.5,
                JoinType::Inner => l.max(r),
                JoinType::LeftOuter => l.max(r).max(l),
                JoinType::LeftSingle | JoinType::LeftExistence => l,
                JoinType::RightOuter => l.max(r).max(r),
                JoinType::FullOuter => l + r,
            }
        }
        LogicalPlan::Union(u) => u.inputs.iter().map(|i| estimate_rows(i)).sum::<Option<f64>>()?,
        LogicalPlan::Values(v) => v.rows.len() as f64,
        LogicalPlan::EmptyRelation(e) => {
            if e.produce_one_row {
                1.0
            } else {
                0.0
            }
        }
        LogicalPlan::Generate(g) => estimate_rows(&g.input)? * 2.0,
        LogicalPlan::Sample(s) => {
            let share = match &s.method {
                crate::sample::SampleMethod::Bernoulli { lower, upper } => upper - lower,
                crate::sample::SampleMethod::Poisson { fraction } => *fraction,
                crate::sample::SampleMethod::Stratified { fractions, .. } => fractions.iter().map(|(_, f)| *f).fold(0.0, f64::max),
            };
            estimate_rows(&s.input)? * share
        }
        #[allow(unreachable_patterns)]
        other => other.inputs().first().and_then(|i| estimate_rows(i))?,
    })
}

/// Estimated output size in bytes: rows times the width of the output row.
/// An upper bound on the distinct values of column `idx` of `plan`: the range of the
/// integer column it reads, from the source's metadata (`None`: unknown).
pub fn distinct_bound(plan: &LogicalPlan, idx: usize) -> Option<f64> {
    let column_of = |e: &Expr, input: &LogicalPlan| match e.unalias() {
        Expr::Column(c) => input.schema().find(c),
        _ => None,
    };
    match plan {
        LogicalPlan::TableScan(t) => {
            let (lo, hi) = t.source.int_column_range(plan.schema().fields().get(idx)?.name())?;
            Some((hi as f64 - lo as f64 + 1.0).max(1.0))
        }
        LogicalPlan::Filter(f) => distinct_bound(&f.input, idx),
        LogicalPlan::SubqueryAlias(s) => distinct_bound(&s.input, idx),
        LogicalPlan::Sort(s) => distinct_bound(&s.input, idx),
        LogicalPlan::Limit(l) => distinct_bound(&l.input, idx),
        LogicalPlan::Projection(p) => distinct_bound(&p.input, column_of(p.exprs.get(idx)?, &p.input)?),
        LogicalPlan::Aggregate(a) => distinct_bound(&a.input, column_of(a.group_exprs.get(idx)?, &a.input)?),
        LogicalPlan::Join(j) => {
            let left_len = j.left.schema().len();
            match j.join_type {
                _ if idx < left_len => distinct_bound(&j.left, idx),
                JoinType::LeftSemi | JoinType::LeftAnti => None,
                _ => distinct_bound(&j.right, idx - left_len),
            }
        }
        _ => None,
    }
}

pub fn estimate_bytes(plan: &LogicalPlan) -> Option<u64> {
    if let LogicalPlan::TableScan(t) = plan {
        if t.source.estimated_rows().is_none() && t.filters.is_empty() && t.fetch.is_none() {
            // Only a file size is known: scale it by the share of columns read.
            let total = t.source.estimated_size_bytes()?;
            let all = t.source.schema().fields().len().max(1) as u64;
            return Some(total * (t.schema.len() as u64).max(1) / all);
        }
    }
    Some((estimate_rows(plan)? * row_width(plan.schema())) as u64)
}

/// Rough bytes per row of `schema`.
pub fn row_width(schema: &PlanSchema) -> f64 {
    schema.fields().iter().map(|f| type_width(f.data_type())).sum::<f64>().max(1.0)
}

fn type_width(t: &DataType) -> f64 {
    match t {
        DataType::Boolean | DataType::Int8 | DataType::UInt8 => 1.0,
        DataType::Int16 | DataType::UInt16 => 2.0,
        DataType::Int32 | DataType::UInt32 | DataType::Float32 | DataType::Date32 => 4.0,
        DataType::Decimal128(..) => 16.0,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Binary | DataType::LargeBinary => 20.0,
        DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_) => 40.0,
        _ => 8.0,
    }
}

fn has_equality(cond: &Expr) -> bool {
    split_conjunction(cond).iter().any(|c| matches!(c, Expr::BinaryExpr(b) if b.op == Operator::Eq))
}

/// The fraction of rows a predicate keeps (textbook guesses).
pub fn selectivity(pred: &Expr) -> f64 {
    match pred {
        Expr::Literal(crate::scalar::ScalarValue::Boolean(Some(true))) => 1.0,
        Expr::Literal(_) => 0.0,
        Expr::BinaryExpr(b) => match b.op {
            Operator::And => selectivity(&b.left) * selectivity(&b.right),
            Operator::Or => (selectivity(&b.left) + selectivity(&b.right)).min(1.0),
            Operator::Eq | Operator::NullSafeEq => 0.1,
            Operator::NotEq => 0.9,
            Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq => 0.33,
            _ => 0.5,
        },
        Expr::Not(e) => 1.0 - selectivity(e).min(0.9),
        Expr::Like(l) if l.negated => 0.75,
        Expr::Like(_) => 0.25,
        Expr::InList(i) if i.negated => 0.8,
        Expr::InList(i) => (0.1 * i.list.len() as f64).min(0.5),
        Expr::IsNull(_) => 0.1,
        Expr::IsNotNull(_) => 0.9,
        _ => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{col, lit};

    #[test]
    fn selectivity_combines_conjuncts() {
        let p = col("a").eq(lit(1)).and(col("b").gt(lit(2)));
        assert!((selectivity(&p) - 0.033).abs() < 1e-9);
        assert_eq!(selectivity(&col("a").eq(lit(1)).or(col("a").eq(lit(1)))), 0.2);
    }
}
