//! Scalar functions with Spark's names and semantics, one file per function or family.

pub mod abs;
pub mod alias;
pub mod array;
pub mod array_edit;
pub mod array_fns;
pub mod bitmap_fns;
pub mod bits;
pub mod collection_util;
pub mod element_at;
pub mod interval_make;
pub mod json_fns;
pub mod json_more;
pub mod json_value;
pub mod map_fns;
pub mod map_more;
pub mod struct_fns;
pub mod case;
pub mod charset;
pub mod chr;
pub mod collation;
pub mod concat;
pub mod csv_fns;
pub mod conditional;
pub mod conv;
pub mod datetime_args;
pub mod datetime_calendar;
pub mod datetime_convert;
pub mod datetime_epoch;
pub mod datetime_extract;
pub mod datetime_make;
pub mod datetime_names;
pub mod datetime_pattern;
pub mod datetime_timestampadd;
pub mod datetime_zone;
pub mod defaults;
pub mod encoding;
pub mod format_string;
pub mod greatest;
pub mod hash;
pub mod length;
pub mod locate;
pub mod math;
pub mod null_check;
pub mod null_fns;
pub mod number_fns;
pub mod number_format;
pub mod number_pattern;
pub mod number_text;
pub mod overlay;
pub mod pad;
pub mod pmod;
pub mod raise;
pub mod random_fns;
pub mod regexp;
pub mod regexp_more;
pub mod replace;
pub mod round;
pub mod sentences;
pub mod session_info;
pub mod shuffle;
pub mod spark_hash;
pub mod split;
pub mod string_fn;
pub mod string_mask;
pub mod string_metrics;
pub mod string_misc;
pub mod string_search;
pub mod substring;
pub mod task_info;
pub mod translate;
pub mod trim;
pub mod try_fn;
pub mod typed_fn;
pub mod url;
pub mod utf8;
pub mod vector_fns;
pub mod window_time;
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
    fns.extend(misc_functions());
    fns.extend(text_functions());
    fns
}

/// NULL helpers and facts about the session.
fn misc_functions() -> Vec<Arc<dyn ScalarFunctionImpl>> {
    let mut fns: Vec<Arc<dyn ScalarFunctionImpl>> = Vec::new();
    fns.extend([Arc::new(raise::RaiseError) as Arc<dyn ScalarFunctionImpl>, Arc::new(raise::AssertTrue)]);
    for f in [random_fns::rand(), random_fns::randn(), random_fns::uniform(), random_fns::randstr(), random_fns::uuid()] {
        fns.push(Arc::new(f));
    }
    for f in [
        task_info::monotonically_increasing_id(),
        task_info::spark_partition_id(),
        task_info::input_file_name(),
        task_info::input_file_block_start(),
        task_info::input_file_block_length(),
    ] {
        fns.push(Arc::new(f));
    }
    for f in [null_fns::equal_null(), null_fns::nullifzero(), null_fns::zeroifnull(), session_info::version(), session_info::current_timezone(), spark_hash::hash(), spark_hash::xxhash64()] {
        fns.push(Arc::new(f));
    }
    fns
}

