//! Parquet footers and Spark's view of their types: timestamps as microseconds
//! (`INT96` and UTC-adjusted ones as `timestamp`, others as `timestamp_ntz`), strings
//! and binaries as `Utf8`/`Binary`, unsigned ints widened, every field nullable.

use std::fs::File;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, Schema, TimeUnit};
use ember_common::{Error, ErrorKind, Result};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::basic::Type as PhysicalType;

use crate::listing::FileMeta;

pub(crate) fn parquet_error(path: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::FailedReadFile { file: path.to_string(), message: e.to_string() })
}

/// Reads the footer of a Parquet file. A footer that does not parse is Spark's
/// `FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER`.
pub fn load_metadata(file: &FileMeta) -> Result<ArrowReaderMetadata> {
    let f = File::open(&file.path).map_err(|e| parquet_error(&file.path, e))?;
    ArrowReaderMetadata::load(&f, ArrowReaderOptions::new()).map_err(|e| {
        Error::new(ErrorKind::Other {
            class: "FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER".into(),
            sqlstate: Some("KD001".into()),
            message: format!(
                "Encountered error while reading file {}. Could not read footer. Please ensure that the file is in either ORC or Parquet format. If not, please convert it to a valid format. If the file is in the valid format, please check if it is corrupt. If it is, you can choose to either ignore it or fix the corruption. ({e})",
                file.path
            ),
        })
    })
}

/// Spark's type for an Arrow type read from Parquet (`int96`: the column is INT96).
pub fn spark_type(dt: &DataType, int96: bool) -> DataType {
    let nested = |f: &Arc<Field>| Arc::new(Field::new(f.name(), spark_type(f.data_type(), false), true));
    match dt {
        DataType::Timestamp(_, Some(_)) => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        DataType::Timestamp(_, None) if int96 => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        DataType::Timestamp(_, None) => DataType::Timestamp(TimeUnit::Microsecond, None),
        DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
        DataType::BinaryView | DataType::LargeBinary | DataType::FixedSizeBinary(_) => DataType::Binary,
        DataType::Dictionary(_, v) => spark_type(v, int96),
        DataType::UInt8 => DataType::Int16,
        DataType::UInt16 => DataType::Int32,
        DataType::UInt32 => DataType::Int64,
        DataType::UInt64 => DataType::Decimal128(20, 0),
        DataType::Float16 => DataType::Float32,
        DataType::Date64 => DataType::Date32,
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => DataType::Decimal128(*p, *s),
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) | DataType::FixedSizeList(f, _) => {
            DataType::List(Arc::new(Field::new_list_field(spark_type(f.data_type(), false), true)))
        }
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(nested).collect::<Fields>()),
        DataType::Map(entries, sorted) => DataType::Map(nested(entries), *sorted),
        other => other.clone(),
    }
}

/// The table schema Spark would read from this footer.
pub fn spark_schema(md: &ArrowReaderMetadata) -> Schema {
    let roots = md.parquet_schema().root_schema().get_fields();
    let fields: Vec<Field> = md
        .schema()
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let int96 = roots
                .get(i)
                .map(|t| t.is_primitive() && t.name() == f.name() && t.get_physical_type() == PhysicalType::INT96)
                .unwrap_or(false);
            Field::new(f.name(), spark_type(f.data_type(), int96), true)
        })
        .collect();
    Schema::new(fields)
}

