//! Scalar functions with Spark's names and semantics, one file per function or family.

pub mod abs;
pub mod alias;
pub mod array;
pub mod array_edit;
pub mod array_fns;
pub mod bits;
pub mod collection_util;
pub mod element_at;
pub mod json_fns;
pub mod json_more;
pub mod json_value;
pub mod map_fns;
pub mod map_more;
pub mod struct_fns;
pub mod case;
pub mod chr;
pub mod concat;
pub mod csv_fns;
pub mod conditional;
pub mod conv;
pub mod datetime_args;
pub mod datetime_calendar;
pub mod datetime_convert;
pub mod datetime_epoch;
pub mod datetime_extract;
pub mod datetime_pattern;
pub mod defaults;
pub mod encoding;
pub mod format_string;
pub mod greatest;
pub mod hash;
pub mod length;
pub mod locate;
pub mod math;
pub mod null_check;
pub mod number_fns;
pub mod pad;
pub mod pmod;
pub mod regexp;
pub mod replace;
pub mod round;
pub mod shuffle;
pub mod split;
pub mod string_fn;
pub mod string_metrics;
pub mod string_misc;
pub mod string_search;
pub mod substring;
pub mod translate;
pub mod trim;
pub mod typed_fn;
pub mod utils;

use std::sync::Arc;

use ember_plan::{ScalarFunctionImpl, ScalarValue};

/// Every built-in scalar function under its own name.
pub fn all() -> Vec<Arc<dyn ScalarFunctionImpl>> {
    let mut fns: Vec<Arc<dyn ScalarFunctionImpl>> = vec![
        Arc::new(case::upper()),
        Arc::new(case::lower()),
        Arc::new(case::initcap()),
        Arc::new(length::Length),
        Arc::new(defaults::WithDefaults { inner: substring::Substring, defaults: || vec![ScalarValue::Int32(Some(i32::MAX))], min_given: 2 }),
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
        Arc::new(defaults::WithDefaults { inner: array_fns::sort_array(), defaults: || vec![ScalarValue::Boolean(Some(true))], min_given: 1 }),
        Arc::new(array_fns::array_sort()),
        Arc::new(array_fns::ArrayDistinct),
        Arc::new(array_fns::array_union()),
        Arc::new(array_fns::array_intersect()),
        Arc::new(array_fns::array_except()),
        Arc::new(array_fns::array_max()),
        Arc::new(array_fns::array_min()),
        Arc::new(array_fns::ArrayPosition),
        Arc::new(array_fns::ArrayRemove),
        Arc::new(array_fns::ArrayJoin),
        Arc::new(array_fns::Slice),
        Arc::new(array_fns::Flatten),
        Arc::new(array_fns::Sequence),
        Arc::new(array_fns::arrays_zip()),
        Arc::new(array_edit::array_append()),
        Arc::new(array_edit::array_prepend()),
        Arc::new(array_edit::ArrayInsert),
        Arc::new(array_edit::ArrayCompact),
        Arc::new(array_edit::ArraySize),
        Arc::new(array_edit::ArrayRepeat),
        Arc::new(array_edit::ArraysOverlap),
        Arc::new(map_more::MapConcat),
        Arc::new(map_more::MapFromEntries),
        Arc::new(map_more::StrToMap),
        Arc::new(shuffle::Shuffle),
        Arc::new(element_at::element_at()),
        Arc::new(element_at::try_element_at()),
        Arc::new(element_at::get()),
        Arc::new(element_at::get_item()),
        Arc::new(map_fns::MakeMap),
        Arc::new(map_fns::MapFromArrays),
        Arc::new(map_fns::map_keys()),
        Arc::new(map_fns::map_values()),
        Arc::new(map_fns::map_entries()),
        Arc::new(map_fns::MapContainsKey),
        Arc::new(struct_fns::named_struct()),
        Arc::new(struct_fns::make_struct()),
        Arc::new(struct_fns::get_field()),
        Arc::new(json_fns::GetJsonObject),
        Arc::new(json_fns::JsonTuple),
        Arc::new(json_fns::FromJson),
        Arc::new(json_fns::ToJson),
        Arc::new(json_more::json_array_length()),
        Arc::new(json_more::json_object_keys()),
        Arc::new(json_more::SchemaOfJson),
        Arc::new(csv_fns::ToCsv),
        Arc::new(csv_fns::FromCsv),
        Arc::new(csv_fns::SchemaOfCsv),
    ];
    for f in math::unary_functions() {
        fns.push(Arc::new(f));
    }
    for f in math::binary_functions() {
        fns.push(Arc::new(f));
    }
    fns.extend([
        Arc::new(math::pi()) as Arc<dyn ScalarFunctionImpl>,
        Arc::new(math::e()),
        Arc::new(round::round()),
        Arc::new(round::bround()),
        Arc::new(round::floor()),
        Arc::new(round::ceil()),
        Arc::new(greatest::greatest()),
        Arc::new(greatest::least()),
        Arc::new(pmod::Pmod),
        Arc::new(defaults::WithDefaults { inner: locate::locate(), defaults: || vec![ScalarValue::Int32(Some(1))], min_given: 2 }),
        Arc::new(translate::translate()),
        Arc::new(chr::Chr),
        Arc::new(regexp::rlike()),
        Arc::new(defaults::WithDefaults { inner: regexp::regexp_extract(), defaults: || vec![ScalarValue::Int32(Some(1))], min_given: 2 }),
        Arc::new(defaults::WithDefaults { inner: regexp::regexp_replace(), defaults: || vec![ScalarValue::Int32(Some(1))], min_given: 3 }),
        Arc::new(format_string::FormatString),
        Arc::new(hash::md5()),
        Arc::new(hash::sha1()),
        Arc::new(hash::sha2()),
        Arc::new(hash::crc32()),
        Arc::new(encoding::base64()),
        Arc::new(encoding::unbase64()),
        Arc::new(encoding::hex()),
        Arc::new(encoding::unhex()),
    ]);
    for f in [
        bits::bit_count(), bits::bit_get("bit_get"), bits::bit_get("getbit"), bits::shiftleft(), bits::shiftright(),
        bits::shiftrightunsigned(), conv::conv(), number_fns::nanvl(), number_fns::isnan(), number_fns::factorial(),
        number_fns::bin(), number_fns::width_bucket(), string_search::contains(), string_search::startswith(),
        string_search::endswith(), string_search::elt(), string_metrics::octet_length(), string_metrics::bit_length(),
    ] {
        fns.push(Arc::new(f));
    }
    for f in [
        trim::btrim(), string_search::find_in_set(), string_search::substring_index(), string_search::split_part(),
        string_metrics::levenshtein(), string_metrics::soundex(), string_metrics::luhn_check(), string_metrics::space(),
    ] {
        fns.push(Arc::new(f));
    }
    fns.extend(datetime_functions());
    fns
}

