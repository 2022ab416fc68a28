//! Lambda functions and the higher-order functions that call them (`transform(a, x -> x + 1)`,
//! `aggregate`, `map_filter`, …): their expression nodes, the types their lambda
//! parameters are bound to, and their result types. Evaluation lives in `ember-physical`.

use std::fmt;

use arrow::datatypes::{DataType, Field, Fields};
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::expr::Expr;
use crate::expr_schema::unexpected_type_of;
use crate::schema::PlanSchema;

/// A parameter of a lambda function, read in its body (`x` in `x -> x + 1`). Spark shows
/// every one as `namedlambdavariable()`.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaVariable {
    pub name: String,
    /// How many lambdas enclose the one declaring the variable: with `index`, this names
    /// the variable unambiguously (`x -> transform(b, x -> x)` reads the inner `x`).
    pub depth: usize,
    /// The position of the variable among its lambda's parameters.
    pub index: usize,
    pub data_type: DataType,
    pub nullable: bool,
}

impl LambdaVariable {
    /// The column name a lambda's parameter takes in the batch its body runs on.
    pub fn column_name(&self) -> String {
        format!("__lambda{}_{}", self.depth, self.index)
    }
}

/// `(x, y) -> body`: an argument of a higher-order function.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaFunction {
    pub params: Vec<LambdaVariable>,
    pub body: Box<Expr>,
}

impl LambdaFunction {
    /// `x -> x` at `depth` over values of type `t` (the finish of `aggregate` without one).
    pub fn identity(depth: usize, t: DataType) -> Self {
        let x = LambdaVariable { name: "x".into(), depth, index: 0, data_type: t, nullable: true };
        LambdaFunction { params: vec![x.clone()], body: Box::new(Expr::LambdaVariable(x)) }
    }
}

/// The higher-order functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HigherOrderKind {
    Transform,
    Filter,
    Exists,
    Forall,
    Aggregate,
    /// `aggregate` under its other name
    Reduce,
    ZipWith,
    MapFilter,
    TransformKeys,
    TransformValues,
    MapZipWith,
    /// `array_sort(a, (l, r) -> …)` (without a comparator it is a plain function)
    ArraySort,
}

impl HigherOrderKind {
    pub const ALL: [HigherOrderKind; 12] = [
        Self::Transform,
        Self::Filter,
        Self::Exists,
        Self::Forall,
        Self::Aggregate,
        Self::Reduce,
        Self::ZipWith,
        Self::MapFilter,
        Self::TransformKeys,
        Self::TransformValues,
        Self::MapZipWith,
        Self::ArraySort,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Transform => "transform",
            Self::Filter => "filter",
            Self::Exists => "exists",
            Self::Forall => "forall",
            Self::Aggregate => "aggregate",
            Self::Reduce => "reduce",
            Self::ZipWith => "zip_with",
            Self::MapFilter => "map_filter",
            Self::TransformKeys => "transform_keys",
            Self::TransformValues => "transform_values",
            Self::MapZipWith => "map_zip_with",
            Self::ArraySort => "array_sort",
        }
    }

    /// The kind named `name` (lower case).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// How many value arguments come before the lambdas.
    pub fn value_args(self) -> usize {
        match self {
            Self::Aggregate | Self::Reduce | Self::ZipWith | Self::MapZipWith => 2,
            _ => 1,
        }
    }

    /// The accepted numbers of arguments, lambdas included.
    pub fn arg_counts(self) -> &'static [usize] {
        match self {
            Self::Aggregate | Self::Reduce => &[3, 4],
            Self::ZipWith | Self::MapZipWith => &[3],
            _ => &[2],
        }
    }

    /// The types (and nullability) the parameters of lambda number `lambda` (0-based)
    /// are bound to, given the value arguments' types and how many parameters the lambda
    /// declares; INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH when they do not fit.
    pub fn lambda_params(self, values: &[DataType], lambda: usize, declared: usize) -> Result<Vec<(DataType, bool)>> {
        let t0 = values.first().cloned().unwrap_or(DataType::Null);
        let elem = |t: &DataType| list_elem(t).unwrap_or(DataType::Null);
        let (k, v) = map_kv(&t0).unwrap_or((DataType::Null, DataType::Null));
        let params: Vec<(DataType, bool)> = match self {
            Self::Transform | Self::Filter if declared == 2 => vec![(elem(&t0), true), (DataType::Int32, false)],
            Self::Transform | Self::Filter | Self::Exists | Self::Forall => vec![(elem(&t0), true)],
            Self::Aggregate | Self::Reduce => {
                let acc = values.get(1).cloned().unwrap_or(DataType::Null);
                if lambda == 0 {
                    vec![(acc, true), (elem(&t0), true)]
                } else {
                    vec![(acc, true)]
                }
            }
            Self::ZipWith => vec![(elem(&t0), true), (elem(values.get(1).unwrap_or(&DataType::Null)), true)],
            Self::MapFilter | Self::TransformKeys | Self::TransformValues => vec![(k, false), (v, true)],
            Self::MapZipWith => {
                let v2 = values.get(1).and_then(map_kv).map(|(_, v)| v).unwrap_or(DataType::Null);
                vec![(k, false), (v, true), (v2, true)]
            }
            Self::ArraySort => vec![(elem(&t0), true), (elem(&t0), true)],
        };
        if params.len() != declared {
            return Err(Error::spark(
                "INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH",
                &[("expectedNumArgs", &declared.to_string()), ("actualNumArgs", &params.len().to_string())],
            ));
        }
        Ok(params)
    }

    /// Checks the value arguments' types (before the lambdas are bound): the first is an
    /// ARRAY (a MAP for the map functions), and so on.
    pub fn check_value_args(self, shown: &str, args: &[Expr], types: &[DataType]) -> Result<()> {
        let map_fn = matches!(self, Self::MapFilter | Self::TransformKeys | Self::TransformValues | Self::MapZipWith);
        for (i, (a, t)) in args.iter().zip(types).enumerate() {
            let needs_value = matches!(self, Self::Aggregate | Self::Reduce) && i == 1;
            if needs_value {
                continue;
            }
            let ok = if map_fn { map_kv(t).is_some() } else { list_elem(t).is_some() };
            if !ok {
                let required = if map_fn { "\"MAP\"" } else { "\"ARRAY\"" };
                return Err(mismatch(shown, i + 1, &a.to_string(), required, t));
            }
        }
        if self == Self::MapZipWith {
            let (k1, k2) = (map_kv(&types[0]).map(|x| x.0), map_kv(&types[1]).map(|x| x.0));
            if let (Some(k1), Some(k2)) = (k1, k2) {
                if k1 != k2 && k1 != DataType::Null && k2 != DataType::Null {
                    return Err(Error::new(ErrorKind::DatatypeMismatch {
                        sub: "MAP_ZIP_WITH_DIFF_TYPES",
                        expr: format!("\"{shown}\""),
                        message: format!(
                            "Input to the `map_zip_with` should have been two maps with compatible key types, but it's [\"{}\", \"{}\"].",
                            catalog_string(&k1).to_uppercase(),
                            catalog_string(&k2).to_uppercase()
                        ),
                    }));
                }
            }
        }
        Ok(())
    }
}

