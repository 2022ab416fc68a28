//! `overlay(input PLACING replace FROM pos [FOR len])` (also a plain call): `input` with
//! `len` characters (bytes for binary) from `pos` replaced by `replace`; `len` defaults
//! to the length of `replace` (shown as -1, as Spark does).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BinaryBuilder};
use arrow::datatypes::DataType;
use ember_plan::ScalarValue;

use super::defaults::WithDefaults;
use super::hash::as_binary;
use super::typed_fn::TypedFunction;
use super::utils::{as_ints, as_strings, int_arg, string_arg, StringOut};

/// Spark's `overlay` on a sequence: `input[..pos-1] + replace + input[pos-1+len..]`, with
/// out-of-range bounds clamped.
fn splice<T: Clone>(input: &[T], replace: &[T], pos: i32, len: i32) -> Vec<T> {
    let clamp = |i: i64| i.clamp(0, input.len() as i64) as usize;
    let head = clamp(pos as i64 - 1);
    let skip = if len >= 0 { len as i64 } else { replace.len() as i64 };
    let tail = clamp(pos as i64 - 1 + skip);
    let mut out = input[..head].to_vec();
    out.extend_from_slice(replace);
    out.extend_from_slice(&input[tail..]);
    out
}

pub fn overlay() -> WithDefaults<TypedFunction> {
    let inner = TypedFunction {
        name: "overlay",
        min_args: 4,
        max_args: 4,
        coerce: |name, t| {
            let binary = t[0] == DataType::Binary && matches!(t[1], DataType::Binary | DataType::Null);
            let text = |i: usize| if binary { Ok(DataType::Binary) } else { string_arg(name, i + 1, &t[i]) };
            Ok(vec![text(0)?, text(1)?, int_arg(name, 3, &t[2])?, int_arg(name, 4, &t[3])?])
        },
        returns: |t| Ok(if t[0] == DataType::Binary { DataType::Binary } else { DataType::Utf8 }),
        kernel: |_, a, n, _| {
            let (pos, len) = (as_ints(&a[2])?, as_ints(&a[3])?);
            if a[0].data_type() == &DataType::Binary {
                let (x, r) = (as_binary(&a[0])?, as_binary(&a[1])?);
                let mut out = BinaryBuilder::with_capacity(n, 0);
                for i in 0..n {
                    if x.is_null(i) || r.is_null(i) || pos.is_null(i) || len.is_null(i) {
                        out.append_null();
                    } else {
                        out.append_value(splice(x.value(i), r.value(i), pos.value(i), len.value(i)));
                    }
                }
                return Ok(Arc::new(out.finish()) as ArrayRef);
            }
            let (x, r) = (as_strings(&a[0])?, as_strings(&a[1])?);
            let mut out = StringOut::new("overlay", n);
            for i in 0..n {
                if x.is_null(i) || r.is_null(i) || pos.is_null(i) || len.is_null(i) {
                    out.push(None)?;
                    continue;
                }
                let input: Vec<char> = x.value(i).chars().collect();
                let replace: Vec<char> = r.value(i).chars().collect();
                let s: String = splice(&input, &replace, pos.value(i), len.value(i)).into_iter().collect();
                out.push(Some(&s))?;
            }
            Ok(out.finish())
        },
    };
    WithDefaults { inner, defaults: || vec![ScalarValue::Int32(Some(-1))], min_given: 3 }
}

#[cfg(test)]
mod tests {
    use super::splice;

    fn s(input: &str, replace: &str, pos: i32, len: i32) -> String {
        let (i, r): (Vec<char>, Vec<char>) = (input.chars().collect(), replace.chars().collect());
        splice(&i, &r, pos, len).into_iter().collect()
    }

    #[test]
    fn spark_overlay() {
        assert_eq!(s("Spark SQL", "_", 6, -1), "Spark_SQL");
        assert_eq!(s("Spark SQL", "ANSI ", 7, 0), "Spark ANSI SQL");
        assert_eq!(s("Spark SQL", "tructured", 2, 4), "Structured SQL");
        assert_eq!(s("abc", "X", 2, 5), "aX");
        assert_eq!(s("abc", "X", -1, -1), "Xabc");
    }
}
