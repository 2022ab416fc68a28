//! Window frames: `ROWS|RANGE BETWEEN start AND end` with their bounds, Spark's
//! default frames, the checks Spark makes on a frame alone, and Spark's SQL text
//! for them (`ROWS BETWEEN 1 PRECEDING AND CURRENT ROW`).

use std::fmt;

use arrow::datatypes::DataType;
use ember_common::types::catalog_string;
use ember_common::{Error, ErrorKind, Result};

use crate::coercion::{is_integral, is_numeric};
use crate::expr::SortExpr;
use crate::scalar::ScalarValue;

/// ROWS (physical offsets) or RANGE (offsets on the value of the ORDER BY key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowFrameUnits {
    Rows,
    Range,
}

/// One end of a frame. Offsets are literals (`Preceding(1)` is `1 PRECEDING`).
#[derive(Debug, Clone, PartialEq)]
pub enum WindowFrameBound {
    UnboundedPreceding,
    Preceding(ScalarValue),
    CurrentRow,
    Following(ScalarValue),
    UnboundedFollowing,
}

/// `ROWS|RANGE BETWEEN start AND end`.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowFrame {
    pub units: WindowFrameUnits,
    pub start: WindowFrameBound,
    pub end: WindowFrameBound,
}

impl WindowFrame {
    pub fn new(units: WindowFrameUnits, start: WindowFrameBound, end: WindowFrameBound) -> Self {
        WindowFrame { units, start, end }
    }

    /// `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` (ranking functions).
    pub fn rows_to_current() -> Self {
        WindowFrame::new(WindowFrameUnits::Rows, WindowFrameBound::UnboundedPreceding, WindowFrameBound::CurrentRow)
    }

    /// Spark's default: with ORDER BY, `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT
    /// ROW` (peers included); without, the whole partition.
    pub fn default_for(ordered: bool) -> Self {
        if ordered {
            WindowFrame::new(WindowFrameUnits::Range, WindowFrameBound::UnboundedPreceding, WindowFrameBound::CurrentRow)
        } else {
            WindowFrame::new(WindowFrameUnits::Rows, WindowFrameBound::UnboundedPreceding, WindowFrameBound::UnboundedFollowing)
        }
    }

    /// True for frames with a value offset (`n PRECEDING` / `n FOLLOWING`).
    pub fn has_offsets(&self) -> bool {
        [&self.start, &self.end].iter().any(|b| b.offset().is_some())
    }

    /// `SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE`: the `location` ("lower" or "upper")
    /// bound has type `t`, which the frame's units do not accept.
    pub(crate) fn unaccepted_type(&self, location: &str, t: &DataType) -> Error {
        let expected = match self.units {
            WindowFrameUnits::Rows => "\"INT\"",
            WindowFrameUnits::Range => "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")",
        };
        Error::new(ErrorKind::DatatypeMismatch {
            sub: "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE",
            expr: format!("\"{self}\""),
            message: format!(
                "The data type of the {location} bound \"{}\" does not match the expected data type {expected}.",
                catalog_string(t).to_uppercase()
            ),
        })
    }

    /// The first bound with an offset: "lower" or "upper".
    pub(crate) fn first_offset_location(&self) -> &'static str {
        if self.start.offset().is_some() {
            "lower"
        } else {
            "upper"
        }
    }

    /// Spark's checks on the frame alone (`SpecifiedWindowFrame.checkInputDataTypes`).
    pub(crate) fn check(&self, order_by: &[SortExpr]) -> Result<()> {
        use WindowFrameBound::*;
        let mismatch =
            |sub: &'static str, message: String| Err(Error::new(ErrorKind::DatatypeMismatch { sub, expr: format!("\"{self}\""), message }));
        if matches!(self.start, UnboundedFollowing) || matches!(self.end, UnboundedPreceding) {
            return mismatch(
                "SPECIFIED_WINDOW_FRAME_INVALID_BOUND",
                format!("Window frame upper bound \"{}\" does not follow the lower bound \"{}\".", self.end, self.start),
            );
        }
        for (b, location) in [(&self.start, "lower"), (&self.end, "upper")] {
            if let Preceding(v) | Following(v) = b {
                let t = v.data_type();
                let ok = match self.units {
                    WindowFrameUnits::Rows => is_integral(&t),
                    WindowFrameUnits::Range => is_numeric(&t),
                };
                if !ok || v.is_null() {
                    return Err(self.unaccepted_type(location, &t));
                }
            }
        }
        // Spark compares only two value offsets (`CURRENT ROW AND 1 PRECEDING` is an
        // empty frame, not an error).
        let both_values = [&self.start, &self.end].iter().all(|b| matches!(b, Preceding(_) | Following(_)));
        if let (true, Some(l), Some(u)) = (both_values, self.start.signed_offset(), self.end.signed_offset()) {
            if l > u {
                return mismatch(
                    "SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON",
                    "The lower bound of a window frame must be less than or equal to the upper bound.".into(),
                );
            }
        }
        if self.units == WindowFrameUnits::Range && self.has_offsets() {
            let spec = order_by.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ");
            match order_by {
                [] => return mismatch("RANGE_FRAME_WITHOUT_ORDER", "A range window frame cannot be used in an unordered window specification.".into()),
                [_] => {}
                _ => {
                    return mismatch(
                        "RANGE_FRAME_MULTI_ORDER",
                        format!("A range window frame with value boundaries cannot be used in a window specification with multiple order by expressions: {spec}."),
                    )
                }
            }
        }
        Ok(())
    }
}

impl WindowFrameBound {
    /// The offset of `n PRECEDING` / `n FOLLOWING`.
    pub fn offset(&self) -> Option<&ScalarValue> {
        match self {
            WindowFrameBound::Preceding(v) | WindowFrameBound::Following(v) => Some(v),
            _ => None,
        }
    }

    /// The offset as a signed number of rows/values (PRECEDING negative), for offsets.
    pub fn signed_offset(&self) -> Option<f64> {
        let num = |v: &ScalarValue| -> Option<f64> {
            match v {
                ScalarValue::Int8(Some(x)) => Some(*x as f64),
                ScalarValue::Int16(Some(x)) => Some(*x as f64),
                ScalarValue::Int32(Some(x)) => Some(*x as f64),
                ScalarValue::Int64(Some(x)) => Some(*x as f64),
                ScalarValue::Float32(Some(x)) => Some(*x as f64),
                ScalarValue::Float64(Some(x)) => Some(*x),
                ScalarValue::Decimal128(Some(x), _, s) => Some(*x as f64 / 10f64.powi(*s as i32)),
                _ => None,
            }
        };
        match self {
            WindowFrameBound::Preceding(v) => num(v).map(|x| -x),
            WindowFrameBound::Following(v) => num(v),
            WindowFrameBound::CurrentRow => Some(0.0),
            _ => None,
        }
    }
}

impl fmt::Display for WindowFrameBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowFrameBound::UnboundedPreceding => write!(f, "UNBOUNDED PRECEDING"),
            WindowFrameBound::Preceding(v) => write!(f, "{v} PRECEDING"),
            WindowFrameBound::CurrentRow => write!(f, "CURRENT ROW"),
            WindowFrameBound::Following(v) => write!(f, "{v} FOLLOWING"),
            WindowFrameBound::UnboundedFollowing => write!(f, "UNBOUNDED FOLLOWING"),
        }
    }
}

impl fmt::Display for WindowFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = match self.units {
            WindowFrameUnits::Rows => "ROWS",
            WindowFrameUnits::Range => "RANGE",
        };
        write!(f, "{units} BETWEEN {} AND {}", self.start, self.end)
    }
}
