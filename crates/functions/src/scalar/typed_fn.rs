//! `TypedFunction`: a scalar function given by its name, arity, a coercion rule, a
//! result-type rule and a kernel over arrays; for functions whose signatures
//! `StringFunction`'s fixed parameter kinds cannot describe.

use std::fmt;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{check_arity, eval_arrays};

/// The coerced argument types for the given ones (`name` for errors).
pub type Coerce = fn(&str, &[DataType]) -> Result<Vec<DataType>>;
/// The result type for the coerced argument types.
pub type ReturnType = fn(&[DataType]) -> Result<DataType>;
/// Coerced argument arrays (all `rows` long) to the result array.
pub type Kernel = fn(&str, &[ArrayRef], usize, &FunctionContext) -> Result<ArrayRef>;

pub struct TypedFunction {
    pub name: &'static str,
    pub min_args: usize,
    pub max_args: usize,
    pub coerce: Coerce,
    pub returns: ReturnType,
    pub kernel: Kernel,
}

impl fmt::Debug for TypedFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl ScalarFunctionImpl for TypedFunction {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, arg_types.len(), self.min_args, self.max_args)?;
        (self.coerce)(self.name, arg_types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        (self.returns)(arg_types)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), self.min_args, self.max_args)?;
        eval_arrays(args, num_rows, |a, n| (self.kernel)(self.name, a, n, ctx))
    }
}
