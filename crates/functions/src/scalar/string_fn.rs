//! `StringFunction`: a scalar function described by its name, parameter kinds,
//! result type and a kernel over arrays; the shape of most string functions.

use std::fmt;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::{ColumnarValue, FunctionContext, ScalarFunctionImpl};

use super::utils::{check_arity, eval_arrays, int_arg, string_arg};

/// What a parameter is coerced to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    Str,
    Int,
}

/// The kernel: coerced argument arrays (all `rows` long) to the result array.
pub type Kernel = fn(&[ArrayRef], usize, &FunctionContext) -> Result<ArrayRef>;

/// A fixed-signature function; trailing parameters past `min_args` are optional.
pub struct StringFunction {
    pub name: &'static str,
    pub params: &'static [Param],
    pub min_args: usize,
    pub returns: DataType,
    pub kernel: Kernel,
}

impl fmt::Debug for StringFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl ScalarFunctionImpl for StringFunction {
    fn name(&self) -> &str {
        self.name
    }

    /// Spark writes its `RLike` in capitals, `RLIKE(s, p)`, and a trim of given characters
    /// as the SQL form, `TRIM(LEADING chars FROM s)`.
    /// The defaults Spark fills in and shows: `lpad(s, n,  )`, `replace(s, x, )`.
    fn implicit_args(&self, given: usize) -> Vec<ember_plan::ScalarValue> {
        match (self.name, given) {
            ("lpad" | "rpad", 2) => vec![ember_plan::ScalarValue::Utf8(Some(" ".into()))],
            ("replace", 2) => vec![ember_plan::ScalarValue::Utf8(Some(String::new()))],
            _ => Vec::new(),
        }
    }

    fn display_call(&self, args: &[String]) -> Option<String> {
        let side = match (self.name, args) {
            ("rlike", _) => return Some(format!("RLIKE({})", args.join(", "))),
            ("trim", [_, _]) => "BOTH",
            ("ltrim", [_, _]) => "LEADING",
            ("rtrim", [_, _]) => "TRAILING",
            _ => return None,
        };
        Some(format!("TRIM({side} {} FROM {})", args[1], args[0]))
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name, arg_types.len(), self.min_args, self.params.len())?;
        arg_types
            .iter()
            .zip(self.params)
            .enumerate()
            .map(|(i, (t, p))| match p {
                Param::Str => string_arg(self.name, i + 1, t),
                Param::Int => int_arg(self.name, i + 1, t),
            })
            .collect()
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.returns.clone())
    }

    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue> {
        check_arity(self.name, args.len(), self.min_args, self.params.len())?;
        eval_arrays(args, num_rows, |a, n| (self.kernel)(a, n, ctx))
    }
}