/// The date and time functions (`datetime_*.rs`).
fn datetime_functions() -> Vec<Arc<dyn ScalarFunctionImpl>> {
    use datetime_calendar as cal;
    use datetime_convert as conv;
    use datetime_extract as ext;
    let mut fns: Vec<Arc<dyn ScalarFunctionImpl>> = vec![Arc::new(ext::Extract::extract()), Arc::new(ext::Extract::date_part())];
    for f in [
        ext::year(), ext::quarter(), ext::month(), ext::day(), ext::dayofmonth(), ext::dayofweek(), ext::weekday(),
        ext::dayofyear(), ext::weekofyear(), ext::hour(), ext::minute(), ext::second(),
        cal::date_add(), cal::date_sub(), cal::datediff(), cal::add_months(), cal::months_between(), cal::last_day(),
        cal::next_day(), cal::date_trunc(), cal::trunc(), cal::make_date(),
        conv::to_date(), conv::to_timestamp(), conv::date_format(), conv::unix_timestamp(), conv::to_unix_timestamp(),
        conv::from_unixtime(), conv::current_date(), conv::current_timestamp(), conv::now(),
    ] {
        fns.push(Arc::new(f));
    }
    use datetime_epoch as epoch;
    for f in [
        epoch::timestamp_seconds(), epoch::timestamp_millis(), epoch::timestamp_micros(), epoch::unix_seconds(),
        epoch::unix_millis(), epoch::unix_micros(), epoch::unix_date(), epoch::date_from_unix_date(),
    ] {
        fns.push(Arc::new(f));
    }
    fns
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
    ("sign", "signum"),
    ("pow", "power"),
    ("ceiling", "ceil"),
    ("position", "locate"),
    ("regexp", "rlike"),
    ("regexp_like", "rlike"),
    ("printf", "format_string"),
    ("sha", "sha1"),
    ("char", "chr"),
];