/// `kind(args…)`, where some arguments are [`Expr::Lambda`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct HigherOrderFunction {
    pub kind: HigherOrderKind,
    pub args: Vec<Expr>,
}

impl HigherOrderFunction {
    /// The lambda arguments, in order.
    pub fn lambdas(&self) -> impl Iterator<Item = &LambdaFunction> {
        self.args.iter().filter_map(|a| match a {
            Expr::Lambda(l) => Some(l),
            _ => None,
        })
    }

    /// The value (non-lambda) arguments, in order.
    pub fn values(&self) -> impl Iterator<Item = &Expr> {
        self.args.iter().filter(|a| !matches!(a, Expr::Lambda(_)))
    }

    /// The result type over rows of `schema`; checks the lambdas' result types.
    pub fn data_type(&self, schema: &PlanSchema) -> Result<DataType> {
        let shown = Expr::HigherOrderFunction(self.clone()).to_string();
        let values: Vec<&Expr> = self.values().collect();
        let lambdas: Vec<&LambdaFunction> = self.lambdas().collect();
        let types = values.iter().map(|v| v.data_type(schema)).collect::<Result<Vec<_>>>()?;
        let first = types.first().cloned().unwrap_or(DataType::Null);
        let body = |i: usize| -> Result<DataType> {
            lambdas.get(i).ok_or_else(|| Error::internal(format!("{shown}: lambda {i} missing")))?.body.data_type(schema)
        };
        let lambda_arg = |i: usize| Expr::Lambda(lambdas[i].clone()).to_string();
        let pos = self.kind.value_args() + 1;
        let require = |i: usize, t: &DataType, want: &DataType, name: &str| -> Result<()> {
            if t == want || *t == DataType::Null {
                Ok(())
            } else {
                Err(mismatch(&shown, pos + i, &lambda_arg(i), name, t))
            }
        };
        Ok(match self.kind {
            HigherOrderKind::Transform | HigherOrderKind::ZipWith => DataType::new_list(body(0)?, true),
            HigherOrderKind::Filter => {
                require(0, &body(0)?, &DataType::Boolean, "\"BOOLEAN\"")?;
                first
            }
            HigherOrderKind::MapFilter => {
                require(0, &body(0)?, &DataType::Boolean, "\"BOOLEAN\"")?;
                first
            }
            HigherOrderKind::Exists | HigherOrderKind::Forall => {
                require(0, &body(0)?, &DataType::Boolean, "\"BOOLEAN\"")?;
                DataType::Boolean
            }
            HigherOrderKind::ArraySort => {
                require(0, &body(0)?, &DataType::Int32, "\"INT\"")?;
                first
            }
            HigherOrderKind::Aggregate | HigherOrderKind::Reduce => {
                let zero = types.get(1).cloned().unwrap_or(DataType::Null);
                let merge = body(0)?;
                if merge != zero {
                    let want = format!("\"{}\"", catalog_string(&zero).to_uppercase());
                    return Err(mismatch(&shown, 3, &lambda_arg(0), &want, &merge));
                }
                body(1)?
            }
            HigherOrderKind::TransformKeys => {
                let (_, v) = map_kv(&first).unwrap_or((DataType::Null, DataType::Null));
                map_of(body(0)?, v)
            }
            HigherOrderKind::TransformValues | HigherOrderKind::MapZipWith => {
                let (k, _) = map_kv(&first).unwrap_or((DataType::Null, DataType::Null));
                map_of(k, body(0)?)
            }
        })
    }
}

