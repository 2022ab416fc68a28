//! Reference answers: parses the answer CSVs and compares a result with one. Numbers compare
//! with a relative tolerance, text exactly; rows compare in order only on the query's ORDER BY
//! keys, and rows tied on those keys (or all rows, without ORDER BY) may come in any order.

use std::cmp::Ordering;

use arrow::array::RecordBatch;
use arrow::datatypes::Schema;

use crate::Result;

/// Numbers equal within this relative difference match (engines differ in the last digits
/// of averages, and Spark's decimal divisions round to 6 places).
pub const RELATIVE_TOLERANCE: f64 = 1e-2;

/// A table of rendered values: column names and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses CSV with a header: fields separated by `,`, optionally in double quotes (`""`
    /// for a quote inside). Values are kept exactly, spaces included.
    pub fn parse_csv(text: &str) -> Result<Table> {
        let mut records = parse_records(text)?.into_iter();
        let columns = records.next().ok_or("the answer file is empty")?;
        let rows: Vec<Vec<String>> = records.collect();
        if let Some((i, row)) = rows.iter().enumerate().find(|(_, r)| r.len() != columns.len()) {
            return Err(format!("answer row {} has {} fields, the header {}", i + 1, row.len(), columns.len()).into());
        }
        Ok(Table { columns, rows })
    }

    /// Reads an answer file.
    pub fn read_csv(path: &std::path::Path) -> Result<Table> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Table::parse_csv(&text)
    }

    /// Ember's result rendered as `spark-sql` prints values (decimals with their scale, dates
    /// as `yyyy-MM-dd`, doubles as Java prints them).
    pub fn from_batches(schema: &Schema, batches: &[RecordBatch]) -> Table {
        let columns = schema.fields().iter().map(|f| f.name().clone()).collect();
        let mut rows = Vec::new();
        for batch in batches {
            for row in 0..batch.num_rows() {
                rows.push(
                    batch.columns().iter().map(|c| ember::format::golden_value(c.as_ref(), row, "UTC")).collect(),
                );
            }
        }
        Table { columns, rows }
    }
}

fn parse_records(text: &str) -> Result<Vec<Vec<String>>> {
    let mut records = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => fields.push(std::mem::take(&mut field)),
                (_, c) => field.push(c),
            }
        }
        if quoted {
            return Err(format!("line {}: unterminated quoted field", n + 1).into());
        }
        fields.push(field);
        records.push(fields);
    }
    Ok(records)
}

/// A cell as a number when it is written as one (`-12`, `3.50`, `1.0E7`); text otherwise.
fn as_number(cell: &str) -> Option<f64> {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => (digits(a) || a.is_empty()) && (digits(b) || b.is_empty()) && !(a.is_empty() && b.is_empty()),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    if mantissa_ok && exponent_ok {
        cell.parse().ok()
    } else {
        None
    }
}

fn is_integer(cell: &str) -> bool {
    let body = cell.strip_prefix('-').unwrap_or(cell);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
}

/// Whether two cells match: integers and text exactly, other numbers within the tolerance.
pub fn cells_match(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    if is_integer(expected) && is_integer(actual) {
        return false;
    }
    match (as_number(expected), as_number(actual)) {
        (Some(e), Some(a)) => {
            let scale = e.abs().max(a.abs());
            (e - a).abs() <= RELATIVE_TOLERANCE * scale || (e - a).abs() < 1e-9
        }
        _ => false,
    }
}

