//! Test fixtures: in-memory table sources, a few functions, a small constant
//! evaluator, and a mini executor that runs one rule to a fixed point.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::expr::{AggregateFunction, ScalarFunction};
use ember_plan::*;

use crate::executor::{Batch, RuleExecutor, Strategy};
use crate::rule::{ConstEvaluator, Rule, RuleContext};

/// A table source with a fixed schema and a fixed answer to `filter_pushdown`.
#[derive(Debug)]
pub struct TestSource {
    pub schema: SchemaRef,
    pub pushdown: FilterPushdown,
}

impl TableSource for TestSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn describe(&self) -> String {
        "test".into()
    }
    fn filter_pushdown(&self, _filter: &Expr) -> FilterPushdown {
        self.pushdown
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub fn source(fields: Vec<Field>, pushdown: FilterPushdown) -> Arc<dyn TableSource> {
    Arc::new(TestSource { schema: Arc::new(Schema::new(fields)), pushdown })
}

/// `t(a int, b int, c string)`, `a` not nullable.
pub fn scan_t() -> LogicalPlan {
    scan_with("t", FilterPushdown::Unsupported)
}

/// `t` whose source answers `pushdown` for every filter.
pub fn scan_with(name: &str, pushdown: FilterPushdown) -> LogicalPlan {
    let src = source(
        vec![Field::new("a", DataType::Int32, false), Field::new("b", DataType::Int32, true), Field::new("c", DataType::Utf8, true)],
        pushdown,
    );
    LogicalPlanBuilder::scan(name, src).unwrap().build()
}

/// `u(x int, y bigint, z string)`.
pub fn scan_u() -> LogicalPlan {
    let src = source(
        vec![Field::new("x", DataType::Int32, true), Field::new("y", DataType::Int64, true), Field::new("z", DataType::Utf8, true)],
        FilterPushdown::Unsupported,
    );
    LogicalPlanBuilder::scan("u", src).unwrap().build()
}

pub fn ctx() -> RuleContext {
    RuleContext::default().with_evaluator(Arc::new(TestEvaluator))
}

/// Runs `rule` alone to a fixed point (at most 10 iterations).
pub fn run(rule: impl Rule + 'static, plan: LogicalPlan) -> String {
    let ex = RuleExecutor::new(vec![Batch::new("test", Strategy::FixedPoint(10), vec![Arc::new(rule)])]);
    ex.execute(plan, &ctx()).unwrap().0.display_indent()
}

#[derive(Debug)]
struct TestScalar {
    name: &'static str,
    deterministic: bool,
}

impl ScalarFunctionImpl for TestScalar {
    fn name(&self) -> &str {
        self.name
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(arg_types.iter().map(|_| DataType::Utf8).collect())
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(if self.deterministic { DataType::Utf8 } else { DataType::Float64 })
    }
    fn invoke(&self, _: &[ColumnarValue], _: usize, _: &FunctionContext) -> Result<ColumnarValue> {
        Err(Error::unsupported("test function"))
    }
    fn is_deterministic(&self) -> bool {
        self.deterministic
    }
}

/// `upper(x)`: casts its argument to string.
pub fn upper(e: Expr) -> Expr {
    Expr::ScalarFunction(ScalarFunction { func: Arc::new(TestScalar { name: "upper", deterministic: true }), args: vec![e] })
}

/// `rand()`: not deterministic, double.
pub fn rand() -> Expr {
    Expr::ScalarFunction(ScalarFunction { func: Arc::new(TestScalar { name: "rand", deterministic: false }), args: vec![] })
}

#[derive(Debug)]
struct TestAggregate {
    name: &'static str,
}

impl AggregateFunctionImpl for TestAggregate {
    fn name(&self) -> &str {
        self.name
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(match self.name {
            "sum" => arg_types.iter().map(|_| DataType::Int64).collect(),
            _ => arg_types.to_vec(),
        })
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }
    fn nullable(&self) -> bool {
        self.name != "count"
    }
    fn state_fields(&self, _: &[DataType]) -> Result<Vec<Field>> {
        Ok(vec![])
    }
    fn create_accumulator(&self, _: &[DataType], _: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        Err(Error::unsupported("test aggregate"))
    }
}

fn aggregate(name: &'static str, e: Expr) -> Expr {
    Expr::AggregateFunction(AggregateFunction { func: Arc::new(TestAggregate { name }), args: vec![e], distinct: false, filter: None })
}

/// `sum(x)`: casts its argument to bigint.
pub fn sum(e: Expr) -> Expr {
    aggregate("sum", e)
}

/// `count(x)`.
pub fn count(e: Expr) -> Expr {
    aggregate("count", e)
}

/// Evaluates literals, casts, integer arithmetic, comparisons and boolean logic.
pub struct TestEvaluator;

impl ConstEvaluator for TestEvaluator {
    fn evaluate(&self, expr: &Expr) -> Result<ScalarValue> {
        eval(expr)
    }
}

fn eval(expr: &Expr) -> Result<ScalarValue> {
    match expr {
        Expr::Literal(v) => Ok(v.clone()),
        Expr::Alias(a) => eval(&a.expr),
        Expr::Cast(c) => eval(&c.expr)?.cast_to(&c.data_type),
        Expr::Not(e) => Ok(ScalarValue::Boolean(eval(e)?.as_bool().map(|b| !b))),
        Expr::BinaryExpr(b) => {
            let (l, r) = (eval(&b.left)?, eval(&b.right)?);
            let dt = expr.data_type(&PlanSchema::empty())?;
            if b.op.is_logical() {
                let (l, r) = (l.as_bool(), r.as_bool());
                let v = match b.op {
                    Operator::And => match (l, r) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    },
                    _ => match (l, r) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                };
                return Ok(ScalarValue::Boolean(v));
            }
            let (Some(l), Some(r)) = (l.as_i64(), r.as_i64()) else { return ScalarValue::null_of(&dt) };
            let v = match b.op {
                Operator::Plus => l + r,
                Operator::Minus => l - r,
                Operator::Multiply => l * r,
                Operator::IntDivide | Operator::Modulo | Operator::Divide if r == 0 => {
                    return Err(Error::new(ErrorKind::DivideByZero))
                }
                Operator::IntDivide => l / r,
                Operator::Modulo => l % r,
                Operator::Eq => return Ok(ScalarValue::Boolean(Some(l == r))),
                Operator::Lt => return Ok(ScalarValue::Boolean(Some(l < r))),
                Operator::Gt => return Ok(ScalarValue::Boolean(Some(l > r))),
                _ => return Err(Error::unsupported("test evaluator operator")),
            };
            ScalarValue::Int64(Some(v)).cast_to(&dt)
        }
        _ => Err(Error::unsupported("test evaluator expression")),
    }
}

