//! `TryFunction`: the `try_` form of a function (`try_to_number`, `try_make_timestamp`,
//! `try_url_decode`, …): the function with ANSI mode off, and NULL for each row that
//! still fails, as Spark's `try_` expressions with `failOnError = false`.

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef};
use arrow::compute::concat;
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl, ScalarValue};

#[derive(Debug)]
pub struct TryFunction {
    pub name: &'static str,
    pub inner: Arc<dyn ScalarFunctionImpl>,
}

impl TryFunction {
    pub fn new(name: &'static str, inner: impl ScalarFunctionImpl + 'static) -> Self {
        TryFunction { name, inner: Arc::new(inner) }
    }

    /// Row by row: each row that fails is NULL.
    fn per_row(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let rt = self.inner.return_type(&types)?;
        let arrays = args.iter().map(|a| a.clone().into_array(num_rows)).collect::<Result<Vec<_>>>()?;
        let mut parts: Vec<ArrayRef> = Vec::with_capacity(num_rows);
        for row in 0..num_rows {
            let one: Vec<ColumnarValue> = arrays.iter().map(|a| ColumnarValue::Array(a.slice(row, 1))).collect();
            let value = match self.inner.invoke(&one, 1, ctx).and_then(|v| v.into_array(1)) {
                Ok(v) if v.data_type() == &rt => v,
                _ => new_null_array(&rt, 1),
            };
            parts.push(value);
        }
        if parts.is_empty() {
            return Ok(ColumnarValue::Array(arrow::array::new_empty_array(&rt)));
        }
        let refs: Vec<&dyn Array> = parts.iter().map(|p| p.as_ref()).collect();
        Ok(ColumnarValue::Array(concat(&refs)?))
    }
}

impl ScalarFunctionImpl for TryFunction {
    fn name(&self) -> &str {
        self.name
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        let lenient = FunctionContext { ansi: false, ..ctx.clone() };
        match self.inner.invoke(args, num_rows, &lenient) {
            Ok(v) => Ok(v),
            Err(_) if args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_))) && !args.is_empty() => {
                let rt = self.inner.return_type(&args.iter().map(|a| a.data_type()).collect::<Vec<_>>())?;
                Ok(ColumnarValue::Scalar(ScalarValue::null_of(&rt)?))
            }
            Err(_) => self.per_row(args, num_rows, &lenient),
        }
    }

    fn is_deterministic(&self) -> bool {
        self.inner.is_deterministic()
    }

    fn implicit_args(&self, given: usize) -> Vec<ScalarValue> {
        self.inner.implicit_args(given)
    }

    /// Spark leaves the zone out of `try_make_timestamp`'s name.
    fn display_call(&self, args: &[String]) -> Option<String> {
        match (self.name, args.len()) {
            ("try_make_timestamp", 7) => Some(format!("{}({})", self.name, args[..6].join(", "))),
            _ => None,
        }
    }

    fn specialize(&self, literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        let specialized = self.inner.specialize(literals)?;
        Ok(specialized.map(|inner| Arc::new(TryFunction { name: self.name, inner }) as Arc<dyn ScalarFunctionImpl>))
    }
}
