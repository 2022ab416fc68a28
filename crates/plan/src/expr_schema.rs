//! Typing of expressions against an input schema: result type and nullability,
//! using the coercion rules of `coercion.rs`.

use arrow::datatypes::{DataType, Field};
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::coercion::{self, binary_signature, common_type_of};
use crate::expr::{Expr, GeneratorKind};
use crate::schema::PlanSchema;

impl crate::expr::BinaryExpr {
    /// The operands' types and the operator's signature over rows of `schema`. An
    /// integral literal beside a decimal counts as the narrowest decimal that holds it
    /// (Spark's `literalPickMinimumPrecision`: `CAST(x AS DECIMAL(10,2)) / 4` divides
    /// by a DECIMAL(1,0)). `name` names the expression in errors.
    pub fn signature(&self, schema: &PlanSchema, name: &str) -> Result<(DataType, DataType, coercion::BinarySignature)> {
        let (lt, rt) = (self.left.data_type(schema)?, self.right.data_type(schema)?);
        let l = literal_operand_type(&self.left, &lt, &rt);
        let r = literal_operand_type(&self.right, &rt, &lt);
        let sig = binary_signature(&l, self.op, &r, name)?;
        Ok((l, r, sig))
    }
}

/// `t`, the type of `e`, or the narrowest decimal holding `e` when it is an integral
/// literal and the other operand's type `other` is a decimal.
fn literal_operand_type(e: &Expr, t: &DataType, other: &DataType) -> DataType {
    match e {
        Expr::Literal(v) if coercion::is_integral(t) && coercion::is_decimal(other) => match v.as_i64() {
            Some(n) => DataType::Decimal128(n.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1) as u8, 0),
            None => t.clone(),
        },
        _ => t.clone(),
    }
}

impl Expr {
    /// The type this expression evaluates to over rows of `schema`.
    pub fn data_type(&self, schema: &PlanSchema) -> Result<DataType> {
        match self {
            Expr::Column(c) => Ok(schema.field_of(c)?.data_type().clone()),
            Expr::Literal(v) => Ok(v.data_type()),
            Expr::Alias(a) => a.expr.data_type(schema),
            Expr::BinaryExpr(b) => Ok(b.signature(schema, &self.to_string())?.2.result),
            Expr::Not(e) => {
                let t = e.data_type(schema)?;
                if !matches!(t, DataType::Boolean | DataType::Null) {
                    return Err(unexpected_type(self, 1, &e.to_string(), "\"BOOLEAN\"", &t));
                }
                Ok(DataType::Boolean)
            }
            Expr::Negative(e) => {
                let t = e.data_type(schema)?;
                match t {
                    DataType::Null => Ok(DataType::Int32),
                    t if coercion::is_numeric(&t) => Ok(t),
                    t if coercion::is_string(&t) => Ok(DataType::Float64),
                    t if crate::interval::is_interval(&t) => Ok(t),
                    t => Err(unexpected_type(self, 1, &e.to_string(), "(\"NUMERIC\" or \"INTERVAL\")", &t)),
                }
            }
            Expr::IsNull(_) | Expr::IsNotNull(_) => Ok(DataType::Boolean),
            Expr::Cast(c) => Ok(c.data_type.clone()),
            Expr::Case(c) => {
                let mut types = Vec::new();
                for (_, t) in &c.when_then {
                    types.push(t.data_type(schema)?);
                }
                if let Some(e) = &c.else_expr {
                    types.push(e.data_type(schema)?);
                }
                common_type_of(&types).ok_or_else(|| {
                    Error::new(ErrorKind::DatatypeMismatch {
                        sub: "DATA_DIFF_TYPES",
                        expr: format!("\"{self}\""),
                        message: format!(
                            "Input to `casewhen` should all be the same type, but it's [{}].",
                            types.iter().map(|t| format!("\"{}\"", catalog_string(t).to_uppercase())).collect::<Vec<_>>().join(", ")
                        ),
                    })
                })
            }
            Expr::InList(_) | Expr::Like(_) => Ok(DataType::Boolean),
            Expr::ScalarFunction(f) => {
                let types = f.args.iter().map(|a| a.data_type(schema)).collect::<Result<Vec<_>>>()?;
                let coerced = f.func.coerce_types(&types)?;
                if types.iter().any(crate::interval::is_interval) {
                    f.func.check_interval_args(&crate::expr_interval::operand_interval_types(&f.args, schema)?)?;
                }
                f.func.return_type(&coerced)
            }
            Expr::AggregateFunction(f) => {
                let types = f.args.iter().map(|a| a.data_type(schema)).collect::<Result<Vec<_>>>()?;
                let coerced = f.func.coerce_types(&types)?;
                f.func.return_type(&coerced)
            }
            Expr::Generator(g) => {
                let t = g.arg.data_type(schema)?;
                match (&t, g.kind) {
                    (DataType::List(f) | DataType::LargeList(f), GeneratorKind::Explode | GeneratorKind::PosExplode) => Ok(f.data_type().clone()),
                    // a map explodes into its entries (`key`, `value`)
                    (DataType::Map(f, _), GeneratorKind::Explode | GeneratorKind::PosExplode) => Ok(f.data_type().clone()),
                    (DataType::List(f) | DataType::LargeList(f), GeneratorKind::Inline) if matches!(f.data_type(), DataType::Struct(_)) => {
                        Ok(f.data_type().clone())
                    }
                    (_, GeneratorKind::Inline) => Err(unexpected_type(self, 1, &g.arg.to_string(), "\"ARRAY<STRUCT>\"", &t)),
                    _ => Err(unexpected_type(self, 1, &g.arg.to_string(), "(\"ARRAY\" or \"MAP\")", &t)),
                }
            }
            Expr::Wildcard { .. } => Err(Error::internal("wildcard must be expanded before typing")),
            Expr::WindowFunction(w) => w.data_type(schema),
            Expr::ScalarSubquery(s) => {
                let fields = s.plan.schema();
                if fields.len() != 1 {
                    return Err(Error::new(ErrorKind::Other {
                        class: "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN".into(),
                        sqlstate: Some("42823".into()),
                        message: format!(
                            "Invalid subquery: Scalar subquery must return only one column, but got {}.",
                            fields.len()
                        ),
                    }));
                }
                Ok(fields.field(0).data_type().clone())
            }
            Expr::InSubquery(_) | Expr::Exists(_) => Ok(DataType::Boolean),
            Expr::OuterReference(o) => Ok(o.data_type.clone()),
            Expr::HigherOrderFunction(h) => h.data_type(schema),
            Expr::Lambda(l) => l.body.data_type(schema),
            Expr::LambdaVariable(v) => Ok(v.data_type.clone()),
        }
    }

