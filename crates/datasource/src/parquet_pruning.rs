//! Row-group pruning for Parquet: filters of the shape `col op literal` (`=`, `<`, `<=`,
//! `>`, `>=`, `<=>`, `IN (...)`, `IS [NOT] NULL`, `AND`/`OR` of those; the column maybe
//! under a widening cast) are checked against each row group's min/max statistics.
//! A row group is skipped only when its statistics prove no row can pass.

use arrow::array::{Array, ArrayRef, BooleanArray, Datum, Scalar};
use arrow::compute::kernels::cmp;
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Schema};
use ember_plan::expr::Cast;
use ember_plan::{Expr, Operator, ScalarValue};
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::arrow::arrow_reader::ArrowReaderMetadata;

use crate::parquet_schema::find_field;

/// A filter the statistics can decide, over table column indices.
#[derive(Debug, Clone)]
pub enum Pred {
    /// `col op lit`, the column cast to `lit`'s type first when `cast` is set
    Cmp { col: usize, cast: Option<DataType>, op: Operator, lit: ScalarValue },
    InList { col: usize, cast: Option<DataType>, list: Vec<ScalarValue> },
    IsNull(usize),
    IsNotNull(usize),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
}

/// Casts whose result orders like their input, exactly as Spark computes them.
fn exact_monotonic_cast(from: &DataType, to: &DataType) -> bool {
    use DataType::*;
    let rank = |t: &DataType| match t {
        Int8 => 1,
        Int16 => 2,
        Int32 => 3,
        Int64 => 4,
        _ => 0,
    };
    match (from, to) {
        (a, b) if a == b => true,
        (a, b) if rank(a) > 0 && rank(b) > 0 => rank(a) <= rank(b),
        (a, Float64 | Decimal128(..)) if rank(a) > 0 => true,
        (Decimal128(p1, s1), Decimal128(p2, s2)) => s2 >= s1 && (*p2 as i16 - *s2 as i16) >= (*p1 as i16 - *s1 as i16),
        _ => false,
    }
}

/// Types whose Parquet min/max order matches Spark's (no floats: NaN and -0.0).
fn orderable(dt: &DataType) -> bool {
    use DataType::*;
    matches!(dt, Int8 | Int16 | Int32 | Int64 | Decimal128(..) | Utf8 | Binary | Boolean | Date32 | Timestamp(..))
}

/// The column (and cast) of a pruning-friendly column expression.
fn column_of(expr: &Expr, schema: &Schema) -> Option<(usize, Option<DataType>)> {
    match expr {
        Expr::Column(c) => find_field(schema, &c.name).map(|i| (i, None)),
        Expr::Cast(Cast { expr, data_type, .. }) => {
            let Expr::Column(c) = expr.as_ref() else { return None };
            let i = find_field(schema, &c.name)?;
            exact_monotonic_cast(schema.field(i).data_type(), data_type).then(|| (i, Some(data_type.clone())))
        }
        _ => None,
    }
}

fn literal_of(expr: &Expr) -> Option<ScalarValue> {
    match expr {
        Expr::Literal(v) if !v.is_null() => Some(v.clone()),
        _ => None,
    }
}

/// The pruning predicate of `expr`, if the statistics can decide it.
pub fn build_predicate(expr: &Expr, schema: &Schema) -> Option<Pred> {
    let column = |e: &Expr| column_of(e, schema).filter(|(i, _)| orderable(schema.field(*i).data_type()));
    match expr {
        Expr::BinaryExpr(b) if b.op == Operator::And => {
            Some(Pred::And(Box::new(build_predicate(&b.left, schema)?), Box::new(build_predicate(&b.right, schema)?)))
        }
        Expr::BinaryExpr(b) if b.op == Operator::Or => {
            Some(Pred::Or(Box::new(build_predicate(&b.left, schema)?), Box::new(build_predicate(&b.right, schema)?)))
        }
        Expr::BinaryExpr(b) => {
            let op = match b.op {
                Operator::NullSafeEq => Operator::Eq,
                op @ (Operator::Eq | Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq) => op,
                _ => return None,
            };
            if let (Some((col, cast)), Some(lit)) = (column(&b.left), literal_of(&b.right)) {
                return Some(Pred::Cmp { col, cast, op, lit });
            }
            let (col, cast) = column(&b.right)?;
            Some(Pred::Cmp { col, cast, op: op.swap()?, lit: literal_of(&b.left)? })
        }
        Expr::InList(l) if !l.negated => {
            let (col, cast) = column(&l.expr)?;
            let list = l.list.iter().map(|e| match e {
                Expr::Literal(v) => Some(v.clone()),
                _ => None,
            });
            Some(Pred::InList { col, cast, list: list.collect::<Option<Vec<_>>>()? })
        }
        Expr::IsNull(e) => column_of(e, schema).map(|(i, _)| Pred::IsNull(i)),
        Expr::IsNotNull(e) => column_of(e, schema).map(|(i, _)| Pred::IsNotNull(i)),
        _ => None,
    }
}

/// Statistics of one file, per row group.
struct FileStats<'a> {
    table: &'a Schema,
    md: &'a ArrowReaderMetadata,
}

