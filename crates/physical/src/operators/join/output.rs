//! Output helpers shared by the join operators: the output schema, residual filters
//! over candidate pairs, and batches of matched, left-only or right-only rows.

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, UInt32Array};
use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::JoinType;

use crate::execution_plan::TaskContext;
use crate::expressions::{evaluate_to_array, PhysicalExprRef};

/// Whether the output has the right side's columns (all but semi and anti joins).
pub(crate) fn emits_right_columns(join_type: JoinType) -> bool {
    !matches!(join_type, JoinType::LeftSemi | JoinType::LeftAnti)
}

/// Left rows survive without a match (outer/anti on the left).
pub(crate) fn left_preserved(join_type: JoinType) -> bool {
    matches!(join_type, JoinType::LeftOuter | JoinType::FullOuter | JoinType::LeftSingle | JoinType::LeftExistence)
}

/// Left outer joins that pair a left row with at most one right row.
pub(crate) fn at_most_one_match(join_type: JoinType) -> bool {
    matches!(join_type, JoinType::LeftSingle | JoinType::LeftExistence)
}

/// Records that left row `row` met a right row; whether to emit the pair. A second
/// match is SCALAR_SUBQUERY_TOO_MANY_ROWS in a single join and skipped in an
/// existence join.
pub(crate) fn record_left_match(join_type: JoinType, matched: &mut [bool], row: usize) -> Result<bool> {
    if matched[row] {
        match join_type {
            JoinType::LeftSingle => return Err(Error::new(ErrorKind::ScalarSubqueryTooManyRows)),
            JoinType::LeftExistence => return Ok(false),
            _ => {}
        }
    }
    matched[row] = true;
    Ok(true)
}

/// Right rows survive without a match.
pub(crate) fn right_preserved(join_type: JoinType) -> bool {
    matches!(join_type, JoinType::RightOuter | JoinType::FullOuter)
}

/// `left ++ right` with the null-supplying side(s) nullable; semi/anti: left only.
pub fn join_schema(left: &Schema, right: &Schema, join_type: JoinType) -> SchemaRef {
    let nullable = |f: &Arc<Field>, null_supplied: bool| {
        if null_supplied {
            Arc::new(f.as_ref().clone().with_nullable(true))
        } else {
            f.clone()
        }
    };
    let mut fields: Vec<Arc<Field>> = left.fields().iter().map(|f| nullable(f, right_preserved(join_type))).collect();
    if emits_right_columns(join_type) {
        fields.extend(right.fields().iter().map(|f| nullable(f, left_preserved(join_type))));
    }
    Arc::new(Schema::new(fields))
}

/// The schema a residual filter is evaluated against: `left ++ right`, unchanged.
pub(crate) fn filter_schema(left: &Schema, right: &Schema) -> SchemaRef {
    Arc::new(Schema::new(left.fields().iter().chain(right.fields().iter()).cloned().collect::<Vec<_>>()))
}

/// The rows `idx` of every column; a run of consecutive indices (a probe batch whose
/// rows all matched once) is a zero-copy slice.
fn take_columns(batch: &RecordBatch, idx: &UInt32Array) -> Result<Vec<ArrayRef>> {
    let v = idx.values();
    if idx.null_count() == 0 && !v.is_empty() && v.windows(2).all(|w| w[1] == w[0].wrapping_add(1)) {
        let (start, len) = (v[0] as usize, v.len());
        if start + len <= batch.num_rows() {
            return Ok(batch.columns().iter().map(|c| c.slice(start, len)).collect());
        }
    }
    batch.columns().iter().map(|c| Ok(arrow::compute::take(c.as_ref(), idx, None)?)).collect()
}

fn with_rows(schema: SchemaRef, columns: Vec<ArrayRef>, rows: usize) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
}

/// Rows `left[li[k]] ++ right[ri[k]]` (or left only for semi/anti schemas).
pub fn pair_batch(
    schema: &SchemaRef,
    left: &RecordBatch,
    li: &UInt32Array,
    right: &RecordBatch,
    ri: &UInt32Array,
) -> Result<RecordBatch> {
    let mut columns = take_columns(left, li)?;
    if schema.fields().len() > left.num_columns() {
        columns.extend(take_columns(right, ri)?);
    }
    with_rows(schema.clone(), columns, li.len())
}

/// Left rows with NULLs for the right side (if the schema has right columns).
pub fn left_only_batch(schema: &SchemaRef, left: &RecordBatch, li: &UInt32Array) -> Result<RecordBatch> {
    let mut columns = take_columns(left, li)?;
    for f in schema.fields().iter().skip(left.num_columns()) {
        columns.push(new_null_array(f.data_type(), li.len()));
    }
    with_rows(schema.clone(), columns, li.len())
}

/// Right rows with NULLs for the left side.
pub fn right_only_batch(schema: &SchemaRef, right: &RecordBatch, ri: &UInt32Array) -> Result<RecordBatch> {
    let left_count = schema.fields().len() - right.num_columns();
    let mut columns: Vec<ArrayRef> = schema.fields().iter().take(left_count).map(|f| new_null_array(f.data_type(), ri.len())).collect();
    columns.extend(take_columns(right, ri)?);
    with_rows(schema.clone(), columns, ri.len())
}

/// Evaluates the residual `filter` over candidate pairs; NULL counts as no match.
pub(crate) fn filter_pairs(
    filter: &PhysicalExprRef,
    schema: &SchemaRef,
    left: &RecordBatch,
    li: &UInt32Array,
    right: &RecordBatch,
    ri: &UInt32Array,
    ctx: &TaskContext,
) -> Result<Vec<bool>> {
    let pairs = pair_batch(schema, left, li, right, ri)?;
    let mask = evaluate_to_array(filter.as_ref(), &pairs, ctx)?;
    let mask = mask
        .as_any()
        .downcast_ref::<arrow::array::BooleanArray>()
        .ok_or_else(|| Error::internal(format!("join filter `{filter}` evaluated to {}, not boolean", mask.data_type())))?;
    if mask.len() != li.len() {
        return Err(Error::internal("join filter returned the wrong number of rows"));
    }
    Ok((0..mask.len()).map(|i| mask.is_valid(i) && mask.value(i)).collect())
}

/// Splits `batch` into slices of at most `size` rows (no copies).
pub(crate) fn split_batch(batch: RecordBatch, size: usize) -> Vec<RecordBatch> {
    let size = size.max(1);
    if batch.num_rows() <= size {
        return if batch.num_rows() == 0 { vec![] } else { vec![batch] };
    }
    (0..batch.num_rows()).step_by(size).map(|o| batch.slice(o, size.min(batch.num_rows() - o))).collect()
}

/// `u32` row indices, or an error for batches too large to index.
pub(crate) fn row_count_u32(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| Error::unsupported("a join side with more than 4 billion rows in one batch"))
}
