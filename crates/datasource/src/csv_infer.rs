//! CSV schema inference with Spark's rules (`CSVInferSchema`): per column the tightest
//! of int, bigint, decimal(p,0), double, boolean, date, timestamp, else string, over
//! every (sampled) record; NULL and empty values do not vote; header names made safe.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use ember_common::{Error, Result};

use crate::csv_options::CsvOptions;
use crate::csv_records::{CsvRecord, CsvRecords};
use crate::listing::FileMeta;
use crate::split::{open_range, FileRange};

/// The type a column can have so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inferred {
    Null,
    Int,
    BigInt,
    /// decimal(p, 0): an integer too big for bigint
    Decimal(u8),
    Double,
    Bool,
    Date,
    Timestamp,
    Str,
}

fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_double(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if matches!(body, "NaN" | "Infinity" | "Inf") {
        return true;
    }
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exp_ok = exp.is_none_or(is_integer);
    mantissa_ok && exp_ok
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && {
            use arrow::compute::kernels::cast_utils::Parser;
            arrow::datatypes::Date32Type::parse(s).is_some()
        }
}

/// `yyyy-MM-dd[T ]HH:mm:ss[.f{1,9}][Z|±hh:mm]`, a valid instant.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() < 19 || !is_date(&s[..10]) || !(b[10] == b' ' || b[10] == b'T') {
        return false;
    }
    let time = &b[11..19];
    let time_ok = time.iter().enumerate().all(|(i, c)| if i == 2 || i == 5 { *c == b':' } else { c.is_ascii_digit() });
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return false;
        }
        rest = &frac[n..];
    }
    let zone_ok = rest.is_empty() || rest == "Z" || {
        let z = rest.as_bytes();
        z.len() == 6 && (z[0] == b'+' || z[0] == b'-') && z[3] == b':'
    };
    time_ok && zone_ok && arrow::compute::kernels::cast_utils::string_to_timestamp_nanos(s).is_ok()
}

/// The tightest type of one non-null value.
pub fn infer_value(s: &str) -> Inferred {
    if is_integer(s) {
        if s.parse::<i32>().is_ok() {
            return Inferred::Int;
        }
        if s.parse::<i64>().is_ok() {
            return Inferred::BigInt;
        }
        let digits = s.trim_start_matches(['+', '-']).trim_start_matches('0').len().max(1);
        return if digits <= 38 { Inferred::Decimal(digits as u8) } else { Inferred::Double };
    }
    if is_double(s) {
        return Inferred::Double;
    }
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") {
        return Inferred::Bool;
    }
    if is_date(s) {
        return Inferred::Date;
    }
    if is_timestamp(s) {
        return Inferred::Timestamp;
    }
    Inferred::Str
}

/// Spark's `compatibleType` for CSV inference.
pub fn merge(a: Inferred, b: Inferred) -> Inferred {
    use Inferred::*;
    let int_digits = |t: Inferred| match t {
        Int => Some(10),
        BigInt => Some(20),
        Decimal(p) => Some(p),
        _ => None,
    };
    match (a, b) {
        (x, y) if x == y => x,
        (Null, x) | (x, Null) => x,
        (Str, _) | (_, Str) => Str,
        (Int, BigInt) | (BigInt, Int) => BigInt,
        (Date, Timestamp) | (Timestamp, Date) => Timestamp,
        (Double, x) | (x, Double) if int_digits(x).is_some() => Double,
        (x, y) => match (int_digits(x), int_digits(y)) {
            (Some(p), Some(q)) => Decimal(p.max(q)),
            _ => Str,
        },
    }
}

impl Inferred {
    pub fn data_type(self) -> DataType {
        match self {
            Inferred::Null | Inferred::Str => DataType::Utf8,
            Inferred::Int => DataType::Int32,
            Inferred::BigInt => DataType::Int64,
            Inferred::Decimal(p) => DataType::Decimal128(p, 0),
            Inferred::Double => DataType::Float64,
            Inferred::Bool => DataType::Boolean,
            Inferred::Date => DataType::Date32,
            Inferred::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        }
    }
}

