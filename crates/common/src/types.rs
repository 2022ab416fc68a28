//! Spark's names for Arrow types (`catalogString`): `int`, `bigint`, `decimal(10,2)`,
//! `array<int>`, `struct<a:int>`, … used in schemas, DESCRIBE, errors and golden files.

use arrow::datatypes::{DataType, Field, TimeUnit};

use crate::interval_type::IntervalType;

/// Spark's `catalogString` of a field's type: as [`catalog_string`], except that an ANSI
/// interval field names its own start and end fields (`interval hour`).
pub fn field_catalog_string(field: &Field) -> String {
    match IntervalType::of_field(field) {
        Some(t) => t.catalog_string(),
        None => catalog_string(field.data_type()),
    }
}

/// Spark's `catalogString` of the type.
pub fn catalog_string(dt: &DataType) -> String {
    match dt {
        DataType::Null => "void".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Int8 => "tinyint".into(),
        DataType::Int16 => "smallint".into(),
        DataType::Int32 => "int".into(),
        DataType::Int64 => "bigint".into(),
        DataType::UInt8 => "smallint".into(),
        DataType::UInt16 => "int".into(),
        DataType::UInt32 => "bigint".into(),
        DataType::UInt64 => "decimal(20,0)".into(),
        DataType::Float16 | DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => format!("decimal({p},{s})"),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => format!("decimal({p},{s})"),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            "binary".into()
        }
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Timestamp(_, Some(_)) => "timestamp".into(),
        DataType::Timestamp(_, None) => "timestamp_ntz".into(),
        DataType::Interval(arrow::datatypes::IntervalUnit::YearMonth) => "interval year to month".into(),
        DataType::Interval(arrow::datatypes::IntervalUnit::DayTime) => "interval day".into(),
        DataType::Interval(_) => "interval".into(),
        DataType::Duration(TimeUnit::Microsecond) => "interval day to second".into(),
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) | DataType::ListView(f) => {
            format!("array<{}>", field_catalog_string(f))
        }
        DataType::Map(f, _) => match f.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => {
                format!("map<{},{}>", field_catalog_string(&kv[0]), field_catalog_string(&kv[1]))
            }
            other => format!("map<{}>", catalog_string(other)),
        },
        DataType::Struct(fields) => {
            let inner: Vec<String> =
                fields.iter().map(|f| format!("{}:{}", f.name(), field_catalog_string(f))).collect();
            format!("struct<{}>", inner.join(","))
        }
        DataType::Dictionary(_, v) => catalog_string(v),
        other => format!("{other}").to_ascii_lowercase(),
    }
}

/// Spark's SQL spelling of a type in messages and CAST names: `INT`, `BIGINT`, `DECIMAL(10,2)`.
pub fn sql_type_name(dt: &DataType) -> String {
    catalog_string(dt).to_ascii_uppercase()
}

/// [`sql_type_name`] of a field's type, interval fields included (`INTERVAL HOUR`).
pub fn field_sql_type_name(field: &Field) -> String {
    field_catalog_string(field).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::Field;
    use std::sync::Arc;

    #[test]
    fn nested_names() {
        let t = DataType::Struct(vec![Field::new("a", DataType::Int32, true)].into());
        assert_eq!(catalog_string(&t), "struct<a:int>");
        let l = DataType::List(Arc::new(Field::new("item", DataType::Decimal128(10, 2), true)));
        assert_eq!(catalog_string(&l), "array<decimal(10,2)>");
    }
}
