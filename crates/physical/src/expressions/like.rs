//! `LikeExpr`: `LIKE` / `ILIKE` (and their negations) with arrow's kernels; a custom
//! escape character is translated to arrow's backslash escape.

use std::fmt;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, StringArray};
use arrow::compute::kernels::comparison::{ilike, like, nilike, nlike};
use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_plan::ColumnarValue;

use super::datum::{apply_binary, apply_unary, null_result};
use super::{PhysicalExpr, PhysicalExprRef};
use crate::execution_plan::TaskContext;

#[derive(Debug, Clone)]
pub struct LikeExpr {
    pub negated: bool,
    pub case_insensitive: bool,
    pub expr: PhysicalExprRef,
    pub pattern: PhysicalExprRef,
    pub escape_char: Option<char>,
}

impl LikeExpr {
    pub fn new(negated: bool, case_insensitive: bool, expr: PhysicalExprRef, pattern: PhysicalExprRef, escape_char: Option<char>) -> Self {
        LikeExpr { negated, case_insensitive, expr, pattern, escape_char }
    }
}

impl fmt::Display for LikeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.case_insensitive { "ILIKE" } else { "LIKE" };
        let not = if self.negated { "NOT " } else { "" };
        write!(f, "{} {not}{op} {}", self.expr, self.pattern)
    }
}

/// Rewrites a pattern using `escape` into one using `\`.
fn translate_escape(pattern: &str, escape: char) -> Result<String> {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == escape {
            match chars.next() {
                Some(n @ ('%' | '_')) => {
                    out.push('\\');
                    out.push(n);
                }
                Some(n) if n == escape => {
                    if n == '\\' {
                        out.push_str("\\\\");
                    } else {
                        out.push(n);
                    }
                }
                _ => {
                    return Err(Error::new(ember_common::ErrorKind::Other {
                        class: "INVALID_FORMAT.ESC_IN_THE_MIDDLE".into(),
                        sqlstate: Some("42601".into()),
                        message: format!("The format is invalid: '{pattern}'. The escape character is not allowed to precede other characters."),
                    }))
                }
            }
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

impl PhysicalExpr for LikeExpr {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, input_schema: &Schema) -> Result<bool> {
        Ok(self.expr.nullable(input_schema)? || self.pattern.nullable(input_schema)?)
    }

    fn evaluate(&self, batch: &RecordBatch, ctx: &TaskContext) -> Result<ColumnarValue> {
        let to_utf8 = |v: ColumnarValue| -> Result<ColumnarValue> {
            if v.data_type() == DataType::Utf8 || v.data_type() == DataType::Null {
                return Ok(v);
            }
            apply_unary(&v, |a| Ok(arrow::compute::cast(a, &DataType::Utf8)?))
        };
        let v = to_utf8(self.expr.evaluate(batch, ctx)?)?;
        let mut p = to_utf8(self.pattern.evaluate(batch, ctx)?)?;
        if v.data_type() == DataType::Null || p.data_type() == DataType::Null {
            return null_result(&[&v, &p], &DataType::Boolean);
        }
        if let Some(esc) = self.escape_char.filter(|c| *c != '\\') {
            p = apply_unary(&p, |a| {
                let out = a
                    .as_string::<i32>()
                    .iter()
                    .map(|s| s.map(|s| translate_escape(s, esc)).transpose())
                    .collect::<Result<StringArray>>()?;
                Ok(Arc::new(out) as ArrayRef)
            })?;
        }
        let (neg, ci) = (self.negated, self.case_insensitive);
        apply_binary(&v, &p, |a, b| {
            let out = match (neg, ci) {
                (false, false) => like(a, b),
                (true, false) => nlike(a, b),
                (false, true) => ilike(a, b),
                (true, true) => nilike(a, b),
            }?;
            Ok(Arc::new(out) as ArrayRef)
        })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expressions::{ColumnExpr, LiteralExpr};
    use ember_plan::ScalarValue;

    fn run(pattern: &str, escape: Option<char>, negated: bool, ci: bool) -> Vec<Option<bool>> {
        let batch = RecordBatch::try_from_iter(vec![("s", Arc::new(StringArray::from(vec![Some("100%"), Some("abc"), None])) as ArrayRef)]).unwrap();
        let e = LikeExpr::new(negated, ci, Arc::new(ColumnExpr::new("s", 0)), Arc::new(LiteralExpr(ScalarValue::Utf8(Some(pattern.into())))), escape);
        e.evaluate(&batch, &TaskContext::default()).unwrap().into_array(3).unwrap().as_boolean().iter().collect()
    }

    #[test]
    fn like_variants() {
        assert_eq!(run("a%", None, false, false), vec![Some(false), Some(true), None]);
        assert_eq!(run("A%", None, false, true), vec![Some(false), Some(true), None]);
        assert_eq!(run("a%", None, true, false), vec![Some(true), Some(false), None]);
        assert_eq!(run("100\\%", None, false, false), vec![Some(true), Some(false), None]);
        assert_eq!(run("100#%", Some('#'), false, false), vec![Some(true), Some(false), None]);
    }
}