/// Spark's `makeSafeHeader`: empty/NULL names become `_c<i>`, duplicates (ignoring case)
/// get their index appended; without a header every column is `_c<i>`.
pub fn column_names(first_record: &[String], opts: &CsvOptions) -> Vec<String> {
    if !opts.header {
        return (0..first_record.len()).map(|i| format!("_c{i}")).collect();
    }
    let lower: Vec<String> = first_record.iter().map(|n| n.to_lowercase()).collect();
    first_record
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if name.is_empty() || *name == opts.null_value {
                format!("_c{i}")
            } else if lower.iter().filter(|n| **n == lower[i]).count() > 1 {
                format!("{name}{i}")
            } else {
                name.clone()
            }
        })
        .collect()
}

/// Opens a file's records for inference (the header, if any, is a record here).
fn open_records(file: &Arc<FileMeta>, opts: &CsvOptions) -> Result<CsvRecords> {
    let open = open_range(&FileRange { file: file.clone(), start: 0, end: file.size.max(1) })?;
    CsvRecords::new(open, &file.path, opts, false)
}

/// A field's value for inference: `None` for NULL and empty values (they do not vote).
fn field_text<'a>(rec: &'a CsvRecord, i: usize, opts: &'a CsvOptions) -> Option<&'a str> {
    rec.value(i, opts).filter(|v| !v.is_empty())
}

/// The first record of a file, or `None` for a file with no records.
fn first_record(file: &Arc<FileMeta>, opts: &CsvOptions) -> Result<Option<CsvRecord>> {
    let mut records = open_records(file, opts)?;
    let mut rec = CsvRecord::default();
    Ok(records.next_into(&mut rec)?.then_some(rec))
}

/// The type of one value under the reader's options: the special float tokens are
/// doubles, and with `dateFormat` / `timestampFormat` set a value is a date or timestamp
/// only if that pattern reads it (so what inference assumes is what reading does).
pub fn infer_with_options(s: &str, opts: &CsvOptions) -> Inferred {
    if s == opts.nan_value || s == opts.positive_inf || s == opts.negative_inf {
        return Inferred::Double;
    }
    let t = infer_value(s);
    let date_ok = |s: &str| opts.date_format.as_ref().and_then(|f| f.pattern()).is_some_and(|p| p.parse_date(s).is_some());
    let ts_ok = |s: &str| opts.timestamp_format.as_ref().and_then(|f| f.pattern()).is_some_and(|p| p.parse_timestamp_micros(s).is_some());
    match t {
        Inferred::Date if opts.date_format.is_some() && !date_ok(s) => {
            if ts_ok(s) {
                Inferred::Timestamp
            } else {
                Inferred::Str
            }
        }
        Inferred::Timestamp if opts.timestamp_format.is_some() && !ts_ok(s) => Inferred::Str,
        Inferred::Str if date_ok(s) => Inferred::Date,
        Inferred::Str if ts_ok(s) => Inferred::Timestamp,
        t => t,
    }
}

/// Deterministic sampling: keeps about `ratio` of the rows, spread evenly.
fn sampled(i: usize, ratio: f64) -> bool {
    ratio >= 1.0 || ((i + 1) as f64 * ratio).floor() > (i as f64 * ratio).floor()
}

