//! The scalar families added for issue 12 through the DataFrame API: each wrapper calls
//! the registry function of the same SQL name, so names, types and values agree.

mod api_support;

use api_support::{same_as_sql, session};
use ember::functions::*;

#[test]
fn hash_null_and_url_wrappers_match_sql() {
    let s = session();
    let df = s.sql("SELECT * FROM VALUES (1, 'a b', 'http://x.org/p?k=v') AS t(i, s, u)").unwrap();
    df.create_or_replace_temp_view("t").unwrap();
    let api = df
        .select([
            hash(vec![col("i"), col("s")]),
            xxhash64(vec![col("s")]),
            nullifzero(col("i")),
            zeroifnull(null().cast("int")),
            equal_null(col("s"), lit("a b")),
            url_encode(col("s")),
            parse_url(col("u"), lit("QUERY"), Some(lit("k"))),
            mask(col("s"), None, None, None, Some("-")),
            regexp_count(col("s"), lit("[a-z]")),
        ])
        .unwrap();
    let sql = "SELECT hash(i, s), xxhash64(s), nullifzero(i), zeroifnull(CAST(NULL AS INT)), equal_null(s, 'a b'), url_encode(s), \
               parse_url(u, 'QUERY', 'k'), mask(s, 'X', 'x', 'n', '-'), regexp_count(s, '[a-z]') FROM t";
    let sql_df = s.sql(sql).unwrap();
    assert_eq!(api.schema_string(), sql_df.schema_string());
    let got = same_as_sql(&s, &api, sql);
    assert_eq!(got, vec!["-1070302557\t-855244039985217676\t1\t0\ttrue\ta+b\tv\tx-x\t2"]);
}

#[test]
fn datetime_wrappers_match_sql() {
    let s = session();
    let df = s.sql("SELECT 2020 AS y, TIMESTAMP'2020-01-31 10:00:00' AS ts").unwrap();
    df.create_or_replace_temp_view("d").unwrap();
    let fields = TimestampFields { years: col("y"), months: lit(2), days: lit(29), hours: lit(1), mins: lit(2), secs: lit(3) };
    let api = df
        .select([
            make_timestamp(fields, Some(lit("UTC"))),
            make_ym_interval(Some(lit(1)), None),
            make_dt_interval(Some(lit(2)), None, None, None),
            timestamp_add("month", lit(1), col("ts")),
            timestamp_diff("DAY", col("ts"), lit("2020-02-02").cast("timestamp")),
            convert_timezone(None, lit("Asia/Tokyo"), col("ts")),
            from_utc_timestamp(col("ts"), lit("Asia/Seoul")),
            dayname(col("ts")),
        ])
        .unwrap();
    let sql = "SELECT make_timestamp(y, 2, 29, 1, 2, 3, 'UTC'), make_ym_interval(1), make_dt_interval(2), timestampadd(MONTH, 1, ts), \
               timestampdiff(DAY, ts, CAST('2020-02-02' AS TIMESTAMP)), convert_timezone('Asia/Tokyo', ts), from_utc_timestamp(ts, 'Asia/Seoul'), dayname(ts) FROM d";
    assert_eq!(api.schema_string(), s.sql(sql).unwrap().schema_string());
    let got = same_as_sql(&s, &api, sql);
    assert_eq!(got, vec!["2020-02-29 01:02:03\t1-0\t2 00:00:00.000000000\t2020-02-29 10:00:00\t1\t2020-01-31 19:00:00\t2020-01-31 19:00:00\tFri"]);
}

#[test]
fn show_functions_lists_builtins_and_binder_functions() {
    let s = session();
    let rows = api_support::rows(&s.sql("SHOW FUNCTIONS LIKE 'try_add|url_*|int|<=>|row_number'").unwrap().collect().unwrap());
    assert_eq!(rows, vec!["<=>", "int", "row_number", "try_add", "url_decode", "url_encode"]);
    assert!(api_support::rows(&s.sql("SHOW USER FUNCTIONS").unwrap().collect().unwrap()).is_empty());
}
