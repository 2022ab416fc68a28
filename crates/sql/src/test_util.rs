//! Test fixtures: a small catalog of in-memory tables and a function registry whose
//! functions only know their types.

use std::sync::Arc;

use arrow::array::ListArray;
use arrow::datatypes::{DataType, Field, Int32Type};
use ember_common::{Config, Error, ErrorKind, Result};
use ember_plan::expr_schema::unexpected_type;
use ember_plan::{
    lit, AggregateFunctionImpl, CatalogLookup, ColumnarValue, Expr, FunctionContext, FunctionRegistry, GroupsAccumulator, LogicalPlan,
    LogicalPlanBuilder, ScalarFunctionImpl, ScalarValue, Statement,
};

use crate::Binder;

pub struct TestCatalog;

fn table(rows: Vec<Vec<Expr>>, names: &[&str]) -> LogicalPlan {
    LogicalPlanBuilder::values(rows, Some(names.iter().map(|s| s.to_string()).collect())).expect("valid test table").build()
}

impl CatalogLookup for TestCatalog {
    fn table(&self, name: &ember_plan::TableName) -> Result<Option<LogicalPlan>> {
        let dec = |v: i128| Expr::Literal(ScalarValue::Decimal128(Some(v), 10, 2));
        let name = match name.parts.as_slice() {
            [t] => t.clone(),
            [db, t] if db.eq_ignore_ascii_case("default") => t.clone(),
            _ => return Ok(None),
        };
        Ok(match name.to_ascii_lowercase().as_str() {
            "people" => Some(table(
                vec![vec![lit(1), lit("ann"), lit(30), lit("eng")], vec![lit(2), lit("bob"), lit(40), lit("ops")]],
                &["id", "name", "age", "dept"],
            )),
            "orders" => Some(table(vec![vec![lit(10), lit(1), dec(1250)]], &["id", "person_id", "amount"])),
            "arrays" => {
                let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), Some(2)])]);
                Some(table(vec![vec![lit(1), Expr::Literal(ScalarValue::Nested(Arc::new(list)))]], &["k", "xs"]))
            }
            _ => None,
        })
    }

    fn table_names(&self) -> Vec<String> {
        vec!["people".into(), "orders".into(), "arrays".into()]
    }

    fn file_table(&self, format: &str, path: &str) -> Result<LogicalPlan> {
        if path.contains("missing") {
            return Err(Error::new(ErrorKind::PathNotFound { path: path.into() }));
        }
        Ok(table(vec![vec![lit(format), lit(path)]], &["format", "path"]))
    }
}

#[derive(Debug)]
struct TestScalar(&'static str);

fn arity(name: &str, args: &[DataType], range: std::ops::RangeInclusive<usize>) -> Result<()> {
    if range.contains(&args.len()) {
        return Ok(());
    }
    let expected = if range.start() == range.end() { range.start().to_string() } else { format!("[{}, {}]", range.start(), range.end()) };
    Err(Error::new(ErrorKind::WrongNumArgs { name: name.into(), expected, found: args.len() }))
}

fn string_like(name: &str, i: usize, t: &DataType) -> Result<()> {
    match t {
        DataType::Utf8 | DataType::Null => Ok(()),
        t if t.is_numeric() => Ok(()),
        t => Err(unexpected_type(&Expr::Literal(ScalarValue::Null), i + 1, name, "\"STRING\"", t)),
    }
}

impl ScalarFunctionImpl for TestScalar {
    fn name(&self) -> &str {
        self.0
    }
    fn coerce_types(&self, args: &[DataType]) -> Result<Vec<DataType>> {
        match self.0 {
            "upper" | "lower" | "length" => arity(self.0, args, 1..=1)?,
            "trim" | "ltrim" | "rtrim" => arity(self.0, args, 1..=2)?,
            "substring" | "substr" => arity(self.0, args, 2..=3)?,
            "concat" | "coalesce" | "array" => {}
            _ => {}
        }
        if matches!(self.0, "upper" | "lower" | "length" | "concat" | "trim") {
            for (i, t) in args.iter().enumerate() {
                string_like(self.0, i, t)?;
            }
        }
        Ok(args.to_vec())
    }
    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        Ok(match self.0 {
            "length" => DataType::Int32,
            "coalesce" => args.iter().find(|t| **t != DataType::Null).cloned().unwrap_or(DataType::Null),
            "array" => DataType::new_list(args.first().cloned().unwrap_or(DataType::Null), true),
            _ => DataType::Utf8,
        })
    }
    fn invoke(&self, _: &[ColumnarValue], _: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        Err(Error::internal("test function"))
    }
}

#[derive(Debug)]
struct TestAggregate(&'static str);

impl AggregateFunctionImpl for TestAggregate {
    fn name(&self) -> &str {
        self.0
    }
    fn coerce_types(&self, args: &[DataType]) -> Result<Vec<DataType>> {
        if self.0 != "count" {
            arity(self.0, args, 1..=1)?;
        }
        Ok(args.to_vec())
    }
    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        Ok(match (self.0, args.first()) {
            ("count", _) => DataType::Int64,
            ("avg", _) => DataType::Float64,
            ("sum", Some(DataType::Decimal128(p, s))) => DataType::Decimal128((*p + 10).min(38), *s),
            ("sum", Some(t)) if t.is_integer() => DataType::Int64,
            ("sum", _) => DataType::Float64,
            (_, Some(t)) => t.clone(),
            (_, None) => DataType::Null,
        })
    }
    fn nullable(&self) -> bool {
        self.0 != "count"
    }
    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Err(Error::internal("test function"))
    }
    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Err(Error::internal("test function"))
    }
}

pub struct TestFunctions;

const SCALARS: [&str; 11] = ["upper", "lower", "length", "concat", "substring", "substr", "trim", "ltrim", "rtrim", "coalesce", "array"];
const AGGREGATES: [&str; 5] = ["count", "sum", "avg", "min", "max"];

impl FunctionRegistry for TestFunctions {
    fn scalar(&self, name: &str) -> Option<Arc<dyn ScalarFunctionImpl>> {
        SCALARS.iter().find(|n| **n == name).map(|n| Arc::new(TestScalar(n)) as Arc<dyn ScalarFunctionImpl>)
    }
    fn aggregate(&self, name: &str) -> Option<Arc<dyn AggregateFunctionImpl>> {
        AGGREGATES.iter().find(|n| **n == name).map(|n| Arc::new(TestAggregate(n)) as Arc<dyn AggregateFunctionImpl>)
    }
    fn names(&self) -> Vec<String> {
        SCALARS.iter().chain(AGGREGATES.iter()).map(|s| s.to_string()).collect()
    }
}

/// Binds `sql` with the test catalog and functions.
pub fn bind(sql: &str) -> Result<Statement> {
    let config = Config::new();
    Binder::new(&TestCatalog, &TestFunctions, &config).bind_sql(sql)
}

/// The bound query's plan tree, or the error text.
pub fn plan(sql: &str) -> String {
    match bind(sql) {
        Ok(Statement::Query(p)) => p.display_indent(),
        Ok(other) => format!("{other:?}"),
        Err(e) => e.to_string(),
    }
}

/// The error of `sql`, which must fail.
pub fn err(sql: &str) -> Error {
    match bind(sql) {
        Ok(s) => panic!("expected an error for {sql}, got {s:?}"),
        Err(e) => e,
    }
}
