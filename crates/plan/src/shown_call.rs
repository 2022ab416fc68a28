//! `ShownCall`: a function Spark rewrites into another expression at analysis
//! (`int(x)` is `CAST(x AS INT)`, `try_add(a, b)` is `a + b` in TRY mode, `mod(a, b)`
//! is `a % b`) but still shows under the name the user wrote.
//!
//! The call wraps the rewritten expression as its one argument and passes its value
//! through. In TRY mode ([`ScalarFunctionImpl::try_eval`]) the argument is evaluated with
//! ANSI errors on and a row whose evaluation fails is NULL, as Spark's `TryEval`.

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::interval_type::IntervalType;
use ember_common::{Error, Result};

use crate::expr::ScalarFunction;
use crate::function::{ColumnarValue, FunctionContext, ScalarFunctionImpl};
use crate::Expr;

#[derive(Debug)]
pub struct ShownCall {
    /// The function name the user wrote (`try_add`, `int`, …).
    pub name: String,
    /// How the call shows in column names and plans, fixed when it is bound.
    pub shown: String,
    /// Errors while evaluating the argument give NULL (Spark's `TryEval`).
    pub try_mode: bool,
}

impl ShownCall {
    /// `inner` shown as `shown`, e.g. `mod(a, b)` for `a % b`.
    pub fn wrap(name: &str, shown: String, inner: Expr, try_mode: bool) -> Expr {
        let func = Arc::new(ShownCall { name: name.to_string(), shown, try_mode });
        Expr::ScalarFunction(ScalarFunction { func, args: vec![inner] })
    }

    /// `name(a, b, …)` as Spark renders a call of `args`.
    pub fn call_text(name: &str, args: &[Expr]) -> String {
        let rendered: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        format!("{name}({})", rendered.join(", "))
    }
}

fn one_arg<T: Clone>(name: &str, args: &[T]) -> Result<T> {
    match args {
        [a] => Ok(a.clone()),
        _ => Err(Error::internal(format!("{name} wraps one expression, got {}", args.len()))),
    }
}

impl ScalarFunctionImpl for ShownCall {
    fn name(&self) -> &str {
        &self.name
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(arg_types.to_vec())
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        one_arg(&self.name, arg_types)
    }

    fn result_interval_type(&self, arg_types: &[Option<IntervalType>]) -> Option<IntervalType> {
        arg_types.first().copied().flatten()
    }

    fn invoke(&self, args: &[ColumnarValue], _num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        one_arg(&self.name, args)
    }

    fn try_eval(&self) -> bool {
        self.try_mode
    }

    fn display_call(&self, _args: &[String]) -> Option<String> {
        Some(self.shown.clone())
    }
}
