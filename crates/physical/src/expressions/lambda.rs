//! Lambda bodies bound for vectorized evaluation: a body runs once over a batch with one
//! row per array element (or map entry) of the whole input column. That batch holds the
//! outer columns the body reads, repeated by element, then the lambda's parameters.
//! [`Flat`] is the element view of a list or map column the higher-order functions share.

use std::sync::Arc;

use arrow::array::{new_empty_array, new_null_array, Array, ArrayRef, AsArray, Int32Array, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{interleave, take};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use ember_common::{Error, Result, Transformed, TreeNode};
use ember_plan::expr::LambdaFunction;
use ember_plan::{Column, Expr, PlanField, PlanSchema};

use super::{create_physical_expr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

/// A lambda body bound to the input schema of its higher-order function.
#[derive(Debug)]
pub struct LambdaExpr {
    body: PhysicalExprRef,
    /// input columns the body reads, in the order they come in its batch
    outer: Vec<usize>,
    nparams: usize,
    /// the body's type, for evaluations over no elements (the body is not run then)
    data_type: arrow::datatypes::DataType,
}

impl LambdaExpr {
    /// Binds `l` over rows of `input`: its own parameters become the last columns of the
    /// body's batch; variables of enclosing lambdas are input columns already.
    pub fn compile(l: &LambdaFunction, input: &PlanSchema) -> Result<Self> {
        let depth = l.params.first().map(|p| p.depth).ok_or_else(|| Error::internal("lambda without parameters"))?;
        let own: Vec<String> = l.params.iter().map(|p| p.column_name()).collect();
        let body = l
            .body
            .as_ref()
            .clone()
            .transform_up(|e| match e {
                Expr::LambdaVariable(v) if v.depth == depth => Ok(Transformed::yes(Expr::Column(Column::from_name(v.column_name())))),
                other => Ok(Transformed::no(other)),
            })?
            .data;
        let mut outer = Vec::new();
        for c in body.column_refs() {
            if c.relation.is_none() && own.contains(&c.name) {
                continue;
            }
            let i = input.index_of(&c)?;
            if !outer.contains(&i) {
                outer.push(i);
            }
        }
        let mut fields: Vec<PlanField> = outer.iter().map(|&i| input.field(i).clone()).collect();
        for (p, name) in l.params.iter().zip(&own) {
            fields.push(PlanField::new(None, Field::new(name, p.data_type.clone(), true)));
        }
        let schema = PlanSchema::new(fields);
        let data_type = body.data_type(&schema)?;
        let body = create_physical_expr(&body, &schema)?;
        Ok(LambdaExpr { body, outer, nparams: l.params.len(), data_type })
    }

    /// How many parameters the lambda declares.
    pub fn arity(&self) -> usize {
        self.nparams
    }

    /// Evaluates the body over `rows.len()` elements: element `j` belongs to input row
    /// `rows[j]` of `batch` and has parameter values `params[..][j]`.
    pub fn eval(&self, batch: &RecordBatch, rows: &UInt32Array, params: &[ArrayRef], ctx: &TaskContext) -> Result<ArrayRef> {
        if params.len() != self.nparams {
            return Err(Error::internal("lambda called with the wrong number of parameters"));
        }
        let n = rows.len();
        if n == 0 {
            // nothing to evaluate: a body like `x / 0` must not fail on no elements
            return Ok(new_empty_array(&self.data_type));
        }
        let mut columns = Vec::with_capacity(self.outer.len() + params.len());
        let mut fields = Vec::with_capacity(columns.capacity());
        for &i in &self.outer {
            let c = batch.column(i);
            columns.push(take(c.as_ref(), rows, None)?);
            fields.push(Field::new(batch.schema().field(i).name(), c.data_type().clone(), true));
        }
        for (i, p) in params.iter().enumerate() {
            columns.push(p.clone());
            fields.push(Field::new(format!("p{i}"), p.data_type().clone(), true));
        }
        let b = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &RecordBatchOptions::new().with_row_count(Some(n)))?;
        Ok(self.body.evaluate(&b, ctx)?.into_array(n)?)
    }
}

impl std::fmt::Display for LambdaExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lambda({})", self.body)
    }
}

/// The elements of a list column (or the entries of a map column) with the rows they
/// belong to. Elements of NULL rows are left out, so a body never sees them.
#[derive(Debug)]
pub struct Flat {
    /// the elements, NULL rows' dropped
    pub values: ArrayRef,
    /// per row, from 0; a NULL row is empty
    pub offsets: OffsetBuffer<i32>,
    pub nulls: Option<NullBuffer>,
    /// the row of each element
    pub rows: UInt32Array,
}

impl Flat {
    /// The elements of a list (or NULL-typed) column.
    pub fn of_list(a: &ArrayRef) -> Result<Flat> {
        match a.data_type() {
            DataType::List(_) => {
                let l = a.as_list::<i32>();
                Self::new(l.value_offsets(), l.values(), l.nulls())
            }
            DataType::LargeList(f) => {
                let cast = arrow::compute::cast(a, &DataType::new_list(f.data_type().clone(), true))?;
                Self::of_list(&cast)
            }
            DataType::Null => Ok(Self::all_null(a.len(), DataType::Null)),
            other => Err(Error::internal(format!("array expected, got {other}"))),
        }
    }

