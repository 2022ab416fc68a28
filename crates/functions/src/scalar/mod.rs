//! Scalar functions with Spark's names and semantics, one file per function or family.

pub mod abs;
pub mod alias;
pub mod array;
pub mod case;
pub mod concat;
pub mod conditional;
pub mod length;
pub mod null_check;
pub mod pad;
pub mod replace;
pub mod split;
pub mod string_fn;
pub mod string_misc;
pub mod substring;
pub mod trim;
pub mod utils;

use std::sync::Arc;

use ember_plan::ScalarFunctionImpl;

/// Every built-in scalar function under its own name.
pub fn all() -> Vec<Arc<dyn ScalarFunctionImpl>> {
    vec![
        Arc::new(case::upper()),
        Arc::new(case::lower()),
        Arc::new(case::initcap()),
        Arc::new(length::Length),
        Arc::new(substring::Substring),
        Arc::new(substring::left()),
        Arc::new(substring::right()),
        Arc::new(concat::Concat),
        Arc::new(concat::ConcatWs),
        Arc::new(trim::trim()),
        Arc::new(trim::ltrim()),
        Arc::new(trim::rtrim()),
        Arc::new(split::Split),
        Arc::new(conditional::Coalesce::variadic()),
        Arc::new(conditional::Coalesce::nvl()),
        Arc::new(conditional::Nvl2),
        Arc::new(conditional::NullIf),
        Arc::new(conditional::If),
        Arc::new(null_check::IsNull::new(false)),
        Arc::new(null_check::IsNull::new(true)),
        Arc::new(abs::Abs),
        Arc::new(replace::replace()),
        Arc::new(pad::lpad()),
        Arc::new(pad::rpad()),
        Arc::new(string_misc::reverse()),
        Arc::new(string_misc::repeat()),
        Arc::new(string_misc::instr()),
        Arc::new(string_misc::ascii()),
        Arc::new(array::MakeArray),
        Arc::new(array::ArrayContains),
        Arc::new(array::Size),
    ]
}

/// `(alias, target)`: names Spark accepts for another function.
pub const ALIASES: &[(&str, &str)] = &[
    ("substr", "substring"),
    ("ucase", "upper"),
    ("lcase", "lower"),
    ("char_length", "length"),
    ("character_length", "length"),
    ("len", "length"),
    ("ifnull", "nvl"),
    ("cardinality", "size"),
];
