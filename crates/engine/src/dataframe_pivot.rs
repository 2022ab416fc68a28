//! The DataFrame side of `PIVOT` and `UNPIVOT`: `df.group_by(…).pivot(col, values).agg(…)`,
//! `df.unpivot(…)` and its alias `df.melt(…)`, on the plans SQL builds.

use ember_common::{Error, Result};
use ember_plan::pivot::{PivotAggregate, PivotValue, UnpivotValue};
use ember_plan::Expr;

use crate::column::Column;
use crate::dataframe::{DataFrame, GroupedData};

/// A grouped DataFrame with a pivot column, waiting for `agg`.
#[derive(Debug, Clone)]
pub struct PivotedData {
    grouped: GroupedData,
    pivot: Expr,
    values: Vec<Expr>,
}

impl GroupedData {
    /// Turns each of `values` of `pivot` into columns (Spark's `pivot(col, values)`).
    pub fn pivot(&self, pivot: impl Into<Column>, values: impl IntoIterator<Item = impl Into<Column>>) -> PivotedData {
        PivotedData { grouped: self.clone(), pivot: pivot.into().expr, values: values.into_iter().map(|v| v.into().expr).collect() }
    }
}

impl PivotedData {
    /// Output: the grouping columns, then one column per value and aggregate, named
    /// `value` (one aggregate) or `value_aggregate`.
    pub fn agg(&self, aggs: impl IntoIterator<Item = impl Into<Column>>) -> Result<DataFrame> {
        let df = &self.grouped.df;
        if self.grouped.sets.is_some() {
            return Err(Error::spark("UNSUPPORTED_FEATURE.PIVOT_AFTER_GROUP_BY", &[]));
        }
        let builder = df.builder();
        let schema = builder.schema().clone();
        let pivot_type = self.pivot.data_type(&schema)?;
        let values = self
            .values
            .iter()
            .map(|v| PivotValue { value: v.clone().cast_to(pivot_type.clone()), name: v.output_name() })
            .collect::<Vec<_>>();
        let aggs = aggs.into_iter().map(|a| {
            let e = a.into().expr;
            PivotAggregate { name: e.output_name(), expr: e.into_unaliased() }
        });
        let aggs: Vec<PivotAggregate> = aggs.collect();
        let count_rows = crate::functions::count(crate::functions::lit(1)).expr;
        let plan = builder.pivot(Some(self.grouped.groups.clone()), self.pivot.clone(), &values, &aggs, count_rows)?.build();
        Ok(df.with_plan(plan))
    }
}

impl DataFrame {
    /// Spark's `unpivot(ids, values, variableColumnName, valueColumnName)`: one row per
    /// input row and value column; `values: None` unpivots every column not in `ids`.
    /// Rows whose value is NULL are kept, as in Spark's DataFrame API.
    pub fn unpivot(
        &self,
        ids: impl IntoIterator<Item = impl Into<Column>>,
        values: Option<Vec<Column>>,
        variable_column: &str,
        value_column: &str,
    ) -> Result<DataFrame> {
        let builder = self.builder();
        let ids: Vec<Expr> = ids.into_iter().map(|c| c.into().expr).collect();
        let values: Vec<Expr> = match values {
            Some(v) => v.into_iter().map(|c| c.expr).collect(),
            None => {
                let schema = builder.schema();
                let id_cols: Vec<ember_plan::Column> = ids.iter().flat_map(|e| e.column_refs()).collect();
                let id_idx: Vec<usize> = id_cols.iter().filter_map(|c| schema.index_of(c).ok()).collect();
                (0..schema.len()).filter(|i| !id_idx.contains(i)).map(|i| Expr::Column(schema.field(i).column())).collect()
            }
        };
        let values: Vec<UnpivotValue> = values.into_iter().map(|e| UnpivotValue { name: e.output_name(), exprs: vec![e] }).collect();
        let plan = builder.unpivot(Some(ids), &values, variable_column, &[value_column.to_string()], true)?.build();
        Ok(self.with_plan(plan))
    }

    /// Alias of [`unpivot`](Self::unpivot), as Spark's `melt`.
    pub fn melt(
        &self,
        ids: impl IntoIterator<Item = impl Into<Column>>,
        values: Option<Vec<Column>>,
        variable_column: &str,
        value_column: &str,
    ) -> Result<DataFrame> {
        self.unpivot(ids, values, variable_column, value_column)
    }
}
