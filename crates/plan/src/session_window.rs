//! `session_window(ts, gap)` (Spark's `SessionWindow`): a row's own session,
//! `[ts, ts + gap)`, with a static gap string or a per-row gap expression. A row whose
//! time is NULL or whose gap is NULL, unreadable or not positive has no session (NULL),
//! and the analyzer's filter drops it, as Spark's `SessionWindowing` does. Sessions of
//! one group key are merged by the physical `UpdatingSessionsExec` below an aggregate.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;
use ember_common::{Error, Result};

use crate::calendar_interval::{read_unit_list, Calendar};
use crate::datetime::{add_months_to_date, Zone};
use crate::expr::ScalarFunction;
use crate::function::{ColumnarValue, FunctionContext, ScalarFunctionImpl};
use crate::scalar::ScalarValue;
use crate::Expr;
use crate::time_window::{coerce_time_column, spark_type_class, time_micros, window_array, window_struct_type, window_struct_time_type, SESSION_COLUMN};

/// `session_window(ts, gap)`, shown as `session_window`; once the analyzer has put it
/// below the operator that used it, `session_at(ts, gap)`.
#[derive(Debug, Default)]
pub struct SessionWindowFunction {
    resolved: bool,
}

impl SessionWindowFunction {
    /// `session_at(ts, gap)`: the projection the analyzer puts below a session window's user.
    pub fn resolved_call(args: Vec<Expr>) -> Expr {
        Expr::ScalarFunction(ScalarFunction { func: Arc::new(SessionWindowFunction { resolved: true }), args })
    }
}

impl ScalarFunctionImpl for SessionWindowFunction {
    fn name(&self) -> &str {
        if self.resolved {
            "session_at"
        } else {
            "session_window"
        }
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let [time, gap] = arg_types else {
            return Err(Error::new(ember_common::ErrorKind::WrongNumArgs { name: "session_window".into(), expected: "2".into(), found: arg_types.len() }));
        };
        if !matches!(gap, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null) {
            return Err(Error::spark("_LEGACY_ERROR_TEMP_1040", &[("dt", &spark_type_class(gap))]));
        }
        Ok(vec![coerce_time_column("sessionwindow", time)?, DataType::Utf8])
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        let t = arg_types.first().ok_or_else(|| Error::internal("session_window without arguments"))?;
        Ok(window_struct_type(&window_struct_time_type(t).unwrap_or_else(|| t.clone())))
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        let time = args[0].clone().into_array(num_rows)?;
        let time_type = window_struct_time_type(time.data_type()).unwrap_or_else(|| time.data_type().clone());
        // TIMESTAMP adds days and months on the session zone's calendar, TIMESTAMP_NTZ on UTC's
        let zone = match &time_type {
            DataType::Timestamp(_, Some(_)) => Zone::of(&ctx.time_zone),
            _ => Zone::UTC,
        };
        let ts = time_micros(&time)?;
        let session = |t: Option<i64>, gap: Option<&Calendar>| {
            let (t, gap) = (t?, gap?);
            let end = timestamp_add_calendar(zone, t, gap)?;
            (end > t).then_some((t, end))
        };
        let out = match &args[1] {
            ColumnarValue::Scalar(s) => {
                let gap = match s {
                    ScalarValue::Utf8(Some(g)) => read_unit_list(g).ok(),
                    _ => None,
                };
                window_array(&time_type, ts.iter().map(|t| session(t, gap.as_ref())))
            }
            ColumnarValue::Array(a) => {
                let gaps = a.as_string_opt::<i32>().ok_or_else(|| Error::internal(format!("session_window gap of type {}", a.data_type())))?;
                window_array(&time_type, ts.iter().zip(gaps.iter()).map(|(t, g)| session(t, g.and_then(|g| read_unit_list(g).ok()).as_ref())))
            }
        };
        Ok(ColumnarValue::Array(out))
    }

    fn display_call(&self, _args: &[String]) -> Option<String> {
        (!self.resolved).then(|| SESSION_COLUMN.to_string())
    }
}

/// `ts + interval` as Spark's `timestampAddInterval`: months, then days on the local
/// calendar of `zone`, then the microseconds as elapsed time; `None` on overflow.
pub fn timestamp_add_calendar(zone: Zone, ts: i64, interval: &Calendar) -> Option<i64> {
    let moved = if interval.months == 0 && interval.days == 0 {
        ts
    } else {
        let local = zone.to_local(ts)?;
        let date = add_months_to_date(local.date(), interval.months)?;
        let local = date.and_time(local.time()).checked_add_signed(chrono::Duration::try_days(interval.days as i64)?)?;
        zone.to_utc_micros(local)?
    };
    moved.checked_add(interval.micros)
}

/// The registry's `session_window`.
pub fn session_window() -> Arc<dyn ScalarFunctionImpl> {
    Arc::new(SessionWindowFunction::default())
}