/// The date and time functions (`datetime_*.rs`).
fn datetime_functions() -> Vec<Arc<dyn ScalarFunctionImpl>> {
    use datetime_calendar as cal;
    use datetime_convert as conv;
    use datetime_extract as ext;
    let mut fns: Vec<Arc<dyn ScalarFunctionImpl>> = vec![Arc::new(ext::Extract::extract()), Arc::new(ext::Extract::date_part()), Arc::new(ext::Extract::datepart())];
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
    use datetime_make as make;
    for f in [make::make_timestamp(), make::make_timestamp_ltz(), make::make_timestamp_ntz()] {
        fns.push(Arc::new(f));
    }
    fns.extend([
        Arc::new(try_fn::TryFunction::new("try_make_timestamp", make::make_timestamp())) as Arc<dyn ScalarFunctionImpl>,
        Arc::new(try_fn::TryFunction::new("try_make_timestamp_ltz", make::make_timestamp_ltz())),
        Arc::new(try_fn::TryFunction::new("try_make_timestamp_ntz", make::make_timestamp_ntz())),
        Arc::new(datetime_names::dayname()),
        Arc::new(datetime_zone::convert_timezone()),
        Arc::new(datetime_zone::from_utc_timestamp()),
        Arc::new(datetime_zone::to_utc_timestamp()),
        Arc::new(datetime_zone::to_timestamp_ntz()),
        Arc::new(datetime_zone::to_timestamp_ltz()),
        Arc::new(datetime_zone::localtimestamp()),
        Arc::new(datetime_timestampadd::timestampadd()),
        Arc::new(datetime_timestampadd::timestampdiff()),
        Arc::new(interval_make::make_ym_interval()),
        Arc::new(interval_make::make_dt_interval()),
        Arc::new(interval_make::make_interval()),
        Arc::new(try_fn::TryFunction::new("try_make_interval", interval_make::make_interval())),
        Arc::new(datetime_names::monthname()),
        Arc::new(ember_plan::time_window::TimeWindowFunction::default()),
        ember_plan::session_window::session_window(),
        Arc::new(window_time::WindowTime),
    ]);
    fns
}

/// `(synonym, target)`: names Spark resolves to another function and shows under the
/// target's name (`curdate()` is `current_date()`).
pub const SYNONYMS: &[(&str, &str)] = &[("curdate", "current_date"), ("dateadd", "date_add"), ("random", "rand"), ("to_varchar", "to_char")];

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
    ("date_diff", "datediff"),
];

/// URLs, character sets, UTF-8 validity, quoting and masking.
fn text_functions() -> Vec<Arc<dyn ScalarFunctionImpl>> {
    let mut fns: Vec<Arc<dyn ScalarFunctionImpl>> = vec![
        Arc::new(url::url_encode()),
        Arc::new(url::url_decode()),
        Arc::new(url::parse_url()),
        Arc::new(try_fn::TryFunction::new("try_url_decode", url::url_decode())),
        Arc::new(try_fn::TryFunction::new("try_parse_url", url::parse_url())),
        Arc::new(charset::encode()),
        Arc::new(charset::Decode),
        Arc::new(charset::to_binary()),
        Arc::new(try_fn::TryFunction::new("try_to_binary", charset::to_binary())),
        Arc::new(string_mask::quote()),
        Arc::new(string_mask::mask()),
        Arc::new(number_format::format_number()),
        Arc::new(overlay::overlay()),
        Arc::new(sentences::sentences()),
        Arc::new(collation::collation()),
        Arc::new(bitmap_fns::bitmap_bucket_number()),
        Arc::new(bitmap_fns::bitmap_bit_position()),
        Arc::new(bitmap_fns::bitmap_count()),
        Arc::new(vector_fns::vector_cosine_similarity()),
        Arc::new(vector_fns::vector_inner_product()),
        Arc::new(vector_fns::vector_l2_distance()),
        Arc::new(vector_fns::with_degree(vector_fns::vector_norm())),
        Arc::new(vector_fns::with_degree(vector_fns::vector_normalize())),
        Arc::new(number_text::to_number()),
        Arc::new(try_fn::TryFunction::new("try_to_number", number_text::to_number())),
        Arc::new(number_text::to_char()),
        Arc::new(defaults::WithDefaults { inner: regexp_more::regexp_extract_all(), defaults: || vec![ScalarValue::Int32(Some(1))], min_given: 2 }),
        Arc::new(defaults::WithDefaults { inner: regexp_more::regexp_instr(), defaults: || vec![ScalarValue::Int32(Some(0))], min_given: 2 }),
        Arc::new(regexp_more::regexp_count()),
        Arc::new(regexp_more::regexp_substr()),
    ];
    for f in [utf8::is_valid_utf8(), utf8::make_valid_utf8(), utf8::validate_utf8(), utf8::try_validate_utf8()] {
        fns.push(Arc::new(f));
    }
    fns
}
