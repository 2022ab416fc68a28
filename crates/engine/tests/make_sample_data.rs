//! Regenerates `data/sales.parquet`, the Parquet sample shipped in the repository
//! (40 rows in 4 row groups of 10, sorted by `id`, so row-group pruning is visible).
//! Run with `cargo test -p ember --test make_sample_data -- --ignored`.

use std::sync::Arc;

use arrow::array::{Date32Array, Decimal128Array, Int32Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

#[test]
#[ignore]
fn write_sales_parquet() {
    let n = 40;
    let products = ["apple", "pear", "fig", "plum", "kiwi"];
    let regions = ["north", "south", "east", "west"];
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("product", DataType::Utf8, true),
        Field::new("region", DataType::Utf8, true),
        Field::new("quantity", DataType::Int32, true),
        Field::new("price", DataType::Decimal128(10, 2), true),
        Field::new("day", DataType::Date32, true),
    ]));
    let ids: Vec<i64> = (1..=n).collect();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(ids.clone())),
            Arc::new(StringArray::from(ids.iter().map(|i| Some(products[(*i as usize * 7) % 5])).collect::<Vec<_>>())),
            Arc::new(StringArray::from(ids.iter().map(|i| Some(regions[(*i as usize * 3) % 4])).collect::<Vec<_>>())),
            Arc::new(Int32Array::from(ids.iter().map(|i| if i % 13 == 0 { None } else { Some((i * 17 % 23) as i32) }).collect::<Vec<_>>())),
            Arc::new(
                Decimal128Array::from(ids.iter().map(|i| Some(((i * 37) % 1000 + 99) as i128)).collect::<Vec<_>>())
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
            Arc::new(Date32Array::from(ids.iter().map(|i| Some(19723 + (*i as i32 % 60))).collect::<Vec<_>>())),
        ],
    )
    .unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/sales.parquet");
    let props = WriterProperties::builder().set_max_row_group_row_count(Some(10)).build();
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}
