//! `FileFormat`: the file formats Ember reads (`csv`, `json`, `parquet`).

use std::fmt;

use ember_common::{Error, ErrorKind, Result};

/// A file format, named as in `spark.read.format(name)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    Csv,
    Json,
    Parquet,
}

impl FileFormat {
    /// All formats, in the order error messages list them.
    pub const ALL: [FileFormat; 3] = [FileFormat::Csv, FileFormat::Json, FileFormat::Parquet];

    /// Parses a format name, case-insensitively.
    pub fn from_name(name: &str) -> Result<FileFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(FileFormat::Csv),
            "json" => Ok(FileFormat::Json),
            "parquet" => Ok(FileFormat::Parquet),
            _ => {
                let valid: Vec<&str> = FileFormat::ALL.iter().map(|f| f.name()).collect();
                Err(Error::new(ErrorKind::Other {
                    class: "DATA_SOURCE_NOT_FOUND".into(),
                    sqlstate: Some("42K02".into()),
                    message: format!(
                        "Failed to find the data source: {name}. Make sure the provider name is correct and the package is properly registered and compatible with your Spark version. Ember reads {}.",
                        valid.join(", ")
                    ),
                }))
            }
        }
    }

    /// The lower-case name, as Spark spells it.
    pub fn name(&self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Json => "json",
            FileFormat::Parquet => "parquet",
        }
    }

    /// The upper-case name used in Spark's error messages (`CSV`, `JSON`, `Parquet`).
    pub fn display_name(&self) -> &'static str {
        match self {
            FileFormat::Csv => "CSV",
            FileFormat::Json => "JSON",
            FileFormat::Parquet => "Parquet",
        }
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_case_insensitively() {
        assert_eq!(FileFormat::from_name("CSV").unwrap(), FileFormat::Csv);
        assert_eq!(FileFormat::from_name("json").unwrap(), FileFormat::Json);
        assert_eq!(FileFormat::from_name(" Parquet ").unwrap(), FileFormat::Parquet);
    }

    #[test]
    fn bad_name_lists_valid_formats() {
        let err = FileFormat::from_name("xml").unwrap_err();
        assert_eq!(err.class(), "DATA_SOURCE_NOT_FOUND");
        insta::assert_snapshot!(err.message(), @"Failed to find the data source: xml. Make sure the provider name is correct and the package is properly registered and compatible with your Spark version. Ember reads csv, json, parquet.");
    }
}