impl fmt::Display for LambdaFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lambdafunction({}", self.body)?;
        for _ in &self.params {
            write!(f, ", namedlambdavariable()")?;
        }
        write!(f, ")")
    }
}

fn mismatch(shown: &str, param: usize, input: &str, required: &str, actual: &DataType) -> Error {
    unexpected_type_of(shown, param, input, required, actual)
}

fn list_elem(t: &DataType) -> Option<DataType> {
    match t {
        DataType::List(f) | DataType::LargeList(f) => Some(f.data_type().clone()),
        DataType::Null => Some(DataType::Null),
        _ => None,
    }
}

/// `(key, value)` types of a map type (NULL's for NULL), or `None`.
pub fn map_kv(t: &DataType) -> Option<(DataType, DataType)> {
    match t {
        DataType::Map(f, _) => match f.data_type() {
            DataType::Struct(fs) if fs.len() == 2 => Some((fs[0].data_type().clone(), fs[1].data_type().clone())),
            _ => None,
        },
        DataType::Null => Some((DataType::Null, DataType::Null)),
        _ => None,
    }
}

/// `map<key, value>` as Ember builds it (`entries` of non-null `key` and nullable `value`).
pub fn map_of(key: DataType, value: DataType) -> DataType {
    let entries = Fields::from(vec![Field::new("key", key, false), Field::new("value", value, true)]);
    DataType::Map(std::sync::Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)
}

/// Types the lambda parameters of every higher-order call in `expr` from its value
/// arguments over rows of `schema`, outermost call first (so nested calls see their
/// enclosing lambdas' types). The DataFrame API builds lambdas before their input is
/// known; SQL's binder types them already, and retyping them changes nothing.
pub fn resolve_lambdas(expr: Expr, schema: &PlanSchema) -> Result<Expr> {
    use ember_common::{Transformed, TreeNode};
    if !expr.exists(|e| matches!(e, Expr::HigherOrderFunction(_))) {
        return Ok(expr);
    }
    expr.transform_down(|e| {
        let Expr::HigherOrderFunction(h) = e else { return Ok(Transformed::no(e)) };
        let types = h.values().map(|v| v.data_type(schema)).collect::<Result<Vec<_>>>()?;
        let shown = Expr::HigherOrderFunction(h.clone()).to_string();
        h.kind.check_value_args(&shown, &h.values().cloned().collect::<Vec<_>>(), &types)?;
        let mut index = 0;
        let mut args = Vec::with_capacity(h.args.len());
        for a in h.args {
            let Expr::Lambda(l) = a else {
                args.push(a);
                continue;
            };
            let typed = h.kind.lambda_params(&types, index, l.params.len())?;
            index += 1;
            let params: Vec<LambdaVariable> = l
                .params
                .into_iter()
                .zip(typed)
                .map(|(p, (data_type, nullable))| LambdaVariable { data_type, nullable, ..p })
                .collect();
            let body = (*l.body)
                .transform_up(|b| match b {
                    Expr::LambdaVariable(v) => match params.iter().find(|p| p.depth == v.depth && p.index == v.index) {
                        Some(p) => Ok(Transformed::yes(Expr::LambdaVariable(p.clone()))),
                        None => Ok(Transformed::no(Expr::LambdaVariable(v))),
                    },
                    other => Ok(Transformed::no(other)),
                })?
                .data;
            args.push(Expr::Lambda(LambdaFunction { params, body: Box::new(body) }));
        }
        Ok(Transformed::yes(Expr::HigherOrderFunction(HigherOrderFunction { kind: h.kind, args })))
    })
    .map(|t| t.data)
}
