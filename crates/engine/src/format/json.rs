//! JSON Lines output: one JSON object per row, keyed by column name.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Schema};

use super::value::{is_null_at, Style, ValueFormatter};

/// One JSON object per row, each on its own line. NULL is `null`; booleans and integers are
/// JSON literals; decimals are numbers with exactly `scale` digits; finite floats are numbers,
/// NaN and infinities are strings (as Spark's `to_json`); dates, timestamps, intervals and
/// binary are strings; arrays are arrays; structs and maps are objects.
pub fn json_lines(batches: &[RecordBatch], schema: &Schema, time_zone: &str) -> String {
    let f = ValueFormatter::new(Style::Pretty, time_zone);
    let mut out = String::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            out.push('{');
            for (i, (field, column)) in schema.fields().iter().zip(batch.columns()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(&mut out, field.name());
                out.push(':');
                if ember_common::interval_type::IntervalType::of_field(field).is_some() && !is_null_at(column.as_ref(), row) {
                    // an interval column writes its own fields (`INTERVAL '3' MONTH`)
                    write_json_string(&mut out, &f.format_in(field, column.as_ref(), row));
                } else {
                    write_json(&mut out, &f, column.as_ref(), row);
                }
            }
            out.push_str("}\n");
        }
    }
    out
}

fn write_json(out: &mut String, f: &ValueFormatter, array: &dyn Array, row: usize) {
    if is_null_at(array, row) {
        out.push_str("null");
        return;
    }
    match array.data_type() {
        DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => out.push_str(&f.format(array, row)),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            let s = f.format(array, row);
            if s.contains(['N', 'I']) {
                write_json_string(out, &s);
            } else {
                out.push_str(&s);
            }
        }
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
            let values = match array.data_type() {
                DataType::List(_) => array.as_list::<i32>().value(row),
                DataType::LargeList(_) => array.as_list::<i64>().value(row),
                _ => array.as_fixed_size_list().value(row),
            };
            out.push('[');
            for i in 0..values.len() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, f, values.as_ref(), i);
            }
            out.push(']');
        }
        DataType::Struct(_) => {
            let s = array.as_struct();
            out.push('{');
            for (i, (field, column)) in s.fields().iter().zip(s.columns()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, field.name());
                out.push(':');
                write_json(out, f, column.as_ref(), row);
            }
            out.push('}');
        }
        DataType::Map(..) => {
            let entries = array.as_map().value(row);
            out.push('{');
            for i in 0..entries.len() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, &f.format(entries.column(0).as_ref(), i));
                out.push(':');
                write_json(out, f, entries.column(1).as_ref(), i);
            }
            out.push('}');
        }
        _ => write_json_string(out, &f.format(array, row)),
    }
}

/// `s` as a JSON string literal (also used by the JSON file writer).
pub(crate) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
