//! `Aliased`: a function under another name (`substr` for `substring`, `ucase` for
//! `upper`, …). Spark keeps the name the user wrote in column names and errors.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use ember_common::interval_type::IntervalType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{AggregateFunctionImpl, ColumnarValue, FunctionContext, GroupsAccumulator, ScalarFunctionImpl};

/// Renames the function in WRONG_NUM_ARGS errors.
fn rename(e: Error, alias: &str) -> Error {
    match e.kind() {
        ErrorKind::WrongNumArgs { expected, found, .. } => {
            Error::new(ErrorKind::WrongNumArgs { name: alias.to_string(), expected: expected.clone(), found: *found })
        }
        _ => e,
    }
}

#[derive(Debug)]
pub struct AliasedScalar {
    pub alias: String,
    pub inner: Arc<dyn ScalarFunctionImpl>,
}

impl ScalarFunctionImpl for AliasedScalar {
    fn name(&self) -> &str {
        &self.alias
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types).map_err(|e| rename(e, &self.alias))
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn result_interval_type(&self, arg_types: &[Option<IntervalType>]) -> Option<IntervalType> {
        self.inner.result_interval_type(arg_types)
    }

    fn check_interval_args(&self, arg_types: &[Option<IntervalType>]) -> Result<()> {
        self.inner.check_interval_args(arg_types)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        self.inner.invoke(args, num_rows, ctx)
    }

    fn is_deterministic(&self) -> bool {
        self.inner.is_deterministic()
    }

    fn implicit_args(&self, given: usize) -> Vec<ember_plan::ScalarValue> {
        self.inner.implicit_args(given)
    }

    /// The target's own display under the alias (`REGEXP(a, b)` for `RLIKE(a, b)`).
    fn display_call(&self, args: &[String]) -> Option<String> {
        let text = self.inner.display_call(args)?;
        let name = self.inner.name();
        if let Some(rest) = text.strip_prefix(&name.to_ascii_uppercase()) {
            return Some(format!("{}{rest}", self.alias.to_ascii_uppercase()));
        }
        Some(text.strip_prefix(name).map_or(text.clone(), |rest| format!("{}{rest}", self.alias)))
    }

    fn specialize(&self, literals: &[Option<&ember_plan::ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let specialized = self.inner.specialize(literals).map_err(|e| rename(e, &self.alias))?;
        Ok(specialized.map(|inner| Arc::new(AliasedScalar { alias: self.alias.clone(), inner }) as Arc<dyn ScalarFunctionImpl>))
    }
}

#[derive(Debug)]
pub struct AliasedAggregate {
    pub alias: String,
    pub inner: Arc<dyn AggregateFunctionImpl>,
}

impl AggregateFunctionImpl for AliasedAggregate {
    fn name(&self) -> &str {
        &self.alias
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types).map_err(|e| rename(e, &self.alias))
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn result_interval_type(&self, arg_types: &[Option<IntervalType>]) -> Option<IntervalType> {
        self.inner.result_interval_type(arg_types)
    }

    fn nullable(&self) -> bool {
        self.inner.nullable()
    }

    fn state_fields(&self, arg_types: &[DataType]) -> Result<Vec<Field>> {
        self.inner.state_fields(arg_types)
    }

    fn create_accumulator(&self, arg_types: &[DataType], ctx: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>> {
        self.inner.create_accumulator(arg_types, ctx)
    }
}
