//! Facts about the engine and the session: `version()` (the Spark version Ember
//! follows) and `current_timezone()`.

use std::sync::Arc;

use arrow::array::StringArray;
use arrow::datatypes::DataType;

use super::typed_fn::TypedFunction;

/// What Spark 4.2.1's `version()` returns: the release and its git revision.
pub const SPARK_VERSION: &str = "4.2.1 617618396087429b5627a86ce933bb0f5d6645cb";

pub fn version() -> TypedFunction {
    TypedFunction {
        name: "version",
        min_args: 0,
        max_args: 0,
        coerce: |_, _| Ok(vec![]),
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, _, n, _| Ok(Arc::new(StringArray::from(vec![SPARK_VERSION; n]))),
    }
}

/// `current_timezone()`: the session time zone (`spark.sql.session.timeZone`).
pub fn current_timezone() -> TypedFunction {
    TypedFunction {
        name: "current_timezone",
        min_args: 0,
        max_args: 0,
        coerce: |_, _| Ok(vec![]),
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, _, n, ctx| Ok(Arc::new(StringArray::from(vec![ctx.time_zone.as_ref(); n]))),
    }
}