    /// The entries (a struct of `key`, `value`) of a map (or NULL-typed) column.
    pub fn of_map(a: &ArrayRef) -> Result<Flat> {
        match a.data_type() {
            DataType::Map(f, _) => {
                let m = a.as_map();
                let entries: ArrayRef = Arc::new(m.entries().clone());
                let _ = f;
                Self::new(m.value_offsets(), &entries, m.nulls())
            }
            DataType::Null => Ok(Self::all_null(a.len(), DataType::Null)),
            other => Err(Error::internal(format!("map expected, got {other}"))),
        }
    }

    fn all_null(n: usize, t: DataType) -> Flat {
        Flat {
            values: new_empty_array(&t),
            offsets: OffsetBuffer::new_zeroed(n),
            nulls: Some(NullBuffer::new_null(n)),
            rows: UInt32Array::from(Vec::<u32>::new()),
        }
    }

    fn new(offsets: &[i32], values: &ArrayRef, nulls: Option<&NullBuffer>) -> Result<Flat> {
        let n = offsets.len().saturating_sub(1);
        let valid = |r: usize| nulls.is_none_or(|nb| nb.is_valid(r));
        let mut lens = Vec::with_capacity(n);
        let mut rows = Vec::new();
        let mut contiguous = true;
        for r in 0..n {
            let len = (offsets[r + 1] - offsets[r]) as usize;
            if valid(r) {
                lens.push(len);
                let row = u32::try_from(r).map_err(|_| Error::internal("batch too large"))?;
                rows.extend(std::iter::repeat_n(row, len));
            } else {
                contiguous &= len == 0;
                lens.push(0);
            }
        }
        let start = offsets.first().copied().unwrap_or(0) as usize;
        let end = offsets.last().copied().unwrap_or(0) as usize;
        let values = if contiguous {
            values.slice(start, end - start)
        } else {
            let mut idx: Vec<u32> = Vec::with_capacity(rows.len());
            for r in (0..n).filter(|&r| valid(r)) {
                idx.extend(offsets[r] as u32..offsets[r + 1] as u32);
            }
            take(values.as_ref(), &UInt32Array::from(idx), None)?
        };
        Ok(Flat { values, offsets: OffsetBuffer::from_lengths(lens), nulls: nulls.cloned(), rows: UInt32Array::from(rows) })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The positions of row `r`'s elements in `values`.
    pub fn range(&self, r: usize) -> std::ops::Range<usize> {
        self.offsets[r] as usize..self.offsets[r + 1] as usize
    }

    /// Each element's position within its row (the `i` of `(x, i) -> …`).
    pub fn positions(&self) -> ArrayRef {
        let mut out = Vec::with_capacity(self.values.len());
        for r in 0..self.len() {
            out.extend(0..self.range(r).len() as i32);
        }
        Arc::new(Int32Array::from(out))
    }
}

/// `rows.len()` values: `values[j]` at position `rows[j]`, NULL elsewhere, for `n` rows.
pub fn scatter(n: usize, rows: &UInt32Array, values: &ArrayRef) -> Result<ArrayRef> {
    let null = new_null_array(values.data_type(), 1);
    let mut pick = vec![(1usize, 0usize); n];
    for (j, r) in rows.values().iter().enumerate() {
        pick[*r as usize] = (0, j);
    }
    Ok(interleave(&[values.as_ref(), null.as_ref()], &pick)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::ListArray;

    fn list(offsets: Vec<i32>, values: Vec<i32>, valid: Vec<bool>) -> ArrayRef {
        let field = Arc::new(Field::new_list_field(DataType::Int32, true));
        let values: ArrayRef = Arc::new(Int32Array::from(values));
        Arc::new(ListArray::new(field, OffsetBuffer::new(offsets.into()), values, Some(NullBuffer::from(valid))))
    }

    #[test]
    fn elements_of_null_rows_are_left_out() {
        // row 1 is NULL but spans two elements; the body must never see them
        let l = list(vec![0, 2, 4, 5], vec![1, 2, 99, 99, 3], vec![true, false, true]);
        let f = Flat::of_list(&l).unwrap();
        assert_eq!(f.values.as_any().downcast_ref::<Int32Array>().unwrap().values().to_vec(), vec![1, 2, 3]);
        assert_eq!(f.offsets.to_vec(), vec![0, 2, 2, 3]);
        assert_eq!(f.rows.values().to_vec(), vec![0, 0, 2]);
        let pos = f.positions();
        assert_eq!(pos.as_any().downcast_ref::<Int32Array>().unwrap().values().to_vec(), vec![0, 1, 0]);
    }

    #[test]
    fn sliced_lists_start_at_their_first_offset() {
        let l = list(vec![0, 1, 3, 4], vec![7, 8, 9, 10], vec![true, true, true]).slice(1, 2);
        let f = Flat::of_list(&l).unwrap();
        assert_eq!(f.values.as_any().downcast_ref::<Int32Array>().unwrap().values().to_vec(), vec![8, 9, 10]);
        assert_eq!(f.offsets.to_vec(), vec![0, 2, 3]);
        let s = scatter(3, &UInt32Array::from(vec![2, 0]), &(Arc::new(Int32Array::from(vec![5, 6])) as ArrayRef)).unwrap();
        assert_eq!(s.as_any().downcast_ref::<Int32Array>().unwrap().iter().collect::<Vec<_>>(), vec![Some(6), None, Some(5)]);
    }
}