impl FileStats<'_> {
    fn row_groups(&self) -> usize {
        self.md.metadata().num_row_groups()
    }

    fn converter(&self, col: usize) -> Option<StatisticsConverter<'_>> {
        let name = self.table.field(col).name();
        let file_schema = self.md.schema();
        let idx = find_field(file_schema, name)?;
        StatisticsConverter::try_new(file_schema.field(idx).name(), file_schema, self.md.parquet_schema())
            .ok()
            .map(|c| c.with_missing_null_counts_as_zero(false))
    }

    /// (mins, maxes) of a column cast to `to`.
    fn min_max(&self, col: usize, to: &DataType) -> Option<(ArrayRef, ArrayRef)> {
        let conv = self.converter(col)?;
        let rgs = self.md.metadata().row_groups();
        let table_type = self.table.field(col).data_type();
        let opts = CastOptions { safe: true, ..Default::default() };
        let fit = |a: ArrayRef| -> Option<ArrayRef> {
            let a = cast_with_options(&a, table_type, &opts).ok()?;
            cast_with_options(&a, to, &opts).ok()
        };
        Some((fit(conv.row_group_mins(rgs.iter()).ok()?)?, fit(conv.row_group_maxes(rgs.iter()).ok()?)?))
    }

    fn all(&self, keep: bool) -> Vec<bool> {
        vec![keep; self.row_groups()]
    }

    /// May some row of each row group satisfy `col op lit`?
    fn cmp(&self, col: usize, cast: &Option<DataType>, op: Operator, lit: &ScalarValue) -> Vec<bool> {
        let col_type = cast.clone().unwrap_or_else(|| self.table.field(col).data_type().clone());
        if col_type != lit.data_type() {
            return self.all(true);
        }
        let (Some((mins, maxes)), Ok(lit)) = (self.min_max(col, &col_type), lit.to_array(1)) else { return self.all(true) };
        let lit = Scalar::new(lit);
        let skip = |a: &dyn Datum, f: fn(&dyn Datum, &dyn Datum) -> Result<BooleanArray, arrow::error::ArrowError>| f(a, &lit).ok();
        let skips: Option<BooleanArray> = match op {
            Operator::Eq => match (skip(&mins, cmp::gt), skip(&maxes, cmp::lt)) {
                (Some(a), Some(b)) => arrow::compute::or(&a, &b).ok(),
                _ => None,
            },
            Operator::Lt => skip(&mins, cmp::gt_eq),
            Operator::LtEq => skip(&mins, cmp::gt),
            Operator::Gt => skip(&maxes, cmp::lt_eq),
            Operator::GtEq => skip(&maxes, cmp::lt),
            _ => None,
        };
        match skips {
            Some(s) => (0..s.len()).map(|i| !(s.is_valid(i) && s.value(i))).collect(),
            None => self.all(true),
        }
    }

    fn nulls(&self, col: usize, want_null: bool) -> Vec<bool> {
        let (Some(conv), rgs) = (self.converter(col), self.md.metadata().row_groups()) else { return self.all(true) };
        let Ok(counts) = conv.row_group_null_counts(rgs.iter()) else { return self.all(true) };
        (0..rgs.len())
            .map(|i| {
                if !counts.is_valid(i) {
                    return true;
                }
                let nulls = counts.value(i);
                if want_null { nulls > 0 } else { nulls < rgs[i].num_rows() as u64 }
            })
            .collect()
    }

    fn eval(&self, pred: &Pred) -> Vec<bool> {
        let zip = |a: Vec<bool>, b: Vec<bool>, f: fn(bool, bool) -> bool| a.into_iter().zip(b).map(|(x, y)| f(x, y)).collect();
        match pred {
            Pred::Cmp { col, cast, op, lit } => self.cmp(*col, cast, *op, lit),
            Pred::InList { col, cast, list } => {
                let items: Vec<&ScalarValue> = list.iter().filter(|v| !v.is_null()).collect();
                if items.is_empty() {
                    return self.all(true);
                }
                let mut keep = self.all(false);
                for v in items {
                    keep = zip(keep, self.cmp(*col, cast, Operator::Eq, v), |a, b| a || b);
                }
                keep
            }
            Pred::IsNull(c) => self.nulls(*c, true),
            Pred::IsNotNull(c) => self.nulls(*c, false),
            Pred::And(a, b) => zip(self.eval(a), self.eval(b), |x, y| x && y),
            Pred::Or(a, b) => zip(self.eval(a), self.eval(b), |x, y| x || y),
        }
    }
}

/// Which row groups of a file may hold rows passing every predicate.
pub fn prune_row_groups(preds: &[Pred], table: &Schema, md: &ArrowReaderMetadata) -> Vec<bool> {
    let stats = FileStats { table, md };
    let mut keep = stats.all(true);
    for p in preds {
        keep = keep.into_iter().zip(stats.eval(p)).map(|(a, b)| a && b).collect();
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::Field;
    use ember_plan::{col, lit};

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("f", DataType::Float64, true),
            Field::new("s", DataType::Utf8, true),
        ])
    }

    #[test]
    fn supported_shapes() {
        let s = schema();
        assert!(build_predicate(&col("a").gt(lit(1)), &s).is_some());
        assert!(build_predicate(&lit(1).lt(col("a")), &s).is_some());
        assert!(build_predicate(&col("a").gt(lit(1)).and(col("s").eq(lit("x"))), &s).is_some());
        let cast = Expr::Cast(Cast { expr: Box::new(col("a")), data_type: DataType::Int64, try_cast: false, interval_type: None });
        assert!(build_predicate(&cast.gt(lit(1i64)), &s).is_some());
        let cast = Expr::Cast(Cast { expr: Box::new(col("a")), data_type: DataType::Utf8, try_cast: false, interval_type: None });
        assert!(build_predicate(&cast.gt(lit("1")), &s).is_none());
        assert!(build_predicate(&col("f").gt(lit(1.0)), &s).is_none());
        assert!(build_predicate(&Expr::IsNull(Box::new(col("f"))), &s).is_some());
        assert!(build_predicate(&col("a").gt(col("a")), &s).is_none());
        assert!(build_predicate(&col("a").not_eq(lit(1)), &s).is_none());
        assert!(build_predicate(&col("nope").gt(lit(1)), &s).is_none());
    }
}
