//! DataFrame wrappers for Spark's string functions beyond the core set (instr, lpad, regexp_extract, …).

use super::{call_function, lit};
use crate::column::Column;

/// 1-based position of `substring` in `c`, 0 if absent.
pub fn instr(c: Column, substring: &str) -> Column {
    call_function("instr", vec![c, lit(substring)])
}
/// 1-based position of `substr` in `c` at or after `pos`, 0 if absent.
pub fn locate(substr: &str, c: Column, pos: i32) -> Column {
    call_function("locate", vec![lit(substr), c, lit(pos)])
}
pub fn lpad(c: Column, len: i32, pad: &str) -> Column {
    call_function("lpad", vec![c, lit(len), lit(pad)])
}
pub fn rpad(c: Column, len: i32, pad: &str) -> Column {
    call_function("rpad", vec![c, lit(len), lit(pad)])
}
/// Every occurrence of `search` replaced by `replacement`.
pub fn replace(c: Column, search: &str, replacement: &str) -> Column {
    call_function("replace", vec![c, lit(search), lit(replacement)])
}
/// Characters of `matching` replaced by the character at the same place in `replace`.
pub fn translate(c: Column, matching: &str, replace: &str) -> Column {
    call_function("translate", vec![c, lit(matching), lit(replace)])
}
/// Group `idx` of the first match of `pattern`, '' when nothing matches.
pub fn regexp_extract(c: Column, pattern: &str, idx: i32) -> Column {
    call_function("regexp_extract", vec![c, lit(pattern), lit(idx)])
}
/// Every match of `pattern` replaced by `replacement` (`$1` refers to a group).
pub fn regexp_replace(c: Column, pattern: &str, replacement: &str) -> Column {
    call_function("regexp_replace", vec![c, lit(pattern), lit(replacement)])
}
/// True where `pattern` matches somewhere in `c`.
pub fn rlike(c: Column, pattern: &str) -> Column {
    call_function("rlike", vec![c, lit(pattern)])
}
/// Java's `String.format(format, cols…)`.
pub fn format_string(format: &str, cols: impl IntoIterator<Item = Column>) -> Column {
    let mut args = vec![lit(format)];
    args.extend(cols);
    call_function("format_string", args)
}
pub fn initcap(c: Column) -> Column {
    call_function("initcap", vec![c])
}
pub fn reverse(c: Column) -> Column {
    call_function("reverse", vec![c])
}
pub fn repeat(c: Column, n: i32) -> Column {
    call_function("repeat", vec![c, lit(n)])
}
pub fn left(c: Column, len: i32) -> Column {
    call_function("left", vec![c, lit(len)])
}
pub fn right(c: Column, len: i32) -> Column {
    call_function("right", vec![c, lit(len)])
}
pub fn ascii(c: Column) -> Column {
    call_function("ascii", vec![c])
}
pub fn md5(c: Column) -> Column {
    call_function("md5", vec![c])
}
pub fn sha1(c: Column) -> Column {
    call_function("sha1", vec![c])
}
/// `sha2(c, bits)` with bits 224, 256, 384 or 512.
pub fn sha2(c: Column, bits: i32) -> Column {
    call_function("sha2", vec![c, lit(bits)])
}
pub fn base64(c: Column) -> Column {
    call_function("base64", vec![c])
}
pub fn unbase64(c: Column) -> Column {
    call_function("unbase64", vec![c])
}
pub fn hex(c: Column) -> Column {
    call_function("hex", vec![c])
}
pub fn unhex(c: Column) -> Column {
    call_function("unhex", vec![c])
}
