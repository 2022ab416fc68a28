//! `collation(str)`: the collation of a string, always Spark's default
//! `SYSTEM.BUILTIN.UTF8_BINARY` (Ember has no other collations yet).

use std::sync::Arc;

use arrow::array::StringArray;
use arrow::datatypes::DataType;
use ember_plan::coercion::is_string;

use super::typed_fn::TypedFunction;
use super::utils::unexpected_type;

pub fn collation() -> TypedFunction {
    TypedFunction {
        name: "collation",
        min_args: 1,
        max_args: 1,
        coerce: |name, t| match &t[0] {
            d if is_string(d) || d == &DataType::Null => Ok(vec![DataType::Utf8]),
            d => Err(unexpected_type(name, 1, "\"STRING\"", d)),
        },
        returns: |_| Ok(DataType::Utf8),
        kernel: |_, _, n, _| Ok(Arc::new(StringArray::from(vec!["SYSTEM.BUILTIN.UTF8_BINARY"; n]))),
    }
}
