//! `window_time(w)`: the time of an event-time window, its end minus one microsecond,
//! typed as the window's bounds (Spark's `WindowTime`). The windows themselves,
//! `window` and `session_window`, are in `ember_plan::time_window` and
//! `ember_plan::session_window`, next to the analyzer rule that expands them.

use std::sync::Arc;

use arrow::array::AsArray;
use arrow::datatypes::DataType;
use ember_common::{Error, ErrorKind, Result};
use ember_plan::time_window::{window_struct_time_type, window_time_array};
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

#[derive(Debug)]
pub struct WindowTime;

impl ScalarFunctionImpl for WindowTime {
    fn name(&self) -> &str {
        "window_time"
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        match arg_types {
            [t] if window_struct_time_type(t).is_some() => Ok(arg_types.to_vec()),
            [_] => Err(Error::spark("_LEGACY_ERROR_TEMP_3101", &[("windowTime", "window_time")])),
            _ => Err(Error::new(ErrorKind::WrongNumArgs { name: "window_time".into(), expected: "1".into(), found: arg_types.len() })),
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        arg_types.first().and_then(window_struct_time_type).ok_or_else(|| Error::internal("window_time of a non-window"))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, _ctx: &FunctionContext) -> Result<ColumnarValue> {
        let a = args[0].clone().into_array(num_rows)?;
        let s = a.as_struct_opt().ok_or_else(|| Error::internal("window_time of a non-struct"))?;
        let out = window_time_array(s)?;
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}