/// `a + b`.
pub fn plus(a: Expr, b: Expr) -> Expr {
    Expr::binary(a, Operator::Plus, b)
}

/// `g(id int, tags array<int>, flags array<boolean>)`.
pub fn scan_g() -> LogicalPlan {
    let src = source(
        vec![
            Field::new("id", DataType::Int32, true),
            Field::new("tags", DataType::new_list(DataType::Int32, true), true),
            Field::new("flags", DataType::new_list(DataType::Boolean, true), true),
        ],
        FilterPushdown::Unsupported,
    );
    LogicalPlanBuilder::scan("g", src).unwrap().build()
}

/// `explode(e)`.
pub fn explode(e: Expr) -> Expr {
    Expr::Generator(ember_plan::expr::Generator { kind: ember_plan::expr::GeneratorKind::Explode, outer: false, arg: Box::new(e) })
}

/// A table source with a known row count, for rules that use estimates.
#[derive(Debug)]
pub struct SizedSource {
    pub schema: SchemaRef,
    pub rows: u64,
}

impl TableSource for SizedSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn describe(&self) -> String {
        format!("{} rows", self.rows)
    }
    fn estimated_rows(&self) -> Option<u64> {
        Some(self.rows)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A table `name` of `rows` rows with bigint columns `<name>_k` and `<name>_v`.
pub fn sized_table(name: &str, rows: u64) -> LogicalPlanBuilder {
    let fields = ["k", "v"].map(|c| Field::new(format!("{name}_{c}"), DataType::Int64, true));
    LogicalPlanBuilder::scan(name, Arc::new(SizedSource { schema: Arc::new(Schema::new(fields.to_vec())), rows })).unwrap()
}
