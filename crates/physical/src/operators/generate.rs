//! `GenerateExec`: `explode` / `explode_outer` / `posexplode(_outer)` over arrays. Output:
//! the input columns, then `[pos,] col`; each input row is repeated once per element.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int32Array, UInt32Array};
use arrow::compute::take;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use ember_common::{Error, Result};
use ember_plan::expr::GeneratorKind;

use crate::execution_plan::{BatchIter, ExecutionPlan, Partitioning, TaskContext};
use crate::expressions::{evaluate_to_array, PhysicalExprRef};

#[derive(Debug)]
pub struct GenerateExec {
    kind: GeneratorKind,
    outer: bool,
    arg: PhysicalExprRef,
    input: Arc<dyn ExecutionPlan>,
    schema: SchemaRef,
}

impl GenerateExec {
    /// `output_names`: `[col]` (array) or `[key, value]` (map) for explode, with `pos` first
    /// for posexplode; the struct's fields for inline.
    pub fn try_new(kind: GeneratorKind, outer: bool, arg: PhysicalExprRef, output_names: Vec<String>, input: Arc<dyn ExecutionPlan>) -> Result<Self> {
        let in_schema = input.schema();
        let arg_type = arg.data_type(&in_schema)?;
        match (&arg_type, kind) {
            (DataType::List(_) | DataType::LargeList(_), _) | (DataType::Map(_, _), GeneratorKind::Explode | GeneratorKind::PosExplode) => {}
            (other, _) => return Err(Error::internal(format!("explode over unsupported type {other}"))),
        }
        let mut fields: Vec<Field> = in_schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        fields.extend(ember_plan::generated_fields(kind, outer, &arg_type, &output_names));
        Ok(GenerateExec { kind, outer, arg, input, schema: Arc::new(Schema::new(fields)) })
    }

    fn generate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<RecordBatch> {
        let arr = evaluate_to_array(self.arg.as_ref(), batch, ctx)?;
        let (offsets, values): (Vec<(usize, usize)>, ArrayRef) = match arr.data_type() {
            DataType::List(_) => {
                let l = arr.as_list::<i32>();
                let o = l.value_offsets();
                ((0..l.len()).map(|i| if l.is_null(i) { (0, 0) } else { (o[i] as usize, o[i + 1] as usize) }).collect(), l.values().clone())
            }
            DataType::LargeList(_) => {
                let l = arr.as_list::<i64>();
                let o = l.value_offsets();
                ((0..l.len()).map(|i| if l.is_null(i) { (0, 0) } else { (o[i] as usize, o[i + 1] as usize) }).collect(), l.values().clone())
            }
            DataType::Map(_, _) => {
                let m = arr.as_map();
                let o = m.value_offsets();
                let entries: ArrayRef = Arc::new(m.entries().clone());
                ((0..m.len()).map(|i| if m.is_null(i) { (0, 0) } else { (o[i] as usize, o[i + 1] as usize) }).collect(), entries)
            }
            other => return Err(Error::internal(format!("explode over unsupported type {other}"))),
        };
        let mut rows: Vec<u32> = Vec::new();
        let mut elems: Vec<Option<u32>> = Vec::new();
        let mut pos: Vec<Option<i32>> = Vec::new();
        for (row, (start, end)) in offsets.into_iter().enumerate() {
            if start == end {
                if self.outer {
                    rows.push(row as u32);
                    elems.push(None);
                    pos.push(None);
                }
                continue;
            }
            for (k, e) in (start..end).enumerate() {
                rows.push(row as u32);
                elems.push(Some(e as u32));
                pos.push(Some(k as i32));
            }
        }
        let rows = UInt32Array::from(rows);
        let mut columns: Vec<ArrayRef> = batch.columns().iter().map(|c| take(c.as_ref(), &rows, None)).collect::<std::result::Result<_, _>>()?;
        if self.kind == GeneratorKind::PosExplode {
            columns.push(Arc::new(Int32Array::from(pos)));
        }
        let taken = take(values.as_ref(), &UInt32Array::from(elems), None)?;
        let split_struct = matches!(arr.data_type(), DataType::Map(_, _)) || self.kind == GeneratorKind::Inline;
        match (split_struct, taken.as_struct_opt()) {
            (true, Some(st)) => {
                // a NULL entry (outer) or NULL struct element gives NULL in every column
                let nulls = st.logical_nulls();
                for c in st.columns() {
                    let c = match &nulls {
                        Some(n) if n.null_count() > 0 => {
                            let mask = arrow::array::BooleanArray::new(n.inner().clone(), None);
                            arrow::compute::nullif(c.as_ref(), &arrow::compute::not(&mask)?)?
                        }
                        _ => c.clone(),
                    };
                    columns.push(c);
                }
            }
            _ => columns.push(taken),
        }
        let options = RecordBatchOptions::new().with_row_count(Some(rows.len()));
        Ok(RecordBatch::try_new_with_options(self.schema.clone(), columns, &options)?)
    }
}