/// Orders cells numerically when both are numbers, else as text.
fn compare_cells(a: &str, b: &str) -> Ordering {
    match (as_number(a), as_number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

fn compare_rows(a: &[String], b: &[String]) -> Ordering {
    a.iter().zip(b).map(|(x, y)| compare_cells(x, y)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
}

/// Compares `actual` with `expected`. `order_keys` are the indexes of the ORDER BY columns
/// (`None`: the query has no ORDER BY; `Some(empty)`: compare every row in order). Returns a
/// description of the first difference.
pub fn compare(expected: &Table, actual: &Table, order_keys: Option<&[usize]>) -> std::result::Result<(), String> {
    if expected.columns != actual.columns {
        return Err(format!("columns differ: expected {:?}, got {:?}", expected.columns, actual.columns));
    }
    if expected.rows.len() != actual.rows.len() {
        return Err(format!("expected {} rows, got {}", expected.rows.len(), actual.rows.len()));
    }
    let keys: Vec<usize> = match order_keys {
        None => Vec::new(),
        Some([]) => (0..expected.columns.len()).collect(),
        Some(keys) => keys.to_vec(),
    };
    for (i, (e, a)) in expected.rows.iter().zip(&actual.rows).enumerate() {
        if let Some(&k) = keys.iter().find(|&&k| !cells_match(&e[k], &a[k])) {
            return Err(format!(
                "row {}: ORDER BY column {} is {:?}, expected {:?}",
                i + 1,
                expected.columns[k],
                a[k],
                e[k]
            ));
        }
    }
    // Rows tied on the ORDER BY keys form groups (one group without ORDER BY); inside a group
    // sort both sides by every column and compare pairwise.
    let mut start = 0;
    while start < expected.rows.len() {
        let mut end = start + 1;
        while end < expected.rows.len() && keys.iter().all(|&k| expected.rows[end][k] == expected.rows[start][k]) {
            end += 1;
        }
        let mut e: Vec<&Vec<String>> = expected.rows[start..end].iter().collect();
        let mut a: Vec<&Vec<String>> = actual.rows[start..end].iter().collect();
        e.sort_by(|x, y| compare_rows(x, y));
        a.sort_by(|x, y| compare_rows(x, y));
        for (x, y) in e.iter().zip(&a) {
            if let Some(c) = (0..x.len()).find(|&c| !cells_match(&x[c], &y[c])) {
                return Err(format!(
                    "row {:?} has no match: column {} is {:?} where the answer has {:?} (rows {}..{} of the answer)",
                    y.join(","),
                    expected.columns[c],
                    y[c],
                    x[c],
                    start + 1,
                    end
                ));
            }
        }
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::parse_csv(text).unwrap()
    }

    #[test]
    fn parses_quotes_and_keeps_spaces() {
        let t = table("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",trailing \n1,,3\n");
        assert_eq!(t.columns, ["a", "b", "c"]);
        assert_eq!(t.rows, [vec!["x,y", "say \"hi\"", "trailing "], vec!["1", "", "3"]]);
        assert!(Table::parse_csv("a,b\n1\n").is_err());
        assert!(Table::parse_csv("a\n\"open\n").is_err());
        assert!(Table::parse_csv("").is_err());
    }

    #[test]
    fn numbers_match_within_tolerance_text_and_integers_exactly() {
        assert!(cells_match("25.537587116854997", "25.537587"));
        assert!(cells_match("1.0E7", "10000000.00"));
        assert!(cells_match("0", "0.0"));
        assert!(!cells_match("100", "101"), "integers (keys, counts) compare exactly");
        assert!(!cells_match("1.00", "1.5"));
        assert!(!cells_match("13", "13 "));
        assert!(!cells_match("1995-03-14", "1995-03-15"));
        assert!(!cells_match("NaN", "NaN ") && cells_match("NaN", "NaN"));
    }

    #[test]
    fn order_matters_only_on_keys() {
        let expected = table("k,v\n1,a\n1,b\n2,c\n");
        let tie_swapped = table("k,v\n1,b\n1,a\n2,c\n");
        let misordered = table("k,v\n2,c\n1,a\n1,b\n");
        assert_eq!(compare(&expected, &tie_swapped, Some(&[0])), Ok(()));
        assert!(compare(&expected, &misordered, Some(&[0])).unwrap_err().contains("row 1: ORDER BY column k"));
        assert_eq!(compare(&expected, &misordered, None), Ok(()));
        assert!(compare(&expected, &tie_swapped, Some(&[])).is_err());
    }

    #[test]
    fn reports_wrong_rows_counts_and_columns() {
        let expected = table("k,v\n1,2.50\n");
        assert!(compare(&expected, &table("k,v\n1,2.60\n"), None).unwrap_err().contains("column v is \"2.60\""));
        assert!(compare(&expected, &table("k,v\n"), None).unwrap_err().contains("expected 1 rows, got 0"));
        assert!(compare(&expected, &table("k,w\n1,2.50\n"), None).unwrap_err().contains("columns differ"));
    }
}
