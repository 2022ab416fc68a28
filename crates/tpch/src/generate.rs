//! Generates the eight TPC-H tables with `tpchgen` 4 into Parquet or CSV files, once: a table
//! whose file already exists is kept; new files are written under a temporary name and renamed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use tpchgen::generators::{
    CustomerGenerator, LineItemGenerator, NationGenerator, OrderGenerator, PartGenerator, PartSuppGenerator,
    RegionGenerator, SupplierGenerator,
};
use tpchgen_arrow::{
    CustomerArrow, LineItemArrow, NationArrow, OrderArrow, PartArrow, PartSuppArrow, RegionArrow, SupplierArrow,
};

use crate::{Result, TABLES};

/// Rows per Parquet row group: scans split files at row groups, so several per file let a
/// scan of one table run on several threads (DuckDB writes 122 880).
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// The file format of generated tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    /// With a header line; read back with [`table_schema`] (no inference).
    Csv,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "parquet" => Some(Format::Parquet),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// The path of `table` in `dir`: `<dir>/<table>.<ext>`.
pub fn table_path(dir: &Path, table: &str, format: Format) -> PathBuf {
    dir.join(format!("{table}.{}", format.extension()))
}

/// Writes every table missing from `dir` at scale factor `sf`, tables in parallel; returns
/// the names of the tables it wrote (empty when all were there).
pub fn generate(sf: f64, dir: &Path, format: Format) -> Result<Vec<&'static str>> {
    std::fs::create_dir_all(dir)?;
    let missing: Vec<&'static str> = TABLES.iter().copied().filter(|t| !table_path(dir, t, format).exists()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            missing.iter().map(|&table| scope.spawn(move || write_table(sf, dir, table, format))).collect();
        for handle in handles {
            handle.join().map_err(|_| "a TPC-H generator thread panicked")??;
        }
        Ok::<(), crate::Error>(())
    })?;
    Ok(missing)
}

/// The Arrow schema of a table as written: keys BIGINT, money DECIMAL(15,2), dates DATE,
/// text STRING (`Utf8`; the generator's `Utf8View` is cast), all columns nullable as Spark reads them.
pub fn table_schema(table: &str) -> Option<SchemaRef> {
    let generated = match table {
        "part" => PartArrow::schema_ref(),
        "supplier" => SupplierArrow::schema_ref(),
        "partsupp" => PartSuppArrow::schema_ref(),
        "customer" => CustomerArrow::schema_ref(),
        "orders" => OrderArrow::schema_ref(),
        "lineitem" => LineItemArrow::schema_ref(),
        "nation" => NationArrow::schema_ref(),
        "region" => RegionArrow::schema_ref(),
        _ => return None,
    };
    let fields: Vec<Field> = generated
        .fields()
        .iter()
        .map(|f| {
            let data_type = match f.data_type() {
                DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
                other => other.clone(),
            };
            Field::new(f.name(), data_type, true)
        })
        .collect();
    Some(Arc::new(Schema::new(fields)))
}

type Batches = Box<dyn Iterator<Item = std::result::Result<RecordBatch, arrow::error::ArrowError>> + Send>;

/// The generator of `table` as an iterator of Arrow batches (the whole table: part 1 of 1).
fn batches(sf: f64, table: &str) -> Result<Batches> {
    Ok(match table {
        "part" => Box::new(PartArrow::new(PartGenerator::new(sf, 1, 1))),
        "supplier" => Box::new(SupplierArrow::new(SupplierGenerator::new(sf, 1, 1))),
        "partsupp" => Box::new(PartSuppArrow::new(PartSuppGenerator::new(sf, 1, 1))),
        "customer" => Box::new(CustomerArrow::new(CustomerGenerator::new(sf, 1, 1))),
        "orders" => Box::new(OrderArrow::new(OrderGenerator::new(sf, 1, 1))),
        "lineitem" => Box::new(LineItemArrow::new(LineItemGenerator::new(sf, 1, 1))),
        "nation" => Box::new(NationArrow::new(NationGenerator::new(sf, 1, 1))),
        "region" => Box::new(RegionArrow::new(RegionGenerator::new(sf, 1, 1))),
        other => return Err(format!("unknown TPC-H table `{other}`").into()),
    })
}

/// Generates one table into `<dir>/<table>.<ext>.<pid>.tmp`, then renames it into place.
fn write_table(sf: f64, dir: &Path, table: &str, format: Format) -> Result<()> {
    let schema = table_schema(table).ok_or_else(|| format!("unknown TPC-H table `{table}`"))?;
    let path = table_path(dir, table, format);
    // A name of this process's own, so that two processes generating the same directory
    // do not write into one file; the rename is atomic and either copy is complete.
    let tmp = path.with_extension(format!("{}.{}.tmp", format.extension(), std::process::id()));
    match write_file(sf, table, &schema, &tmp, format) {
        Ok(()) => Ok(std::fs::rename(&tmp, &path)?),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn write_file(sf: f64, table: &str, schema: &SchemaRef, path: &Path, format: Format) -> Result<()> {
    let file = File::create(path)?;
    let converted = batches(sf, table)?.map(|batch| -> Result<RecordBatch> { Ok(conform(&batch?, schema)?) });
    match format {
        Format::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                .build();
            let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
            for batch in converted {
                writer.write(&batch?)?;
            }
            writer.close()?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new().with_header(true).build(BufWriter::new(file));
            for batch in converted {
                writer.write(&batch?)?;
            }
            writer.into_inner().flush()?;
        }
    }
    Ok(())
}

/// Casts a generated batch to the written schema (string views to strings, nullable fields).
fn conform(batch: &RecordBatch, schema: &SchemaRef) -> std::result::Result<RecordBatch, arrow::error::ArrowError> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(column, field)| cast(column, field.data_type()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    RecordBatch::try_new(schema.clone(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_each_table_once() {
        let dir = tempfile::tempdir().unwrap();
        let written = generate(0.001, dir.path(), Format::Csv).unwrap();
        assert_eq!(written.len(), 8);
        let nation = std::fs::read_to_string(table_path(dir.path(), "nation", Format::Csv)).unwrap();
        assert_eq!(nation.lines().count(), 26, "a header and 25 nations");
        assert!(nation.starts_with("n_nationkey,n_name,n_regionkey,n_comment\n0,ALGERIA,0,"));
        assert!(generate(0.001, dir.path(), Format::Csv).unwrap().is_empty(), "present tables are kept");
    }

    #[test]
    fn schemas_use_spark_types() {
        let lineitem = table_schema("lineitem").unwrap();
        let field = |name: &str| lineitem.field_with_name(name).unwrap().data_type().clone();
        assert_eq!(field("l_orderkey"), DataType::Int64);
        assert_eq!(field("l_extendedprice"), DataType::Decimal128(15, 2));
        assert_eq!(field("l_shipdate"), DataType::Date32);
        assert_eq!(field("l_comment"), DataType::Utf8);
        assert!(table_schema("nope").is_none());
    }
}