/// The wider of two types for `mergeSchema`: integers widen to the larger integer,
/// integers and floats to double, decimals to a decimal holding both, date to timestamp.
fn wider(a: &DataType, b: &DataType) -> Option<DataType> {
    use DataType::*;
    let int_rank = |t: &DataType| match t {
        Int8 => Some(1),
        Int16 => Some(2),
        Int32 => Some(3),
        Int64 => Some(4),
        _ => None,
    };
    let int_digits = |t: &DataType| match t {
        Int8 => Some(3u8),
        Int16 => Some(5),
        Int32 => Some(10),
        Int64 => Some(20),
        _ => None,
    };
    if a == b {
        return Some(a.clone());
    }
    Some(match (a, b) {
        (Null, x) | (x, Null) => x.clone(),
        (x, y) if int_rank(x).is_some() && int_rank(y).is_some() => if int_rank(x) > int_rank(y) { x.clone() } else { y.clone() },
        (Float32 | Float64, x) | (x, Float32 | Float64) if int_rank(x).is_some() || matches!(x, Float32 | Float64) => Float64,
        (Decimal128(p1, s1), Decimal128(p2, s2)) => {
            let scale = (*s1).max(*s2);
            let int = (*p1 as i16 - *s1 as i16).max(*p2 as i16 - *s2 as i16);
            Decimal128(((int + scale as i16).min(38)) as u8, scale)
        }
        (Decimal128(p, s), x) | (x, Decimal128(p, s)) if int_digits(x).is_some() => {
            let int = (*p as i16 - *s as i16).max(int_digits(x).unwrap_or(0) as i16);
            Decimal128(((int + *s as i16).min(38)) as u8, *s)
        }
        (Date32, Timestamp(u, tz)) | (Timestamp(u, tz), Date32) => Timestamp(*u, tz.clone()),
        _ => return None,
    })
}

/// `mergeSchema`: the union of the files' schemas (columns in order of first appearance,
/// matched by name ignoring case), types widened where they differ.
pub fn merge_parquet_schemas(files: &[Arc<FileMeta>]) -> Result<Schema> {
    let mut fields: Vec<Field> = Vec::new();
    for f in files {
        let schema = spark_schema(&load_metadata(f)?);
        for field in schema.fields() {
            match fields.iter_mut().find(|g| g.name().eq_ignore_ascii_case(field.name())) {
                None => fields.push(field.as_ref().clone()),
                Some(g) => {
                    let Some(t) = wider(g.data_type(), field.data_type()) else {
                        return Err(Error::new(ErrorKind::Other {
                            class: "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE".into(),
                            sqlstate: Some("42825".into()),
                            message: format!(
                                "Failed to merge incompatible data types \"{}\" and \"{}\" of the column `{}` (file {}).",
                                ember_common::types::sql_type_name(g.data_type()),
                                ember_common::types::sql_type_name(field.data_type()),
                                field.name(),
                                f.path
                            ),
                        }));
                    };
                    *g = Field::new(g.name(), t, true);
                }
            }
        }
    }
    Ok(Schema::new(fields))
}

/// Index of the field named `name` in `schema`: exact match, else the one case-insensitive match.
pub fn find_field(schema: &Schema, name: &str) -> Option<usize> {
    if let Some((i, _)) = schema.column_with_name(name) {
        return Some(i);
    }
    let mut found = schema.fields().iter().enumerate().filter(|(_, f)| f.name().eq_ignore_ascii_case(name));
    match (found.next(), found.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_types() {
        let ns = DataType::Timestamp(TimeUnit::Nanosecond, None);
        assert_eq!(spark_type(&ns, true), DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())));
        assert_eq!(spark_type(&ns, false), DataType::Timestamp(TimeUnit::Microsecond, None));
        assert_eq!(spark_type(&DataType::Utf8View, false), DataType::Utf8);
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::LargeUtf8));
        assert_eq!(spark_type(&dict, false), DataType::Utf8);
        let list = DataType::LargeList(Arc::new(Field::new("x", DataType::UInt8, false)));
        assert_eq!(spark_type(&list, false), DataType::List(Arc::new(Field::new_list_field(DataType::Int16, true))));
    }

    #[test]
    fn widening() {
        use DataType::*;
        assert_eq!(wider(&Int32, &Int64), Some(Int64));
        assert_eq!(wider(&Int32, &Float64), Some(Float64));
        assert_eq!(wider(&Decimal128(5, 2), &Decimal128(10, 0)), Some(Decimal128(12, 2)));
        assert_eq!(wider(&Decimal128(5, 2), &Int32), Some(Decimal128(12, 2)));
        assert_eq!(wider(&Int32, &Utf8), None);
    }

    #[test]
    fn field_lookup() {
        let s = Schema::new(vec![Field::new("Ab", DataType::Int32, true), Field::new("c", DataType::Int32, true)]);
        assert_eq!(find_field(&s, "Ab"), Some(0));
        assert_eq!(find_field(&s, "ab"), Some(0));
        assert_eq!(find_field(&s, "d"), None);
    }
}