    /// Whether the expression can evaluate to NULL (conservative: true when unsure).
    pub fn nullable(&self, schema: &PlanSchema) -> Result<bool> {
        Ok(match self {
            Expr::Column(c) => schema.field_of(c)?.is_nullable(),
            Expr::Literal(v) => v.is_null(),
            Expr::Alias(a) => a.expr.nullable(schema)?,
            Expr::IsNull(_) | Expr::IsNotNull(_) => false,
            Expr::AggregateFunction(f) => f.func.nullable(),
            Expr::WindowFunction(w) => w.nullable(),
            Expr::Not(e) => e.nullable(schema)?,
            Expr::Exists(_) => false,
            Expr::OuterReference(o) => o.nullable,
            Expr::LambdaVariable(v) => v.nullable,
            _ => true,
        })
    }

    /// The Arrow field this expression produces as an output column.
    pub fn to_field(&self, schema: &PlanSchema) -> Result<Field> {
        let dt = self.data_type(schema)?;
        let is_interval = crate::interval::is_interval(&dt);
        let field = Field::new(self.output_name(), dt, self.nullable(schema)?);
        // an interval column names its Spark type (`interval hour`) in the field's metadata
        let field = match is_interval.then(|| self.interval_type(schema)).transpose()?.flatten() {
            Some(t) => t.annotate(field),
            None => field,
        };
        // A column reference keeps the event-time mark of the column it reads, and a time
        // window of an event-time column is event time too (Spark's TimeWindowing).
        Ok(match self.unalias() {
            Expr::Column(c) => match schema.field_of(c) {
                Ok(from) => crate::event_time::with_watermark_of(field, &from.field),
                Err(_) => field,
            },
            e if crate::event_time::is_window_struct(field.data_type()) => {
                let marked = e.column_refs().into_iter().filter_map(|c| schema.field_of(&c).ok()).find(|f| crate::event_time::watermark_delay_ms(&f.field).is_some());
                match marked {
                    Some(from) => crate::event_time::with_watermark_of(field, &from.field),
                    None => field,
                }
            }
            _ => field,
        })
    }
}

/// DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE, naming the parameter and both types.
pub fn unexpected_type(expr: &Expr, param: usize, input: &str, required: &str, actual: &DataType) -> Error {
    unexpected_type_of(&expr.to_string(), param, input, required, actual)
}

/// [`unexpected_type`] for an expression shown as `shown`.
pub fn unexpected_type_of(shown: &str, param: usize, input: &str, required: &str, actual: &DataType) -> Error {
    let ordinal = match param {
        1 => "first".to_string(),
        2 => "second".to_string(),
        3 => "third".to_string(),
        n => format!("{n}th"),
    };
    Error::new(ErrorKind::DatatypeMismatch {
        sub: "UNEXPECTED_INPUT_TYPE",
        expr: format!("\"{shown}\""),
        message: format!(
            "The {ordinal} parameter requires the {required} type, however \"{input}\" has the type \"{}\".",
            catalog_string(actual).to_uppercase()
        ),
    })
}
