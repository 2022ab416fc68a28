//! `WithDefaults`: a function whose omitted trailing arguments Spark fills in with
//! constants (and then shows in column names): `locate(s, t)` is `locate(s, t, 1)`.

use std::sync::Arc;

use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

#[derive(Debug)]
pub struct WithDefaults<F> {
    pub inner: F,
    /// the value of argument `min_given + i` when a call stops before it
    pub defaults: fn() -> Vec<ScalarValue>,
    /// the number of arguments the defaults follow
    pub min_given: usize,
}

impl<F: ScalarFunctionImpl> ScalarFunctionImpl for WithDefaults<F> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        self.inner.invoke(args, num_rows, ctx)
    }

    fn is_deterministic(&self) -> bool {
        self.inner.is_deterministic()
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        self.inner.specialize(literals)
    }

    fn implicit_args(&self, given: usize) -> Vec<ScalarValue> {
        let defaults = (self.defaults)();
        if given < self.min_given || given >= self.min_given + defaults.len() {
            return Vec::new();
        }
        defaults.into_iter().skip(given - self.min_given).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::locate::locate;

    #[test]
    fn fills_only_missing_trailing_arguments() {
        let f = WithDefaults { inner: locate(), defaults: || vec![ScalarValue::Int32(Some(1))], min_given: 2 };
        assert_eq!(f.implicit_args(2), vec![ScalarValue::Int32(Some(1))]);
        assert!(f.implicit_args(3).is_empty());
        assert!(f.implicit_args(1).is_empty());
    }
}
