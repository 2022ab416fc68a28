//! Spark's `NormalizeFloatingNumbers`: `-0.0` becomes `0.0` and every NaN the one
//! canonical NaN, also inside arrays, maps and structs, so that values Spark treats as
//! equal (in comparisons, grouping, joins, window partitions and hash exchanges) are
//! equal bit for bit.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, FixedSizeListArray, LargeListArray, ListArray, MapArray, StructArray};
use arrow::datatypes::{DataType, Float32Type, Float64Type};

/// True if `t` is or holds a float.
pub fn has_floats(t: &DataType) -> bool {
    match t {
        DataType::Float32 | DataType::Float64 => true,
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) | DataType::Map(f, _) => has_floats(f.data_type()),
        DataType::Struct(fs) => fs.iter().any(|f| has_floats(f.data_type())),
        _ => false,
    }
}

/// `a` with its floats normalized (`a` itself when it holds none).
pub fn normalize_floats(a: ArrayRef) -> ArrayRef {
    if !has_floats(a.data_type()) {
        return a;
    }
    match a.data_type() {
        DataType::Float64 => Arc::new(a.as_primitive::<Float64Type>().unary::<_, Float64Type>(|v| {
            if v.is_nan() {
                f64::NAN
            } else if v == 0.0 {
                0.0
            } else {
                v
            }
        })),
        DataType::Float32 => Arc::new(a.as_primitive::<Float32Type>().unary::<_, Float32Type>(|v| {
            if v.is_nan() {
                f32::NAN
            } else if v == 0.0 {
                0.0
            } else {
                v
            }
        })),
        DataType::List(f) => {
            let l = a.as_list::<i32>();
            Arc::new(ListArray::new(f.clone(), l.offsets().clone(), normalize_floats(l.values().clone()), l.nulls().cloned()))
        }
        DataType::LargeList(f) => {
            let l = a.as_list::<i64>();
            Arc::new(LargeListArray::new(f.clone(), l.offsets().clone(), normalize_floats(l.values().clone()), l.nulls().cloned()))
        }
        DataType::FixedSizeList(f, n) => {
            let l = a.as_fixed_size_list();
            Arc::new(FixedSizeListArray::new(f.clone(), *n, normalize_floats(l.values().clone()), l.nulls().cloned()))
        }
        DataType::Struct(fs) => {
            let s = a.as_struct();
            let columns = s.columns().iter().map(|c| normalize_floats(c.clone())).collect();
            Arc::new(StructArray::new(fs.clone(), columns, s.nulls().cloned()))
        }
        DataType::Map(f, sorted) => {
            let m = a.as_map();
            let entries = normalize_floats(Arc::new(m.entries().clone()));
            Arc::new(MapArray::new(f.clone(), m.offsets().clone(), entries.as_struct().clone(), m.nulls().cloned(), *sorted))
        }
        _ => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Float64Array;
    use arrow::datatypes::Field;

    #[test]
    fn zeros_and_nans_also_in_nested_values() {
        let v = normalize_floats(Arc::new(Float64Array::from(vec![-0.0, -f64::NAN, 1.5, 0.0])));
        let v = v.as_primitive::<Float64Type>();
        assert_eq!(v.value(0).to_bits(), 0.0f64.to_bits());
        assert_eq!(v.value(1).to_bits(), f64::NAN.to_bits());
        assert_eq!(v.value(2), 1.5);
        let inner: ArrayRef = Arc::new(Float64Array::from(vec![-0.0, 2.0]));
        let field = Arc::new(Field::new("item", DataType::Float64, true));
        let list: ArrayRef = Arc::new(ListArray::new(field, arrow::buffer::OffsetBuffer::from_lengths([1, 1]), inner, None));
        let out = normalize_floats(list);
        let values = out.as_list::<i32>().values().as_primitive::<Float64Type>().clone();
        assert_eq!(values.value(0).to_bits(), 0.0f64.to_bits());
        assert!(!has_floats(&DataType::Utf8));
    }
}