impl ExecutionPlan for GenerateExec {
    fn name(&self) -> &'static str {
        "GenerateExec"
    }

    fn details(&self) -> String {
        let f = match (self.kind, self.outer) {
            (GeneratorKind::Explode, false) => "explode",
            (GeneratorKind::Explode, true) => "explode_outer",
            (GeneratorKind::PosExplode, false) => "posexplode",
            (GeneratorKind::PosExplode, true) => "posexplode_outer",
            (GeneratorKind::Inline, false) => "inline",
            (GeneratorKind::Inline, true) => "inline_outer",
        };
        let n = self.input.schema().fields().len();
        let names: Vec<&str> = self.schema.fields().iter().skip(n).map(|f| f.name().as_str()).collect();
        format!("{f}({}), [{}]", self.arg, names.join(", "))
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(Error::internal("GenerateExec takes one child"));
        }
        let n = self.input.schema().fields().len();
        let names = self.schema.fields().iter().skip(n).map(|f| f.name().clone()).collect();
        Ok(Arc::new(GenerateExec::try_new(self.kind, self.outer, self.arg.clone(), names, children.remove(0))?))
    }

    fn output_partitioning(&self) -> Partitioning {
        // Input columns keep their positions, so any hash partitioning still holds.
        self.input.output_partitioning()
    }

    fn execute(&self, partition: usize, ctx: &TaskContext) -> Result<BatchIter> {
        let input = ctx.execute(&self.input, partition)?;
        let me = GenerateExec {
            kind: self.kind,
            outer: self.outer,
            arg: self.arg.clone(),
            input: self.input.clone(),
            schema: self.schema.clone(),
        };
        let ctx = ctx.clone();
        Ok(Box::new(input.map(move |b| b.and_then(|b| me.generate(&b, &ctx)))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution_plan::collect_partitions_serial;
    use crate::expressions::ColumnExpr;
    use crate::operators::memory::MemoryExec;
    use arrow::array::ListArray;
    use arrow::datatypes::Int32Type;

    fn input() -> Arc<dyn ExecutionPlan> {
        let ids: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3, 4]));
        let lists: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(10), Some(11)]),
            None,
            Some(vec![]),
            Some(vec![None]),
        ]));
        let b = RecordBatch::try_from_iter(vec![("id", ids), ("xs", lists)]).unwrap();
        let b2 = b.slice(0, 1);
        Arc::new(MemoryExec::try_new(vec![vec![b.clone(), b2], vec![], vec![b.slice(0, 0)]], b.schema(), None).unwrap())
    }

    fn show(kind: GeneratorKind, outer: bool) -> String {
        let g: Arc<dyn ExecutionPlan> = Arc::new(GenerateExec::try_new(kind, outer, Arc::new(ColumnExpr::new("xs", 1)), vec![], input()).unwrap());
        let out = collect_partitions_serial(&g, &TaskContext::default()).unwrap();
        let mut s = crate::display_plan(&g).lines().next().unwrap().to_string();
        s.push('\n');
        s.push_str(&crate::expressions::test_fmt::fmt_batches(&out, false));
        s
    }

    #[test]
    fn explode_variants() {
        insta::assert_snapshot!(show(GeneratorKind::Explode, false), @r"
        GenerateExec explode(xs#1), [col]
        id | xs | col
        1 | [10, 11] | 10
        1 | [10, 11] | 11
        4 | [NULL] | NULL
        1 | [10, 11] | 10
        1 | [10, 11] | 11
        ");
        insta::assert_snapshot!(show(GeneratorKind::PosExplode, true), @r"
        GenerateExec posexplode_outer(xs#1), [pos, col]
        id | xs | pos | col
        1 | [10, 11] | 0 | 10
        1 | [10, 11] | 1 | 11
        2 | NULL | NULL | NULL
        3 | [] | NULL | NULL
        4 | [NULL] | 0 | NULL
        1 | [10, 11] | 0 | 10
        1 | [10, 11] | 1 | 11
        ");
    }

    /// Maps (`{a -> 1, b -> NULL}`, NULL, `{}`) and arrays of structs over two partitions,
    /// one of them empty.
    fn nested_input() -> Arc<dyn ExecutionPlan> {
        use arrow::array::{MapBuilder, StringBuilder, StructArray};
        let mut mb = MapBuilder::new(None, StringBuilder::new(), arrow::array::Int32Builder::new());
        mb.keys().append_value("a");
        mb.values().append_value(1);
        mb.keys().append_value("b");
        mb.values().append_null();
        mb.append(true).unwrap();
        mb.append(false).unwrap();
        mb.append(true).unwrap();
        let maps: ArrayRef = Arc::new(mb.finish());
        let st = StructArray::from(vec![
            (Arc::new(Field::new("a", DataType::Int32, true)), Arc::new(Int32Array::from(vec![Some(1), None, Some(3)])) as ArrayRef),
        ]);
        let st = StructArray::try_new(st.fields().clone(), st.columns().to_vec(), Some(vec![true, true, false].into())).unwrap();
        let field = Arc::new(Field::new_list_field(st.data_type().clone(), true));
        let structs: ArrayRef = Arc::new(ListArray::try_new(field, arrow::buffer::OffsetBuffer::from_lengths([2, 0, 1]), Arc::new(st), None).unwrap());
        let ids: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3]));
        let b = RecordBatch::try_from_iter(vec![("id", ids), ("m", maps), ("s", structs)]).unwrap();
        Arc::new(MemoryExec::try_new(vec![vec![b.clone()], vec![b.slice(0, 0)]], b.schema(), None).unwrap())
    }

    fn show_nested(kind: GeneratorKind, outer: bool, col: usize, names: Vec<String>) -> String {
        let name = if col == 1 { "m" } else { "s" };
        let g: Arc<dyn ExecutionPlan> = Arc::new(GenerateExec::try_new(kind, outer, Arc::new(ColumnExpr::new(name, col)), names, nested_input()).unwrap());
        let out = collect_partitions_serial(&g, &TaskContext::default()).unwrap();
        let mut s = crate::display_plan(&g).lines().next().unwrap().to_string();
        s.push('\n');
        s.push_str(&crate::expressions::test_fmt::fmt_batches(&out, false));
        s
    }

    #[test]
    fn explode_maps_into_keys_and_values() {
        insta::assert_snapshot!(show_nested(GeneratorKind::PosExplode, true, 1, vec![]), @r"
        GenerateExec posexplode_outer(m#1), [pos, key, value]
        id | m | s | pos | key | value
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | 0 | a | 1
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | 1 | b | NULL
        2 | NULL | [] | NULL | NULL | NULL
        3 | {} | [NULL] | NULL | NULL | NULL
        ");
        insta::assert_snapshot!(show_nested(GeneratorKind::Explode, false, 1, vec!["k".into(), "v".into()]), @r"
        GenerateExec explode(m#1), [k, v]
        id | m | s | k | v
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | a | 1
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | b | NULL
        ");
    }

    #[test]
    fn inline_structs_into_columns() {
        insta::assert_snapshot!(show_nested(GeneratorKind::Inline, false, 2, vec![]), @r"
        GenerateExec inline(s#2), [a]
        id | m | s | a
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | 1
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | NULL
        3 | {} | [NULL] | NULL
        ");
        insta::assert_snapshot!(show_nested(GeneratorKind::Inline, true, 2, vec![]), @r"
        GenerateExec inline_outer(s#2), [a]
        id | m | s | a
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | 1
        1 | {a: 1, b: NULL} | [{a: 1}, {a: NULL}] | NULL
        2 | NULL | [] | NULL
        3 | {} | [NULL] | NULL
        ");
    }
}