/// Infers the schema of CSV files, as Spark's `CSVInferSchema` over every (sampled)
/// record: the header is the first record of the first file that has one; without
/// `multiLine`, lines equal to the header line are left out in every file (Spark's
/// `filterHeaderLine`), with it the first record of each file. No files at all cannot
/// be inferred (as in Spark); files without any record give an empty schema.
pub fn infer_csv_schema(files: &[Arc<FileMeta>], opts: &CsvOptions) -> Result<Schema> {
    if files.is_empty() {
        return Err(Error::new(ember_common::ErrorKind::Other {
            class: "UNABLE_TO_INFER_SCHEMA".into(),
            sqlstate: Some("42KD9".into()),
            message: "Unable to infer schema for CSV. It must be specified manually.".into(),
        }));
    }
    let mut first = None;
    for f in files.iter().filter(|f| f.size > 0) {
        if let Some(rec) = first_record(f, opts)? {
            first = Some(rec);
            break;
        }
    }
    let Some(first) = first else { return Ok(Schema::empty()) };
    let header: Vec<String> = (0..first.fields.len()).map(|i| first.value(i, opts).unwrap_or("").to_string()).collect();
    let names = column_names(&header, opts);
    let mut types = vec![Inferred::Null; names.len()];
    if opts.infer_schema {
        if let Some(f) = &opts.timestamp_format {
            // Spark builds the timestamp parser of inference eagerly
            f.check()?;
        }
        let mut seen = 0usize;
        let mut rec = CsvRecord::default();
        for f in files.iter().filter(|f| f.size > 0) {
            let mut records = open_records(f, opts)?;
            let mut first_of_file = true;
            while records.next_into(&mut rec)? {
                let is_header = if opts.multi_line { std::mem::take(&mut first_of_file) } else { rec.raw == first.raw };
                if opts.header && is_header {
                    continue;
                }
                let keep = sampled(seen, opts.sampling_ratio);
                seen += 1;
                if !keep {
                    continue;
                }
                for (c, t) in types.iter_mut().enumerate() {
                    if let Some(text) = field_text(&rec, c, opts) {
                        *t = merge(*t, infer_with_options(text, opts));
                    }
                }
            }
        }
    }
    let fields: Vec<Field> = names.iter().zip(types).map(|(n, t)| Field::new(n, t.data_type(), true)).collect();
    Ok(Schema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ReadOptions;

    #[test]
    fn value_types() {
        use Inferred::*;
        let cases = [
            ("1", Int),
            ("-2147483648", Int),
            ("2147483648", BigInt),
            ("12345678901234567890", Decimal(20)),
            ("1.5", Double),
            ("1e10", Double),
            (".5", Double),
            ("NaN", Double),
            ("TRUE", Bool),
            ("2024-02-29", Date),
            ("2023-02-29", Str),
            ("2024-01-01 10:11:12", Timestamp),
            ("2024-01-01T10:11:12.123456Z", Timestamp),
            ("abc", Str),
            ("1.2.3", Str),
            ("e5", Str),
            ("2024-01-0é 10:11:12", Str),
            ("2024-01-01 10:11:1é", Str),
        ];
        for (s, t) in cases {
            assert_eq!(infer_value(s), t, "{s}");
        }
    }

    #[test]
    fn merging() {
        use Inferred::*;
        assert_eq!(merge(Int, BigInt), BigInt);
        assert_eq!(merge(Int, Double), Double);
        assert_eq!(merge(BigInt, Decimal(20)), Decimal(20));
        assert_eq!(merge(Null, Bool), Bool);
        assert_eq!(merge(Bool, Int), Str);
        assert_eq!(merge(Date, Timestamp), Timestamp);
        assert_eq!(merge(Date, Int), Str);
    }

    #[test]
    fn safe_header_names() {
        let opts = CsvOptions::try_new(&ReadOptions::new().with("header", "true")).unwrap();
        let rec: Vec<String> = ["a", "", "A", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(column_names(&rec, &opts), vec!["a0", "_c1", "A2", "b"]);
        let opts = CsvOptions::try_new(&ReadOptions::new()).unwrap();
        assert_eq!(column_names(&rec, &opts), vec!["_c0", "_c1", "_c2", "_c3"]);
    }

    #[test]
    fn sampling_is_even() {
        assert_eq!((0..10).filter(|i| sampled(*i, 0.5)).count(), 5);
        assert_eq!((0..10).filter(|i| sampled(*i, 1.0)).count(), 10);
    }
}
